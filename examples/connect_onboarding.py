"""Connect onboarding: an Express account, its onboarding link, a destination charge with a
platform fee, the Express dashboard login link, capability checks, and rejecting an account.

Run: python examples/connect_onboarding.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

from collections.abc import Sequence

from _harness import Run, say


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    account = client.accounts.create(
        type="express",
        country="US",
        email="seller@example.com",
        capabilities={"card_payments": {"requested": True}, "transfers": {"requested": True}},
    )
    say(f"express account {account.id}")
    link = client.account_links.create(
        account=account.id,
        type="account_onboarding",
        refresh_url="https://example.com/reauth",
        return_url="https://example.com/return",
    )
    say(f"onboarding link (a bearer URL, shown masked): {link!r:.60}")
    if run.fake is not None:  # onboarding happens in the browser: on the fake, say how it ended
        for name in ("card_payments", "transfers"):
            run.fake.seed(
                "capability", {"id": name, "account": account.id, "status": "active"}, parent=account.id
            )
    run.confirm("account.updated", account)  # capabilities become active here, not on create
    for cap in client.accounts.capabilities.list(account.id).data:
        say(f"  capability {cap.id}: {cap.typed_status.value} (active={cap.is_active})")
    intent = client.payment_intents.create(
        amount=10000,
        currency="usd",
        application_fee_amount=1230,
        transfer_data={"destination": account.id},
        on_behalf_of=account.id,
        transfer_group="order_42",
    )
    destination = intent.transfer_data.destination if intent.transfer_data else None
    fee = intent.application_fee_amount
    say(f"destination charge {intent.id}: {intent.amount} to {destination}, fee {fee}")
    run.confirm("payment_intent.succeeded", intent)
    login = client.accounts.login_links.create(account.id)
    say(f"login link created {login.created} (the URL is a credential: never log it)")
    suspicious = client.accounts.create(
        type="custom", country="US", capabilities={"transfers": {"requested": True}}
    )
    rejected = client.accounts.reject(suspicious.id, reason="fraud")
    say(f"rejected {rejected.id}")


if __name__ == "__main__":
    main()
