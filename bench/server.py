"""A minimal HTTP/1.1 keep-alive server that answers every request with the charge JSON.

It runs in its own process (``python -m bench.server``), so none of its CPU is counted
against the client being measured. It prints its port, then serves until its stdin closes.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading

from bench.fixtures import charge_bytes


class _Protocol(asyncio.Protocol):
    def __init__(self, response: bytes) -> None:
        self.response = response
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
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(self.response)  # type: ignore[attr-defined]


async def _serve() -> None:
    body = charge_bytes()
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nRequest-Id: req_bench\r\n\r\n"
    )
    response = head.encode() + body
    server = await asyncio.get_running_loop().create_server(lambda: _Protocol(response), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


def main() -> None:
    # Exit with the parent: when it closes our stdin (or dies), stop serving.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    asyncio.run(_serve())


if __name__ == "__main__":
    main()
