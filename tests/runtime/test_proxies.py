"""Every transport leaves through the proxy the environment names, and NO_PROXY is honoured.

A forward proxy on 127.0.0.1 (started here) records each request it relays to the test
server; the sync client (httpx), and the async client over aiohttp and over httpx, must
agree on whether a call went through it.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from lattice_stripe import AsyncStripeClient, StripeClient
from lattice_stripe._runtime.http import transport
from tests.runtime.conftest import API_KEY
from tests.stripe_server import Reply, StripeServer

PROXY_VARIABLES = ["http_proxy", "https_proxy", "all_proxy", "no_proxy"]


class ForwardProxy:
    """A plain HTTP forward proxy: takes absolute-form requests and relays them."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _relay(self) -> None:
                proxy.seen.append(f"{self.command} {self.path}")
                target = urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
                path = target.path + (f"?{target.query}" if target.query else "")
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("proxy-connection", "connection")
                }
                upstream.request(self.command, path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                content = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                upstream.close()

            do_GET = do_POST = do_DELETE = _relay

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    with ForwardProxy() as forward:
        yield forward


@pytest.fixture(params=["sync-httpx", "async-aiohttp", "async-httpx"])
def flavour(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(transport, "aiohttp_installed", lambda: request.param == "async-aiohttp")
    return str(request.param)


async def _retrieve(flavour: str, server: StripeServer) -> str:
    if flavour == "sync-httpx":
        with StripeClient(API_KEY, base_url=server.url, max_retries=0) as client:
            return client.customers.retrieve("cus_1").id
    async with AsyncStripeClient(API_KEY, base_url=server.url, max_retries=0) as aclient:
        return (await aclient.customers.retrieve("cus_1")).id


@pytest.fixture
def answering(server: StripeServer) -> StripeServer:
    server.handler = lambda rec: Reply(json={"id": "cus_1", "object": "customer"})
    return server


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
async def test_the_environments_proxy_is_used_by_every_transport(
    flavour: str, variable: str, proxy: ForwardProxy, answering: StripeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    assert await _retrieve(flavour, answering) == "cus_1"
    assert proxy.seen == [f"GET {answering.url}/v1/customers/cus_1"]
    assert len(answering.requests) == 1


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", "*"])
async def test_no_proxy_sends_directly_on_every_transport(
    flavour: str, no_proxy: str, proxy: ForwardProxy, answering: StripeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    assert await _retrieve(flavour, answering) == "cus_1"
    assert proxy.seen == []
    assert len(answering.requests) == 1
