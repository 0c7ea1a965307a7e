"""Stripe's form encoding: ``metadata[k]=v``, ``items[0][price]=p``, ``expand[]=customer``.

Only values with one meaning on the wire are encoded: strings, integers, finite floats and
decimals, bools, enum members, dicts with string keys and lists, nested at most
``MAX_DEPTH`` deep. Anything else is an :class:`InvalidArgumentError` naming the bracket path
and the value's type (never the value: it may be a card number), raised before any byte is
sent.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from collections.abc import Container, Iterator, Mapping
from enum import Enum
from typing import Any
from urllib.parse import quote_plus

from ..errors import InvalidArgumentError

_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch  # needs no percent-encoding
MAX_DEPTH = 20  # Stripe's parameters nest a handful of levels; a cycle would recurse forever
MAX_DECIMAL_DIGITS = 100  # Decimal("1e100000000") is 11 characters but 100 MB as plain digits
MAX_INT = 2**63 - 1  # Stripe's integers are 64-bit; str() of a huge int may even raise


def _refuse(name: str, problem: str) -> InvalidArgumentError:
    return InvalidArgumentError(f"{name}: {problem}", param=name)


def _key_problem(key: object) -> str:
    if not isinstance(key, str):
        return type(key).__name__
    return "an empty string" if not key else "a key with [ or ]"


def flatten(params: Mapping[str, Any], prefix: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """(key, value) pairs in bracket notation; ``None`` values are left out."""
    for key, value in params.items():
        if not isinstance(key, str) or not key or "[" in key or "]" in key:
            # A bracket or an empty key would change the structure Stripe decodes.
            raise _refuse(
                prefix or "params",
                f"dict keys must be non-empty strings without [ or ], got {_key_problem(key)}",
            )
        if value is None:
            continue
        name = f"{prefix}[{key}]" if prefix else key
        yield from _pairs(name, value, depth)


def _pairs(name: str, value: Any, depth: int = 0) -> Iterator[tuple[str, str]]:
    if isinstance(value, str) and not isinstance(value, Enum):
        yield name, str.__str__(value)  # a str subclass: its plain value, not a custom __str__
    elif isinstance(value, int) and not isinstance(value, (bool, Enum)):
        yield name, _integer(name, value)
    elif isinstance(value, (Mapping, list, tuple)):
        if not value:  # like None: left out (encode() sends "" where the parameter takes it)
            return
        if depth >= MAX_DEPTH:
            raise _refuse(
                name, f"nested more than {MAX_DEPTH} levels deep (a dict or list containing itself?)"
            )
        if isinstance(value, Mapping):
            yield from flatten(value, name, depth + 1)
            return
        if all(not isinstance(v, (Mapping, list, tuple)) for v in value):
            for item in value:
                if item is not None:
                    yield from _pairs(f"{name}[]", item, depth + 1)
            return
        index = 0  # items that send nothing take no index: Stripe would read a gap as an item
        for item in value:
            pairs = [] if item is None else list(_pairs(f"{name}[{index}]", item, depth + 1))
            if pairs:
                index += 1
                yield from pairs
    elif isinstance(value, bool):
        yield name, "true" if value else "false"
    elif isinstance(value, Enum):  # a str/int Enum member: its value, not "Plan.PRO"
        yield from _pairs(name, value.value, depth)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _refuse(name, f"{value!r} is not a finite number")
        yield name, repr(value)
    elif _is_decimal(value):
        yield name, _decimal_digits(name, value)
    else:
        raise _refuse(
            name,
            f"must be a string, number, bool, list or dict, got {type(value).__name__}",
        )


def _integer(name: str, value: int) -> str:
    if not -MAX_INT <= value <= MAX_INT:
        raise _refuse(name, f"integer out of Stripe's 64-bit range ({value.bit_length()} bits)")
    return int.__repr__(value)


def _decimal_digits(name: str, value: Any) -> str:
    if not value.is_finite():
        raise _refuse(name, f"Decimal {str(value)!r} is not a finite number")
    _, digits, exponent = value.as_tuple()
    if len(digits) + abs(exponent) > MAX_DECIMAL_DIGITS:
        raise _refuse(
            name, f"Decimal with exponent {exponent} would be over {MAX_DECIMAL_DIGITS} digits long"
        )
    return format(value, "f")  # plain digits: str() may write 1E+2


def _is_decimal(value: Any) -> bool:
    decimal = sys.modules.get("decimal")  # no Decimal can exist before the module is imported
    return decimal is not None and isinstance(value, decimal.Decimal)


@functools.lru_cache(maxsize=4096)
def _quoted_key(key: str) -> str | None:
    return _quoted(key)  # keys repeat across calls: quote each once


def _quoted(value: str) -> str | None:
    try:
        return quote_plus(value, safe="")
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form
        return None


def _quote(name: str, value: str, key: bool = False) -> str:
    if not key and _PLAIN(value):
        return value
    quoted = _quoted_key(value) if key else _quoted(value)
    if quoted is None:
        raise _refuse(name, "text is not valid Unicode (it holds a lone surrogate)")
    return quoted


def encode(params: Mapping[str, Any], clearable: Container[str] = ()) -> str:
    """``application/x-www-form-urlencoded`` text, as ``urlencode`` would write it.

    An empty dict or list is left out, except for the top-level names in ``clearable``
    (parameters whose spec also takes ``""``): there it is sent as Stripe's empty value,
    so ``metadata={}`` clears every key as ``metadata=""`` does. Flat string and integer
    values (most calls) skip the generic walk."""
    parts = []
    for key, value in params.items():
        kind = type(value)
        if value is None:
            continue
        if not value and key in clearable and isinstance(value, (Mapping, list, tuple)):
            parts.append(f"{_quote(key, key, True)}=")
            continue
        if kind is str or (kind is int and -MAX_INT <= value <= MAX_INT):
            parts.append(f"{_quote(key, key, True)}={_quote(key, str(value))}")
        else:
            parts += [f"{_quote(k, k, True)}={_quote(k, v)}" for k, v in flatten({key: value})]
    return "&".join(parts)


def _indexed(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return {str(i): _indexed(v) for i, v in enumerate(value)}
    if isinstance(value, Mapping):
        return {k: _indexed(v) for k, v in value.items()}
    return value


def encode_v2_query(params: Mapping[str, Any]) -> str:
    """A v2 query string: arrays indexed (``types[0]=a``, as Stripe's SDKs send them),
    objects in brackets (``created[gt]=...``), ``None`` left out."""
    pairs = flatten({key: _indexed(value) for key, value in params.items()})
    return "&".join(f"{_quote(k, k, True)}={_quote(k, v)}" for k, v in pairs)
