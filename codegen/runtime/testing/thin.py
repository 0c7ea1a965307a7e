"""Thin events (``v2.core.event``): what the fake records when something happens that Stripe
reports through event destinations, and which destinations each one goes to.

An event is kept whole (with ``data``) for ``v2.core.events.list``/``retrieve``; what a
destination delivers is its notification: ``id``, ``object``, ``type``, ``created``,
``livemode``, ``related_object``, ``context``, ``reason``. The fake records events at once
(Stripe reports meter errors some minutes later), ``reason`` is null (the fake does not link
them to a request), and a destination receives an event when it is an enabled
``webhook_endpoint`` with ``event_payload: thin`` whose ``enabled_events`` name its type (or
``*``) and whose ``events_from`` takes its account (``@self``: the destination's own account,
the default; ``@accounts``: the platform's connected accounts). A ping goes to its own
destination alone, when that one is enabled.
"""

from __future__ import annotations

from typing import Any

from ..times import stamp
from .state import Held, State

EVENT = "v2.core.event"
DESTINATION = "v2.core.event_destination"
PING = "v2.core.event_destination.ping"
NOTIFIED = ("id", "object", "type", "created", "livemode", "related_object", "context", "reason")


def related(kind: str, object_id: str, url: str) -> dict[str, str]:
    return {"id": object_id, "type": kind, "url": url}


def record(
    state: State,
    type: str,
    related_object: dict[str, str] | None,
    data: dict[str, Any] | None = None,
    context: str | None = None,
) -> dict[str, Any]:
    """Keep a thin event that happened in ``context`` (a connected account, or None)."""
    event_id = state.ids.new("evt")
    event: dict[str, Any] = {
        "id": event_id,
        "object": EVENT,
        "type": type,
        "created": stamp(state.now()),
        "livemode": False,
        "context": context,
        "reason": None,
        "related_object": related_object,
        "data": data,
    }
    state.objects[event_id] = Held(EVENT, event, None, context)
    state.thin_events.append(event)
    return event


def notification(event: dict[str, Any]) -> dict[str, Any]:
    """What a destination delivers: the event without its ``data``."""
    return {key: event.get(key) for key in NOTIFIED}


def destinations(state: State, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The destinations that deliver this event (see the module's rule), oldest first."""
    pinged = (event.get("related_object") or {}).get("id") if event["type"] == PING else None
    out = []
    for held in list(state.objects.values()):
        found = held.obj
        if held.schema != DESTINATION or found.get("status") != "enabled":
            continue
        if found.get("type") != "webhook_endpoint":
            continue
        if pinged is not None:
            if found.get("id") == pinged:
                out.append(found)
            continue
        enabled = found.get("enabled_events") or []
        if found.get("event_payload") != "thin" or not (event["type"] in enabled or "*" in enabled):
            continue
        sources = found.get("events_from") or ["@self"]
        context = event.get("context")
        own = context == held.account and "@self" in sources
        connected = held.account is None and context is not None and "@accounts" in sources
        if own or connected:
            out.append(found)
    return out
