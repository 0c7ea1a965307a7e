"""Stripe's form encoding: ``metadata[k]=v``, ``items[0][price]=p``, ``expand[]=customer``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode


def flatten(params: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(key, value) pairs in bracket notation; ``None`` values are left out."""
    for key, value in params.items():
        if value is None:
            continue
        name = f"{prefix}[{key}]" if prefix else str(key)
        yield from _pairs(name, value)


def _pairs(name: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        yield from flatten(value, name)
    elif isinstance(value, (list, tuple)):
        scalars = all(not isinstance(v, (Mapping, list, tuple)) for v in value)
        for index, item in enumerate(value):
            if item is not None:
                yield from _pairs(f"{name}[]" if scalars else f"{name}[{index}]", item)
    elif isinstance(value, bool):
        yield name, "true" if value else "false"
    else:
        yield name, str(value)


def encode(params: Mapping[str, Any]) -> str:
    return urlencode(list(flatten(params)))
