"""Model base classes, and the compiler that turns a model's field table into functions.

Generated model classes are slotted attrs classes that carry a field table
(``__stripe_fields__``): ``(attribute, json key, required, shape)``. A shape is anything
with a ``structurer()`` method (see :mod:`.shapes`); ``None`` keeps the JSON value as it
is. On first use, each class gets a structure and an unstructure function compiled from
its table as source text (as cattrs itself does), so ``Charge.from_dict(data)`` is a run of
dict lookups and slot stores rather than a walk over type annotations.

This module is the leaf of the runtime: it imports nothing from it.

Forward compatibility: keys the table does not know are kept in ``_extra`` and come back
on unstructure; enum values are never checked.

Generated classes are declared ``repr=False, eq=False``: they share :class:`StripeObject`'s
``__repr__`` and ``__eq__``, which read the attrs fields (the same output and comparison
attrs would generate), so building a class compiles only its ``__init__`` (about half
the cost of a class, paid by the first payload that holds one).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

import attrs

if TYPE_CHECKING:
    from .response import ResponseMeta

Structurer = Callable[[Any], Any]


class FieldShape(Protocol):
    """How one field's JSON value becomes a Python value (implemented in :mod:`.shapes`)."""

    def structurer(self) -> Structurer: ...


FieldTable = tuple[tuple[str, str, bool, "FieldShape | None"], ...]


class Nested:
    """A field kept as the JSON value on its own, that may hold models once a container
    gives it a shape (a page's ``data``): unstructured recursively."""

    __slots__ = ()

    def structurer(self) -> Structurer:
        return identity


NESTED = Nested()


def identity(value: Any) -> Any:
    return value


@attrs.define(kw_only=True, weakref_slot=False)
class StripeObject:
    """Base of every generated model."""

    __stripe_fields__: ClassVar[FieldTable] = ()
    __stripe_object__: ClassVar[str | None] = None  # the `object` value, when the spec fixes one
    __stripe_deleted__: ClassVar[bool] = False  # a `deleted_*` variant

    # Keys the server sent that this version does not model, and modelled keys it left out
    # (so a round trip gives back exactly the JSON that came in).
    _extra: dict[str, Any] | None = attrs.field(default=None, init=False, repr=False, eq=False)
    _absent: frozenset[str] | None = attrs.field(default=None, init=False, repr=False, eq=False)
    # Set by the client on the object a call returned (nested objects leave the slot unset).
    _last_response: ResponseMeta | None = attrs.field(default=None, init=False, repr=False, eq=False)

    @property
    def last_response(self) -> ResponseMeta | None:
        """Status, headers, request id and attempts of the call that returned this object."""
        return getattr(self, "_last_response", None)

    def __getitem__(self, key: str) -> Any:
        """Any field by its JSON name, including fields this SDK version does not know."""
        for attr, json_key, _required, _shape in self.__stripe_fields__:
            if json_key == key:
                return getattr(self, attr)
        if self._extra is not None and key in self._extra:
            return self._extra[key]
        raise KeyError(key)

    def __repr__(self) -> str:
        cls = type(self)
        plan = _reprs.get(cls) or _repr_plan(cls)
        seen = _repr_seen()
        if id(self) in seen:
            return "..."  # an object inside itself, as attrs' repr shows it
        seen.add(id(self))
        try:
            shown = ", ".join(f"{name}={show(getattr(self, name, None))}" for name, show in plan)
        finally:
            seen.discard(id(self))
        return f"{cls.__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = _eq_keys.get(self.__class__) or _eq_key(self.__class__)
        return bool(key(self) == key(other))

    def __contains__(self, key: str) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    # Pickle and copy (shallow and deep) carry the data, never the call that fetched it:
    # ``last_response`` holds the client (its pool, its locks), which is not the object's.
    def __reduce__(self) -> tuple[Any, ...]:
        state = {
            a.name: getattr(self, a.name) for a in attrs.fields(type(self)) if a.name != "_last_response"
        }
        return _rebuild, (type(self), state)

    @classmethod
    def from_dict(cls: type[_M], data: dict[str, Any]) -> _M:
        """Build the model from a decoded JSON object (unknown keys are kept)."""
        result: _M = structurer_for(cls)(data)
        return result

    def to_dict(self) -> dict[str, Any]:
        """The JSON object this model stands for, unknown keys included."""
        result: dict[str, Any] = unstructurer_for(type(self))(self)
        return result


