"""Events: every state change records Stripe's event, listable and deliverable signed."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import WebhookEvent, WebhookRouter
from lattice_stripe.testing import FakeStripe


def test_events_are_listed_newest_first_and_filtered_by_type(fake: FakeStripe, client: Any) -> None:
    customer = client.customers.create()
    client.customers.update(customer.id, name="Ada")
    listed = client.events.list()
    assert [e.type for e in listed.data] == ["customer.updated", "customer.created"]
    assert [e.type for e in client.events.list(type="customer.created").data] == ["customer.created"]
    assert [e.type for e in client.events.list(type="customer.*").data] == [
        "customer.updated",
        "customer.created",
    ]
    assert client.events.retrieve(listed.data[0].id).data.previous_attributes == {"name": None}


def test_events_are_delivered_signed_to_a_router(fake: FakeStripe, client: Any) -> None:
    seen: list[str] = []
    router = WebhookRouter(FakeStripe.webhook_secret)

    @router.on("payment_intent.succeeded")
    def paid(event: WebhookEvent) -> None:
        seen.append(event.data.object.id)

    fake.forward_events(router)
    intent = client.payment_intents.create(
        amount=1000, currency="usd", payment_method="pm_card_visa", confirm=True
    )
    assert seen == [intent.id]
    assert all(status == 200 for status in fake.deliver(router))


def test_fake_event_refuses_a_type_that_does_not_fit_the_object(fake: FakeStripe, client: Any) -> None:
    intent = client.payment_intents.create(amount=1000, currency="usd")
    with pytest.raises(ValueError, match="another kind of object"):
        fake.event("invoice.paid", intent)
    with pytest.raises(ValueError, match="not an event type"):
        fake.event("payment_intent.exploded", intent)
    signed = fake.event("payment_intent.succeeded", intent)
    assert signed.event["data"]["object"]["id"] == intent.id


def test_an_idempotent_replay_records_no_second_event(fake: FakeStripe, client: Any) -> None:
    client.customers.create(idempotency_key="k1")
    client.customers.create(idempotency_key="k1")
    assert [e["type"] for e in fake.events] == ["customer.created"]
    assert fake.events[0]["request"]["idempotency_key"] == "k1"


# Event types whose object the pinned spec describes under no ``object`` value of its own.
UNCARRIED = {"reserve.hold", "reserve.plan", "reserve.release", "entitlements.active_entitlement_summary"}


def test_every_event_type_fits_some_kind_of_object() -> None:
    from lattice_stripe._runtime.testing.schema import schema_of_object
    from lattice_stripe._runtime.testing.state import event_fits, event_types

    kinds = list(schema_of_object())
    orphans = {t.rsplit(".", 1)[0] for t in event_types() if not any(event_fits(t, k) for k in kinds)}
    assert orphans <= UNCARRIED
    assert len(event_types()) > 200
