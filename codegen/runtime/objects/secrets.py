"""Masking of secrets (API keys, client secrets, bearer URLs) wherever text is produced."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def mask(value: Any) -> str:
    """``repr`` of a secret: its kind and last four characters at most, never the value."""
    if value is None:
        return "None"
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


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each (non-empty) secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
