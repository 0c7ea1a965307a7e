"""The generator and overrides/: discovery, errors for stale overrides, reviews, spec versions."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import attrs
import pytest

from codegen import spec as spec_mod
from codegen.ir.build import build
from codegen.ir.nodes import Api, Resource
from codegen.ir.overrides import (
    OverrideError,
    Overrides,
    Registry,
    ResourceGuards,
    is_minor_units,
)
from codegen.render import render
from codegen.write import write
from overrides.registry import PARAM_OVERRIDES, REGISTRY, ModelMixin
from tests import shared
from tests.shared import OLD_LOCK

GENERATED = spec_mod.ROOT / "generated"


@pytest.fixture(scope="module")
def loaded(pinned_spec: spec_mod.LoadedSpec) -> spec_mod.LoadedSpec:
    return pinned_spec


@pytest.fixture(scope="module")
def api(loaded: spec_mod.LoadedSpec) -> Api:
    return build(loaded)


def _resource(api: Api, dotted: str) -> Resource:
    return next(r for m in api.resource_modules for r in m.resources if ".".join(r.chain) == dotted)


def _guard_module(tmp_path: Path, source: str) -> Overrides:
    (tmp_path / "stale.py").write_text(source)
    return Overrides(Registry(resources=(ResourceGuards("accounts", "stale"),)), tmp_path)


def test_the_registry_shapes_the_ir(api: Api) -> None:
    accounts = _resource(api, "accounts")
    assert accounts.guards is not None
    assert accounts.guards.checks == "AccountsGuards"
    assert accounts.guards.methods == ("reject",)
    assert _resource(api, "subscription_items").guards.methods == ("create", "delete", "update")  # type: ignore[union-attr]
    reject = next(o for o in accounts.operations if o.py_name == "reject")
    reason = next(p for p in reject.params if p.wire_name == "reason")
    assert reason.annotation == 'Literal["fraud", "terms_of_service", "other"]'
    models = {m.schema_name: m for mod in api.model_modules for m in mod.models}
    assert models["capability"].mixin == ("capabilities", "CapabilityMixin")
    assert models["account_capabilities"].mixin == ("capabilities", "AccountCapabilitiesMixin")
    assert api.override_reviews == ()


def test_the_reject_fingerprint_matches_the_pinned_spec(loaded: spec_mod.LoadedSpec) -> None:
    [override] = [p for p in PARAM_OVERRIDES if p.key == ("accounts.reject", "reason")]
    assert override.api_version == loaded.lock.api_version
    body = loaded.document["paths"]["/v1/accounts/{account}/reject"]["post"]["requestBody"]
    reason = body["content"]["application/x-www-form-urlencoded"]["schema"]["properties"]["reason"]
    assert override.spec_annotation == "str" == {"string": "str"}[reason["type"]]
    # recomputed from the spec's own text, not through the registry's helper
    assert override.spec_description_sha256 == hashlib.sha256(reason["description"].encode()).hexdigest()


def test_a_guard_for_a_method_the_spec_lacks_is_a_generation_error(
    loaded: spec_mod.LoadedSpec, tmp_path: Path
) -> None:
    overrides = _guard_module(
        tmp_path,
        "class AccountsGuards:\n    @staticmethod\n    def frobnicate(call): ...\n",
    )
    with pytest.raises(OverrideError) as caught:
        build(loaded, overrides)
    message = str(caught.value)
    assert (
        "AccountsGuards.frobnicate guards client.accounts.frobnicate, which the spec does not have" in message
    )
    assert "(client.accounts has: create, delete, list, reject, retrieve, update)" in message
    assert f"API {loaded.lock.api_version}" in message and "How to add a guard" in message


def test_stale_registry_entries_are_generation_errors(loaded: spec_mod.LoadedSpec, tmp_path: Path) -> None:
    stale = attrs.evolve(PARAM_OVERRIDES[0], call_path="accounts.banish")
    registry = Registry(
        params=(stale, attrs.evolve(PARAM_OVERRIDES[0], param="motive")),
        resources=(ResourceGuards("spaceships", "accounts"),),
        models=(ModelMixin("spaceship", "capabilities"),),
    )
    with pytest.raises(OverrideError) as caught:
        build(loaded, Overrides(registry))
    message = str(caught.value)
    assert "ParamOverride accounts.banish(reason): the spec has no such parameter" in message
    assert "ParamOverride accounts.reject(motive): the spec has no such parameter" in message
    assert "ResourceGuards 'spaceships': the spec has no resource client.spaceships" in message
    assert "ModelMixin 'spaceship': the spec has no component schema 'spaceship'" in message


def test_guard_classes_must_exist_and_match(loaded: spec_mod.LoadedSpec, tmp_path: Path) -> None:
    """A check is written once as a plain function; the generator makes the async flavour."""
    overrides = _guard_module(tmp_path, "class AccountsGuards:\n    async def reject(call): ...\n")
    with pytest.raises(OverrideError) as caught:
        build(loaded, overrides)
    assert "stale.py: AccountsGuards.reject must be def" in str(caught.value)
    missing = _guard_module(tmp_path, "class AsyncAccountsGuards:\n    def reject(call): ...\n")
    with pytest.raises(OverrideError) as caught:
        build(loaded, missing)
    assert "stale.py defines no class AccountsGuards" in str(caught.value)


def test_check_generated_fails_when_the_tree_differs(api: Api, tmp_path: Path) -> None:
    """The CI gate: exit 1 for a hand edit; a stray or a missing file is a difference too."""
    from codegen.__main__ import main

    copy = tmp_path / "tree"
    shutil.copytree(GENERATED, copy, ignore=shutil.ignore_patterns("__pycache__"))
    pkg = copy / "lattice_stripe"
    edited = pkg / "resources" / "refunds.py"
    original = edited.read_text()
    edited.write_text(original.replace("class Refunds(", "class Refundz(", 1))
    spec = str(shared.need(shared.PINNED_SPEC))
    assert main(["check-generated", "--offline", "--spec", spec, "--out", str(copy)]) == 1  # as in CI
    edited.write_text(original)
    files = render(api)
    assert not write(files, copy, check=True).changed
    (pkg / "models" / "stray.py").write_text("x = 1\n")
    assert write(files, copy, check=True).deleted == ("lattice_stripe/models/stray.py",)
    (pkg / "models" / "stray.py").unlink()
    (pkg / "models" / "refund.py").unlink()
    assert write(files, copy, check=True).written == ("lattice_stripe/models/refund.py",)
    assert not (pkg / "models" / "refund.py").exists()  # a check never writes


def test_lenient_mode_reports_instead_of_raising(loaded: spec_mod.LoadedSpec) -> None:
    registry = attrs.evolve(REGISTRY, resources=(*REGISTRY.resources, ResourceGuards("spaceships", "x")))
    api = build(loaded, Overrides(registry, strict=False))
    assert [r.target for r in api.override_reviews] == ["overrides"]
    assert "client.spaceships" in api.override_reviews[0].message


def test_a_changed_spec_description_asks_for_review(loaded: spec_mod.LoadedSpec) -> None:
    # As if Stripe had reworded `reason` (say, to list a new value) since the guard was written.
    reviewed_elsewhere = attrs.evolve(
        PARAM_OVERRIDES[0], spec_description_sha256="0" * 64, spec_annotation="int"
    )
    api = build(loaded, Overrides(attrs.evolve(REGISTRY, params=(reviewed_elsewhere,))))
    [review] = api.override_reviews
    assert review.target == "accounts.reject(reason)"
    assert "type is now str (was int)" in review.message
    assert "description is now 'The reason for rejecting the account. Can be `fraud`" in review.message


@pytest.mark.parametrize(
    "name, description, expected",
    [
        ("amount", None, True),
        ("unit_amount", None, True),
        ("application_fee_amount", None, True),
        ("amount_to_capture", None, True),
        ("fixed_amounts", None, True),
        ("balance", "An integer amount in cents (or local equivalent)", True),
        ("quantity", "The quantity of the line item", False),
        ("amount_decimal_places", None, True),  # named like an amount: refused as float too
        ("limit", "A limit on the number of objects", False),
    ],
)
def test_minor_unit_params_are_found_by_name_or_prose(
    name: str, description: str | None, expected: bool
) -> None:
    assert is_minor_units(name, description) is expected


def test_amount_paths_cover_nested_params(api: Api) -> None:
    ops = {o.call_path: o for o in api.operations}
    assert "amount" in ops["payment_intents.create"].minor_units
    assert "amount_to_capture" in ops["payment_intents.capture"].minor_units
    assert "items[][price_data][unit_amount]" in ops["subscriptions.create"].minor_units
    assert "line_items[][price_data][unit_amount]" in ops["checkout.sessions.create"].minor_units
    assert "balance" in ops["customers.create"].minor_units
    assert ops["customers.list"].minor_units == ()
    # integers inside an amount-named object: a custom price's bounds, an amount range filter
    assert {
        "custom_unit_amount[minimum]",
        "custom_unit_amount[maximum]",
        "custom_unit_amount[preset]",
    } <= set(ops["prices.create"].minor_units)
    assert "amount[gte]" in ops["topups.list"].minor_units


def test_regenerating_reproduces_generated_byte_for_byte(api: Api) -> None:
    report = write(render(api), GENERATED, check=True)
    assert not report.changed, f"run `make generate`: {report.written} {report.deleted}"


def test_the_2022_spec_keeps_every_override(old_spec: Path) -> None:
    # Same description and type of `reason` in 2022-11-15: nothing to review, guards apply.
    old = build(spec_mod.load(OLD_LOCK, old_spec, download=False))
    assert old.override_reviews == ()
    assert _resource(old, "accounts").guards is not None


def test_the_2022_spec_generates_a_guarded_package(tmp_path: Path, old_spec: Path) -> None:
    from codegen.__main__ import main
    from tests.codegen.helpers import run_in

    lock = tmp_path / "stripe.lock"
    OLD_LOCK.write(lock)
    out = tmp_path / "out"
    args = ["--spec", str(old_spec), "--lock", str(lock), "--out", str(out), "--offline"]
    assert main(["generate", *args]) == 0
    assert main(["check-generated", *args]) == 0
    source = (out / "lattice_stripe" / "resources" / "accounts.py").read_text()
    assert "class Accounts(SyncResource):" in source
    assert '    @guard(AccountsGuards.reject, "accounts.reject")\n    def reject(' in source
    assert 'reason: Literal["fraud", "terms_of_service", "other"]' in source
    code = """
from lattice_stripe import StripeClient
from lattice_stripe._runtime.errors import InvalidArgumentError
client = StripeClient("sk_test_1", base_url="http://127.0.0.1:9")
for call in (lambda: client.accounts.reject("acct_1", reason="spam"),
             lambda: client.payment_intents.create(amount=10.5, currency="usd")):
    try:
        call()
    except InvalidArgumentError as exc:
        print(exc.param)
"""
    result = run_in(out, code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["reason", "amount"]
