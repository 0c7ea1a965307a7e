"""Names that would collide are resolved by rules; what cannot be generated is reported at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codegen import spec as spec_mod
from codegen.ir.build import build
from codegen.ir.overrides import Overrides, Registry
from codegen.ir.problems import GenerationError
from tests.codegen.helpers import generate, lock_for, run_in

ROOT = Path(__file__).resolve().parents[2]


def _returns(ref: str) -> dict[str, Any]:
    return {"200": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}}


def _object(value: str, **props: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "object"],
        "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": [value]}, **props},
    }


def _nested(key: str) -> dict[str, Any]:
    return {"type": "object", "properties": {key: {"type": "string"}}}


COLLIDING = {
    "openapi": "3.0.0",
    "info": {"title": "Collisions", "version": "2099-04-04"},
    "paths": {
        # resource vs model: client.account returns an `account`, both would be `Account`
        "/v1/account": {"get": {"operationId": "GetAccount", "responses": _returns("account")}},
        # two schemas folding to one name: `widget.part` (an API object) and `widget_part`
        "/v1/widget/parts/{part}": {"get": {"operationId": "GetPart", "responses": _returns("widget.part")}},
        # a call-path clash: two spellings of one action
        "/v1/widgets/{widget}": {
            "get": {"operationId": "GetWidget", "responses": _returns("widget")},
            # params TypedDicts folding to one name: a[b_c] and a_b[c] both give ...ParamsABC
            "post": {
                "operationId": "PostWidget",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "a": {"type": "object", "properties": {"b_c": _nested("x")}},
                                    "a_b": {"type": "object", "properties": {"c": _nested("y")}},
                                },
                            }
                        }
                    }
                },
                "responses": _returns("widget"),
            },
        },
        "/v1/widgets/upcoming/lines": {"get": {"operationId": "GetLines", "responses": _returns("widget")}},
        "/v1/widgets/upcoming_lines": {"get": {"operationId": "GetLines2", "responses": _returns("widget")}},
    },
    "components": {
        "schemas": {
            "account": _object("account"),
            "widget.part": {**_object("widget.part"), "x-resourceId": "widget.part"},
            "widget_part": {"type": "object", "properties": {"status": {"type": "string"}}},
            # an inline object named like a component schema: `widget` has `spec`, and `widget_spec` exists
            "widget": _object(
                "widget",
                spec={"type": "object", "properties": {"size": {"type": "integer"}}},
                part={"$ref": "#/components/schemas/widget_part"},
                own={"$ref": "#/components/schemas/widget_spec"},
            ),
            "widget_spec": {"type": "object", "properties": {"kind": {"type": "string"}}},
        }
    },
}


@pytest.fixture(scope="module")
def colliding(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    tmp = tmp_path_factory.mktemp("collisions")
    spec_path = tmp / "spec.json"
    spec_path.write_text(json.dumps(COLLIDING))
    api = generate(spec_path, lock_for(spec_path, "2099-04-04"), tmp / "out")
    return api, tmp


def test_each_collision_class_is_resolved_by_its_rule(colliding: tuple[Any, Path]) -> None:
    api, _ = colliding
    resources = {r.chain: r.class_name for m in api.resource_modules for r in m.resources}
    models = {m.schema_name: m.name for mod in api.model_modules for m in mod.models}
    modules = {m.schema_name: mod.module for mod in api.model_modules for m in mod.models}
    assert resources[("account",)] == "AccountResource"  # resource classes stay apart from models
    assert models["account"] == "Account"
    assert models["widget.part"] == "WidgetPart"  # the x-resourceId schema keeps the plain name
    assert models["widget_part"] == "WidgetPart2"
    assert (modules["widget.part"], modules["widget_part"]) == ("widget_part", "widget_part2")
    assert models["widget_spec"] == "WidgetSpec"  # component schemas come before inline objects
    assert models["widget.spec"] == "WidgetSpec2"
    dicts = {d.name: [f.wire_name for f in d.fields] for m in api.resource_modules for d in m.params}
    assert dicts["WidgetsUpdateParamsABC"] == ["x"]  # the first in walk order keeps the name
    assert dicts["WidgetsUpdateParamsABC2"] == ["y"]
    calls = {(o.http_method, o.path): o.call_path for o in api.operations}
    assert calls[("get", "/v1/widgets/upcoming_lines")] == "widgets.upcoming_lines"  # the shorter path
    assert calls[("get", "/v1/widgets/upcoming/lines")] == "widgets.upcoming_lines2"


def test_the_resolved_package_imports_and_calls(colliding: tuple[Any, Path]) -> None:
    _, tmp = colliding
    code = (
        "from lattice_stripe import StripeClient, AsyncStripeClient\n"
        "from lattice_stripe.models import Account, Widget, WidgetPart, WidgetPart2, WidgetSpec, WidgetSpec2\n"
        "from lattice_stripe.resources.account import AccountResource\n"
        "c = StripeClient('sk_test_x')\n"
        "assert type(c.account).__name__ == 'AccountResource'\n"
        "assert callable(c.widgets.upcoming_lines) and callable(c.widgets.upcoming_lines2)\n"
        "assert callable(AsyncStripeClient('sk_test_x').widgets.upcoming_lines2)\n"
        "w = Widget.from_dict({'id': 'w', 'object': 'widget', 'spec': {'size': 1}, 'part': {'status': 'ok'},"
        " 'own': {'kind': 'k'}})\n"
        "assert type(w.spec) is WidgetSpec2 and type(w.part) is WidgetPart2 and type(w.own) is WidgetSpec\n"
        "print('ok')\n"
    )
    proc = run_in(tmp / "out", code, tmp)
    assert proc.stdout.strip() == "ok", proc.stderr


BROKEN = {
    "openapi": "3.0.0",
    "info": {"title": "Broken", "version": "2099-05-05"},
    "paths": {
        "/v3/things": {"get": {"operationId": "GetV3", "responses": _returns("thing")}},
        "/v1/things": {
            "post": {
                "operationId": "PostThings",
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {"timeout": {"type": "integer"}, "shape": {"not": {}}},
                            }
                        }
                    }
                },
                "responses": _returns("thing"),
            }
        },
        "/v1/things/{thing}": {"get": {"operationId": "GetThing", "responses": {"404": {}}}},
    },
    "components": {
        "schemas": {
            "thing": _object("thing", odd={"not": {"type": "string"}}),
            "thing_copy": _object("thing"),
        }
    },
}


def test_every_problem_is_reported_at_once_with_its_location_and_fix(tmp_path: Path) -> None:
    spec_path = tmp_path / "broken.json"
    spec_path.write_text(json.dumps(BROKEN))
    lock = lock_for(spec_path, "2099-05-05")
    with pytest.raises(GenerationError) as caught:
        build(spec_mod.load(lock, spec_path, download=False), Overrides(Registry()))
    found = {(p.where, p.what.split(":")[0]) for p in caught.value.problems}
    assert found == {
        ("GET /v3/things", "the path is not under /v1/ or /v2/"),
        ("POST /v1/things (PostThings)", "/v1/things shape"),  # an unsupported parameter shape
        ("GET /v1/things/{thing} (GetThing)", "no 200 response"),
        ("components.schemas.thing", "thing.odd"),
        ("components.schemas.thing_copy", "object type 'thing' is also claimed by Thing"),
    }
    assert all(p.fix for p in caught.value.problems)
    text = str(caught.value)
    assert text.startswith("5 problem(s) in the spec for API 2099-05-05:")
    assert (
        "fix: teach the IR builders" in text
        and "fix: extend the call-path rules in codegen/ir/naming.py" in text
    )

    # the CLI prints the same list and exits 2
    lock_path = tmp_path / "broken.lock"
    lock.write(lock_path)
    proc = subprocess.run(
        [sys.executable, "-m", "codegen", "generate", "--offline", "--lock", lock_path, "--spec", spec_path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert (
        "problem(s) in the spec for API 2099-05-05" in proc.stderr
        and "components.schemas.thing_copy" in proc.stderr
    )


def _list_of(ref: str) -> dict[str, Any]:
    page = {
        "type": "object",
        "properties": {
            "object": {"type": "string", "enum": ["list"]},
            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
            "has_more": {"type": "boolean"},
            "url": {"type": "string"},
        },
    }
    return {"200": {"content": {"application/json": {"schema": page}}}}


def test_two_resource_chains_folding_to_one_module_each_get_their_own(tmp_path: Path) -> None:
    """`client.issuing.cards` and `client.issuing_cards` fold to one module name (as a 2019-era
    spec's schemas did): each resource module must define the classes the client imports."""
    spec = {
        "openapi": "3.0.0",
        "info": {"version": "2099-05-05"},
        "paths": {
            "/v1/issuing/cards": {
                "get": {"operationId": "GetIssuingCards", "responses": _list_of("issuing.card")}
            },
            "/v1/issuing_cards": {
                "get": {"operationId": "GetIssuingCards2", "responses": _list_of("issuing_card")}
            },
        },
        "components": {
            "schemas": {
                "issuing.card": {"x-resourceId": "issuing.card", **_object("issuing.card")},
                "issuing_card": _object("issuing_card"),
            }
        },
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    generate(path, lock_for(path, "2099-05-05"), tmp_path / "out")
    modules = sorted(p.name for p in (tmp_path / "out" / "lattice_stripe" / "resources").glob("issuing*.py"))
    assert modules == ["issuing_cards.py", "issuing_cards2.py"]
    code = """
from lattice_stripe import AsyncStripeClient, StripeClient
for client in (StripeClient("sk_test_x"), AsyncStripeClient("sk_test_x")):
    print(type(client.issuing.cards).__name__, type(client.issuing_cards).__name__)
"""
    result = run_in(tmp_path / "out", code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "IssuingCards2",
        "IssuingCards",
        "AsyncIssuingCards2",
        "AsyncIssuingCards",
    ]
