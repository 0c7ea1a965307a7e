"""Thin event notifications: verified like v1 webhooks, fetched with their context, routed by
type beside snapshot events (ledger, tracing, WSGI/ASGI), unknown types kept."""

from __future__ import annotations

import asyncio
import io
import json
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lattice_stripe import (
    AsyncStripeClient,
    InvalidArgumentError,
    InvalidPayloadError,
    MalformedSignatureError,
    MissingSignatureError,
    NoMatchingSignatureError,
    StripeClient,
    TimestampOutsideToleranceError,
    UnknownObject,
    WebhookEvent,
    WebhookRouter,
    construct_event,
    generate_test_header,
    models,
)
from lattice_stripe._runtime.webhooks.ledger import SQLiteLedger
from lattice_stripe._runtime.webhooks.notifications import EventNotification, parse_event_notification
from tests.stripe_server import Recorded, Reply, StripeServer
from tests.webhooks.helpers import SECRET, charge_event, signed

API_KEY = "sk_test_notifications000000000"
METER_CLASS = "BillingMeter"  # the pinned API's model for `billing.meter`


def thin(event_type: str = "v1.billing.meter.error_report_triggered", **extra: Any) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "id": "evt_test_65R9Ijk8pSXCVaRw9pW16R9a0sTXxyz",
        "object": "v2.core.event",
        "type": event_type,
        "livemode": False,
        "created": "2026-05-27T10:00:00.000Z",
        "context": "acct_1Connected",
        "related_object": {"id": "mtr_123", "type": "billing.meter", "url": "/v1/billing/meters/mtr_123"},
        "reason": {"type": "request", "request": {"id": "req_1", "idempotency_key": "k1"}},
    }
    notification.update(extra)
    return notification


BODY = json.dumps(thin()).encode()
V1_BODY = json.dumps(charge_event()).encode()


def header(body: bytes, secret: str = SECRET, ago: int = 0) -> str:
    """Signed now (when the test runs, not when the suite was collected), or ``ago`` seconds before."""
    return generate_test_header(body, secret, int(time.time()) - ago)


# (id, header for a body, expected error or None): the v1 table's cases, on both payloads
CASES: list[tuple[str, Any, type[Exception] | None]] = [
    ("valid", lambda b: header(b), None),
    ("header as bytes", lambda b: header(b).encode(), None),
    ("no header", lambda b: None, MissingSignatureError),
    ("empty header", lambda b: "", MissingSignatureError),
    ("no t=", lambda b: header(b).split(",", 1)[1], MalformedSignatureError),
    ("non-numeric t", lambda b: "t=abc," + header(b).split(",", 1)[1], MalformedSignatureError),
    ("duplicated t", lambda b: header(b).split(",", 1)[0] + "," + header(b), MalformedSignatureError),
    ("only v0", lambda b: header(b).replace("v1=", "v0="), NoMatchingSignatureError),
    ("rotation: second secret", lambda b: header(b, "whsec_old"), None),
    ("signed for another secret", lambda b: header(b, "whsec_other"), NoMatchingSignatureError),
    ("too old", lambda b: header(b, ago=400), TimestampOutsideToleranceError),
    ("in the future", lambda b: header(b, ago=-86_400), TimestampOutsideToleranceError),
]


