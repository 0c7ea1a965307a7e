"""The fake reads back exactly what the SDK's form encoding writes."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lattice_stripe._runtime.http.encoding import encode
from lattice_stripe._runtime.testing.schema import decode_form

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
scalars = st.text(max_size=12)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(scalars, min_size=1, max_size=3)
        | st.lists(st.dictionaries(keys, inner, min_size=1, max_size=3), min_size=1, max_size=3)
        | st.dictionaries(keys, inner, min_size=1, max_size=3)
    ),
    max_leaves=12,
)


def _lists(value: Any) -> Any:
    """Indexed hashes (``items[0][price]``) as the lists they stand for."""
    if isinstance(value, dict):
        if value and all(k.isdigit() for k in value):
            return [_lists(value[k]) for k in sorted(value, key=int)]
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lists(v) for v in value]
    return value


@settings(
    suppress_health_check=[HealthCheck.too_slow], deadline=None
)  # nested draws are slow on a busy CI box
@given(st.dictionaries(keys, values, max_size=4))
def test_decode_inverts_encode(params: dict[str, Any]) -> None:
    decoded = decode_form(parse_qsl(encode(params), keep_blank_values=True))
    assert _lists(decoded) == params
