"""The request pipeline shared by every generated resource: build, send, parse.

``SyncBaseClient`` and ``AsyncBaseClient`` differ only in how they send; request building
and response handling are the same functions, so both clients behave identically.
"""

from __future__ import annotations

import json
import platform
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import attrs

from .encoding import encode, flatten
from .errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidArgumentError,
    error_from_response,
)
from .options import OPTION_NAMES
from .secrets import mask
from .shapes import Binary

if TYPE_CHECKING:
    import httpx

    from .operation import Operation
    from .webhooks import WebhookEvent

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.stripe.com"
DEFAULT_FILES_BASE_URL = "https://files.stripe.com"
DEFAULT_TIMEOUT = 80.0
SDK_VERSION = "0.1.0"


def _api_version() -> str:
    from .._version import API_VERSION

    return API_VERSION


@attrs.frozen
class ClientConfig:
    """Everything a client is configured with; per-call options override it."""

    api_key: str = attrs.field(repr=mask)
    stripe_account: str | None = None
    api_version: str = attrs.field(factory=_api_version)
    base_url: str = DEFAULT_BASE_URL
    files_base_url: str = DEFAULT_FILES_BASE_URL
    max_retries: int = 2
    timeout: float = DEFAULT_TIMEOUT


@attrs.frozen
class PreparedRequest:
    method: str
    url: str
    headers: dict[str, str] = attrs.field(repr=False)
    content: bytes | None = None
    files: list[tuple[str, Any]] | None = None
    data: dict[str, str] | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = 0


def _user_agent() -> str:
    return f"lattice-stripe/{SDK_VERSION} python/{platform.python_version()}"


class _ClientCore:
    def __init__(
        self,
        api_key: str,
        *,
        stripe_account: str | None = None,
        api_version: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        files_base_url: str = DEFAULT_FILES_BASE_URL,
        max_retries: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise InvalidArgumentError("api_key must be a non-empty string (sk_... or rk_...)")
        self._config = ClientConfig(
            api_key=api_key,
            stripe_account=stripe_account,
            api_version=api_version or _api_version(),
            base_url=base_url.rstrip("/"),
            files_base_url=files_base_url.rstrip("/"),
            max_retries=max_retries,
            timeout=timeout,
        )
        self._user_agent = _user_agent()

    @property
    def config(self) -> ClientConfig:
        return self._config

    def construct_event(
        self, payload: bytes, sig_header: str | None, secret: str | Sequence[str], tolerance: int | None = 300
    ) -> WebhookEvent:
        """Verify a webhook delivery and return its typed event (see ``webhooks.construct_event``)."""
        from .webhooks import construct_event

        return construct_event(payload, sig_header, secret, tolerance)

    def __repr__(self) -> str:
        c = self._config
        return f"{type(self).__name__}(api_key={mask(c.api_key)}, base_url={c.base_url!r}, api_version={c.api_version!r})"

    def prepare(
        self,
        op: Operation[Any],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> PreparedRequest:
        """Everything needed to send a call; raises before any HTTP if an argument is wrong."""
        unknown = set(options) - OPTION_NAMES
        if unknown:
            names = ", ".join(sorted(unknown))
            raise InvalidArgumentError(
                f"{op.operation_id}: unexpected keyword argument(s) {names}; "
                f"request options are {', '.join(sorted(OPTION_NAMES))}"
            )
        config = self._config
        segments = []
        for value in path_args:
            if not isinstance(value, str) or not value:
                raise InvalidArgumentError(
                    f"{op.operation_id}: path parameter must be a non-empty id string, got {value!r}"
                )
            segments.append(quote(value, safe=""))
        base = config.files_base_url if op.base == "files" else config.base_url
        url = base + op.path_format.format(*segments)
        headers = {
            "Authorization": f"Bearer {config.api_key}",
            "Stripe-Version": options.get("stripe_version") or config.api_version,
            "User-Agent": self._user_agent,
            "Accept": "application/json",
        }
        account = options.get("stripe_account") or config.stripe_account
        if account:
            headers["Stripe-Account"] = account
        content: bytes | None = None
        files: list[tuple[str, Any]] | None = None
        data: dict[str, str] | None = None
        if op.method == "post":
            headers["Idempotency-Key"] = options.get("idempotency_key") or str(uuid.uuid4())
            if op.encoding == "multipart":
                files, data = _multipart(params)
            else:
                content = encode(params).encode("ascii")
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            query = encode(params)
            if query:
                url += "?" + query
        return PreparedRequest(
            method=op.method.upper(),
            url=url,
            headers=headers,
            content=content,
            files=files,
            data=data,
            timeout=float(options.get("timeout", config.timeout)),
            max_retries=int(options.get("max_retries", config.max_retries)),
        )

    @staticmethod
    def parse(op: Operation[T], status: int, headers: Mapping[str, str], body: bytes) -> T:
        if status >= 300:
            raise error_from_response(status, headers, body)
        if isinstance(op.shape, Binary):
            return body  # type: ignore[return-value]
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise error_from_response(status, headers, body) from exc
        return op.structure(data)


def _multipart(params: Mapping[str, Any]) -> tuple[list[tuple[str, Any]], dict[str, str]]:
    files: list[tuple[str, Any]] = []
    rest: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (bytes, bytearray)) or hasattr(value, "read") or isinstance(value, tuple):
            files.append((key, value if not isinstance(value, (bytes, bytearray)) else (key, bytes(value))))
        else:
            rest[key] = value
    return files, dict(flatten(rest))


class SyncBaseClient(_ClientCore):
    """Sends requests with one pooled ``httpx.Client``, created on first use."""

    def __init__(self, api_key: str, *, http_client: httpx.Client | None = None, **config: Any) -> None:
        super().__init__(api_key, **config)
        self._http = http_client

    def _http_client(self) -> httpx.Client:
        if self._http is None:
            import httpx

            self._http = httpx.Client()
        return self._http

    def request(
        self,
        op: Operation[T],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> T:
        prepared = self.prepare(op, path_args, params, options)
        import httpx

        try:
            response = self._http_client().request(
                prepared.method,
                prepared.url,
                headers=prepared.headers,
                content=prepared.content,
                files=prepared.files,
                data=prepared.data,
                timeout=prepared.timeout,
            )
        except httpx.TimeoutException as exc:
            raise APITimeoutError(f"request timed out: {exc}") from exc
        except httpx.TransportError as exc:
            raise APIConnectionError(f"connection failed: {exc}") from exc
        return self.parse(op, response.status_code, response.headers, response.content)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncBaseClient(_ClientCore):
    """Sends requests with one pooled ``httpx.AsyncClient``, created on first use."""

    def __init__(self, api_key: str, *, http_client: httpx.AsyncClient | None = None, **config: Any) -> None:
        super().__init__(api_key, **config)
        self._http = http_client

    def _http_client(self) -> httpx.AsyncClient:
        if self._http is None:
            import httpx

            self._http = httpx.AsyncClient()
        return self._http

    async def request(
        self,
        op: Operation[T],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> T:
        prepared = self.prepare(op, path_args, params, options)
        import httpx

        try:
            response = await self._http_client().request(
                prepared.method,
                prepared.url,
                headers=prepared.headers,
                content=prepared.content,
                files=prepared.files,
                data=prepared.data,
                timeout=prepared.timeout,
            )
        except httpx.TimeoutException as exc:
            raise APITimeoutError(f"request timed out: {exc}") from exc
        except httpx.TransportError as exc:
            raise APIConnectionError(f"connection failed: {exc}") from exc
        return self.parse(op, response.status_code, response.headers, response.content)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def __aenter__(self: T) -> T:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
