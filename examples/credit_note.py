"""Credit note: preview the amounts, then issue it against a paid invoice.

Run: python examples/credit_note.py [--base-url URL --api-key sk_test_...]
"""

from __future__ import annotations

from collections.abc import Sequence

from _harness import Run, say


def main(argv: Sequence[str] | None = None) -> None:
    run = Run(argv, __doc__)
    client = run.client
    customer = client.customers.create(email="jo@example.com")
    client.invoiceitems.create(customer=customer.id, amount=5000, currency="usd", description="Annual plan")
    invoice = client.invoices.create(
        customer=customer.id, auto_advance=False, pending_invoice_items_behavior="include"
    )
    invoice = client.invoices.finalize(invoice.id)
    say(f"invoice {invoice.id}: {invoice.status}")
    preview = client.credit_notes.preview(invoice=invoice.id, amount=1500, reason="order_change")
    say(f"preview: would credit {preview.amount} {preview.currency}, nothing issued yet")
    note = client.credit_notes.create(
        invoice=invoice.id, amount=1500, reason="order_change", memo="Downgrade"
    )
    say(f"credit note {note.id}: {note.amount} ({note.reason}), status {note.status}")
    run.confirm("credit_note.created", note)


if __name__ == "__main__":
    main()
