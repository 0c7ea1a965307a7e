"""Your own retry strategy: a callable on the client or per request, sync and async, real sockets."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import APIConnectionError, APIError, AsyncStripeClient, InvalidArgumentError, StripeClient
from lattice_stripe._runtime.http.retry import RetryAttempt, RetryPolicy
from tests.runtime.conftest import API_KEY
from tests.stripe_server import Reply, StripeServer

CUSTOMER = {"id": "cus_1", "object": "customer"}
SERVER_ERROR = {"error": {"type": "api_error", "message": "boom"}}
BAD_REQUEST = {"error": {"type": "invalid_request_error", "message": "not yet"}}


class Recording:
    """A strategy that records what it was shown and answers from a rule."""

    def __init__(self, rule: Any) -> None:
        self.rule = rule
        self.seen: list[RetryAttempt] = []

    def __call__(self, attempt: RetryAttempt) -> float | None:
        self.seen.append(attempt)
        result: float | None = self.rule(attempt)
        return result


def stop_on_500(attempt: RetryAttempt) -> float | None:
    return None if attempt.status == 500 else RetryPolicy(initial_delay=0.001)(attempt)


def retry_400(attempt: RetryAttempt) -> float | None:
    return 0.001 if attempt.status == 400 else None


async def create(client: StripeClient | AsyncStripeClient, **options: Any) -> Any:
    result = client.customers.create(email="a@example.com", **options)
    return await result if isinstance(client, AsyncStripeClient) else result


@pytest.fixture(params=["sync", "async"])
async def make_client(request: pytest.FixtureRequest, server: StripeServer) -> Any:
    made: list[Any] = []

    def make(**settings: Any) -> StripeClient | AsyncStripeClient:
        cls = StripeClient if request.param == "sync" else AsyncStripeClient
        c = cls(API_KEY, base_url=server.url, timeout=2.0, **settings)
        made.append(c)
        return c

    yield make
    for c in made:
        await c.aclose() if isinstance(c, AsyncStripeClient) else c.close()


async def test_a_strategy_that_stops_on_500(make_client: Any, server: StripeServer) -> None:
    server.reply(Reply(500, SERVER_ERROR), Reply(json=CUSTOMER))
    with pytest.raises(APIError) as caught:
        await create(make_client(retry_strategy=stop_on_500))
    assert caught.value.attempts == 1
    assert len(server.requests) == 1


async def test_a_strategy_that_retries_a_400_replays_one_idempotency_key(
    make_client: Any, server: StripeServer
) -> None:
    server.reply(Reply(400, BAD_REQUEST), Reply(400, BAD_REQUEST), Reply(json=CUSTOMER))
    strategy = Recording(retry_400)
    customer = await create(make_client(retry_strategy=strategy))
    assert customer.id == "cus_1"
    assert customer.last_response.attempts == 3
    keys = {r.header("Idempotency-Key") for r in server.requests}
    assert len(server.requests) == 3 and len(keys) == 1 and None not in keys
    assert [(a.attempt, a.status, a.operation_id, a.method) for a in strategy.seen] == [
        (1, 400, "PostCustomers", "POST"),
        (2, 400, "PostCustomers", "POST"),
    ]
    assert strategy.seen[0].headers["request-id"] == "req_1"


async def test_the_per_request_strategy_wins_over_the_clients(make_client: Any, server: StripeServer) -> None:
    server.reply(Reply(400, BAD_REQUEST), Reply(json=CUSTOMER))
    client = make_client(retry_strategy=lambda attempt: None)
    assert (await create(client, retry_strategy=retry_400)).id == "cus_1"
    server.reply(Reply(400, BAD_REQUEST), Reply(json=CUSTOMER))
    with pytest.raises(Exception, match="not yet"):
        await create(client)


async def test_with_options_sets_a_strategy_on_the_derived_client(
    make_client: Any, server: StripeServer
) -> None:
    server.reply(Reply(400, BAD_REQUEST), Reply(json=CUSTOMER))
    base = make_client()
    assert (await create(base.with_options(retry_strategy=retry_400))).id == "cus_1"
    server.reply(Reply(400, BAD_REQUEST))
    with pytest.raises(Exception, match="not yet"):
        await create(base)  # the base client keeps the default policy
    with pytest.raises(InvalidArgumentError, match="retry_strategy must be a callable"):
        base.with_options(retry_strategy="often")


async def test_max_retries_bounds_any_strategy(make_client: Any, server: StripeServer) -> None:
    server.reply(*[Reply(400, BAD_REQUEST) for _ in range(4)])
    strategy = Recording(lambda attempt: 0.0)
    with pytest.raises(Exception, match="not yet") as caught:
        await create(make_client(retry_strategy=strategy, max_retries=2))
    assert caught.value.attempts == 3
    assert [a.attempt for a in strategy.seen] == [1, 2]  # not asked once the budget is spent
    assert {a.max_retries for a in strategy.seen} == {2}


async def test_a_connection_failure_reaches_the_strategy_as_a_transient_error(
    make_client: Any, server: StripeServer
) -> None:
    server.reply(Reply(reset=True), Reply(json=CUSTOMER))
    strategy = Recording(lambda attempt: 0.001 if attempt.transient else None)
    assert (await create(make_client(retry_strategy=strategy))).id == "cus_1"
    (seen,) = strategy.seen
    assert seen.status is None and seen.headers == {}
    assert isinstance(seen.error, APIConnectionError) and seen.transient
    assert len({r.header("Idempotency-Key") for r in server.requests}) == 1

    server.reply(Reply(reset=True), Reply(json=CUSTOMER))
    with pytest.raises(APIConnectionError):
        await create(make_client(retry_strategy=lambda attempt: None))


async def test_the_default_strategy_is_the_retry_policy(make_client: Any, server: StripeServer) -> None:
    """With no strategy the client's RetryPolicy decides; passing it as the strategy is the same."""
    policy = RetryPolicy(initial_delay=0.001)
    answers = [Reply(500, SERVER_ERROR), Reply(400, BAD_REQUEST, headers={"Stripe-Should-Retry": "true"})]
    for client in (make_client(retry_policy=policy), make_client(retry_strategy=policy)):
        server.reply(*answers, Reply(json=CUSTOMER))
        assert (await create(client)).last_response.attempts == 3
        server.reply(Reply(400, BAD_REQUEST))
        with pytest.raises(Exception, match="not yet"):
            await create(client)
    assert len(server.requests) == 8


