"""Tracing as set up in production: refused without OpenTelemetry, no ids in raw_request spans,
batch and webhook-handler calls parented, ``server.port`` always. Real sockets, sync and async."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from lattice_stripe import AsyncStripeClient, InvalidArgumentError, StripeClient, StripeError, WebhookRouter
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Reply, StripeServer
from tests.webhooks.helpers import SECRET, charge_event, signed

CUSTOMER = {"id": "cus_Secret1d", "object": "customer"}


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def _calls(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name.startswith("stripe customers.")]


MAKERS = {
    "StripeClient": lambda: StripeClient(API_KEY, tracing=True),
    "AsyncStripeClient": lambda: AsyncStripeClient(API_KEY, tracing=True),
    "with_options": lambda: StripeClient(API_KEY).with_options(tracing=True),
    "WebhookRouter": lambda: WebhookRouter(SECRET, tracing=True),
}


@pytest.mark.parametrize("make", sorted(MAKERS))
def test_tracing_without_opentelemetry_is_refused_at_construction(
    make: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "opentelemetry" or m.startswith("opentelemetry.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if it were not installed
    with pytest.raises(
        InvalidArgumentError, match=r"OpenTelemetry is not installed: pip install 'lattice-stripe\[otel\]'"
    ):
        MAKERS[make]()


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _call(client: StripeClient | AsyncStripeClient, method: str, path: str) -> Any:
    """One raw call, the client closed after it."""
    try:
        result = client.raw_request(method, path)
        return await result if isinstance(client, AsyncStripeClient) else result
    finally:
        await client.aclose() if isinstance(client, AsyncStripeClient) else client.close()


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/v1/customers/cus_Secret1d", "/v1/customers/{customer}"),
        ("/v1/customers/cus_Secret1d/sources/card_Secret2d", "/v1/customers/{customer}/sources/{id}"),
        ("/v1/customers/search", "/v1/customers/search"),
        ("/v2/core/accounts/acct_Secret1d", "/v2/core/accounts/{id}"),
        # the pinned spec has this v2 path: its own template names the ids
        (
            "/v2/core/accounts/acct_Secret1d/persons/person_Secret3d",
            "/v2/core/accounts/{account_id}/persons/{id}",
        ),
    ],
)
async def test_a_raw_request_span_names_the_template_never_the_id(
    flavour: str,
    path: str,
    template: str,
    server: StripeServer,
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
) -> None:
    server.reply(Reply(json=CUSTOMER))
    cls = StripeClient if flavour == "sync" else AsyncStripeClient
    client = cls(API_KEY, base_url=server.url, tracing=provider, retry_policy=FAST)
    await _call(client, "get", path)
    assert server.last.path == path  # sent as given
    spans = exporter.get_finished_spans()
    assert {s.name for s in spans} == {f"stripe raw_request GET {template}", f"GET {template}"}
    assert {s.attributes["url.template"] for s in spans if s.attributes} == {template}
    assert "Secret" not in json.dumps([s.name for s in spans] + [dict(s.attributes or {}) for s in spans])


@pytest.mark.parametrize(("base_url", "port"), [("http://127.0.0.1", 80), ("https://127.0.0.1", 443)])
async def test_server_port_is_set_when_the_url_leaves_it_implicit(
    flavour: str, base_url: str, port: int, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    cls = StripeClient if flavour == "sync" else AsyncStripeClient
    client = cls(API_KEY, base_url=base_url, tracing=provider, max_retries=0, timeout=5)
    with pytest.raises(StripeError):  # nothing listens there: the spans are made all the same
        await _call(client, "get", "/v1/customers")
    assert {s.attributes["server.port"] for s in exporter.get_finished_spans() if s.attributes} == {port}


def _parented(spans: list[ReadableSpan], parent: ReadableSpan) -> bool:
    return all(
        s.parent is not None
        and s.parent.span_id == parent.context.span_id
        and s.context.trace_id == parent.context.trace_id
        for s in spans
    )


async def test_batch_calls_are_children_of_the_current_span(
    flavour: str, server: StripeServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.handler = lambda rec: Reply(json=CUSTOMER)
    tracer = provider.get_tracer("app")
    if flavour == "sync":
        client = StripeClient(API_KEY, base_url=server.url, tracing=provider)
        with tracer.start_as_current_span("job"):
            outcomes = client.batch(
                [lambda: client.customers.retrieve("cus_1") for _ in range(4)], max_workers=4
            )
        client.close()
    else:
        aclient = AsyncStripeClient(API_KEY, base_url=server.url, tracing=provider)
        with tracer.start_as_current_span("job"):
            outcomes = await aclient.batch([aclient.customers.retrieve("cus_1") for _ in range(4)])
        await aclient.aclose()
    assert all(o.ok for o in outcomes)
    (job,) = [s for s in exporter.get_finished_spans() if s.name == "job"]
    calls = _calls(exporter)
    assert len(calls) == 4 and _parented(calls, job)


@pytest.fixture
def traced_clients(
    server: StripeServer, provider: TracerProvider
) -> Iterator[tuple[StripeClient, AsyncStripeClient]]:
    server.handler = lambda rec: Reply(json=CUSTOMER)
    with StripeClient(API_KEY, base_url=server.url, tracing=provider) as client:
        yield client, AsyncStripeClient(API_KEY, base_url=server.url, tracing=provider)


@pytest.mark.parametrize(
    "handler_kind", ["sync-router", "async-router-sync-handler", "async-router-async-handler"]
)
async def test_a_call_inside_a_webhook_handler_is_a_child_of_the_delivery(
    handler_kind: str,
    traced_clients: tuple[StripeClient, AsyncStripeClient],
    provider: TracerProvider,
    exporter: InMemorySpanExporter,
) -> None:
    client, aclient = traced_clients
    router = WebhookRouter(SECRET, tracing=provider)
    if handler_kind == "async-router-async-handler":

        @router.on("charge.succeeded")
        async def on_charge_async(event: Any) -> None:
            await aclient.customers.retrieve("cus_1")

    else:

        @router.on("charge.succeeded")
        def on_charge(event: Any) -> None:
            client.customers.retrieve("cus_1")

    payload, header = signed(charge_event())
    if handler_kind == "sync-router":
        assert router.handle(payload, header).status == 200
    else:
        assert (await router.handle_async(payload, header)).status == 200
    await aclient.aclose()
    (delivery,) = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.SERVER]
    calls = _calls(exporter)
    assert len(calls) == 1 and _parented(calls, delivery)
