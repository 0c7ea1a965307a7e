"""Payment methods, payment intents, setup intents (API reference; test cards from Stripe's
testing docs)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import CardError, InvalidRequestError
from lattice_stripe.testing import FakeStripe

from .conftest import types


def test_confirm_on_create_with_a_test_card_succeeds_with_a_charge(fake: FakeStripe, client: Any) -> None:
    intent = client.payment_intents.create(
        amount=2000, currency="usd", payment_method="pm_card_visa", confirm=True
    )
    assert intent.status == "succeeded" and intent.amount_received == 2000
    assert intent.client_secret.startswith(intent.id + "_secret_")
    charge = client.charges.retrieve(intent.latest_charge)
    assert charge.paid and charge.captured and charge.amount_captured == 2000
    assert charge.payment_method_details.card.last4 == "4242"
    assert intent.payment_method.startswith("pm_") and intent.payment_method != "pm_card_visa"
    assert types(fake)[-2:] == ["charge.succeeded", "payment_intent.succeeded"]


def test_an_intent_without_a_payment_method_requires_one(client: Any) -> None:
    intent = client.payment_intents.create(amount=2000, currency="usd")
    assert intent.status == "requires_payment_method" and intent.client_secret
    with pytest.raises(InvalidRequestError) as caught:
        client.payment_intents.confirm(intent.id)
    assert caught.value.code == "payment_intent_unexpected_state" and caught.value.param == "payment_method"
    assert (
        client.payment_intents.confirm(intent.id, payment_method="pm_card_mastercard").status == "succeeded"
    )


def test_manual_capture_holds_then_captures_part(fake: FakeStripe, client: Any) -> None:
    intent = client.payment_intents.create(
        amount=5000, currency="usd", payment_method="pm_card_visa", capture_method="manual", confirm=True
    )
    assert intent.status == "requires_capture" and intent.amount_capturable == 5000
    with pytest.raises(InvalidRequestError) as caught:
        client.payment_intents.capture(intent.id, amount_to_capture=6000)
    assert caught.value.param == "amount_to_capture"
    captured = client.payment_intents.capture(intent.id, amount_to_capture=3000)
    assert captured.status == "succeeded" and captured.amount_received == 3000
    charge = client.charges.retrieve(captured.latest_charge)
    assert charge.amount_captured == 3000 and charge.amount_refunded == 2000
    assert "charge.captured" in types(fake)


def test_capture_and_cancel_are_refused_from_the_wrong_state(client: Any) -> None:
    intent = client.payment_intents.create(
        amount=5000, currency="usd", payment_method="pm_card_visa", confirm=True
    )
    with pytest.raises(InvalidRequestError) as caught:
        client.payment_intents.capture(intent.id)
    assert caught.value.code == "payment_intent_unexpected_state"
    with pytest.raises(InvalidRequestError):
        client.payment_intents.cancel(intent.id)
    with pytest.raises(InvalidRequestError):
        client.payment_intents.confirm(intent.id)


def test_cancel_releases_an_authorization(fake: FakeStripe, client: Any) -> None:
    intent = client.payment_intents.create(
        amount=5000, currency="usd", payment_method="pm_card_visa", capture_method="manual", confirm=True
    )
    canceled = client.payment_intents.cancel(intent.id, cancellation_reason="requested_by_customer")
    assert canceled.status == "canceled" and canceled.cancellation_reason == "requested_by_customer"
    assert client.charges.retrieve(intent.latest_charge).refunded is True
    assert types(fake)[-1] == "payment_intent.canceled"


@pytest.mark.parametrize(
    ("card", "decline_code", "code"),
    [
        ("pm_card_chargeDeclined", "generic_decline", "card_declined"),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "card_declined"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ],
)
def test_decline_cards_fail_with_their_decline_code(
    fake: FakeStripe, client: Any, card: str, decline_code: str, code: str
) -> None:
    with pytest.raises(CardError) as caught:
        client.payment_intents.create(amount=2000, currency="usd", payment_method=card, confirm=True)
    assert (caught.value.http_status, caught.value.code, caught.value.decline_code) == (
        402,
        code,
        decline_code,
    )
    (intent,) = client.payment_intents.list().data
    assert intent.status == "requires_payment_method"
    assert intent.last_payment_error.decline_code == decline_code
    assert client.charges.retrieve(intent.latest_charge).status == "failed"
    assert types(fake)[-2:] == ["charge.failed", "payment_intent.payment_failed"]


def test_a_3ds_card_requires_action_until_authenticated(fake: FakeStripe, client: Any) -> None:
    intent = client.payment_intents.create(
        amount=2000,
        currency="usd",
        payment_method="pm_card_authenticationRequired",
        confirm=True,
        return_url="https://example.com/back",
    )
    assert intent.status == "requires_action"
    assert intent.next_action.type == "redirect_to_url"
    assert intent.next_action.redirect_to_url.return_url == "https://example.com/back"
    fake.authenticate(intent.id)
    assert client.payment_intents.retrieve(intent.id).status == "succeeded"


def test_failed_authentication_returns_the_intent_to_requires_payment_method(
    fake: FakeStripe, client: Any
) -> None:
    intent = client.payment_intents.create(
        amount=2000, currency="usd", payment_method="pm_card_authenticationRequired", confirm=True
    )
    assert intent.next_action.type == "use_stripe_sdk"
    fake.authenticate(intent.id, succeed=False)
    again = client.payment_intents.retrieve(intent.id)
    assert again.status == "requires_payment_method"
    assert again.last_payment_error.code == "payment_intent_authentication_failure"


def test_amounts_below_the_minimum_are_refused(client: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.payment_intents.create(amount=10, currency="usd")
    assert (caught.value.code, caught.value.param) == ("amount_too_small", "amount")


def test_a_succeeded_intent_keeps_its_amount(client: Any) -> None:
    intent = client.payment_intents.create(
        amount=2000, currency="usd", payment_method="pm_card_visa", confirm=True
    )
    with pytest.raises(InvalidRequestError):
        client.payment_intents.update(intent.id, amount=3000)
    assert client.payment_intents.update(intent.id, metadata={"order": "1"}).metadata == {"order": "1"}


def test_a_payment_method_attaches_to_one_customer(fake: FakeStripe, client: Any) -> None:
    one, two = client.customers.create(), client.customers.create()
    pm = client.payment_methods.create(
        type="card", card={"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    )
    assert pm.card.brand == "visa" and pm.customer is None
    assert client.payment_methods.attach(pm.id, customer=one.id).customer == one.id
    with pytest.raises(InvalidRequestError):
        client.payment_methods.attach(pm.id, customer=two.id)
    assert [p.id for p in client.customers.payment_methods.list(one.id).data] == [pm.id]
    assert client.payment_methods.detach(pm.id).customer is None
    with pytest.raises(InvalidRequestError):
        client.payment_methods.detach(pm.id)
    assert types(fake)[-2:] == ["payment_method.attached", "payment_method.detached"]


def test_a_real_card_number_is_declined_in_test_mode(client: Any) -> None:
    with pytest.raises(CardError):
        client.payment_methods.create(
            type="card", card={"number": "4111111111111112", "exp_month": 1, "exp_year": 2030}
        )


def test_a_setup_intent_saves_the_card_to_the_customer(fake: FakeStripe, client: Any) -> None:
    customer = client.customers.create()
    intent = client.setup_intents.create(customer=customer.id, payment_method="pm_card_visa", confirm=True)
    assert intent.status == "succeeded" and intent.usage == "off_session"
    assert client.payment_methods.retrieve(intent.payment_method).customer == customer.id
    assert "setup_intent.succeeded" in types(fake)
    with pytest.raises(InvalidRequestError):
        client.setup_intents.cancel(intent.id)


def test_a_setup_intent_with_a_decline_card_fails(client: Any) -> None:
    intent = client.setup_intents.create()
    with pytest.raises(CardError):
        client.setup_intents.confirm(intent.id, payment_method="pm_card_chargeDeclined")
    assert client.setup_intents.retrieve(intent.id).status == "requires_payment_method"
    assert client.setup_intents.cancel(intent.id).status == "canceled"


def test_setup_future_usage_attaches_the_card(client: Any) -> None:
    customer = client.customers.create()
    intent = client.payment_intents.create(
        amount=1000,
        currency="usd",
        customer=customer.id,
        payment_method="pm_card_visa",
        setup_future_usage="off_session",
        confirm=True,
    )
    assert client.payment_methods.retrieve(intent.payment_method).customer == customer.id
