"""The fake's v2 meter event stream: sessions on the API host, batches on the stream host.

``POST /v2/billing/meter_event_session`` opens a session whose token authorises
``POST /v2/billing/meter_event_stream``; the fake answers both wherever they are sent (its
transport serves every host). Like Stripe, a batch is 1 to 100 events, an expired or unknown
token is refused with ``billing_meter_event_session_expired``, and an ``identifier`` is
accepted once: a resent event is not counted again. Test controls: ``events`` (accepted, in
order) and ``expire_sessions()``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

SESSION_PATH = "/v2/billing/meter_event_session"
STREAM_PATH = "/v2/billing/meter_event_stream"
SESSION_EXPIRED = {
    "type": "temporary_session_expired",
    "code": "billing_meter_event_session_expired",
    "message": "The meter event session has expired: create a new one.",
    "doc_url": "https://docs.stripe.com/api/v2/billing-meter-stream",
}


def _stamp(unix: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(unix))


def _invalid(message: str, param: str | None = None) -> tuple[int, dict[str, Any]]:
    error = {"type": "invalid_request_error", "code": "parameter_invalid", "message": message}
    return 400, {"error": {**error, **({"param": param} if param else {})}}


class MeterStream:
    """What the fake's stream host holds."""

    lifetime = 900.0  # seconds a session lasts, as on Stripe

    def __init__(self, new_id: Callable[[str], str], clock: Callable[[], float] = time.time) -> None:
        self._new_id = new_id
        self._clock = clock
        self._sessions: dict[str, float] = {}  # token -> expires_at
        self._seen: set[str] = set()
        self.events: list[dict[str, Any]] = []
        """Accepted events, in the order they arrived (a resent identifier appears once)."""

    def expire_sessions(self) -> None:
        """End every session now: the next batch is refused as Stripe refuses an expired one."""
        self._sessions.clear()

    def answer(
        self, method: str, path: str, authorization: str, body: bytes
    ) -> tuple[int, dict[str, Any]] | None:
        """(status, JSON) for a metering request; None for any other request."""
        if method != "POST" or path not in (SESSION_PATH, STREAM_PATH):
            return None
        if path == SESSION_PATH:
            return 200, self._open()
        expires_at = self._sessions.get(authorization.removeprefix("Bearer "))
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
        for event in events:
            identifier = event.get("identifier") or self._new_id("")
            if identifier not in self._seen:
                self._seen.add(identifier)
                self.events.append({**event, "identifier": identifier})
        return 200, {}

    def _open(self) -> dict[str, Any]:
        now = self._clock()
        token = "ekt_test_" + self._new_id("")
        self._sessions[token] = now + self.lifetime
        return {
            "id": self._new_id("mes"),
            "object": "v2.billing.meter_event_session",
            "authentication_token": token,
            "created": _stamp(now),
            "expires_at": _stamp(now + self.lifetime),
            "livemode": False,
        }
