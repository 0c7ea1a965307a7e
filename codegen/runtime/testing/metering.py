"""The fake's v2 meter event stream: sessions on the API host, batches on the stream host.

``POST /v2/billing/meter_event_session`` opens a session whose token authorises
``POST /v2/billing/meter_event_stream``; the fake answers both wherever they are sent (its
transport serves every host). Like Stripe, a batch is 1 to 100 events, an expired or unknown
token is refused with ``billing_meter_event_session_expired``, and an ``identifier`` is
accepted once: a resent event is not counted again. Accepted events go on to the fake's one
store of meter events (``accept``, in the account the session was opened in), where they
count in event summaries as v1's do. Test controls: ``events`` (accepted by the stream, in
order) and ``expire_sessions()``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from ..times import stamp

SESSION_PATH = "/v2/billing/meter_event_session"
STREAM_PATH = "/v2/billing/meter_event_stream"
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)").fullmatch
SESSION_EXPIRED = {
    "type": "temporary_session_expired",
    "code": "billing_meter_event_session_expired",
    "message": "The meter event session has expired: create a new one.",
    "doc_url": "https://docs.stripe.com/api/v2/billing-meter-stream",
}


def _invalid(message: str, param: str | None = None) -> tuple[int, dict[str, Any]]:
    error = {"type": "invalid_request_error", "code": "parameter_invalid", "message": message}
    return 400, {"error": {**error, **({"param": param} if param else {})}}


class MeterStream:
    """What the fake's stream host holds."""

    lifetime = 900.0  # seconds a session lasts, as on Stripe

    def __init__(
        self,
        new_id: Callable[[str], str],
        clock: Callable[[], float] = time.time,
        accept: Callable[[list[dict[str, Any]], str | None], None] | None = None,
    ) -> None:
        self._new_id = new_id
        self._clock = clock
        self._accept = accept  # (new events, the session's account): the fake's meter event store
        self._sessions: dict[str, tuple[float, str | None]] = {}  # token -> (expires_at, account)
        self._seen: set[tuple[str | None, str]] = set()  # (account, identifier)
        self.events: list[dict[str, Any]] = []
        """Accepted events, in the order they arrived (a resent identifier appears once)."""

    def expire_sessions(self) -> None:
        """End every session now: the next batch is refused as Stripe refuses an expired one."""
        self._sessions.clear()

    def answer(
        self, method: str, path: str, authorization: str, body: bytes, context: str | None = None
    ) -> tuple[int, dict[str, Any]] | None:
        """(status, JSON) for a metering request; None for any other request. ``context`` is
        the request's ``Stripe-Context``: a session opened in it streams into that account."""
        if method != "POST" or path not in (SESSION_PATH, STREAM_PATH):
            return None
        if path == SESSION_PATH:
            return 200, self._open(context)
        expires_at, account = self._sessions.get(authorization.removeprefix("Bearer "), (None, None))
        if expires_at is None or expires_at <= self._clock():
            return 401, {"error": SESSION_EXPIRED}
        try:
            events = json.loads(body or b"{}").get("events")
        except (ValueError, AttributeError):
            return _invalid("The request body must be a JSON object.")
        if not isinstance(events, list) or not 1 <= len(events) <= 100:
            return _invalid("events must be a list of 1 to 100 meter events.", "events")
        for i, event in enumerate(events):
            ok = isinstance(event, dict) and isinstance(event.get("event_name"), str)
            if not ok or not isinstance(event.get("payload"), dict):
                return _invalid("Each event needs an event_name and a payload.", f"events[{i}]")
            stamp = event.get("timestamp")
            if stamp is not None and not (isinstance(stamp, str) and _RFC3339(stamp)):
                return _invalid("timestamp must be an RFC 3339 date-time.", f"events[{i}].timestamp")
        fresh = []
        for event in events:
            identifier = event.get("identifier") or self._new_id("")
            if (account, identifier) not in self._seen:
                self._seen.add((account, identifier))
                fresh.append({**event, "identifier": identifier})
        self.events += fresh
        if self._accept is not None:
            self._accept(fresh, account)
        return 200, {}

    def _open(self, context: str | None) -> dict[str, Any]:
        now = self._clock()
        token = "ekt_test_" + self._new_id("")
        self._sessions[token] = (now + self.lifetime, context)
        return {
            "id": self._new_id("mes"),
            "object": "v2.billing.meter_event_session",
            "authentication_token": token,
            "created": stamp(now),
            "expires_at": stamp(now + self.lifetime),
            "livemode": False,
        }