_M = TypeVar("_M", bound=StripeObject)

_reprs: dict[type, tuple[tuple[str, Callable[[Any], str]], ...]] = {}
_eq_keys: dict[type, Callable[[Any], Any]] = {}
_repr_state = threading.local()


def _repr_plan(cls: type) -> tuple[tuple[str, Callable[[Any], str]], ...]:
    plan = _reprs[cls] = tuple(
        (a.name, repr if a.repr is True else a.repr) for a in attrs.fields(cls) if a.repr
    )
    return plan


def _repr_seen() -> set[int]:
    seen: set[int] | None = getattr(_repr_state, "seen", None)
    if seen is None:
        seen = _repr_state.seen = set()
    return seen


def _eq_key(cls: type) -> Callable[[Any], Any]:
    names = [a.name for a in attrs.fields(cls) if a.eq]
    key = _eq_keys[cls] = attrgetter(*names) if names else (lambda _obj: ())
    return key


def _rebuild(cls: type[StripeObject], state: dict[str, Any]) -> StripeObject:
    obj = object.__new__(cls)
    for name, value in state.items():
        setattr(obj, name, value)
    obj._last_response = None
    return obj


@attrs.define(kw_only=True, weakref_slot=False)
class UnknownObject(StripeObject):
    """An object whose ``object`` type this SDK version does not model; data kept as is."""

    __stripe_fields__ = (("object", "object", False, None),)

    object: str | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_extra":
            raise AttributeError(name)
        try:
            return (self._extra or {})[name]
        except KeyError:
            raise AttributeError(name) from None


# -- compiled (un)structure functions ------------------------------------------------------

_structurers: dict[type, Structurer] = {}
_unstructurers: dict[type, Structurer] = {}


def structurer_for(cls: type[StripeObject]) -> Structurer:
    """``structure(dict) -> cls`` for a model class, compiled on first use."""
    fn = _structurers.get(cls)
    if fn is None:
        fn = _structurers[cls] = compile_structurer(cls, cls.__stripe_fields__)
    return fn


def unstructurer_for(cls: type[StripeObject]) -> Structurer:
    """``unstructure(obj) -> dict`` for a model class, compiled on first use."""
    fn = _unstructurers.get(cls)
    if fn is None:
        fn = _unstructurers[cls] = compile_unstructurer(cls, cls.__stripe_fields__)
    return fn


