"""Events and signed deliveries for the webhook tests."""

from __future__ import annotations

import json
import time
from typing import Any

from lattice_stripe._runtime.webhooks.events import generate_test_header

SECRET = "whsec_test_secret_123"


def event_dict(obj: dict[str, Any], event_type: str = "charge.succeeded", **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1686089970,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": "req_123", "idempotency_key": "4f6a2e1c"},
        "type": event_type,
    }
    event.update(extra)
    return event


def charge_event(event_type: str = "charge.succeeded") -> dict[str, Any]:
    return event_dict({"id": "ch_123", "object": "charge", "amount": 2000, "currency": "usd"}, event_type)


def signed(event: dict[str, Any], secret: str = SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    payload = json.dumps(event).encode("utf-8")
    return payload, generate_test_header(
        payload, secret, timestamp=int(time.time()) if timestamp is None else timestamp
    )
