"""Docstrings carry each parameter's whole description, reflowed, over the whole package.

Checked against the spec itself: for every operation the client exposes (sync and async),
each parameter the spec describes has an ``Args`` entry holding exactly the words of that
description, in order (nothing cut at "e.g.", no empty entry for a GET parameter).
"""

from __future__ import annotations

import ast
import html
import inspect
import itertools
import re
from pathlib import Path
from typing import Any

import pytest

import lattice_stripe
from codegen import spec as spec_mod
from codegen.ir.build import build
from codegen.ir.nodes import Api
from codegen.ir.text import doc, reflow
from lattice_stripe import AsyncStripeClient, StripeClient

_ENTRY = re.compile(r"^    (\w+):(.*)$")


@pytest.fixture(scope="module")
def loaded() -> spec_mod.LoadedSpec:
    return spec_mod.load(download=False)


@pytest.fixture(scope="module")
def api(loaded: spec_mod.LoadedSpec) -> Api:
    return build(loaded)


def _words(text: str) -> list[str]:
    """The words of spec prose, markup aside."""
    return re.findall(r"\w+", re.sub(r"<[^>]+>", " ", html.unescape(text)))


def _spec_descriptions(loaded: spec_mod.LoadedSpec) -> dict[tuple[str, str], str]:
    """(operationId, wire name) -> the description the spec gives that parameter."""
    document = loaded.document
    schemas = document["components"]["schemas"]

    def deref(schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        return schemas[ref.rsplit("/", 1)[-1]] if ref else schema

    found = {}
    for item in document["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            for p in op.get("parameters", []):
                text = p.get("description") or deref(p.get("schema", {})).get("description")
                if p["in"] != "path" and text:
                    found[(op["operationId"], p["name"])] = text
            for content in op.get("requestBody", {}).get("content", {}).values():
                for key, sub in deref(content.get("schema", {})).get("properties", {}).items():
                    text = deref(sub).get("description")
                    if text:
                        found[(op["operationId"], key)] = text
    return found


def _args(docstring: str | None) -> dict[str, str]:
    """The ``Args`` section: name -> its text, continuation lines joined."""
    lines = inspect.cleandoc(docstring or "").splitlines()
    entries: dict[str, str] = {}
    if "Args:" not in lines:
        return entries
    current = None
    for line in lines[lines.index("Args:") + 1 :]:
        match = _ENTRY.match(line)
        if match:
            current = match.group(1)
            entries[current] = match.group(2).strip()
        elif line.startswith("        ") and current is not None:
            entries[current] += " " + line.strip()
        else:
            break
    return entries


def _method(client: Any, call_path: str) -> Any:
    target = client
    for part in call_path.split("."):
        target = getattr(target, part)
    return target


def test_every_described_parameter_has_its_whole_description(api: Api, loaded: spec_mod.LoadedSpec) -> None:
    described = _spec_descriptions(loaded)
    clients = (StripeClient("sk_test_1"), AsyncStripeClient("sk_test_1"))
    problems: list[str] = []
    checked = 0
    for module in api.resource_modules:
        for resource in module.resources:
            for op in resource.operations:
                for client in clients:
                    entries = _args(_method(client, op.call_path).__doc__)
                    for p in op.params:
                        text = described.get((op.operation_id, p.wire_name))
                        if text is None:
                            continue
                        checked += 1
                        got = entries.get(p.py_name)
                        if not got:
                            problems.append(f"{op.call_path}({p.py_name}): empty")
                        elif _words(got) != _words(text):
                            problems.append(f"{op.call_path}({p.py_name}): {got!r} is not {text!r}")
    assert problems == [], f"{len(problems)} problems, e.g. {problems[:5]}"
    assert checked == 2 * len(described) > 4000  # every described parameter, on both clients


def test_query_parameters_are_described(api: Api) -> None:
    entries = _args(StripeClient("sk_test_1").customers.list.__doc__)
    assert entries["email"].startswith("A case-sensitive filter on the list based on the customer's `email`")
    assert entries["limit"].startswith("A limit on the number of objects to be returned.")


def test_a_description_is_not_cut_at_eg() -> None:
    amount = _args(StripeClient("sk_test_1").payment_intents.create.__doc__)["amount"]
    assert "smallest currency unit" in amount and "(e.g., 100 cents to charge $1.00" in amount
    assert amount.endswith("USD charge of $999,999.99).")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("one line\nwrapped by hand\n\nsecond", "one line wrapped by hand\n\nsecond"),
        ("Kinds:\n* `a`: first\n* `b`: second\n  continued", "Kinds:\n* `a`: first\n* `b`: second continued"),
        ("Steps\n1. one\n2. two", "Steps\n1. one\n2. two"),
        ("  spaced   out  \n\n\n\n  text ", "spaced out\n\ntext"),
        ("", ""),
    ],
)
def test_reflow_joins_paragraph_lines_and_keeps_list_items(text: str, expected: str) -> None:
    assert reflow(text) == expected


def test_html_lists_and_paragraphs_become_text_structure() -> None:
    text = "<p>Pick one:</p><ul><li><code>a</code> first</li><li>b &amp; c</li></ul><p>Done.</p>"
    assert doc(text) == "Pick one:\n\n* a first\n* b & c\n\nDone."


@pytest.mark.parametrize("hostile", ['"""; import os', 'ends with a quote"', "back\\slash\nnext", "\x00nul"])
def test_reflowed_text_stays_escaped(hostile: str) -> None:
    source = f'"""{doc(hostile)}"""'
    value = ast.literal_eval(source)
    assert _words(value) == _words(hostile)


def _field_docs(source: str) -> dict[tuple[str, str], str]:
    """(class, attribute) -> the docstring under that field, read from a model module's source."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            body = node.body
            for field, after in itertools.pairwise(body):
                if (
                    isinstance(field, ast.AnnAssign)
                    and isinstance(field.target, ast.Name)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)
                ):
                    found[(node.name, field.target.id)] = after.value.value
    return found


def test_every_described_model_field_has_its_whole_description(api: Api, loaded: spec_mod.LoadedSpec) -> None:
    schemas = loaded.document["components"]["schemas"]
    models_dir = Path(lattice_stripe.__file__).parent / "models"
    problems: list[str] = []
    checked = 0
    for module in api.model_modules:
        docs = _field_docs((models_dir / f"{module.module}.py").read_text(encoding="utf-8"))
        for model in module.models:
            properties = schemas.get(model.schema_name, {}).get("properties", {})
            for field in model.fields:
                text = properties.get(field.json_name, {}).get("description")
                if not text:
                    continue
                checked += 1
                got = docs.get((model.name, field.attr), "")
                if _words(got) != _words(text):
                    problems.append(f"{model.name}.{field.attr}: {got!r} is not {text!r}")
    assert problems == [], f"{len(problems)} problems, e.g. {problems[:5]}"
    assert checked > 3000  # the component schemas' described properties
