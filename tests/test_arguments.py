"""Wrong arguments fail before any HTTP, naming the parameter and what was expected."""

from __future__ import annotations

import io
from typing import Any

import pytest

from lattice_stripe import InvalidArgumentError, StripeClient
from lattice_stripe.models import Customer
from tests.stripe_server import Reply, StripeServer


@pytest.mark.parametrize(
    ("call", "kwargs", "message"),
    [
        (
            "customers.retrieve",
            {"expand": "default_source"},
            r"customers\.retrieve: expand must be a list, got str",
        ),
        ("customers.create", {"email": 5}, r"customers\.create: email must be a string, got int"),
        ("customers.create", {"metadata": ["a"]}, r"metadata must be a dict or a string, got list"),
        (
            "customers.create",
            {"next_invoice_sequence": True},
            r"next_invoice_sequence must be an integer, got bool",
        ),
        ("customers.create", {"tax_exempt": object()}, r"tax_exempt must be a string, got object"),
        ("invoices.pay", {"paid_out_of_band": "yes"}, r"paid_out_of_band must be a bool, got str"),
    ],
)
def test_wrong_kind_is_refused_before_http(
    client: StripeClient, server: StripeServer, call: str, kwargs: dict[str, Any], message: str
) -> None:
    target: Any = client
    for part in call.split("."):
        target = getattr(target, part)
    args = ("in_1",) if call == "invoices.pay" else ("cus_1",) if call == "customers.retrieve" else ()
    with pytest.raises(InvalidArgumentError, match=message) as info:
        target(*args, **kwargs)
    assert info.value.param == next(iter(kwargs))
    assert server.requests == []


def test_a_model_where_an_id_belongs_is_refused(client: StripeClient, server: StripeServer) -> None:
    customer = Customer.from_dict({"id": "cus_1", "object": "customer"})
    with pytest.raises(InvalidArgumentError, match="customer must be a string, got Customer"):
        client.payment_intents.create(amount=100, currency="usd", customer=customer)  # type: ignore[arg-type]
    assert server.requests == []


def test_right_kinds_pass(client: StripeClient, server: StripeServer) -> None:
    server.reply(
        Reply(json={"id": "sub_1", "object": "subscription"}), Reply(json={"id": "file_1", "object": "file"})
    )
    client.subscriptions.create(
        customer="cus_1", items=({"price": "p"},), application_fee_percent=5, proration_behavior="none"
    )
    assert ("application_fee_percent", "5") in server.requests[0].form
    client.files.create(file=io.BytesIO(b"data"), purpose="dispute_evidence")
    assert len(server.requests) == 2


def test_unknown_keyword_names_the_call(client: StripeClient, server: StripeServer) -> None:
    with pytest.raises(
        InvalidArgumentError, match=r"customers\.create: unexpected keyword argument\(s\) emial"
    ):
        client.customers.create(emial="jo@example.com")  # type: ignore[call-arg]
    assert server.requests == []


def test_a_wrong_shape_around_an_amount_is_named_not_a_crash(
    client: StripeClient, server: StripeServer
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"prices\.create: unit_amount=9\.99 \(float\)"):
        client.prices.create(currency="usd", unit_amount=9.99, tiers=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"prices\.create: tiers must be a list, got int"):
        client.prices.create(currency="usd", unit_amount=999, tiers=5)  # type: ignore[arg-type]
    assert server.requests == []


def test_decimal_strings_take_a_decimal(client: StripeClient, server: StripeServer) -> None:
    from decimal import Decimal

    server.reply(Reply(json={"id": "price_1", "object": "price"}))
    client.prices.create(currency="usd", unit_amount_decimal=Decimal("1E+2"), product="prod_1")
    assert ("unit_amount_decimal", "100") in server.last.form
    with pytest.raises(
        InvalidArgumentError,
        match="unit_amount_decimal must be a decimal string, an int or a Decimal, got float",
    ):
        client.prices.create(currency="usd", unit_amount_decimal=1.5, product="prod_1")  # type: ignore[arg-type]
