"""Per-request options accepted by every generated method, upload input types, and the checks
every option and client setting passes before any HTTP."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol, SupportsIndex, TypedDict, TypeVar, Union, overload

from ..errors import InvalidArgumentError

if TYPE_CHECKING:
    from .retry import RetryPolicy, RetryStrategy

_T_co = TypeVar("_T_co", covariant=True)


class SequenceNotStr(Protocol[_T_co]):
    """What array parameters accept: a list or tuple, never a bare ``str``.

    ``str`` is a ``Sequence[str]``, so ``expand="customer"`` would type-check; its
    ``__contains__`` takes only ``str``, which this protocol's ``object`` rules out.

    No ``index``/``count``: a member taking the item type in a parameter (``list.index(value:
    T)`` against ``value: Any``) makes mypy solve a list display's item type as ``Any``, and
    ``items=[{"pricee": ...}]`` would then go unchecked."""

    @overload
    def __getitem__(self, index: SupportsIndex, /) -> _T_co: ...
    @overload
    def __getitem__(self, index: slice, /) -> Sequence[_T_co]: ...
    def __contains__(self, value: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T_co]: ...
    def __reversed__(self) -> Iterator[_T_co]: ...


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
    stripe_context: str
    """Act in an account's context (``Stripe-Context`` header, v2's connected-account header)."""
    stripe_version: str
    """Override the API version for this call."""
    timeout: float
    """Seconds before giving up on one attempt."""
    max_retries: int
    """Retries after the first attempt."""
    retry_strategy: RetryStrategy
    """Decides this call's retries (see ``retry.RetryStrategy``)."""


OPTION_NAMES = frozenset(RequestOptions.__annotations__)
HEADER_OPTIONS = frozenset({"idempotency_key", "stripe_account", "stripe_context", "stripe_version"})


class ClientOptions(TypedDict, total=False):
    """Settings ``client.with_options(...)`` may change; the derived client shares the pool."""

    api_key: str
    stripe_account: str | None
    api_version: str
    base_url: str
    files_base_url: str
    meter_events_base_url: str
    stripe_context: str | None
    max_retries: int
    timeout: float
    retry_policy: RetryPolicy
    retry_strategy: RetryStrategy | None
    strict_guards: bool
    tracing: Any


# Header values: printable ASCII, no surrounding spaces (an API key: no spaces at all). CR, LF
# and NUL would split or truncate the header; non-ASCII cannot be encoded. Values are never
# quoted in errors: a header may hold a key.
_HEADER_VALUE = re.compile(r"[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?").fullmatch
_API_KEY = re.compile(r"[\x21-\x7e]+").fullmatch
MAX_IDEMPOTENCY_KEY = 255  # Stripe's limit


def _kind(value: Any) -> str:
    return type(value).__name__


