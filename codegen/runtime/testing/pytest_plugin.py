"""pytest plugin (entry point ``lattice_stripe``): fixtures wired to an in-process fake Stripe.

``stripe_fake`` is a fresh ``FakeStripe`` per test; ``stripe_fake_client`` and
``stripe_fake_async_client`` are clients talking to it. Nothing is imported until a test
asks for one of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

try:  # strict-mode pytest-asyncio wants its own decorator for async fixtures
    from pytest_asyncio import fixture as async_fixture
except ImportError:  # pragma: no cover - without pytest-asyncio, anyio or auto mode run it
    async_fixture = pytest.fixture  # type: ignore[assignment]

if TYPE_CHECKING:
    from ..._client import AsyncStripeClient, StripeClient
    from .fake import FakeStripe


@pytest.fixture
def stripe_fake() -> FakeStripe:
    """A fresh in-process fake Stripe (``lattice_stripe.testing.FakeStripe``)."""
    from .fake import FakeStripe

    return FakeStripe()


@pytest.fixture
def stripe_fake_client(stripe_fake: FakeStripe) -> Iterator[StripeClient]:
    """A ``StripeClient`` talking to ``stripe_fake``."""
    with stripe_fake.stripe_client() as client:
        yield client


@async_fixture
async def stripe_fake_async_client(stripe_fake: FakeStripe) -> AsyncIterator[AsyncStripeClient]:
    """An ``AsyncStripeClient`` talking to ``stripe_fake``."""
    async with stripe_fake.async_stripe_client() as client:
        yield client
