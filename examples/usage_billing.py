"""Usage billing: a meter, a metered price and a subscription on it; usage reported through
both layers (v1 meter events, the v2 meter event stream), one event corrected, the billed
totals read back, and the meter's error notification handled by the router through an event
destination.

Run: python examples/usage_billing.py [--base-url URL --api-key sk_test_...]
(against a base URL, e.g. stripe-mock, only the v1 layer runs: the stream has its own host,
and thin events come from Stripe's processing, which such a server does not do.)
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from _harness import Run, say

from lattice_stripe import EventNotification, FailedBatch, WebhookRouter
from lattice_stripe.testing import FakeStripe

DAY = 86_400


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

    # Mistakes in streamed usage arrive later, as thin events through an event destination:
    # route them before sending. The router verifies with every secret it is given.
    secrets = [FakeStripe.webhook_secret]
    if run.fake is not None:
        destination = client.v2.core.event_destinations.create(
            name="meter errors",
            type="webhook_endpoint",
            event_payload="thin",
            enabled_events=["v1.billing.meter.error_report_triggered"],
            webhook_endpoint={"url": "https://example.com/stripe/thin"},
            include=["webhook_endpoint.signing_secret"],
        )
        assert destination.webhook_endpoint is not None and destination.webhook_endpoint.signing_secret
        secrets.append(destination.webhook_endpoint.signing_secret)
        say(f"event destination {destination.id}: {destination.status}")
    router = WebhookRouter(secrets, client=client)
    handled: list[str] = []

    @router.on("v1.billing.meter.error_report_triggered")
    def meter_errors(notification: EventNotification) -> None:
        meter_now = notification.fetch_related_object()  # the BillingMeter, read now
        event = notification.fetch_event()  # the V2CoreEvent, with what went wrong in data
        handled.append(event.id)
        say(f"  meter error report for {getattr(meter_now, 'id', None)}: fix the payloads, resend them")

    if run.fake is not None:
        run.fake.forward_events(router)  # the fake delivers what Stripe would, as it happens

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
            # accepted by the stream, then rejected by Stripe's processing: no such customer
            stream.send("api_calls", {"stripe_customer_id": "cus_unknown", "value": 1})
        report = stream.close()
        lost = len(report.not_sent)
        say(f"stream: {report.sent} events accepted, {lost} not sent, {len(failures)} failures")
        say(f"meter error notifications handled: {len(handled)}")
    else:
        say("stream: skipped (it runs on Stripe's meter events host, which this base URL does not serve)")
        say("  -> act when the v1.billing.meter.error_report_triggered notification arrives")

    today = int(time.time()) // DAY * DAY
    summaries = client.billing.meters.event_summaries.list(
        meter.id, customer=customer.id, start_time=today, end_time=today + DAY
    )
    billed = sum(s.aggregated_value for s in summaries.data)
    say(f"event summaries: {billed:g} api_calls billed today (the cancelled 25 not among them)")


if __name__ == "__main__":
    main()
