"""Idempotency keys derived from your own identifiers, so a retried job sends the same key.

A generated key protects one call's retries; a job that is retried as a whole (a worker
restart, a redelivered queue message) makes a new call and so a new key, and Stripe cannot
tell the second signup from the first. Deriving the key from what identifies the *intent*
(``"signup"``, the user, the plan) makes every run of that job send the same key.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid

from ..errors import InvalidArgumentError

_PURPOSE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def idempotency_key_for(purpose: str, *parts: str | int | uuid.UUID) -> str:
    """A stable key: ``purpose`` readable, then a SHA-256 of purpose and parts.

    ``idempotency_key_for("signup", user.id, plan)`` is the same string in every process and
    every run. Parts are strings, integers or UUIDs (``7`` and ``"7"`` give the same key, so a
    job that reloads an id as text still matches); each part is kept separate, so
    ``("ab", "c")`` and ``("a", "bc")`` differ.
    """
    if not isinstance(purpose, str) or not _PURPOSE.fullmatch(purpose):
        raise InvalidArgumentError(
            f"idempotency_key_for: purpose must be 1-64 of A-Z a-z 0-9 _ . : -, got {purpose!r:.80}",
            param="purpose",
        )
    if not parts:
        raise InvalidArgumentError("idempotency_key_for: give at least one identifier after the purpose")
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, (str, int, uuid.UUID)) or part == "":
            raise InvalidArgumentError(
                f"idempotency_key_for: identifiers must be non-empty strings, ints or UUIDs, "
                f"got {type(part).__name__} {part!r:.80}"
            )
    digest = hashlib.sha256(json.dumps([purpose, *map(str, parts)]).encode("utf-8")).hexdigest()
    return f"{purpose}-{digest[:48]}"
