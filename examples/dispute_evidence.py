"""Dispute evidence: upload a file, attach it with the written evidence, submit.

Run: python examples/dispute_evidence.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

from collections.abc import Sequence

from _harness import Run, say


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    # A payment that gets disputed (Stripe's test card pm_card_createDispute does this for real).
    intent = client.payment_intents.create(
        amount=4200, currency="usd", payment_method="pm_card_createDispute", confirm=True
    )
    if run.fake is not None:
        run.fake.seed("dispute", {"payment_intent": intent.id, "amount": 4200, "currency": "usd"})
    dispute = client.disputes.list(payment_intent=intent.id, limit=1).data[0]
    say(f"dispute {dispute.id} on {intent.id}: {dispute.status}")
    receipt = client.files.create(file=("receipt.pdf", b"%PDF-1.4 receipt"), purpose="dispute_evidence")
    say(f"uploaded {receipt.id} ({receipt.purpose})")
    updated = client.disputes.update(
        dispute.id,
        evidence={
            "receipt": receipt.id,
            "customer_email_address": "jo@example.com",
            "uncategorized_text": "Delivered 2024-03-02, signed for.",
        },
        submit=True,
    )
    say(f"evidence attached and submitted: receipt={updated.evidence.receipt}")
    run.confirm("charge.dispute.updated", updated)
    say("the outcome arrives later as charge.dispute.closed (won or lost)")


if __name__ == "__main__":
    main()
