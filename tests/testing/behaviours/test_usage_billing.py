"""Usage billing across both layers: one store of meter events (v1 create, v2 create, the v2
stream), adjustments that cancel, Stripe's synchronous and asynchronous validation.

Stripe: "Stripe processes meter events asynchronously"; "We'll enforce uniqueness [of the
identifier] within a rolling 24 hour period"; a meter event adjustment "allows you to cancel
a meter event"; v2 create: "Events are validated synchronously, but are processed
asynchronously"; ``v1.billing.meter.error_report_triggered``: "Occurs when a Meter has
invalid async usage events"; ``v1.billing.meter.no_meter_found``: "Occurs when a Meter's id
is missing or invalid in async usage events".
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from lattice_stripe import InvalidRequestError, RetryPolicy
from lattice_stripe.testing import FakeStripe

START = 1_779_840_000  # 2026-05-27T00:00:00Z
FAST = RetryPolicy(initial_delay=0, max_delay=0)


def at(offset: int) -> str:
    """START + offset as v2 writes a time."""
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(START + offset))


def setup(client: Any, formula: str = "sum") -> tuple[Any, Any]:
    customer = client.customers.create()
    meter = client.billing.meters.create(
        display_name="API calls", event_name="api_calls", default_aggregation={"formula": formula}
    )
    return customer, meter


def total(client: Any, meter: Any, customer: Any, window: str | None = None) -> list[float]:
    extra = {"value_grouping_window": window} if window else {}
    summaries = client.billing.meters.event_summaries.list(
        meter.id, customer=customer.id, start_time=START, end_time=START + 2 * 86400, **extra
    )
    return [s.aggregated_value for s in summaries.data]


def v1(client: Any, customer: Any, value: str, identifier: str, offset: int = 60) -> Any:
    return client.billing.meter_events.create(
        event_name="api_calls",
        payload={"stripe_customer_id": customer.id, "value": value},
        identifier=identifier,
        timestamp=START + offset,
    )


def v2(client: Any, customer: Any, value: str, identifier: str, offset: int = 60) -> Any:
    return client.v2.billing.meter_events.create(
        event_name="api_calls",
        payload={"stripe_customer_id": customer.id, "value": value},
        identifier=identifier,
        timestamp=at(offset),
    )


LAYERS = {"v1": v1, "v2": v2}


def test_v1_and_v2_events_are_one_store_summed_per_customer_and_window(client: Any) -> None:
    customer, meter = setup(client)
    other = client.customers.create()
    v1(client, customer, "3", "a", 60)
    created = v2(client, customer, "4", "b", 120)
    assert created.timestamp == at(120).replace("Z", ".000Z") and created.identifier == "b"
    v2(client, customer, "5", "c", 86400 + 60)
    v1(client, other, "100", "d", 60)
    assert total(client, meter, customer) == [12]
    assert total(client, meter, customer, "day") == [5, 7]  # newest window first
    assert total(client, meter, other) == [100]


@pytest.mark.parametrize(("first", "second"), [("v1", "v2"), ("v2", "v1"), ("v1", "v1"), ("v2", "v2")])
def test_an_identifier_is_taken_across_layers(client: Any, first: str, second: str) -> None:
    customer, meter = setup(client)
    LAYERS[first](client, customer, "3", "same")
    with pytest.raises(InvalidRequestError) as refused:
        LAYERS[second](client, customer, "4", "same")
    assert refused.value.code == ("duplicate_meter_event" if second == "v2" else "parameter_invalid")
    assert total(client, meter, customer) == [3]


@pytest.mark.parametrize(("formula", "expected"), [("sum", 9), ("count", 3), ("last", 4)])
def test_the_meter_formula_aggregates(client: Any, formula: str, expected: int) -> None:
    customer, meter = setup(client, formula)
    v1(client, customer, "2", "a", 60)
    v2(client, customer, "4", "b", 180)
    v1(client, customer, "3", "c", 120)
    assert total(client, meter, customer) == [expected]


@pytest.mark.parametrize("source", ["v1", "v2"])
@pytest.mark.parametrize("adjust", ["v1", "v2"])
def test_an_adjustment_cancels_an_event_of_either_layer(client: Any, source: str, adjust: str) -> None:
    customer, meter = setup(client)
    LAYERS[source](client, customer, "3", "keep")
    LAYERS[source](client, customer, "40", "wrong")
    adjustments = (
        client.billing.meter_event_adjustments
        if adjust == "v1"
        else client.v2.billing.meter_event_adjustments
    )
    done = adjustments.create(event_name="api_calls", type="cancel", cancel={"identifier": "wrong"})
    assert (done.status, done.type, done.cancel.identifier) == ("pending", "cancel", "wrong")
    assert total(client, meter, customer) == [3]
    again = adjustments.create(event_name="api_calls", type="cancel", cancel={"identifier": "wrong"})
    assert again.status == "pending" and total(client, meter, customer) == [3]
    with pytest.raises(InvalidRequestError):  # a cancelled identifier stays taken
        LAYERS[source](client, customer, "40", "wrong")


@pytest.mark.parametrize("adjust", ["v1", "v2"])
@pytest.mark.parametrize(("event_name", "identifier"), [("api_calls", "unknown"), ("other_name", "sent")])
def test_an_adjustment_of_an_unknown_event_is_refused(
    client: Any, adjust: str, event_name: str, identifier: str
) -> None:
    customer, meter = setup(client)
    v1(client, customer, "3", "sent")
    if adjust == "v1":
        with pytest.raises(InvalidRequestError) as refused:
            client.billing.meter_event_adjustments.create(
                event_name=event_name, type="cancel", cancel={"identifier": identifier}
            )
        assert (refused.value.code, refused.value.param) == ("resource_missing", "cancel[identifier]")
    else:
        with pytest.raises(InvalidRequestError) as refused:
            client.v2.billing.meter_event_adjustments.create(
                event_name=event_name, type="cancel", cancel={"identifier": identifier}
            )
        assert refused.value.code == "invalid_cancel_configuration"
    assert identifier in str(refused.value)
    assert total(client, meter, customer) == [3]


def test_a_v1_adjustment_needs_the_identifier(client: Any) -> None:
    setup(client)
    with pytest.raises(InvalidRequestError) as refused:
        client.billing.meter_event_adjustments.create(event_name="api_calls", type="cancel")
    assert (refused.value.code, refused.value.param) == ("parameter_missing", "cancel[identifier]")


V2_REFUSALS = [  # (what the event gets wrong, payload, the error code the spec lists)
    ("no meter has the event name", {"value": "1"}, "no_meter"),
    ("the meter is inactive", {"value": "1"}, "archived_meter"),
    ("no customer key", {"value": "1"}, "payload_no_customer_defined"),
    ("no value", {}, "payload_no_value_defined"),
    ("a value that is not a whole number", {"value": "1.5"}, "payload_invalid_value"),
]


@pytest.mark.parametrize(("case", "payload", "code"), V2_REFUSALS, ids=[c[0] for c in V2_REFUSALS])
def test_v2_create_validates_synchronously(
    client: Any, fake: FakeStripe, case: str, payload: dict[str, str], code: str
) -> None:
    customer, meter = setup(client)
    event_name = "no_such_meter" if code == "no_meter" else "api_calls"
    if code == "archived_meter":
        client.billing.meters.deactivate(meter.id)
    if code != "payload_no_customer_defined":
        payload = {**payload, "stripe_customer_id": customer.id}
    with pytest.raises(InvalidRequestError) as refused:
        client.v2.billing.meter_events.create(event_name=event_name, payload=payload)
    assert refused.value.code == code
    assert fake.thin_events == []


def test_an_unknown_customer_is_found_later_and_reported(client: Any, fake: FakeStripe) -> None:
    customer, meter = setup(client)
    v2(client, customer, "3", "ok")
    created = client.v2.billing.meter_events.create(
        event_name="api_calls", payload={"stripe_customer_id": "cus_nobody", "value": "5"}, identifier="lost"
    )
    assert created.identifier == "lost"  # accepted now, rejected by the processing after
    (event,) = fake.thin_events
    assert event["type"] == "v1.billing.meter.error_report_triggered"
    assert event["related_object"] == {
        "id": meter.id,
        "type": "billing.meter",
        "url": f"/v1/billing/meters/{meter.id}",
    }
    (error,) = event["data"]["reason"]["error_types"]
    assert error["code"] == "meter_event_customer_not_found"
    assert error["sample_errors"][0]["request"] == {"identifier": "lost"}
    assert total(client, meter, customer) == [3]


# -- the stream: the client's helper against the fake, sync and async --------------------------

STREAM_CASES = [  # (what the event gets wrong, event name, payload, thin event type, error code)
    ("no meter", "no_such_meter", {"value": "1"}, "v1.billing.meter.no_meter_found", "no_meter"),
    (
        "no customer key",
        "api_calls",
        {"value": "1", "stripe_customer_id": None},
        "v1.billing.meter.error_report_triggered",
        "meter_event_no_customer_defined",
    ),
    ("no value", "api_calls", {}, "v1.billing.meter.error_report_triggered", "meter_event_value_not_found"),
    (
        "a value that is not a number",
        "api_calls",
        {"value": "many"},
        "v1.billing.meter.error_report_triggered",
        "meter_event_invalid_value",
    ),
    (
        "an unknown customer",
        "api_calls",
        {"value": "1", "stripe_customer_id": "cus_nobody"},
        "v1.billing.meter.error_report_triggered",
        "meter_event_customer_not_found",
    ),
]


def _payload(customer: str, extra: dict[str, Any]) -> dict[str, Any]:
    payload = {"stripe_customer_id": customer, **extra}
    return {k: v for k, v in payload.items() if v is not None}


async def _stream_async(fake: FakeStripe, sends: list[tuple[str, dict[str, Any], str | None, str]]) -> Any:
    async with fake.async_stripe_client(retry_policy=FAST) as client:
        async with client.meter_event_stream() as stream:
            for name, payload, identifier, stamp in sends:
                await stream.send(name, payload, identifier=identifier, timestamp=stamp)
    return await stream.aclose()


def stream(fake: FakeStripe, mode: str, sends: list[tuple[str, dict[str, Any], str | None, str]]) -> Any:
    if mode == "async":
        return asyncio.run(_stream_async(fake, sends))
    with fake.stripe_client(retry_policy=FAST) as client, client.meter_event_stream() as opened:
        for name, payload, identifier, stamp in sends:
            opened.send(name, payload, identifier=identifier, timestamp=stamp)
    return opened.close()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_stream_events_count_with_v1_and_v2_and_duplicates_do_not(mode: str) -> None:
    fake = FakeStripe()
    client = fake.stripe_client(max_retries=0)
    customer, meter = setup(client)
    v1(client, customer, "3", "from_v1")
    v2(client, customer, "4", "from_v2")
    sends = [
        ("api_calls", {"stripe_customer_id": customer.id, "value": "5"}, "from_stream", at(300)),
        (
            "api_calls",
            {"stripe_customer_id": customer.id, "value": "500"},
            "from_v1",
            at(300),
        ),  # taken: dropped
        ("api_calls", {"stripe_customer_id": customer.id, "value": "500"}, "from_v2", at(300)),
        ("api_calls", {"stripe_customer_id": customer.id, "value": "6"}, None, at(86400 + 5)),
    ]
    report = stream(fake, mode, sends)
    assert report.ok and report.sent == 4
    assert total(client, meter, customer) == [18]
    assert total(client, meter, customer, "day") == [6, 12]
    with pytest.raises(InvalidRequestError) as refused:
        v2(client, customer, "1", "from_stream")
    assert refused.value.code == "duplicate_meter_event"
    client.v2.billing.meter_event_adjustments.create(
        event_name="api_calls", type="cancel", cancel={"identifier": "from_stream"}
    )
    assert total(client, meter, customer) == [13]
    assert fake.thin_events == []


@pytest.mark.parametrize(
    ("case", "event_name", "extra", "type", "code"), STREAM_CASES, ids=[c[0] for c in STREAM_CASES]
)
def test_the_stream_accepts_events_that_fit_no_meter_and_reports_them_later(
    mode: str, case: str, event_name: str, extra: dict[str, Any], type: str, code: str
) -> None:
    fake = FakeStripe()
    client = fake.stripe_client(max_retries=0)
    customer, meter = setup(client)
    good = ("api_calls", {"stripe_customer_id": customer.id, "value": "2"}, "good", at(60))
    bad = (event_name, _payload(customer.id, extra), "bad", at(60))
    report = stream(fake, mode, [good, bad, bad])
    assert report.ok and report.sent == 3 and report.not_sent == []
    assert total(client, meter, customer) == [2]
    (event,) = fake.thin_events  # one report per request and meter; the resent one is dropped
    assert event["object"] == "v2.core.event" and event["type"] == type
    if type.endswith("no_meter_found"):
        assert event["related_object"] is None
    else:
        assert event["related_object"] == {
            "id": meter.id,
            "type": "billing.meter",
            "url": f"/v1/billing/meters/{meter.id}",
        }
    reason = event["data"]["reason"]
    assert reason["error_count"] == 1
    assert [(t["code"], t["error_count"]) for t in reason["error_types"]] == [(code, 1)]
    assert reason["error_types"][0]["sample_errors"][0]["request"] == {"identifier": "bad"}
    fetched = client.v2.core.events.retrieve(event["id"])
    assert (fetched.id, fetched.type, fetched.data) == (event["id"], type, event["data"])


def test_an_inactive_meter_reports_archived_meter(mode: str) -> None:
    fake = FakeStripe()
    client = fake.stripe_client(max_retries=0)
    customer, meter = setup(client)
    client.billing.meters.deactivate(meter.id)
    report = stream(
        fake, mode, [("api_calls", {"stripe_customer_id": customer.id, "value": "2"}, "x", at(60))]
    )
    assert report.ok
    client.billing.meters.reactivate(meter.id)
    assert total(client, meter, customer) == [0]
    (event,) = fake.thin_events
    assert event["data"]["reason"]["error_types"][0]["code"] == "archived_meter"
    assert event["related_object"]["id"] == meter.id


def test_events_belong_to_the_account_they_were_sent_in() -> None:
    fake = FakeStripe()
    client = fake.stripe_client(max_retries=0)
    account = client.accounts.create(type="express").id
    scoped = fake.stripe_client(max_retries=0, stripe_account=account)
    customer, meter = setup(client)
    theirs, their_meter = setup(scoped)
    v1(client, customer, "3", "same")
    v1(scoped, theirs, "7", "same")  # an identifier is unique within an account
    assert total(client, meter, customer) == [3]
    assert total(scoped, their_meter, theirs) == [7]


# -- metered prices: usage billed in arrears ----------------------------------------------------


def test_a_metered_price_bills_the_periods_counted_usage_at_renewal(client: Any) -> None:
    """Stripe bills a metered price in arrears: nothing on the first invoice, the meter's
    aggregate for the period that ended on the renewal invoice (adjustments applied)."""
    from .helpers import paying_customer

    clock = client.test_helpers.test_clocks.create(frozen_time=START)
    customer = paying_customer(client, test_clock=clock.id)
    meter = client.billing.meters.create(
        display_name="API calls", event_name="api_calls", default_aggregation={"formula": "sum"}
    )
    price = client.prices.create(
        currency="usd",
        unit_amount=5,
        product_data={"name": "API"},
        recurring={"interval": "month", "usage_type": "metered", "meter": meter.id},
    )
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": price.id}])
    first = client.invoices.retrieve(sub.latest_invoice)
    assert (first.total, first.status) == (0, "paid")
    v1(client, customer, "300", "a", 3600)
    v2(client, customer, "200", "b", 7200)
    v1(client, customer, "999", "wrong", 7300)
    client.billing.meter_event_adjustments.create(
        event_name="api_calls", type="cancel", cancel={"identifier": "wrong"}
    )
    v1(client, customer, "50", "next_period", 40 * 86400)  # after the first period: billed later
    client.test_helpers.test_clocks.advance(clock.id, frozen_time=START + 32 * 86400)
    renewed = client.invoices.retrieve(client.subscriptions.retrieve(sub.id).latest_invoice)
    assert renewed.billing_reason == "subscription_cycle"
    (line,) = renewed.lines.data
    assert (line.quantity, line.amount, renewed.total, renewed.status) == (500, 2500, 2500, "paid")
    assert (line.period.start, line.period.end) == (START, START + 31 * 86400)
