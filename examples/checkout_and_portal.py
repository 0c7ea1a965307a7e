"""Checkout Session for a one-off payment, then a billing portal session for the customer.

Run: python examples/checkout_and_portal.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

from collections.abc import Sequence

from _harness import Run, say


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    customer = client.customers.create(email="shopper@example.com")
    session = client.checkout.sessions.create(
        mode="payment",
        customer=customer.id,
        line_items=[
            {
                "price_data": {"currency": "usd", "unit_amount": 1500, "product_data": {"name": "T-shirt"}},
                "quantity": 2,
            }
        ],
        success_url="https://example.com/thanks?session={CHECKOUT_SESSION_ID}",
        cancel_url="https://example.com/cart",
    )
    say(f"checkout session {session.id}: {session.status}; redirect the customer to its url")
    run.confirm("checkout.session.completed", session)  # fulfil here, not on the redirect
    portal = client.billing_portal.sessions.create(
        customer=customer.id, return_url="https://example.com/account"
    )
    say(f"portal session for {portal.customer} (its url is a bearer credential: {portal!r:.50})")


if __name__ == "__main__":
    main()
