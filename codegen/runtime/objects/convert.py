"""The package's cattrs converter: ``structure(data, Charge)`` and unions of models.

The structuring itself is the compiled functions of :mod:`.models` and the shapes of
:mod:`.shapes`; this module only registers them with cattrs, for callers who structure
by type (``ExternalAccount``, ``list[Charge]``).
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .models import StripeObject, structurer_for, unstructurer_for
from .shapes import OneOf

if TYPE_CHECKING:
    import cattrs


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
