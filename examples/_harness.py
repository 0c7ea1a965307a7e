"""What every example shares: a client for the fake (default) or for ``--base-url``, and the
webhook that confirms what a response only says was accepted."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from lattice_stripe import StripeClient, WebhookRouter
from lattice_stripe.testing import FakeStripe


class Run:
    """A client plus, when running against the fake, the fake itself."""

    def __init__(self, argv: Sequence[str] | None, description: str) -> None:
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument(
            "--base-url", help="a Stripe-compatible server (stripe-mock, or https://api.stripe.com)"
        )
        parser.add_argument("--api-key", default=os.environ.get("STRIPE_API_KEY", "sk_test_123"))
        args = parser.parse_args(argv)
        self.fake = None if args.base_url else FakeStripe()
        if self.fake is not None:
            self.client = self.fake.stripe_client(args.api_key)
        else:
            self.client = StripeClient(args.api_key, base_url=args.base_url, files_base_url=args.base_url)
        self.router = WebhookRouter(FakeStripe.webhook_secret)  # add handlers with run.router.on(...)

    def confirm(self, event_type: str, obj: Any, **previous: Any) -> None:
        """Where the truth arrives: on the fake, deliver the signed event now; elsewhere, say
        which webhook to wait for before acting."""
        if self.fake is None:
            say(f"  -> act when the {event_type} webhook arrives for {obj.id}, not on this response")
            return
        delivery = self.fake.event(event_type, obj, previous_attributes=previous or None)
        answer = self.router.handle(delivery.payload, delivery.header)
        say(f"  webhook {event_type} for {obj.id}: signature verified, router answered {answer.status}")


def say(text: str) -> None:
    print(text)
