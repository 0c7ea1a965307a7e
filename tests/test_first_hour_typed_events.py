"""Typed ways to test an event's type and to read a card error's object."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lattice_stripe import CardError, StripeClient, construct_event, generate_test_header
from lattice_stripe._runtime.errors import error_from_response
from lattice_stripe.models import ApiErrors, PaymentIntent
from tests.stripe_server import Reply, StripeServer

SECRET = "whsec_test"


def _event(kind: str) -> Any:
    body = {
        "id": "evt_1",
        "object": "event",
        "created": 1,
        "livemode": False,
        "pending_webhooks": 0,
        "type": kind,
        "data": {"object": {"object": "payment_intent", "id": "pi_1"}},
    }
    payload = json.dumps(body).encode()
    return construct_event(payload, generate_test_header(payload, SECRET), SECRET)


def test_is_type_matches_any_of_the_types_given() -> None:
    event = _event("payment_intent.succeeded")
    assert event.is_type("payment_intent.succeeded")
    assert event.is_type("invoice.paid", "payment_intent.succeeded")
    assert not event.is_type("payment_intent.payment_failed")
    assert not event.is_type()


def test_is_type_on_a_type_newer_than_the_sdk() -> None:
    event = _event("payment_intent.brand_new")
    assert not event.known_type
    assert not event.is_type("payment_intent.succeeded")
    assert event.type == "payment_intent.brand_new"  # still readable as a string


def test_a_card_error_carries_the_typed_error_object(client: StripeClient, server: StripeServer) -> None:
    error = {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
        "payment_intent": {"object": "payment_intent", "id": "pi_1", "status": "requires_payment_method"},
        "future_field": 1,
    }
    server.reply(Reply(402, {"error": error}))
    with pytest.raises(CardError) as caught:
        client.payment_intents.confirm("pi_1")
    typed = caught.value.typed_error
    assert isinstance(typed, ApiErrors)
    assert (typed.code, typed.decline_code) == ("card_declined", "insufficient_funds")
    assert isinstance(typed.payment_intent, PaymentIntent) and typed.payment_intent.id == "pi_1"
    assert typed["future_field"] == 1 and typed.to_dict() == error
    assert caught.value.error == error  # the decoded dict is kept as it was


@pytest.mark.parametrize("body", [b"<html>bad gateway</html>", b"", b'{"error": "flat"}'])
def test_no_error_object_means_none(body: bytes) -> None:
    assert error_from_response(502, {}, body).typed_error is None
