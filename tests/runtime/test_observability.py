"""Logging and hooks: what they report, and that nothing runs when nobody listens."""

from __future__ import annotations

import logging

import pytest

from lattice_stripe._runtime.observability import observe
from lattice_stripe._runtime.observability.observe import RequestEvent, ResponseEvent
from tests.stripe_server import Reply, StripeServer

CUSTOMER = {"id": "cus_1", "object": "customer"}


def test_hooks_see_every_attempt(client, server: StripeServer) -> None:
    requests: list[RequestEvent] = []
    responses: list[ResponseEvent] = []
    client.on_request(requests.append)
    client.on_response(responses.append)
    server.reply(
        Reply(503, {"error": {"type": "api_error", "message": "busy"}}, headers={"Request-Id": "req_a"}),
        Reply(json=CUSTOMER, headers={"Request-Id": "req_b"}),
    )
    client.customers.update("cus_1", email="a@b.c", stripe_account="acct_9")
    assert [(e.attempt, e.method, e.path, e.operation_id) for e in requests] == [
        (1, "POST", "/v1/customers/cus_1", "PostCustomersCustomer"),
        (2, "POST", "/v1/customers/cus_1", "PostCustomersCustomer"),
    ]
    assert requests[0].idempotency_key == requests[1].idempotency_key == server.last.header("idempotency-key")
    assert requests[0].stripe_account == "acct_9"
    first, second = responses
    assert (first.status_code, first.request_id, first.attempt, first.error) == (503, "req_a", 1, None)
    assert first.retry_in is not None and first.retry_in > 0
    assert (second.status_code, second.request_id, second.attempt, second.retry_in) == (200, "req_b", 2, None)
    assert all(0 < e.elapsed < 5 for e in responses)


def test_hooks_see_connection_errors(client, server: StripeServer) -> None:
    responses: list[ResponseEvent] = []
    client.on_response(responses.append)
    server.reply(Reply(reset=True), Reply(json=CUSTOMER))
    client.customers.retrieve("cus_1")
    assert responses[0].status_code is None and type(responses[0].error).__name__ == "APIConnectionError"
    assert responses[1].status_code == 200


def test_query_strings_stay_out_of_events_and_logs(client, server: StripeServer, caplog) -> None:
    events: list[RequestEvent] = []
    client.on_request(events.append)
    server.reply(Reply(json={"object": "list", "data": [], "has_more": False, "url": "/v1/customers"}))
    with caplog.at_level(logging.INFO, logger="lattice_stripe"):
        client.customers.list(email="jo@example.com")
    assert events[0].path == "/v1/customers"
    assert "jo@example.com" not in caplog.text and "/v1/customers" in caplog.text


def test_a_broken_hook_does_not_break_the_call(client, server: StripeServer, caplog) -> None:
    def broken(event: object) -> None:
        raise RuntimeError("metrics backend down")

    client.on_response(broken)
    server.reply(Reply(json=CUSTOMER))
    with caplog.at_level(logging.ERROR, logger="lattice_stripe"):
        assert client.customers.retrieve("cus_1").id == "cus_1"
    assert "metrics backend down" in caplog.text


def test_hooks_are_shared_with_derived_clients(client, server: StripeServer) -> None:
    seen: list[RequestEvent] = []
    client.on_request(seen.append)
    server.reply(Reply(json=CUSTOMER))
    client.with_options(stripe_account="acct_1").customers.retrieve("cus_1")
    assert len(seen) == 1


def test_log_line_carries_method_path_status_duration_request_id_attempt(
    client, server: StripeServer, caplog
) -> None:
    server.reply(Reply(json=CUSTOMER, headers={"Request-Id": "req_log"}))
    with caplog.at_level(logging.INFO, logger="lattice_stripe"):
        client.customers.retrieve("cus_1")
    (record,) = [r for r in caplog.records if r.name == "lattice_stripe"]
    message = record.getMessage()
    for part in ("GET /v1/customers/cus_1", "-> 200", " ms", "attempt 1", "request_id=req_log"):
        assert part in message


def test_nothing_is_built_when_nobody_listens(client, server: StripeServer, monkeypatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("observer built on the hot path")

    monkeypatch.setattr(observe, "Observer", forbidden)
    logging.getLogger("lattice_stripe").setLevel(logging.WARNING)
    try:
        server.reply(Reply(500, {"error": {"type": "api_error", "message": "x"}}), Reply(json=CUSTOMER))
        assert client.customers.retrieve("cus_1").id == "cus_1"
        client.on_response(lambda e: None)
        server.reply(Reply(json=CUSTOMER))
        with pytest.raises(AssertionError, match="hot path"):
            client.customers.retrieve("cus_1")
    finally:
        logging.getLogger("lattice_stripe").setLevel(logging.NOTSET)


async def test_async_hooks(aclient, server: StripeServer) -> None:
    seen: list[ResponseEvent] = []
    aclient.on_response(seen.append)
    server.reply(
        Reply(429, {"error": {"type": "invalid_request_error", "message": "slow"}}), Reply(json=CUSTOMER)
    )
    await aclient.customers.retrieve("cus_1")
    assert [e.status_code for e in seen] == [429, 200]
