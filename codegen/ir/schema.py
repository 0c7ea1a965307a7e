"""Read-only access to the spec's component schemas, which every IR builder is given, and the
one walk over a schema's forms that both request parameters and response types go through."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from ..spec import LoadedSpec, SpecError, resolve
from . import naming
from .naming import class_name, module_name

At = TypeVar("At", contravariant=True)  # where in the spec the walk is, as a walker tracks it
Out = TypeVar("Out", covariant=True)  # what a walker makes of a schema

SCALARS = {"integer": "int", "number": "float", "boolean": "bool"}  # JSON type -> Python type


class Walker(Protocol[At, Out]):
    """One result per form a schema takes; :meth:`SchemaView.walk` tells the forms apart, so a
    new form is a new method here that every walker must then handle."""

    def on_ref(self, schema: dict[str, Any], at: At) -> Out: ...
    def on_any_of(self, members: list[dict[str, Any]], at: At) -> Out: ...
    def on_string(self, schema: dict[str, Any], at: At) -> Out: ...
    def on_scalar(self, python: str, schema: dict[str, Any], at: At) -> Out: ...  # int, float, bool
    def on_array(self, items: dict[str, Any], at: At) -> Out: ...
    def on_object(self, schema: dict[str, Any], at: At) -> Out: ...
    def on_any(self, at: At) -> Out: ...  # the empty schema
    def unsupported(self, schema: dict[str, Any], at: At) -> SpecError: ...


class SchemaView:
    """The spec document plus the names every component schema gets."""

    def __init__(self, loaded: LoadedSpec) -> None:
        self.loaded = loaded
        self.doc_ = loaded.document
        self.schemas: dict[str, Any] = self.doc_["components"]["schemas"]

        # Two schemas that fold to one name: the API object (x-resourceId) keeps it.
        def preferred(name: str) -> bool:
            return "x-resourceId" not in self.schemas[name]

        self.class_of = naming.unique_names({n: class_name(n) for n in self.schemas}, preferred)
        self.module_of = naming.unique_names({n: module_name(n) for n in self.schemas}, preferred)
        self.aliases = {n: s for n, s in self.schemas.items() if "anyOf" in s and "properties" not in s}

    def deref(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = resolve(self.doc_, schema["$ref"])
        return schema

    @staticmethod
    def ref_name(schema: dict[str, Any]) -> str:
        return str(schema["$ref"]).rsplit("/", 1)[-1]

    def members(self, name: str) -> list[str]:
        """Component names a ref stands for (a polymorphic alias stands for several)."""
        if name in self.aliases:
            out: list[str] = []
            for sub in self.aliases[name]["anyOf"]:
                out += self.members(self.ref_name(sub))
            return out
        return [name]

    def object_value(self, schema: dict[str, Any]) -> str | None:
        enum = schema.get("properties", {}).get("object", {}).get("enum")
        return str(enum[0]) if enum and len(enum) == 1 else None

    @staticmethod
    def is_list_object(schema: dict[str, Any]) -> str | None:
        """``list``, ``search`` (v1 pages, told by ``object``), ``v2_list`` (a v2 page:
        ``data`` with ``next_page_url``, no ``object``), or None."""
        props = schema.get("properties", {})
        kind = props.get("object", {}).get("enum")
        if kind == ["list"] and "data" in props:
            return "list"
        if kind == ["search_result"] and "data" in props:
            return "search"
        if kind is None and "data" in props and "next_page_url" in props:
            return "v2_list"
        return None

    def walk(self, schema: dict[str, Any], walker: Walker[At, Out], at: At) -> Out:
        """``walker``'s result for ``schema``, by the schema's form."""
        if "$ref" in schema:
            return walker.on_ref(schema, at)
        if "anyOf" in schema:
            return walker.on_any_of(schema["anyOf"], at)
        kind = schema.get("type")
        if kind == "string":
            return walker.on_string(schema, at)
        if kind in SCALARS:
            return walker.on_scalar(SCALARS[kind], schema, at)
        if kind == "array":
            return walker.on_array(schema.get("items", {}), at)
        if kind == "object" or "properties" in schema:
            return walker.on_object(schema, at)
        if not schema:
            return walker.on_any(at)
        raise walker.unsupported(schema, at)
