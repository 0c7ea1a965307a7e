"""A webhook endpoint: dispatch by event type, served as a plain ASGI or WSGI app.

``WebhookRouter`` holds the signing secret(s) and one handler per event type (a trailing
``.*`` matches a family, ``fallback`` catches the rest). Snapshot events (``WebhookEvent``)
and thin notifications (``EventNotification``, types such as ``v1.billing.meter.*``) share
one endpoint, the ledger and tracing. It answers like Stripe expects:

- 200 when the handler returned (or no handler wanted the event: it is acknowledged);
- 400 when the signature, timestamp or body is bad (Stripe shows it on the dashboard);
- 500 when the handler raised, so Stripe delivers the event again later;
- 405 for anything but POST, 411/413 for a missing length or a body over ``max_body_size``.

``router.asgi()`` and ``router.wsgi()`` alone take POSTs at every path (an ASGI or WSGI
server runs them as they are). In front of a framework's app they take one path, with or
without a trailing slash, and pass every other request on: Starlette/FastAPI
``app.add_middleware(router.asgi, path="/stripe/webhooks")``, Flask ``app.wsgi_app =
router.wsgi(app.wsgi_app, path="/stripe/webhooks")``. A framework's own mount would not do:
Starlette's ``Mount`` answers the bare path with a 307 redirect, which Stripe does not follow.
No framework is imported.
"""

from __future__ import annotations

import asyncio
import http
import inspect
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from ..errors import InvalidArgumentError
from ..observability.tracing import check_tracing
from . import DEFAULT_WEBHOOK_TOLERANCE
from .delivery import Ledger, deliver, deliver_async, is_async, named
from .events import (
    TypePattern,
    UnknownEventType,
    WebhookError,
    WebhookEvent,
    check_secrets,
    check_tolerance,
    verify_header,
)
from .ledger import check_ledger
from .notifications import THIN_PREFIXES, EventNotification, parse_delivery

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from .ledger import EventLedger

logger = logging.getLogger("lattice_stripe.webhooks")

Handler = Callable[[WebhookEvent], Any] | Callable[["EventNotification"], Any]
"""Takes the verified event; may be ``async def`` under ASGI. Its return value is ignored."""
H = TypeVar("H", bound=Handler)
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
WSGIApp = Callable[["WSGIEnvironment", "StartResponse"], "Iterable[bytes]"]

DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024


class UnknownEventTypeWarning(UserWarning):
    """A handler was registered for an event type this SDK version's spec does not list."""


@attrs.frozen
class WebhookResponse:
    """What to answer Stripe: a status and a small JSON body."""

    status: int
    body: bytes

    @classmethod
    def of(cls, status: int, data: dict[str, Any]) -> WebhookResponse:
        return cls(status, json.dumps(data).encode("utf-8"))

    @property
    def headers(self) -> list[tuple[str, str]]:
        headers = [("content-type", "application/json"), ("content-length", str(len(self.body)))]
        return headers + ([("allow", "POST")] if self.status == 405 else [])


_OK = WebhookResponse.of(200, {"received": True})


