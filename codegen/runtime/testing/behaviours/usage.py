"""Usage billing: meters, meter events from every layer, adjustments and event summaries.

One store of meter events serves v1 ``billing.meter_events.create``, v2
``v2.billing.meter_events.create`` and the v2 meter event stream: an event is kept once per
account by its ``identifier`` (the create calls refuse a second one, the stream drops it,
as Stripe does), with its times as unix seconds (v2's RFC 3339 times converted), under the
meter it counts for. ``event_summaries`` sums, counts or takes the last value of a
customer's counted events per window; an adjustment (``type: cancel``, either layer, by
identifier) takes its event out of every summary. It answers ``status: pending`` as Stripe
does, but the fake has already applied it.

Validation follows Stripe's split between now and later. v2 create checks at once, with the
errors the spec lists for it (``no_meter``, ``archived_meter``,
``payload_no_customer_defined``, ``payload_no_value_defined``, ``payload_invalid_value``,
``duplicate_meter_event``); v1 create refuses a payload without the meter's customer key or
with a value that is not a number; the stream takes every well-formed batch. The rest is
found as Stripe's asynchronous processing finds it: the event does not count, and the fake
records the thin event Stripe sends (see ``thin``): ``v1.billing.meter.no_meter_found`` for
an event name no meter of the account has; ``v1.billing.meter.error_report_triggered``,
related to the meter, for an inactive meter, a payload without the customer key or the
value, a value that is not a whole number, or a customer the fake does not hold. Stripe
gathers these reports over minutes; the fake records one per request and meter at once,
its errors in ``data.reason`` as Stripe lays them out.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ...times import stamp, unix
from ..refusals import refuse, unexpected_state
from ..state import Held, State, fill
from ..thin import record, related
from ..v2 import V2Error
from .registry import Call, behaviour

METER = "billing.meter"
EVENT = "billing.meter_event"
CANCELLED = "#cancelled"  # suffix of the key an adjustment is kept under
_WHOLE = re.compile(r"-?\d+").fullmatch
_V2_CODES = {  # the synchronous errors of POST /v2/billing/meter_events
    "no_meter": "no_meter",
    "archived_meter": "archived_meter",
    "meter_event_no_customer_defined": "payload_no_customer_defined",
    "meter_event_value_not_found": "payload_no_value_defined",
    "meter_event_invalid_value": "payload_invalid_value",
}


# -- meters ---------------------------------------------------------------------------------


@behaviour("billing.meters.create")
def create_meter(call: Call) -> dict[str, Any]:
    p = call.params
    if any(m.get("status") == "active" for m in _meters(call.state, p["event_name"])):
        raise refuse(
            f"An active meter with event_name `{p['event_name']}` already exists.",
            code="parameter_invalid",
            param="event_name",
        )
    mapping = p.get("customer_mapping") or {"event_payload_key": "stripe_customer_id", "type": "by_id"}
    settings = p.get("value_settings") or {"event_payload_key": "value"}
    return call.state.new(
        METER,
        {
            "status": "active",
            "customer_mapping": mapping,
            "value_settings": settings,
            "status_transitions": {"deactivated_at": None},
        },
        params=p,
    )


@behaviour("billing.meters.deactivate", "billing.meters.reactivate")
def meter_status(call: Call) -> dict[str, Any]:
    meter = call.target(METER)
    wanted = "inactive" if call.path.endswith("deactivate") else "active"
    if meter["status"] == wanted:
        raise unexpected_state(
            meter, call.path.rsplit(".", 1)[-1] + "d", ["active" if wanted == "inactive" else "inactive"]
        )
    call.state.change(
        meter,
        {
            "status": wanted,
            "status_transitions": {"deactivated_at": call.state.now() if wanted == "inactive" else None},
        },
        None,
    )
    return meter


def _meters(state: State, event_name: str) -> list[dict[str, Any]]:
    return [
        h.obj
        for h in list(state.objects.values())
        if h.schema == METER and h.account == state.account and h.obj.get("event_name") == event_name
    ]


def meter_for(state: State, event_name: str) -> dict[str, Any] | None:
    """The requesting account's meter for an event name: the active one, else the last one."""
    found = _meters(state, event_name)
    return next((m for m in found if m.get("status") == "active"), found[-1] if found else None)


