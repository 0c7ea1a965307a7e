"""Capability statuses: every value the spec lists maps to its member; anything else to UNKNOWN."""

from __future__ import annotations

from typing import Any

import pytest

from codegen import spec as spec_mod
from lattice_stripe._runtime.errors import InvalidArgumentError
from lattice_stripe.models import Account, Capability
from lattice_stripe.overrides import CapabilityStatus, capability_status

KNOWN = sorted(m.value for m in CapabilityStatus if m is not CapabilityStatus.UNKNOWN)


def test_the_spec_lists_the_statuses_the_enum_knows(pinned_spec: spec_mod.LoadedSpec) -> None:
    schemas = pinned_spec.document["components"]["schemas"]
    values = set(schemas["capability"]["properties"]["status"]["enum"])
    for prop in schemas["account_capabilities"]["properties"].values():
        values.update(prop.get("enum", ()))
    # `disabled` left the spec after 2023-08-16; the member stays for accounts on older versions
    assert sorted(values | {"disabled"}) == KNOWN


@pytest.mark.parametrize("value", KNOWN)
def test_every_spec_value_maps_to_its_member(value: str) -> None:
    assert capability_status(value).value == value
    assert Capability.from_dict({"id": "card_payments", "status": value}).typed_status.value == value


@pytest.mark.parametrize("value", ["restricted", "ACTIVE", "", None, 3, ["active"], {"status": "active"}])
def test_anything_else_is_unknown_and_never_raises(value: Any) -> None:
    assert capability_status(value) is CapabilityStatus.UNKNOWN
    assert Capability.from_dict({"id": "x", "status": value}).typed_status is CapabilityStatus.UNKNOWN


def test_capability_is_active() -> None:
    assert Capability.from_dict({"id": "transfers", "status": "active"}).is_active
    assert not Capability.from_dict({"id": "transfers", "status": "pending"}).is_active
    assert not Capability.from_dict({"id": "transfers", "status": "brand_new"}).is_active


def test_account_capabilities_map_each_entry() -> None:
    account = Account.from_dict(
        {
            "id": "acct_1",
            "object": "account",
            "capabilities": {"card_payments": "active", "transfers": "pending", "new_capability": "paused"},
        }
    )
    caps = account.capabilities
    assert caps is not None
    assert caps.statuses() == {
        "card_payments": CapabilityStatus.ACTIVE,
        "new_capability": CapabilityStatus.UNKNOWN,  # kept though this SDK version does not model it
        "transfers": CapabilityStatus.PENDING,
    }
    assert caps.is_active("card_payments") and not caps.is_active("transfers")
    assert caps.status("new_capability") is CapabilityStatus.UNKNOWN
    assert caps.status("bancontact_payments") is CapabilityStatus.UNREQUESTED  # not listed
    with pytest.raises(InvalidArgumentError, match="no capability named 'no_such_capability'"):
        caps.status("no_such_capability")  # neither in the spec nor in the data: a typo
    assert caps.to_dict()["new_capability"] == "paused"  # the helpers change nothing
