"""Observability: stdlib logging and user hooks, fed from one place per request attempt.

Nothing here sees the API key: events are built from the method, the path (without the
query string, which may hold customer emails) and response metadata. When no hook is
registered and the ``lattice_stripe`` logger is off, the client never builds an
:class:`Observer`, so the hot path does no timing, formatting or event building.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import attrs

from ..objects.secrets import printable

if TYPE_CHECKING:
    from ..errors import StripeError

logger = logging.getLogger("lattice_stripe")


@attrs.frozen
class RequestEvent:
    """One attempt is about to be sent."""

    operation_id: str
    method: str
    path: str
    attempt: int
    idempotency_key: str | None
    stripe_account: str | None


@attrs.frozen
class ResponseEvent:
    """One attempt ended: with an HTTP answer (``status_code``) or without (``error``)."""

    operation_id: str
    method: str
    path: str
    attempt: int
    status_code: int | None
    elapsed: float
    """Seconds spent on this attempt."""
    request_id: str | None
    error: StripeError | None
    """The connection or timeout error, when no HTTP answer arrived."""
    retry_in: float | None
    """Seconds until the next attempt, or None when this was the last one."""


RequestHook = Callable[[RequestEvent], object]
ResponseHook = Callable[[ResponseEvent], object]


class Hooks:
    """Callbacks shared by a client and every client derived from it with ``with_options``."""

    __slots__ = ("on_request", "on_response")

    def __init__(self) -> None:
        self.on_request: list[RequestHook] = []
        self.on_response: list[ResponseHook] = []

    def __bool__(self) -> bool:
        return bool(self.on_request or self.on_response)


class Observer:
    """Reports the attempts of one request to the logger and the hooks."""

    __slots__ = ("_hooks", "_log", "_method", "_operation_id", "_path", "_started", "account", "key")

    def __init__(
        self,
        hooks: Hooks,
        log: bool,
        operation_id: str,
        method: str,
        path: str,
        key: str | None,
        account: str | None,
    ) -> None:
        self._hooks = hooks
        self._log = log
        self._operation_id = operation_id
        self._method = method
        self._path = path
        self.key = key
        self.account = account
        self._started = 0.0

    def sending(self, attempt: int) -> None:
        if self._hooks.on_request:
            event = RequestEvent(
                self._operation_id, self._method, self._path, attempt, self.key, self.account
            )
            _call(self._hooks.on_request, event)
        self._started = time.perf_counter()

    def received(
        self,
        attempt: int,
        status: int | None,
        headers: Mapping[str, str] | None,
        error: StripeError | None,
        retry_in: float | None,
    ) -> None:
        elapsed = time.perf_counter() - self._started
        request_id = headers.get("request-id") if headers is not None else None
        if self._log:
            outcome = str(status) if status is not None else type(error).__name__
            logger.info(
                "%s %s -> %s in %.1f ms (attempt %d, request_id=%s)",
                self._method,
                printable(self._path),  # a log line data cannot split
                outcome,
                elapsed * 1000,
                attempt,
                request_id,
            )
            if retry_in is not None:
                logger.info("%s %s: retrying in %.3f s", self._method, printable(self._path), retry_in)
        if self._hooks.on_response:
            event = ResponseEvent(
                self._operation_id,
                self._method,
                self._path,
                attempt,
                status,
                elapsed,
                request_id,
                error,
                retry_in,
            )
            _call(self._hooks.on_response, event)


def _call(hooks: list[RequestHook] | list[ResponseHook], event: object) -> None:
    # A broken metrics hook must not fail (or worse, half-retry) a payment: log it and go on.
    for hook in hooks:
        try:
            hook(event)  # type: ignore[arg-type]
        except Exception:
            logger.exception("lattice_stripe hook %r raised; ignored", hook)


def observer_for(
    hooks: Hooks,
    operation_id: str,
    method: str,
    path: str,
    key: str | None,
    account: str | None,
) -> Observer | None:
    """An observer when anyone listens, else None (the only check on the hot path)."""
    log = logger.isEnabledFor(logging.INFO)
    if not log and not hooks:
        return None
    return Observer(hooks, log, operation_id, method, path, key, account)
