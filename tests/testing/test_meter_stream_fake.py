"""The fake's v2 meter event stream, driven by the client's stream helper (sync and async)."""

from __future__ import annotations

import pytest

from lattice_stripe import RetryPolicy
from lattice_stripe._runtime.testing.metering import SESSION_EXPIRED
from lattice_stripe.testing import FakeStripe

FAST = RetryPolicy(initial_delay=0.001, max_delay=0.002)


def test_sessions_expiry_and_a_server_error_accept_each_event_once() -> None:
    fake = FakeStripe()
    client = fake.stripe_client(retry_policy=FAST)
    with client.meter_event_stream() as stream:
        sent = [stream.send("api_calls", {"stripe_customer_id": "cus_1", "value": 1}) for _ in range(100)]
        stream.flush()
        fake.meter_stream.expire_sessions()
        fake.server_error_next("POST /v2/billing/meter_event_stream")
        sent += [stream.send("api_calls", {"stripe_customer_id": "cus_1", "value": "2"}) for _ in range(150)]
    report = stream.close()
    assert report.ok and report.sent == 250
    accepted = [e["identifier"] for e in fake.meter_stream.events]
    assert sorted(accepted) == sorted(sent)  # each once; batches in flight together may land in any order
    assert {e["payload"]["value"] for e in fake.meter_stream.events} == {"1", "2"}
    paths = [r.path for r in fake.requests]
    assert paths.count("/v2/billing/meter_event_session") == 2


async def test_the_async_stream() -> None:
    fake = FakeStripe()
    async with fake.async_stripe_client() as client:
        async with client.meter_event_stream(batch_size=10) as stream:
            sent = [
                await stream.send("api_calls", {"stripe_customer_id": "cus_1", "value": 1}) for _ in range(35)
            ]
    assert [e["identifier"] for e in fake.meter_stream.events] == sent


@pytest.mark.parametrize(
    ("body", "status"),
    [(b'{"events": []}', 400), (b'{"events": [{"payload": {}}]}', 400), (b"[]", 400), (b"{", 400)],
)
def test_malformed_batches_are_refused(body: bytes, status: int) -> None:
    fake = FakeStripe()
    session = fake.meter_stream.answer("POST", "/v2/billing/meter_event_session", "Bearer sk_test_x", b"{}")
    assert session is not None
    token = session[1]["authentication_token"]
    answer = fake.meter_stream.answer("POST", "/v2/billing/meter_event_stream", f"Bearer {token}", body)
    assert answer is not None and answer[0] == status
    expired = fake.meter_stream.answer("POST", "/v2/billing/meter_event_stream", "Bearer ekt_unknown", body)
    assert expired == (401, {"error": SESSION_EXPIRED})
