"""Properties over hostile input, on real sockets.

1. Whatever JSON (or non-JSON) a server answers, a call raises only the SDK's documented
   errors (``StripeError`` and its subclasses) or returns its typed result.
2. Whatever values a caller passes, either the request is sent and its body decodes back
   (bracket notation, as Stripe reads it) to the values given, or ``InvalidArgumentError``
   is raised and nothing reaches the server.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lattice_stripe import AsyncStripeClient, InvalidArgumentError, StripeClient, StripeError, models
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Reply, StripeServer

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def srv() -> Iterator[StripeServer]:
    server = StripeServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sdk(srv: StripeServer) -> Iterator[StripeClient]:
    with httpx.Client() as http:
        yield StripeClient(
            API_KEY,
            base_url=srv.url,
            files_base_url=srv.url,
            retry_policy=FAST,
            max_retries=0,
            http_client=http,
        )


# -- 1. arbitrary responses ----------------------------------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)


def _object_like(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts using the model's own field names (and ``object`` values) with arbitrary values."""
    names = [json_name for _, json_name, *_ in cls.__stripe_fields__]
    keys = st.sampled_from([*names, "object", "data", "has_more", "url", "deleted"])
    return st.dictionaries(
        keys, json_values | st.sampled_from(["list", "customer", "invoice", "event"]), max_size=8
    )


OPERATIONS: list[tuple[str, Callable[[StripeClient], Any], type]] = [
    (
        "customers.retrieve",
        lambda c: c.customers.retrieve("cus_1", expand=["default_source"]),
        models.Customer,
    ),
    (
        "payment_intents.create",
        lambda c: c.payment_intents.create(amount=100, currency="usd"),
        models.PaymentIntent,
    ),
    ("invoices.list", lambda c: c.invoices.list(limit=3), models.Invoice),
    ("checkout.sessions.retrieve", lambda c: c.checkout.sessions.retrieve("cs_1"), models.CheckoutSession),
    (
        "subscriptions.update",
        lambda c: c.subscriptions.update("sub_1", proration_behavior="none"),
        models.Subscription,
    ),
    ("customers.search", lambda c: c.customers.search(query="email:'a'"), models.Customer),
    ("customers.delete", lambda c: c.customers.delete("cus_1"), models.DeletedCustomer),
    ("quotes.pdf", lambda c: c.quotes.pdf("qt_1"), models.Quote),
]

bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=40),
    st.just(b'{"a": ' * 3000 + b"1" + b"}" * 3000),
)


@pytest.mark.parametrize(("name", "call", "cls"), OPERATIONS, ids=[o[0] for o in OPERATIONS])
@settings(SETTINGS, max_examples=80)  # per operation: 640 responses in all
@given(data=st.data())
def test_any_response_raises_only_documented_errors(srv, sdk, name, call, cls, data) -> None:
    status = data.draw(st.sampled_from([200, 200, 200, 201, 400, 401, 402, 404, 409, 429, 500, 503]))
    body = data.draw(bodies | _object_like(cls).map(lambda v: json.dumps(v).encode()))
    srv.reply(Reply(status=status, body=body))
    try:
        call(sdk)
    except StripeError:
        pass
    finally:
        srv.queue.clear()


def test_async_any_response_raises_only_documented_errors(srv) -> None:
    loop = asyncio.new_event_loop()
    client = AsyncStripeClient(API_KEY, base_url=srv.url, retry_policy=FAST, max_retries=0)

    async def call() -> None:
        try:
            await client.invoices.list(limit=3)
            await client.customers.retrieve("cus_1")
        except StripeError:
            pass

    @settings(SETTINGS, max_examples=60)
    @given(
        status=st.sampled_from([200, 200, 400, 500]),
        body=bodies | _object_like(models.Invoice).map(lambda v: json.dumps(v).encode()),
    )
    def one(status: int, body: bytes) -> None:
        srv.reply(Reply(status=status, body=body), Reply(status=status, body=body))
        try:
            loop.run_until_complete(call())
        finally:
            srv.queue.clear()

    try:
        one()
    finally:
        loop.run_until_complete(client.aclose())
        loop.close()


# -- 2. arbitrary params -----------------------------------------------------------------------

keys = st.text(min_size=0, max_size=6) | st.none() | st.integers(-2, 2)
texts = st.text(st.characters(codec=None), max_size=12)  # lone surrogates included
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.decimals(places=None, allow_nan=True, allow_infinity=True)
    | texts
    | st.binary(max_size=4)
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.tuples(inner, inner) | st.dictionaries(keys, inner, max_size=3)
    ),
    max_leaves=12,
)
# Mostly-sendable values too, so that both outcomes are exercised often.
plain_values = st.recursive(
    st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(st.characters(exclude_characters="[]"), min_size=1, max_size=5), inner, max_size=3
        )
    ),
    max_leaves=8,
)
values = plain_values | values
plain_keys = st.text(st.characters(exclude_characters="[]"), min_size=1, max_size=5)


