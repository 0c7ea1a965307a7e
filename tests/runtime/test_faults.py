"""Fault injection over real sockets: the retry loop against a scripted 127.0.0.1 server."""

from __future__ import annotations

import time

import pytest

from lattice_stripe import APIConnectionError, APIError, APITimeoutError, InvalidRequestError, RateLimitError
from tests.stripe_server import Reply, StripeServer

CUSTOMER = {"id": "cus_1", "object": "customer"}
SERVER_ERROR = {"error": {"type": "api_error", "message": "An unknown error occurred"}}
LOCK_TIMEOUT = {
    "error": {
        "type": "invalid_request_error",
        "code": "lock_timeout",
        "message": "This object cannot be accessed right now because another API request or Stripe process is currently accessing it.",
    }
}


def test_500_then_200_is_retried_with_the_same_idempotency_key(client, server: StripeServer) -> None:
    server.reply(Reply(500, SERVER_ERROR), Reply(json=CUSTOMER))
    customer = client.customers.create(email="a@b.c")
    assert customer.id == "cus_1"
    assert customer.last_response.attempts == 2
    keys = [r.header("idempotency-key") for r in server.requests]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    assert server.requests[0].body == server.requests[1].body


def test_each_post_gets_its_own_key_and_a_callers_key_is_kept(client, server: StripeServer) -> None:
    server.reply(Reply(json=CUSTOMER), Reply(json=CUSTOMER), Reply(500, SERVER_ERROR), Reply(json=CUSTOMER))
    client.customers.create()
    client.customers.create()
    client.customers.create(idempotency_key="order-42")
    keys = [r.header("idempotency-key") for r in server.requests]
    assert keys[0] != keys[1]
    assert keys[2:] == ["order-42", "order-42"]


def test_a_get_never_gets_an_idempotency_key(client, server: StripeServer) -> None:
    server.reply(Reply(500, SERVER_ERROR), Reply(json=CUSTOMER))
    client.customers.retrieve("cus_1")
    assert len(server.requests) == 2
    assert all(r.header("idempotency-key") is None for r in server.requests)


def test_429_honours_retry_after(client, server: StripeServer) -> None:
    events = []
    client.on_response(events.append)
    rate_limited = {
        "error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}
    }
    server.reply(Reply(429, rate_limited, headers={"Retry-After": "0.3"}), Reply(json=CUSTOMER))
    started = time.monotonic()
    client.customers.retrieve("cus_1")
    assert time.monotonic() - started >= 0.3  # the backoff alone would be a few milliseconds
    assert [e.status_code for e in events] == [429, 200]
    assert events[0].retry_in == pytest.approx(0.3)


def test_409_lock_timeout_is_retried(client, server: StripeServer) -> None:
    server.reply(Reply(409, LOCK_TIMEOUT), Reply(json=CUSTOMER))
    assert client.customers.update("cus_1", email="x@y.z").id == "cus_1"
    assert len(server.requests) == 2


def test_stripe_should_retry_false_on_500_stops_at_once(client, server: StripeServer) -> None:
    server.reply(Reply(500, SERVER_ERROR, headers={"Stripe-Should-Retry": "false"}), Reply(json=CUSTOMER))
    with pytest.raises(APIError) as info:
        client.customers.create()
    assert len(server.requests) == 1
    assert info.value.attempts == 1


def test_stripe_should_retry_true_retries_a_400(client, server: StripeServer) -> None:
    bad = {"error": {"type": "invalid_request_error", "message": "retry me"}}
    server.reply(Reply(400, bad, headers={"Stripe-Should-Retry": "true"}), Reply(json=CUSTOMER))
    client.customers.create()
    assert len(server.requests) == 2


def test_a_callers_4xx_is_never_retried(client, server: StripeServer) -> None:
    missing = {
        "error": {"type": "invalid_request_error", "code": "resource_missing", "message": "No such customer"}
    }
    server.reply(Reply(404, missing), Reply(json=CUSTOMER))
    with pytest.raises(InvalidRequestError):
        client.customers.retrieve("cus_missing")
    assert len(server.requests) == 1


