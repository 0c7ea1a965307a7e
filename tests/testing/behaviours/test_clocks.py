"""Test clocks advancing subscriptions (Billing docs: test clocks)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError
from lattice_stripe.testing import FakeStripe

from .conftest import types
from .helpers import monthly, paying_customer

START = 1_735_689_600  # 2025-01-01T00:00:00Z
DAY = 86400


def _clocked(client: Any, card: str = "pm_card_visa") -> tuple[Any, Any]:
    clock = client.test_helpers.test_clocks.create(frozen_time=START, name="billing")
    return clock, paying_customer(client, card, test_clock=clock.id)


def test_advancing_past_the_period_end_renews_with_a_paid_invoice(fake: FakeStripe, client: Any) -> None:
    clock, customer = _clocked(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    first = sub.latest_invoice
    advanced = client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + 32 * DAY)
    assert advanced.status == "ready" and advanced.frozen_time == START + 32 * DAY
    renewed = client.subscriptions.retrieve(sub.id)
    assert renewed.status == "active" and renewed.latest_invoice != first
    invoice = client.invoices.retrieve(renewed.latest_invoice)
    assert (
        invoice.billing_reason == "subscription_cycle" and invoice.status == "paid" and invoice.total == 2000
    )
    assert invoice.period_start == START + 31 * DAY  # January has 31 days
    assert {"test_helpers.test_clock.advancing", "test_helpers.test_clock.ready"} <= set(types(fake))


def test_a_trial_ends_into_a_paid_period(client: Any) -> None:
    clock, customer = _clocked(client)
    sub = client.subscriptions.create(
        customer=customer.id, items=[{"price": monthly(client).id}], trial_period_days=7
    )
    assert sub.status == "trialing"
    client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + 8 * DAY)
    after = client.subscriptions.retrieve(sub.id)
    assert after.status == "active"
    assert client.invoices.retrieve(after.latest_invoice).amount_paid == 2000


def test_trial_will_end_is_sent_three_days_before(fake: FakeStripe, client: Any) -> None:
    clock, customer = _clocked(client)
    client.subscriptions.create(
        customer=customer.id, items=[{"price": monthly(client).id}], trial_period_days=7
    )
    client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + 5 * DAY)
    assert "customer.subscription.trial_will_end" in types(fake)


def test_a_failed_renewal_makes_the_subscription_past_due(client: Any) -> None:
    clock, customer = _clocked(client)
    sub = client.subscriptions.create(
        customer=customer.id, items=[{"price": monthly(client).id}], trial_period_days=3
    )
    declining = client.payment_methods.attach("pm_card_chargeDeclined", customer=customer.id)
    client.customers.update(customer.id, invoice_settings={"default_payment_method": declining.id})
    client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + 4 * DAY)
    assert client.subscriptions.retrieve(sub.id).status == "past_due"


def test_cancel_at_period_end_cancels_when_the_period_ends(fake: FakeStripe, client: Any) -> None:
    clock, customer = _clocked(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    client.subscriptions.update(sub.id, cancel_at_period_end=True)
    client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + 40 * DAY)
    assert client.subscriptions.retrieve(sub.id, expand=[]).status == "canceled"
    assert "customer.subscription.deleted" in types(fake)


def test_an_incomplete_subscription_expires_after_23_hours(client: Any) -> None:
    clock, customer = _clocked(client, "pm_card_chargeDeclined")
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    assert sub.status == "incomplete"
    client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + DAY)
    assert client.subscriptions.retrieve(sub.id).status == "incomplete_expired"
    assert client.invoices.retrieve(sub.latest_invoice).status == "void"


def test_an_auto_advance_draft_finalizes_an_hour_later(client: Any) -> None:
    clock, customer = _clocked(client)
    client.invoiceitems.create(customer=customer.id, amount=900, currency="usd")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=True, pending_invoice_items_behavior="include"
    )
    client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + 1800)
    assert client.invoices.retrieve(invoice.id).status == "draft"
    client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + 7200)
    assert client.invoices.retrieve(invoice.id).status == "paid"


def test_a_clock_only_moves_forward_and_must_exist(client: Any) -> None:
    clock, _ = _clocked(client)
    with pytest.raises(InvalidRequestError) as caught:
        client.test_helpers.test_clocks.advance(clock.id, frozen_time=START - 1)
    assert caught.value.param == "frozen_time"
    with pytest.raises(InvalidRequestError) as missing:
        client.test_helpers.test_clocks.advance("clock_missing", frozen_time=START + 1)
    assert missing.value.http_status == 404


def test_deleting_a_clock_deletes_its_customers(client: Any) -> None:
    clock, customer = _clocked(client)
    client.test_helpers.test_clocks.delete(clock.id)
    assert client.customers.retrieve(customer.id)["deleted"] is True
