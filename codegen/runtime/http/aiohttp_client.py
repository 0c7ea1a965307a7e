"""The pool an ``AsyncStripeClient`` creates when the ``aiohttp`` extra is installed.

With ``pip install 'lattice-stripe[aiohttp]'``, :func:`.transport.new_async_http` gives
:class:`AiohttpClient`: aiohttp's connection pool behind the small part of the
``httpx.AsyncClient`` interface the runtime uses (``request(...)`` returning status,
``httpx.Headers`` and body bytes; ``aclose()``). Failures are raised as the httpx
exceptions httpx raises in the same situation, so retries, timeouts and error mapping are
the same code whichever client sent the request, at about a third of httpx's CPU per
request. Without aiohttp it is a plain ``httpx.AsyncClient``.

Imported on the first async request only: ``import lattice_stripe`` never loads httpx or
aiohttp.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from typing import Any

import httpx


class AiohttpResponse:
    """What the runtime reads from a response: ``status_code``, ``headers``, ``content``."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: httpx.Headers, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class AiohttpClient:
    """One ``aiohttp.ClientSession`` (made on first use, inside the running event loop)
    speaking the subset of ``httpx.AsyncClient.request`` the runtime calls."""

    bounds_attempts = True  # ``timeout`` bounds the whole attempt, not each read

    def __init__(self, *, max_connections: int = 100, keepalive_expiry: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._session: Any = None  # aiohttp.ClientSession
        self.is_closed = False  # as httpx.AsyncClient: True once aclose() ran
        self._proxies = environment_proxies()  # read once, as httpx reads them when made

    def _open(self) -> Any:
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            keepalive_timeout=self._keepalive_expiry,
            ssl=httpx.create_ssl_context(),  # the CA bundle httpx verifies with (certifi)
        )
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        content: bytes | None = None,
        files: list[tuple[str, Any]] | None = None,
        data: Mapping[str, str] | None = None,
        timeout: float,
    ) -> AiohttpResponse:
        import aiohttp

        session = self._session
        if session is None or session.closed:
            session = self._session = self._open()
            self.is_closed = False
        body: Any = content
        if files is not None:
            body = aiohttp.FormData(quote_fields=False)
            for name, value in (data or {}).items():
                body.add_field(name, value)
            for name, (filename, file_content, *content_type) in files:
                body.add_field(
                    name, file_content, filename=filename, content_type=next(iter(content_type), None)
                )
        # ``total`` is the whole attempt (connect, send, every read): the per-attempt deadline.
        limits = aiohttp.ClientTimeout(
            total=timeout, connect=timeout, sock_connect=timeout, sock_read=timeout
        )
        try:
            async with session.request(
                method,
                url,
                headers=headers,
                data=body,
                allow_redirects=False,
                timeout=limits,
                proxy=proxy_for(self._proxies, url) if self._proxies else None,
            ) as response:
                payload = await response.read()
                return AiohttpResponse(response.status, httpx.Headers(response.raw_headers), payload)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _httpx_error(exc, method, url) from exc

    async def aclose(self) -> None:
        session, self._session = self._session, None
        self.is_closed = True
        if session is not None:
            await session.close()


Proxies = tuple[tuple[str, str], ...]


def environment_proxies() -> Proxies:
    """``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` (any case) as httpx reads
    them (``(("all", ...), ("http", ...), ("https", ...), ("no", ...))``), so both transports
    leave through the same proxy; aiohttp's own ``trust_env`` ignores ``ALL_PROXY``."""
    import urllib.request

    found = urllib.request.getproxies_environment().items()
    return tuple(sorted((k, v) for k, v in found if k in _PROXY_KEYS and v))


_PROXY_KEYS = frozenset({"http", "https", "all", "no"})


@functools.lru_cache(maxsize=256)
def _proxy_for(proxies: Proxies, scheme: str, netloc: str) -> str | None:
    import urllib.request

    table = dict(proxies)
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    if "no" in table and bypass(netloc, {"no": table["no"]}):
        return None
    return table.get(scheme) or table.get("all")


def proxy_for(proxies: Proxies, url: str) -> str | None:
    """The proxy a request to ``url`` goes through (None: direct), ``NO_PROXY`` honoured."""
    scheme, _, rest = url.partition("://")
    return _proxy_for(proxies, scheme, rest.split("/", 1)[0].split("?", 1)[0])


def _httpx_error(exc: BaseException, method: str, url: str) -> httpx.TransportError:
    """The httpx exception httpx's own transport raises for the same failure: a refused
    connection is ``ConnectError``, a dropped or garbled response ``RemoteProtocolError``, a
    slow read ``ReadTimeout``."""
    import aiohttp

    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, asyncio.TimeoutError):  # includes aiohttp's socket read timeout
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError
    elif isinstance(
        exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError)
    ):
        kind = httpx.RemoteProtocolError
    elif isinstance(exc, aiohttp.ClientConnectionError):
        kind = httpx.ReadError
    elif isinstance(exc, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
    else:
        kind = httpx.TransportError
    # Never str(exc) for errors that quote the URL: its query string may hold a secret.
    if isinstance(exc, aiohttp.ClientResponseError):
        detail = exc.message
    elif isinstance(exc, aiohttp.InvalidURL):
        detail = "invalid URL"
    else:
        detail = str(exc)
    return kind(f"{type(exc).__name__}: {detail}", request=httpx.Request(method, url.split("?", 1)[0]))