def check_header(name: str, value: Any) -> str:
    """``value`` if it can be sent as this header, else InvalidArgumentError (never quoting it)."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a string, got {_kind(value)}", param=name)
    match = _API_KEY if name == "api_key" else _HEADER_VALUE
    if not match(value):
        what = "without whitespace" if name == "api_key" else "without leading or trailing whitespace"
        raise InvalidArgumentError(
            f"{name} must be non-empty printable ASCII {what} (no CR, LF, NUL or other control "
            f"characters); the value given ({len(value)} characters, not shown) is not",
            param=name,
        )
    if name == "idempotency_key" and len(value) > MAX_IDEMPOTENCY_KEY:
        raise InvalidArgumentError(
            f"idempotency_key must be at most {MAX_IDEMPOTENCY_KEY} characters, got {len(value)}",
            param=name,
        )
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f]").search


def check_no_controls(name: str, value: str) -> str:
    """The one rule for text that becomes part of a URL path or of a header line (a raw
    request's path, a multipart field name or filename; header values pass the stricter
    :func:`check_header`): no control character (CR, LF, TAB, NUL, DEL...). httpx refuses them
    while sending, aiohttp's URL parser drops them silently (the request goes to another
    path), and CR/LF in a header line forges the next one. Checked before anything is sent;
    the value is not quoted (it may be a secret), only what was found and where."""
    found = _CONTROL(value)
    if found is not None:
        raise InvalidArgumentError(
            f"{name} may not contain control characters (CR, LF, TAB, NUL...); it has "
            f"\\x{ord(found.group()):02x} at position {found.start()}",
            param=name,
        )
    return value


def check_seconds(name: str, value: Any, *, zero_ok: bool = False) -> float:
    """A finite number of seconds (> 0, or >= 0 with ``zero_ok``) as a float."""
    bound = ">= 0" if zero_ok else "> 0"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(
            f"{name} must be a number of seconds {bound}, got {_kind(value)} {value!r:.40}", param=name
        )
    small = isinstance(value, float) or abs(value) < 2**64  # float() of a huge int overflows
    seconds = float(value) if small else math.inf
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not zero_ok):
        shown = f"{value!r:.40}" if small else f"an int of {int(value).bit_length()} bits"
        raise InvalidArgumentError(
            f"{name} must be a finite number of seconds {bound}, got {shown}", param=name
        )
    return seconds


def check_count(name: str, value: Any) -> int:
    """An int >= 0 (a bool, float or string is refused, not truncated)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(
            f"{name} must be an int >= 0, got {_kind(value)} {value!r:.40}", param=name
        )
    return value


def check_strategy(name: str, strategy: Any) -> None:
    """None (the client's strategy) or a callable taking a RetryAttempt."""
    if strategy is not None and not callable(strategy):
        raise InvalidArgumentError(
            f"{name} must be a callable taking a RetryAttempt and returning seconds or None, "
            f"got {_kind(strategy)}",
            param=name,
        )


def check_base_url(name: str, value: Any) -> str:
    """An ``http(s)://host[:port][/prefix]`` URL without query, fragment or whitespace."""
    from urllib.parse import urlsplit

    problem = None
    if not isinstance(value, str):
        problem = f"got {_kind(value)}"
    elif not _API_KEY(value):
        problem = "it contains whitespace, control or non-ASCII characters"
    else:
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError as exc:
            problem = str(exc)
        else:
            if parts.scheme not in ("http", "https") or not parts.hostname:
                problem = "it needs an http:// or https:// scheme and a host"
            elif parts.query or parts.fragment or parts.username or parts.password:
                problem = "it may not carry a query, fragment or credentials"
    if problem:
        raise InvalidArgumentError(
            f"{name} must be an http(s) URL such as https://api.stripe.com: {problem}", param=name
        )
    return str(value)


def refuse_unknown_options(call_path: str, options: Mapping[str, Any], params: Iterable[str] = ()) -> None:
    """Refuse keyword arguments that are neither the method's parameters (``params``: those
    never reach here) nor request options, naming the closest of either for each."""
    unknown = sorted(set(options) - OPTION_NAMES)
    if unknown:
        import difflib  # only for a mistake

        known = [*params, *sorted(OPTION_NAMES)]
        named = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=1)
            named.append(f"{name} (did you mean {close[0]}?)" if close else name)
        raise InvalidArgumentError(
            f"{call_path}: unexpected keyword argument(s) {', '.join(named)}; "
            f"request options are {', '.join(sorted(OPTION_NAMES))}",
            param=unknown[0],
        )


def check_request_options(call_path: str, options: Mapping[str, Any], params: Iterable[str] = ()) -> None:
    """Refuse unknown or malformed per-request options before any HTTP."""
    if not OPTION_NAMES.issuperset(options):
        refuse_unknown_options(call_path, options, params)
    try:
        for name, value in options.items():
            if name in HEADER_OPTIONS:
                if value is not None:  # None: the client's setting (or none), as if not given
                    check_header(name, value)
            elif name == "timeout":
                check_seconds(name, value)
            elif name == "retry_strategy":
                check_strategy(name, value)
            else:
                check_count(name, value)
    except InvalidArgumentError as exc:
        raise InvalidArgumentError(f"{call_path}: {exc.message}", param=exc.param) from None
