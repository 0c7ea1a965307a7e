"""Each behaviour test runs twice: through ``StripeClient`` and through ``AsyncStripeClient``
(driven on one event loop by a thin wrapper, so one test body pins both)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from typing import Any

import pytest

from lattice_stripe import RetryPolicy
from lattice_stripe.testing import FakeStripe

NO_WAIT = RetryPolicy(initial_delay=0, max_delay=0)


class Driven:
    """An async client (or resource, or method) whose calls run to completion."""

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        return Driven(value, self._loop) if callable(value) or not _plain(value) else value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self._target(*args, **kwargs)
        if inspect.isawaitable(result):
            result = self._loop.run_until_complete(result)
        return Driven(result, self._loop) if _is_client(result) else result


def _plain(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), dict, list, tuple))


def _is_client(value: Any) -> bool:
    return type(value).__name__ == "AsyncStripeClient"


@pytest.fixture
def fake() -> FakeStripe:
    return FakeStripe()


@pytest.fixture(params=["sync", "async"])
def client(request: pytest.FixtureRequest, fake: FakeStripe) -> Iterator[Any]:
    if request.param == "sync":
        with fake.stripe_client(retry_policy=NO_WAIT, max_retries=0) as sync:
            yield sync
        return
    loop = asyncio.new_event_loop()
    aclient = fake.async_stripe_client(retry_policy=NO_WAIT, max_retries=0)
    try:
        yield Driven(aclient, loop)
    finally:
        loop.run_until_complete(aclient.aclose())
        loop.close()


def types(fake: FakeStripe, since: int = 0) -> list[str]:
    """The event types the fake recorded (from the ``since``-th on)."""
    return [e["type"] for e in fake.events[since:]]


def collect(client: Any, page: Any) -> list[Any]:
    """Every item from this page on, with the client's own auto-paging (sync or async)."""
    if isinstance(client, Driven):

        async def every() -> list[Any]:
            return [item async for item in page.auto_paging_iter()]

        return client._loop.run_until_complete(every())
    return list(page.auto_paging_iter())
