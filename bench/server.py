"""A minimal HTTP/1.1 keep-alive server: the charge JSON for every request, except
``GET /v1/charges?...`` (a list), answered with pages over ``LIST_TOTAL`` charges by the
``limit`` / ``starting_after`` cursor, and the two metering calls (a meter event session
that lasts an hour; ``{}`` for a stream batch).

It runs in its own process (``python -m bench.server``), so none of its CPU is counted
against the client being measured. It prints its port, then serves until its stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from urllib.parse import parse_qsl, urlsplit

from bench.fixtures import charge_bytes, list_page

LIST_TOTAL = 10_000
SESSION = json.dumps(
    {
        "id": "mes_bench",
        "object": "v2.billing.meter_event_session",
        "authentication_token": "ekt_bench",
        "created": "2026-01-01T00:00:00.000Z",
        "expires_at": "2099-01-01T00:00:00.000Z",
        "livemode": False,
    }
).encode()


def _http(body: bytes) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nRequest-Id: req_bench\r\n\r\n"
    )
    return head.encode() + body


def _list_response(target: bytes) -> bytes:
    query = dict(parse_qsl(urlsplit(target.decode()).query))
    limit = int(query.get("limit", 10))
    after = query.get("starting_after")
    start = int(after.removeprefix("ch_")) + 1 if after else 0
    return _http(list_page(start, min(limit, LIST_TOTAL - start), LIST_TOTAL))


class _Protocol(asyncio.Protocol):
    def __init__(self, response: bytes) -> None:
        self.response = response
        self.session = _http(SESSION)
        self.accepted = _http(b"{}")
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            length = 0
            for line in self.buffer[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            request_line = self.buffer[: self.buffer.find(b"\r\n")]
            self.buffer = self.buffer[end + 4 + length :]
            method, target = request_line.split(b" ")[:2]
            if target == b"/v2/billing/meter_event_stream":
                answer = self.accepted
            elif target == b"/v2/billing/meter_event_session":
                answer = self.session
            elif method == b"GET" and target.startswith(b"/v1/charges?") and b"limit=" in target:
                answer = _list_response(target)
            else:
                answer = self.response
            self.transport.write(answer)  # type: ignore[attr-defined]


async def _serve() -> None:
    response = _http(charge_bytes())
    server = await asyncio.get_running_loop().create_server(lambda: _Protocol(response), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


def main() -> None:
    # Exit with the parent: when it closes our stdin (or dies), stop serving.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    asyncio.run(_serve())


if __name__ == "__main__":
    main()
