"""Stripe's v2 times (RFC 3339: ``2026-05-27T10:00:00.000Z``) to and from Unix seconds.

v1 sends Unix seconds; v2 sends these strings (models keep them as ``str``, see the spec
updates guide). One reading and one writing, for everything that needs the number: a meter
event session's expiry, a notification's order in the ledger, the fake's v2 objects.
"""

from __future__ import annotations

import calendar
import time
from datetime import datetime, timezone


def unix(text: str) -> float:
    """Unix seconds of an RFC 3339 time (``Z`` or an offset; a time without one is UTC);
    ``ValueError`` if it is not one."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return calendar.timegm(parsed.utctimetuple()) + parsed.microsecond / 1e6


def stamp(seconds: float) -> str:
    """A Unix time as v2 writes it, to the whole second (``2026-05-27T10:00:00.000Z``)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(int(seconds)))
