"""Stripe's form encoding: ``metadata[k]=v``, ``items[0][price]=p``, ``expand[]=customer``."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any
from urllib.parse import quote_plus

_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch  # needs no percent-encoding


def flatten(params: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(key, value) pairs in bracket notation; ``None`` values are left out."""
    for key, value in params.items():
        if value is None:
            continue
        name = f"{prefix}[{key}]" if prefix else str(key)
        yield from _pairs(name, value)


def _pairs(name: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, (Mapping, list, tuple)) and not value:
        yield name, ""  # Stripe's empty value: `metadata={}` clears every key, as `metadata=""` does
    elif isinstance(value, Mapping):
        yield from flatten(value, name)
    elif isinstance(value, (list, tuple)):
        scalars = all(not isinstance(v, (Mapping, list, tuple)) for v in value)
        for index, item in enumerate(value):
            if item is not None:
                yield from _pairs(f"{name}[]" if scalars else f"{name}[{index}]", item)
    elif isinstance(value, bool):
        yield name, "true" if value else "false"
    elif isinstance(value, Enum):  # a str/int Enum member: its value, not "Plan.PRO"
        yield from _pairs(name, value.value)
    elif _is_decimal(value):
        yield name, format(value, "f")  # plain digits: str() may write 1E+2
    else:
        yield name, str(value)


def _is_decimal(value: Any) -> bool:
    decimal = sys.modules.get("decimal")  # no Decimal can exist before the module is imported
    return decimal is not None and isinstance(value, decimal.Decimal)


@functools.lru_cache(maxsize=4096)
def _quote_key(key: str) -> str:
    return quote_plus(key, safe="")  # keys repeat across calls: quote each once


def _quote(value: str) -> str:
    return value if _PLAIN(value) else quote_plus(value, safe="")


def encode(params: Mapping[str, Any]) -> str:
    """``application/x-www-form-urlencoded`` text, as ``urlencode`` would write it.

    Flat string and integer values (most calls) skip the generic walk."""
    parts = []
    for key, value in params.items():
        kind = type(value)
        if value is None:
            continue
        if kind is str or kind is int:
            parts.append(f"{_quote_key(key)}={_quote(str(value))}")
        else:
            parts += [f"{_quote_key(k)}={_quote(v)}" for k, v in _pairs(key, value)]
    return "&".join(parts)
