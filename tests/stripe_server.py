"""A small scripted HTTP server on 127.0.0.1 standing in for api.stripe.com in tests.

Replies are queued (``server.reply(...)``) or computed by a handler; every request is
recorded with its parsed form body so tests assert on what went over the wire. Threads
are daemons and every socket has a timeout, so a stuck test cannot hang the run. ``stop``
wakes the accept loop through a socket pair instead of waiting for a poll interval: a
few hundred tests start and stop a server each.
"""

from __future__ import annotations

import json
import selectors
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs


@attrs.define
class Recorded:
    method: str
    path: str  # raw path, without the query string
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode(), keep_blank_values=True)

    @property
    def form_dict(self) -> dict[str, str]:
        return dict(self.form)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@attrs.define
class Reply:
    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = attrs.field(factory=dict)
    delay: float = 0.0  # seconds to wait before answering (read timeouts)
    reset: bool = False  # send a partial answer, then drop the connection


Handler = Callable[[Recorded], Reply]


class StripeServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.queue: deque[Reply] = deque()
        self.handler: Handler | None = None
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10
            # Headers and body go out as two writes; without TCP_NODELAY, Nagle plus the
            # client's delayed ACK adds ~40 ms to every response.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                rec = Recorded(
                    self.command,
                    parts.path,
                    parse_qsl(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with server._lock:
                    server.requests.append(rec)
                    reply = server.queue.popleft() if server.queue else None
                if reply is None:
                    reply = (
                        server.handler(rec)
                        if server.handler
                        else Reply(
                            404, {"error": {"type": "invalid_request_error", "message": "no reply scripted"}}
                        )
                    )
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.body if reply.body is not None else json.dumps(reply.json).encode()
                if reply.reset:
                    self.wfile.write(b'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{"partial')
                    self.wfile.flush()
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    self.close_connection = True
                    return
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", "Request-Id": f"req_{len(server.requests)}"}
                headers.update(reply.headers)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _serve

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that timed out or was reset on purpose is expected; stay quiet.
                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                    super().handle_error(request, client_address)

        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self._wake_r, self._wake_w = socket.socketpair()
        self.thread = threading.Thread(target=self._accept_until_woken, daemon=True)

    def _accept_until_woken(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.httpd, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r:
                        return
                    self.httpd.handle_request()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    def start(self) -> StripeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._wake_w.send(b"x")
        self.thread.join(timeout=5)
        self.httpd.server_close()
        self._wake_r.close()
        self._wake_w.close()

    @property
    def last(self) -> Recorded:
        return self.requests[-1]
