"""Compiled structurers, dense and sparse payloads alike: every key read, unknown keys
kept, ``to_dict()`` giving back the input; and long pages built with the GC held off."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lattice_stripe import ListObject
from lattice_stripe._runtime.objects import shapes
from lattice_stripe.models import Charge, Customer, PaymentMethodDetails

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
MODELS = [Charge, Customer, PaymentMethodDetails]


def payloads(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of the model's keys (plain values: nested models get None or a scalar),
    plus keys the model does not know."""
    keys = [key for _, key, _, _ in cls.__stripe_fields__]
    plain = {key for _, key, _, shape in cls.__stripe_fields__ if shape is None}
    known = st.dictionaries(
        st.sampled_from(keys), st.none() | st.integers() | st.text(max_size=3), max_size=len(keys)
    ).map(lambda d: {k: (v if k in plain or v is None else str(v)) for k, v in d.items()})
    unknown = st.dictionaries(
        st.text(min_size=1, max_size=6).filter(lambda k: k not in keys), JSON, max_size=3
    )
    return st.tuples(known, unknown).map(lambda pair: {**pair[0], **pair[1]})


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_payload_round_trips(cls: type, data: st.DataObject) -> None:
    payload = data.draw(payloads(cls))
    obj = cls.from_dict(payload)
    assert obj.to_dict() == payload
    for attr, key, _, _ in cls.__stripe_fields__:
        assert (getattr(obj, attr) is None) == (payload.get(key) is None), key
    for key, value in payload.items():
        assert obj[key] == value


def test_sparse_and_dense_payloads_give_equal_objects() -> None:
    sparse = {"type": "card", "brand_new": 1}
    dense = {key: None for _, key, _, _ in PaymentMethodDetails.__stripe_fields__} | sparse
    a, b = PaymentMethodDetails.from_dict(sparse), PaymentMethodDetails.from_dict(dense)
    assert a == b and a.type == "card" and a["brand_new"] == 1
    assert a.to_dict() == sparse and b.to_dict() == dense


def test_objects_with_one_key_layout_share_their_absent_set() -> None:
    first, second = (PaymentMethodDetails.from_dict({"type": "card"}) for _ in range(2))
    assert first._absent is second._absent and "card" in first._absent


def test_an_attribute_set_after_structuring_is_unstructured() -> None:
    obj = PaymentMethodDetails.from_dict({"type": "card"})
    obj.ach_debit = None
    obj.card = None
    assert obj.to_dict() == {"type": "card"}
    obj.type = "sepa_debit"
    assert obj.to_dict() == {"type": "sepa_debit"}


class Probe(shapes.Shape):
    """Records whether the GC was on when each item was structured."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen: list[bool] = []

    def _key(self) -> tuple[Any, ...]:
        return (id(self),)

    def _build(self) -> Any:
        def structure(value: Any) -> Any:
            self.seen.append(gc.isenabled())
            return value

        return structure


@pytest.mark.parametrize(("items", "paused"), [(shapes.LONG_PAGE - 1, False), (shapes.LONG_PAGE, True)])
def test_long_pages_are_built_with_the_gc_held_off(items: int, paused: bool) -> None:
    probe = Probe()
    page = shapes.ListPage(probe).structurer()(
        {"object": "list", "data": list(range(items)), "has_more": False, "url": "/v1/x"}
    )
    assert isinstance(page, ListObject) and page.data == list(range(items))
    assert probe.seen == [not paused] * items
    assert gc.isenabled()


def test_gc_pause_restores_what_it_found_and_nests_across_threads() -> None:
    gc.disable()
    try:
        with shapes.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: stays off
    finally:
        gc.enable()
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with shapes.gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    with shapes.gc_paused():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread is still inside
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_failing_item_still_resumes_the_gc() -> None:
    def boom(value: Any) -> Any:
        raise ValueError("bad item")

    probe = Probe()
    probe._fn = boom
    with pytest.raises(ValueError, match="bad item"):
        shapes.ListPage(probe).structurer()({"object": "list", "data": [1] * 60, "has_more": False})
    assert gc.isenabled()
