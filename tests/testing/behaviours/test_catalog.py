"""Products and prices (API reference: Products, Prices)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError
from lattice_stripe.testing import FakeStripe


def test_new_products_and_prices_are_active(client: Any) -> None:
    product = client.products.create(name="Pro")
    price = client.prices.create(product=product.id, currency="usd", unit_amount=1000)
    assert product.active is True and price.active is True


def test_a_price_with_recurring_is_of_type_recurring(client: Any) -> None:
    product = client.products.create(name="Pro")
    monthly = client.prices.create(
        product=product.id, currency="usd", unit_amount=1000, recurring={"interval": "month"}
    )
    once = client.prices.create(product=product.id, currency="usd", unit_amount=1000)
    assert (
        monthly.type == "recurring"
        and monthly.recurring.interval == "month"
        and monthly.recurring.interval_count == 1
    )
    assert once.type == "one_time" and once.recurring is None


def test_product_data_creates_a_product(client: Any) -> None:
    price = client.prices.create(currency="usd", unit_amount=500, product_data={"name": "Sticker"})
    product = client.products.retrieve(price.product)
    assert product.name == "Sticker" and product.active is True


def test_default_price_data_creates_the_default_price(client: Any) -> None:
    product = client.products.create(name="Pro", default_price_data={"currency": "usd", "unit_amount": 900})
    price = client.prices.retrieve(product.default_price)
    assert price.unit_amount == 900 and price.product == product.id


def test_a_price_names_exactly_one_of_product_and_product_data(client: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.prices.create(currency="usd", unit_amount=500)
    assert caught.value.param == "product"


def test_a_price_for_an_unknown_product_is_404_naming_product(client: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.prices.create(product="prod_missing", currency="usd", unit_amount=500)
    assert (caught.value.http_status, caught.value.code, caught.value.param) == (
        404,
        "resource_missing",
        "product",
    )


def test_a_product_with_prices_cannot_be_deleted(client: Any) -> None:
    product = client.products.create(name="Pro")
    client.prices.create(product=product.id, currency="usd", unit_amount=500)
    with pytest.raises(InvalidRequestError):
        client.products.delete(product.id)
    assert client.products.update(product.id, active=False).active is False


def test_a_lookup_key_is_unique_unless_transferred(client: Any) -> None:
    product = client.products.create(name="Pro")
    first = client.prices.create(product=product.id, currency="usd", unit_amount=500, lookup_key="pro")
    with pytest.raises(InvalidRequestError) as caught:
        client.prices.create(product=product.id, currency="usd", unit_amount=600, lookup_key="pro")
    assert caught.value.param == "lookup_key"
    second = client.prices.create(
        product=product.id, currency="usd", unit_amount=600, lookup_key="pro", transfer_lookup_key=True
    )
    assert client.prices.retrieve(first.id).lookup_key is None
    assert [p.id for p in client.prices.list(lookup_keys=["pro"]).data] == [second.id]


def test_a_product_takes_the_callers_id_once(client: Any) -> None:
    assert client.products.create(id="gold", name="Gold").id == "gold"
    with pytest.raises(InvalidRequestError) as caught:
        client.products.create(id="gold", name="Gold again")
    assert caught.value.code == "resource_already_exists"


def test_a_coupon_needs_percent_off_or_amount_off(fake: FakeStripe, client: Any) -> None:
    with pytest.raises(InvalidRequestError):
        client.coupons.create(duration="once")
    assert client.coupons.create(duration="once", percent_off=10).valid is True
