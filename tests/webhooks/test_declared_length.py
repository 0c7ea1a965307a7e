"""A declared Content-Length above max_body_size is answered 413 at once, by both apps, over
real servers (uvicorn, wsgiref): the body that was declared never has to arrive."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from lattice_stripe import WebhookRouter
from tests.webhooks.helpers import SECRET
from tests.webhooks.test_apps import uvicorn_server, wsgiref_server

BOUND = 30  # seconds: a safety net for a hang, not a timing threshold
SERVERS: dict[str, Callable[[WebhookRouter], Any]] = {
    "asgi-uvicorn": lambda r: uvicorn_server(r.asgi()),
    "wsgi-wsgiref": lambda r: wsgiref_server(r.wsgi()),
}


@pytest.mark.parametrize("server", sorted(SERVERS))
@pytest.mark.parametrize("declared", [10 * 1024**3, 1025])
def test_a_declared_length_over_the_limit_is_refused_before_reading(server: str, declared: int) -> None:
    router = WebhookRouter(SECRET, max_body_size=1024)
    with SERVERS[server](router) as url:
        parts = urlsplit(url)
        with socket.create_connection((parts.hostname, parts.port), timeout=BOUND) as sock:
            sock.sendall(
                f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {declared}\r\n"
                "Stripe-Signature: t=1,v1=00\r\nContent-Type: application/json\r\n\r\n{}".encode()
            )
            answer = http.client.HTTPResponse(sock)
            answer.begin()
            body = json.loads(answer.read())
    assert (answer.status, body["error"]["type"]) == (413, "body_too_large")
