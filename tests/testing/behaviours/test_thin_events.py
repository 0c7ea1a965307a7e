"""v2 thin events: served by ``v2.core.events.list/retrieve`` and delivered, signed, as
notifications to the targets of ``forward_events`` by the event destinations that take them.

Stripe: thin events "have small, unversioned payloads that include a reference to the ID of
the object that has changed"; list filters ``types`` ("up to 20"), ``object_id`` ("Primary
object ID used to retrieve related events"), ``created``; ``context`` is the
"Authentication context needed to fetch the event or related object"; a destination's
``events_from``: "@self: Receive events from the account that owns the event destination.
@accounts: Receive events emitted from other accounts you manage".
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lattice_stripe import EventNotification, InvalidRequestError, WebhookRouter
from lattice_stripe.testing import FakeStripe

from .conftest import collect

ERRORS = "v1.billing.meter.error_report_triggered"
NO_METER = "v1.billing.meter.no_meter_found"
PING = "v2.core.event_destination.ping"
NOTIFIED = {"id", "object", "type", "created", "livemode", "related_object", "context", "reason"}


def destination(client: Any, events: list[str], **more: Any) -> Any:
    params = {
        "name": "hooks",
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": events,
        "webhook_endpoint": {"url": "https://example.com/hooks"},
        "include": ["webhook_endpoint.signing_secret"],
    }
    return client.v2.core.event_destinations.create(**{**params, **more})


def bad_usage(client: Any, event_name: str = "api_calls") -> None:
    """One v1 meter event Stripe's processing rejects later (a customer it does not hold)."""
    client.billing.meter_events.create(
        event_name=event_name, payload={"stripe_customer_id": "cus_nobody", "value": "1"}
    )


def meter(client: Any) -> Any:
    return client.billing.meters.create(
        display_name="API calls", event_name="api_calls", default_aggregation={"formula": "sum"}
    )


class Inbox:
    """A router that keeps what it was handed."""

    def __init__(self, fake: FakeStripe, *secrets: str, client: Any = None) -> None:
        self.got: list[Any] = []
        self.router = WebhookRouter([fake.webhook_secret, *secrets], client=client)
        self.router.fallback(self.got.append)
        fake.forward_events(self.router)

    def thin(self) -> list[EventNotification]:
        return [e for e in self.got if isinstance(e, EventNotification)]


def test_events_list_newest_first_and_filters(client: Any, fake: FakeStripe) -> None:
    mtr = meter(client)
    bad_usage(client)  # ERRORS about mtr
    bad_usage(client, "nothing_meters_this")  # NO_METER
    ed = destination(client, [ERRORS])
    client.v2.core.event_destinations.ping(ed.id)  # PING about ed
    every = collect(client, client.v2.core.events.list())
    assert [e.type for e in every] == [PING, NO_METER, ERRORS]
    assert [e.id for e in every] == [e["id"] for e in reversed(fake.thin_events)]
    only = client.v2.core.events.list(types=[ERRORS, PING])
    assert [e.type for e in only.data] == [PING, ERRORS]
    about = client.v2.core.events.list(object_id=mtr.id)
    assert [e.type for e in about.data] == [ERRORS]
    middle = every[1].created
    assert [e.type for e in client.v2.core.events.list(created={"gt": middle}).data] == [PING]
    assert [e.type for e in client.v2.core.events.list(created={"lte": middle}).data] == [NO_METER, ERRORS]
    assert [
        e.type for e in client.v2.core.events.list(created={"gte": middle, "lt": every[0].created}).data
    ] == [NO_METER]
    paged = client.v2.core.events.list(limit=1)
    assert len(paged.data) == 1 and [e.type for e in collect(client, paged)] == [PING, NO_METER, ERRORS]
    assert [
        e.type for e in collect(client, client.v2.core.events.list(types=[ERRORS, NO_METER], limit=1))
    ] == [
        NO_METER,
        ERRORS,
    ]


def test_too_many_types_and_an_unknown_event_are_refused(client: Any) -> None:
    with pytest.raises(InvalidRequestError):
        client.v2.core.events.list(types=[f"v1.type_{i}" for i in range(21)])
    with pytest.raises(InvalidRequestError) as refused:
        client.v2.core.events.retrieve("evt_unknown")
    assert refused.value.http_status == 404


def test_a_matching_enabled_thin_destination_delivers_the_notification(client: Any, fake: FakeStripe) -> None:
    mtr = meter(client)
    ed = destination(client, [ERRORS])
    inbox = Inbox(fake, ed.webhook_endpoint.signing_secret)
    bad_usage(client)
    (note,) = inbox.thin()
    (event,) = fake.thin_events
    assert note.id == event["id"] and note.type == ERRORS
    assert note.related_object.id == mtr.id and note.related_object.url == f"/v1/billing/meters/{mtr.id}"
    assert set(note.to_dict()) == NOTIFIED  # no data: a thin notification
    full = client.v2.core.events.retrieve(note.id)
    assert full.data["reason"]["error_types"][0]["code"] == "meter_event_customer_not_found"


