"""Following list and search pages.

A page remembers the call that produced it (``last_response.call``); the next page is
the same call with one cursor changed, so filters, ``limit``, ``expand`` and per-request
options such as ``stripe_account`` carry over. Lists move forward with
``starting_after=<last id>``; a list started with ``ending_before`` moves backward with
``ending_before=<first id>`` and yields each page newest-last, as Stripe's own SDKs do.
Search follows ``next_page``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import InvalidArgumentError

if TYPE_CHECKING:
    from .models import _Page as Page
    from .response import Call

T = TypeVar("T")


def _item_id(item: Any) -> str:
    value = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    if not isinstance(value, str):
        raise InvalidArgumentError(f"cannot page past an item without an id: {item!r}")
    return value


def _is_backward(params: dict[str, Any]) -> bool:
    return params.get("ending_before") is not None and params.get("starting_after") is None


def next_params(page: Page[Any], params: dict[str, Any]) -> dict[str, Any] | None:
    """Parameters of the page after ``page``, or None when it was the last one."""
    from .models import SearchResult

    if not page.has_more or not page.data:
        return None
    if isinstance(page, SearchResult):
        return {**params, "page": page.next_page} if page.next_page else None
    if _is_backward(params):
        return {**params, "ending_before": _item_id(page.data[0])}
    return {**params, "starting_after": _item_id(page.data[-1])}


def _call_of(page: Page[Any]) -> Call:
    meta = page.last_response
    if meta is None or meta.call is None:
        raise InvalidArgumentError(
            "this page was not returned by a client call (for example a list embedded in another "
            "object); fetch it with the resource's list method to page through it"
        )
    return meta.call


def _ordered(page: Page[T], params: dict[str, Any]) -> Sequence[T]:
    from .models import ListObject

    return page.data[::-1] if isinstance(page, ListObject) and _is_backward(params) else page.data


def fetch_next(page: Page[T]) -> Page[T] | None:
    """The next page (one request), or None; sync clients only."""
    if not page.has_more:
        return None
    call = _call_of(page)
    params = next_params(page, dict(call.params))
    if params is None:
        return None
    if call.client.is_async:
        raise InvalidArgumentError(
            "this page came from an AsyncStripeClient: use `await page.afetch_next_page()`"
        )
    result: Page[T] = call.client.request(call.op, call.path_args, params, call.options)
    return result


async def afetch_next(page: Page[T]) -> Page[T] | None:
    """The next page (one request), or None; async clients only."""
    if not page.has_more:
        return None
    call = _call_of(page)
    params = next_params(page, dict(call.params))
    if params is None:
        return None
    if not call.client.is_async:
        raise InvalidArgumentError("this page came from a StripeClient: use `page.fetch_next_page()`")
    result: Page[T] = await call.client.request(call.op, call.path_args, params, call.options)
    return result


class AutoPager(Generic[T]):
    """Every item from ``page`` on, fetching pages as needed: ``for`` on pages from a
    ``StripeClient``, ``async for`` on pages from an ``AsyncStripeClient``."""

    __slots__ = ("_page",)

    def __init__(self, page: Page[T]) -> None:
        self._page = page

    def _params(self, page: Page[T]) -> dict[str, Any]:
        meta = page.last_response
        return dict(meta.call.params) if meta is not None and meta.call is not None else {}

    def __iter__(self) -> Iterator[T]:
        page: Page[T] | None = self._page
        while page is not None:
            yield from _ordered(page, self._params(page))
            page = fetch_next(page)

    async def _aiter(self) -> AsyncIterator[T]:
        page: Page[T] | None = self._page
        while page is not None:
            for item in _ordered(page, self._params(page)):
                yield item
            page = await afetch_next(page)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._aiter()