class WebhookRouter:
    """Verifies deliveries and hands each typed event to the handler registered for its type."""

    def __init__(
        self,
        secret: str | Sequence[str],
        *,
        tolerance: float | None = DEFAULT_WEBHOOK_TOLERANCE,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        ledger: Ledger | None = None,
        tracing: Any = False,
        client: Any = None,
    ) -> None:
        check_secrets(secret)  # at startup, not on the first delivery
        check_tolerance(tolerance)
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int) or max_body_size <= 0:
            raise InvalidArgumentError(
                f"max_body_size must be a positive int (bytes), got {type(max_body_size).__name__} "
                f"{max_body_size!r:.40}",
                param="max_body_size",
            )
        check_ledger(ledger)
        check_tracing("WebhookRouter", tracing)
        self.secret = secret
        self.tolerance = tolerance
        self.max_body_size = max_body_size
        self.ledger = ledger
        """Where applied event ids are kept, so a redelivery does not run its handler again."""
        self.tracing = tracing
        self.client = client
        """The client thin notifications fetch through (``notification.fetch_event()``)."""
        """True or a ``TracerProvider``: an OpenTelemetry span per delivery (``lattice-stripe[otel]``)."""
        self._handlers: dict[str, Handler] = {}
        self._fallback: Handler | None = None

    def __repr__(self) -> str:
        return f"WebhookRouter(handlers={sorted(self._handlers)}, fallback={self._fallback is not None})"

    def on(self, *event_types: TypePattern) -> Callable[[H], H]:
        """Register the decorated function for these event types (``"invoice.*"`` for a family).

        A type checker refuses a name the spec does not list; a type newer than this SDK
        version is spelt ``UnknownEventType("...")`` (no warning then)."""
        from ..._events import EVENT_TYPES

        if not event_types:
            raise InvalidArgumentError("on() needs at least one event type")
        for event_type in event_types:
            if not isinstance(event_type, str) or not event_type:
                raise InvalidArgumentError(
                    f"on() takes event type strings such as 'invoice.paid' or 'invoice.*', got "
                    f"{type(event_type).__name__} {event_type!r:.40}",
                    param="event_types",
                )
            if event_type in self._handlers:
                raise InvalidArgumentError(f"a handler for {event_type!r} is already registered")
            family = event_type[:-1] if event_type.endswith(".*") else None
            known = any(t.startswith(family) for t in EVENT_TYPES) if family else event_type in EVENT_TYPES
            known = known or event_type.startswith(THIN_PREFIXES)  # the spec lists no thin types
            if not known and not isinstance(event_type, UnknownEventType):
                warnings.warn(
                    f"{event_type!r} is not an event type of this API version (a typo?)",
                    UnknownEventTypeWarning,
                    stacklevel=2,
                )

        def register(handler: H) -> H:
            for event_type in event_types:
                self._handlers[event_type] = handler
            return handler

        return register

    def fallback(self, handler: H) -> H:
        """Register the decorated function for every event no other handler takes."""
        self._fallback = handler
        return handler

    def handler_for(self, event_type: str) -> Handler | None:
        """The exact handler, else the longest matching ``prefix.*``, else the fallback."""
        handler = self._handlers.get(event_type)
        parts = event_type.split(".")
        while handler is None and len(parts) > 1:
            parts.pop()
            handler = self._handlers.get(".".join(parts) + ".*")
        return handler if handler is not None else self._fallback

    def _verify(
        self, payload: bytes, sig_header: str | bytes | None
    ) -> WebhookEvent | EventNotification | WebhookResponse:
        """The verified snapshot event or thin notification, or the 400 to answer."""
        try:
            verify_header(payload, sig_header, self.secret, self.tolerance)
            event = parse_delivery(payload)
            if isinstance(event, EventNotification) and self.client is not None:
                event.bind(self.client)
            return event
        except WebhookError as exc:
            logger.warning("rejected webhook delivery: %s: %s", type(exc).__name__, exc.message)
            return WebhookResponse.of(400, {"error": {"type": type(exc).__name__, "message": exc.message}})

    @staticmethod
    def _failed(event: WebhookEvent | EventNotification) -> WebhookResponse:
        logger.exception("webhook handler for %s %s failed; Stripe will retry", *named(event))
        return WebhookResponse.of(500, {"error": {"type": "handler_failed", "event": event.id}})

    def handle(self, payload: bytes, sig_header: str | bytes | None) -> WebhookResponse:
        """Verify and dispatch one delivery (for sync views: Flask, Django, WSGI)."""
        event = self._verify(payload, sig_header)
        if isinstance(event, WebhookResponse):
            return event
        if self.ledger is not None and is_async(self.ledger):
            raise TypeError("an async ledger needs an async router: serve it with router.asgi()")
        ledger = cast("EventLedger | None", self.ledger)
        return deliver(ledger, event, lambda: self._run(event), WebhookResponse.of, self.tracing)

    def _run(self, event: WebhookEvent | EventNotification) -> WebhookResponse:
        handler = cast("Callable[[Any], Any] | None", self.handler_for(event.type))
        try:
            result = handler(event) if handler is not None else None
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                raise TypeError(f"handler {handler!r} is async: serve it with router.asgi()")
        except Exception:
            return self._failed(event)
        return _OK

    async def handle_async(self, payload: bytes, sig_header: str | bytes | None) -> WebhookResponse:
        """Verify and dispatch one delivery; sync handlers run in a worker thread."""
        event = self._verify(payload, sig_header)
        if isinstance(event, WebhookResponse):
            return event
        run = lambda: self._run_async(event)  # noqa: E731
        return await deliver_async(self.ledger, event, run, WebhookResponse.of, self.tracing)

    async def _run_async(self, event: WebhookEvent | EventNotification) -> WebhookResponse:
        handler = cast("Callable[[Any], Any] | None", self.handler_for(event.type))
        try:
            if handler is not None:
                if inspect.iscoroutinefunction(handler):
                    await handler(event)
                elif inspect.isawaitable(result := await asyncio.to_thread(handler, event)):
                    await result
        except Exception:
            return self._failed(event)
        return _OK

    def asgi(self, app: ASGIApp | None = None, *, path: str | None = None) -> WebhookASGIApp:
        """The router as an ASGI app: at every path, or with ``path`` at that path alone (with
        or without a trailing slash), passing other requests to ``app`` (404 without one).
        As Starlette/FastAPI middleware: ``app.add_middleware(router.asgi, path="/hooks")``."""
        return WebhookASGIApp(self, app, _mount_path(app, path))

    def wsgi(self, app: WSGIApp | None = None, *, path: str | None = None) -> WebhookWSGIApp:
        """The router as a WSGI app, at every path or at ``path`` in front of ``app`` (see
        :meth:`asgi`). Flask: ``app.wsgi_app = router.wsgi(app.wsgi_app, path="/hooks")``."""
        return WebhookWSGIApp(self, app, _mount_path(app, path))


