"""What a client is configured with (``ClientConfig``) and one request as built to be sent
(``PreparedRequest``): plain slotted values, so constructing a client loads no attrs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError
from ..objects.secrets import mask
from ..observability.tracing import check_tracing
from .options import check_base_url, check_count, check_header, check_seconds, check_strategy

if TYPE_CHECKING:
    from .retry import RetryPolicy, RetryStrategy

DEFAULT_BASE_URL = "https://api.stripe.com"
DEFAULT_FILES_BASE_URL = "https://files.stripe.com"
DEFAULT_METER_EVENTS_BASE_URL = "https://meter-events.stripe.com"
DEFAULT_TIMEOUT = 80.0


def _api_version() -> str:
    # The pinned version lives in the generated package; import it by name so this module
    # also type-checks on its own (as ``codegen.runtime``).
    version = importlib.import_module("..._version", __package__)
    return str(version.API_VERSION)


def _without_trailing_slash(url: Any) -> Any:
    return url.rstrip("/") if isinstance(url, str) else url  # anything else fails the check below


def _files_url_for(base_url: str) -> str:
    """Uploads go where API calls go (stripe-mock, a proxy), unless that is Stripe itself."""
    base_url = _without_trailing_slash(base_url)
    return DEFAULT_FILES_BASE_URL if base_url == DEFAULT_BASE_URL else base_url


def _meter_events_url_for(base_url: str) -> str:
    """The meter event stream follows ``base_url`` as uploads do, unless that is Stripe itself."""
    base_url = _without_trailing_slash(base_url)
    return DEFAULT_METER_EVENTS_BASE_URL if base_url == DEFAULT_BASE_URL else base_url


class ClientConfig:
    """Everything a client is configured with; per-call options override it.

    Frozen, compared and hashed by value, and ``replace(**changes)`` makes a changed copy. A
    plain slotted class, not attrs, so that constructing a client loads nothing it does not
    use; ``retry_policy`` (the default ``RetryPolicy()`` when none is given) is made on first
    read, by the first call that may retry.
    """

    FIELDS = (  # in the order of __init__'s arguments
        "api_key",
        "stripe_account",
        "api_version",
        "base_url",
        "files_base_url",
        "max_retries",
        "timeout",
        "retry_policy",
        "strict_guards",  # guard warnings (lattice_stripe.GuardWarning) raise instead
        "retry_strategy",  # None: retry_policy decides
        "tracing",  # True or a TracerProvider: OpenTelemetry spans (see tracing.py)
        "meter_events_base_url",  # the host of the v2 meter event stream
        "stripe_context",  # the v2 connected-account header (Stripe-Context)
    )
    __slots__ = tuple("_retry_policy" if name == "retry_policy" else name for name in FIELDS)

    api_key: str
    stripe_account: str | None
    api_version: str
    base_url: str
    files_base_url: str
    max_retries: int
    timeout: float
    _retry_policy: RetryPolicy | None
    strict_guards: bool
    retry_strategy: RetryStrategy | None
    tracing: Any
    meter_events_base_url: str
    stripe_context: str | None

    def __init__(
        self,
        api_key: str,
        stripe_account: str | None = None,
        api_version: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        files_base_url: str = DEFAULT_FILES_BASE_URL,
        max_retries: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        retry_policy: RetryPolicy | None = None,
        strict_guards: bool = False,
        retry_strategy: RetryStrategy | None = None,
        tracing: Any = False,
        meter_events_base_url: str = DEFAULT_METER_EVENTS_BASE_URL,
        stripe_context: str | None = None,
    ) -> None:
        # Every value that becomes a header or a URL is checked here, so a client (or a
        # with_options copy) that exists can send; an API key read from a file with its
        # newline fails now, not inside httpx with the key in the message.
        check_header("api_key", api_key)
        if stripe_account is not None:
            check_header("stripe_account", stripe_account)
        if stripe_context is not None:
            check_header("stripe_context", stripe_context)
        api_version = _api_version() if api_version is None else api_version
        check_header("api_version", api_version)
        base_url = check_base_url("base_url", _without_trailing_slash(base_url))
        files_base_url = check_base_url("files_base_url", _without_trailing_slash(files_base_url))
        meter_events_base_url = check_base_url(
            "meter_events_base_url", _without_trailing_slash(meter_events_base_url)
        )
        check_count("max_retries", max_retries)
        check_seconds("timeout", timeout)
        if retry_policy is not None:
            from .retry import RetryPolicy

            if not isinstance(retry_policy, RetryPolicy):
                raise InvalidArgumentError(
                    f"retry_policy must be a RetryPolicy, got {type(retry_policy).__name__}",
                    param="retry_policy",
                )
        if not isinstance(strict_guards, bool):
            raise InvalidArgumentError("strict_guards must be a bool", param="strict_guards")
        check_strategy("retry_strategy", retry_strategy)
        check_tracing("StripeClient", tracing)
        values = (
            api_key,
            stripe_account,
            api_version,
            base_url,
            files_base_url,
            max_retries,
            timeout,
            retry_policy,
            strict_guards,
            retry_strategy,
            tracing,
            meter_events_base_url,
            stripe_context,
        )
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    @property
    def retry_policy(self) -> RetryPolicy:
        policy = self._retry_policy
        if policy is None:
            from .retry import RetryPolicy

            policy = RetryPolicy()
            object.__setattr__(self, "_retry_policy", policy)
        return policy

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.FIELDS}

    def _given(self) -> dict[str, Any]:  # as passed: an unset retry_policy stays unset
        return {name.lstrip("_"): getattr(self, name) for name in self.__slots__}

    def replace(self, **changes: Any) -> ClientConfig:
        """A copy with some settings changed, checked like a new one."""
        return type(self)(**{**self._given(), **changes})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ClientConfig is frozen: use replace({name}=...)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"ClientConfig is frozen: use replace({name}=...)")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.values() == other.values()

    def __hash__(self) -> int:
        return hash(tuple(self.values().values()))

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), tuple(self._given().values())

    def __repr__(self) -> str:
        shown = (f"{k}={mask(v) if k == 'api_key' else repr(v)}" for k, v in self.values().items())
        return f"ClientConfig({', '.join(shown)})"


class PreparedRequest:
    """One request as built by ``prepare``, replayed as is by every retry."""

    __slots__ = (
        "content",
        "data",
        "files",
        "headers",
        "max_retries",
        "method",
        "path",
        "retry_strategy",
        "timeout",
        "url",
    )

    def __init__(
        self,
        method: str,
        url: str,
        path: str,  # without base URL and query string: what logs and hooks may show
        headers: dict[str, str],
        content: bytes | None,
        files: list[tuple[str, Any]] | None,
        data: dict[str, str] | None,
        timeout: float,
        max_retries: int,
        retry_strategy: RetryStrategy | None,  # None: the client's retry_policy
    ) -> None:
        self.method = method
        self.url = url
        self.path = path
        self.headers = headers
        self.content = content
        self.files = files
        self.data = data
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_strategy = retry_strategy

    def __repr__(self) -> str:  # never the headers (the key) or the query (customer data)
        return f"PreparedRequest({self.method} {self.path})"

    @property
    def send_args(self) -> dict[str, Any]:
        """The keyword arguments of ``httpx.Client.request`` besides method and URL."""
        return {
            "headers": self.headers,
            "content": self.content,
            "files": self.files,
            "data": self.data,
            "timeout": self.timeout,
        }
