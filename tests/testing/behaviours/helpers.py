"""Objects most behaviour tests start from."""

from __future__ import annotations

from typing import Any

from lattice_stripe._runtime.testing.schema import operations


def paying_customer(client: Any, card: str = "pm_card_visa", **fields: Any) -> Any:
    """A customer whose default payment method is this test card."""
    customer = client.customers.create(email="c@example.com", payment_method=card, **fields)
    pm = client.payment_methods.list(customer=customer.id).data[0].id
    return client.customers.update(customer.id, invoice_settings={"default_payment_method": pm})


def monthly(client: Any, amount: int = 2000, interval: str = "month") -> Any:
    return client.prices.create(
        currency="usd", unit_amount=amount, recurring={"interval": interval}, product_data={"name": "Plan"}
    )


def item_price(price_id: str) -> dict[str, Any]:
    """An invoice item's price argument: ``price=`` before 2025, ``pricing[price]`` after."""
    props = operations()["invoiceitems.create"]["params"]["properties"]
    return {"price": price_id} if "price" in props else {"pricing": {"price": price_id}}


def phase(price_id: str, interval: str, count: int) -> dict[str, Any]:
    """A schedule phase lasting ``count`` intervals (``duration`` from 2025, ``iterations`` before)."""
    props = operations()["subscription_schedules.create"]["params"]["properties"]["phases"]["items"]
    if "duration" in props["properties"]:
        return {"items": [{"price": price_id}], "duration": {"interval": interval, "interval_count": count}}
    return {"items": [{"price": price_id}], "iterations": count}
