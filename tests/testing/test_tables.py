"""codegen.ir.fake reduces the spec to what the fake interprets, and covers the whole surface."""

from __future__ import annotations

from codegen.ir.fake import slim
from lattice_stripe import manifest
from lattice_stripe._fake_tables import API_VERSION, OPERATIONS, SCHEMAS
from lattice_stripe._version import API_VERSION as PACKAGE_VERSION


def test_slim_keeps_validation_and_shape_keywords_only() -> None:
    schema = {
        "description": "prose",
        "title": "t",
        "type": "object",
        "required": ["a"],
        "additionalProperties": False,
        "properties": {
            "a": {"type": "string", "maxLength": 5, "enum": ["x"], "x-stripeBypassValidation": True},
            "b": {"anyOf": [{"$ref": "#/components/schemas/customer"}, {"type": "string", "enum": [""]}]},
            "c": {
                "nullable": True,
                "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/card"}]},
            },
            "d": {"type": "array", "items": {"type": "integer", "format": "unix-time"}},
        },
    }
    assert slim(schema) == {
        "type": "object",
        "required": ["a"],
        "additionalProperties": False,
        "properties": {
            "a": {"type": "string", "maxLength": 5, "enum": ["x"], "bypass": True},
            "b": {"anyOf": [{"$ref": "customer"}, {"type": "string", "enum": [""]}]},
            "c": {"nullable": True, "expansions": ["card"]},
            "d": {"type": "array", "items": {"type": "integer", "format": "unix-time"}},
        },
    }


def test_tables_cover_the_package_surface() -> None:
    assert API_VERSION == PACKAGE_VERSION
    assert sorted(OPERATIONS) == sorted(m.call_path for m in manifest())
    assert not any('"description":"' in text for text in SCHEMAS.values())  # no prose shipped
