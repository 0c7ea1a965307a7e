"""A retry strategy's answer is bounded, and a strategy's failure never hides the HTTP error.

Real sockets, sync and async: an answer outside 0..MAX_RETRY_DELAY seconds (``inf``, ``1e300``,
``10**400``, NaN, ``True``) or a strategy that raises ends the retries at once; the caller
gets the error of the attempt the strategy was asked about (the 429), caused by the failure.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from lattice_stripe import (
    APIConnectionError,
    AsyncStripeClient,
    InvalidArgumentError,
    RateLimitError,
    StripeClient,
)
from lattice_stripe._runtime.http.retry import MAX_RETRY_DELAY, RetryPolicy, backoff_delay
from tests.runtime.conftest import API_KEY
from tests.stripe_server import Reply, StripeServer

RATE_LIMITED = Reply(429, {"error": {"type": "rate_limit_error", "message": "slow down"}})
BOUND = 60.0  # a safety net for a client that would sleep forever, not a timing threshold


async def create(client: StripeClient | AsyncStripeClient) -> Any:
    if isinstance(client, AsyncStripeClient):
        return await asyncio.wait_for(client.customers.create(email="a@example.com"), BOUND)
    return client.customers.create(email="a@example.com")


@pytest.fixture(params=["sync", "async"])
async def make_client(request: pytest.FixtureRequest, server: StripeServer) -> Any:
    made: list[Any] = []

    def make(**settings: Any) -> StripeClient | AsyncStripeClient:
        cls = StripeClient if request.param == "sync" else AsyncStripeClient
        made.append(cls(API_KEY, base_url=server.url, timeout=2.0, **settings))
        return made[-1]

    yield make
    for c in made:
        await c.aclose() if isinstance(c, AsyncStripeClient) else c.close()


class StrategyBug(Exception):
    pass


def _raises(attempt: Any) -> float:
    raise StrategyBug("the strategy's own bug")


@pytest.mark.parametrize(
    "answer",
    [float("inf"), 1e300, 10**400, MAX_RETRY_DELAY + 1, -1, float("nan"), True, "1", [1]],
    ids=repr,
)
async def test_an_answer_outside_the_bound_ends_retries_with_the_http_error(
    make_client: Any, server: StripeServer, answer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server.reply(RATE_LIMITED, RATE_LIMITED)
    with caplog.at_level(logging.ERROR, "lattice_stripe"), pytest.raises(RateLimitError) as caught:
        await create(make_client(retry_strategy=lambda attempt: answer))
    assert isinstance(caught.value.__cause__, InvalidArgumentError)
    assert f"from 0 to {MAX_RETRY_DELAY:g} or None" in str(caught.value.__cause__)
    assert len(server.requests) == 1
    assert "the retry strategy failed (InvalidArgumentError); not retrying" in caplog.text


async def test_a_raising_strategy_leaves_the_caller_the_429_it_was_asked_about(
    make_client: Any, server: StripeServer
) -> None:
    server.reply(RATE_LIMITED, RATE_LIMITED)
    with pytest.raises(RateLimitError) as caught:
        await create(make_client(retry_strategy=_raises))
    assert caught.value.http_status == 429
    assert isinstance(caught.value.__cause__, StrategyBug)
    assert len(server.requests) == 1


async def test_a_raising_strategy_after_a_dropped_connection(make_client: Any, server: StripeServer) -> None:
    server.reply(Reply(reset=True), Reply(reset=True))
    with pytest.raises(APIConnectionError) as caught:
        await create(make_client(retry_strategy=_raises))
    assert isinstance(caught.value.__cause__, StrategyBug)
    assert len(server.requests) == 1


async def test_the_bound_itself_is_a_valid_answer(make_client: Any, server: StripeServer) -> None:
    server.reply(RATE_LIMITED, Reply(json={"id": "cus_1", "object": "customer"}))
    answers = iter([0, None])
    assert (await create(make_client(retry_strategy=lambda attempt: next(answers)))).id == "cus_1"


@pytest.mark.parametrize("field", ["initial_delay", "max_delay", "max_retry_after"])
@pytest.mark.parametrize("value", [MAX_RETRY_DELAY + 1, 1e300, 10**400, float("inf")], ids=repr)
def test_a_retry_policy_beyond_the_bound_is_refused_when_made(field: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=f"RetryPolicy.{field} must be"):
        RetryPolicy(**{field: value})


@pytest.mark.parametrize("retries_done", [0, 10, 1023, 1024, 10**6])
def test_backoff_never_overflows_however_many_retries(retries_done: int) -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=5.0)
    assert backoff_delay(retries_done, policy, rand=0.0) == (0.25 if retries_done == 0 else 2.5)


@pytest.mark.parametrize("cls", [StripeClient, AsyncStripeClient])
@pytest.mark.parametrize("value", [10**400, -(10**400), float("inf")], ids=lambda v: f"{v!r:.12}")
def test_a_huge_timeout_is_refused_by_name(cls: Any, value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="timeout must be a finite number of seconds"):
        cls(API_KEY, timeout=value)
