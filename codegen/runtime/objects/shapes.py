"""Shapes: how a JSON value becomes a Python value, as written in generated field tables.

``None`` in a field table means "keep the JSON value as it is" (strings, numbers, enums,
free-form dicts). The other shapes name models by class name and resolve them on first
use, so structuring a Charge never imports the Customer module unless a customer was
actually expanded.

Polymorphic values go through one dispatch on their ``object`` tag (and ``deleted``):
:class:`OneOf` over the models a field allows, :class:`AnyObject` over every model with an
``object`` value (an event's ``data.object``, from the API and from webhooks alike). A
tag this version does not know gives an :class:`~.models.UnknownObject` with all its data.
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from .models import (
    FieldTable,
    StripeObject,
    UnknownObject,
    compile_structurer,
    identity,
    structurer_for,
)
from .models import (
    Structurer as Structurer,  # re-exported: operation.py types its cache with it
)
from .pages import ListObject, SearchResult, V2ListObject

_models_module: Any = None


def _generated_models() -> Any:
    global _models_module
    if _models_module is None:
        _models_module = importlib.import_module("...models", __package__)
    return _models_module


def resolve(name: str) -> type[StripeObject]:
    """The generated model class called ``name``."""
    cls: type[StripeObject] = getattr(_generated_models(), name)
    return cls


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
    """One model class, by generated class name (or the class itself, for runtime models)."""

    __slots__ = ("name",)

    def __init__(self, name: str | type[StripeObject]) -> None:
        self.name = name

    def _key(self) -> tuple[Any, ...]:
        return (self.name,)

    def _build(self) -> Structurer:
        name = self.name
        cls = resolve(name) if isinstance(name, str) else name
        return structurer_for(cls)


# -- the one `object` dispatch ---------------------------------------------------------------

Tag = tuple[Any, bool]  # (object value, deleted)


def _dispatcher(
    tagged: Callable[[Tag], Structurer | None],
    untagged: Iterable[type[StripeObject]] = (),
) -> Structurer:
    """``structure(value)`` choosing the model by ``object``/``deleted`` via ``tagged``;
    for a value without a known tag, the ``untagged`` model sharing most keys; else
    :class:`UnknownObject`."""
    by_keys = [(frozenset(f[1] for f in cls.__stripe_fields__), structurer_for(cls)) for cls in untagged]
    unknown = structurer_for(UnknownObject)
    cache: dict[Tag, Structurer] = {}

    def structure(value: Any) -> Any:
        if type(value) is not dict:
            return value  # unexpected wire shape: keep it rather than fail
        kind = value.get("object")
        tag = (kind if type(kind) is str else None, value.get("deleted") is True)
        fn = cache.get(tag)
        if fn is None:
            found = tagged(tag) if tag[0] is not None else None
            if found is None and by_keys:
                keys = value.keys()
                found = max(by_keys, key=lambda entry: len(entry[0] & keys) - len(keys - entry[0]))[1]
                return found(value)  # chosen by keys: not cacheable by tag
            fn = cache[tag] = found or unknown
        return fn(value)

    return structure


class OneOf(Shape):
    """Several models told apart by ``object`` (and ``deleted``), else by their keys."""

    __slots__ = ("names",)

    def __init__(self, *names: str) -> None:
        self.names = names

    def _key(self) -> tuple[Any, ...]:
        return self.names

    def _build(self) -> Structurer:
        table: dict[Tag, Structurer] = {}
        untagged = []
        for cls in map(resolve, self.names):
            if cls.__stripe_object__ is None:
                untagged.append(cls)
            else:
                table.setdefault((cls.__stripe_object__, cls.__stripe_deleted__), structurer_for(cls))
        return _dispatcher(table.get, untagged)


class AnyObject(Shape):
    """Any API resource, by its ``object`` value: the whole generated ``object`` table."""

    __slots__ = ()

    def _key(self) -> tuple[Any, ...]:
        return ()

    def _build(self) -> Structurer:
        models = _generated_models()

        def tagged(tag: Tag) -> Structurer | None:
            table = models.DELETED_OBJECT_CLASSES if tag[1] else models.OBJECT_CLASSES
            name = table.get(tag[0])
            return None if name is None else structurer_for(resolve(name))

        return _dispatcher(tagged)


class Expandable(OneOf):
    """An id string, or the expanded object when the caller asked for it."""

    __slots__ = ()

    def _build(self) -> Structurer:
        inner = super()._build()

        def structure(value: Any) -> Any:
            return value if type(value) is str else inner(value)

        return structure


# -- containers ----------------------------------------------------------------------------


class ListOf(Shape):
    __slots__ = ("item",)

    def __init__(self, item: Shape | None) -> None:
        self.item = item

    def _key(self) -> tuple[Any, ...]:
        return (self.item,)

    def _build(self) -> Structurer:
        if self.item is None:
            return identity
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
            return identity
        inner = self.value.structurer()

        def structure(value: Any) -> Any:
            if type(value) is not dict:
                return value
            return {k: None if v is None else inner(v) for k, v in value.items()}

        return structure


# Structuring a long page creates tens of thousands of objects while the decoded JSON is
# still alive; the cyclic GC would rescan all of them every few hundred allocations, making
# each object dearer the more there are. Nothing structured here forms a cycle, so the
# collector waits until the page is built.
LONG_PAGE = 50
_paused = 0
_resume = False
_pause_lock = threading.Lock()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic GC off (if it was on) until every thread inside this has left it."""
    global _paused, _resume
    with _pause_lock:
        if _paused == 0:
            _resume = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if _paused == 0 and _resume:
                gc.enable()