def _either(sendable: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # Mostly sendable (each refused value refuses the whole call), sometimes anything.
    return st.integers(0, 9).flatmap(lambda n: sendable if n < 8 else values)


params_strategy = st.fixed_dictionaries(
    {},
    optional={
        "description": _either(st.text(max_size=10)),
        "email": _either(st.text(max_size=10)),
        "balance": _either(st.integers(-(2**62), 2**62)),
        "metadata": _either(st.dictionaries(plain_keys, plain_values | values, max_size=3)),
        "invoice_settings": _either(st.dictionaries(plain_keys, plain_values, max_size=3)),
        "address": _either(st.dictionaries(plain_keys, st.text(max_size=5), max_size=3)),
        "preferred_locales": _either(st.lists(st.text(max_size=5) | leaves, max_size=3)),
    },
)
query_strategy = st.fixed_dictionaries(
    {},
    optional={
        "email": _either(st.text(max_size=10)),
        "created": _either(
            st.integers(0, 2**40) | st.dictionaries(st.sampled_from(["gt", "gte", "lt"]), leaves)
        ),
        "test_clock": _either(st.text(max_size=5)),
        "expand": _either(st.lists(st.text(max_size=5) | leaves, max_size=3)),
    },
)


def _decode(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Bracket notation back to nested values, as Stripe reads it (indexed keys are a list)."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        parts = [head] + (rest[:-1].split("][") if rest else [])
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":  # key[] appends
                node.append(value)
                break
            if last:
                node[part] = value
            else:
                nxt = [] if parts[i + 1] == "" else {}
                node = node.setdefault(part, nxt)
    return _lists(root)


def _lists(node: Any) -> Any:
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isascii() and k.isdigit() for k in node):  # "²".isdigit() is True
            return [node[k] for k in sorted(node, key=int)]
    elif isinstance(node, list):
        return [_lists(v) for v in node]
    return node


def _expected(value: Any) -> Any:
    """What a value means on the wire: text leaves; None and empty containers (nested, or
    for a parameter that does not take "") are dropped."""
    if isinstance(value, dict):
        out = {k: _expected(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in out.items() if v != {} and v != []}
    if isinstance(value, (list, tuple)):
        out = [_expected(v) for v in value if v is not None]
        return [v for v in out if v != {} and v != []]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _top_level(params: dict[str, Any], clearable: frozenset[str]) -> dict[str, Any]:
    """The expected body: a parameter typed `X | ""` sends an empty container as "" (Stripe's
    "unset"); everything else follows ``_expected``."""
    expected = _expected(params)
    for name, value in params.items():
        if name in clearable and isinstance(value, (dict, list, tuple)) and not value:
            expected[name] = ""
    return expected


def _check_sent_or_refused(
    srv: StripeServer,
    send: Callable[[], Any],
    params: dict[str, Any],
    *,
    query: bool,
    clearable: frozenset[str] = frozenset(),
) -> None:
    before = len(srv.requests)
    srv.reply(
        Reply(json={"id": "cus_1", "object": "customer"} if not query else {"object": "list", "data": []})
    )
    try:
        send()
    except InvalidArgumentError:
        assert len(srv.requests) == before, "refused after sending"
        event("refused")
        return
    finally:
        srv.queue.clear()
    sent = srv.requests[-1]
    decoded = _decode(sent.query if query else sent.form)
    # Stripe reads a[0][..] as a list or as a hash keyed "0" depending on the parameter, so
    # digit-keyed dicts compare as lists.
    assert decoded == _lists(_top_level(params, clearable) if params else {})  # no params: an empty body
    event("sent")


@SETTINGS
@given(params=params_strategy)
def test_any_params_are_sent_faithfully_or_refused_before_sending(srv, sdk, params) -> None:
    from lattice_stripe.resources.customers import _PostCustomers

    _check_sent_or_refused(
        srv, lambda: sdk.customers.create(**params), params, query=False, clearable=_PostCustomers.clearable
    )


@SETTINGS
@given(
    params=st.dictionaries(st.sampled_from(["email", "created", "test_clock", "expand"]), values, max_size=3)
)
def test_any_query_params_are_sent_faithfully_or_refused_before_sending(srv, sdk, params) -> None:
    _check_sent_or_refused(srv, lambda: sdk.customers.list(**params), params, query=True)


def test_the_decoder_reads_what_stripe_reads() -> None:
    pairs = [("a", "1"), ("m[k]", "v"), ("l[]", "x"), ("l[]", "y"), ("i[0][p]", "1"), ("i[1][p]", "2")]
    assert _decode(pairs) == {"a": "1", "m": {"k": "v"}, "l": ["x", "y"], "i": [{"p": "1"}, {"p": "2"}]}
    assert _expected({"a": [None, {"b": math.pi, "c": None}, {}], "d": False}) == {
        "a": [{"b": repr(math.pi)}],  # the empty dict is left out
        "d": "false",
    }
