"""List and search pages, and following them.

A page remembers the call that produced it (``last_response.call``); the next page is
the same call with one cursor changed, so filters, ``limit``, ``expand`` and per-request
options such as ``stripe_account`` carry over. Lists move forward with
``starting_after=<last id>``; a list started with ``ending_before`` moves backward with
``ending_before=<first id>`` and yields each page newest-last, as Stripe's own SDKs do.
Search follows ``next_page``; v2 lists (:class:`V2ListObject`) follow the ``page`` token of
``next_page_url``. A cursor that does not move (the server repeating itself) raises instead
of looping forever.

Pages reach the client only through the :class:`~.response.Call` that fetched them. The
two clients return different page types: ``ListObject`` / ``SearchResult`` page with
``for`` (:class:`AutoPager`), ``AsyncListObject`` / ``AsyncSearchResult`` with ``async for``
(:class:`AsyncAutoPager`) and awaited fetches, so a type checker refuses the wrong loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ..errors import APIError, InvalidArgumentError
from .models import NESTED, StripeObject

if TYPE_CHECKING:
    from typing_extensions import Self

    from .response import AsyncRequester, Call, SyncRequester

T = TypeVar("T")


@attrs.define(kw_only=True, weakref_slot=False)
class Page(StripeObject, Generic[T]):
    """What every page shares: iteration over ``data``, and following pages."""

    data: list[T] = attrs.field(factory=list)

    def __iter__(self) -> Iterator[T]:
        return iter(_data(self))

    def __len__(self) -> int:
        return len(_data(self))

    def auto_paging_iter(self) -> AutoPager[T]:
        """Every item from this page on, fetching further pages as needed (``for``)."""
        return AutoPager(self)

    def fetch_next_page(self) -> Self | None:
        """The next page, or None after the last one."""
        return fetch_next(self)  # type: ignore[return-value]


class _AsyncPaging(Page[T]):
    """How pages from an ``AsyncStripeClient`` follow on: ``async for`` and awaited fetches.

    A subclass of the sync page at run time (``isinstance(page, ListObject)`` holds for
    both), but its paging methods are the async ones, so type checkers refuse ``for``
    over its pager and an un-awaited ``fetch_next_page()``.
    """

    __slots__ = ()

    def auto_paging_iter(self) -> AsyncAutoPager[T]:  # type: ignore[override]
        """Every item from this page on, fetching further pages as needed (``async for``)."""
        return AsyncAutoPager(self)

    async def fetch_next_page(self) -> Self | None:  # type: ignore[override]
        """The next page, or None after the last one."""
        return await afetch_next(self)  # type: ignore[return-value]

    async def afetch_next_page(self) -> Self | None:
        """The same as ``await page.fetch_next_page()``."""
        return await self.fetch_next_page()


@attrs.define(kw_only=True, weakref_slot=False)
class _V1Page(Page[T]):
    """v1 pages: whether more exist, and the list's URL."""

    has_more: bool = False
    url: str | None = None


@attrs.define(kw_only=True, weakref_slot=False)
class ListObject(_V1Page[T]):
    """A Stripe list object: one page of ``data`` and whether more exist."""

    __stripe_fields__ = (
        ("object", "object", True, None),
        ("data", "data", True, NESTED),
        ("has_more", "has_more", True, None),
        ("url", "url", True, None),
    )

    object: str = "list"


@attrs.define(kw_only=True, weakref_slot=False)
class SearchResult(_V1Page[T]):
    """A Stripe search result page, continued with ``next_page``."""

    __stripe_fields__ = (
        ("object", "object", True, None),
        ("data", "data", True, NESTED),
        ("has_more", "has_more", True, None),
        ("next_page", "next_page", True, None),
        ("total_count", "total_count", False, None),
        ("url", "url", True, None),
    )

    object: str = "search_result"
    next_page: str | None = None
    total_count: int | None = None


