"""Charges and refunds (API reference: Charges, Refunds)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import CardError, InvalidRequestError
from lattice_stripe.testing import FakeStripe

from .conftest import types


def _paid(client: Any, amount: int = 5000) -> Any:
    return client.payment_intents.create(
        amount=amount, currency="usd", payment_method="pm_card_visa", confirm=True
    )


def test_a_full_refund_refunds_the_whole_amount(fake: FakeStripe, client: Any) -> None:
    intent = _paid(client)
    refund = client.refunds.create(payment_intent=intent.id)
    assert refund.amount == 5000 and refund.status == "succeeded" and refund.charge == intent.latest_charge
    charge = client.charges.retrieve(intent.latest_charge)
    assert charge.refunded is True and charge.amount_refunded == 5000
    assert "charge.refunded" in types(fake)


def test_partial_refunds_add_up_and_cannot_exceed_the_charge(client: Any) -> None:
    intent = _paid(client)
    client.refunds.create(charge=intent.latest_charge, amount=2000)
    charge = client.charges.retrieve(intent.latest_charge)
    assert charge.amount_refunded == 2000 and charge.refunded is False
    with pytest.raises(InvalidRequestError) as caught:
        client.refunds.create(charge=intent.latest_charge, amount=3001)
    assert (caught.value.code, caught.value.param) == ("amount_too_large", "amount")
    client.refunds.create(charge=intent.latest_charge)
    with pytest.raises(InvalidRequestError) as again:
        client.refunds.create(charge=intent.latest_charge)
    assert again.value.code == "charge_already_refunded"


def test_an_uncaptured_intent_cannot_be_refunded(client: Any) -> None:
    intent = client.payment_intents.create(
        amount=5000, currency="usd", payment_method="pm_card_visa", capture_method="manual", confirm=True
    )
    with pytest.raises(InvalidRequestError):
        client.refunds.create(payment_intent=intent.id)


def test_a_refund_names_a_charge_or_an_intent(client: Any) -> None:
    with pytest.raises(InvalidRequestError):
        client.refunds.create()
    with pytest.raises(InvalidRequestError) as caught:
        client.refunds.create(charge="ch_missing")
    assert (caught.value.http_status, caught.value.param) == (404, "charge")


def test_a_charge_with_a_test_token_succeeds_or_declines(client: Any) -> None:
    charge = client.charges.create(amount=1000, currency="usd", source="tok_visa")
    assert charge.status == "succeeded" and charge.paid and charge.balance_transaction.startswith("txn_")
    with pytest.raises(CardError) as caught:
        client.charges.create(amount=1000, currency="usd", source="tok_chargeDeclinedInsufficientFunds")
    assert caught.value.decline_code == "insufficient_funds"


def test_an_uncaptured_charge_captures_once(client: Any) -> None:
    charge = client.charges.create(amount=1000, currency="usd", source="tok_visa", capture=False)
    assert charge.captured is False
    assert client.charges.capture(charge.id).captured is True
    with pytest.raises(InvalidRequestError) as caught:
        client.charges.capture(charge.id)
    assert caught.value.code == "charge_already_captured"


def test_refunding_a_destination_charge_with_reverse_transfer_is_not_modelled(client: Any) -> None:
    intent = _paid(client)
    with pytest.raises(InvalidRequestError) as caught:
        client.refunds.create(payment_intent=intent.id, reverse_transfer=True)
    assert caught.value.code == "not_modelled"
