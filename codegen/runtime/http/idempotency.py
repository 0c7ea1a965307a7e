"""Idempotency keys derived from your own identifiers, so a retried job sends the same key.

A generated key protects one call's retries; a job that is retried as a whole (a worker
restart, a redelivered queue message) makes a new call and so a new key, and Stripe cannot
tell the second signup from the first. Deriving the key from what identifies the *intent*
(``"signup"``, the user, the plan) makes every run of that job send the same key.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import uuid

from ..errors import InvalidArgumentError

_PURPOSE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def idempotency_key_for(purpose: str, *parts: str | int | uuid.UUID | enum.Enum) -> str:
    """A stable key: ``purpose`` readable, then a SHA-256 of purpose and parts.

    ``idempotency_key_for("signup", user.id, plan)`` is the same string in every process and
    every run. Parts are strings, integers, UUIDs or enum members of those (``7`` and ``"7"``
    give the same key, so a job that reloads an id as text still matches; a member counts as
    its value, as the form encoder sends it, so ``Plan.PRO`` is ``"pro"`` whatever the class
    is called and on every Python version); each part is kept separate, so ``("ab", "c")``
    and ``("a", "bc")`` differ.
    """
    if not isinstance(purpose, str) or not _PURPOSE.fullmatch(purpose):
        shown = (
            f"a string of {len(purpose)} characters" if isinstance(purpose, str) else type(purpose).__name__
        )
        raise InvalidArgumentError(
            f"idempotency_key_for: purpose must be 1-64 of A-Z a-z 0-9 _ . : -, got {shown}",
            param="purpose",
        )
    if not parts:
        raise InvalidArgumentError("idempotency_key_for: give at least one identifier after the purpose")
    digest = hashlib.sha256(json.dumps([purpose, *map(_identifier, parts)]).encode("utf-8")).hexdigest()
    return f"{purpose}-{digest[:48]}"


def _identifier(part: object) -> str:
    """A part as text: its plain value, never a subclass's or an enum's own ``str()``."""
    value = part.value if isinstance(part, enum.Enum) else part
    if isinstance(value, bool) or not isinstance(value, (str, int, uuid.UUID)) or value == "":
        raise InvalidArgumentError(
            "idempotency_key_for: identifiers must be non-empty strings, ints, UUIDs or enum "
            f"members of those, got {type(part).__name__}",  # not quoted: it may be an email
            param="parts",
        )
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__repr__(value)
    return str(value)
