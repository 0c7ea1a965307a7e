"""Clients with millisecond backoff, so fault-injection tests retry for real but fast."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from lattice_stripe import AsyncStripeClient, StripeClient
from lattice_stripe._runtime.http.retry import RetryPolicy
from tests.stripe_server import StripeServer

API_KEY = "sk_test_51HsEcRetKeyValue0000abcd"
FAST = RetryPolicy(initial_delay=0.001, max_delay=0.004, max_retry_after=1.0)


@pytest.fixture(scope="session")
def shared_http() -> Iterator[httpx.Client]:
    # Creating an httpx.Client costs ~150 ms (it loads the CA bundle); share one.
    with httpx.Client() as http:
        yield http


@pytest.fixture
def client(server: StripeServer, shared_http: httpx.Client) -> Iterator[StripeClient]:
    with StripeClient(
        API_KEY,
        base_url=server.url,
        files_base_url=server.url,
        retry_policy=FAST,
        timeout=2.0,
        http_client=shared_http,
    ) as c:
        yield c


@pytest.fixture
async def aclient(server: StripeServer) -> AsyncIterator[AsyncStripeClient]:
    async with AsyncStripeClient(
        API_KEY, base_url=server.url, files_base_url=server.url, retry_policy=FAST, timeout=2.0
    ) as c:
        yield c
