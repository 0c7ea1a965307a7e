"""Spec names and prose that would break naive generators: keywords, non-identifiers, quotes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.codegen.helpers import generate, lock_for, run_in

NASTY = (
    'Ends with a quote " and has """ triple quotes, a backslash \\ , \\n and \\x00 escapes, and {braces}."'
)

SPEC = {
    "openapi": "3.0.0",
    "info": {"title": "Names", "version": "2099-02-02"},
    "paths": {
        '/v1/classes/{class}/x"""y\\': {
            "post": {
                "operationId": "PostOdd",
                "parameters": [
                    {"name": "class", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": '#/components/schemas/odd"""name\\'}}
                        }
                    }
                },
            }
        },
        "/v1/classes/{class}": {
            "post": {
                "operationId": "PostClassesClass",
                "description": NASTY,
                "parameters": [
                    {"name": "class", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "from": {"type": "integer", "description": NASTY},
                                    "import": {
                                        "type": "object",
                                        "properties": {
                                            "not-an-identifier": {"type": "string"},
                                            "def": {"type": "boolean"},
                                        },
                                    },
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/class"}}}
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            'odd"""name\\': {"type": "object", "properties": {"x": {"type": "string"}}},
            "class": {
                "type": "object",
                "description": NASTY,
                "required": ["from"],
                "properties": {
                    "from": {"type": "string", "description": NASTY},
                    "class": {"type": "string", "enum": ["GMT+0", "GMT-0", "GMT0", 'quote"d']},
                    "3d_secure": {"type": "boolean"},
                    "some-key": {"type": "string"},
                    "to_dict": {"type": "string"},
                    "object": {"type": "string", "enum": ["class"]},
                },
            },
        }
    },
}


def test_crafted_names_generate_modules_that_import(tmp_path: Path) -> None:
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(SPEC))
    out = tmp_path / "out"
    generate(spec_path, lock_for(spec_path, "2099-02-02"), out)
    code = """
import importlib, inspect, pkgutil
import lattice_stripe
for info in pkgutil.walk_packages(lattice_stripe.__path__, "lattice_stripe."):
    if "._runtime" not in info.name and ".overrides" not in info.name:
        importlib.import_module(info.name)  # every generated module compiles and imports
from lattice_stripe import StripeClient
from lattice_stripe.models import Class
import lattice_stripe.params.classes
data = {"from": "x", "class": "GMT-0", "3d_secure": True, "some-key": "v", "to_dict": "t", "object": "class"}
obj = Class.from_dict(data)
assert (obj.from_, obj.class_, obj.n3d_secure, obj.some_key, obj.to_dict_) == ("x", "GMT-0", True, "v", "t")
assert obj.to_dict() == data
doc = inspect.getdoc(Class)
assert '\"\"\"' in doc and doc.rstrip().endswith('"') and "\\\\" in doc
method = StripeClient("sk_test_x").classes.update
params = inspect.signature(method).parameters
assert list(params)[:3] == ["class_", "from_", "import_"], list(params)
print("ok")
"""
    result = run_in(out, code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
