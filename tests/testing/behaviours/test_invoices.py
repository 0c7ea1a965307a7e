"""Invoice items and invoices (API reference: Invoices, Invoice Items)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import CardError, InvalidRequestError
from lattice_stripe.testing import FakeStripe

from .conftest import types
from .helpers import item_price


def _customer(client: Any, card: str | None = "pm_card_visa") -> Any:
    if card is None:
        return client.customers.create(email="b@example.com")
    customer = client.customers.create(email="b@example.com", payment_method=card)
    pm = client.payment_methods.list(customer=customer.id).data[0].id
    return client.customers.update(customer.id, invoice_settings={"default_payment_method": pm})


def test_pending_items_are_included_as_lines_and_totals(client: Any) -> None:
    customer = _customer(client)
    client.invoiceitems.create(customer=customer.id, amount=1500, currency="usd", description="Setup")
    price = client.prices.create(currency="usd", unit_amount=700, product_data={"name": "Seat"})
    client.invoiceitems.create(customer=customer.id, quantity=2, **item_price(price.id))
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    assert invoice.status == "draft" and invoice.number is None
    assert sorted(line.amount for line in invoice.lines.data) == [1400, 1500]
    assert (invoice.subtotal, invoice.total, invoice.amount_due) == (2900, 2900, 2900)
    assert len(client.invoices.lines.list(invoice.id).data) == 2
    assert client.invoiceitems.list(customer=customer.id).data[0].invoice == invoice.id


def test_pending_items_are_left_out_by_default(client: Any) -> None:
    customer = _customer(client)
    client.invoiceitems.create(customer=customer.id, amount=1500, currency="usd")
    invoice = client.invoices.create(customer=customer.id, auto_advance=False)
    assert invoice.lines.data == [] and invoice.total == 0


def test_finalize_numbers_the_invoice_per_customer(fake: FakeStripe, client: Any) -> None:
    customer = _customer(client)
    numbers = []
    for _ in range(2):
        client.invoiceitems.create(customer=customer.id, amount=1000, currency="usd")
        invoice = client.invoices.create(
            customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
        )
        opened = client.invoices.finalize(invoice.id)
        assert opened.status == "open" and opened.hosted_invoice_url.startswith("https://invoice.stripe.com/")
        numbers.append(opened.number)
    assert numbers == [f"{customer.invoice_prefix}-0001", f"{customer.invoice_prefix}-0002"]
    assert "invoice.finalized" in types(fake)


def test_pay_charges_the_default_payment_method(fake: FakeStripe, client: Any) -> None:
    customer = _customer(client)
    client.invoiceitems.create(customer=customer.id, amount=1000, currency="usd")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    client.invoices.finalize(invoice.id)
    paid = client.invoices.pay(invoice.id)
    assert paid.status == "paid" and paid.amount_paid == 1000 and paid.amount_remaining == 0
    if "paid" in paid.to_dict():
        assert paid.paid is True
    assert {"invoice.paid", "invoice.payment_succeeded"} <= set(types(fake))


def test_paid_out_of_band_marks_it_paid(client: Any) -> None:
    customer = _customer(client, None)
    client.invoiceitems.create(customer=customer.id, amount=1000, currency="usd")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    client.invoices.finalize(invoice.id)
    paid = client.invoices.pay(invoice.id, paid_out_of_band=True)
    assert paid.status == "paid"
    data = paid.to_dict()
    if "paid" in data:
        assert data["paid"] is True and data["paid_out_of_band"] is True


def test_a_declined_payment_leaves_the_invoice_open(fake: FakeStripe, client: Any) -> None:
    customer = _customer(client, "pm_card_chargeDeclined")
    client.invoiceitems.create(customer=customer.id, amount=1000, currency="usd")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    client.invoices.finalize(invoice.id)
    with pytest.raises(CardError):
        client.invoices.pay(invoice.id)
    again = client.invoices.retrieve(invoice.id)
    assert again.status == "open" and again.attempt_count == 1
    assert "invoice.payment_failed" in types(fake)


def test_paying_without_a_payment_method_is_refused(client: Any) -> None:
    customer = _customer(client, None)
    client.invoiceitems.create(customer=customer.id, amount=1000, currency="usd")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    client.invoices.finalize(invoice.id)
    with pytest.raises(InvalidRequestError):
        client.invoices.pay(invoice.id)


def test_a_zero_invoice_is_paid_on_finalize(client: Any) -> None:
    customer = _customer(client, None)
    invoice = client.invoices.create(customer=customer.id, auto_advance=False)
    assert client.invoices.finalize(invoice.id).status == "paid"


def test_void_and_uncollectible_follow_the_state_machine(fake: FakeStripe, client: Any) -> None:
    customer = _customer(client, None)
    client.invoiceitems.create(customer=customer.id, amount=1000, currency="usd")
    draft = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    with pytest.raises(InvalidRequestError):
        client.invoices.void(draft.id)
    with pytest.raises(InvalidRequestError):
        client.invoices.mark_uncollectible(draft.id)
    client.invoices.finalize(draft.id)
    with pytest.raises(InvalidRequestError):
        client.invoices.finalize(draft.id)
    assert client.invoices.mark_uncollectible(draft.id).status == "uncollectible"
    assert client.invoices.void(draft.id).status == "void"
    with pytest.raises(InvalidRequestError):
        client.invoices.pay(draft.id, paid_out_of_band=True)
    assert {"invoice.marked_uncollectible", "invoice.voided"} <= set(types(fake))


def test_only_drafts_are_deleted_or_edited(client: Any) -> None:
    customer = _customer(client, None)
    client.invoiceitems.create(customer=customer.id, amount=1000, currency="usd")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    line = invoice.lines.data[0].to_dict()  # the item is on the line, or in its parent (2025+)
    item = line.get("invoice_item") or line["parent"]["invoice_item_details"]["invoice_item"]
    client.invoices.finalize(invoice.id)
    with pytest.raises(InvalidRequestError) as caught:
        client.invoices.update(invoice.id, collection_method="send_invoice", days_until_due=3)
    assert caught.value.code == "invoice_not_editable"
    with pytest.raises(InvalidRequestError):
        client.invoiceitems.update(item, amount=5)
    with pytest.raises(InvalidRequestError):
        client.invoices.delete(invoice.id)
    assert client.invoices.update(invoice.id, metadata={"a": "b"}).metadata == {"a": "b"}


def test_an_item_added_to_a_draft_updates_its_totals(client: Any) -> None:
    customer = _customer(client, None)
    invoice = client.invoices.create(customer=customer.id, auto_advance=False)
    client.invoiceitems.create(customer=customer.id, amount=800, currency="usd", invoice=invoice.id)
    assert client.invoices.retrieve(invoice.id).total == 800


def test_send_invoice_needs_days_until_due(client: Any) -> None:
    customer = _customer(client, None)
    with pytest.raises(InvalidRequestError) as caught:
        client.invoices.create(customer=customer.id, collection_method="send_invoice", auto_advance=False)
    assert caught.value.param == "days_until_due"


def test_customer_credit_is_applied_on_finalize(client: Any) -> None:
    customer = _customer(client, None)
    client.customers.balance_transactions.create(customer.id, amount=-300, currency="usd")
    client.invoiceitems.create(customer=customer.id, amount=1000, currency="usd")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    opened = client.invoices.finalize(invoice.id)
    assert opened.amount_due == 700 and opened.starting_balance == -300
    assert client.customers.retrieve(customer.id).balance == 0


def test_the_upcoming_invoice_is_not_modelled(client: Any) -> None:
    customer = _customer(client, None)
    op = getattr(client.invoices, "upcoming", None) or client.invoices.create_preview
    with pytest.raises(InvalidRequestError) as caught:
        op(customer=customer.id)
    assert caught.value.code == "not_modelled" and "not model" in str(caught.value)
