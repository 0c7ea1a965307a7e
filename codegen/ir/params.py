"""Request parameters: spec schemas -> annotations, TypedDicts and minor-unit amount paths."""

from __future__ import annotations

from typing import Any

from ..spec import SpecError
from . import naming
from .naming import class_name, identifier
from .nodes import Param, ParamsDict
from .overrides import is_minor_units
from .schema import SchemaView
from .text import doc, literal, union


class ParamTypes(SchemaView):
    def param_type(self, schema: dict[str, Any], name: str, out: list[ParamsDict], where: str) -> str:
        schema = self.deref(schema)
        if "anyOf" in schema:
            return union(
                self.param_type(s, f"{name}{i}" if i else name, out, where)
                for i, s in enumerate(schema["anyOf"])
            )
        kind = schema.get("type")
        if kind == "string":
            if "enum" in schema:
                return literal(schema["enum"])
            if schema.get("format") == "binary":
                return "FileInput"
            if schema.get("format") == "decimal":
                return "str | Decimal"
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            # A list or tuple but not a bare str (`expand="customer"` is a type error), and
            # not `list[...]`: resources have a `list` method that shadows it in class bodies.
            return f"SequenceNotStr[{self.param_type(schema.get('items', {}), name, out, where)}]"
        if kind == "object" or "properties" in schema:
            if schema.get("properties"):
                required = set(schema.get("required", ()))
                fields = tuple(
                    self.param(key, sub, key in required, class_name(name, key), out, where)
                    for key, sub in sorted(schema["properties"].items())
                )
                functional = not all(naming.is_valid_key(f.wire_name) for f in fields)
                out.append(ParamsDict(name, fields, functional, doc(schema.get("description"))))
                return name
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"dict[str, {self.param_type(extra, name + 'Value', out, where)}]"
            return "dict[str, Any]"
        if not schema:
            return "Any"
        raise SpecError(f"{where}: unsupported parameter schema {sorted(schema)}")

    def param(
        self,
        wire: str,
        schema: dict[str, Any],
        required: bool,
        dict_name: str,
        out: list[ParamsDict],
        where: str,
        description: str | None = None,
    ) -> Param:
        """``description``: a query parameter's own (the spec puts it beside the schema)."""
        annotation = self.param_type(schema, dict_name, out, f"{where} {wire}")
        return Param(
            wire_name=wire,
            py_name=identifier(wire),
            annotation=annotation,
            required=required,
            doc=doc(description or self.deref(schema).get("description")),
            kinds="|".join(sorted(self.kinds(schema))),
        )

    def kinds(self, schema: dict[str, Any]) -> set[str]:
        """The runtime kinds a parameter accepts: str, decimal, int, float, bool, seq, map, file, any."""
        schema = self.deref(schema)
        if "anyOf" in schema:
            return {k for s in schema["anyOf"] for k in self.kinds(s)}
        kind = schema.get("type")
        if kind == "string":
            return {{"binary": "file", "decimal": "decimal"}.get(schema.get("format", ""), "str")}
        simple = {"integer": "int", "number": "float", "boolean": "bool", "array": "seq", "object": "map"}
        return {simple[kind]} if kind in simple else {"any"}

    def minor_units(self, key: str, path: str, schema: dict[str, Any], described: str | None) -> list[str]:
        """Bracket paths of minor-unit integer amounts within one request parameter."""
        schema = self.deref(schema)
        described = schema.get("description") or described
        if "anyOf" in schema:
            return sorted({p for s in schema["anyOf"] for p in self.minor_units(key, path, s, described)})
        kind = schema.get("type")
        if kind == "integer":
            return [path] if is_minor_units(key, described) else []
        if kind == "array":  # an array of amounts (fixed_amounts) is named for its items
            return self.minor_units(key, path + "[]", schema.get("items", {}), described)
        found = []
        # Integers inside an amount-named object are amounts too (custom_unit_amount[maximum]).
        inherited = key if is_minor_units(key, None) else None
        for sub_key, sub in sorted(schema.get("properties", {}).items()):
            found += self.minor_units(inherited or sub_key, f"{path}[{sub_key}]", sub, None)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:  # a map (currency_options) keyed by the caller
            found += self.minor_units(key, path + "[]", extra, None)
        return found
