"""HTTP metadata of a call, kept next to its typed result.

Every model returned by a call carries ``last_response`` (status, headers, request id,
attempts). ``resource.with_raw_response.<method>(...)`` returns a :class:`RawResponse`
instead, for callers who want the metadata first (or the body of a binary download) and
the model only on ``parse()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import attrs

from .secrets import params_repr

if TYPE_CHECKING:
    from ..http.operation import Operation

T = TypeVar("T")


class SyncRequester(Protocol):
    """What a page needs from a ``StripeClient`` to fetch the next one."""

    is_async: bool

    def _request(
        self,
        op: Operation[T],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> T: ...


class AsyncRequester(Protocol):
    """What a page needs from an ``AsyncStripeClient`` to fetch the next one."""

    is_async: bool

    async def _request(
        self,
        op: Operation[T],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> T: ...


@attrs.frozen
class Call:
    """What produced a result: pagination re-sends it with a new cursor."""

    client: SyncRequester | AsyncRequester
    op: Operation[Any]
    path_args: tuple[str, ...]
    params: Mapping[str, Any] = attrs.field(repr=params_repr)
    options: Mapping[str, Any] = attrs.field(repr=params_repr)


@attrs.frozen
class ResponseMeta:
    """``obj.last_response``: how the HTTP exchange that produced ``obj`` ended."""

    status_code: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    attempts: int
    call: Call | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def request_id(self) -> str | None:
        return self.headers.get("request-id")


class RawResponse(Generic[T]):
    """A response before parsing: ``status_code``, ``headers``, ``request_id``,
    ``content`` (bytes), ``attempts``; ``parse()`` gives the typed result (once)."""

    __slots__ = ("_parse", "_parsed", "attempts", "content", "headers", "status_code")

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        attempts: int,
        parse: Callable[[], T],
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.attempts = attempts
        self._parse = parse
        self._parsed: list[T] = []

    @property
    def request_id(self) -> str | None:
        return self.headers.get("request-id")

    def parse(self) -> T:
        if not self._parsed:
            self._parsed.append(self._parse())
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<RawResponse {self.status_code} request_id={self.request_id} attempts={self.attempts}>"