def test_notifications_are_signed_with_the_destinations_secret(client: Any, fake: FakeStripe) -> None:
    meter(client)
    ed = destination(client, [ERRORS])
    inbox = Inbox(fake)  # only the fake's v1 secret: the thin delivery does not verify
    bad_usage(client)
    assert inbox.thin() == []
    sent = fake.sign(fake.thin_events[0], ed.webhook_endpoint.signing_secret)
    assert set(json.loads(sent.payload)) == NOTIFIED
    assert inbox.router.handle(sent.payload, sent.header).status == 400
    fake.deliver(inbox.router, fake.thin_events)  # explicit delivery signs with webhook_secret
    assert [n.type for n in inbox.thin()] == [ERRORS]


WHO_GETS_IT = [  # (destination changes, whether the meter error reaches the target)
    ({}, 1),
    ({"enabled_events": [NO_METER]}, 0),
    ({"event_payload": "snapshot"}, 0),
    ({"disabled": True}, 0),
    ({"enabled_events": ["*"]}, 1),
    ({"second": True}, 2),  # one delivery per destination that takes it
]


@pytest.mark.parametrize(("changes", "count"), WHO_GETS_IT, ids=[str(c[0]) for c in WHO_GETS_IT])
def test_destinations_decide_which_thin_events_go_out(
    client: Any, fake: FakeStripe, changes: dict[str, Any], count: int
) -> None:
    meter(client)
    wanted = changes.get("enabled_events", [ERRORS])
    more = {"event_payload": changes["event_payload"]} if "event_payload" in changes else {}
    first = destination(client, wanted, **more)
    secrets = [first.webhook_endpoint.signing_secret]
    if changes.get("second"):
        secrets.append(destination(client, wanted).webhook_endpoint.signing_secret)
    if changes.get("disabled"):
        client.v2.core.event_destinations.disable(first.id)
    inbox = Inbox(fake, *secrets)
    bad_usage(client)
    assert [n.type for n in inbox.thin()] == [ERRORS] * count
    assert len(fake.thin_events) == 1


@pytest.mark.parametrize("enabled", [True, False])
def test_a_ping_goes_to_its_destination_when_enabled(client: Any, fake: FakeStripe, enabled: bool) -> None:
    pinged = destination(client, [ERRORS])
    other = destination(client, [PING])
    if not enabled:
        client.v2.core.event_destinations.disable(pinged.id)
    inbox = Inbox(fake, pinged.webhook_endpoint.signing_secret, other.webhook_endpoint.signing_secret)
    event = client.v2.core.event_destinations.ping(pinged.id)
    assert [(n.id, n.related_object.id) for n in inbox.thin()] == ([(event.id, pinged.id)] if enabled else [])


@pytest.mark.parametrize(
    ("events_from", "delivered"), [(None, False), (["@self"], False), (["@accounts"], True)]
)
def test_an_event_in_a_connected_account_carries_its_context(
    fake: FakeStripe, events_from: list[str] | None, delivered: bool
) -> None:
    platform = fake.stripe_client(max_retries=0)
    account = platform.accounts.create(type="express").id
    connected = fake.stripe_client(max_retries=0, stripe_account=account, stripe_context=account)
    their_meter = meter(connected)
    ed = destination(platform, [ERRORS], **({"events_from": events_from} if events_from else {}))
    inbox = Inbox(fake, ed.webhook_endpoint.signing_secret, client=platform)
    with connected.meter_event_stream() as stream:
        stream.send("api_calls", {"stripe_customer_id": "cus_nobody", "value": "1"})
    assert stream.close().ok
    (event,) = fake.thin_events
    assert event["context"] == account
    assert platform.v2.core.events.list().data == []  # events live in the account they happened in
    assert [e.id for e in connected.v2.core.events.list().data] == [event["id"]]
    notes = inbox.thin()
    assert [n.context for n in notes] == ([account] if delivered else [])
    if delivered:
        assert notes[0].fetch_related_object().id == their_meter.id  # read with Stripe-Context
        assert notes[0].fetch_event().id == event["id"]


def test_forwarding_to_a_router_with_both_secrets_serves_v1_and_thin_events(
    client: Any, fake: FakeStripe
) -> None:
    meter(client)
    ed = destination(client, [ERRORS])
    inbox = Inbox(fake, ed.webhook_endpoint.signing_secret)
    client.customers.create()
    bad_usage(client)
    assert [e.type for e in inbox.got] == ["customer.created", ERRORS]
