"""Typed events: every fixture object round-trips; unknown types and objects are kept."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lattice_stripe import StripeClient, UnknownObject, WebhookEvent, construct_event, models
from lattice_stripe._runtime.objects.shapes import resolve
from tests.webhooks.helpers import SECRET, charge_event, event_dict, signed


def test_every_fixture_object_round_trips_through_a_signed_event(fixtures3: dict[str, Any]) -> None:
    assert len(fixtures3) > 100
    for name, obj in sorted(fixtures3.items()):
        event = event_dict(copy.deepcopy(obj), f"{obj['object']}.updated")
        event["data"]["previous_attributes"] = {"metadata": {"old": "value"}}
        payload, header = signed(event)

        parsed = construct_event(payload, header, SECRET)

        table = models.DELETED_OBJECT_CLASSES if obj.get("deleted") is True else models.OBJECT_CLASSES
        if obj["object"] in table:
            assert type(parsed.data.object) is resolve(table[obj["object"]]), name
        else:  # a preview feature's object, which the public spec lacks: kept whole
            assert type(parsed.data.object) is UnknownObject, name
        assert parsed.data.object.to_dict() == obj, name
        assert parsed.data.previous_attributes == {"metadata": {"old": "value"}}, name
        assert parsed.to_dict() == json.loads(payload), name


def test_typed_fields_and_nested_models() -> None:
    payload, header = signed(charge_event())
    event = construct_event(payload, header, SECRET)
    charge = event.data.object
    assert isinstance(charge, models.Charge)
    assert (charge.id, charge.amount, charge["currency"]) == ("ch_123", 2000, "usd")
    assert event.request is not None and event.request.id == "req_123"
    assert event.type == "charge.succeeded" and event.known_type
    assert isinstance(event, WebhookEvent) and event.id.startswith("evt_")


def test_unknown_object_type_is_kept_as_data() -> None:
    obj = {"id": "zz_1", "object": "brand_new_thing", "amount": 5, "nested": {"a": [1, 2]}}
    payload, header = signed(event_dict(obj, "brand_new_thing.created"))
    event = construct_event(payload, header, SECRET)
    assert isinstance(event.data.object, UnknownObject)
    assert event.data.object.object == "brand_new_thing"
    assert event.data.object["nested"] == {"a": [1, 2]} and event.data.object.amount == 5
    assert event.data.object.to_dict() == obj
    assert event.type == "brand_new_thing.created" and not event.known_type


@pytest.mark.parametrize("obj", [{"id": "x"}, {"object": None}, {"object": 5}, {"object": ["list"]}, {}])
def test_object_without_usable_type_never_fails(obj: dict[str, Any]) -> None:
    payload, header = signed(event_dict(obj))
    event = construct_event(payload, header, SECRET)
    assert isinstance(event.data.object, UnknownObject)
    assert event.data.object.to_dict() == obj


def test_unknown_event_fields_and_forward_compatible_values() -> None:
    event = charge_event("charge.teleported")
    event["context"] = "acct_1"
    event["data"]["object"]["status"] = "a_status_from_the_future"
    event["data"]["object"]["new_field"] = {"x": 1}
    payload, header = signed(event)
    parsed = construct_event(payload, header, SECRET)
    assert parsed["context"] == "acct_1"
    assert parsed.data.object["new_field"] == {"x": 1}
    assert getattr(parsed.data.object, "status") == "a_status_from_the_future"  # noqa: B009
    assert parsed.to_dict() == event


def test_deleted_object_is_typed_as_deleted_variant() -> None:
    obj = {"id": "cus_1", "object": "customer", "deleted": True}
    payload, header = signed(event_dict(obj, "customer.deleted"))
    assert isinstance(construct_event(payload, header, SECRET).data.object, models.DeletedCustomer)


def test_client_construct_event() -> None:
    payload, header = signed(charge_event())
    with StripeClient("sk_test_123456789012345678") as client:
        event = client.construct_event(payload, header, SECRET)
    assert isinstance(event.data.object, models.Charge)
