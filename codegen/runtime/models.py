"""Model base classes and the structuring machinery behind every generated model.

Generated model classes are slotted attrs classes that carry a field table
(``__stripe_fields__``): ``(attribute, json key, required, shape)``. A shape says how a
JSON value becomes a Python value (see :mod:`.shapes`). On first use, each class gets a
structure and an unstructure function compiled from its table and registered with the
package's cattrs converter, so ``converter.structure(data, Charge)`` works and costs little
more than the attribute stores themselves.

Forward compatibility: keys the table does not know are kept in ``_extra`` and come back
on unstructure; enum values are never checked; an unknown ``object`` in a polymorphic
field becomes an :class:`UnknownObject` holding the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import attrs

from .shapes import ListOf, Shape

if TYPE_CHECKING:
    from collections.abc import Iterator

    from typing_extensions import Self

    from .pagination import AutoPager
    from .response import ResponseMeta

T = TypeVar("T")


@attrs.define(kw_only=True, weakref_slot=False)
class StripeObject:
    """Base of every generated model."""

    __stripe_fields__: ClassVar[tuple[tuple[str, str, bool, Shape | None], ...]] = ()
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

    def __contains__(self, key: str) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    @classmethod
    def from_dict(cls: type[_M], data: dict[str, Any]) -> _M:
        """Build the model from a decoded JSON object (unknown keys are kept)."""
        from .convert import structurer_for

        result: _M = structurer_for(cls)(data)
        return result

    def to_dict(self) -> dict[str, Any]:
        """The JSON object this model stands for, unknown keys included."""
        from .convert import unstructurer_for

        result: dict[str, Any] = unstructurer_for(type(self))(self)
        return result


_M = TypeVar("_M", bound=StripeObject)


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


@attrs.define(kw_only=True, weakref_slot=False)
class _Page(StripeObject, Generic[T]):
    """What list and search pages share: iteration over ``data`` and fetching more."""

    data: list[T] = attrs.field(factory=list)
    has_more: bool = False
    url: str | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def auto_paging_iter(self) -> AutoPager[T]:
        """Every item from this page on, fetching further pages as needed (``for`` with a
        ``StripeClient``, ``async for`` with an ``AsyncStripeClient``)."""
        from .pagination import AutoPager

        return AutoPager(self)

    def fetch_next_page(self) -> Self | None:
        """The next page, or None after the last one."""
        from .pagination import fetch_next

        return fetch_next(self)  # type: ignore[return-value]

    async def afetch_next_page(self) -> Self | None:
        """The next page, or None after the last one (``AsyncStripeClient``)."""
        from .pagination import afetch_next

        return await afetch_next(self)  # type: ignore[return-value]


@attrs.define(kw_only=True, weakref_slot=False)
class ListObject(_Page[T]):
    """A Stripe list object: one page of ``data`` and whether more exist."""

    __stripe_fields__ = (
        ("object", "object", True, None),
        ("data", "data", True, ListOf(None)),
        ("has_more", "has_more", True, None),
        ("url", "url", True, None),
    )

    object: str = "list"


@attrs.define(kw_only=True, weakref_slot=False)
class SearchResult(_Page[T]):
    """A Stripe search result page, continued with ``next_page``."""

    __stripe_fields__ = (
        ("object", "object", True, None),
        ("data", "data", True, ListOf(None)),
        ("has_more", "has_more", True, None),
        ("next_page", "next_page", True, None),
        ("total_count", "total_count", False, None),
        ("url", "url", True, None),
    )

    object: str = "search_result"
    next_page: str | None = None
    total_count: int | None = None
