"""Masking of secrets (API keys, client secrets, bearer URLs) wherever text is produced."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def mask(value: Any) -> str:
    """``repr`` of a secret: its kind and last four characters at most, never the value; a
    dict of secrets (``previous_attributes``) shows its keys only."""
    if value is None:
        return "None"
    if isinstance(value, Mapping):
        return params_repr(value)
    text = str(value)
    if text.startswith("http"):
        return "'<url redacted>'"
    prefix = text.split("_", 1)[0] + "_" if "_" in text[:8] else ""
    tail = text[-4:] if len(text) >= 16 else ""
    return f"'{prefix}***{tail}'"


def params_repr(params: Any) -> str:
    """``repr`` of a call's parameters, echoed in ``last_response.call``: the names only, since
    any value may be a secret (a ``client_secret`` passed to retrieve a PaymentIntent)."""
    return "{" + ", ".join(f"{name!r}: ..." for name in params) + "}"


_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)}


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x0a``), for a log line: data (an event id,
    a path) can then never end the line and forge the next one."""
    return text.translate(_CONTROLS)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each (non-empty) secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
