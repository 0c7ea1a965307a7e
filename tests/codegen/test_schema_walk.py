"""One walk over a schema's forms (``SchemaView.walk``): request parameters and response
types are two walkers over it, so each form reaches both, and a form neither knows is one
clear error from each."""

from __future__ import annotations

from typing import Any

import pytest

from codegen import spec as spec_mod
from codegen.ir.models import ModelTypes
from codegen.ir.nodes import Kind
from codegen.ir.overrides import Applier, Overrides, Registry
from codegen.ir.params import ParamTypes, Place
from codegen.ir.schema import SchemaView
from codegen.spec import SpecError

DOC: dict[str, Any] = {
    "components": {
        "schemas": {
            "thing": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["thing"]}},
            },
        }
    }
}
REF = {"$ref": "#/components/schemas/thing"}
ID_OR_THING = {"anyOf": [{"maxLength": 5000, "type": "string"}, REF]}

# schema -> (parameter annotation, parameter kinds, response annotation)
FORMS: list[tuple[dict[str, Any], str, set[str], str]] = [
    (REF, "P", {"map"}, "Thing"),  # a TypedDict of its fields; the component's model
    ({"type": "string"}, "str", {"str"}, "str"),
    ({"type": "string", "enum": ["b", "a"]}, "Literal['b', 'a']", {"str"}, "Literal['b', 'a']"),
    ({"type": "string", "format": "decimal"}, "str | Decimal", {"decimal"}, "str"),
    ({"type": "integer"}, "int", {"int"}, "int"),
    ({"type": "number"}, "float", {"float"}, "float"),
    ({"type": "boolean"}, "bool", {"bool"}, "bool"),
    ({"type": "array", "items": {"type": "integer"}}, "SequenceNotStr[int]", {"seq"}, "list[int]"),
    (
        {"type": "object", "additionalProperties": {"type": "string"}},
        "dict[str, str]",
        {"map"},
        "dict[str, str]",
    ),
    ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, "int | str", {"int", "str"}, "int | str"),
    ({}, "Any", {"any"}, "Any"),
]


@pytest.fixture
def view() -> SchemaView:
    lock = spec_mod.Lock(
        "2099-01-01", "tests/local", "0" * 40, "spec.json", "0" * 64, "https://example.invalid"
    )
    return SchemaView(spec_mod.LoadedSpec(lock, "test", DOC))


def walkers(view: SchemaView) -> tuple[ParamTypes, ModelTypes]:
    return ParamTypes(view), ModelTypes(view, Applier(Overrides(Registry()), "2099-01-01"))


@pytest.mark.parametrize(("schema", "param", "kinds", "response"), FORMS)
def test_each_form_reaches_both_walkers(
    view: SchemaView, schema: dict[str, Any], param: str, kinds: set[str], response: str
) -> None:
    params, models = walkers(view)
    shape = params.walk(schema, Place("P", "p", "p", "POST /v1/x p"))
    assert (shape.annotation, {k.value for k in shape.kinds}) == (param, kinds)
    assert models.response_type(schema, "X", "x.p").annotation == response


def test_a_reference_is_a_model_in_responses_and_its_fields_in_params(view: SchemaView) -> None:
    params, models = walkers(view)
    typ = models.response_type(ID_OR_THING, "X", "x.p")
    assert (typ.annotation, typ.shape) == ("str | Thing", 'S.Expandable("Thing")')
    assert typ.imports == {("thing", "Thing")}
    shape = params.walk(ID_OR_THING, Place("P", "p", "p", "POST /v1/x p"))
    assert shape.annotation == "str | P1" and shape.kinds == {Kind.STR, Kind.MAP}
    assert [d.name for d in shape.dicts] == ["P1"]


@pytest.mark.parametrize("schema", [{"not": {}}, {"allOf": [REF]}, {"type": "null"}])
def test_a_form_no_walker_knows_is_a_clear_error_from_each(view: SchemaView, schema: dict[str, Any]) -> None:
    params, models = walkers(view)
    with pytest.raises(SpecError, match=r"^POST /v1/x p: unsupported parameter schema \["):
        params.walk(schema, Place("P", "p", "p", "POST /v1/x p"))
    with pytest.raises(SpecError, match=r"^x\.p: unsupported schema \["):
        models.response_type(schema, "X", "x.p")
