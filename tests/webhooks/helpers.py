"""Events and signed deliveries for the webhook tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import uvicorn

from lattice_stripe._runtime.webhooks.events import generate_test_header

SECRET = "whsec_test_secret_123"


def event_dict(obj: dict[str, Any], event_type: str = "charge.succeeded", **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": "evt_1NG8Du2eZvKYlo2CUI79vXWy",
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1686089970,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": "req_123", "idempotency_key": "4f6a2e1c"},
        "type": event_type,
    }
    event.update(extra)
    return event


def charge_event(event_type: str = "charge.succeeded") -> dict[str, Any]:
    return event_dict({"id": "ch_123", "object": "charge", "amount": 2000, "currency": "usd"}, event_type)


def signed(event: dict[str, Any], secret: str = SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    payload = json.dumps(event).encode("utf-8")
    return payload, generate_test_header(
        payload, secret, timestamp=int(time.time()) if timestamp is None else timestamp
    )


# -- real servers on 127.0.0.1 ----------------------------------------------------------------


@contextmanager
def uvicorn_server(app: Any) -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def wsgiref_server(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
