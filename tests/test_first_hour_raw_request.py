"""``client.raw_request``: endpoints the pinned spec lacks (preview features such as reserves, or anything newer) through
the same pipeline as generated calls, over real sockets, sync and async."""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

import lattice_stripe
from lattice_stripe import AsyncStripeClient, StripeClient
from lattice_stripe._runtime.errors import CardError, InvalidArgumentError, InvalidRequestError
from lattice_stripe._runtime.http.retry import RetryPolicy
from lattice_stripe._runtime.objects.models import UnknownObject
from lattice_stripe.models import Customer
from tests.stripe_server import Reply, StripeServer

KEY = "sk_test_123456789012345678"
FAST = RetryPolicy(initial_delay=0.001, max_delay=0.004, max_retry_after=1.0)
METER_EVENT = {
    "object": "reserve.hold",
    "event_name": "api_requests",
    "identifier": "idmp_1",
    "payload": {"stripe_customer_id": "cus_1", "value": "25"},
    "timestamp": 1700000000,
}


@pytest.fixture(params=["sync", "async"])
def raw(request: pytest.FixtureRequest, client: StripeClient, aclient: AsyncStripeClient) -> Any:
    """``raw(method, path, **kwargs)`` on a sync or an async client with fast retries, awaited."""
    chosen: Any = (client if request.param == "sync" else aclient).with_options(retry_policy=FAST)

    async def call(*args: Any, **kwargs: Any) -> Any:
        result = chosen.raw_request(*args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    call.client = chosen  # type: ignore[attr-defined]
    return call


@pytest.fixture
def other_host() -> Iterator[StripeServer]:
    srv = StripeServer().start()
    try:
        yield srv
    finally:
        srv.stop()


async def test_a_v1_post_is_form_encoded_and_an_unknown_object_keeps_all_data(
    raw: Any, server: StripeServer
) -> None:
    server.reply(Reply(json=METER_EVENT))
    params = {"event_name": "api_requests", "payload": {"stripe_customer_id": "cus_1", "value": "25"}}
    event = await raw("post", "/v1/reserve/holds", params=params, idempotency_key="ik_1")
    req = server.last
    assert (req.method, req.path) == ("POST", "/v1/reserve/holds")
    assert req.header("content-type") == "application/x-www-form-urlencoded"
    assert req.form == [
        ("event_name", "api_requests"),
        ("payload[stripe_customer_id]", "cus_1"),
        ("payload[value]", "25"),
    ]
    assert req.header("authorization") == f"Bearer {KEY}"
    assert req.header("stripe-version") == lattice_stripe.API_VERSION
    assert req.header("idempotency-key") == "ik_1"
    assert isinstance(event, UnknownObject)
    assert event.to_dict() == METER_EVENT
    assert event["payload"] == {"stripe_customer_id": "cus_1", "value": "25"}
    assert event.last_response.request_id == "req_1"


async def test_a_known_object_is_its_typed_model(raw: Any, server: StripeServer) -> None:
    server.reply(Reply(json={"object": "customer", "id": "cus_1", "email": "jo@example.com", "new": 1}))
    customer = await raw("GET", "/v1/customers/cus_1", params={"expand": ["default_source"]})
    assert isinstance(customer, Customer)
    assert (customer.id, customer.email, customer["new"]) == ("cus_1", "jo@example.com", 1)
    req = server.last
    assert (req.method, req.path, req.query) == (
        "GET",
        "/v1/customers/cus_1",
        [("expand[]", "default_source")],
    )
    assert req.header("idempotency-key") is None and req.body == b""


async def test_v2_paths_send_json_to_the_host_and_key_given(
    raw: Any, server: StripeServer, other_host: StripeServer
) -> None:
    session = {
        "object": "v2.billing.meter_event_session",
        "id": "mes_1",
        "authentication_token": "tok_s3cret",
    }
    server.reply(Reply(json=session))
    got = await raw("post", "/v2/billing/meter_event_session")
    assert server.last.header("content-type") == "application/json" and json.loads(server.last.body) == {}
    token = got.authentication_token
    events = {
        "events": [{"event_name": "api_requests", "payload": {"stripe_customer_id": "cus_1", "value": "1"}}]
    }
    other_host.reply(Reply(json={}))
    await raw("post", "/v2/billing/meter_event_stream", params=events, base_url=other_host.url, api_key=token)
    req = other_host.last
    assert json.loads(req.body) == events  # nested values stay JSON, not brackets
    assert req.header("authorization") == "Bearer tok_s3cret"
    assert req.header("idempotency-key")
    assert len(server.requests) == 1  # the stream call went to the other host only
    assert raw.client.config.api_key == KEY  # the per-call key did not stick


async def test_encoding_can_be_chosen(raw: Any, server: StripeServer) -> None:
    server.reply(Reply(json={"object": "thing"}), Reply(json={"object": "thing"}))
    await raw("post", "/v1/things", params={"a": {"b": 1}}, encoding="json")
    assert json.loads(server.last.body) == {"a": {"b": 1}}
    await raw("post", "/v2/things", params={"a": {"b": 1}}, encoding="form")
    assert server.last.form == [("a[b]", "1")]


async def test_retries_replay_one_idempotency_key(raw: Any, server: StripeServer) -> None:
    server.reply(
        Reply(500, {"error": {"type": "api_error", "message": "boom"}}),
        Reply(409, {"error": {"type": "invalid_request_error", "code": "lock_timeout", "message": "busy"}}),
        Reply(json=METER_EVENT),
    )
    seen: list[tuple[str, int]] = []
    raw.client.on_request(lambda e: seen.append((e.operation_id, e.attempt)))
    event = await raw("post", "/v1/reserve/holds", params={"event_name": "api_requests"})
    keys = {r.header("idempotency-key") for r in server.requests}
    assert len(server.requests) == 3 and len(keys) == 1 and None not in keys
    assert event.last_response.attempts == 3
    assert seen == [("raw_request", 1), ("raw_request", 2), ("raw_request", 3)]


async def test_an_error_body_is_the_usual_error(raw: Any, server: StripeServer, caplog: Any) -> None:
    body = {
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "generic_decline",
            "message": "No.",
        }
    }
    server.reply(Reply(402, body))
    with caplog.at_level(logging.INFO, logger="lattice_stripe"), pytest.raises(CardError) as caught:
        await raw("post", "/v1/reserve/holds", params={"event_name": "x"}, api_key="sk_test_other_secret_1")
    err = caught.value
    assert (err.http_status, err.code, err.decline_code) == (402, "card_declined", "generic_decline")
    assert "sk_test_other_secret_1" not in caplog.text + str(err) + repr(err)
    assert "POST /v1/reserve/holds -> 402" in caplog.text
    server.reply(Reply(400, {"error": {"type": "invalid_request_error", "message": "v2 says no"}}))
    with pytest.raises(InvalidRequestError, match="v2 says no"):
        await raw("post", "/v2/billing/meter_event_session")


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        (("put", "/v1/x"), {}, "method must be 'get', 'post' or 'delete'"),
        (("post", "v1/x"), {}, "path must start with '/'"),
        (("get", "/v1/x?limit=3"), {}, "carry no query"),
        (("post", "/v1/x"), {"params": [("a", 1)]}, "params must be a dict"),
        (("post", "/v1/x"), {"encoding": "xml"}, "encoding must be 'form' or 'json'"),
        (("post", "/v1/x"), {"timeout_s": 3}, "unexpected keyword argument"),
        (
            ("post", "/v2/x"),
            {"params": {"at": object()}},
            "raw_request POST /v2/x: params must be JSON values",
        ),
        (("post", "/v2/x"), {"params": {"n": float("nan")}}, "params must be JSON values"),
    ],
)
async def test_bad_arguments_fail_before_any_http(
    raw: Any, server: StripeServer, args: tuple[Any, ...], kwargs: dict[str, Any], expected: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=expected.replace("(", r"\(").replace("?", r"\?")):
        await raw(*args, **kwargs)
    assert server.requests == []


