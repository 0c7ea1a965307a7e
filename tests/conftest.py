from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen import spec as spec_mod
from lattice_stripe import AsyncStripeClient, StripeClient
from tests import shared
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


# -- data from ../shared (see tests/shared.py): the only way tests reach it ----------------


@pytest.fixture(scope="session")
def pinned_spec() -> spec_mod.LoadedSpec:
    """The pinned spec (``spec/stripe.lock``), parsed."""
    return spec_mod.load(spec_mod.Lock.read(), shared.need(shared.PINNED_SPEC), download=False)


@pytest.fixture(scope="session")
def old_spec() -> Path:
    """The 2022-11-15 spec file (its lock is ``shared.OLD_LOCK``)."""
    return shared.need(shared.OLD_SPEC)


@pytest.fixture(scope="session")
def fixtures3() -> dict[str, dict[str, Any]]:
    """Stripe's example objects for the pinned version, by resource name."""
    resources: dict[str, dict[str, Any]] = json.loads(shared.need(shared.FIXTURES3).read_text())["resources"]
    return resources
