"""Event destinations (``v2.core.event_destinations``): create, enable, disable, ping,
retrieve, list, update, delete.

Stripe: a destination's ``status`` "can be set to either enabled or disabled";
``status_details.disabled.reason`` says why ("user"); the webhook endpoint's
``signing_secret`` is "only includable on creation", its ``url`` "includable"; ping "Send[s]
a `ping` event to an event destination" and answers the event.
"""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError, StripeError
from lattice_stripe.testing import FakeStripe

from .conftest import collect

THIN = {
    "name": "meter errors",
    "type": "webhook_endpoint",
    "event_payload": "thin",
    "enabled_events": ["v1.billing.meter.error_report_triggered"],
    "webhook_endpoint": {"url": "https://example.com/hooks"},
}


def test_a_destination_is_created_enabled_and_shows_its_secret_once(client: Any) -> None:
    created = client.v2.core.event_destinations.create(**THIN, include=["webhook_endpoint.signing_secret"])
    assert (created.status, created.status_details, created.object) == (
        "enabled",
        None,
        "v2.core.event_destination",
    )
    assert created.id.startswith("ed_") and created.updated == created.created
    assert created.webhook_endpoint.signing_secret.startswith("whsec_")
    assert created.webhook_endpoint.url is None  # not included
    plain = client.v2.core.event_destinations.retrieve(created.id)
    assert (plain.webhook_endpoint.signing_secret, plain.webhook_endpoint.url) == (None, None)
    shown = client.v2.core.event_destinations.retrieve(created.id, include=["webhook_endpoint.url"])
    assert (shown.webhook_endpoint.signing_secret, shown.webhook_endpoint.url) == (
        None,
        "https://example.com/hooks",
    )
    assert (shown.name, shown.enabled_events, shown.events_from) == (
        "meter errors",
        ["v1.billing.meter.error_report_triggered"],
        ["@self"],
    )


def test_each_destination_signs_with_its_own_secret(client: Any) -> None:
    include = ["webhook_endpoint.signing_secret"]
    first = client.v2.core.event_destinations.create(**THIN, include=include)
    second = client.v2.core.event_destinations.create(**THIN, include=include)
    assert first.webhook_endpoint.signing_secret != second.webhook_endpoint.signing_secret


SWITCHES = [  # (actions in order, status after, status_details after)
    (["disable"], "disabled", {"disabled": {"reason": "user"}}),
    (["disable", "disable"], "disabled", {"disabled": {"reason": "user"}}),
    (["disable", "enable"], "enabled", None),
    (["enable"], "enabled", None),
]


@pytest.mark.parametrize(("actions", "status", "details"), SWITCHES, ids=["+".join(s[0]) for s in SWITCHES])
def test_enable_and_disable_change_the_status(
    client: Any, actions: list[str], status: str, details: dict[str, Any] | None
) -> None:
    destinations = client.v2.core.event_destinations
    created = destinations.create(**THIN)
    answer = created
    for action in actions:
        answer = getattr(destinations, action)(created.id)
    assert answer.status == status
    assert (answer.status_details.to_dict() if answer.status_details else None) == details
    assert destinations.retrieve(created.id).status == status
    assert [d.status for d in collect(client, destinations.list())] == [status]
    assert answer.updated >= created.updated


def test_update_changes_what_it_names_and_keeps_the_rest(client: Any) -> None:
    destinations = client.v2.core.event_destinations
    created = destinations.create(**THIN, metadata={"team": "billing", "old": "x"})
    updated = destinations.update(
        created.id,
        name="renamed",
        enabled_events=["v1.billing.meter.no_meter_found"],
        metadata={"old": None, "new": "y"},
        webhook_endpoint={"url": "https://example.com/other"},
        include=["webhook_endpoint.url"],
    )
    assert (updated.name, updated.enabled_events) == ("renamed", ["v1.billing.meter.no_meter_found"])
    assert updated.metadata == {"team": "billing", "new": "y"}
    assert updated.webhook_endpoint.url == "https://example.com/other"
    again = destinations.retrieve(created.id)
    assert (again.name, again.status, again.event_payload) == ("renamed", "enabled", "thin")


def test_delete_removes_it(client: Any) -> None:
    destinations = client.v2.core.event_destinations
    kept = destinations.create(**THIN)
    gone = destinations.create(**THIN)
    deleted = destinations.delete(gone.id)
    assert deleted.id == gone.id
    assert [d.id for d in collect(client, destinations.list())] == [kept.id]
    with pytest.raises(StripeError) as refused:
        destinations.retrieve(gone.id)
    assert refused.value.http_status == 404


def test_list_pages_through_every_destination(client: Any) -> None:
    destinations = client.v2.core.event_destinations
    made = [destinations.create(**THIN).id for _ in range(5)]
    first = destinations.list(limit=2)
    assert len(first.data) == 2 and first.next_page_url is not None
    assert [d.id for d in collect(client, first)] == made


@pytest.mark.parametrize("action", ["retrieve", "enable", "disable", "ping", "update", "delete"])
def test_an_unknown_destination_is_404(client: Any, action: str) -> None:
    with pytest.raises(StripeError) as refused:
        getattr(client.v2.core.event_destinations, action)("ed_unknown")
    assert (refused.value.http_status, refused.value.code) == (404, "not_found")


@pytest.mark.parametrize("kind", ["webhook_endpoint", "amazon_eventbridge", "azure_event_grid"])
def test_a_destination_needs_the_configuration_of_its_type(client: Any, kind: str) -> None:
    params = {k: v for k, v in THIN.items() if k != "webhook_endpoint"}
    with pytest.raises(InvalidRequestError) as refused:
        client.v2.core.event_destinations.create(**{**params, "type": kind})
    assert refused.value.code == "parameter_missing" and kind in str(refused.value)


def test_ping_records_an_event_about_the_destination(client: Any, fake: FakeStripe) -> None:
    destination = client.v2.core.event_destinations.create(**THIN)
    event = client.v2.core.event_destinations.ping(destination.id)
    assert (event.object, event.type) == ("v2.core.event", "v2.core.event_destination.ping")
    assert event.related_object.to_dict() == {
        "id": destination.id,
        "type": "v2.core.event_destination",
        "url": f"/v2/core/event_destinations/{destination.id}",
    }
    assert client.v2.core.events.retrieve(event.id).id == event.id
    assert [e["id"] for e in fake.thin_events] == [event.id]
    assert event.reason is None and event.context is None