def _keys(meter: dict[str, Any]) -> tuple[str, str, str]:
    customer = (meter.get("customer_mapping") or {}).get("event_payload_key") or "stripe_customer_id"
    value = (meter.get("value_settings") or {}).get("event_payload_key") or "value"
    formula = (meter.get("default_aggregation") or {}).get("formula") or "sum"
    return customer, value, formula


def problem(state: State, meter: dict[str, Any] | None, payload: dict[str, Any]) -> tuple[str, str] | None:
    """Why Stripe would not count an event for this meter: (code, message), or None."""
    if meter is None:
        return "no_meter", "No meter was found for this event_name."
    if meter.get("status") != "active":
        return "archived_meter", f"Meter {meter['id']} is inactive: it takes no events."
    customer_key, value_key, formula = _keys(meter)
    if customer_key not in payload:
        return "meter_event_no_customer_defined", f"Customer mapping key {customer_key} not found in payload."
    if formula != "count":
        if value_key not in payload:
            return "meter_event_value_not_found", f"Value key {value_key} not found in payload."
        if not _WHOLE(str(payload[value_key])):
            return "meter_event_invalid_value", f"Value {value_key} must be a whole number."
    customer = state.held(payload[customer_key])
    if state.stateful and (customer is None or customer.schema != "customer"):
        return "meter_event_customer_not_found", f"Customer {payload[customer_key]} was not found."
    return None


# -- the store of meter events ----------------------------------------------------------------


def _key(state: State, identifier: str) -> str:
    return (
        f"meter_event/{identifier}" if state.account is None else f"meter_event/{state.account}/{identifier}"
    )


def taken(state: State, identifier: str) -> bool:
    """Whether the requesting account already sent an event with this identifier."""
    return _key(state, identifier) in state.objects


class Report:
    """The errors one request's events met, reported as Stripe's asynchronous checks do."""

    def __init__(self) -> None:
        self.errors: dict[
            str | None, list[tuple[str, str, str]]
        ] = {}  # meter id -> (code, message, identifier)

    def emit(self, state: State) -> None:
        for meter_id, errors in self.errors.items():
            count = len(errors)
            codes = Counter(code for code, _, _ in errors)
            now = stamp(state.now())
            summary = "There is 1 invalid event" if count == 1 else f"There are {count} invalid events"
            data = {
                "developer_message_summary": summary,
                "reason": {
                    "error_count": count,
                    "error_types": [
                        {
                            "code": code,
                            "error_count": n,
                            "sample_errors": [
                                {"error_message": message, "request": {"identifier": identifier}}
                                for c, message, identifier in errors
                                if c == code
                            ],
                        }
                        for code, n in codes.items()
                    ],
                },
                "validation_start": now,
                "validation_end": now,
            }
            if meter_id is None:
                record(state, "v1.billing.meter.no_meter_found", None, data, state.account)
            else:
                meter = related(METER, meter_id, f"/v1/billing/meters/{meter_id}")
                record(state, "v1.billing.meter.error_report_triggered", meter, data, state.account)


def keep(
    state: State, event_name: str, payload: dict[str, Any], identifier: str, timestamp: int, report: Report
) -> dict[str, Any]:
    """Store one event (its identifier not taken) under the meter it counts for; an event
    that counts for none is stored too (its identifier stays taken) and goes in ``report``."""
    meter = meter_for(state, event_name)
    payload = {str(k): str(v) for k, v in payload.items()}
    found = problem(state, meter, payload)
    if found is not None:
        report.errors.setdefault(meter["id"] if meter else None, []).append((*found, identifier))
    event = state.build.build(EVENT)
    fill(
        EVENT,
        event,
        {
            "event_name": event_name,
            "identifier": identifier,
            "payload": payload,
            "timestamp": timestamp,
            "created": state.now(),
            "livemode": False,
        },
    )
    counts_for = meter["id"] if meter is not None and found is None else None
    state.objects[_key(state, identifier)] = Held(EVENT, event, counts_for, state.account)
    return event