def test_connection_reset_mid_response_is_retried(client, server: StripeServer) -> None:
    server.reply(Reply(reset=True), Reply(json=CUSTOMER))
    assert client.customers.create().id == "cus_1"
    assert len(server.requests) == 2
    assert server.requests[0].header("idempotency-key") == server.requests[1].header("idempotency-key")


def test_read_timeout_is_retried(client, server: StripeServer) -> None:
    # The first answer comes long past the deadline; the deadline is generous enough for the
    # second, however busy the machine.
    server.reply(Reply(json=CUSTOMER, delay=5), Reply(json=CUSTOMER))
    assert client.customers.retrieve("cus_1", timeout=1).id == "cus_1"
    assert len(server.requests) == 2


def test_read_timeout_exhausted_raises_a_timeout_error(client, server: StripeServer) -> None:
    server.reply(*[Reply(json=CUSTOMER, delay=5) for _ in range(2)])  # long past the deadline
    with pytest.raises(APITimeoutError) as info:
        client.customers.retrieve("cus_1", timeout=0.1, max_retries=1)
    assert info.value.attempts == 2
    assert "timed out" in str(info.value)


def test_max_retries_exhausted_raises_the_last_error_with_the_attempt_count(
    client, server: StripeServer
) -> None:
    server.reply(
        Reply(500, SERVER_ERROR),
        Reply(503, {"error": {"type": "api_error", "message": "first"}}),
        Reply(502, {"error": {"type": "api_error", "message": "last one"}}),
        Reply(json=CUSTOMER),
    )
    with pytest.raises(APIError) as info:
        client.customers.create()
    assert len(server.requests) == 3  # max_retries=2 by default: 1 attempt + 2 retries
    assert info.value.http_status == 502 and info.value.message == "last one"
    assert info.value.attempts == 3
    assert "after 3 attempts" in str(info.value)


def test_max_retries_per_request_and_per_client(client, server: StripeServer) -> None:
    server.reply(*[Reply(500, SERVER_ERROR) for _ in range(6)])
    with pytest.raises(APIError):
        client.customers.create(max_retries=0)
    assert len(server.requests) == 1
    with pytest.raises(APIError):
        client.with_options(max_retries=4).customers.create()
    assert len(server.requests) == 6


def test_rate_limit_exhausted_is_a_rate_limit_error(client, server: StripeServer) -> None:
    server.reply(
        *[Reply(429, {"error": {"type": "invalid_request_error", "message": "slow down"}}) for _ in range(3)]
    )
    with pytest.raises(RateLimitError):
        client.customers.list()


def test_connection_refused_is_retried_then_raised(server: StripeServer) -> None:
    from lattice_stripe import StripeClient
    from tests.runtime.conftest import API_KEY, FAST

    with StripeClient(API_KEY, base_url="http://127.0.0.1:9", retry_policy=FAST, max_retries=2) as c:
        with pytest.raises(APIConnectionError) as info:
            c.customers.retrieve("cus_1")
    assert info.value.attempts == 3
    assert API_KEY not in str(info.value)


async def test_async_500_then_200_and_reset(aclient, server: StripeServer) -> None:
    server.reply(Reply(500, SERVER_ERROR), Reply(reset=True), Reply(json=CUSTOMER))
    customer = await aclient.customers.create(email="a@b.c")
    assert customer.id == "cus_1" and customer.last_response.attempts == 3
    keys = {r.header("idempotency-key") for r in server.requests}
    assert len(server.requests) == 3 and len(keys) == 1 and None not in keys


async def test_async_should_retry_false_and_exhaustion(aclient, server: StripeServer) -> None:
    server.reply(Reply(500, SERVER_ERROR, headers={"Stripe-Should-Retry": "false"}))
    with pytest.raises(APIError):
        await aclient.customers.create()
    assert len(server.requests) == 1
    server.reply(*[Reply(json=CUSTOMER, delay=5) for _ in range(2)])  # long past the deadline
    with pytest.raises(APITimeoutError) as info:
        await aclient.customers.retrieve("cus_1", timeout=0.1, max_retries=1)
    assert info.value.attempts == 2
