"""Checkout Sessions and portal sessions (API reference: Checkout Sessions)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError
from lattice_stripe.testing import FakeStripe

from .conftest import types
from .helpers import monthly


def _session(client: Any, **extra: Any) -> Any:
    return client.checkout.sessions.create(
        mode="payment",
        line_items=[
            {
                "price_data": {"currency": "usd", "unit_amount": 1500, "product_data": {"name": "Tee"}},
                "quantity": 2,
            }
        ],
        success_url="https://example.com/ok",
        **extra,
    )


def test_a_session_has_totals_a_url_and_line_items(client: Any) -> None:
    session = _session(client)
    assert session.status == "open" and session.payment_status == "unpaid"
    assert (session.amount_subtotal, session.amount_total, session.currency) == (3000, 3000, "usd")
    assert session.url.startswith("https://checkout.stripe.com/c/pay/" + session.id)
    assert session.expires_at > session.created
    (line,) = client.checkout.sessions.line_items.list(session.id).data
    assert (line.quantity, line.amount_total, line.description) == (2, 3000, "Tee")


def test_completing_a_payment_session_pays_and_emits_completed(fake: FakeStripe, client: Any) -> None:
    session = _session(client)
    fake.complete_checkout(session.id)
    done = client.checkout.sessions.retrieve(session.id)
    assert done.status == "complete" and done.payment_status == "paid"
    assert client.payment_intents.retrieve(done.payment_intent).status == "succeeded"
    assert types(fake)[-1] == "checkout.session.completed"


def test_completing_a_subscription_session_makes_the_customer_and_subscription(
    fake: FakeStripe, client: Any
) -> None:
    price = monthly(client)
    session = client.checkout.sessions.create(
        mode="subscription",
        line_items=[{"price": price.id, "quantity": 1}],
        success_url="https://example.com/ok",
    )
    fake.complete_checkout(session.id)
    done = client.checkout.sessions.retrieve(session.id)
    sub = client.subscriptions.retrieve(done.subscription)
    assert sub.status == "active" and sub.customer == done.customer


def test_mode_and_prices_must_agree(client: Any) -> None:
    price = monthly(client)
    with pytest.raises(InvalidRequestError) as caught:
        client.checkout.sessions.create(
            mode="payment", line_items=[{"price": price.id, "quantity": 1}], success_url="https://e.com"
        )
    assert caught.value.param == "line_items[0][price]"
    with pytest.raises(InvalidRequestError):
        client.checkout.sessions.create(mode="payment", success_url="https://e.com")


def test_only_an_open_session_expires(fake: FakeStripe, client: Any) -> None:
    session = _session(client)
    expired = client.checkout.sessions.expire(session.id)
    assert expired.status == "expired" and types(fake)[-1] == "checkout.session.expired"
    with pytest.raises(InvalidRequestError):
        client.checkout.sessions.expire(session.id)


def test_a_portal_session_has_a_url_for_a_known_customer(client: Any) -> None:
    customer = client.customers.create()
    portal = client.billing_portal.sessions.create(customer=customer.id, return_url="https://example.com")
    assert portal.url.startswith("https://billing.stripe.com/p/session/") and portal.customer == customer.id
    with pytest.raises(InvalidRequestError) as caught:
        client.billing_portal.sessions.create(customer="cus_missing")
    assert caught.value.param == "customer"