class _PageShape(Shape):
    """A list object or search result whose ``data`` items have a shape."""

    __slots__ = ("item",)
    page_class: type[StripeObject] = StripeObject

    def __init__(self, item: Shape | None) -> None:
        self.item = item

    def _key(self) -> tuple[Any, ...]:
        return (self.item,)

    def _build(self) -> Structurer:
        cls = self.page_class
        fields: FieldTable = tuple(
            (attr, key, required, ListOf(self.item) if key == "data" else shape)
            for attr, key, required, shape in cls.__stripe_fields__
        )
        page = compile_structurer(cls, fields)

        def structure(value: Any) -> Any:
            data = value.get("data") if type(value) is dict else None
            if type(data) is not list or len(data) < LONG_PAGE:
                return page(value)
            with gc_paused():
                return page(value)

        return structure


class ListPage(_PageShape):
    __slots__ = ()
    page_class = ListObject


class SearchPage(_PageShape):
    __slots__ = ()
    page_class = SearchResult


class V2ListPage(_PageShape):
    __slots__ = ()
    page_class = V2ListObject


# An empty or free-form response object (the meter event stream's ``{}``): every key kept,
# and, being a model, it carries ``last_response`` like any other result.
FREE_FORM = Model(UnknownObject)


class _NumberString(Shape):
    """A number v2 writes as a JSON string: structured to a Python number, written back as
    the same string (a value that is not a number string is kept as it came)."""

    __slots__ = ()

    def _key(self) -> tuple[Any, ...]:
        return ()

    def unstructurer(self) -> Structurer:
        def unstructure(value: Any) -> Any:
            return value if type(value) is str or value is None else self._text(value)

        return unstructure

    def _text(self, value: Any) -> Any:
        return str(value)


class Int64String(_NumberString):
    __slots__ = ()

    def _build(self) -> Structurer:
        def structure(value: Any) -> Any:
            if type(value) is str and value.lstrip("-").isdigit() and len(value) <= 20:
                return int(value)
            return value

        return structure


class DecimalString(_NumberString):
    __slots__ = ()

    def _build(self) -> Structurer:
        from decimal import Decimal, InvalidOperation

        def structure(value: Any) -> Any:
            if type(value) is not str or len(value) > 100:  # no 100-digit amount is real
                return value
            try:
                number = Decimal(value)
            except InvalidOperation:
                return value
            return number if number.is_finite() else value

        return structure

    def _text(self, value: Any) -> Any:
        return format(value, "f") if hasattr(value, "is_finite") else str(value)


INT64 = Int64String()
DECIMAL = DecimalString()


class Binary(Shape):
    """Raw bytes (a PDF): the body is returned unparsed."""

    __slots__ = ()

    def _key(self) -> tuple[Any, ...]:
        return ()

    def _build(self) -> Structurer:
        return identity


BINARY = Binary()


class RawResult(Shape):
    """What ``raw_request`` returns: a list or search page of objects, or one object, each
    the model its ``object`` names (else ``UnknownObject``)."""

    __slots__ = ()

    def _key(self) -> tuple[Any, ...]:
        return ()

    def _build(self) -> Structurer:
        one = AnyObject()  # `object` -> its model, else UnknownObject
        pages = {"list": ListPage(one).structurer(), "search_result": SearchPage(one).structurer()}
        v2_page = V2ListPage(one).structurer()
        single = one.structurer()

        def structure(value: Any) -> Any:
            tag = value.get("object") if type(value) is dict else None
            page = pages.get(tag) if type(tag) is str else None
            if page is None and tag is None and type(value) is dict and "next_page_url" in value:
                page = v2_page  # a v2 list: no `object`, a next_page_url
            return page(value) if page is not None else single(value)

        return structure


RAW_RESULT = RawResult()
