"""Subscription lifecycle: product, price, customer, subscription (expanded), a schedule with
two phases, then cancel.

Run: python examples/subscription_lifecycle.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

from collections.abc import Sequence

from _harness import Run, say


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    product = client.products.create(name="Pro plan")
    monthly = client.prices.create(
        product=product.id, currency="usd", unit_amount=2000, recurring={"interval": "month"}
    )
    yearly = client.prices.create(
        product=product.id, currency="usd", unit_amount=20000, recurring={"interval": "year"}
    )
    customer = client.customers.create(
        email="sub@example.com",
        payment_method="pm_card_visa",
        invoice_settings={"default_payment_method": "pm_card_visa"},
    )
    sub = client.subscriptions.create(
        customer=customer.id, items=[{"price": monthly.id}], expand=["customer", "latest_invoice"]
    )
    expanded = sub.customer if not isinstance(sub.customer, str) else None  # stripe-mock may not expand
    say(f"subscription {sub.id}: {sub.status}, customer {expanded.email if expanded else sub.customer}")
    run.confirm("customer.subscription.created", sub)
    schedule = client.subscription_schedules.create(
        customer=customer.id,
        start_date="now",
        end_behavior="release",
        phases=[
            {"items": [{"price": monthly.id}], "duration": {"interval": "month", "interval_count": 3}},
            {"items": [{"price": yearly.id}], "duration": {"interval": "year"}},
        ],
    )
    say(f"schedule {schedule.id}: {schedule.status}, {len(schedule.phases)} phases")
    canceled = client.subscriptions.cancel(sub.id)
    say(f"canceled {canceled.id}: {canceled.status}")
    run.confirm("customer.subscription.deleted", canceled, status="active")


if __name__ == "__main__":
    main()
