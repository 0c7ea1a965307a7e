"""Per-request options accepted by every generated method, and upload input types."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, TypedDict, Union

if TYPE_CHECKING:
    from .retry import RetryPolicy, RetryStrategy

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
    retry_strategy: RetryStrategy
    """Decides this call's retries (see ``retry.RetryStrategy``)."""


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
    retry_strategy: RetryStrategy | None
    strict_guards: bool
    tracing: Any


DEFAULT_WEBHOOK_TOLERANCE = 300
"""Seconds a webhook signature's timestamp may be from now (either way) and still verify."""
