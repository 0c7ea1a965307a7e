"""The httpx side of sending: the pools the SDK creates, the per-attempt deadline, what
httpx logs about our requests, and how a transport failure becomes an SDK error.

Imported on the first request only (it imports httpx and httpcore).

The deadline: httpx's ``timeout`` bounds each socket read, so a server trickling a byte at a
time keeps an attempt alive indefinitely. While an attempt runs, ``_DEADLINE`` holds when it
must end; the sync pool's sockets clamp every connect, read and write to it, and the async
client wraps the attempt in ``asyncio.wait_for``. A caller-supplied ``httpx.Client`` keeps
httpx's per-read timeout (the SDK does not reach into it).
"""

from __future__ import annotations

import contextvars
import importlib.util
import logging
import sys
import time
from collections.abc import Iterable, Mapping
from typing import Any

import httpcore
import httpx

from ..errors import APIConnectionError, APITimeoutError, StripeError
from ..objects.secrets import scrub

# When the running attempt must end (time.monotonic()); None outside an SDK attempt.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "lattice_stripe_deadline", default=None
)


def start_attempt(timeout: float) -> contextvars.Token[float | None]:
    return _DEADLINE.set(time.monotonic() + timeout)


def end_attempt(token: contextvars.Token[float | None]) -> None:
    _DEADLINE.reset(token)


def _clamp(timeout: float | None, expired: type[Exception]) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the attempt's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        tls = self._stream.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _QueryRedactor(logging.Filter):
    """Drops the query string from URLs httpx logs while an SDK attempt runs: queries carry
    client secrets and customer emails. httpx's records for other clients are untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _DEADLINE.get() is not None and isinstance(record.args, tuple):
            record.args = tuple(
                a.copy_with(query=None, fragment=None) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


_REDACTOR = _QueryRedactor()
logging.getLogger("httpx").addFilter(_REDACTOR)


def new_sync_http() -> httpx.Client:
    """The pool a ``StripeClient`` creates for itself, its sockets bound by the attempt deadline."""
    http = httpx.Client()
    for transport in (http._transport, *http._mounts.values()):
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None:  # httpcore's pools keep their backend here
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return http


def aiohttp_installed() -> bool:
    return importlib.util.find_spec("aiohttp") is not None


def new_async_http() -> Any:
    """The pool an ``AsyncStripeClient`` creates: aiohttp's when the ``aiohttp`` extra is
    installed (see :mod:`.aiohttp_client`), else httpx's own."""
    if aiohttp_installed():
        from .aiohttp_client import AiohttpClient  # imports asyncio: async clients only

        return AiohttpClient()
    return httpx.AsyncClient()


def close_with_loop(http: Any) -> Any:
    """An async generator, started, whose cleanup closes ``http``: the running loop finalizes
    it at shutdown (``asyncio.run`` calls ``shutdown_asyncgens`` before closing the loop), so
    the pool is closed inside the loop that owns its connections instead of dropped unclosed.
    Keep it referenced; ``await closer.aclose()`` closes the pool earlier."""

    async def closer() -> Any:
        try:
            yield
        finally:
            await http.aclose()

    agen = closer()
    try:  # the first step reaches the yield without awaiting: run it here, synchronously
        agen.__anext__().send(None)
    except StopIteration:
        pass
    return agen


_EMPTY = httpx.ByteStream(b"")


def attempt_timeouts() -> tuple[type[Exception], ...]:
    """What an attempt's deadline raises. ``asyncio.TimeoutError`` is ``TimeoutError`` from
    Python 3.11; on 3.10 only the async client raises it, and asyncio is loaded by then (the
    sync path never imports asyncio: ~15 ms of a cold process)."""
    aio = sys.modules.get("asyncio")
    return (TimeoutError,) if aio is None else (TimeoutError, aio.TimeoutError)


def release(response: Any) -> None:
    """Break httpx's ``Response`` <-> stream reference cycle once the body has been read, so
    a finished response is freed as soon as the SDK drops it instead of waiting for the
    cyclic GC (auto-paging would otherwise keep several dead pages' bodies alive)."""
    if isinstance(response, httpx.Response):
        response.stream = _EMPTY


def transport_error(
    exc: Exception, where: str, timeout: float, headers: Mapping[str, str], url: str, attempt: int
) -> tuple[StripeError, bool, BaseException | None]:
    """The SDK error for a failure with no usable HTTP answer, whether it may be retried, and
    the exception to chain under it (None when its text held something scrubbed).

    Every request is safe to replay (GET and DELETE are idempotent, a POST carries its
    idempotency key), so timeouts, resets, protocol errors and corrupt compressed bodies are
    retried. The exception text is quoted with every header value and the query string
    scrubbed, since httpx may echo either.
    """
    if isinstance(exc, (httpx.TimeoutException, *attempt_timeouts())):
        message = f"{where} timed out after {timeout:g}s ({type(exc).__name__})"
        return APITimeoutError(message, attempts=attempt), True, exc
    query = url.partition("?")[2]
    original = str(exc)
    text = scrub(original, [*headers.values(), query, *query.split("&")])
    retryable = isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError, httpx.DecodingError))
    message = f"{where}: request failed ({type(exc).__name__}: {text})"
    return APIConnectionError(message, attempts=attempt), retryable, exc if text == original else None
