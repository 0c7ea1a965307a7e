"""Shapes: how a JSON value becomes a Python value, as written in generated field tables.

``None`` in a field table means "keep the JSON value as it is" (strings, numbers, enums,
free-form dicts). The other shapes name models by class name and resolve them on first
use, so structuring a Charge never imports the Customer module unless a customer was
actually expanded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import StripeObject

Structurer = Callable[[Any], Any]
_models_module: Any = None


def resolve(name: str) -> type[StripeObject]:
    """The generated model class called ``name``."""
    global _models_module
    if _models_module is None:
        _models_module = importlib.import_module(__package__.rsplit(".", 1)[0] + ".models")
    cls: type[StripeObject] = getattr(_models_module, name)
    return cls


def _structure_fn(cls: type[StripeObject]) -> Structurer:
    from .convert import structurer_for

    return structurer_for(cls)


class Shape:
    """Base: subclasses build one structuring function, cached per shape instance."""

    __slots__ = ("_fn",)

    def structurer(self) -> Structurer:
        fn: Structurer | None = getattr(self, "_fn", None)
        if fn is None:
            fn = self._fn = self._build()
        return fn

    def _build(self) -> Structurer:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shape) and type(self) is type(other) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self), self._key()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._key()!r}"

    def _key(self) -> tuple[Any, ...]:
        raise NotImplementedError


class Model(Shape):
    """One model class."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _key(self) -> tuple[Any, ...]:
        return (self.name,)

    def _build(self) -> Structurer:
        hook: Structurer | None = None

        def structure(value: Any) -> Any:
            nonlocal hook
            if type(value) is not dict:
                return value  # unexpected wire shape: keep it rather than fail
            if hook is None:
                hook = _structure_fn(resolve(self.name))
            return hook(value)

        return structure


class OneOf(Shape):
    """Several models told apart by ``object`` (and ``deleted``), else by their keys."""

    __slots__ = ("names",)

    def __init__(self, *names: str) -> None:
        self.names = names

    def _key(self) -> tuple[Any, ...]:
        return self.names

    def _build(self) -> Structurer:
        tagged: dict[tuple[Any, bool], Structurer] | None = None
        untagged: list[tuple[frozenset[str], Structurer]] = []

        def setup() -> dict[tuple[Any, bool], Structurer]:
            table: dict[tuple[Any, bool], Structurer] = {}
            for name in self.names:
                cls = resolve(name)
                fn = _structure_fn(cls)
                if cls.__stripe_object__ is None:
                    untagged.append((frozenset(f[1] for f in cls.__stripe_fields__), fn))
                else:
                    table.setdefault((cls.__stripe_object__, cls.__stripe_deleted__), fn)
            return table

        def structure(value: Any) -> Any:
            nonlocal tagged
            if type(value) is not dict:
                return value
            if tagged is None:
                tagged = setup()
            tag = value.get("object")
            fn = tagged.get((tag, value.get("deleted") is True)) if type(tag) is str else None
            if fn is None and untagged:
                keys = value.keys()
                fn = max(untagged, key=lambda entry: len(entry[0] & keys) - len(keys - entry[0]))[1]
            if fn is None:
                from .models import UnknownObject

                fn = _structure_fn(UnknownObject)
            return fn(value)

        return structure


class Expandable(OneOf):
    """An id string, or the expanded object when the caller asked for it."""

    __slots__ = ()

    def _build(self) -> Structurer:
        inner = super()._build()

        def structure(value: Any) -> Any:
            return value if type(value) is str else inner(value)

        return structure


class ListOf(Shape):
    __slots__ = ("item",)

    def __init__(self, item: Shape | None) -> None:
        self.item = item

    def _key(self) -> tuple[Any, ...]:
        return (self.item,)

    def _build(self) -> Structurer:
        if self.item is None:
            return _identity
        item = self.item.structurer()

        def structure(value: Any) -> Any:
            if type(value) is not list:
                return value
            return [None if v is None else item(v) for v in value]

        return structure


class MapOf(Shape):
    __slots__ = ("value",)

    def __init__(self, value: Shape | None) -> None:
        self.value = value

    def _key(self) -> tuple[Any, ...]:
        return (self.value,)

    def _build(self) -> Structurer:
        if self.value is None:
            return _identity
        inner = self.value.structurer()

        def structure(value: Any) -> Any:
            if type(value) is not dict:
                return value
            return {k: None if v is None else inner(v) for k, v in value.items()}

        return structure


class _Page(Shape):
    """A list object or search result whose ``data`` items have a shape."""

    __slots__ = ("item",)
    page_class_name = ""

    def __init__(self, item: Shape | None) -> None:
        self.item = item

    def _key(self) -> tuple[Any, ...]:
        return (self.item,)

    def _build(self) -> Structurer:
        from . import models
        from .convert import compile_structurer

        cls = getattr(models, self.page_class_name)
        fields = tuple(
            (attr, key, required, ListOf(self.item) if key == "data" else shape)
            for attr, key, required, shape in cls.__stripe_fields__
        )
        fn: Structurer = compile_structurer(cls, fields)
        return fn


class ListPage(_Page):
    __slots__ = ()
    page_class_name = "ListObject"


class SearchPage(_Page):
    __slots__ = ()
    page_class_name = "SearchResult"


class Binary(Shape):
    """Raw bytes (a PDF): the body is returned unparsed."""

    __slots__ = ()

    def _key(self) -> tuple[Any, ...]:
        return ()

    def _build(self) -> Structurer:
        return _identity


BINARY = Binary()


def _identity(value: Any) -> Any:
    return value
