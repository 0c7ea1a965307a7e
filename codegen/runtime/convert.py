"""Compiled (un)structure hooks for generated models, registered with one cattrs converter.

Each model class gets its two functions the first time it is used; they are built from the
class's field table as source text (as cattrs itself does), so structuring a charge is a
run of dict lookups and slot stores rather than a walk over type annotations.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .models import StripeObject
from .shapes import Model, OneOf, resolve

if TYPE_CHECKING:
    import cattrs

    from .shapes import Shape, Structurer

_T = TypeVar("_T")
FieldTable = tuple[tuple[str, str, bool, "Shape | None"], ...]

_structurers: dict[type, Structurer] = {}
_unstructurers: dict[type, Any] = {}


def compile_structurer(cls: type[StripeObject], fields: FieldTable) -> Structurer:
    """Build ``structure(dict) -> cls`` for one field table."""
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "cls": cls,
        "known": frozenset(key for _, key, _, _ in fields),
        "dict_type": dict,
        "n": len(fields),
    }
    lines = ["def structure(d):", "    if type(d) is not dict_type:", "        return d", "    o = new(cls)"]
    for index, (attr, key, _required, shape) in enumerate(fields):
        if shape is None:
            lines.append(f"    o.{attr} = d.get({key!r})")
        else:
            namespace[f"s{index}"] = _bind(shape, namespace, f"s{index}")
            lines.append(f"    v = d.get({key!r})")
            lines.append(f"    o.{attr} = None if v is None else s{index}(v)")
    lines += [
        "    if known.issuperset(d):",
        "        o._extra = None",
        "        o._absent = None if len(d) == n else known.difference(d)",
        "    else:",
        "        e = o._extra = {k: v for k, v in d.items() if k not in known}",
        "        o._absent = None if len(d) - len(e) == n else known.difference(d)",
        "    return o",
    ]
    fn: Structurer = _compile(lines, namespace, "structure", cls)
    return fn


def _bind(shape: Shape, namespace: dict[str, Any], slot: str) -> Structurer:
    """The structurer for one field. A single model is resolved on first use and then
    patched into the compiled function's globals, so later calls skip the lazy wrapper."""
    if type(shape) is not Model:
        return shape.structurer()
    name = shape.name

    def first_use(value: Any) -> Any:
        if type(value) is not dict:
            return value
        hook = namespace[slot] = structurer_for(resolve(name))
        return hook(value)

    return first_use


def compile_unstructurer(cls: type[StripeObject], fields: FieldTable) -> Any:
    """Build ``unstructure(obj) -> dict``: every field, except keys the input did not have
    and nobody has set since."""
    namespace: dict[str, Any] = {"u": unstructure_value}
    lines = ["def unstructure(o):", "    d = {}", "    a = o._absent or ()"]
    for attr, key, _required, shape in fields:
        value = f"o.{attr}" if shape is None else f"u(o.{attr})"
        lines.append(f"    if {key!r} not in a or o.{attr} is not None:")  # absent, unless set since
        lines.append(f"        d[{key!r}] = {value}")
    lines.append("    if o._extra:")
    lines.append("        d.update(o._extra)")
    lines.append("    return d")
    return _compile(lines, namespace, "unstructure", cls)


def _compile(lines: list[str], namespace: dict[str, Any], name: str, cls: type) -> Any:
    source = "\n".join(lines)
    code = compile(source, f"<lattice_stripe {name} {cls.__qualname__}>", "exec")
    exec(code, namespace)  # noqa: S102 - source built above from identifiers and repr()s
    return namespace[name]


def structurer_for(cls: type[StripeObject]) -> Structurer:
    fn = _structurers.get(cls)
    if fn is None:
        fn = _structurers[cls] = compile_structurer(cls, cls.__stripe_fields__)
    return fn


def unstructurer_for(cls: type[StripeObject]) -> Any:
    fn = _unstructurers.get(cls)
    if fn is None:
        fn = _unstructurers[cls] = compile_unstructurer(cls, cls.__stripe_fields__)
    return fn


def unstructure_value(value: Any) -> Any:
    """JSON-ready form of any structured value."""
    if isinstance(value, StripeObject):
        return unstructurer_for(type(value))(value)
    if type(value) is list:
        return [unstructure_value(v) for v in value]
    if type(value) is dict:
        return {k: unstructure_value(v) for k, v in value.items()}
    return value


def structure(data: Any, cls: Any) -> Any:
    """Structure decoded JSON into a model class, a union of models (``ExternalAccount``)
    or a list/dict of them, via the converter."""
    return converter().structure(data, cls)


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, StripeObject)


def _is_model_union(cls: Any) -> bool:
    members = typing.get_args(cls)
    return typing.get_origin(cls) in (typing.Union, types.UnionType) and all(map(_is_model, members))


def _model_union_hook(cls: Any) -> Callable[[Any, Any], Any]:
    fn = OneOf(*(member.__name__ for member in typing.get_args(cls))).structurer()
    return lambda data, _: fn(data)


@functools.cache
def converter() -> cattrs.Converter:
    """The package's cattrs converter, with hooks for every generated model.

    Imported on first use: a program that never structures anything never loads cattrs.
    """
    import cattrs

    conv = cattrs.Converter()
    conv.register_structure_hook_func(_is_model, lambda data, cls: structurer_for(cls)(data))
    conv.register_structure_hook_factory(_is_model_union, _model_union_hook)
    conv.register_unstructure_hook_func(_is_model, lambda obj: unstructurer_for(type(obj))(obj))
    return conv
