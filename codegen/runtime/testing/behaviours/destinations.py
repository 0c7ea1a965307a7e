"""Event destinations (``v2.core.event_destinations``) and the v2 events they deliver
(``v2.core.events``).

A destination is created ``enabled``; ``disable`` sets ``status: disabled`` with
``status_details.disabled.reason: user``, ``enable`` sets it back (asking for the status it
already has answers the destination unchanged), and each change moves ``updated``. A
``webhook_endpoint`` destination gets its own signing secret (``whsec_...``), shown only by a
create that asks for it with ``include: ["webhook_endpoint.signing_secret"]``; its ``url`` is
shown where ``include`` names ``webhook_endpoint.url`` (otherwise both read null, as on
Stripe). ``ping`` records a ``v2.core.event_destination.ping`` thin event about the
destination and answers it. Which destinations a thin event goes to is ``thin``'s rule; the
fake delivers to the targets given to ``FakeStripe.forward_events`` and never to a
destination's own URL.

``v2.core.events.list`` answers the thin events of the requesting account newest first,
filtered by ``types``, ``object_id`` (the related object) and ``created`` (RFC 3339 bounds).
"""

from __future__ import annotations

import copy
from typing import Any

from ...times import stamp, unix
from ..schema import component
from ..state import State
from ..thin import DESTINATION, EVENT, PING, record, related
from ..v2 import V2Error, page
from .registry import Call, behaviour

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_CONFIG = ("amazon_eventbridge", "azure_event_grid", "webhook_endpoint")
_MAX_TYPES = 20


def _missing(object_id: str) -> V2Error:
    return V2Error(404, "invalid_request_error", "not_found", f"No such event destination: '{object_id}'")


def _destination(call: Call) -> dict[str, Any]:
    held = call.state.held(call.ids[-1])
    if held is None or held.schema != DESTINATION:
        raise _missing(call.ids[-1])
    return held.obj


def shown(destination: dict[str, Any], include: list[str] | None) -> dict[str, Any]:
    """The destination as an answer shows it: the endpoint's fields only where included."""
    out = copy.deepcopy(destination)
    if "webhook_endpoint" in out:
        wanted = include or []
        out["webhook_endpoint"] = {
            field: out["webhook_endpoint"].get(field) if f"webhook_endpoint.{field}" in wanted else None
            for field in ("signing_secret", "url")
        }
    return out


def _touch(state: State, destination: dict[str, Any], fields: dict[str, Any]) -> None:
    destination.update(fields)
    destination["updated"] = stamp(state.now())


@behaviour("v2.core.event_destinations.create")
def create(call: Call) -> dict[str, Any]:
    p = call.params
    kind = p["type"]
    if kind not in p:
        raise V2Error(400, "invalid_request_error", "parameter_missing", f"Missing required param: {kind}.")
    for other in _CONFIG:
        if other != kind and other in p:
            raise V2Error(
                400,
                "invalid_request_error",
                "parameter_unknown",
                f"{other} does not apply to a {kind} destination.",
            )
    destination = call.generic()
    for other in _CONFIG:
        if other != kind:
            destination.pop(other, None)
    destination.pop("status_details", None)
    if kind == "webhook_endpoint":
        secret = "whsec_" + call.state.ids.pick(_ALNUM, 32)
        destination["webhook_endpoint"] = {"url": p["webhook_endpoint"]["url"], "signing_secret": secret}
    destination.update(
        status="enabled",
        description=p.get("description", ""),
        events_from=p.get("events_from") or ["@self"],
        updated=destination["created"],
        metadata=p.get("metadata") or {},
    )
    return shown(destination, p.get("include"))


@behaviour("v2.core.event_destinations.retrieve")
def retrieve(call: Call) -> dict[str, Any]:
    return shown(_destination(call), call.params.get("include"))


@behaviour("v2.core.event_destinations.list")
def list_destinations(call: Call) -> dict[str, Any]:
    held = [
        shown(h.obj, call.params.get("include"))
        for h in list(call.state.objects.values())
        if h.schema == DESTINATION and h.account == call.state.account
    ]
    return page(call.op, call.ids, held, call.params)


@behaviour("v2.core.event_destinations.update")
def update(call: Call) -> dict[str, Any]:
    destination = _destination(call)
    p = call.params
    fields: dict[str, Any] = {k: p[k] for k in ("name", "description", "enabled_events") if k in p}
    if "metadata" in p:  # a null value removes the key
        metadata = {**(destination.get("metadata") or {}), **p["metadata"]}
        fields["metadata"] = {k: v for k, v in metadata.items() if v is not None}
    if "webhook_endpoint" in p:
        if "webhook_endpoint" not in destination:
            raise V2Error(
                400,
                "invalid_request_error",
                "parameter_unknown",
                f"webhook_endpoint does not apply to a {destination['type']} destination.",
            )
        fields["webhook_endpoint"] = {**destination["webhook_endpoint"], "url": p["webhook_endpoint"]["url"]}
    _touch(call.state, destination, fields)
    return shown(destination, p.get("include"))


@behaviour("v2.core.event_destinations.enable", "v2.core.event_destinations.disable")
def switch(call: Call) -> dict[str, Any]:
    destination = _destination(call)
    wanted = "enabled" if call.path.endswith("enable") else "disabled"
    if destination["status"] != wanted:
        _touch(call.state, destination, {"status": wanted})
        if wanted == "disabled" and "status_details" in component(DESTINATION).get("properties", {}):
            destination["status_details"] = {"disabled": {"reason": "user"}}
        else:
            destination.pop("status_details", None)
    return shown(destination, None)


@behaviour("v2.core.event_destinations.ping")
def ping(call: Call) -> dict[str, Any]:
    """A ping event about the destination (delivered to it when it is enabled)."""
    destination = _destination(call)
    about = related(DESTINATION, destination["id"], f"/v2/core/event_destinations/{destination['id']}")
    return copy.deepcopy(record(call.state, PING, about, None, call.state.account))


@behaviour("v2.core.events.list")
def list_events(call: Call) -> dict[str, Any]:
    p = call.params
    types = p.get("types")
    if types is not None and len(types) > _MAX_TYPES:
        raise V2Error(
            400, "invalid_request_error", "invalid_request", f"types takes up to {_MAX_TYPES} event types."
        )
    created = p.get("created") or {}
    bounds = {op: unix(value) for op, value in created.items()}
    tests = {
        "gt": lambda t, b: t > b,
        "gte": lambda t, b: t >= b,
        "lt": lambda t, b: t < b,
        "lte": lambda t, b: t <= b,
    }

    def wanted(event: dict[str, Any]) -> bool:
        if types is not None and event["type"] not in types:
            return False
        if "object_id" in p and (event.get("related_object") or {}).get("id") != p["object_id"]:
            return False
        at = unix(event["created"])
        return all(tests[op](at, bound) for op, bound in bounds.items())

    found = [
        h.obj
        for h in reversed(list(call.state.objects.values()))
        if h.schema == EVENT and h.account == call.state.account and wanted(h.obj)
    ]
    return page(call.op, call.ids, found, p)


@behaviour("v2.core.events.retrieve")
def retrieve_event(call: Call) -> dict[str, Any]:
    held = call.state.held(call.ids[-1])
    if held is None or held.schema != EVENT:
        raise V2Error(404, "invalid_request_error", "not_found", f"No such event: '{call.ids[-1]}'")
    return copy.deepcopy(held.obj)
