"""The async client over each transport it can send with: httpx's own and aiohttp (the
``aiohttp`` extra, used by default when installed). Same scenarios, same expectations,
over real sockets on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import logging
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from lattice_stripe import APIConnectionError, APITimeoutError, AsyncStripeClient, CardError
from lattice_stripe._runtime.http import transport
from lattice_stripe._runtime.http.aiohttp_client import AiohttpClient
from lattice_stripe._runtime.http.retry import RetryPolicy
from lattice_stripe._runtime.http.transport import new_async_http
from lattice_stripe.models import Customer, File
from tests.stripe_server import Reply, StripeServer

pytest.importorskip("aiohttp")  # a dev dependency: the extra's transport is always tested here

FAST = RetryPolicy(initial_delay=0.001, max_delay=0.004, max_retry_after=1.0)
KEY = "sk_test_51TransportKey0000wxyz"


def make_http(name: str) -> Any:
    return AiohttpClient() if name == "aiohttp" else httpx.AsyncClient()


@pytest.fixture(params=["httpx", "aiohttp"])
async def tclient(request: pytest.FixtureRequest, server: StripeServer) -> AsyncIterator[AsyncStripeClient]:
    http = make_http(request.param)
    yield AsyncStripeClient(
        KEY, base_url=server.url, files_base_url=server.url, retry_policy=FAST, timeout=2.0, http_client=http
    )
    await http.aclose()


async def test_get_sends_query_and_headers_and_structures(tclient, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "cus_1", "object": "customer", "email": "a@b.c"}))
    customer = await tclient.customers.retrieve("cus_1", expand=["default_source"], stripe_account="acct_9")
    assert isinstance(customer, Customer) and customer.email == "a@b.c"
    req = server.last
    assert (req.method, req.path, req.query) == (
        "GET",
        "/v1/customers/cus_1",
        [("expand[]", "default_source")],
    )
    assert req.header("Authorization") == f"Bearer {KEY}" and req.header("Stripe-Account") == "acct_9"
    assert customer.last_response.request_id == "req_1"


async def test_post_retries_a_500_with_the_same_idempotency_key(tclient, server: StripeServer) -> None:
    server.reply(
        Reply(500, {"error": {"type": "api_error"}}), Reply(json={"id": "cus_1", "object": "customer"})
    )
    customer = await tclient.customers.create(email="a@b.c", metadata={"k": "v"})
    first, second = server.requests
    assert first.form_dict == second.form_dict == {"email": "a@b.c", "metadata[k]": "v"}
    assert first.header("Idempotency-Key") == second.header("Idempotency-Key") is not None
    assert customer.last_response.attempts == 2


async def test_multipart_upload(tclient, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "file_1", "object": "file"}))
    uploaded = await tclient.files.create(
        file=("r.pdf", b"%PDF-1.4 body", "application/pdf"), purpose="dispute_evidence"
    )
    assert isinstance(uploaded, File)
    req = server.last
    assert req.header("Content-Type").startswith("multipart/form-data; boundary=")
    assert (
        b'filename="r.pdf"' in req.body and b"%PDF-1.4 body" in req.body and b"dispute_evidence" in req.body
    )


async def test_per_attempt_read_timeout_is_retried_then_raised(tclient, server: StripeServer) -> None:
    server.reply(*[Reply(json={}, delay=5)] * 3)  # long past the deadline, however busy the machine
    with pytest.raises(APITimeoutError) as caught:
        await tclient.customers.retrieve("cus_1", timeout=0.1, max_retries=1)
    assert caught.value.attempts == 2 and len(server.requests) == 2


async def test_a_reset_mid_response_is_retried(tclient, server: StripeServer) -> None:
    server.reply(Reply(reset=True), Reply(json={"id": "cus_1", "object": "customer"}))
    customer = await tclient.customers.retrieve("cus_1")
    assert customer.id == "cus_1" and customer.last_response.attempts == 2


async def test_a_refused_connection_is_retried_then_raised() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    for name in ("httpx", "aiohttp"):
        http = make_http(name)
        client = AsyncStripeClient(
            KEY, base_url=f"http://127.0.0.1:{port}", retry_policy=FAST, max_retries=2, http_client=http
        )
        with pytest.raises(APIConnectionError) as caught:
            await client.customers.retrieve("cus_1")
        await http.aclose()
        assert caught.value.attempts == 3, name
        assert not isinstance(caught.value, APITimeoutError), name
        assert "ConnectError" in str(caught.value), name


async def test_errors_are_mapped(tclient, server: StripeServer) -> None:
    error = {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "No.",
    }
    server.reply(Reply(402, {"error": error}))
    with pytest.raises(CardError) as caught:
        await tclient.customers.create(email="a@b.c")
    assert (caught.value.http_status, caught.value.decline_code, caught.value.request_id) == (
        402,
        "insufficient_funds",
        "req_1",
    )


async def test_a_gzip_body_is_decoded(tclient, server: StripeServer) -> None:
    body = gzip.compress(json.dumps({"id": "cus_1", "object": "customer"}).encode())
    server.reply(Reply(body=body, headers={"Content-Encoding": "gzip"}))
    assert (await tclient.customers.retrieve("cus_1")).id == "cus_1"


async def test_the_client_made_pool_uses_aiohttp_and_closes(server: StripeServer) -> None:
    server.reply(Reply(json={"id": "cus_1", "object": "customer"}))
    async with AsyncStripeClient(KEY, base_url=server.url) as client:
        await client.customers.retrieve("cus_1")
        http = client._http_client()
        assert isinstance(http, AiohttpClient)
        session = http._session
    assert session.closed


def test_without_aiohttp_the_default_is_httpx_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "aiohttp_installed", lambda: False)
    assert type(new_async_http()) is httpx.AsyncClient
    monkeypatch.setattr(transport, "aiohttp_installed", lambda: True)
    assert type(new_async_http()) is AiohttpClient


def test_importing_and_constructing_never_loads_aiohttp() -> None:
    code = (
        "import sys; from lattice_stripe import AsyncStripeClient; AsyncStripeClient('sk_test_x');"
        "print('aiohttp' in sys.modules, 'httpx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["False", "False"]


async def test_headers_are_case_insensitive_like_httpx(tclient, server: StripeServer) -> None:
    server.reply(
        Reply(429, {"error": {"type": "rate_limit"}}, headers={"Retry-After": "0"}), Reply(json={"id": "c"})
    )
    customer = await tclient.customers.retrieve("c")
    headers = customer.last_response.headers
    assert headers["request-id"] == headers["Request-Id"] == "req_2"
    assert customer.last_response.attempts == 2


async def test_an_error_never_quotes_the_query_string(tclient) -> None:
    tclient_closed = AsyncStripeClient(
        KEY, base_url="http://127.0.0.1:9", max_retries=0, http_client=tclient._http_client()
    )
    with pytest.raises(APIConnectionError) as caught:
        await tclient_closed.customers.list(email="secret@example.com")
    assert "secret@example.com" not in str(caught.value) and "secret" not in repr(caught.value)


async def test_httpx_fallback_finds_sniffio(server: StripeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # httpcore imports sniffio on every async request; a failed import is not cached, so the
    # package depends on it and the fallback pool finds it in sys.modules each time.
    monkeypatch.setattr(transport, "aiohttp_installed", lambda: False)
    server.reply(Reply(json={"object": "list", "data": [], "has_more": False, "url": "/v1/customers"}))
    async with AsyncStripeClient(KEY, base_url=server.url) as client:
        await client.customers.list()
    assert sys.modules["sniffio"] is not None


async def test_no_logger_prints_the_query_string_over_aiohttp(server: StripeServer, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server.reply(Reply(json={"object": "list", "data": [], "has_more": False, "url": "/v1/customers"}))
    async with AsyncStripeClient(KEY, base_url=server.url) as client:
        assert type(client._http_client()) is AiohttpClient
        await client.customers.list(email="jo.secret@example.com")
    assert server.last.query == [("email", "jo.secret@example.com")]
    assert not [r for r in caplog.records if "jo.secret" in r.getMessage()]
