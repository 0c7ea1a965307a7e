"""Customers (API reference: Customers)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError
from lattice_stripe.testing import FakeStripe

from .conftest import types


def test_a_new_customer_has_an_invoice_prefix_and_a_zero_balance(client: Any) -> None:
    customer = client.customers.create(email="a@example.com")
    assert len(customer.invoice_prefix) == 8 and customer.invoice_prefix.isupper()
    assert customer.balance == 0 and customer.next_invoice_sequence == 1


def test_creating_and_updating_a_customer_emits_created_then_updated_with_previous_attributes(
    fake: FakeStripe, client: Any
) -> None:
    customer = client.customers.create(email="a@example.com")
    client.customers.update(customer.id, name="Ada")
    assert types(fake) == ["customer.created", "customer.updated"]
    assert fake.events[1]["data"]["previous_attributes"] == {"name": None}
    assert fake.events[1]["data"]["object"]["name"] == "Ada"


def test_a_deleted_customer_is_retrievable_with_deleted_true(client: Any) -> None:
    customer = client.customers.create()
    client.customers.delete(customer.id)
    again = client.customers.retrieve(customer.id)
    assert again.id == customer.id and again["deleted"] is True
    assert customer.id not in [c.id for c in client.customers.list().data]


def test_deleting_a_customer_cancels_its_subscriptions(fake: FakeStripe, client: Any) -> None:
    customer = client.customers.create(payment_method="pm_card_visa")
    price = client.prices.create(
        currency="usd", unit_amount=500, recurring={"interval": "month"}, product_data={"name": "P"}
    )
    sub = client.subscriptions.create(
        customer=customer.id,
        items=[{"price": price.id}],
        default_payment_method=client.payment_methods.list(customer=customer.id).data[0].id,
    )
    assert sub.status == "active"
    client.customers.delete(customer.id)
    assert client.subscriptions.retrieve(sub.id).status == "canceled"
    assert "customer.subscription.deleted" in types(fake)


def test_a_balance_transaction_moves_the_customer_balance(client: Any) -> None:
    customer = client.customers.create()
    txn = client.customers.balance_transactions.create(customer.id, amount=-500, currency="usd")
    assert txn.ending_balance == -500
    assert client.customers.retrieve(customer.id).balance == -500


def test_the_default_payment_method_must_be_attached_to_the_customer(client: Any) -> None:
    customer = client.customers.create()
    pm = client.payment_methods.create(type="card", card={"token": "tok_visa"})
    with pytest.raises(InvalidRequestError) as caught:
        client.customers.update(customer.id, invoice_settings={"default_payment_method": pm.id})
    assert caught.value.param == "invoice_settings[default_payment_method]"
    client.payment_methods.attach(pm.id, customer=customer.id)
    updated = client.customers.update(customer.id, invoice_settings={"default_payment_method": pm.id})
    assert updated.invoice_settings.default_payment_method == pm.id