def _meter(n: int) -> dict[str, Any]:
    return {"object": "reserve.plan", "id": f"rplan_{n}", "event_name": f"e{n}"}


async def test_a_list_is_a_page_that_auto_pages_with_the_same_call(raw: Any, server: StripeServer) -> None:
    from lattice_stripe._runtime.objects.pages import ListObject

    server.reply(
        Reply(
            json={
                "object": "list",
                "url": "/v1/reserve/plans",
                "has_more": True,
                "data": [_meter(1), _meter(2)],
            }
        ),
        Reply(json={"object": "list", "url": "/v1/reserve/plans", "has_more": False, "data": [_meter(3)]}),
    )
    page = await raw("get", "/v1/reserve/plans", params={"limit": 2, "status": "active"})
    assert isinstance(page, ListObject)
    assert all(isinstance(m, UnknownObject) for m in page.data)
    pager = page.auto_paging_iter()
    if isinstance(raw.client, AsyncStripeClient):
        ids = [m.id async for m in pager]
    else:
        ids = [m.id for m in pager]
    assert ids == ["rplan_1", "rplan_2", "rplan_3"]
    assert server.requests[1].query == [("limit", "2"), ("status", "active"), ("starting_after", "rplan_2")]
    assert server.requests[1].path == "/v1/reserve/plans"


@pytest.mark.parametrize("tag", [None, 3, ["list"], {"a": 1}])
async def test_an_odd_object_tag_is_kept_as_data(raw: Any, server: StripeServer, tag: Any) -> None:
    server.reply(Reply(json={"object": tag, "id": "x_1"}))
    got = await raw("get", "/v1/things/x_1")
    assert isinstance(got, UnknownObject) and got.to_dict() == {"object": tag, "id": "x_1"}
