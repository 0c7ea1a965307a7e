"""Bad input is refused before any HTTP with an InvalidArgumentError naming the option or
parameter: header options, timeouts and retry counts, base URLs, retry policies, params the
encoder cannot send faithfully, and webhook router arguments."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from lattice_stripe import (
    AsyncStripeClient,
    InvalidArgumentError,
    RetryPolicy,
    StripeClient,
    WebhookRouter,
)
from tests.runtime.conftest import API_KEY
from tests.stripe_server import Reply, StripeServer

BAD_HEADER_VALUES: list[Any] = [
    "acct_1\r\nX-Evil: 1",
    "acct_1\n",
    "acct\x00_1",
    "acct_é",
    "",
    " acct_1",
    123,
    ["acct_1"],
    b"acct_1",
]


def _refused(exc: InvalidArgumentError, name: str, value: Any) -> None:
    assert exc.param == name and name in str(exc)
    if isinstance(value, str) and len(value) > 3:
        assert value not in str(exc)  # header values are never quoted


# -- 12. header options ---------------------------------------------------------------------


@pytest.mark.parametrize("value", BAD_HEADER_VALUES, ids=repr)
@pytest.mark.parametrize("name", ["stripe_account", "idempotency_key", "stripe_version"])
def test_bad_header_options_per_request(client, server: StripeServer, name: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        client.customers.create(**{name: value})
    _refused(info.value, name, value)
    assert "customers.create" in str(info.value)
    assert server.requests == []


@pytest.mark.parametrize("value", BAD_HEADER_VALUES, ids=repr)
@pytest.mark.parametrize("name", ["stripe_account", "idempotency_key", "stripe_version"])
async def test_async_bad_header_options_per_request(aclient, server, name: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await aclient.customers.list(**{name: value})
    _refused(info.value, name, value)
    assert server.requests == []


@pytest.mark.parametrize("value", [v for v in BAD_HEADER_VALUES if v != ""], ids=repr)
@pytest.mark.parametrize("name", ["stripe_account", "api_version", "api_key"])
@pytest.mark.parametrize("cls", [StripeClient, AsyncStripeClient])
def test_bad_header_settings_at_construction_and_in_with_options(cls, name: str, value: Any) -> None:
    kwargs = {"api_key": API_KEY, name: value}
    with pytest.raises(InvalidArgumentError) as info:
        cls(**kwargs)
    _refused(info.value, name, value)
    with pytest.raises(InvalidArgumentError) as derived:
        cls(API_KEY).with_options(**{name: value})
    _refused(derived.value, name, value)


def test_an_idempotency_key_over_stripes_limit_is_refused(client, server) -> None:
    with pytest.raises(InvalidArgumentError, match="255"):
        client.customers.create(idempotency_key="k" * 256)
    assert server.requests == []


# -- 13. timeouts, retry counts, base URLs, retry policies ---------------------------------------

BAD_SECONDS: list[Any] = ["abc", "2", None, -1, 0, math.nan, math.inf, -math.inf, True, [1]]
BAD_COUNTS: list[Any] = ["abc", "2", None, -1, 2.7, 2.0, math.nan, True, [1]]


@pytest.mark.parametrize(
    ("name", "value"),
    [("timeout", v) for v in BAD_SECONDS] + [("max_retries", v) for v in BAD_COUNTS],
    ids=repr,
)
def test_bad_per_request_timeout_or_retries(client, server, name: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        client.customers.retrieve("cus_1", **{name: value})
    assert info.value.param == name
    assert server.requests == []


@pytest.mark.parametrize(
    ("name", "value"),
    [("timeout", v) for v in BAD_SECONDS] + [("max_retries", v) for v in BAD_COUNTS],
    ids=repr,
)
async def test_async_bad_per_request_timeout_or_retries(aclient, server, name: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await aclient.customers.retrieve("cus_1", **{name: value})
    assert info.value.param == name
    assert server.requests == []


BAD_URLS: list[Any] = [
    "api.stripe.com",
    "ftp://api.stripe.com",
    "https://",
    "https://api.stripe.com?x=1",
    "https://api.stripe.com#x",
    "https://user:pw@api.stripe.com",
    "https://api.stripe.com:99999",
    "https://api stripe.com",
    "https://api.stripe.com\n",
    None,
    123,
]


@pytest.mark.parametrize(
    ("name", "value"),
    [("timeout", v) for v in BAD_SECONDS]
    + [("max_retries", v) for v in BAD_COUNTS]
    + [(n, v) for n in ("base_url", "files_base_url") for v in BAD_URLS if (n, v) != ("files_base_url", None)]
    + [("retry_policy", {"initial_delay": 1}), ("strict_guards", "yes")],
    ids=repr,
)
@pytest.mark.parametrize("cls", [StripeClient, AsyncStripeClient])
def test_bad_client_settings(cls, name: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        cls(API_KEY, **{name: value})
    assert info.value.param == name
    with pytest.raises(InvalidArgumentError):
        cls(API_KEY).with_options(**{name: value})


def test_good_settings_still_work(server: StripeServer) -> None:
    client = StripeClient(API_KEY, base_url=server.url + "/", timeout=1, max_retries=0)
    assert client.config.base_url == server.url and client.config.timeout == 1
    assert StripeClient(API_KEY, base_url="https://proxy.example.com:8443/stripe").config.base_url.endswith(
        "/stripe"
    )


@pytest.mark.parametrize("field", ["initial_delay", "max_delay", "max_retry_after"])
@pytest.mark.parametrize("value", [-1, -0.5, math.nan, math.inf, "1", None, True])
def test_bad_retry_policy_values_fail_when_the_policy_is_made(field: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RetryPolicy(**{field: value})
    assert field in str(info.value)


def test_zero_delays_are_a_valid_policy() -> None:
    assert RetryPolicy(initial_delay=0, max_delay=0, max_retry_after=0).max_delay == 0


# -- 14. params the encoder cannot send faithfully -------------------------------------------------


def _deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": "x"}
    for _ in range(levels):
        value = {"a": value}
    return value


def _cycle() -> dict[str, Any]:
    d: dict[str, Any] = {}
    d["self"] = d
    return d


def _cyclic_list() -> list[Any]:
    items: list[Any] = []
    items.append(items)
    return items


BAD_PARAMS: list[tuple[str, dict[str, Any], str]] = [
    ("deep", {"metadata": _deep(500)}, "metadata"),
    ("cycle", {"metadata": _cycle()}, "metadata"),
    ("cyclic list", {"preferred_locales": _cyclic_list()}, "preferred_locales"),
    ("nan", {"invoice_settings": {"x": math.nan}}, "invoice_settings[x]"),
    ("inf", {"invoice_settings": {"x": math.inf}}, "invoice_settings[x]"),
    ("decimal nan", {"invoice_settings": {"x": Decimal("NaN")}}, "invoice_settings[x]"),
    ("decimal inf", {"invoice_settings": {"x": Decimal("-Infinity")}}, "invoice_settings[x]"),
    ("decimal huge", {"invoice_settings": {"x": Decimal("1e100000000")}}, "invoice_settings[x]"),
    ("decimal tiny", {"invoice_settings": {"x": Decimal("1e-100000000")}}, "invoice_settings[x]"),
    ("none key", {"metadata": {None: "b"}}, "metadata"),
    ("int key", {"metadata": {1: "b"}}, "metadata"),
    ("bytes value", {"metadata": {"k": b"raw"}}, "metadata[k]"),
    ("object value", {"metadata": {"k": object()}}, "metadata[k]"),
    ("surrogate", {"description": "bad \udc80 text"}, "description"),
    ("nested surrogate", {"metadata": {"k": "\ud800"}}, "metadata[k]"),
]


@pytest.mark.parametrize(("label", "params", "param"), BAD_PARAMS, ids=[b[0] for b in BAD_PARAMS])
def test_unsendable_params_are_refused_naming_the_bracket_path(client, server, label, params, param) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        client.customers.create(**params)
    assert info.value.param.startswith(param)  # the bracket path where it went wrong
    assert "customers.create: " in str(info.value)
    assert server.requests == []


@pytest.mark.parametrize(("label", "params", "param"), BAD_PARAMS, ids=[b[0] for b in BAD_PARAMS])
async def test_async_unsendable_params_are_refused(aclient, server, label, params, param) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await aclient.customers.create(**params)
    assert info.value.param.startswith(param)
    assert server.requests == []


def test_unsendable_query_params_are_refused_too(client, server) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        client.customers.list(created={"gte": math.nan})
    assert info.value.param == "created[gte]"
    assert server.requests == []


REQUIRED_NONE = [
    ("payment_intents.create", lambda c: c.payment_intents.create(amount=None, currency="usd"), "amount"),
    ("payment_intents.create", lambda c: c.payment_intents.create(amount=100, currency=None), "currency"),
    ("files.create", lambda c: c.files.create(file=None, purpose="dispute_evidence"), "file"),
    (
        "customers.balance_transactions.create",
        lambda c: c.customers.balance_transactions.create("cus_1", amount=1, currency=None),
        "currency",
    ),
]


@pytest.mark.parametrize(
    ("where", "call", "param"), REQUIRED_NONE, ids=[f"{r[0]}:{r[2]}" for r in REQUIRED_NONE]
)
def test_none_for_a_required_parameter_is_refused(client, server, where, call, param) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        call(client)
    assert info.value.param == param and "required" in str(info.value)
    assert str(info.value).startswith(f"[param={param}] {where}: ")
    assert server.requests == []


async def test_async_none_for_a_required_parameter_is_refused(aclient, server) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await aclient.files.create(file=None, purpose="dispute_evidence")
    assert info.value.param == "file"
    assert server.requests == []


BAD_FILES: list[Any] = [
    ("a.pdf",),
    ("a.pdf", b"x", "application/pdf", "extra"),
    (b"a.pdf", b"x"),
    ("a.pdf", 123),
    ("a.pdf", b"x", 5),
]


@pytest.mark.parametrize("value", BAD_FILES, ids=repr)
def test_malformed_file_tuples_are_refused(client, server, value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        client.files.create(file=value, purpose="dispute_evidence")
    assert info.value.param == "file"
    assert server.requests == []


async def test_async_malformed_file_tuple_is_refused(aclient, server) -> None:
    with pytest.raises(InvalidArgumentError):
        await aclient.files.create(file=("a.pdf",), purpose="dispute_evidence")
    assert server.requests == []


def test_a_well_formed_file_tuple_is_still_sent(client, server) -> None:
    server.reply(Reply(json={"id": "file_1", "object": "file"}))
    client.files.create(file=("a.pdf", b"%PDF", "application/pdf"), purpose="dispute_evidence")
    assert b"%PDF" in server.last.body


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.customers.retrieve("c" * 100_000),
        lambda c: c.customers.retrieve("cus_1", expand=["customer"] * 100_000),
        lambda c: c.customers.list(email="e" * 100_000),
    ],
    ids=["long id", "long expand", "long query"],
)
def test_urls_too_long_to_send_are_refused(client, server, call) -> None:
    with pytest.raises(InvalidArgumentError, match="characters"):
        call(client)
    assert server.requests == []


async def test_async_url_too_long_is_refused(aclient, server) -> None:
    with pytest.raises(InvalidArgumentError):
        await aclient.customers.retrieve("cus_1", expand=["customer"] * 100_000)
    assert server.requests == []


# -- 15. webhook router arguments -----------------------------------------------------------------


@pytest.mark.parametrize(
    "event_type", [None, 123, ["invoice.paid"], ("invoice.paid",), b"invoice.paid", ""], ids=repr
)
def test_router_on_refuses_what_is_not_an_event_type(event_type: Any) -> None:
    router = WebhookRouter("whsec_test")
    with pytest.raises(InvalidArgumentError, match="event type"):
        router.on(event_type)
    assert router.handler_for("invoice.paid") is None


@pytest.mark.parametrize("size", ["10MB", 0, -1, 1.5, None, True], ids=repr)
def test_router_refuses_a_bad_max_body_size_at_construction(size: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        WebhookRouter("whsec_test", max_body_size=size)
    assert info.value.param == "max_body_size"


def test_none_for_a_header_option_means_the_clients_setting(server: StripeServer) -> None:
    server.reply(Reply(json={"id": "cus_1", "object": "customer"}))
    with StripeClient(API_KEY, base_url=server.url, stripe_account="acct_default") as client:
        client.customers.create(stripe_account=None, idempotency_key=None, stripe_version=None)
    assert server.last.header("stripe-account") == "acct_default"
    assert server.last.header("idempotency-key")  # generated
