"""Webhook handling: a signed delivery verified from the raw bytes and dispatched by type.

Run: python examples/webhook_handling.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from _harness import Run, say

from lattice_stripe import WebhookEvent, WebhookRouter, generate_test_header
from lattice_stripe.models import PaymentIntent


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    secret = "whsec_example"  # noqa: S105 - a test signing secret
    hooks = WebhookRouter(secret)
    handled: list[str] = []

    @hooks.on("payment_intent.succeeded")
    def succeeded(event: WebhookEvent) -> None:
        intent = event.data.object
        assert isinstance(intent, PaymentIntent)
        handled.append(event.id)
        say(f"  fulfil order for {intent.id} ({intent.amount} {intent.currency}), event {event.id}")

    @hooks.on("payment_intent.*")
    def other(event: WebhookEvent) -> None:
        say(f"  {event.type}: recorded")

    intent = client.payment_intents.create(amount=2500, currency="usd")
    say(f"payment intent {intent.id}: {intent.status} (accepted, not yet true)")
    if run.fake is not None:
        delivery = run.fake.event("payment_intent.succeeded", intent, secret=secret)
        payload, header = delivery.payload, delivery.header
    else:  # sign a delivery locally, as Stripe would send it for this object
        event = {
            "id": "evt_local",
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": 0,
            "livemode": False,
            "pending_webhooks": 1,
            "data": {"object": intent.to_dict()},
        }
        payload = json.dumps(event).encode()
        header = generate_test_header(payload, secret)
    answer = hooks.handle(payload, header)
    say(f"router answered {answer.status}")
    tampered = hooks.handle(payload.replace(b"usd", b"eur"), header)
    say(f"a tampered body answers {tampered.status}: never trust an unverified payload")


if __name__ == "__main__":
    main()
