from __future__ import annotations

import lattice_stripe
from lattice_stripe.models import Customer
from tests.stripe_server import Reply, StripeServer


def test_create_customer_over_the_wire(client, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "cus_1", "object": "customer", "email": "a@b.c", "new_field": 1}))
    customer = client.customers.create(email="a@b.c", metadata={"k": "v"}, expand=["default_source"])
    assert isinstance(customer, Customer)
    assert customer.id == "cus_1"
    assert customer["new_field"] == 1
    req = server.last
    assert req.method == "POST" and req.path == "/v1/customers"
    assert req.form == [("email", "a@b.c"), ("expand[]", "default_source"), ("metadata[k]", "v")]
    assert req.header("authorization") == "Bearer sk_test_123456789012345678"
    assert req.header("stripe-version") == lattice_stripe.API_VERSION
    assert req.header("idempotency-key")


def test_polymorphic_field_with_a_strange_object_tag_is_kept() -> None:
    from lattice_stripe._runtime.objects.shapes import OneOf

    structure = OneOf("BankAccount", "Card").structurer()
    odd = {"object": ["not", "a", "string"], "id": "x"}
    kept = structure(odd)
    assert kept.to_dict() == odd


def test_to_dict_keeps_values_set_after_parsing() -> None:
    customer = Customer.from_dict({"id": "cus_1", "object": "customer"})
    assert customer.to_dict() == {"id": "cus_1", "object": "customer"}
    customer.email = "a@b.c"
    assert customer.to_dict() == {"id": "cus_1", "object": "customer", "email": "a@b.c"}
