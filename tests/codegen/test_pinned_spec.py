"""The package generated from the pinned spec: complete, consistent, and faithful to the data."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

import lattice_stripe
from codegen import spec as spec_mod
from codegen.ir.build import build
from codegen.ir.naming import identifier
from codegen.ir.nodes import Api
from lattice_stripe import AsyncStripeClient, StripeClient, UnknownObject, models
from lattice_stripe._runtime.objects.convert import structure
from lattice_stripe._runtime.objects.shapes import AnyObject
from tests.codegen.helpers import generate, run_in
from tests.shared import OLD_LOCK


@pytest.fixture(scope="module")
def api(pinned_spec: spec_mod.LoadedSpec) -> Api:
    return build(pinned_spec)


def test_manifest_lists_every_operation_once(api: Api) -> None:
    ops = lattice_stripe.manifest()
    assert len(ops) == 619  # 587 v1, 32 v2
    assert sum(o.path.startswith("/v2/") for o in ops) == 32
    assert len({o.call_path for o in ops}) == 619
    assert len({o.operation_id for o in ops}) == 619
    assert {(o.http_method, o.path, o.call_path) for o in ops} == {
        (o.http_method, o.path, o.call_path) for o in api.operations
    }


def _walk(root: object, dotted: str) -> object:
    node = root
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


def test_every_operation_is_a_method_on_both_clients() -> None:
    sync, asynchronous = StripeClient("sk_test_x"), AsyncStripeClient("sk_test_x")
    for op in lattice_stripe.manifest():
        method = _walk(sync, op.call_path)
        amethod = _walk(asynchronous, op.call_path)
        assert callable(method) and not inspect.iscoroutinefunction(method), op.call_path
        assert inspect.iscoroutinefunction(amethod), op.call_path
        params = inspect.signature(method).parameters
        assert list(params) == list(inspect.signature(amethod).parameters)
        positional = [n for n, p in params.items() if p.kind is p.POSITIONAL_OR_KEYWORD]  # by keyword too
        keywords = [n for n, p in params.items() if p.kind is p.KEYWORD_ONLY]
        assert tuple(positional) == op.path_params, op.call_path
        assert sorted(keywords) == sorted(identifier(p) for p in op.params), op.call_path


def test_required_params_are_required(api: Api) -> None:
    client = StripeClient("sk_test_x")
    create = inspect.signature(client.payment_intents.create).parameters
    assert create["amount"].default is inspect.Parameter.empty
    assert create["currency"].default is inspect.Parameter.empty
    assert create["customer"].default is None
    assert "Literal['automatic', 'automatic_async', 'manual']" in str(
        create["capture_method"].annotation
    ).replace('"', "'")


def test_every_component_schema_has_a_model(api: Api, pinned_spec: spec_mod.LoadedSpec) -> None:
    document = pinned_spec.document
    assert len(document["components"]["schemas"]) == 1578
    assert len(api.model_modules) == 1578  # inline objects live in their parent's module
    assert len(models.MODULES) == sum(len(m.models) + len(m.aliases) for m in api.model_modules)
    assert {m.models[-1].schema_name for m in api.model_modules if m.models} | {
        a.schema_name for m in api.model_modules for a in m.aliases
    } == set(document["components"]["schemas"])


# Fixtures of preview features: objects the public spec does not describe.
PREVIEW_FIXTURES = frozenset(
    {
        "billing.alert_triggered",
        "entitlements.active_entitlement_summary",
        "reserve.hold",
        "reserve.plan",
        "reserve.release",
    }
)


def test_every_fixture_round_trips(fixtures3: dict[str, Any]) -> None:
    """Through the package's converter: models, and the unions of polymorphic schemas; an
    object the public spec lacks is an UnknownObject that keeps all its data."""
    resources = fixtures3
    assert len(resources) == 175
    for name, data in sorted(resources.items()):
        target = getattr(
            models, "".join(w[:1].upper() + w[1:] for w in name.replace(".", "_").split("_")), None
        )
        if target is None:
            assert name in PREVIEW_FIXTURES, name
            obj = AnyObject().structurer()(data)
            assert isinstance(obj, UnknownObject) and obj.to_dict() == data, name
            continue
        obj = structure(data, target)
        assert isinstance(obj, target), name  # a union too: isinstance works on it
        assert obj.to_dict() == data, name


def test_older_spec_generates_a_package_that_imports(tmp_path: Path, old_spec: Path) -> None:
    api = generate(old_spec, OLD_LOCK, tmp_path / "out")
    assert 400 < len(api.operations) < 468  # 2023-08-16 had 468
    code = """
import lattice_stripe
from lattice_stripe import StripeClient
from lattice_stripe.models import Charge, Customer
assert lattice_stripe.API_VERSION == "2022-11-15"
c = StripeClient("sk_test_x")
assert callable(c.customers.create) and callable(c.checkout.sessions.list)
assert not hasattr(c, "account_sessions")
print(len(lattice_stripe.manifest()))
"""
    result = run_in(tmp_path / "out", code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(api.operations)
