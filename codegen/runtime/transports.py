"""The HTTP client an ``AsyncStripeClient`` sends with when the caller gives none.

With the ``aiohttp`` extra installed (``pip install 'lattice-stripe[aiohttp]'``) that is an
``httpx.AsyncClient`` whose transport is aiohttp: httpx still builds requests, decodes
bodies and raises its own exceptions (so retries, timeouts and error mapping are the same
code as with the default transport), while aiohttp's connection pool does the I/O, at a
fraction of httpcore's per-request cost. Without aiohttp it is a plain ``httpx.AsyncClient``.

Imported on the first async request only: ``import lattice_stripe`` never loads httpx or
aiohttp.
"""

from __future__ import annotations

import asyncio
import importlib.util
from typing import Any

import httpx


def aiohttp_installed() -> bool:
    return importlib.util.find_spec("aiohttp") is not None


def default_async_client() -> httpx.AsyncClient:
    """A new pooled async client: over aiohttp when it is installed, else httpx's own."""
    if aiohttp_installed():
        return httpx.AsyncClient(transport=AiohttpTransport())
    return httpx.AsyncClient()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends over one ``aiohttp.ClientSession`` (made on first use,
    inside the running event loop).

    aiohttp's failures become the httpx exceptions httpx's own transport raises in the same
    situation (a refused connection is ``ConnectError``, a dropped response
    ``RemoteProtocolError``, a slow read ``ReadTimeout``), so the client retries and reports
    them identically whichever transport sent the request.
    """

    def __init__(self, *, max_connections: int = 100, keepalive_expiry: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._session: Any = None  # aiohttp.ClientSession

    def _open(self) -> Any:
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            keepalive_timeout=self._keepalive_expiry,
            ssl=httpx.create_ssl_context(),  # the CA bundle httpx verifies with (certifi)
        )
        return aiohttp.ClientSession(
            connector=connector, auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar()
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import aiohttp

        session = self._session
        if session is None or session.closed:
            session = self._session = self._open()
        timeout = request.extensions.get("timeout", {})
        body = await request.aread()  # multipart bodies are a stream until read
        try:
            async with session.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=body or None,
                allow_redirects=False,
                compress=None,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
                skip_auto_headers=("Accept-Encoding", "User-Agent", "Content-Type"),
            ) as response:
                content = await response.read()
                status, headers, reason = response.status, response.raw_headers, response.reason
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _httpx_error(exc, request) from exc
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if reason:
            extensions["reason_phrase"] = reason.encode("latin-1", "replace")
        return httpx.Response(
            status, headers=headers, stream=httpx.ByteStream(content), request=request, extensions=extensions
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def _httpx_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx exception httpx's own transport raises for the same failure."""
    import aiohttp

    kind: type[httpx.TransportError]
    if isinstance(exc, getattr(aiohttp, "ConnectionTimeoutError", ())):
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
    return kind(f"{type(exc).__name__}: {detail}", request=request)
