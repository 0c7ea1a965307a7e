"""Stripe's two metering hosts in one handler for ``StripeServer``: the API host's
``POST /v2/billing/meter_event_session`` and the stream host's
``POST /v2/billing/meter_event_stream``, with the faults the stream must survive.

Like Stripe, the stream host accepts an ``identifier`` once: a resent event is counted in
``duplicates``, never in ``accepted`` twice.
"""

from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Callable

from tests.stripe_server import Recorded, Reply

SESSION_EXPIRED = {
    "error": {
        "type": "temporary_session_expired",
        "code": "billing_meter_event_session_expired",
        "message": "The meter event session has expired: create a new one.",
        "doc_url": "https://docs.stripe.com/api/v2/billing-meter-stream",
    }
}


class MeterHost:
    def __init__(self, api_key: str, clock: Callable[[], float] = time.time, lifetime: float = 900.0) -> None:
        self.api_key = api_key
        self.clock = clock
        self.lifetime = lifetime
        self.lock = threading.Lock()
        self.tokens: dict[str, float] = {}  # live token -> expires_at
        self.sessions = 0
        self.batches = 0  # stream requests answered 200
        self.accepted: collections.Counter[str] = collections.Counter()
        self.duplicates = 0
        self.replayed = 0  # events in batches answered 500 after they were accepted
        self.expired_refusals = 0
        self.batch_sizes: list[int] = []
        self.stream_auth: set[str] = set()
        # Faults, by the number of the stream request (1-based, every request counted):
        self.expire_at: set[int] = set()  # revoke every token before answering this request
        self.fail_after_accepting: set[int] = set()  # accept the events, then answer 500
        self.stall: threading.Event | None = None  # while set to an unset Event, stream requests hang
        self.requests = 0
        self.stalling = 0  # stream requests that reached the stall

    def __call__(self, rec: Recorded) -> Reply:
        if rec.method == "POST" and rec.path == "/v2/billing/meter_event_session":
            return self._session(rec)
        if rec.method == "POST" and rec.path == "/v2/billing/meter_event_stream":
            return self._stream(rec)
        return Reply(404, {"error": {"type": "invalid_request_error", "message": f"no route {rec.path}"}})

    def _session(self, rec: Recorded) -> Reply:
        if rec.header("authorization") != f"Bearer {self.api_key}":
            return Reply(401, {"error": {"type": "invalid_request_error", "message": "bad key"}})
        with self.lock:
            self.sessions += 1
            token = f"ekt_test_session{self.sessions:04d}secret"
            expires_at = self.clock() + self.lifetime
            self.tokens[token] = expires_at
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(expires_at))
        return Reply(
            200,
            {
                "id": f"mes_{self.sessions}",
                "object": "v2.billing.meter_event_session",
                "authentication_token": token,
                "created": "2026-05-27T00:00:00.000Z",
                "expires_at": stamp,
                "livemode": False,
            },
        )

    def _stream(self, rec: Recorded) -> Reply:
        stall = self.stall
        if stall is not None:
            with self.lock:
                self.stalling += 1
            stall.wait(30)
        token = (rec.header("authorization") or "").removeprefix("Bearer ")
        events = json.loads(rec.body)["events"]
        with self.lock:
            self.requests += 1
            number = self.requests
            self.stream_auth.add(token)
            if number in self.expire_at:
                self.tokens.clear()
            if token not in self.tokens:
                self.expired_refusals += 1
                return Reply(401, SESSION_EXPIRED)
            if not 1 <= len(events) <= 100:
                return Reply(400, {"error": {"type": "invalid_request_error", "message": "1 to 100 events"}})
            if any(e["event_name"] == "rejected" for e in events):  # a request Stripe refuses outright
                return Reply(400, {"error": {"type": "invalid_request_error", "message": "no such meter"}})
            for event in events:
                key = event["identifier"]
                if key in self.accepted:
                    self.duplicates += 1
                else:
                    self.accepted[key] += 1
            self.batch_sizes.append(len(events))
            if number in self.fail_after_accepting:
                self.replayed += len(events)
                return Reply(500, {"error": {"type": "api_error", "message": "injected"}})
            self.batches += 1
        return Reply(200, {})