@attrs.define(kw_only=True, weakref_slot=False)
class V2ListObject(Page[T]):
    """A v2 list page: ``data``, and ``next_page_url`` (None on the last page) whose opaque
    ``page`` token the next request sends."""

    __stripe_fields__ = (
        ("data", "data", True, NESTED),
        ("next_page_url", "next_page_url", True, None),
        ("previous_page_url", "previous_page_url", True, None),
    )

    next_page_url: str | None = None
    previous_page_url: str | None = None


@attrs.define(kw_only=True, weakref_slot=False)
class AsyncListObject(_AsyncPaging[T], ListObject[T]):
    """A list page from an ``AsyncStripeClient``: ``async for`` over ``auto_paging_iter()``."""


@attrs.define(kw_only=True, weakref_slot=False)
class AsyncSearchResult(_AsyncPaging[T], SearchResult[T]):
    """A search page from an ``AsyncStripeClient``: ``async for`` over ``auto_paging_iter()``."""


@attrs.define(kw_only=True, weakref_slot=False)
class AsyncV2ListObject(_AsyncPaging[T], V2ListObject[T]):
    """A v2 list page from an ``AsyncStripeClient``: ``async for`` over ``auto_paging_iter()``."""


_ASYNC_PAGES: dict[type, type] = {
    ListObject: AsyncListObject,
    SearchResult: AsyncSearchResult,
    V2ListObject: AsyncV2ListObject,
}


def as_async(result: T) -> T:
    """``result`` as an async client returns it: a list or search page becomes its async
    flavour (the same fields, no copy); anything else, embedded lists included, is unchanged."""
    flavour = _ASYNC_PAGES.get(type(result))
    if flavour is not None:
        result.__class__ = flavour
    return result


# -- cursors ---------------------------------------------------------------------------------


def _item_id(item: Any) -> str:
    value = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    if not isinstance(value, str):
        raise InvalidArgumentError(f"cannot page past an item without an id: {item!r:.200}")
    return value


def _is_backward(params: dict[str, Any]) -> bool:
    return params.get("ending_before") is not None and params.get("starting_after") is None


def _cursor_key(page: Page[Any], params: dict[str, Any]) -> str:
    if isinstance(page, (SearchResult, V2ListObject)):
        return "page"
    return "ending_before" if _is_backward(params) else "starting_after"


def _has_more(page: Page[Any]) -> bool:
    if isinstance(page, V2ListObject):
        return page.next_page_url is not None
    return bool(getattr(page, "has_more", False))


def _page_token(url: str) -> str | None:
    """The ``page`` parameter of a v2 ``next_page_url``."""
    from urllib.parse import parse_qs, urlsplit

    found = parse_qs(urlsplit(url).query).get("page")
    return found[0] if found else None


def _data(page: Page[T]) -> list[T]:
    data = page.data
    if data is None:  # `data: null` on the wire: an empty page
        return []
    if not isinstance(data, list):
        raise APIError(f"a {type(page).__name__} whose data is {type(data).__name__}, not a list")
    return data


def next_params(page: Page[Any], params: dict[str, Any]) -> dict[str, Any] | None:
    """Parameters of the page after ``page``, or None when it was the last one.

    Raises :class:`APIError` when the server says there is more but the cursor would not
    move (the same last id, or the same ``next_page``): following it would never end.
    """
    data = _data(page)
    if not _has_more(page):
        return None
    key = _cursor_key(page, params)
    if isinstance(page, V2ListObject):  # an empty v2 page may still have a next one
        token = _page_token(page.next_page_url or "")
        if token is None:
            raise APIError(f"a v2 next_page_url without a page token: {page.next_page_url!r:.200}")
        cursor: str = token
    elif not data:
        return None
    elif isinstance(page, SearchResult):
        if not page.next_page:
            return None
        cursor = page.next_page
    else:
        cursor = _item_id(data[0] if key == "ending_before" else data[-1])
    if params.get(key) == cursor:
        raise APIError(
            f"pagination did not advance: the server answered more pages with the same {key}={cursor!r} "
            "that was sent; stopping instead of requesting it again"
        )
    return {**params, key: cursor}


