"""Objects most behaviour tests start from."""

from __future__ import annotations

from typing import Any


def paying_customer(client: Any, card: str = "pm_card_visa", **fields: Any) -> Any:
    """A customer whose default payment method is this test card."""
    customer = client.customers.create(email="c@example.com", payment_method=card, **fields)
    pm = client.payment_methods.list(customer=customer.id).data[0].id
    return client.customers.update(customer.id, invoice_settings={"default_payment_method": pm})


def monthly(client: Any, amount: int = 2000, interval: str = "month") -> Any:
    return client.prices.create(
        currency="usd", unit_amount=amount, recurring={"interval": interval}, product_data={"name": "Plan"}
    )
