"""Disputes, credit notes, quotes, subscription schedules, billing meters."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError
from lattice_stripe._runtime.testing.schema import operations
from lattice_stripe.testing import FakeStripe

from .conftest import types
from .helpers import monthly, paying_customer, phase


def test_the_create_dispute_card_opens_a_dispute(fake: FakeStripe, client: Any) -> None:
    intent = client.payment_intents.create(
        amount=4200, currency="usd", payment_method="pm_card_createDispute", confirm=True
    )
    (dispute,) = client.disputes.list(payment_intent=intent.id).data
    assert dispute.status == "needs_response" and dispute.amount == 4200
    assert client.charges.retrieve(intent.latest_charge).disputed is True
    assert "charge.dispute.created" in types(fake)


def test_submitting_evidence_puts_the_dispute_under_review(fake: FakeStripe, client: Any) -> None:
    intent = client.payment_intents.create(
        amount=4200, currency="usd", payment_method="pm_card_createDispute", confirm=True
    )
    dispute = client.disputes.list(payment_intent=intent.id).data[0]
    saved = client.disputes.update(dispute.id, evidence={"uncategorized_text": "signed for"})
    assert saved.status == "needs_response" and saved.evidence.uncategorized_text == "signed for"
    submitted = client.disputes.update(dispute.id, submit=True)
    assert submitted.status == "under_review" and submitted.evidence_details.submission_count == 1
    with pytest.raises(InvalidRequestError):
        client.disputes.close(dispute.id)
    assert types(fake)[-1] == "charge.dispute.updated"


def test_closing_a_dispute_accepts_the_loss(client: Any) -> None:
    intent = client.payment_intents.create(
        amount=4200, currency="usd", payment_method="pm_card_createDispute", confirm=True
    )
    dispute = client.disputes.list(payment_intent=intent.id).data[0]
    assert client.disputes.close(dispute.id).status == "lost"


def _open_invoice(client: Any, amount: int = 5000) -> Any:
    customer = client.customers.create()
    client.invoiceitems.create(customer=customer.id, amount=amount, currency="usd")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    return client.invoices.finalize(invoice.id)


def test_a_credit_note_reduces_what_an_open_invoice_asks(fake: FakeStripe, client: Any) -> None:
    invoice = _open_invoice(client)
    preview = client.credit_notes.preview(invoice=invoice.id, amount=1500)
    assert preview.amount == 1500 and client.credit_notes.list().data == []
    note = client.credit_notes.create(invoice=invoice.id, amount=1500, reason="order_change")
    assert note.status == "issued" and note.type == "pre_payment" and note.number == f"{invoice.number}-CN-01"
    assert client.invoices.retrieve(invoice.id).amount_remaining == 3500
    assert "credit_note.created" in types(fake)
    with pytest.raises(InvalidRequestError):
        client.credit_notes.create(invoice=invoice.id, amount=4000)
    assert client.credit_notes.void(note.id).status == "void"
    assert client.invoices.retrieve(invoice.id).amount_remaining == 5000


def test_a_credit_note_on_a_paid_invoice_credits_the_customer_balance(client: Any) -> None:
    invoice = _open_invoice(client)
    client.invoices.pay(invoice.id, paid_out_of_band=True)
    note = client.credit_notes.create(invoice=invoice.id, amount=1000, credit_amount=1000)
    assert note.type == "post_payment"
    assert client.customers.retrieve(invoice.customer).balance == -1000


def test_a_credit_note_needs_a_finalized_invoice(client: Any) -> None:
    customer = client.customers.create()
    draft = client.invoices.create(customer=customer.id, auto_advance=False)
    with pytest.raises(InvalidRequestError):
        client.credit_notes.create(invoice=draft.id, amount=100)


def test_a_quote_is_finalized_then_accepted_into_an_invoice(fake: FakeStripe, client: Any) -> None:
    customer = client.customers.create()
    price = client.prices.create(currency="usd", unit_amount=120000, product_data={"name": "Onboarding"})
    quote = client.quotes.create(customer=customer.id, line_items=[{"price": price.id, "quantity": 1}])
    assert quote.status == "draft" and quote.amount_total == 120000
    with pytest.raises(InvalidRequestError):
        client.quotes.accept(quote.id)
    with pytest.raises(InvalidRequestError):
        client.quotes.pdf(quote.id)
    opened = client.quotes.finalize(quote.id)
    assert opened.status == "open" and opened.number.startswith("QT-")
    assert client.quotes.pdf(quote.id).startswith(b"%PDF")
    accepted = client.quotes.accept(quote.id)
    assert accepted.status == "accepted"
    invoice = client.invoices.retrieve(accepted.invoice)
    assert invoice.total == 120000 and invoice.status == "open"
    assert types(fake)[-1] == "quote.accepted"
    with pytest.raises(InvalidRequestError):
        client.quotes.cancel(quote.id)


def test_a_quote_with_recurring_prices_accepts_into_a_subscription(client: Any) -> None:
    customer = client.customers.create()
    quote = client.quotes.create(
        customer=customer.id, line_items=[{"price": monthly(client).id, "quantity": 1}]
    )
    client.quotes.finalize(quote.id)
    accepted = client.quotes.accept(quote.id)
    assert client.subscriptions.retrieve(accepted.subscription).customer == customer.id


def test_a_schedule_starting_now_makes_its_subscription(client: Any) -> None:
    customer = paying_customer(client)
    price, yearly = monthly(client), monthly(client, 20000, "year")
    schedule = client.subscription_schedules.create(
        customer=customer.id,
        start_date="now",
        end_behavior="release",
        phases=[
            phase(price.id, "month", 3),
            phase(yearly.id, "year", 1),
        ],
    )
    assert schedule.status == "active" and len(schedule.phases) == 2
    assert schedule.phases[1].start_date == schedule.phases[0].end_date
    sub = client.subscriptions.retrieve(schedule.subscription)
    assert sub.status == "active" and sub.schedule == schedule.id
    released = client.subscription_schedules.release(schedule.id)
    assert released.status == "released" and released.released_subscription == sub.id
    with pytest.raises(InvalidRequestError):
        client.subscription_schedules.cancel(schedule.id)
    assert client.subscriptions.retrieve(sub.id).status == "active"


def test_canceling_a_schedule_cancels_its_subscription(client: Any) -> None:
    customer = paying_customer(client)
    schedule = client.subscription_schedules.create(
        customer=customer.id,
        start_date="now",
        phases=[phase(monthly(client).id, "month", 1)],
    )
    assert client.subscription_schedules.cancel(schedule.id).status == "canceled"
    assert client.subscriptions.retrieve(schedule.subscription).status == "canceled"


METERS = "billing.meters.create" in operations()
needs_meters = pytest.mark.skipif(not METERS, reason="the pinned API version has no billing meters")


@needs_meters
def test_meter_events_sum_into_event_summaries(client: Any) -> None:
    customer = client.customers.create()
    meter = client.billing.meters.create(
        display_name="API calls",
        event_name="api_call",
        default_aggregation={"formula": "sum"},
    )
    assert meter.status == "active"
    start = 1_735_689_600
    for at, value in ((start + 60, "3"), (start + 120, "4"), (start + 86400 + 60, "5")):
        client.billing.meter_events.create(
            event_name="api_call", payload={"stripe_customer_id": customer.id, "value": value}, timestamp=at
        )
    total = client.billing.meters.event_summaries.list(
        meter.id, customer=customer.id, start_time=start, end_time=start + 2 * 86400
    )
    assert [s.aggregated_value for s in total.data] == [12]
    daily = client.billing.meters.event_summaries.list(
        meter.id,
        customer=customer.id,
        start_time=start,
        end_time=start + 2 * 86400,
        value_grouping_window="day",
    )
    assert [s.aggregated_value for s in daily.data] == [5, 7]


@needs_meters
def test_a_meter_event_name_is_unique_and_a_meter_deactivates_once(client: Any) -> None:
    meter = client.billing.meters.create(
        display_name="Calls", event_name="calls", default_aggregation={"formula": "count"}
    )
    with pytest.raises(InvalidRequestError):
        client.billing.meters.create(
            display_name="Calls", event_name="calls", default_aggregation={"formula": "count"}
        )
    assert client.billing.meters.deactivate(meter.id).status == "inactive"
    with pytest.raises(InvalidRequestError):
        client.billing.meters.deactivate(meter.id)
    assert client.billing.meters.reactivate(meter.id).status == "active"
