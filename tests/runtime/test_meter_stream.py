"""The meter event stream over real sockets: a local server stands in for both Stripe hosts
(the session on the API host, the batches on the stream host) and injects the faults."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from lattice_stripe import AsyncStripeClient, StripeClient
from lattice_stripe._runtime.errors import (
    APITimeoutError,
    AuthenticationError,
    InvalidArgumentError,
    InvalidRequestError,
)
from lattice_stripe._runtime.http.meter_stream import (
    AsyncMeterEventStream,
    FailedBatch,
    MeterEventStream,
    MeterStreamClosedError,
    MeterStreamFullError,
)
from tests.runtime.conftest import API_KEY, FAST
from tests.runtime.meter_host import MeterHost
from tests.stripe_server import StripeServer

TOTAL = 10_000


@pytest.fixture
def host(server: StripeServer) -> MeterHost:
    host = MeterHost(API_KEY)
    server.handler = host
    return host


def faulty(host: MeterHost) -> MeterHost:
    """Two session expiries and two 5xx answers (after the events were taken) mid-run."""
    host.expire_at = {23, 61}
    host.fail_after_accepting = {40, 77}
    return host


def check_exactly_once(host: MeterHost, identifiers: list[str], in_flight: int) -> None:
    assert len(set(identifiers)) == TOTAL
    assert set(host.accepted) == set(identifiers)  # none lost
    assert set(host.accepted.values()) == {1}  # none twice
    assert host.duplicates == host.replayed > 0  # the 5xx batches were resent with the same identifiers
    # each expiry refuses the batches in flight on that session (one, or up to max_in_flight);
    # one renewal per expiry, and each refused batch resent once on the new session
    assert 2 <= host.expired_refusals <= 2 * in_flight and host.sessions == 3
    assert max(host.batch_sizes) == 100
    assert API_KEY not in host.stream_auth  # the stream host only ever saw session tokens


@pytest.mark.parametrize("in_flight", [1, 4])
def test_ten_thousand_events_survive_expiries_and_server_errors(
    client: StripeClient, host: MeterHost, in_flight: int
) -> None:
    faulty(host)
    with MeterEventStream(client, max_in_flight=in_flight) as stream:
        identifiers = [
            stream.send("api_calls", {"stripe_customer_id": f"cus_{i % 7}", "value": 1}) for i in range(TOTAL)
        ]
    report = stream.close()  # closing again returns the same report
    assert report.ok and report.sent == TOTAL
    check_exactly_once(host, identifiers, in_flight)


@pytest.mark.parametrize("in_flight", [1, 4])
async def test_ten_thousand_events_survive_expiries_and_server_errors_async(
    aclient: AsyncStripeClient, host: MeterHost, in_flight: int
) -> None:
    faulty(host)
    async with AsyncMeterEventStream(aclient, max_in_flight=in_flight) as stream:
        identifiers = [
            await stream.send("api_calls", {"stripe_customer_id": f"cus_{i % 7}", "value": 1})
            for i in range(TOTAL)
        ]
    report = await stream.aclose()
    assert report.ok and report.sent == TOTAL
    check_exactly_once(host, identifiers, in_flight)


def test_senders_on_many_threads(client: StripeClient, host: MeterHost) -> None:
    sent: list[str] = []
    with MeterEventStream(client, max_buffered=300) as stream:

        def produce(n: int) -> None:
            ids = [
                stream.send("api_calls", {"stripe_customer_id": f"cus_{n}", "value": "2"})
                for _ in range(1000)
            ]
            sent.extend(ids)

        threads = [threading.Thread(target=produce, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert stream.close().sent == 4000
    assert set(host.accepted) == set(sent) and len(sent) == 4000


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_session_is_renewed_before_it_expires(client: StripeClient, server: StripeServer) -> None:
    clock = Clock()
    host = MeterHost(API_KEY, clock=clock, lifetime=900.0)
    server.handler = host
    with MeterEventStream(client, clock=clock, renew_before=60.0) as stream:
        for _ in range(250):
            stream.send("api_calls", {"value": "1"})
        stream.flush()
        assert host.sessions == 1
        clock.now += 845.0  # 55 s left: less than renew_before
        for _ in range(250):
            stream.send("api_calls", {"value": "1"})
    assert stream.close().sent == 500
    assert host.sessions == 2 and host.expired_refusals == 0


def test_a_refused_batch_reaches_on_error_and_the_report(client: StripeClient, host: MeterHost) -> None:
    seen: list[FailedBatch] = []
    with MeterEventStream(client, batch_size=10, on_error=seen.append) as stream:
        for i in range(30):
            stream.send("rejected" if i == 15 else "api_calls", {"value": "1"}, identifier=f"evt_{i}")
    report = stream.close()
    assert report.sent == 20 and not report.unsent
    (failure,) = seen
    assert report.failed == [failure]
    assert isinstance(failure.error, InvalidRequestError)
    assert [e["identifier"] for e in failure.events] == [f"evt_{i}" for i in range(10, 20)]
    assert set(host.accepted) == {f"evt_{i}" for i in range(30)} - {f"evt_{i}" for i in range(10, 20)}


def test_without_a_session_every_event_is_reported(
    server: StripeServer, host: MeterHost, shared_http: Any
) -> None:
    with StripeClient(
        "sk_test_revokedKey000000000000", base_url=server.url, retry_policy=FAST, http_client=shared_http
    ) as c:
        with MeterEventStream(c, batch_size=10) as stream:
            sent = [stream.send("api_calls", {"value": "1"}) for _ in range(25)]
    report = stream.close()
    assert report.sent == 0 and all(isinstance(b.error, AuthenticationError) for b in report.failed)
    assert [e["identifier"] for e in report.not_sent] == sent


@pytest.fixture
def stalled(host: MeterHost) -> Iterator[MeterHost]:
    host.stall = threading.Event()
    try:
        yield host
    finally:
        host.stall.set()


def wait_until(condition: Any) -> None:
    for _ in range(10_000):
        if condition():
            return
        threading.Event().wait(0.001)
    raise AssertionError("condition never held")


def retained_since(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot) -> int:
    """Bytes allocated by the SDK or this test and still held: what the stream could keep of
    the events it refused. (Other threads of the suite, e.g. servers of earlier tests winding
    down, allocate meanwhile; their memory is not the stream's.)"""
    ours = [tracemalloc.Filter(True, "*lattice_stripe*"), tracemalloc.Filter(True, __file__)]
    diff = after.filter_traces(ours).compare_to(before.filter_traces(ours), "filename")
    return sum(stat.size_diff for stat in diff)


@pytest.mark.parametrize("in_flight", [1, 4])
def test_back_pressure_keeps_memory_flat_while_the_server_stalls(
    server: StripeServer, stalled: MeterHost, shared_http: Any, in_flight: int
) -> None:
    c = StripeClient(API_KEY, base_url=server.url, max_retries=0, timeout=60, http_client=shared_http)
    stream = MeterEventStream(c, max_buffered=500, full_timeout=0, max_in_flight=in_flight)
    taken: list[str] = []
    refused = 0

    def send(i: int) -> None:
        nonlocal refused
        try:
            taken.append(stream.send("api_calls", {"stripe_customer_id": "cus_1", "value": str(i)}))
        except MeterStreamFullError:
            refused += 1

    for i in range(1_000):  # fill the buffer; the workers' batches reach the stalled server
        send(i)
    wait_until(lambda: stalled.stalling == in_flight)  # (and every module it loads on the way is loaded)
    refused = 0
    while not refused:  # the buffer is full now, whatever the worker took before the stall
        send(len(taken))
    refused = 0
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for i in range(1_000, 8_000):
            send(i)
        grown = retained_since(before, tracemalloc.take_snapshot())
    finally:
        tracemalloc.stop()
    assert len(taken) == 500 + 100 * in_flight and refused == 7_000  # the buffer and the batches in flight
    assert grown < 16 * 1024, grown  # 7,000 refused events were not kept (they would be megabytes)
    reports: list[Any] = []
    closer = threading.Thread(target=lambda: reports.append(stream.close(timeout=0)))
    closer.start()
    wait_until(lambda: stream._closed)
    assert stalled.stall is not None
    stalled.stall.set()  # the batches in flight are answered; nothing new starts
    closer.join()
    (report,) = reports
    assert len(report.unsent) == 500 and not report.failed
    assert report.sent == len(taken) - 500 and set(stalled.accepted) == set(taken) - {
        e["identifier"] for e in report.unsent
    }


def test_close_during_a_stall_reports_what_was_not_sent(
    server: StripeServer, stalled: MeterHost, shared_http: Any
) -> None:
    c = StripeClient(API_KEY, base_url=server.url, max_retries=0, timeout=0.5, http_client=shared_http)
    stream = MeterEventStream(c, max_buffered=200, full_timeout=0, max_in_flight=1)
    taken: list[str] = []
    for i in range(1_000):
        try:
            taken.append(stream.send("api_calls", {"value": str(i)}))
        except MeterStreamFullError:
            pass
    wait_until(lambda: stalled.stalling)
    report = stream.close(timeout=0)  # the batch in flight times out; nothing new starts
    assert report.sent == 0 and not stalled.accepted
    assert [e["identifier"] for e in report.not_sent] == taken
    (failure,) = report.failed  # the batch in flight
    assert isinstance(failure.error, APITimeoutError) and report.unsent


def test_a_blocked_sender_resumes_when_room_appears(client: StripeClient, stalled: MeterHost) -> None:
    stream = MeterEventStream(client, max_buffered=100, full_timeout=None, max_in_flight=1)
    for _ in range(200):  # one batch in flight (stalled), one buffered
        stream.send("api_calls", {"value": "1"})
    done: list[str] = []
    blocked = threading.Thread(target=lambda: done.append(stream.send("api_calls", {"value": "1"})))
    blocked.start()
    wait_until(lambda: stream._waiting)
    assert stream._waiting == 1 and not done
    assert stalled.stall is not None
    stalled.stall.set()
    blocked.join()
    assert len(done) == 1
    assert stream.close().sent == 201


def test_close_releases_blocked_senders(client: StripeClient, stalled: MeterHost) -> None:
    stream = MeterEventStream(client, max_buffered=100, full_timeout=None, max_in_flight=1)
    for _ in range(200):
        stream.send("api_calls", {"value": "1"})
    errors: list[BaseException] = []

    def send() -> None:
        try:
            stream.send("api_calls", {"value": "1"})
        except MeterStreamClosedError as exc:
            errors.append(exc)

    blocked = threading.Thread(target=send)
    blocked.start()
    wait_until(lambda: stream._waiting)
    closer = threading.Thread(target=stream.close)
    closer.start()
    blocked.join()
    assert len(errors) == 1
    assert stalled.stall is not None
    stalled.stall.set()
    closer.join()
    with pytest.raises(MeterStreamClosedError):
        stream.send("api_calls", {"value": "1"})


async def test_async_back_pressure_and_close_during_a_stall(server: StripeServer, stalled: MeterHost) -> None:
    async with AsyncStripeClient(API_KEY, base_url=server.url, max_retries=0, timeout=60) as c:
        stream = AsyncMeterEventStream(c, max_buffered=300, full_timeout=0, max_in_flight=1)
        taken: list[str] = []
        for i in range(3_000):
            try:
                taken.append(await stream.send("api_calls", {"value": str(i)}))
            except MeterStreamFullError:
                pass
            if not stalled.stalling:
                await asyncio.sleep(0.001)  # let the worker open a session and start its batch
        assert 300 <= len(taken) <= 400  # the buffer and one batch in flight
        closing = asyncio.ensure_future(stream.aclose(timeout=0))
        while not stream._closed:
            await asyncio.sleep(0)
        assert stalled.stall is not None
        stalled.stall.set()  # the batch in flight is answered; nothing new starts
        report = await closing
        assert len(report.unsent) == 300 and not report.failed
        assert report.sent == len(taken) - 300
        assert [e["identifier"] for e in report.unsent] == taken[-300:]


def test_no_token_in_logs_spans_reprs_or_errors(
    server: StripeServer, host: MeterHost, caplog: pytest.LogCaptureFixture
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    host.expire_at = {2}
    seen: list[FailedBatch] = []
    caplog.set_level(logging.DEBUG)
    with StripeClient(API_KEY, base_url=server.url, retry_policy=FAST, tracing=provider) as c:
        with MeterEventStream(c, batch_size=50, on_error=seen.append, max_in_flight=1) as stream:
            for i in range(200):
                stream.send("rejected" if i == 120 else "api_calls", {"value": "1"})
            stream.flush()
            texts = [repr(stream), repr(stream._o.core.session)]
        report = stream.close()
    assert report.sent == 150 and len(seen) == 1
    spans = exporter.get_finished_spans()
    stream_calls = [s for s in spans if s.name == "stripe v2.billing.meter_event_stream.create"]
    assert len(stream_calls) == 5  # one call span per batch (4 batches, one resent after the expiry)
    texts += [s.name + json.dumps(dict(s.attributes or {})) for s in spans]
    texts += [caplog.text, repr(report), repr(seen[0]), str(seen[0].error), repr(seen[0].error)]
    tokens = [f"ekt_test_session{n:04d}secret" for n in range(1, host.sessions + 1)]
    assert host.sessions == 2
    for text in texts:
        for secret in (*tokens, API_KEY):
            assert secret not in text, text


def test_a_package_without_the_v2_api_says_so_before_any_request(server: StripeServer) -> None:
    """The stream and ``fetch_event`` use the generated v2 operations; a client of an older API
    version (here the runtime's bare client, which has no generated namespaces) has none."""
    from lattice_stripe._runtime.http.client import AsyncBaseClient, SyncBaseClient
    from lattice_stripe._runtime.webhooks.notifications import EventNotification

    notification = EventNotification(
        id="evt_1", type="v1.x", created="2026-05-27T00:00:00Z", livemode=False, object="v2.core.event"
    )
    for bare in (SyncBaseClient(API_KEY, base_url=server.url), AsyncBaseClient(API_KEY, base_url=server.url)):
        with pytest.raises(InvalidArgumentError, match="has no v2 meter event stream"):
            bare.meter_event_stream()
    with pytest.raises(InvalidArgumentError, match="has no v2 events"):
        notification.bind(SyncBaseClient(API_KEY, base_url=server.url)).fetch_event()
    assert server.requests == []
