"""Usage billing: a meter, a metered price and a subscription on it; usage reported through
both layers (v1 meter events, the v2 meter event stream), one event corrected, the billed
totals read back, and the meter's error notification handled by the router.

Run: python examples/usage_billing.py [--base-url URL --api-key sk_test_...]
(against a base URL, e.g. stripe-mock, only the v1 layer runs: the stream has its own host.)
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from _harness import Run, say

from lattice_stripe import EventNotification, FailedBatch, generate_test_header


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client

    meter = client.billing.meters.create(
        display_name="API calls", event_name="api_calls", default_aggregation={"formula": "sum"}
    )
    price = client.prices.create(
        currency="usd",
        unit_amount=5,
        product_data={"name": "API"},
        recurring={"interval": "month", "usage_type": "metered", "meter": meter.id},
    )
    customer = client.customers.create(email="usage@example.com")
    subscription = client.subscriptions.create(
        customer=customer.id, items=[{"price": price.id}], proration_behavior="none"
    )
    say(f"meter {meter.id} ({meter.event_name}), price {price.id}, subscription {subscription.id}")

    # Layer 1: one request per event, validated while we wait.
    event = client.billing.meter_events.create(
        event_name="api_calls",
        payload={"stripe_customer_id": customer.id, "value": "25"},
        identifier="usage_0001",
    )
    say(f"v1 meter event {event.identifier}: accepted")
    adjustment = client.billing.meter_event_adjustments.create(
        event_name="api_calls", type="cancel", cancel={"identifier": "usage_0001"}
    )
    say(f"adjustment: cancelled usage_0001 ({adjustment.status})")

    # Layer 2: the stream, batched on a session the helper renews itself.
    if run.fake is not None:
        failures: list[FailedBatch] = []
        with client.meter_event_stream(on_error=failures.append) as stream:
            for _ in range(1_000):
                stream.send("api_calls", {"stripe_customer_id": customer.id, "value": 1})
        report = stream.close()
        lost = len(report.not_sent)
        say(f"stream: {report.sent} events accepted, {lost} not sent, {len(failures)} failures")
    else:
        say("stream: skipped (it runs on Stripe's meter events host, which this base URL does not serve)")

    summaries = client.billing.meters.event_summaries.list(
        meter.id, customer=customer.id, start_time=1_779_840_000, end_time=1_779_926_400
    )
    say(f"event summaries: {len(summaries.data)} read")

    # Events the stream accepted but Stripe then rejected come back as a thin notification.
    router = run.router
    router.client = client
    handled: list[str] = []

    @router.on("v1.billing.meter.error_report_triggered")
    def meter_errors(notification: EventNotification) -> None:
        meter_now = notification.fetch_related_object()
        handled.append(notification.id)
        say(f"  meter error report for {getattr(meter_now, 'id', None)}: fix the payloads, resend them")

    if run.fake is None:
        say("  -> act when the v1.billing.meter.error_report_triggered notification arrives")
        return
    related = {"id": meter.id, "type": "billing.meter", "url": f"/v1/billing/meters/{meter.id}"}
    body = json.dumps(
        {
            "id": "evt_test_meter_errors_1",
            "object": "v2.core.event",
            "type": "v1.billing.meter.error_report_triggered",
            "created": "2026-05-27T10:00:00.000Z",
            "livemode": False,
            "related_object": related,
        }
    ).encode()
    answer = router.handle(body, generate_test_header(body, run.fake.webhook_secret))
    say(f"notification v1.billing.meter.error_report_triggered: router answered {answer.status}")


if __name__ == "__main__":
    main()
