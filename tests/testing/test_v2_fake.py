"""Every v2 operation's minimal and full request, validated against the spec by the fake
(stripe-mock validates no v2 request), over real sockets, sync and async; and the fake's
v2 semantics: created objects retrievable, v2 pages, v2 errors."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

import lattice_stripe
from lattice_stripe import AsyncStripeClient, InvalidRequestError, StripeClient, UnknownObject
from lattice_stripe._runtime.objects.models import StripeObject
from lattice_stripe._runtime.objects.pages import V2ListObject
from lattice_stripe._runtime.testing.schema import deref, operations
from lattice_stripe.testing import FakeStripe
from tests.stripe_server import Recorded, Reply, StripeServer

V2_CALLS = sorted(m.call_path for m in lattice_stripe.manifest() if m.path.startswith("/v2/"))


def serve(fake: FakeStripe, server: StripeServer) -> None:
    """``server`` answers every request from ``fake``: the fake over a real socket."""

    def handler(rec: Recorded) -> Reply:
        query = ("?" + urlencode(rec.query)) if rec.query else ""
        request = httpx.Request(
            rec.method, f"http://{rec.header('host')}{rec.path}{query}", headers=rec.headers, content=rec.body
        )
        response = fake.handle(request)
        kept = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return Reply(response.status_code, body=response.content, headers=kept)

    server.handler = handler


def value(schema: dict[str, Any], name: str, full: bool, depth: int = 0) -> Any:
    """A value the schema accepts as JSON: required keys only, or (``full``) every key."""
    schema = deref(schema)
    if "anyOf" in schema:
        return value(schema["anyOf"][0], name, full, depth)
    typ, fmt = schema.get("type"), schema.get("format")
    if "enum" in schema:
        return schema["enum"][0]
    if typ == "string":
        if fmt == "date-time":
            return "2026-05-27T10:00:00.000Z"
        if fmt == "decimal":
            return Decimal("12.5")
        if fmt == "int64":
            return 7
        return "usd" if name == "currency" else "x"
    if typ == "integer":
        return 1
    if typ == "number":
        return 1.5
    if typ == "boolean":
        return True
    if typ == "array":
        return [value(schema.get("items", {}), name, full, depth + 1)]
    if typ == "object" or "properties" in schema:
        props = schema.get("properties", {})
        if not props:
            extra = schema.get("additionalProperties")
            return {"key": value(extra, "key", full, depth + 1)} if isinstance(extra, dict) else {}
        keys = sorted(props) if full and depth < 6 else schema.get("required", [])
        return {k: value(props[k], k, full, depth + 1) for k in keys}
    return "x"


def arguments(call: str, full: bool) -> tuple[list[str], dict[str, Any]]:
    op = operations()[call]
    schema = op["params"]
    props = schema.get("properties", {})
    keys = sorted(props) if full else schema.get("required", [])
    kwargs = {k: value(props[k], k, full) for k in keys if k != "page"}  # page: a server's token
    info = next(m for m in lattice_stripe.manifest() if m.call_path == call)
    return [f"x_{p}" for p in info.path_params], kwargs


def method(client: Any, call: str) -> Any:
    for part in call.split("."):
        client = getattr(client, part)
    return client


STREAM = "v2.billing.meter_event_stream.create"


def session_token(fake: FakeStripe) -> dict[str, Any]:
    """The stream takes a meter event session's token as its key, as Stripe's does."""
    session = fake.meter_stream.answer("POST", "/v2/billing/meter_event_session", "", b"{}")
    assert session is not None
    return {"api_key": session[1]["authentication_token"]}


@pytest.fixture
def fake_server() -> Iterator[tuple[FakeStripe, StripeServer]]:
    fake = FakeStripe(stateful=False)  # any id is an object, as for stripe-mock
    server = StripeServer().start()
    serve(fake, server)
    try:
        yield fake, server
    finally:
        server.stop()


def _check_result(call: str, result: Any) -> None:
    assert isinstance(result, StripeObject), call
    if "next_page_url" in deref(operations()[call]["response"]).get("properties", {}):
        assert isinstance(result, V2ListObject), call
    elif operations()[call]["response"].get("$ref"):
        assert type(result) is not UnknownObject, call
    else:  # the free-form answer of the meter event stream
        assert type(result) is UnknownObject and result.last_response is not None, call


def _check_wire(call: str, sent: Any, kwargs: dict[str, Any]) -> None:
    op = operations()[call]
    assert sent.call_path == call
    if op["verb"] == "post":
        assert sent.headers["content-type"] == "application/json", call
        assert sent.headers.get("idempotency-key"), call
        expected = json.loads(json.dumps(kwargs, default=lambda d: format(d, "f")))
        assert sent.params == expected, call
    else:
        assert "content-type" not in sent.headers or not sent.headers["content-type"], call


def test_there_are_v2_operations_to_check() -> None:
    assert len(V2_CALLS) == 32
    assert {"v2.billing.meter_events.create", "v2.core.events.list", "v2.core.accounts.persons.list"} <= set(
        V2_CALLS
    )


@pytest.mark.parametrize("full", [False, True], ids=["minimal", "full"])
def test_every_v2_request_is_valid_sync(fake_server: tuple[FakeStripe, StripeServer], full: bool) -> None:
    fake, server = fake_server
    with StripeClient("sk_test_1", base_url=server.url, meter_events_base_url=server.url) as client:
        for call in V2_CALLS:
            ids, kwargs = arguments(call, full)
            caller = client.with_options(**session_token(fake)) if call == STREAM else client
            result = method(caller, call)(*ids, **kwargs)
            _check_result(call, result)
            _check_wire(call, fake.requests[-1], kwargs)
    assert {r.call_path for r in fake.requests} == set(V2_CALLS)


@pytest.mark.parametrize("full", [False, True], ids=["minimal", "full"])
async def test_every_v2_request_is_valid_async(
    fake_server: tuple[FakeStripe, StripeServer], full: bool
) -> None:
    fake, server = fake_server
    async with AsyncStripeClient(
        "sk_test_1", base_url=server.url, meter_events_base_url=server.url
    ) as client:
        for call in V2_CALLS:
            ids, kwargs = arguments(call, full)
            caller = client.with_options(**session_token(fake)) if call == STREAM else client
            result = method(caller, call)(*ids, **kwargs)
            assert inspect.isawaitable(result)
            _check_result(call, await result)
            _check_wire(call, fake.requests[-1], kwargs)
    assert {r.call_path for r in fake.requests} == set(V2_CALLS)


def test_the_fake_refuses_v2_requests_the_spec_does_not_allow() -> None:
    fake = FakeStripe()
    http = fake.client()
    headers = {"Authorization": "Bearer sk_test_1", "Content-Type": "application/json"}

    def post(path: str, body: Any) -> httpx.Response:
        return http.post("https://api.stripe.com" + path, content=json.dumps(body), headers=headers)

    cases = [
        ("/v2/billing/meter_events", {"payload": {"a": "1"}}, "parameter_missing"),  # event_name
        ("/v2/billing/meter_events", {"event_name": 5, "payload": {}}, "parameter_invalid"),
        ("/v2/billing/meter_events", {"event_name": "e", "payload": {}, "bogus": 1}, "parameter_unknown"),
        (
            "/v2/billing/meter_events",
            {"event_name": "e", "payload": {}, "timestamp": "yesterday"},
            "parameter_invalid",
        ),
        ("/v2/core/event_destinations/ed_1/enable", {"extra": 1}, "parameter_unknown"),  # bodiless
    ]
    for path, body, code in cases:
        response = post(path, body)
        assert response.status_code == 400, (path, body)
        assert response.json()["error"]["code"] == code, (path, body, response.json())
    form = http.post(
        "https://api.stripe.com/v2/billing/meter_events",
        content=b"event_name=e",
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400 and form.json()["error"]["code"] == "invalid_content_type"
    query = http.get("https://api.stripe.com/v2/core/events?limit=many", headers=headers)
    assert query.status_code == 400


def test_created_v2_objects_are_retrievable_listed_in_pages_and_deleted() -> None:
    fake = FakeStripe()
    with fake.stripe_client(stripe_context="acct_ctx") as client:
        made = [
            client.v2.core.accounts.persons.create(
                "acct_1", given_name=f"P{n}", relationship={"percent_ownership": Decimal("12.5")}
            )
            for n in range(5)
        ]
        got = client.v2.core.accounts.persons.retrieve("acct_1", made[0].id)
        assert got.id == made[0].id and got.given_name == "P0"
        assert got.relationship is not None and got.relationship.percent_ownership == Decimal("12.5")
        page = client.v2.core.accounts.persons.list("acct_1", limit=2)
        assert [p.id for p in page.data] == [m.id for m in made[:2]] and page.next_page_url
        assert [p.id for p in page.auto_paging_iter()] == [m.id for m in made]
        assert [r.params.get("page") for r in fake.requests[-3:]] == [None, "2", "4"]
        client.v2.core.accounts.persons.delete("acct_1", made[0].id)
        with pytest.raises(InvalidRequestError) as caught:
            client.v2.core.accounts.persons.retrieve("acct_1", made[0].id)
        assert caught.value.http_status == 404 and caught.value.code == "not_found"
        assert caught.value.typed_error is not None
        assert fake.requests[-1].headers["stripe-context"] == "acct_ctx"