def from_stream(state: State, events: list[dict[str, Any]], context: str | None) -> None:
    """Events a stream batch brought (well formed, new to the stream), in the session's account."""
    state.account = context
    report = Report()
    for event in events:
        if not taken(state, event["identifier"]):
            sent = event.get("timestamp")
            at = int(unix(sent)) if isinstance(sent, str) else state.now()
            keep(state, event["event_name"], event["payload"], event["identifier"], at, report)
    report.emit(state)


def cancel(state: State, event_name: str, identifier: str) -> bool:
    """Take the account's event with this identifier and event name out of every summary."""
    key = _key(state, identifier)
    held = state.objects.get(key)
    if held is None or held.schema != EVENT or held.obj.get("event_name") != event_name:
        return False
    state.objects.setdefault(key + CANCELLED, Held("billing.meter_event_adjustment", {}, None, state.account))
    return True


# -- v1 -----------------------------------------------------------------------------------------


@behaviour("billing.meter_events.create")
def meter_event(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    identifier = p.get("identifier") or state.ids.new("")
    if taken(state, identifier):
        raise refuse(
            f"An event with identifier {identifier} already exists.",
            code="parameter_invalid",
            param="identifier",
        )
    payload = p.get("payload") or {}
    meter = meter_for(state, p["event_name"])
    if meter is not None:  # what v1 checks while the caller waits
        customer_key, value_key, _ = _keys(meter)
        if customer_key not in payload:
            raise refuse(
                f"Missing required param: payload[{customer_key}].",
                code="parameter_missing",
                param=f"payload[{customer_key}]",
            )
        if value_key in payload:
            try:
                float(payload[value_key])
            except ValueError:
                raise refuse(
                    f"Invalid number: payload[{value_key}]",
                    code="parameter_invalid",
                    param=f"payload[{value_key}]",
                ) from None
    report = Report()
    event = keep(state, p["event_name"], payload, identifier, int(p.get("timestamp") or state.now()), report)
    report.emit(state)
    return event


@behaviour("billing.meter_event_adjustments.create")
def adjustment(call: Call) -> dict[str, Any]:
    p = call.params
    identifier = (p.get("cancel") or {}).get("identifier")
    if not identifier:
        raise refuse(
            "Missing required param: cancel[identifier].",
            code="parameter_missing",
            param="cancel[identifier]",
        )
    if not cancel(call.state, p["event_name"], identifier):
        raise refuse(
            f"No meter event with identifier {identifier} and event_name {p['event_name']} was found.",
            code="resource_missing",
            param="cancel[identifier]",
        )
    adjusted = call.state.build.build("billing.meter_event_adjustment")
    fields = {"event_name": p["event_name"], "type": "cancel", "cancel": {"identifier": identifier}}
    return fill(
        "billing.meter_event_adjustment", adjusted, {**fields, "status": "pending", "livemode": False}
    )


def counted(state: State, meter: dict[str, Any], customer: str, account: str | None) -> list[dict[str, Any]]:
    """The customer's events that count for the meter (not cancelled), in ``account``."""
    customer_key = _keys(meter)[0]
    return [
        h.obj
        for key, h in list(state.objects.items())
        if h.schema == EVENT
        and h.parent == meter["id"]
        and h.account == account
        and key + CANCELLED not in state.objects
        and h.obj["payload"].get(customer_key) == customer
    ]


def aggregate(meter: dict[str, Any], events: list[dict[str, Any]]) -> int:
    """The meter's formula over these events: ``sum``, ``count`` or ``last`` (by timestamp)."""
    _, value_key, formula = _keys(meter)
    if formula == "count":
        return len(events)
    if formula == "last":
        latest = max(events, key=lambda e: int(e["timestamp"]), default=None)  # ties: the first sent
        return int(latest["payload"][value_key]) if latest else 0
    return sum(int(e["payload"][value_key]) for e in events)


def usage(state: State, meter_id: str, customer: str, span: tuple[int, int], account: str | None) -> int:
    """What a metered price bills a customer for ``[start, end)``: the meter's aggregate."""
    held = state.objects.get(meter_id)
    if held is None or held.schema != METER:
        return 0
    events = counted(state, held.obj, customer, account)
    return aggregate(held.obj, [e for e in events if span[0] <= int(e["timestamp"]) < span[1]])


@behaviour("billing.meters.event_summaries.list")
def event_summaries(call: Call) -> dict[str, Any]:
    """Sum, count or take the last value of a customer's counted meter events in
    ``[start_time, end_time)``, per day or hour with ``value_grouping_window``."""
    state = call.state
    meter = call.find(call.ids[0], METER)
    p = call.params
    start, end = int(p["start_time"]), int(p["end_time"])
    if end <= start:
        raise refuse("end_time must be after start_time.", code="parameter_invalid", param="end_time")
    window = {"day": 86400, "hour": 3600}.get(str(p.get("value_grouping_window")), end - start)
    if (end - start) % window or start % 60:
        raise refuse(
            "start_time and end_time must align with the value_grouping_window.",
            code="parameter_invalid",
            param="start_time",
        )
    events = counted(state, meter, p["customer"], state.account)
    summaries = []
    for at in range(start, end, window):
        value = aggregate(meter, [e for e in events if at <= int(e["timestamp"]) < at + window])
        summary = state.build.build("billing.meter_event_summary")
        fill(
            "billing.meter_event_summary",
            summary,
            {"aggregated_value": value, "start_time": at, "end_time": at + window, "meter": meter["id"]},
        )
        summaries.append(summary)
    summaries.reverse()  # newest first
    limit = int(p.get("limit") or 10)
    return {
        "object": "list",
        "data": summaries[:limit],
        "has_more": len(summaries) > limit,
        "url": f"/v1/billing/meters/{meter['id']}/event_summaries",
    }


# -- v2 -----------------------------------------------------------------------------------------


@behaviour("v2.billing.meter_events.create")
def meter_event_v2(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    identifier = p.get("identifier") or state.ids.new("")
    if taken(state, identifier):
        raise V2Error(
            400,
            "invalid_request_error",
            "duplicate_meter_event",
            f"A meter event with identifier {identifier} has already been submitted.",
        )
    found = problem(state, meter_for(state, p["event_name"]), p["payload"])
    if found is not None and found[0] in _V2_CODES:
        raise V2Error(400, "invalid_request_error", _V2_CODES[found[0]], found[1])
    at = int(unix(p["timestamp"])) if p.get("timestamp") else state.now()
    report = Report()
    kept = keep(state, p["event_name"], p["payload"], identifier, at, report)
    report.emit(state)
    answer = call.generic()
    answer.update(
        event_name=kept["event_name"],
        identifier=identifier,
        payload=kept["payload"],
        timestamp=stamp(kept["timestamp"]),
        created=stamp(kept["created"]),
    )
    return answer


@behaviour("v2.billing.meter_event_adjustments.create")
def adjustment_v2(call: Call) -> dict[str, Any]:
    p = call.params
    identifier = p["cancel"]["identifier"]
    if not cancel(call.state, p["event_name"], identifier):
        raise V2Error(
            400,
            "invalid_request_error",
            "invalid_cancel_configuration",
            f"No meter event with identifier {identifier} and event_name {p['event_name']} was found.",
        )
    answer = call.generic()
    answer.update(
        event_name=p["event_name"], type="cancel", cancel={"identifier": identifier}, status="pending"
    )
    return answer
