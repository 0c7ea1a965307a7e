"""Guards across spec versions: left out of an older spec, an error in a newer one."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import spec as spec_mod
from codegen.ir.build import build
from codegen.ir.overrides import ModelMixin, OverrideError, Overrides, Registry, ResourceGuards, older
from tests.shared import OLD_LOCK

GUARDS = (
    "class TaxSettingsResourceGuards:\n    def update(self): ...\n"
    "class AccountsGuards:\n    def reject(self): ...\n    def frobnicate(self): ...\n"
    "class TaxSettingsMixin: ...\n"
)


@pytest.fixture(scope="module")
def old_loaded(old_spec: Path) -> spec_mod.LoadedSpec:
    return spec_mod.load(OLD_LOCK, old_spec, download=False)


def _overrides(tmp_path: Path, reviewed: str) -> Overrides:
    (tmp_path / "versioned.py").write_text(GUARDS)
    registry = Registry(
        resources=(
            ResourceGuards("tax.settings", "versioned", api_version=reviewed),  # only 2023-08-16 has it
            ResourceGuards("accounts", "versioned", api_version=reviewed),
        ),
        models=(ModelMixin("tax.settings", "versioned", api_version=reviewed),),
    )
    return Overrides(registry, tmp_path)


def test_versions_order_as_dates() -> None:
    assert older("2022-11-15", "2023-08-16") and not older("2023-08-16", "2023-08-16")


def test_a_target_newer_than_the_spec_is_left_out_with_a_note(
    old_loaded: spec_mod.LoadedSpec, tmp_path: Path
) -> None:
    api = build(old_loaded, _overrides(tmp_path, reviewed="2023-08-16"))
    assert api.notes == (
        "AccountsGuards.frobnicate left out: client.accounts.frobnicate is not in API 2022-11-15"
        " (the guard was reviewed against 2023-08-16)",
        "ResourceGuards 'tax.settings' left out: its target is not in API 2022-11-15"
        " (the guard was reviewed against 2023-08-16)",
        "ModelMixin 'tax.settings' left out: its target is not in API 2022-11-15"
        " (the guard was reviewed against 2023-08-16)",
    )
    accounts = next(r for m in api.resource_modules for r in m.resources if r.chain == ("accounts",))
    assert accounts.guards is not None and accounts.guards.methods == ("reject",)  # the rest stays on


def test_a_target_gone_from_a_newer_spec_is_an_error(old_loaded: spec_mod.LoadedSpec, tmp_path: Path) -> None:
    with pytest.raises(OverrideError) as caught:
        build(old_loaded, _overrides(tmp_path, reviewed="2022-01-01"))
    message = str(caught.value)
    assert "ResourceGuards 'tax.settings': the spec has no resource client.tax.settings" in message
    assert "ModelMixin 'tax.settings': the spec has no component schema 'tax.settings'" in message
    assert (
        "AccountsGuards.frobnicate guards client.accounts.frobnicate, which the spec does not have" in message
    )
    assert {p.where for p in caught.value.problems} == {"overrides/registry.py"}
