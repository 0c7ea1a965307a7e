"""Stripe's bracket form encoding, checked by decoding what it writes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from lattice_stripe._runtime.http.encoding import encode, flatten

# Keys as Stripe's schemas have them (a key of digits only reads as a list index, which is
# the format's own ambiguity: Stripe resolves it by the parameter's schema).
keys = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="[]"), min_size=1, max_size=8
).filter(lambda k: not k.isdigit())
scalars = st.one_of(st.text(max_size=12), st.integers(-(10**12), 10**12), st.booleans())
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.dictionaries(keys, inner, max_size=4),
        st.lists(scalars, max_size=4),
        st.lists(st.dictionaries(keys, inner, min_size=1, max_size=3), min_size=1, max_size=3),
    ),
    max_leaves=12,
)
params = st.dictionaries(keys, values, max_size=6)


_LEFT_OUT = object()


def _wire(value: Any) -> Any:
    """What Stripe sees: every scalar as text, booleans as true/false; an empty container
    sends nothing (``_LEFT_OUT``)."""
    if isinstance(value, dict):
        out = {k: w for k, w in ((k, _wire(v)) for k, v in value.items()) if w is not _LEFT_OUT}
        return out or _LEFT_OUT
    if isinstance(value, list):
        items = [w for w in map(_wire, value) if w is not _LEFT_OUT]
        return items or _LEFT_OUT
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decode(body: str) -> dict[str, Any]:
    """Rebuild nested params from ``a[b][0][c]=v`` and ``a[]=v`` pairs (how Stripe reads them)."""
    root: dict[str, Any] = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        head = name.split("[", 1)[0]
        path = re.findall(r"\[([^\]]*)\]", name[len(head) :])
        node: Any = root
        keys_ = [head, *path]
        for i, key in enumerate(keys_):
            last = i == len(keys_) - 1
            nxt = None if last else keys_[i + 1]
            child_default: Any = [] if nxt is not None and (nxt == "" or nxt.isdigit()) else {}
            if isinstance(node, list):
                if key == "":
                    node.append(value if last else child_default)
                    node = node[-1]
                    continue
                index = int(key)
                while len(node) <= index:
                    node.append(child_default)
                if last:
                    node[index] = value
                node = node[index]
            elif last:
                node[key] = value
            else:
                node = node.setdefault(key, child_default)
    return root


@settings(max_examples=100, deadline=None)
@given(params)
def test_encoding_round_trips_through_stripes_bracket_rules(data: dict[str, Any]) -> None:
    body = encode(data)
    assert body == urlencode(list(flatten(data)))  # the fast path writes what the walk writes
    wire = _wire(data)
    assert _decode(body) == ({} if wire is _LEFT_OUT else wire)


def test_examples_from_stripes_docs() -> None:
    assert encode({"metadata": {"order_id": "6735"}}) == "metadata%5Border_id%5D=6735"
    assert encode({"items": [{"price": "price_1", "quantity": 2}]}) == (
        "items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2"
    )
    assert encode({"expand": ["customer", "invoice.subscription"]}) == (
        "expand%5B%5D=customer&expand%5B%5D=invoice.subscription"
    )
    assert encode({"capture": False, "amount": 0, "description": "a b&c", "skip": None}) == (
        "capture=false&amount=0&description=a+b%26c"
    )


def test_an_empty_container_is_sent_as_stripes_empty_value_only_where_the_spec_takes_it() -> None:
    # Stripe reads `metadata=` as "unset every key" (its documented way to clear metadata)
    # and `default_tax_rates=` as "remove them all"; it refuses `expand=` ("value must be a
    # slice"), so an empty list or dict goes out as "" only for parameters typed `X | ""`.
    clearable = frozenset({"metadata", "default_tax_rates"})
    assert encode({"metadata": {}}, clearable) == encode({"metadata": ""}) == "metadata="
    assert encode({"default_tax_rates": []}, clearable) == "default_tax_rates="
    assert encode({"expand": [], "metadata": {}}) == ""
    assert encode({"items": [{"price": "p", "metadata": {}}]}, clearable) == "items%5B0%5D%5Bprice%5D=p"
    assert encode({"metadata": {"a": None}}, clearable) == ""  # None means "not sent", at any depth


def test_operations_know_which_parameters_take_the_empty_value() -> None:
    from lattice_stripe.resources.subscriptions import _PostSubscriptions

    assert {"metadata", "default_tax_rates", "billing_thresholds"} <= _PostSubscriptions.clearable
    assert "expand" not in _PostSubscriptions.clearable
    assert "items" not in _PostSubscriptions.clearable


def test_enum_members_are_sent_as_their_values() -> None:
    from enum import Enum, IntEnum

    class Plan(str, Enum):
        PRO = "pro"

    class Qty(IntEnum):
        TWO = 2

    assert encode({"metadata": {"plan": Plan.PRO}, "items": [{"quantity": Qty.TWO}], "flag": Plan.PRO}) == (
        "metadata%5Bplan%5D=pro&items%5B0%5D%5Bquantity%5D=2&flag=pro"
    )
