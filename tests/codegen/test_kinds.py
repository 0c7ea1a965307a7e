"""Parameter kinds: a set of ``Kind`` in the IR, a tuple of names in each generated ``Operation``."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from codegen import spec as spec_mod
from codegen.ir.build import build
from codegen.ir.nodes import Kind
from lattice_stripe import StripeClient, resources
from lattice_stripe._runtime.errors import InvalidArgumentError
from lattice_stripe._runtime.http import operation


def test_every_kind_has_a_runtime_acceptor() -> None:
    names = {k.value for k in Kind}
    assert names == set(operation._ACCEPTS) == set(operation._EXPECTED)


def test_generated_operations_receive_the_irs_kinds_as_names(pinned_spec: spec_mod.LoadedSpec) -> None:
    expected = {
        op.operation_id: {p.wire_name: tuple(sorted(k.value for k in p.kinds)) for p in op.params}
        for op in build(pinned_spec).operations
    }
    seen = {}
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{resources.__name__}.{info.name}")
        for sent in vars(module).get("SENDS", {}).values():
            seen[sent.operation_id] = dict(sent.kinds)
    assert seen == expected
    multi = {names for kinds in seen.values() for names in kinds.values() if len(names) > 1}
    assert ("map", "str") in multi and ("seq", "str") in multi  # the unions Stripe clears with ""


@pytest.mark.parametrize(
    ("value", "accepted"),
    [({"a": "b"}, True), ("", True), (["a"], False), (3, False)],
)
def test_a_union_of_kinds_accepts_each_member_and_names_both_when_refused(
    value: object, accepted: bool
) -> None:
    send = importlib.import_module("lattice_stripe.resources.customers").SENDS["Customers.update"]
    assert send.kinds["metadata"] == ("map", "str")
    assert "metadata" in send.clearable
    if accepted:
        send.check({"metadata": value})
        return
    with pytest.raises(InvalidArgumentError, match="metadata must be a dict or a string") as err:
        StripeClient("sk_test_kinds").customers.update("cus_1", metadata=value)  # type: ignore[arg-type]
    assert err.value.param == "metadata"
