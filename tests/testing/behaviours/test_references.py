"""Ids are checked against what the fake holds (404 resource_missing naming the param)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError
from lattice_stripe.testing import FakeStripe

CASES = [
    ("payment_intents.create", {"amount": 100, "currency": "usd", "customer": "cus_missing"}, "customer"),
    ("invoiceitems.create", {"customer": "cus_missing", "amount": 1, "currency": "usd"}, "customer"),
    ("subscription_items.create", {"subscription": "sub_missing", "price": "price_x"}, "subscription"),
    ("customers.create", {"test_clock": "clock_missing"}, "test_clock"),
    ("refunds.create", {"charge": "ch_missing"}, "charge"),
    (
        "payment_intents.create",
        {"amount": 100, "currency": "usd", "transfer_data": {"destination": "acct_missing"}},
        "transfer_data[destination]",
    ),
    (
        "checkout.sessions.create",
        {
            "mode": "payment",
            "line_items": [{"price": "price_missing", "quantity": 1}],
            "success_url": "https://e.com",
        },
        "line_items[0][price]",
    ),
]


@pytest.mark.parametrize(("call", "params", "param"), CASES, ids=[f"{c}:{p}" for c, _, p in CASES])
def test_an_unknown_id_parameter_is_404_resource_missing_naming_it(
    client: Any, call: str, params: dict[str, Any], param: str
) -> None:
    method = client
    for part in call.split("."):
        method = getattr(method, part)
    with pytest.raises(InvalidRequestError) as caught:
        method(**params, **({"proration_behavior": "none"} if call.startswith("subscription_items") else {}))
    assert (caught.value.http_status, caught.value.code, caught.value.param) == (
        404,
        "resource_missing",
        param,
    )


def test_an_unknown_path_parent_is_404(client: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.customers.tax_ids.list("cus_missing")
    assert caught.value.http_status == 404


@pytest.mark.parametrize(
    "call", ["test_helpers.test_clocks.advance", "quotes.pdf", "test_helpers.refunds.expire"]
)
def test_test_helpers_and_pdfs_of_unknown_ids_are_404(client: Any, call: str) -> None:
    method = client
    for part in call.split("."):
        method = getattr(method, part)
    kwargs = {"frozen_time": 1_800_000_000} if call.endswith("advance") else {}
    with pytest.raises(InvalidRequestError) as caught:
        method("x_missing", **kwargs)
    assert caught.value.http_status == 404


def test_an_action_the_fake_does_not_model_answers_400_saying_so(client: Any) -> None:
    account = client.accounts.create(type="standard")
    location = client.terminal.locations.create(
        display_name="HQ",
        address={"country": "US", "line1": "1 Main", "city": "SF", "postal_code": "94107", "state": "CA"},
    )
    assert location.id and account.id
    reader = client.terminal.readers.create(registration_code="simulated-wpe", location=location.id)
    with pytest.raises(InvalidRequestError) as caught:
        client.terminal.readers.cancel_action(reader.id)
    assert caught.value.http_status == 400 and caught.value.code == "not_modelled"
    assert "does not model" in str(caught.value)


def test_stateless_mode_answers_any_id_as_stripe_mock_does() -> None:
    fake = FakeStripe(stateful=False)
    with fake.stripe_client() as client:
        assert client.customers.retrieve("cus_anything").id == "cus_anything"
        assert client.payment_intents.create(amount=100, currency="usd", customer="cus_missing").amount == 100
