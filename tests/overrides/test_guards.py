"""Each guard: the mistake is stopped before any HTTP; the right call reaches the server as sent."""

from __future__ import annotations

import inspect
import warnings
from decimal import Decimal
from typing import Any

import pytest

from lattice_stripe._runtime.errors import InvalidArgumentError
from lattice_stripe.overrides.guard import GuardWarning
from tests.stripe_server import Reply, StripeServer


@pytest.fixture(autouse=True)
def _answer(server: StripeServer) -> None:
    server.handler = lambda rec: Reply(json={"id": "obj_1"})


async def call(client: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``client.<method>`` and await it when the client is async."""
    target = client
    for part in method.split("."):
        target = getattr(target, part)
    result = target(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


@pytest.fixture(params=["sync", "async"])
def any_client(request: pytest.FixtureRequest, client: Any, aclient: Any) -> Any:
    return client if request.param == "sync" else aclient


# --- accounts.reject(reason) ----------------------------------------------------------


@pytest.mark.parametrize("reason", ["Fraud", "spam", "", None])
async def test_reject_refuses_a_reason_outside_the_spec_list(
    any_client: Any, server: StripeServer, reason: Any
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await call(any_client, "accounts.reject", "acct_1", reason=reason)
    message = str(caught.value)
    assert f"reason={reason!r}" in message and "'fraud', 'terms_of_service', 'other'" in message
    assert caught.value.param == "reason"
    assert server.requests == []


@pytest.mark.parametrize("reason", ["fraud", "terms_of_service", "other"])
async def test_reject_sends_an_allowed_reason(any_client: Any, server: StripeServer, reason: str) -> None:
    await call(any_client, "accounts.reject", "acct_1", reason=reason, expand=["capabilities"])
    assert server.last.path == "/v1/accounts/acct_1/reject"
    assert sorted(server.last.form) == [("expand[]", "capabilities"), ("reason", reason)]


async def test_reject_leaves_other_api_versions_to_stripe(any_client: Any, server: StripeServer) -> None:
    # The allowed set is the one reviewed for the pinned version; newer versions accept more.
    await call(any_client, "accounts.reject", "acct_1", reason="new_reason", stripe_version="2099-01-01")
    assert server.last.form_dict["reason"] == "new_reason"


def test_reject_shows_the_generated_signature(client: Any) -> None:
    sig = inspect.signature(client.accounts.reject)
    assert str(sig.parameters["reason"].annotation) == "Literal['fraud', 'terms_of_service', 'other']"
    assert sig.parameters["account"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert "With Connect, you can reject accounts that you have flagged as suspicious" in (
        client.accounts.reject.__doc__ or ""
    )


# --- accounts.login_links.create(account) ----------------------------------------------


@pytest.mark.parametrize("by_keyword", [False, True])
async def test_login_link_takes_the_account_positionally_or_by_keyword(
    any_client: Any, server: StripeServer, by_keyword: bool
) -> None:
    args, kwargs = ((), {"account": "acct_1"}) if by_keyword else (("acct_1",), {})
    await call(any_client, "accounts.login_links.create", *args, **kwargs)
    assert (server.last.method, server.last.path) == ("POST", "/v1/accounts/acct_1/login_links")
    sig = inspect.signature(any_client.accounts.login_links.create)
    assert sig.parameters["account"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD


@pytest.mark.parametrize(
    "args, kwargs", [((), {}), (("",), {}), ((None,), {}), (("acct_1",), {"account": "a"})]
)
async def test_login_link_without_one_account_is_refused(
    any_client: Any, server: StripeServer, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError):
        await call(any_client, "accounts.login_links.create", *args, **kwargs)
    assert server.requests == []


# --- integer minor units ---------------------------------------------------------------


@pytest.mark.parametrize("amount", [10.99, 1099.0, Decimal("10.99"), True, "1099", "10.99"])
async def test_non_integer_amount_is_refused(any_client: Any, server: StripeServer, amount: Any) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        await call(any_client, "payment_intents.create", amount=amount, currency="usd")
    message = caught.value.message
    assert message.startswith(f"payment_intents.create: amount={amount!r} ({type(amount).__name__})")
    assert "minor unit" in message
    assert server.requests == []


async def test_nested_amounts_are_checked_where_they_are(any_client: Any, server: StripeServer) -> None:
    items = [
        {"price": "price_1"},
        {"price_data": {"currency": "usd", "product": "prod_1", "unit_amount": 9.5}},
    ]
    with pytest.raises(InvalidArgumentError, match=r"items\[1\]\[price_data\]\[unit_amount\]=9\.5"):
        await call(any_client, "subscriptions.create", customer="cus_1", items=items)
    options = {"eur": {"amount": Decimal("5")}}
    shipping = [
        {
            "shipping_rate_data": {
                "fixed_amount": {"amount": 500, "currency": "usd", "currency_options": options}
            }
        }
    ]
    with pytest.raises(InvalidArgumentError, match=r"\[currency_options\]\[eur\]\[amount\]=Decimal"):
        await call(
            any_client,
            "checkout.sessions.create",
            mode="payment",
            success_url="https://x.test",
            shipping_options=shipping,
        )
    assert server.requests == []


async def test_integer_amounts_reach_the_server(any_client: Any, server: StripeServer) -> None:
    await call(any_client, "payment_intents.create", amount=1099, currency="usd", application_fee_amount=0)
    assert server.last.form_dict == {"amount": "1099", "currency": "usd", "application_fee_amount": "0"}
    items = [{"price_data": {"currency": "usd", "product": "prod_1", "unit_amount": 950}}]
    await call(any_client, "subscriptions.create", customer="cus_1", items=items, proration_behavior="none")
    assert server.last.form_dict["items[0][price_data][unit_amount]"] == "950"


async def test_empty_string_still_unsets_an_amount(any_client: Any, server: StripeServer) -> None:
    await call(any_client, "payment_intents.update", "pi_1", application_fee_amount="")
    assert server.last.form_dict == {"application_fee_amount": ""}


# --- warnings: invoices and subscriptions ---------------------------------------------


async def test_invoice_without_auto_advance_warns_at_the_call_site(
    any_client: Any, server: StripeServer
) -> None:
    with pytest.warns(GuardWarning, match="auto_advance") as record:
        await call(any_client, "invoices.create", customer="cus_1")
    assert record[0].filename == __file__
    assert server.last.form_dict == {"customer": "cus_1"}  # a warning, not a refusal


@pytest.mark.parametrize("auto_advance", [True, False])
async def test_invoice_with_auto_advance_is_quiet(
    any_client: Any, server: StripeServer, auto_advance: bool
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", GuardWarning)
        await call(any_client, "invoices.create", customer="cus_1", auto_advance=auto_advance)
    assert server.last.form_dict["auto_advance"] == str(auto_advance).lower()


async def test_guard_warnings_as_errors_stop_the_call(any_client: Any, server: StripeServer) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", GuardWarning)
        with pytest.raises(GuardWarning):
            await call(any_client, "invoices.create", customer="cus_1")
        with pytest.raises(GuardWarning, match="proration_behavior"):
            await call(
                any_client, "subscriptions.update", "sub_1", items=[{"id": "si_1", "price": "price_2"}]
            )
    assert server.requests == []


def test_a_strict_client_raises_guard_warnings(client: Any, server: StripeServer) -> None:
    from lattice_stripe import StripeClient

    for strict in (
        client.with_options(strict_guards=True),
        StripeClient("sk_test_1", base_url=server.url, strict_guards=True),
    ):
        with pytest.raises(GuardWarning, match="auto_advance"):
            strict.invoices.create(customer="cus_1")
    assert server.requests == []
    with pytest.warns(GuardWarning):  # the client it came from still only warns
        client.invoices.create(customer="cus_1")
    assert len(server.requests) == 1


async def test_a_strict_async_client_raises_guard_warnings(aclient: Any, server: StripeServer) -> None:
    from lattice_stripe import AsyncStripeClient

    async with AsyncStripeClient("sk_test_1", base_url=server.url, strict_guards=True) as fresh:
        for strict in (aclient.with_options(strict_guards=True), fresh):
            with pytest.raises(GuardWarning, match="auto_advance"):
                await strict.invoices.create(customer="cus_1")
    assert server.requests == []
    server.reply(Reply(json={"id": "in_1", "object": "invoice"}))
    with pytest.warns(GuardWarning):  # the client it came from still only warns
        await aclient.invoices.create(customer="cus_1")
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "method, args, kwargs",
    [
        ("subscriptions.update", ("sub_1",), {"items": [{"id": "si_1", "price": "price_2"}]}),
        ("subscription_items.update", ("si_1",), {"price": "price_2"}),
        ("subscription_items.update", ("si_1",), {"quantity": 3}),
        ("subscription_items.create", (), {"subscription": "sub_1", "price": "price_2"}),
        ("subscription_items.delete", ("si_1",), {}),
    ],
)
async def test_changing_items_without_proration_behavior_warns(
    any_client: Any, server: StripeServer, method: str, args: tuple[str, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.warns(GuardWarning, match="proration_behavior") as record:
        await call(any_client, method, *args, **kwargs)
    assert record[0].filename == __file__
    assert len(server.requests) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", GuardWarning)
        await call(any_client, method, *args, **kwargs, proration_behavior="none")
    assert dict(server.last.form or server.last.query)["proration_behavior"] == "none"


async def test_subscription_changes_without_items_are_quiet(any_client: Any, server: StripeServer) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", GuardWarning)
        await call(any_client, "subscriptions.update", "sub_1", metadata={"k": "v"})
        await call(any_client, "subscription_items.update", "si_1", metadata={"k": "v"})
    assert len(server.requests) == 2


# --- webhooks: raw bytes only (implemented in lattice_stripe._runtime.webhooks.events) ------------


@pytest.mark.parametrize("payload", [{"id": "evt_1", "object": "event"}, '{"id": "evt_1"}'])
def test_webhook_verification_refuses_a_parsed_or_decoded_body(payload: Any) -> None:
    from lattice_stripe import construct_event

    with pytest.raises(InvalidArgumentError, match="raw request body as bytes"):
        construct_event(payload, "t=1,v1=00", "whsec_test")


def test_minor_units_walks_lists_maps_and_accepts_int_subclasses() -> None:
    from enum import IntEnum

    from lattice_stripe.overrides.amounts import MinorUnits

    class Cents(IntEnum):
        TEN = 10

    check = MinorUnits(
        "x.create", "amount", "tiers[][flat_amount]", "options[][amount]", "fixed_amounts[]"
    ).check
    good = {
        "amount": Cents.TEN,
        "tiers": ({"flat_amount": 5}, {"up_to": 3}),
        "options": {"eur": {"amount": 1}},
    }
    check(good)  # no error
    check({"fixed_amounts": [100, 200], "unrelated": 1.5})
    with pytest.raises(InvalidArgumentError, match=r"fixed_amounts\[1\]=2\.5"):
        check({"fixed_amounts": [100, 2.5]})
    with pytest.raises(InvalidArgumentError, match=r"tiers\[0\]\[flat_amount\]=False"):
        check({"tiers": [{"flat_amount": False}]})
