"""Messages that help: an unknown name suggests what was meant (the official SDK's name when
ours differs), and every argument error names the public method and the parameter, before
any HTTP, with no internal name in it."""

from __future__ import annotations

import asyncio
import inspect
import re
from typing import Any

import pytest

import lattice_stripe
from lattice_stripe import AsyncStripeClient, InvalidArgumentError, StripeClient
from tests.stripe_server import StripeServer

INTERNAL = re.compile(r"(?<!\w)_request|_raw\b|'options'|Base\b|(?<!\w)_[A-Z]\w+|path_args")


@pytest.fixture(params=["sync", "async"])
def any_client(request: pytest.FixtureRequest, client: Any, aclient: Any) -> Any:
    return client if request.param == "sync" else aclient


def _walk(target: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


async def call(client: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    result = _walk(client, method)(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


# -- unknown names ----------------------------------------------------------------------------

OFFICIAL = [  # (what a user of the official SDK writes, what it is here)
    ("invoices.finalize_invoice", "invoices.finalize"),
    ("invoices.void_invoice", "invoices.void"),
    ("invoices.send_invoice", "invoices.send"),
    ("quotes.finalize_quote", "quotes.finalize"),
    ("payment_intents.confirm_payment_intent", "payment_intents.confirm"),
    ("customers.modify", "customers.update"),
    ("customers.delete_discount", "customers.discount.delete"),
    ("subscriptions.delete_discount", "subscriptions.discount.delete"),
    ("customers.payment_sources", "customers.sources"),
    ("customers.create_source", "customers.sources.create"),
    ("customers.list_sources", "customers.sources.list"),
    ("customers.delete_source", "customers.sources.delete"),
    ("customers.list_balance_transactions", "customers.balance_transactions.list"),
    ("invoices.line_items", "invoices.lines"),
    ("invoices.list_lines", "invoices.lines.list"),
]


@pytest.mark.parametrize("flavour", [StripeClient, AsyncStripeClient])
@pytest.mark.parametrize("official, ours", OFFICIAL)
def test_the_official_sdks_name_points_at_ours(flavour: type[Any], official: str, ours: str) -> None:
    client = flavour("sk_test_1")
    owner, _, name = official.rpartition(".")
    with pytest.raises(AttributeError) as caught:
        _walk(client, official)
    message = str(caught.value)
    here = ours.removeprefix(owner + ".")
    assert message.endswith(f": the official SDK's {name} is {here} here"), message
    assert callable(_walk(client, ours)) or _walk(client, ours) is not None  # the name given exists
    assert not hasattr(_walk(client, owner), name)  # still an ordinary AttributeError


CLOSE = [  # (a misspelt name, what the message must offer)
    ("invoices.finalise", "did you mean 'finalize'?"),
    ("customers.retreive", "did you mean 'retrieve'?"),
    ("checkout.sesions", "did you mean 'sessions'?"),
    ("customer", "did you mean 'customers'"),
    ("paymentintents", "did you mean 'payment_intents'"),
    ("request", "'raw_request'"),  # the internal call the official SDK's users reach for
]


@pytest.mark.parametrize("misspelt, offered", CLOSE)
def test_a_misspelt_name_offers_the_close_ones(misspelt: str, offered: str) -> None:
    with pytest.raises(AttributeError, match=re.escape(offered)):
        _walk(StripeClient("sk_test_1"), misspelt)


def test_every_method_of_every_resource_is_offered_for_its_typo() -> None:
    """The class, not the examples: each public method, with its last letter doubled."""
    client = StripeClient("sk_test_1")
    checked = 0
    for op in lattice_stripe.manifest():
        owner_path, _, method = op.call_path.rpartition(".")
        if not owner_path:
            continue
        owner = _walk(client, owner_path)
        with pytest.raises(AttributeError) as caught:
            getattr(owner, method + method[-1])
        assert f"'{method}'" in str(caught.value).split("(it has")[0], (op.call_path, str(caught.value))
        checked += 1
    assert checked > 400


def test_private_names_and_dunders_stay_plain_attribute_errors() -> None:
    client = StripeClient("sk_test_1")
    for owner in (client, client.customers, client.checkout):
        for name in ("_missing", "__missing__"):
            with pytest.raises(AttributeError) as caught:
                getattr(owner, name)
            assert str(caught.value) == f"{type(owner).__name__!r} object has no attribute {name!r}"


def test_the_internal_call_is_private() -> None:
    for client in (StripeClient("sk_test_1"), AsyncStripeClient("sk_test_1")):
        assert not hasattr(client, "request") and not hasattr(client, "request_raw")


# -- argument errors --------------------------------------------------------------------------

ARGUMENTS: list[tuple[str, tuple[Any, ...], dict[str, Any], type[Exception], list[str]]] = [
    ("customers.retrieve", (), {}, TypeError, ["Customers.retrieve()", "'customer'"]),
    ("customers.retrieve", (123,), {}, InvalidArgumentError, ["customers.retrieve: customer must be"]),
    ("customers.retrieve", ("cus_1",), {"customer": "cus_2"}, TypeError, ["Customers.retrieve()", "'customer'"]),
    ("customers.create", (), {"emial": "x"}, InvalidArgumentError, ["customers.create:", "emial (did you mean email?)"]),
    ("customers.create", (), {"email": 5}, InvalidArgumentError, ["customers.create: email must be a string"]),
    ("customers.create", (), {"timeout": "30"}, InvalidArgumentError, ["customers.create: timeout must be"]),
    ("customers.create", (), {"idempotency_kye": "k"}, InvalidArgumentError, ["idempotency_kye (did you mean idempotency_key?)"]),
    ("customers.list", (), {"limit": "3"}, InvalidArgumentError, ["customers.list: limit must be an integer"]),
    ("prices.create", (), {"currency": None}, InvalidArgumentError, ["prices.create: currency is required"]),
    ("accounts.persons.retrieve", ("acct_1", ".."), {}, InvalidArgumentError, ["accounts.persons.retrieve: person must be"]),
    ("accounts.login_links.create", (), {"account": ""}, InvalidArgumentError, ["accounts.login_links.create: account must be"]),
    ("accounts.login_links.create", (), {}, TypeError, ["LoginLinks.create()", "'account'"]),
    ("accounts.reject", ("acct_1", "fraud"), {}, TypeError, ["accounts.reject() takes 1 positional argument (account)"]),
    ("accounts.reject", ("acct_1",), {"reason": "spam"}, InvalidArgumentError, ["accounts.reject: reason='spam'"]),
    ("accounts.reject", (), {"reason": "fraud"}, TypeError, ["accounts.reject():", "'account'"]),
    ("subscription_items.update", ("si_1",), {"pricee": "p"}, InvalidArgumentError, ["subscription_items.update:", "pricee (did you mean price?)"]),
]  # fmt: skip


@pytest.mark.parametrize(("method", "args", "kwargs", "error", "says"), ARGUMENTS)
async def test_argument_errors_name_the_method_and_the_parameter(
    any_client: Any,
    server: StripeServer,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: type[Exception],
    says: list[str],
) -> None:
    with pytest.raises(error) as caught:
        await call(any_client, method, *args, **kwargs)
    message = str(caught.value)
    for part in says:
        assert part in message, message
    assert not INTERNAL.search(message), message
    if isinstance(caught.value, InvalidArgumentError) and caught.value.param is not None:
        assert caught.value.param in message
    assert server.requests == []


@pytest.mark.parametrize("flavour", [StripeClient, AsyncStripeClient])
def test_every_method_called_without_arguments_names_itself_and_what_is_missing(flavour: type[Any]) -> None:
    """The class: each operation with a path parameter or a required one, called bare."""
    client = flavour("sk_test_1", base_url="http://127.0.0.1:9", max_retries=0)
    checked = 0
    for op in lattice_stripe.manifest():
        method = _walk(client, op.call_path)
        required = [
            p.name
            for p in inspect.signature(method).parameters.values()
            if p.default is inspect.Parameter.empty
        ][: len(op.path_params) or None]
        required = [n for n in required if n != "options"]
        if not required:
            continue
        with pytest.raises(TypeError) as caught:
            result = method()  # fails binding the arguments; a guarded async method, when awaited
            if inspect.iscoroutine(result):
                asyncio.run(result)
        message = str(caught.value)
        name = op.call_path.rpartition(".")[2]
        assert f".{name}()" in message and f"'{required[0]}'" in message, (op.call_path, message)
        assert not INTERNAL.search(message), message
        checked += 1
    assert checked > 300
