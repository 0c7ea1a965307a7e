"""Per-request options accepted by every generated method, and upload input types."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol, SupportsIndex, TypedDict, TypeVar, Union, overload

if TYPE_CHECKING:
    from .retry import RetryPolicy

_T_co = TypeVar("_T_co", covariant=True)


class SequenceNotStr(Protocol[_T_co]):
    """What array parameters accept: a list or tuple, never a bare ``str``.

    ``str`` is a ``Sequence[str]``, so ``expand="customer"`` would type-check; its
    ``__contains__`` takes only ``str``, which this protocol's ``object`` rules out."""

    @overload
    def __getitem__(self, index: SupportsIndex, /) -> _T_co: ...
    @overload
    def __getitem__(self, index: slice, /) -> Sequence[_T_co]: ...
    def __contains__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T_co]: ...
    def __reversed__(self) -> Iterator[_T_co]: ...
    def index(self, value: Any, start: int = 0, stop: int = ..., /) -> int: ...
    def count(self, value: Any, /) -> int: ...


FileInput = Union[
    bytes, IO[bytes], tuple[str, Union[bytes, IO[bytes]]], tuple[str, Union[bytes, IO[bytes]], str]
]
"""An upload: bytes, a binary file, or ``(filename, content[, content_type])``."""


class RequestOptions(TypedDict, total=False):
    """Options for one call; each overrides the client's setting for that call only."""

    idempotency_key: str
    """Key making a POST safe to retry; one is generated when not given."""
    stripe_account: str
    """Act on a connected account (``Stripe-Account`` header)."""
    stripe_version: str
    """Override the API version for this call."""
    timeout: float
    """Seconds before giving up on one attempt."""
    max_retries: int
    """Retries after the first attempt."""


OPTION_NAMES = frozenset(RequestOptions.__annotations__)


class ClientOptions(TypedDict, total=False):
    """Settings ``client.with_options(...)`` may change; the derived client shares the pool."""

    api_key: str
    stripe_account: str | None
    api_version: str
    base_url: str
    files_base_url: str
    max_retries: int
    timeout: float
    retry_policy: RetryPolicy
    strict_guards: bool


DEFAULT_WEBHOOK_TOLERANCE = 300
"""Seconds a webhook signature's timestamp may be from now (either way) and still verify."""
