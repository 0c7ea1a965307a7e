from __future__ import annotations

from collections.abc import Iterator

import pytest

from lattice_stripe import AsyncStripeClient, StripeClient
from tests.stripe_server import StripeServer


@pytest.fixture
def server() -> Iterator[StripeServer]:
    srv = StripeServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def client(server: StripeServer) -> Iterator[StripeClient]:
    with StripeClient("sk_test_123456789012345678", base_url=server.url, files_base_url=server.url) as c:
        yield c


@pytest.fixture
async def aclient(server: StripeServer) -> AsyncStripeClient:
    c = AsyncStripeClient("sk_test_123456789012345678", base_url=server.url, files_base_url=server.url)
    yield c
    await c.aclose()
