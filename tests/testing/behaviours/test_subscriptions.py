"""Subscriptions and subscription items (API reference: Subscriptions; Billing docs on
trials, payment_behavior and cancellation)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import CardError, InvalidRequestError
from lattice_stripe.testing import FakeStripe

from .conftest import types
from .helpers import monthly, paying_customer


def _period(sub: Any) -> tuple[int, int]:
    data = sub.to_dict()
    if data.get("current_period_end") is not None:
        return data["current_period_start"], data["current_period_end"]
    item = data["items"]["data"][0]
    return item["current_period_start"], item["current_period_end"]


def test_a_paid_subscription_is_active_with_its_items_and_latest_invoice(
    fake: FakeStripe, client: Any
) -> None:
    customer = paying_customer(client)
    price = monthly(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": price.id, "quantity": 2}])
    assert sub.status == "active"
    (item,) = sub["items"]["data"]
    assert item["price"]["id"] == price.id and item["quantity"] == 2
    start, end = _period(sub)
    assert start < end and end - start >= 28 * 86400
    invoice = client.invoices.retrieve(sub.latest_invoice)
    assert invoice.status == "paid" and invoice.amount_paid == 4000
    assert invoice.billing_reason == "subscription_create"
    assert "customer.subscription.created" in types(fake) and "invoice.paid" in types(fake)


def test_latest_invoice_expands_and_its_payment_intent_succeeded(client: Any) -> None:
    customer = paying_customer(client)
    sub = client.subscriptions.create(
        customer=customer.id, items=[{"price": monthly(client).id}], expand=["latest_invoice"]
    )
    invoice = sub.latest_invoice
    assert invoice.status == "paid"
    data = invoice.to_dict()  # the intent is invoice.payment_intent, or in invoice.payments (2025+)
    intent_id = data.get("payment_intent") or data["payments"]["data"][0]["payment"]["payment_intent"]
    intent = client.payment_intents.retrieve(intent_id)
    assert intent.status == "succeeded" and intent.amount == 2000


def test_a_trial_subscription_is_trialing_until_trial_end(client: Any) -> None:
    customer = paying_customer(client)
    sub = client.subscriptions.create(
        customer=customer.id, items=[{"price": monthly(client).id}], trial_period_days=14
    )
    assert sub.status == "trialing"
    assert sub.trial_end == sub.trial_start + 14 * 86400
    assert _period(sub)[1] == sub.trial_end
    assert client.invoices.retrieve(sub.latest_invoice).total == 0


def test_a_declined_first_payment_leaves_the_subscription_incomplete(fake: FakeStripe, client: Any) -> None:
    customer = paying_customer(client, "pm_card_chargeDeclined")
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    assert sub.status == "incomplete"
    invoice = client.invoices.retrieve(sub.latest_invoice)
    assert invoice.status == "open"
    good = client.payment_methods.attach("pm_card_visa", customer=customer.id)
    paid = client.invoices.pay(invoice.id, payment_method=good.id)
    assert paid.status == "paid"
    assert client.subscriptions.retrieve(sub.id).status == "active"


def test_error_if_incomplete_refuses_a_declined_card_and_makes_nothing(client: Any) -> None:
    customer = paying_customer(client, "pm_card_chargeDeclined")
    with pytest.raises(CardError):
        client.subscriptions.create(
            customer=customer.id,
            items=[{"price": monthly(client).id}],
            payment_behavior="error_if_incomplete",
        )
    assert client.subscriptions.list(customer=customer.id, status="all").data == []


def test_default_incomplete_waits_for_the_payment(client: Any) -> None:
    customer = paying_customer(client)
    sub = client.subscriptions.create(
        customer=customer.id, items=[{"price": monthly(client).id}], payment_behavior="default_incomplete"
    )
    assert sub.status == "incomplete"
    assert client.invoices.retrieve(sub.latest_invoice).status == "open"


def test_a_one_time_price_is_refused(client: Any) -> None:
    customer = paying_customer(client)
    once = client.prices.create(currency="usd", unit_amount=100, product_data={"name": "Once"})
    with pytest.raises(InvalidRequestError) as caught:
        client.subscriptions.create(customer=customer.id, items=[{"price": once.id}])
    assert caught.value.param == "items[0][price]"


def test_an_unknown_price_is_404_naming_the_item(client: Any) -> None:
    customer = paying_customer(client)
    with pytest.raises(InvalidRequestError) as caught:
        client.subscriptions.create(customer=customer.id, items=[{"price": "price_missing"}])
    assert (caught.value.http_status, caught.value.param) == (404, "items[0][price]")


def test_cancel_now_ends_it_and_emits_deleted(fake: FakeStripe, client: Any) -> None:
    customer = paying_customer(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    canceled = client.subscriptions.cancel(sub.id)
    assert canceled.status == "canceled" and canceled.ended_at is not None
    assert types(fake)[-1] == "customer.subscription.deleted"
    with pytest.raises(InvalidRequestError):
        client.subscriptions.cancel(sub.id)
    assert client.subscriptions.list(customer=customer.id).data == []
    assert [s.id for s in client.subscriptions.list(customer=customer.id, status="all").data] == [sub.id]


def test_cancel_at_period_end_keeps_it_active_until_then(fake: FakeStripe, client: Any) -> None:
    customer = paying_customer(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    updated = client.subscriptions.update(sub.id, cancel_at_period_end=True)
    assert updated.status == "active" and updated.cancel_at == _period(sub)[1]
    event = fake.events[-1]
    assert event["type"] == "customer.subscription.updated"
    assert event["data"]["previous_attributes"]["cancel_at_period_end"] is False


def test_changing_quantity_creates_prorations(client: Any) -> None:
    customer = paying_customer(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    item = sub["items"]["data"][0]["id"]
    client.subscriptions.update(
        sub.id, items=[{"id": item, "quantity": 3}], proration_behavior="create_prorations"
    )
    assert client.subscription_items.retrieve(item).quantity == 3
    prorations = [i for i in client.invoiceitems.list(customer=customer.id).data if i.proration]
    assert len(prorations) == 2
    assert sum(1 for i in prorations if i.amount < 0) == 1
    client.subscriptions.update(sub.id, items=[{"id": item, "quantity": 1}], proration_behavior="none")
    assert len([i for i in client.invoiceitems.list(customer=customer.id).data if i.proration]) == 2


def test_subscription_items_add_and_remove(client: Any) -> None:
    customer = paying_customer(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    added = client.subscription_items.create(
        subscription=sub.id, price=monthly(client, 500).id, proration_behavior="none"
    )
    assert len(client.subscriptions.retrieve(sub.id)["items"]["data"]) == 2
    client.subscription_items.delete(added.id, proration_behavior="none")
    only = sub["items"]["data"][0]["id"]
    with pytest.raises(InvalidRequestError):
        client.subscription_items.delete(only, proration_behavior="none")


def test_a_canceled_subscription_only_takes_metadata(client: Any) -> None:
    customer = paying_customer(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    client.subscriptions.cancel(sub.id)
    with pytest.raises(InvalidRequestError):
        client.subscriptions.update(sub.id, cancel_at_period_end=True)
    assert client.subscriptions.update(sub.id, metadata={"a": "b"}).metadata == {"a": "b"}
