"""``account.capabilities.status(name)``: a misspelt name is an error with the close matches."""

from __future__ import annotations

import pytest

from codegen import spec as spec_mod
from lattice_stripe._runtime.errors import InvalidArgumentError
from lattice_stripe.models import Account
from lattice_stripe.overrides import CapabilityStatus

SPEC_NAMES = sorted(
    spec_mod.load(download=False).document["components"]["schemas"]["account_capabilities"]["properties"]
)


def _capabilities(data: dict[str, str]) -> object:
    return Account.from_dict({"id": "acct_1", "object": "account", "capabilities": data}).capabilities


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_every_name_the_spec_knows_is_unrequested_when_absent(name: str) -> None:
    caps = _capabilities({})
    assert caps.status(name) is CapabilityStatus.UNREQUESTED  # type: ignore[attr-defined]
    assert caps.is_active(name) is False  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "typo, suggested",
    [
        ("card_payment", "card_payments"),
        ("transfer", "transfers"),
        ("us_bank_acount_ach_payments", "us_bank_account_ach_payments"),
        ("Card_Payments", "card_payments"),
    ],
)
def test_a_misspelt_name_raises_with_the_close_matches(typo: str, suggested: str) -> None:
    caps = _capabilities({"card_payments": "active"})
    for ask in (caps.status, caps.is_active):  # type: ignore[attr-defined]
        with pytest.raises(InvalidArgumentError) as caught:
            ask(typo)
        assert f"no capability named {typo!r}" in str(caught.value)
        assert repr(suggested) in str(caught.value)


def test_a_name_newer_than_the_spec_is_read_from_the_data() -> None:
    caps = _capabilities({"card_payments": "active", "meter_payments": "pending"})
    assert caps.status("meter_payments") is CapabilityStatus.PENDING  # type: ignore[attr-defined]
    with pytest.raises(InvalidArgumentError, match="'meter_payments'"):
        caps.status("meter_payment")  # type: ignore[attr-defined]


def test_nothing_close_lists_the_known_names() -> None:
    with pytest.raises(InvalidArgumentError, match=r"known: .*card_payments"):
        _capabilities({}).status("zzzz")  # type: ignore[attr-defined]
