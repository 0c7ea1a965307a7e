"""Objects the fake builds follow the spec: every required field present and of its type."""

from __future__ import annotations

from typing import Any

from lattice_stripe._runtime.testing.objects import Builder, Ids, object_kind
from lattice_stripe._runtime.testing.schema import component, deref, schema_of_object
from lattice_stripe.testing import FakeStripe

_TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}


def problems(schema: dict[str, Any], value: Any, where: str) -> list[str]:
    """Where ``value`` breaks the response schema (required keys, types, enums)."""
    schema = deref(schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null"]
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            if not problems(branch, value, where):
                return []
        return [f"{where}: fits no branch of the union"]
    typ = schema.get("type")
    if (typ and not isinstance(value, _TYPES[typ])) or (
        typ in ("integer", "number") and isinstance(value, bool)
    ):
        return [f"{where}: {type(value).__name__} is not {typ}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in enum"]
    found: list[str] = []
    if isinstance(value, dict) and "properties" in schema:
        for key in schema.get("required", ()):
            if key not in value:
                found.append(f"{where}.{key}: missing")
        for key, sub in value.items():
            if key in schema["properties"]:
                found += problems(schema["properties"][key], sub, f"{where}.{key}")
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += problems(schema.get("items", {}), item, f"{where}[{i}]")
    return found


def test_every_object_type_is_built_complete_and_well_typed() -> None:
    builder = Builder(Ids())
    kinds = schema_of_object()
    assert len(kinds) > 100
    for kind, name in sorted(kinds.items()):
        obj = builder.build(name)
        assert problems(component(name), obj, kind) == [], kind
        assert obj["object"] == kind
        if "id" in component(name).get("properties", {}):
            assert isinstance(obj["id"], str) and obj["id"]


def test_ids_carry_stripe_prefixes() -> None:
    fake = FakeStripe()
    with fake.stripe_client() as client:
        assert client.customers.create().id.startswith("cus_")
        assert client.payment_intents.create(amount=100, currency="usd").id.startswith("pi_")
        price = client.prices.create(
            currency="usd", unit_amount=100, recurring={"interval": "month"}, product_data={"name": "P"}
        )
        customer = client.customers.create().id
        assert client.subscriptions.create(customer=customer, items=[{"price": price.id}]).id.startswith(
            "sub_"
        )
        assert client.checkout.sessions.create(success_url="https://x.test", mode="setup").id.startswith(
            "cs_test_"
        )
    assert object_kind("checkout.session") == "checkout.session"


def test_parameters_are_echoed_where_a_field_takes_them() -> None:
    fake = FakeStripe()
    acct = fake.seed("account", {"id": "acct_1"})["id"]
    with fake.stripe_client() as client:
        intent = client.payment_intents.create(
            amount=1999, currency="eur", metadata={"order": "42"}, description="Order 42",
            transfer_data={"destination": acct}, capture_method="manual",
        )  # fmt: skip
        assert (intent.amount, intent.currency, intent.description) == (1999, "eur", "Order 42")
        assert intent.metadata == {"order": "42"} and intent.capture_method == "manual"
        assert intent.transfer_data.destination == "acct_1"
        updated = client.payment_intents.update(intent.id, metadata={"order": "", "note": "gift"})
        assert updated.metadata == {"note": "gift"}  # "" deletes a key, as Stripe does
        assert problems({"$ref": "payment_intent"}, fake.get(intent.id), "payment_intent") == []
