"""Acting for a connected account: per request (stripe_account=...) and per client
(with_options(stripe_account=...)), both sending the Stripe-Account header.

Run: python examples/stripe_account.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

from collections.abc import Sequence

from _harness import Run, say

from lattice_stripe import InvalidRequestError


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    account = client.accounts.create(type="standard", email="shop@example.com")
    one_off = client.customers.create(email="a@example.com", stripe_account=account.id)
    say(f"per request: customer {one_off.id} created on {account.id}")
    shop = client.with_options(stripe_account=account.id)  # same pool, every call on that account
    product = shop.products.create(name="Local product")
    say(f"per client: product {product.id} on {account.id}")
    if run.fake is not None:
        sent = [r.headers.get("stripe-account") for r in run.fake.requests]
        say(f"Stripe-Account headers sent: {sent}")
        try:  # objects live in their account: without the header the platform sees nothing
            client.customers.retrieve(one_off.id)
        except InvalidRequestError as err:
            say(f"without stripe_account: {err.http_status} {err.code}")


if __name__ == "__main__":
    main()
