"""OpenTelemetry spans, checked with the SDK's in-memory exporter over real sockets."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from lattice_stripe import (
    APIConnectionError,
    AsyncStripeClient,
    InvalidArgumentError,
    StripeClient,
    WebhookRouter,
)
from lattice_stripe._runtime.webhooks.ledger import SQLiteLedger
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Reply, StripeServer
from tests.webhooks.helpers import SECRET, charge_event, signed

CUSTOMER = {"id": "cus_secret_id_1", "object": "customer"}
SERVER_ERROR = {"error": {"type": "api_error", "message": "boom"}}
SECRETS = (API_KEY, "cus_secret_id_1", "expand", "limit", "a@example.com", "?")


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


@pytest.fixture
def traced(server: StripeServer, provider: TracerProvider) -> Iterator[StripeClient]:
    with StripeClient(API_KEY, base_url=server.url, retry_policy=FAST, tracing=provider) as c:
        yield c


def _spans(exporter: InMemorySpanExporter) -> tuple[ReadableSpan, list[ReadableSpan]]:
    spans = exporter.get_finished_spans()
    (call,) = [s for s in spans if s.kind is SpanKind.INTERNAL]
    attempts = [s for s in spans if s.kind is SpanKind.CLIENT]
    assert all(a.parent is not None and a.parent.span_id == call.context.span_id for a in attempts)
    for span in spans:  # nothing identifying or secret in names or attribute values
        text = span.name + json.dumps(dict(span.attributes or {}))
        assert not any(secret in text for secret in SECRETS), text
    return call, attempts


def test_a_successful_call(
    traced: StripeClient, server: StripeServer, exporter: InMemorySpanExporter
) -> None:
    server.reply(Reply(json=CUSTOMER))
    traced.customers.retrieve("cus_secret_id_1", expand=["default_source"], stripe_account="acct_1")
    call, (attempt,) = _spans(exporter)
    port = int(server.url.rsplit(":", 1)[1])
    assert call.name == "stripe customers.retrieve"
    assert attempt.name == "GET /v1/customers/{customer}"
    assert dict(attempt.attributes or {}) == {
        "http.request.method": "GET",
        "url.template": "/v1/customers/{customer}",
        "server.address": "127.0.0.1",
        "server.port": port,
        "stripe.operation_id": "GetCustomersCustomer",
        "stripe.account": "acct_1",
        "http.response.status_code": 200,
        "stripe.request_id": "req_1",
    }
    assert dict(call.attributes or {}) == {**dict(attempt.attributes or {}), "stripe.retry_count": 0}
    assert call.status.status_code is StatusCode.UNSET


def test_a_retried_500_then_200(
    traced: StripeClient, server: StripeServer, exporter: InMemorySpanExporter
) -> None:
    server.reply(Reply(500, SERVER_ERROR), Reply(json=CUSTOMER))
    traced.customers.create(email="a@example.com")
    call, (first, second) = _spans(exporter)
    assert first.attributes is not None and second.attributes is not None and call.attributes is not None
    assert (first.attributes["http.response.status_code"], first.attributes["error.type"]) == (500, "500")
    assert first.status.status_code is StatusCode.ERROR
    assert "http.request.resend_count" not in first.attributes
    assert second.attributes["http.request.resend_count"] == 1
    assert second.attributes["http.response.status_code"] == 200 and "error.type" not in second.attributes
    assert call.attributes["stripe.retry_count"] == 1
    assert call.attributes["stripe.request_id"] == "req_2"
    assert "error.type" not in call.attributes
    assert call.attributes["url.template"] == "/v1/customers"


def test_a_connection_error(
    server: StripeServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.reply(Reply(reset=True), Reply(reset=True))
    with StripeClient(API_KEY, base_url=server.url, retry_policy=FAST, max_retries=1, tracing=provider) as c:
        with pytest.raises(APIConnectionError):
            c.customers.retrieve("cus_secret_id_1")
    call, attempts = _spans(exporter)
    assert len(attempts) == 2
    for span in (*attempts, call):
        assert span.attributes is not None
        assert span.attributes["error.type"] == "APIConnectionError"
        assert "http.response.status_code" not in span.attributes
        assert span.status.status_code is StatusCode.ERROR
    assert call.attributes is not None and call.attributes["stripe.retry_count"] == 1


async def test_the_async_client_traces_the_same(
    server: StripeServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.reply(Reply(500, SERVER_ERROR), Reply(json=CUSTOMER))
    async with AsyncStripeClient(API_KEY, base_url=server.url, retry_policy=FAST, tracing=provider) as c:
        await c.customers.retrieve("cus_secret_id_1")
    call, attempts = _spans(exporter)
    assert [a.attributes["http.response.status_code"] for a in attempts if a.attributes] == [500, 200]
    assert call.attributes is not None and call.attributes["stripe.retry_count"] == 1


def _delivery_spans(exporter: InMemorySpanExporter) -> list[dict[str, Any]]:
    spans = exporter.get_finished_spans()
    assert all(s.kind is SpanKind.SERVER and s.name == "stripe webhook charge.succeeded" for s in spans)
    return [dict(s.attributes or {}) for s in spans]


def test_a_webhook_delivery_with_a_ledger(
    provider: TracerProvider, exporter: InMemorySpanExporter, tmp_path: Any
) -> None:
    router = WebhookRouter(SECRET, ledger=SQLiteLedger(tmp_path / "l.sqlite3"), tracing=provider)
    fail = [True]

    @router.on("charge.succeeded")
    def handler(event: Any) -> None:
        if fail.pop() if fail else False:
            raise RuntimeError("first try fails")

    payload, header = signed(charge_event())
    assert [router.handle(payload, header).status for _ in range(3)] == [500, 200, 200]
    event = {"stripe.event.type": "charge.succeeded", "stripe.event.id": "evt_1NG8Du2eZvKYlo2CUI79vXWy"}
    assert _delivery_spans(exporter) == [
        {
            **event,
            "stripe.webhook.outcome": "failed",
            "http.response.status_code": 500,
            "stripe.webhook.ledger_hit": False,
        },
        {
            **event,
            "stripe.webhook.outcome": "handled",
            "http.response.status_code": 200,
            "stripe.webhook.ledger_hit": False,
        },
        {
            **event,
            "stripe.webhook.outcome": "duplicate",
            "http.response.status_code": 200,
            "stripe.webhook.ledger_hit": True,
        },
    ]


async def test_a_webhook_delivery_without_a_ledger(
    provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    router = WebhookRouter(SECRET, tracing=provider)
    payload, header = signed(charge_event())
    assert (await router.handle_async(payload, header)).status == 200
    (span,) = _delivery_spans(exporter)
    assert span["stripe.webhook.outcome"] == "handled" and "stripe.webhook.ledger_hit" not in span


def test_import_and_client_construction_load_no_opentelemetry() -> None:
    code = (
        "import sys, lattice_stripe; c = lattice_stripe.StripeClient('sk_test_1'); "
        "r = lattice_stripe.WebhookRouter('whsec_1'); "
        "print([m for m in sys.modules if m.split('.')[0] in ('opentelemetry', 'psycopg', 'sqlite3')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("bad", ["yes", 1, object()])
def test_tracing_must_be_a_bool_or_a_tracer_provider(bad: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="StripeClient: tracing must be True, False or"):
        StripeClient(API_KEY, tracing=bad)
    with pytest.raises(InvalidArgumentError, match="WebhookRouter: tracing must be True, False or"):
        WebhookRouter(SECRET, tracing=bad)
