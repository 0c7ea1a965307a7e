"""Read-only access to the spec's component schemas, which every IR builder is given."""

from __future__ import annotations

from typing import Any

from ..spec import LoadedSpec, resolve
from . import naming
from .naming import class_name, module_name


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
        props = schema.get("properties", {})
        kind = props.get("object", {}).get("enum")
        if kind == ["list"] and "data" in props:
            return "list"
        if kind == ["search_result"] and "data" in props:
            return "search"
        return None