def compile_structurer(cls: type[StripeObject], fields: FieldTable) -> Structurer:
    """Build ``structure(dict) -> cls`` for one field table.

    A payload holding most of the table's keys is read field by field (one ``d.get`` per
    field); a sparse one (under a quarter of them, like ``payment_method_details`` with its
    two keys out of 39) visits only the keys it has, after one chained store of None.
    """
    n = len(fields)
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "cls": cls,
        "known": frozenset(key for _, key, _, _ in fields),
        "dict_type": dict,
        "set_": setattr,
        "absent_of": _absent_interner(frozenset(key for _, key, _, _ in fields)),
        "plain": {key: attr for attr, key, _, shape in fields if shape is None},
        "nested": {
            key: (attr, f"s{i}") for i, (attr, key, _, shape) in enumerate(fields) if shape is not None
        },
    }
    namespace["g"] = namespace
    lines = ["def structure(d):", "    if type(d) is not dict_type:", "        return d", "    o = new(cls)"]
    if n >= 8:
        lines += [f"    if len(d) * 4 < {n}:", "        " + "".join(f"o.{f[0]} = " for f in fields) + "None"]
        lines += ["        e = None", "        for k, v in d.items():", "            a = plain.get(k)"]
        lines += [
            "            if a is not None:",
            "                set_(o, a, v)",
            "                continue",
        ]
        lines += ["            f = nested.get(k)", "            if f is not None:"]
        lines += [
            "                set_(o, f[0], None if v is None else g[f[1]](v))",
            "                continue",
        ]
        lines += ["            if e is None:", "                e = {}", "            e[k] = v"]
        lines += ["        o._extra = e", "        o._absent = absent_of(d)", "        return o"]
    for index, (attr, key, _required, shape) in enumerate(fields):
        if shape is None:
            lines.append(f"    o.{attr} = d.get({key!r})")
        else:
            namespace[f"s{index}"] = _lazy(shape, namespace, f"s{index}")
            lines.append(f"    v = d.get({key!r})")
            lines.append(f"    o.{attr} = None if v is None else s{index}(v)")
    lines += [
        "    if known.issuperset(d):",
        "        o._extra = None",
        f"        o._absent = None if len(d) == {n} else absent_of(d)",
        "    else:",
        "        e = o._extra = {k: v for k, v in d.items() if k not in known}",
        f"        o._absent = None if len(d) - len(e) == {n} else absent_of(d)",
        "    return o",
    ]
    fn: Structurer = _compile(lines, namespace, "structure", cls)
    return fn


def _absent_interner(known: frozenset[str]) -> Callable[[dict[str, Any]], frozenset[str]]:
    """``absent(d)``: the table's keys ``d`` lacks, one shared frozenset per key layout (the
    same few layouts repeat across objects, and each set would otherwise be stored per object)."""
    cache: dict[tuple[str, ...], frozenset[str]] = {}

    def absent(d: dict[str, Any]) -> frozenset[str]:
        layout = tuple(d)
        found = cache.get(layout)
        if found is None:
            found = known.difference(d)
            if len(cache) < 256:
                cache[layout] = found
        return found

    return absent


def _lazy(shape: FieldShape, namespace: dict[str, Any], slot: str) -> Structurer:
    """The field's structurer, built on the field's first value and then patched into the
    compiled function's globals, so that compiling a Charge does not compile a Customer."""

    def first_use(value: Any) -> Any:
        hook = namespace[slot] = shape.structurer()
        return hook(value)

    return first_use


def compile_unstructurer(cls: type[StripeObject], fields: FieldTable) -> Structurer:
    """Build ``unstructure(obj) -> dict``: every field, except keys the input did not have
    and nobody has set since."""
    namespace: dict[str, Any] = {"u": unstructure_value}
    lines = ["def unstructure(o):", "    d = {}", "    a = o._absent or ()"]
    for index, (attr, key, _required, shape) in enumerate(fields):
        value = f"o.{attr}" if shape is None else f"u(o.{attr})"
        own = getattr(shape, "unstructurer", None)  # a shape that writes its own JSON (v2 numbers)
        if own is not None:
            namespace[f"w{index}"] = own()
            value = f"w{index}(o.{attr})"
        lines.append(f"    if {key!r} not in a or o.{attr} is not None:")  # absent, unless set since
        lines.append(f"        d[{key!r}] = {value}")
    lines.append("    if o._extra:")
    lines.append("        d.update(o._extra)")
    lines.append("    return d")
    fn: Structurer = _compile(lines, namespace, "unstructure", cls)
    return fn


def _compile(lines: list[str], namespace: dict[str, Any], name: str, cls: type) -> Any:
    source = "\n".join(lines)
    code = compile(source, f"<lattice_stripe {name} {cls.__qualname__}>", "exec")
    exec(code, namespace)  # noqa: S102 - source built above from identifiers and repr()s
    return namespace[name]


def unstructure_value(value: Any) -> Any:
    """JSON-ready form of any structured value."""
    if isinstance(value, StripeObject):
        return unstructurer_for(type(value))(value)
    if type(value) is list:
        return [unstructure_value(v) for v in value]
    if type(value) is dict:
        return {k: unstructure_value(v) for k, v in value.items()}
    return value
