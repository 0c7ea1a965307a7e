"""The v2 API over real sockets, sync and async: JSON bodies, v2 query strings, v2 pages,
hosts, Stripe-Context, idempotency keys, v2 errors and v2's number strings."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from lattice_stripe import (
    APIError,
    AsyncStripeClient,
    AuthenticationError,
    IdempotencyError,
    InvalidArgumentError,
    InvalidRequestError,
    RateLimitError,
    StripeClient,
    UnknownObject,
    models,
)
from lattice_stripe._runtime.errors import TemporarySessionExpiredError
from lattice_stripe._runtime.http.retry import RetryPolicy
from lattice_stripe._runtime.objects.pages import AsyncV2ListObject, V2ListObject
from tests.stripe_server import Reply, StripeServer

KEY = "sk_test_123456789012345678"
FAST = RetryPolicy(initial_delay=0.001, max_delay=0.004, max_retry_after=1.0)


@pytest.fixture
def other_host() -> Iterator[StripeServer]:
    srv = StripeServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(params=["sync", "async"])
def make(request: pytest.FixtureRequest, server: StripeServer) -> Any:
    """``make(**options) -> call``: ``await call("v2.core.events.list", ...)`` on either client."""
    clients: list[Any] = []

    def factory(**options: Any) -> Any:
        options = {"base_url": server.url, "retry_policy": FAST, **options}
        client = (StripeClient if request.param == "sync" else AsyncStripeClient)(KEY, **options)
        clients.append(client)

        async def call(dotted: str, *args: Any, **kwargs: Any) -> Any:
            target: Any = client
            for part in dotted.split("."):
                target = getattr(target, part)
            result = target(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        call.client = client  # type: ignore[attr-defined]
        return call

    yield factory
    for client in clients:
        if isinstance(client, StripeClient):
            client.close()


def _event(n: int) -> dict[str, Any]:
    return {
        "id": f"evt_{n}",
        "object": "v2.core.event",
        "created": "2026-05-27T10:00:00.000Z",
        "livemode": False,
        "type": "v1.billing.meter.error_report_triggered",
        "context": None,
        "reason": None,
        "related_object": {"id": f"mtr_{n}", "type": "billing.meter", "url": f"/v1/billing/meters/mtr_{n}"},
    }


def _page(ids: list[int], next_token: str | None) -> Reply:
    url = f"/v2/core/events?page={next_token}" if next_token else None
    return Reply(json={"data": [_event(n) for n in ids], "next_page_url": url, "previous_page_url": None})


# -- pages ---------------------------------------------------------------------------------------


async def test_a_v2_list_auto_pages_across_three_pages(make: Any, server: StripeServer) -> None:
    call = make()
    server.reply(_page([1, 2], "p2"), _page([3, 4], "p3"), _page([5], None))
    page = await call("v2.core.events.list", limit=2, object_id="mtr_1")
    assert isinstance(page, V2ListObject)
    assert isinstance(page, AsyncV2ListObject) == isinstance(call.client, AsyncStripeClient)
    assert isinstance(page.data[0], models.V2CoreEvent) and page.data[0].related_object is not None
    pager = page.auto_paging_iter()
    if isinstance(call.client, AsyncStripeClient):
        ids = [e.id async for e in pager]
    else:
        ids = [e.id for e in pager]
    assert ids == ["evt_1", "evt_2", "evt_3", "evt_4", "evt_5"]
    queries = [r.query for r in server.requests]
    assert queries == [
        [("limit", "2"), ("object_id", "mtr_1")],
        [("limit", "2"), ("object_id", "mtr_1"), ("page", "p2")],
        [("limit", "2"), ("object_id", "mtr_1"), ("page", "p3")],
    ]
    assert all(r.path == "/v2/core/events" and r.method == "GET" for r in server.requests)
    assert page.to_dict()["next_page_url"] == "/v2/core/events?page=p2"


async def test_a_v2_page_token_that_does_not_move_stops_the_pager(make: Any, server: StripeServer) -> None:
    call = make()
    server.reply(_page([1], "same"), _page([2], "same"))
    page = await call("v2.core.events.list")
    with pytest.raises(APIError, match="pagination did not advance"):
        if isinstance(call.client, AsyncStripeClient):
            [e async for e in page.auto_paging_iter()]
        else:
            list(page.auto_paging_iter())
    assert len(server.requests) == 2


# -- request format -----------------------------------------------------------------------------


async def test_a_v2_post_sends_json_with_an_idempotency_key(make: Any, server: StripeServer) -> None:
    call = make()
    server.reply(
        Reply(
            json={
                "object": "v2.billing.meter_event",
                "created": "2026-05-27T10:00:00.000Z",
                "event_name": "api_requests",
                "identifier": "idmp_1",
                "livemode": False,
                "payload": {"stripe_customer_id": "cus_1", "value": "25"},
                "timestamp": "2026-05-27T10:00:00.000Z",
            }
        )
    )
    event = await call(
        "v2.billing.meter_events.create",
        event_name="api_requests",
        payload={"stripe_customer_id": "cus_1", "value": "25"},
    )
    assert isinstance(event, models.V2BillingMeterEvent) and event.identifier == "idmp_1"
    req = server.last
    assert (req.method, req.path, req.query) == ("POST", "/v2/billing/meter_events", [])
    assert req.header("content-type") == "application/json"
    assert json.loads(req.body) == {
        "event_name": "api_requests",
        "payload": {"stripe_customer_id": "cus_1", "value": "25"},
    }
    assert req.header("idempotency-key") and req.header("stripe-version")


async def test_a_bodiless_v2_post_sends_an_empty_json_object(make: Any, server: StripeServer) -> None:
    call = make()
    server.reply(Reply(json={"id": "ed_1", "object": "v2.core.event_destination"}))
    await call("v2.core.event_destinations.enable", "ed_1")
    req = server.last
    assert (req.path, req.body, req.header("content-type")) == (
        "/v2/core/event_destinations/ed_1/enable",
        b"{}",
        "application/json",
    )


async def test_v2_query_arrays_and_objects_use_brackets(make: Any, server: StripeServer) -> None:
    call = make()
    server.reply(Reply(json={"data": [], "next_page_url": None, "previous_page_url": None}))
    await call(
        "v2.core.events.list",
        types=["a.b", "c.d"],
        created={"gt": "2026-01-01T00:00:00.000Z"},
    )
    assert server.last.query == [
        ("created[gt]", "2026-01-01T00:00:00.000Z"),
        ("types[0]", "a.b"),
        ("types[1]", "c.d"),
    ]


async def test_a_v2_delete_keeps_one_idempotency_key_across_retries(make: Any, server: StripeServer) -> None:
    call = make()
    server.reply(Reply(503, {"error": {"type": "api_error", "code": "x", "message": "busy"}}))
    server.reply(Reply(json={"id": "ed_1", "object": "v2.core.event_destination", "deleted": True}))
    await call("v2.core.event_destinations.delete", "ed_1")
    first, second = server.requests
    assert first.method == "DELETE" and first.body == b""
    assert first.header("idempotency-key") and first.header("idempotency-key") == second.header(
        "idempotency-key"
    )


async def test_the_meter_event_stream_reaches_its_own_host(
    make: Any, server: StripeServer, other_host: StripeServer
) -> None:
    call = make(meter_events_base_url=other_host.url)
    other_host.reply(Reply(json={}))
    result = await call(
        "v2.billing.meter_event_stream.create",
        events=[{"event_name": "api_requests", "payload": {"stripe_customer_id": "cus_1", "value": "1"}}],
    )
    assert isinstance(result, UnknownObject) and result.to_dict() == {}  # `{}`: a result, not an error
    assert result.last_response is not None and result.last_response.status_code == 200
    assert server.requests == []
    assert other_host.last.path == "/v2/billing/meter_event_stream"
    assert json.loads(other_host.last.body)["events"][0]["event_name"] == "api_requests"


def test_the_meter_event_stream_host_follows_the_base_url_unless_it_is_stripes() -> None:
    assert StripeClient(KEY).config.meter_events_base_url == "https://meter-events.stripe.com"
    local = StripeClient(KEY, base_url="http://127.0.0.1:9")
    assert local.config.meter_events_base_url == "http://127.0.0.1:9"
    assert (
        local.with_options(base_url="http://127.0.0.1:8").config.meter_events_base_url == "http://127.0.0.1:8"
    )


# -- Stripe-Context -----------------------------------------------------------------------------


async def test_stripe_context_per_client_and_per_request(make: Any, server: StripeServer) -> None:
    call = make(stripe_context="acct_client")
    server.handler = lambda req: Reply(json={"data": [], "next_page_url": None, "previous_page_url": None})
    await call("v2.core.events.list")
    await call("v2.core.events.list", stripe_context="acct_request")
    await call("customers.list")  # sent on v1 calls too, as Stripe's SDKs do
    assert [r.header("stripe-context") for r in server.requests] == [
        "acct_client",
        "acct_request",
        "acct_client",
    ]
    plain = make()
    await plain("v2.core.events.list")
    assert server.last.header("stripe-context") is None


@pytest.mark.parametrize("bad", ["acct_1\r\nX-Evil: 1", " acct_1", "", 7])
async def test_a_malformed_stripe_context_is_refused_before_any_http(
    make: Any, server: StripeServer, bad: Any
) -> None:
    call = make()
    with pytest.raises(InvalidArgumentError, match="stripe_context"):
        await call("v2.core.events.list", stripe_context=bad)
    with pytest.raises(InvalidArgumentError, match="stripe_context"):
        StripeClient(KEY, stripe_context=bad)
    assert server.requests == []


# -- errors -------------------------------------------------------------------------------------


def _error(code: str, message: str, kind: str | None = None) -> dict[str, Any]:
    error = {"code": code, "message": message}
    if kind:
        error["type"] = kind
    return {"error": error}


V2_ERRORS = [
    (
        401,
        _error("billing_meter_event_session_expired", "expired", "temporary_session_expired"),
        TemporarySessionExpiredError,
    ),
    (429, _error("account_rate_limit_exceeded", "slow down", "rate_limit"), RateLimitError),
    (409, _error("idempotency_error", "key reused"), IdempotencyError),
    (404, _error("not_found", "no such event"), InvalidRequestError),
    (400, _error("invalid_cancel_configuration", "bad"), InvalidRequestError),
]


@pytest.mark.parametrize(("status", "body", "cls"), V2_ERRORS, ids=[e[1]["error"]["code"] for e in V2_ERRORS])
async def test_each_v2_error_lands_in_its_class_with_a_typed_error(
    make: Any, server: StripeServer, status: int, body: dict[str, Any], cls: type[Exception]
) -> None:
    call = make(max_retries=0)
    server.reply(Reply(status, body))
    with pytest.raises(cls) as caught:
        await call("v2.core.events.retrieve", "evt_1")
    err = caught.value
    assert err.code == body["error"]["code"] and err.http_status == status  # type: ignore[attr-defined]
    typed = err.typed_error  # type: ignore[attr-defined]
    assert typed is not None and typed.code == body["error"]["code"]
    assert typed.to_dict() == body["error"]
    if status == 401:
        assert isinstance(err, AuthenticationError)  # caught where an expired credential is


def test_an_unknown_v2_error_code_is_typed_as_the_generic_v2_error() -> None:
    from lattice_stripe._runtime.errors import error_from_response

    err = error_from_response(400, {}, json.dumps(_error("brand_new_code", "new")).encode(), api="v2")
    assert type(err) is InvalidRequestError
    assert type(err.typed_error).__name__ == "V2ErrorError" and err.typed_error.code == "brand_new_code"


# -- numbers --------------------------------------------------------------------------------------


def test_int64_and_decimal_strings_are_int_and_decimal_both_ways() -> None:
    person = models.V2CoreAccountPerson.from_dict(
        {"id": "person_1", "object": "v2.core.account_person", "relationship": {"percent_ownership": "12.50"}}
    )
    assert person.relationship is not None and person.relationship.percent_ownership == Decimal("12.50")
    assert person.to_dict()["relationship"] == {"percent_ownership": "12.50"}
    row = {"row": "9007199254740993", "error_message": "x"}  # above 2**53: exact as an int
    detail = models.V2CommerceProductCatalogImportStatusDetailsSucceededWithErrorsSamplesItem.from_dict(row)
    assert detail.row == 9007199254740993 and detail.to_dict() == row


async def test_a_decimal_param_is_sent_as_a_json_string(make: Any, server: StripeServer) -> None:
    call = make()
    server.reply(Reply(json={"id": "person_1", "object": "v2.core.account_person"}))
    await call(
        "v2.core.accounts.persons.create", "acct_1", relationship={"percent_ownership": Decimal("12.50")}
    )
    assert json.loads(server.last.body) == {"relationship": {"percent_ownership": "12.50"}}
