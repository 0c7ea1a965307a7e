"""One AsyncStripeClient across event loops (real sockets, both async transports).

Each loop gets a pool of its own, closed inside that loop when it shuts down: nothing is left
unclosed (aiohttp's "Unclosed client session"), and threads each running a loop keep their
pool instead of rebuilding one per call.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings
from typing import Any

import pytest

from lattice_stripe import AsyncStripeClient
from lattice_stripe._runtime.http import transport
from tests.runtime.conftest import API_KEY
from tests.stripe_server import Reply, StripeServer

BOUND = 60  # seconds: a safety net for a hang, not a timing threshold


@pytest.fixture(params=["aiohttp", "httpx"])
def async_transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(transport, "aiohttp_installed", lambda: request.param == "aiohttp")
    return str(request.param)


def _pool(client: AsyncStripeClient) -> Any:
    """The running loop's pool: aiohttp's session itself, or the httpx client."""
    http = client._http_client()
    return getattr(http, "_session", http)


def _closed(pool: Any) -> bool:
    return bool(pool.closed) if hasattr(pool, "closed") else bool(pool.is_closed)


def test_each_asyncio_run_closes_the_pool_it_used(
    async_transport: str, server: StripeServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.handler = lambda rec: Reply(json={"id": "cus_1", "object": "customer"})
    client = AsyncStripeClient(API_KEY, base_url=server.url)
    pools: list[Any] = []

    async def job() -> None:
        await asyncio.wait_for(client.customers.retrieve("cus_1"), BOUND)
        pools.append(_pool(client))

    gc.collect()  # what earlier tests left behind is not this test's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            asyncio.run(job())
        gc.collect()
    assert len({id(p) for p in pools}) == 3  # a pool per loop
    assert all(_closed(p) for p in pools)  # each closed by its own loop's shutdown
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert "Unclosed" not in caplog.text
    assert len(server.requests) == 3


def test_threads_each_running_a_loop_keep_one_pool_per_loop(
    async_transport: str, server: StripeServer
) -> None:
    server.handler = lambda rec: Reply(json={"id": "cus_1", "object": "customer"})
    client = AsyncStripeClient(API_KEY, base_url=server.url)
    pools: dict[int, list[Any]] = {}
    errors: list[BaseException] = []
    go = threading.Barrier(4)

    def worker(n: int) -> None:
        async def calls() -> None:
            go.wait(BOUND)
            for _ in range(5):
                await asyncio.wait_for(client.customers.retrieve("cus_1"), BOUND)
                pools.setdefault(n, []).append(_pool(client))
                await asyncio.sleep(0)  # let the other threads' calls interleave

        try:
            asyncio.run(calls())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(BOUND)
    assert errors == []
    assert [len({id(p) for p in pools[n]}) for n in range(4)] == [1, 1, 1, 1]  # made once per loop
    assert len({id(pools[n][0]) for n in range(4)}) == 4
    assert all(_closed(pools[n][0]) for n in range(4))
    assert len(server.requests) == 20


def test_aclose_closes_the_current_loops_pool(async_transport: str, server: StripeServer) -> None:
    server.handler = lambda rec: Reply(json={"id": "cus_1", "object": "customer"})
    client = AsyncStripeClient(API_KEY, base_url=server.url)

    async def job() -> Any:
        await client.customers.retrieve("cus_1")
        pool = _pool(client)
        await client.aclose()
        return pool

    http = asyncio.run(job())
    assert _closed(http)
    assert asyncio.run(job()) is not http  # the client still works on a later loop