def _call_of(page: Page[Any]) -> Call:
    meta = page.last_response
    if meta is None or meta.call is None:
        raise InvalidArgumentError(
            "this page was not returned by a client call (for example a list embedded in another "
            "object); fetch it with the resource's list method to page through it"
        )
    return meta.call


def _ordered(page: Page[T], params: dict[str, Any]) -> Sequence[T]:
    data = _data(page)
    return data[::-1] if isinstance(page, ListObject) and _is_backward(params) else data


def _sync_requester(call: Call) -> SyncRequester:
    if call.client.is_async:
        raise InvalidArgumentError(
            "this page came from an AsyncStripeClient: use `await page.afetch_next_page()`"
        )
    return call.client  # type: ignore[return-value]


def _async_requester(call: Call) -> AsyncRequester:
    if not call.client.is_async:
        raise InvalidArgumentError("this page came from a StripeClient: use `page.fetch_next_page()`")
    return call.client  # type: ignore[return-value]


def _following(page: Page[Any]) -> tuple[Call, dict[str, Any]] | None:
    """The call and parameters that fetch the page after ``page``, or None."""
    if not _has_more(page):
        return None
    call = _call_of(page)
    params = next_params(page, dict(call.params))
    return None if params is None else (call, params)


def fetch_next(page: Page[T]) -> Page[T] | None:
    """The next page (one request), or None; sync clients only."""
    following = _following(page)
    if following is None:
        return None
    call, params = following
    result: Page[T] = _sync_requester(call)._request(call.op, call.path_args, params, call.options)
    return result


async def afetch_next(page: Page[T]) -> Page[T] | None:
    """The next page (one request), or None; async clients only."""
    following = _following(page)
    if following is None:
        return None
    call, params = following
    result: Page[T] = await _async_requester(call)._request(call.op, call.path_args, params, call.options)
    return result


def _params(page: Page[Any]) -> dict[str, Any]:
    meta = page.last_response
    return dict(meta.call.params) if meta is not None and meta.call is not None else {}


class _Pager(Generic[T]):
    """Holds only the page being read: earlier pages (and their responses) are released as
    iteration moves on, so memory stays flat in the number of pages."""

    __slots__ = ("_page",)

    def __init__(self, page: Page[T]) -> None:
        self._page: Page[T] | None = page


class AutoPager(_Pager[T]):
    """Every item from ``page`` on, fetching pages as needed (``for``, ``StripeClient``)."""

    __slots__ = ()

    def __iter__(self) -> Iterator[T]:
        page = self._page
        while page is not None:
            yield from _ordered(page, _params(page))
            following = _following(page)
            page = None  # release this page before the next one arrives
            if following is not None:
                call, params = following
                page = _sync_requester(call)._request(call.op, call.path_args, params, call.options)

    if not TYPE_CHECKING:  # for untyped callers: type checkers see no `async for` here at all

        def __aiter__(self) -> AsyncIterator[T]:
            raise InvalidArgumentError(
                "this page came from a StripeClient: use `for` (or `page.fetch_next_page()`), not `async for`"
            )


class AsyncAutoPager(_Pager[T]):
    """Every item from ``page`` on, fetching pages as needed (``async for``,
    ``AsyncStripeClient``)."""

    __slots__ = ()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._aiter()

    async def _aiter(self) -> AsyncIterator[T]:
        page = self._page
        while page is not None:
            for item in _ordered(page, _params(page)):
                yield item
            following = _following(page)
            page = None  # release this page before the next one arrives
            if following is not None:
                call, params = following
                page = await _async_requester(call)._request(call.op, call.path_args, params, call.options)

    if not TYPE_CHECKING:  # for untyped callers: type checkers see no `for` here at all

        def __iter__(self) -> Iterator[T]:
            raise InvalidArgumentError(
                "this page came from an AsyncStripeClient: use `async for` "
                "(or `await page.fetch_next_page()`), not `for`"
            )