@pytest.mark.parametrize(("make", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_signature_cases_match_v1_webhooks(make: Any, expected: type[Exception] | None) -> None:
    secrets = [SECRET, "whsec_old"]
    if expected is None:
        notification = parse_event_notification(BODY, make(BODY), secrets)
        assert isinstance(notification, EventNotification)
        assert isinstance(construct_event(V1_BODY, make(V1_BODY), secrets), WebhookEvent)
        return
    for parse, body in ((parse_event_notification, BODY), (construct_event, V1_BODY)):
        with pytest.raises(expected) as info:
            parse(body, make(body), secrets)
        assert type(info.value) is expected


def test_a_changed_body_fails() -> None:
    with pytest.raises(NoMatchingSignatureError):
        parse_event_notification(BODY + b" ", header(BODY), SECRET)


@pytest.mark.parametrize("payload", [BODY.decode(), json.loads(BODY)])
def test_the_payload_must_be_the_raw_bytes(payload: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        parse_event_notification(payload, header(BODY), SECRET)


@pytest.mark.parametrize(
    "body",
    [
        V1_BODY,  # a snapshot event is not a thin notification
        b"[]",
        b"not json",
        json.dumps(thin(related_object="mtr_123")).encode(),
        json.dumps({**thin(), "type": None}).encode(),
        json.dumps({**thin(), "created": []}).encode(),
    ],
)
def test_signed_bodies_that_are_not_notifications_are_invalid_payloads(body: bytes) -> None:
    with pytest.raises(InvalidPayloadError):
        parse_event_notification(body, header(body), SECRET)


def test_fields_and_unknown_fields_are_kept() -> None:
    body = json.dumps(thin("v2.core.account.brand_new", changes={"x": 1}, related_object=None)).encode()
    n = parse_event_notification(body, header(body), SECRET)
    assert n.type == "v2.core.account.brand_new" and n.related_object is None
    assert n["changes"] == {"x": 1} and n.to_dict()["changes"] == {"x": 1}
    assert n.created_unix == 1_779_876_000
    full = parse_event_notification(BODY, header(BODY), SECRET)
    assert full.context == "acct_1Connected" and full.related_object is not None
    assert full.related_object.url == "/v1/billing/meters/mtr_123"
    assert full.applied().object_id == "mtr_123"


# -- fetching, with the context as Stripe-Context ---------------------------------------------

METER = {
    "id": "mtr_123",
    "object": "billing.meter",
    "created": 1_700_000_000,
    "display_name": "API calls",
    "event_name": "api_calls",
    "event_time_window": None,
    "livemode": False,
    "status": "active",
    "status_transitions": {"deactivated_at": None},
    "updated": 1_700_000_000,
    "customer_mapping": {"event_payload_key": "stripe_customer_id", "type": "by_id"},
    "default_aggregation": {"formula": "sum"},
    "value_settings": {"event_payload_key": "value"},
}


def answer(rec: Recorded) -> Reply:
    if rec.path == "/v1/billing/meters/mtr_123":
        return Reply(200, METER)
    if rec.path == "/v1/customers/cus_1":
        return Reply(200, {"id": "cus_1", "object": "customer", "email": "a@example.com", "created": 1})
    if rec.path == "/v1/widgets/wid_1":
        return Reply(200, {"id": "wid_1", "object": "widget", "spin": 3})
    if rec.path.startswith("/v2/core/events/"):
        full = {**thin(), "data": {"developer_message_summary": "3 events failed"}}
        return Reply(200, full)
    return Reply(404, {"error": {"type": "invalid_request_error", "message": rec.path}})


@pytest.fixture
def api(server: StripeServer) -> StripeServer:
    server.handler = answer
    return server


def test_fetch_related_object_is_typed_and_sends_the_context(api: StripeServer) -> None:
    with StripeClient(API_KEY, base_url=api.url) as client:
        n = client.parse_event_notification(BODY, header(BODY), SECRET)
        meter = n.fetch_related_object()
    assert type(meter).__name__ == METER_CLASS and meter.id == "mtr_123"  # type: ignore[union-attr]
    assert api.last.path == "/v1/billing/meters/mtr_123" and api.last.method == "GET"
    assert api.last.header("stripe-context") == "acct_1Connected"


def test_a_related_customer_is_a_customer(api: StripeServer) -> None:
    related = {"id": "cus_1", "type": "customer", "url": "/v1/customers/cus_1"}
    body = json.dumps(thin("v1.customer.updated", related_object=related)).encode()
    with StripeClient(API_KEY, base_url=api.url) as client:
        customer = client.parse_event_notification(body, header(body), SECRET).fetch_related_object()
    assert isinstance(customer, models.Customer) and customer.email == "a@example.com"


def test_an_unknown_related_type_is_an_unknown_object(api: StripeServer) -> None:
    related = {"id": "wid_1", "type": "widget", "url": "/v1/widgets/wid_1"}
    body = json.dumps(thin("v2.widgets.widget.spun", related_object=related, context=None)).encode()
    with StripeClient(API_KEY, base_url=api.url) as client:
        widget = client.parse_event_notification(body, header(body), SECRET).fetch_related_object()
    assert isinstance(widget, UnknownObject) and widget["spin"] == 3
    assert api.last.header("stripe-context") is None  # no context, no header


def test_fetch_event_reads_the_full_event(api: StripeServer) -> None:
    with StripeClient(API_KEY, base_url=api.url) as client:
        event = client.parse_event_notification(BODY, header(BODY), SECRET).fetch_event()
    assert isinstance(event, models.V2CoreEvent)  # through client.v2.core.events.retrieve
    assert event.data == {"developer_message_summary": "3 events failed"}
    assert api.last.path == "/v2/core/events/evt_test_65R9Ijk8pSXCVaRw9pW16R9a0sTXxyz"
    assert api.last.header("stripe-context") == "acct_1Connected"


async def test_async_fetches(api: StripeServer) -> None:
    async with AsyncStripeClient(API_KEY, base_url=api.url) as client:
        n = client.parse_event_notification(BODY, header(BODY), SECRET)
        meter = await n.fetch_related_object_async()
        event = await n.fetch_event_async()
        with pytest.raises(InvalidArgumentError, match="needs a StripeClient"):
            n.fetch_event()
    assert type(meter).__name__ == METER_CLASS
    assert isinstance(event, models.V2CoreEvent) and event.id == n.id
    assert {r.header("stripe-context") for r in api.requests} == {"acct_1Connected"}


def test_fetching_needs_a_client() -> None:
    n = parse_event_notification(BODY, header(BODY), SECRET)
    with pytest.raises(InvalidArgumentError, match="no client to fetch with"):
        n.fetch_event()


def test_a_related_url_that_is_not_an_api_path_is_refused(api: StripeServer) -> None:
    related = {"id": "x", "type": "x", "url": "/v1/../v1/customers?limit=100"}
    body = json.dumps(thin(related_object=related)).encode()
    with StripeClient(API_KEY, base_url=api.url) as client:
        n = client.parse_event_notification(body, header(body), SECRET)
        with pytest.raises(InvalidPayloadError):
            n.fetch_related_object()
    assert not api.requests


# -- the router --------------------------------------------------------------------------------


def test_the_router_routes_thin_and_snapshot_events_by_type(tmp_path: Path, api: StripeServer) -> None:
    seen: list[Any] = []
    with StripeClient(API_KEY, base_url=api.url) as client:
        router = WebhookRouter(SECRET, ledger=SQLiteLedger(tmp_path / "events.db"), client=client)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # thin types are not in the spec's list: no warning
            router.on("v1.billing.meter.error_report_triggered")(
                lambda n: seen.append(n.fetch_related_object())
            )
        router.on("charge.succeeded")(seen.append)
        router.fallback(lambda n: seen.append(("fallback", n.type)))
        first = router.handle(BODY, header(BODY))
        again = router.handle(BODY, header(BODY))  # Stripe redelivers: the handler does not run twice
        v1 = router.handle(*signed(charge_event()))
        new = json.dumps(thin("v2.money_management.brand_new_thing", id="evt_2")).encode()
        unknown = router.handle(new, header(new))
    assert [first.status, again.status, v1.status, unknown.status] == [200, 200, 200, 200]
    assert json.loads(again.body) == {"received": True, "duplicate": True}
    assert type(seen[0]).__name__ == METER_CLASS
    assert isinstance(seen[1], WebhookEvent)
    assert seen[2] == ("fallback", "v2.money_management.brand_new_thing")
    assert len(seen) == 3
    assert SQLiteLedger(tmp_path / "events.db").latest("mtr_123").event_id == thin()["id"]  # type: ignore[union-attr]


def test_a_bad_notification_is_a_400_and_a_failing_handler_a_500() -> None:
    router = WebhookRouter(SECRET)

    @router.on("v1.billing.meter.*")
    def fail(n: EventNotification) -> None:
        raise RuntimeError("boom")

    assert router.handle(BODY, header(BODY)).status == 500
    assert router.handle(BODY, header(BODY, "whsec_other")).status == 400
    bad = json.dumps(thin(related_object=[])).encode()
    assert router.handle(bad, header(bad)).status == 400


def test_wsgi_and_asgi_apps_serve_notifications() -> None:
    got: list[str] = []
    router = WebhookRouter(SECRET)
    router.on("v1.billing.meter.error_report_triggered")(lambda n: got.append(n.id))
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_LENGTH": str(len(BODY)),
        "HTTP_STRIPE_SIGNATURE": header(BODY),
        "wsgi.input": io.BytesIO(BODY),
    }
    statuses: list[str] = []
    router.wsgi()(environ, lambda status, headers: statuses.append(status))  # type: ignore[arg-type]

    async def asgi() -> int:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": BODY, "more_body": False}

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "POST", "headers": [(b"stripe-signature", header(BODY).encode())]}
        await router.asgi()(scope, receive, send)
        return int(sent[0]["status"])

    assert statuses == ["200 OK"] and asyncio.run(asgi()) == 200
    assert got == [thin()["id"]] * 2


@pytest.fixture
def tracing() -> Iterator[Any]:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter


def test_a_delivery_span_names_the_thin_type(tracing: Any, tmp_path: Path) -> None:
    provider, exporter = tracing
    router = WebhookRouter(SECRET, tracing=provider, ledger=SQLiteLedger(tmp_path / "e.db"))
    router.fallback(lambda n: None)
    router.handle(BODY, header(BODY))
    router.handle(BODY, header(BODY))
    first, second = exporter.get_finished_spans()
    assert first.name == "stripe webhook v1.billing.meter.error_report_triggered"
    assert first.attributes["stripe.webhook.outcome"] == "handled"
    assert second.attributes["stripe.webhook.outcome"] == "duplicate"