@pytest.mark.parametrize("bad", [0.5, "retry", object()])
async def test_a_strategy_must_be_callable(make_client: Any, server: StripeServer, bad: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="retry_strategy must be a callable"):
        make_client(retry_strategy=bad)
    with pytest.raises(InvalidArgumentError, match=r"customers\.create: retry_strategy must be a callable"):
        await create(make_client(), retry_strategy=bad)
    assert server.requests == []


@pytest.mark.parametrize(
    ("attempt", "retried"),
    [
        (RetryAttempt(1, 2, "GetCustomers", "GET", 500), True),
        (RetryAttempt(1, 2, "GetCustomers", "GET", 400), False),
        (RetryAttempt(1, 2, "GetCustomers", "GET", 400, {"stripe-should-retry": "true"}), True),
        (RetryAttempt(1, 2, "GetCustomers", "GET", 500, {"stripe-should-retry": "false"}), False),
        (RetryAttempt(1, 2, "GetCustomers", "GET", 429), True),
        (RetryAttempt(1, 2, "GetCustomers", "GET", error=APIConnectionError("x"), transient=True), True),
        (RetryAttempt(1, 2, "GetCustomers", "GET", error=APIConnectionError("x"), transient=False), False),
    ],
)
def test_retry_policy_as_a_strategy(attempt: RetryAttempt, retried: bool) -> None:
    delay = RetryPolicy(initial_delay=0.25, max_delay=1.0)(attempt)
    assert (delay is not None) is retried
    if delay is not None:
        assert 0.125 <= delay <= 0.25
