"""Quote: create with a line item, finalize, accept (which creates the invoice or subscription).

Run: python examples/quote.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

from collections.abc import Sequence

from _harness import Run, say


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    customer = client.customers.create(email="buyer@example.com")
    price = client.prices.create(currency="usd", unit_amount=120000, product_data={"name": "Onboarding"})
    quote = client.quotes.create(customer=customer.id, line_items=[{"price": price.id, "quantity": 1}])
    say(f"quote {quote.id}: {quote.status}")
    quote = client.quotes.finalize(quote.id)
    say(f"finalized: {quote.status}; the PDF is {len(client.quotes.pdf(quote.id))} bytes")
    quote = client.quotes.accept(quote.id)
    say(f"accepted: {quote.status}")
    run.confirm("quote.accepted", quote)


if __name__ == "__main__":
    main()
