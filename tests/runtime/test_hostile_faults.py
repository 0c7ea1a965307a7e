"""Faults and hostile responses over real sockets: trickling servers, corrupt compressed
bodies, JSON that is not an object or is nested too deep, and one async client across
event loops. Every failure is an SDK error, raised at the right time."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from lattice_stripe import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncStripeClient,
    InvalidRequestError,
    StripeClient,
    StripeError,
)
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Reply, StripeServer

BODY = b'{"id": "cus_1", "object": "customer", "description": "' + b"x" * 60 + b'"}'


class TrickleServer:
    """Answers every request by sending its headers (or its body) one byte per ``pace`` s.

    Bounded: a connection is dropped after ``limit`` seconds, so a client without a deadline
    sees the whole answer late (a test of the deadline then fails) instead of hanging the run.
    A request counts once its headers are read, which on a busy machine can be after the client
    gave up on it: ``received`` waits for the count instead of reading it too early.
    """

    def __init__(self, part: str, pace: float = 0.05, limit: float = 8.0) -> None:
        self.part, self.pace, self.limit = part, pace, limit
        self.requests = 0
        self._arrived = threading.Condition()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    request += chunk
                with self._arrived:
                    self.requests += 1
                    self._arrived.notify_all()
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                head += b"Content-Length: %d\r\n" % len(BODY)
                if self.part == "headers":
                    head += b"X-Padding: " + b"p" * 400 + b"\r\n\r\n"
                    slow, rest = head, BODY
                else:
                    conn.sendall(head + b"\r\n")
                    slow, rest = BODY, b""
                started = time.monotonic()
                for i in range(len(slow)):
                    if self.stopped.is_set() or time.monotonic() - started > self.limit:
                        return
                    conn.sendall(slow[i : i + 1])
                    time.sleep(self.pace)
                conn.sendall(rest)
            except OSError:  # the client gave up: expected
                return

    def received(self, count: int) -> int:
        """The number of requests received, once it is ``count`` (a missing one fails after 10 s)."""
        with self._arrived:
            self._arrived.wait_for(lambda: self.requests >= count, timeout=10)
            return self.requests

    def __enter__(self) -> TrickleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(params=["body", "headers"])
def trickle(request) -> Iterator[TrickleServer]:
    with TrickleServer(request.param) as srv:
        yield srv


# -- 5. a real deadline per attempt ---------------------------------------------------------


def test_a_trickling_server_hits_the_attempt_deadline_and_is_retried(trickle: TrickleServer) -> None:
    with StripeClient(API_KEY, base_url=trickle.url, timeout=0.3, max_retries=1, retry_policy=FAST) as client:
        with pytest.raises(APITimeoutError) as info:
            client.customers.retrieve("cus_1")
    assert info.value.attempts == 2
    assert trickle.received(2) == 2


async def test_async_trickling_server_hits_the_attempt_deadline(trickle: TrickleServer) -> None:
    async with AsyncStripeClient(
        API_KEY, base_url=trickle.url, timeout=0.3, max_retries=1, retry_policy=FAST
    ) as client:
        with pytest.raises(APITimeoutError) as info:
            await client.customers.retrieve("cus_1")
    assert info.value.attempts == 2
    assert trickle.received(2) == 2


def test_a_per_request_timeout_is_the_deadline_too(trickle: TrickleServer) -> None:
    with StripeClient(API_KEY, base_url=trickle.url, timeout=60, retry_policy=FAST) as client:
        with pytest.raises(APITimeoutError):
            client.customers.retrieve("cus_1", timeout=0.3, max_retries=0)
    assert trickle.received(1) == 1


# -- 6. corrupt compressed bodies -------------------------------------------------------------

CORRUPT = [
    Reply(body=b"this is not gzip at all", headers={"Content-Encoding": "gzip"}),
    Reply(body=b"\x78\x9cnot deflate", headers={"Content-Encoding": "deflate"}),
]


@pytest.mark.parametrize("corrupt", CORRUPT, ids=["gzip", "deflate"])
def test_a_corrupt_compressed_body_is_an_sdk_error_and_is_retried(client, server, corrupt: Reply) -> None:
    server.reply(corrupt, Reply(json={"id": "cus_1", "object": "customer"}))
    assert client.customers.retrieve("cus_1").id == "cus_1"
    assert len(server.requests) == 2
    server.reply(corrupt)
    with pytest.raises(APIConnectionError) as info:
        client.customers.retrieve("cus_1", max_retries=0)
    assert "DecodingError" in str(info.value)


@pytest.mark.parametrize("corrupt", CORRUPT, ids=["gzip", "deflate"])
async def test_async_corrupt_compressed_body(aclient, server, corrupt: Reply) -> None:
    server.reply(corrupt, Reply(json={"id": "cus_1", "object": "customer"}))
    assert (await aclient.customers.retrieve("cus_1")).id == "cus_1"
    server.reply(corrupt)
    with pytest.raises(APIConnectionError):
        await aclient.customers.retrieve("cus_1", max_retries=0)


# -- 7. a 200 whose JSON is not an object -----------------------------------------------------

NOT_OBJECTS = [b"null", b"[]", b'"x"', b"42", b"[1, 2, 3]", b"true"]


@pytest.mark.parametrize("body", NOT_OBJECTS)
def test_a_success_body_that_is_not_an_object_is_an_api_error(client, server, body: bytes) -> None:
    server.reply(Reply(body=body), Reply(body=body))
    with pytest.raises(APIError) as info:
        client.customers.retrieve("cus_1")
    assert repr(body.decode()) in str(info.value)
    assert info.value.body == body and info.value.http_status == 200
    with pytest.raises(APIError):
        client.customers.with_raw_response.retrieve("cus_1").parse()


@pytest.mark.parametrize("body", NOT_OBJECTS)
async def test_async_success_body_that_is_not_an_object(aclient, server, body: bytes) -> None:
    server.reply(Reply(body=body))
    with pytest.raises(APIError):
        await aclient.customers.list()


# -- 8. JSON nested too deep ------------------------------------------------------------------

DEEP = b'{"a": ' * 100_000 + b"1" + b"}" * 100_000
DEEP_LIST = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("body", [DEEP, DEEP_LIST], ids=["objects", "lists"])
def test_deep_json_is_an_api_error_in_every_place(client, server, body: bytes) -> None:
    server.reply(
        Reply(body=body), Reply(body=body), Reply(status=500, body=body), Reply(status=400, body=body)
    )
    with pytest.raises(APIError):
        client.customers.retrieve("cus_1")
    raw = client.customers.with_raw_response.retrieve("cus_1")
    with pytest.raises(APIError):
        raw.parse()
    with pytest.raises(APIError) as info:
        client.customers.retrieve("cus_1", max_retries=0)
    assert info.value.http_status == 500
    with pytest.raises(InvalidRequestError) as bad:
        client.customers.retrieve("cus_1")
    assert bad.value.http_status == 400


async def test_async_deep_json_is_an_api_error(aclient, server) -> None:
    server.reply(Reply(body=DEEP), Reply(status=500, body=DEEP))
    with pytest.raises(APIError):
        await aclient.customers.retrieve("cus_1")
    with pytest.raises(APIError):
        await aclient.customers.retrieve("cus_1", max_retries=0)


def test_a_deep_object_inside_a_field_is_an_api_error(client, server) -> None:
    # Valid JSON for the decoder's limit, too deep for structuring into nested models.
    nested = b'{"id": "cus_1", "object": "customer", "metadata": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5001
    server.reply(Reply(body=nested))
    try:
        client.customers.retrieve("cus_1")
    except StripeError as exc:
        assert isinstance(exc, APIError)


# -- 11. one AsyncStripeClient across event loops -----------------------------------------------


def test_one_async_client_serves_several_asyncio_runs(server: StripeServer) -> None:
    server.handler = lambda rec: Reply(json={"id": "cus_1", "object": "customer"})
    client = AsyncStripeClient(API_KEY, base_url=server.url, retry_policy=FAST)

    async def job() -> str:
        return (await client.customers.create(email="a@example.com")).id

    results = [asyncio.run(job()) for _ in range(3)]
    assert results == ["cus_1"] * 3
    assert [r.method for r in server.requests] == ["POST"] * 3
    asyncio.run(client.aclose())


def test_a_derived_client_follows_the_loop_change_too(server: StripeServer) -> None:
    server.handler = lambda rec: Reply(json={"id": "cus_1", "object": "customer"})
    client = AsyncStripeClient(API_KEY, base_url=server.url, retry_policy=FAST)
    derived = client.with_options(stripe_account="acct_1")

    async def job(c: AsyncStripeClient) -> str:
        return (await c.customers.retrieve("cus_1")).id

    assert asyncio.run(job(client)) == "cus_1"
    assert asyncio.run(job(derived)) == "cus_1"
    assert asyncio.run(job(client)) == "cus_1"
    assert len(server.requests) == 3


def test_a_callers_http_client_on_a_new_loop_is_refused_before_sending(server: StripeServer) -> None:
    server.handler = lambda rec: Reply(json={"id": "cus_1", "object": "customer"})
    http = httpx.AsyncClient()
    client = AsyncStripeClient(API_KEY, base_url=server.url, http_client=http, retry_policy=FAST)

    async def job() -> str:
        return (await client.customers.create(email="a@example.com")).id

    assert asyncio.run(job()) == "cus_1"
    with pytest.raises(APIConnectionError) as info:
        asyncio.run(job())
    assert "nothing was sent" in str(info.value)
    assert len(server.requests) == 1
