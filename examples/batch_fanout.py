"""Batch fan-out: refund many charges at once; one failure never cancels the others.

Run: python examples/batch_fanout.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

from collections.abc import Sequence

from _harness import Run, say


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    charges = [client.charges.create(amount=1000 + i, currency="usd", source="tok_visa").id for i in range(5)]
    if run.fake is not None:  # make one of them fail, as an already-refunded charge would
        run.fake.fail_next(
            "refunds.create",
            status=400,
            code="charge_already_refunded",
            message="Charge has already been refunded.",
            param="charge",
        )
    outcomes = client.batch(
        [lambda c=c: client.refunds.create(charge=c, idempotency_key=f"refund-{c}") for c in charges]
    )
    for charge, outcome in zip(charges, outcomes, strict=True):
        if outcome.ok:
            say(f"  {charge}: refunded as {outcome.value.id}")
        else:
            say(f"  {charge}: failed ({outcome.error.code}), the others went on")
    say(f"{sum(o.ok for o in outcomes)} of {len(outcomes)} refunded; charge.refunded webhooks confirm each")


if __name__ == "__main__":
    main()
