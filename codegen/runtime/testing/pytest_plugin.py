"""pytest plugin (entry point ``lattice_stripe``): fixtures wired to an in-process fake Stripe.

``stripe_fake`` is a fresh ``FakeStripe`` per test; ``stripe_fake_client`` and
``stripe_fake_async_client`` are clients talking to it. Options per test (or module, with
``pytestmark``): ``@pytest.mark.stripe_fake(stateful=False, seed=3, patch=True)``;
``patch=True`` points every client the code under test builds at the fake. The async
fixture is a pytest-asyncio fixture: it works in ``asyncio_mode = "auto"`` and, in strict
mode, for tests marked ``@pytest.mark.asyncio``. Nothing is imported until a test asks.
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

_OPTIONS = frozenset({"stateful", "seed", "patch"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "stripe_fake(stateful=True, seed=0, patch=False): options of the stripe_fake fixture",
    )


@pytest.fixture
def stripe_fake(request: pytest.FixtureRequest) -> Iterator[FakeStripe]:
    """A fresh in-process fake Stripe (``lattice_stripe.testing.FakeStripe``)."""
    from .fake import FakeStripe

    marker = request.node.get_closest_marker("stripe_fake")
    options = dict(marker.kwargs) if marker else {}
    unknown = set(options) - _OPTIONS
    if unknown:
        raise pytest.UsageError(f"stripe_fake takes {sorted(_OPTIONS)}, not {sorted(unknown)}")
    fake = FakeStripe(stateful=options.get("stateful", True), random_seed=options.get("seed", 0))
    if options.get("patch"):
        with fake.patch():
            yield fake
    else:
        yield fake


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