def _mount_path(app: object, path: str | None) -> str | None:
    """``path`` without its trailing slash; refused unless it is an absolute URL path."""
    if path is None:
        if app is not None:
            raise InvalidArgumentError("an app to pass other requests to needs path=", param="path")
        return None
    if not isinstance(path, str) or not path.startswith("/") or "?" in path or "#" in path:
        raise InvalidArgumentError(
            f"path must be a URL path such as '/stripe/webhooks', got {type(path).__name__} {path!r:.60}",
            param="path",
        )
    return path.rstrip("/")


def _at(request_path: str, mount: str | None) -> bool:
    return mount is None or request_path in (mount, mount + "/")


_NOT_FOUND = WebhookResponse.of(404, {"error": {"type": "not_found"}})


class WebhookASGIApp:
    """The router as an ASGI application: every path, or one path in front of another app."""

    def __init__(self, router: WebhookRouter, app: ASGIApp | None = None, path: str | None = None) -> None:
        self.router = router
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.path is not None and not (scope["type"] == "http" and _at(_route_path(scope), self.path)):
            if self.app is not None:
                return await self.app(scope, receive, send)
            if scope["type"] == "http":
                return await self._send(send, _NOT_FOUND)
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            raise RuntimeError(f"webhook app serves HTTP only, not {scope['type']}")
        await self._send(send, await self._respond(scope, receive))

    @staticmethod
    async def _send(send: Send, response: WebhookResponse) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": response.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers],
            }
        )
        await send({"type": "http.response.body", "body": response.body})

    async def _respond(self, scope: Scope, receive: Receive) -> WebhookResponse:
        if scope.get("method") != "POST":
            return WebhookResponse.of(405, {"error": {"type": "method_not_allowed"}})
        limit = self.router.max_body_size
        headers: list[tuple[bytes, bytes]] = scope.get("headers") or []
        signature = b",".join(v for k, v in headers if k.lower() == b"stripe-signature") or None
        declared = [v for k, v in headers if k.lower() == b"content-length"]
        if declared and declared[0].isdigit() and int(declared[0]) > limit:
            # At once, as the WSGI app does: reading first would wait for a body that may never
            # come (a 10 GiB declaration with two bytes sent holds the connection open).
            return WebhookResponse.of(413, {"error": {"type": "body_too_large", "limit": limit}})
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return WebhookResponse.of(400, {"error": {"type": "client_disconnected"}})
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return WebhookResponse.of(413, {"error": {"type": "body_too_large", "limit": limit}})
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return await self.router.handle_async(b"".join(chunks), signature)


def _route_path(scope: Scope) -> str:
    """The request path below the server's ``root_path`` (ASGI's ``path`` includes it)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class WebhookWSGIApp:
    """The router as a WSGI application: every path, or one path in front of another app."""

    def __init__(self, router: WebhookRouter, app: WSGIApp | None = None, path: str | None = None) -> None:
        self.router = router
        self.app = app
        self.path = path

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not _at(environ.get("PATH_INFO", ""), self.path):
            if self.app is not None:
                return self.app(environ, start_response)
            response = _NOT_FOUND
        else:
            response = self._respond(environ)
        status = http.HTTPStatus(response.status)
        start_response(f"{status.value} {status.phrase}", response.headers)
        return [response.body]

    def _respond(self, environ: WSGIEnvironment) -> WebhookResponse:
        if environ.get("REQUEST_METHOD") != "POST":
            return WebhookResponse.of(405, {"error": {"type": "method_not_allowed"}})
        limit = self.router.max_body_size
        stream = environ["wsgi.input"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length < 0 and not environ.get("wsgi.input_terminated"):
            return WebhookResponse.of(411, {"error": {"type": "length_required"}})
        if length > limit:
            return WebhookResponse.of(413, {"error": {"type": "body_too_large", "limit": limit}})
        body: bytes = stream.read(length) if length >= 0 else stream.read(limit + 1)
        if len(body) > limit:
            return WebhookResponse.of(413, {"error": {"type": "body_too_large", "limit": limit}})
        return self.router.handle(body, environ.get("HTTP_STRIPE_SIGNATURE"))
