"""Disputes, credit notes, quotes and subscription schedules; and the operations the fake
refuses as not modelled (money movement it does not follow: treasury, issuing, tax
calculations, top-ups, ...). Billing meters live in ``usage``."""

from __future__ import annotations

from typing import Any

from ..refusals import not_modelled, refuse, unexpected_state
from ..schema import operations
from ..state import fill
from .billing import clock_now, finalize, new_invoice, new_line, refresh_lines
from .registry import Call, behaviour
from .subscriptions import add_interval, end, interval_of
from .subscriptions import create as create_subscription

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"

# -- disputes -------------------------------------------------------------------------------

_OPEN_DISPUTE = ("needs_response", "warning_needs_response")


def _dispute(call: Call) -> dict[str, Any]:
    if call.path.startswith("charges."):
        charge = call.find(call.ids[0], "charge")
        found = call.state.find_all("dispute", charge=charge["id"])
        if not found:
            raise refuse(f"Charge {charge['id']} has no dispute.", code="resource_missing", status=404)
        return found[-1]
    return call.target("dispute")


@behaviour("disputes.update", "charges.dispute.update")
def update_dispute(call: Call) -> dict[str, Any]:
    dispute = _dispute(call)
    if dispute["status"] not in _OPEN_DISPUTE and set(call.params) - {"metadata", "expand"}:
        raise unexpected_state(dispute, "updated", _OPEN_DISPUTE)
    p = call.params
    changes: dict[str, Any] = {}
    if "evidence" in p:
        changes["evidence"] = {**(dispute.get("evidence") or {}), **p["evidence"]}
        details = dict(dispute.get("evidence_details") or {})
        details["has_evidence"] = True
        changes["evidence_details"] = details
    if "metadata" in p:
        changes["metadata"] = {
            k: v for k, v in {**dispute.get("metadata", {}), **p["metadata"]}.items() if v != ""
        }
    if p.get("submit"):
        details = dict(changes.get("evidence_details") or dispute.get("evidence_details") or {})
        details["submission_count"] = int(details.get("submission_count") or 0) + 1
        changes["evidence_details"] = details
        changes["status"] = (
            "warning_under_review" if dispute["status"].startswith("warning") else "under_review"
        )
    call.state.change(dispute, changes, "charge.dispute.updated")
    return dispute


@behaviour("disputes.close", "charges.dispute.close")
def close_dispute(call: Call) -> dict[str, Any]:
    dispute = _dispute(call)
    if dispute["status"] not in _OPEN_DISPUTE:
        raise unexpected_state(dispute, "closed", _OPEN_DISPUTE)
    status = "warning_closed" if dispute["status"].startswith("warning") else "lost"
    call.state.change(dispute, {"status": status}, "charge.dispute.closed")
    return dispute


# -- credit notes ---------------------------------------------------------------------------


def _credit(call: Call, issue: bool) -> dict[str, Any]:
    p = call.params
    state = call.state
    invoice = call.find(p["invoice"], "invoice", param="invoice")
    if invoice["status"] not in ("open", "paid"):
        raise refuse(
            "Credit notes can only be issued for open or paid invoices; "
            f"{invoice['id']} is {invoice['status']}.",
            code="invoice_not_editable" if invoice["status"] == "draft" else "parameter_invalid",
            param="invoice",
        )
    if "lines" in p:
        amount = 0
        for line in p["lines"]:
            if line.get("type") == "invoice_line_item":
                held = state.objects.get(line.get("invoice_line_item") or "")
                amount += int(line.get("amount") or (held.obj.get("amount") if held else 0) or 0)
            else:
                amount += int(
                    line.get("amount") or int(line.get("unit_amount") or 0) * int(line.get("quantity") or 1)
                )
    else:
        amount = int(p.get("amount", 0))
    paid = invoice["status"] == "paid"
    ceiling = int(invoice.get("amount_paid") or 0) if paid else int(invoice.get("amount_remaining") or 0)
    credited = sum(
        int(n["amount"])
        for n in state.find_all("credit_note", invoice=invoice["id"])
        if n.get("status") == "issued"
    )
    if amount <= 0 or amount + (credited if paid else 0) > ceiling:
        raise refuse(
            f"The credit note amount ({amount}) must be positive and at most what is left on the "
            f"invoice ({ceiling}).",
            code="parameter_invalid",
            param="amount",
        )
    split = {k: int(p.get(k, 0)) for k in ("credit_amount", "refund_amount", "out_of_band_amount")}
    if paid and sum(split.values()) and sum(split.values()) != amount:
        raise refuse(
            "The sum of credit_amount, refund_amount and out_of_band_amount must equal the credit "
            "note amount.",
            code="parameter_invalid",
            param="amount",
        )
    if split["refund_amount"] or p.get("refund") or p.get("refunds"):
        raise not_modelled("credit notes that refund a payment")
    if paid and not sum(split.values()):
        split["credit_amount"] = amount
    count = len(state.find_all("credit_note", invoice=invoice["id"])) + 1
    fields = {
        "amount": amount,
        "subtotal": amount,
        "total": amount,
        "currency": invoice["currency"],
        "customer": invoice["customer"],
        "invoice": invoice["id"],
        "status": "issued",
        "type": "post_payment" if paid else "pre_payment",
        "reason": p.get("reason"),
        "memo": p.get("memo"),
        "number": f"{invoice.get('number')}-CN-{count:02d}",
        "out_of_band_amount": split["out_of_band_amount"] or None,
        "created": clock_now(state, invoice["customer"]),
        "pdf": f"https://pay.stripe.com/credit_notes/acct_fake/test_{state.ids.pick(_ALNUM, 24)}/pdf",
    }
    if not issue:
        note = state.build.build("credit_note")
        fill("credit_note", note, fields)
        return note
    note = state.new("credit_note", fields, params={k: v for k, v in p.items() if k in ("metadata",)})
    if not paid:
        state.change(invoice, {"amount_remaining": int(invoice["amount_remaining"]) - amount}, None)
        fill(
            "invoice",
            invoice,
            {
                "pre_payment_credit_notes_amount": int(invoice.get("pre_payment_credit_notes_amount") or 0)
                + amount
            },
        )
    else:
        fill(
            "invoice",
            invoice,
            {
                "post_payment_credit_notes_amount": int(invoice.get("post_payment_credit_notes_amount") or 0)
                + amount
            },
        )
    if split["credit_amount"]:
        customer = state.objects[invoice["customer"]].obj
        state.change(customer, {"balance": int(customer.get("balance") or 0) - split["credit_amount"]})
    return note


@behaviour("credit_notes.create")
def create_credit_note(call: Call) -> dict[str, Any]:
    return _credit(call, issue=True)


@behaviour("credit_notes.preview")
def preview_credit_note(call: Call) -> dict[str, Any]:
    return _credit(call, issue=False)


@behaviour("credit_notes.void")
def void_credit_note(call: Call) -> dict[str, Any]:
    note = call.target("credit_note")
    if note["status"] != "issued":
        raise unexpected_state(note, "voided", ["issued"])
    invoice = call.find(note["invoice"], "invoice", param=None)
    if note.get("type") == "pre_payment" and invoice["status"] == "open":
        fill("invoice", invoice, {"amount_remaining": int(invoice["amount_remaining"]) + int(note["amount"])})
    call.state.change(note, {"status": "void", "voided_at": call.state.now()}, "credit_note.voided")
    return note


@behaviour("credit_notes.preview_lines", "credit_notes.preview_lines.list")
def preview_lines(call: Call) -> dict[str, Any]:
    raise not_modelled("credit note preview lines")


# -- quotes ---------------------------------------------------------------------------------


@behaviour("quotes.create")
def create_quote(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    if p.get("from_quote"):
        raise not_modelled("quotes.create from_quote")
    customer = call.find(p["customer"], "customer", param="customer") if p.get("customer") else None
    lines = []
    for i, item in enumerate(p.get("line_items") or []):
        if not item.get("price"):
            raise not_modelled("quote line items with price_data")
        price = call.find(item["price"], "price", param=f"line_items[{i}][price]")
        lines.append((price, int(item.get("quantity", 1))))
    total = sum(int(pr.get("unit_amount") or 0) * q for pr, q in lines)
    now = clock_now(state, customer["id"]) if customer else state.now()
    quote = state.new(
        "quote",
        {
            "status": "draft",
            "customer": customer["id"] if customer else None,
            "amount_subtotal": total,
            "amount_total": total,
            "currency": lines[0][0]["currency"] if lines else "usd",
            "expires_at": now + 30 * 86400,
            "number": None,
            "invoice": None,
            "subscription": None,
            "collection_method": p.get("collection_method", "charge_automatically"),
        },
        params={k: v for k, v in p.items() if k not in ("line_items", "customer")},
    )
    for price, quantity in lines:
        item = state.build.build("item")
        fill(
            "item",
            item,
            {
                "price": price,
                "quantity": quantity,
                "currency": price["currency"],
                "amount_subtotal": int(price.get("unit_amount") or 0) * quantity,
                "amount_total": int(price.get("unit_amount") or 0) * quantity,
            },
        )
        state.put("item", item, parent=quote["id"])
    return quote


@behaviour("quotes.update")
def update_quote(call: Call) -> dict[str, Any]:
    quote = call.target("quote")
    if quote["status"] != "draft" and set(call.params) - {
        "metadata",
        "expand",
        "description",
        "footer",
        "header",
    }:
        raise unexpected_state(quote, "updated", ["draft"])
    if "line_items" in call.params:
        raise not_modelled("changing a quote's line items")
    return call.generic()


@behaviour("quotes.finalize")
def finalize_quote(call: Call) -> dict[str, Any]:
    quote = call.target("quote")
    if quote["status"] != "draft":
        raise unexpected_state(quote, "finalized", ["draft"])
    if not quote.get("customer"):
        raise refuse(
            "A quote needs a customer before it can be finalized.", code="parameter_missing", param="customer"
        )
    number = f"QT-{call.state.ids.pick('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 8)}-0001"
    call.state.change(quote, {"status": "open", "number": number}, "quote.finalized")
    return quote


@behaviour("quotes.accept")
def accept_quote(call: Call) -> dict[str, Any]:
    """Accepting makes the quote's invoice (one-time prices) or subscription (recurring)."""
    quote = call.target("quote")
    state = call.state
    if quote["status"] != "open":
        raise unexpected_state(quote, "accepted", ["open"])
    items = [h.obj for h in list(state.objects.values()) if h.schema == "item" and h.parent == quote["id"]]
    recurring = [i for i in items if i["price"].get("type") == "recurring"]
    changes: dict[str, Any] = {"status": "accepted"}
    if recurring:
        params = {
            "customer": quote["customer"],
            "items": [{"price": i["price"]["id"], "quantity": i["quantity"]} for i in recurring],
            "payment_behavior": "default_incomplete",
        }
        sub = create_subscription(Call(state, operations()["subscriptions.create"], [], params, dict))
        changes.update(subscription=sub["id"], invoice=sub.get("latest_invoice"))
    else:
        customer = state.objects[quote["customer"]].obj
        invoice = new_invoice(
            state,
            customer,
            {
                "currency": quote["currency"],
                "billing_reason": "quote_accept",
                "auto_advance": False,
                "quote": quote["id"],
            },
        )
        for item in items:
            new_line(
                state,
                invoice,
                {
                    "type": "invoiceitem",
                    "amount": item["amount_total"],
                    "currency": item["currency"],
                    "price": item["price"],
                    "quantity": item["quantity"],
                },
            )
        refresh_lines(state, invoice)
        state.emit("invoice.created", invoice)
        finalize(state, invoice)
        changes["invoice"] = invoice["id"]
    state.change(quote, changes, "quote.accepted")
    return quote


@behaviour("quotes.cancel")
def cancel_quote(call: Call) -> dict[str, Any]:
    quote = call.target("quote")
    if quote["status"] not in ("draft", "open"):
        raise unexpected_state(quote, "canceled", ["draft", "open"])
    call.state.change(quote, {"status": "canceled"}, "quote.canceled")
    return quote


@behaviour("quotes.pdf")
def quote_pdf(call: Call) -> dict[str, Any]:
    quote = call.find(call.ids[0], "quote")
    if quote["status"] == "draft":
        raise refuse("The quote must be finalized before its PDF can be downloaded.")
    return quote


# -- subscription schedules -------------------------------------------------------------------


@behaviour("subscription_schedules.create")
def create_schedule(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    if p.get("from_subscription"):
        raise not_modelled("subscription schedules from an existing subscription")
    customer = call.find(p.get("customer"), "customer", param="customer")
    now = clock_now(state, customer["id"])
    start = now if p.get("start_date", "now") == "now" else int(p["start_date"])
    phases = []
    at = start
    for i, phase in enumerate(p.get("phases") or []):
        items = phase.get("items") or []
        if not items:
            raise refuse(
                f"Missing required param: phases[{i}][items].",
                code="parameter_missing",
                param=f"phases[{i}][items]",
            )
        prices = [
            call.find(it.get("price"), "price", param=f"phases[{i}][items][{j}][price]")
            for j, it in enumerate(items)
        ]
        interval, count = interval_of(prices[0])
        duration = phase.get("duration")  # 2025+: a phase lasts a duration, before: iterations
        if duration:
            end = add_interval(at, duration["interval"], int(duration.get("interval_count", 1)))
        else:
            end = phase.get("end_date") or add_interval(
                at, interval, count * int(phase.get("iterations") or 1)
            )
        phases.append(
            {
                "start_date": at,
                "end_date": int(end),
                "items": [
                    {
                        "price": it["price"],
                        "quantity": it.get("quantity", 1),
                        "metadata": {},
                        "tax_rates": [],
                        "billing_thresholds": None,
                        "discounts": [],
                        "plan": it["price"],
                    }
                    for it in items
                ],
                "add_invoice_items": [],
                "application_fee_percent": None,
                "billing_cycle_anchor": None,
                "billing_thresholds": None,
                "collection_method": None,
                "coupon": None,
                "currency": prices[0]["currency"],
                "default_payment_method": None,
                "default_tax_rates": [],
                "description": None,
                "discounts": [],
                "invoice_settings": None,
                "metadata": phase.get("metadata") or {},
                "on_behalf_of": None,
                "proration_behavior": phase.get("proration_behavior", "create_prorations"),
                "transfer_data": None,
                "trial_end": phase.get("trial_end"),
            }
        )
        at = int(end)
    schedule = state.new(
        "subscription_schedule",
        {
            "customer": customer["id"],
            "status": "not_started" if start > now else "active",
            "phases": phases,
            "end_behavior": p.get("end_behavior", "release"),
            "current_phase": {"start_date": phases[0]["start_date"], "end_date": phases[0]["end_date"]}
            if phases and start <= now
            else None,
            "subscription": None,
            "test_clock": customer.get("test_clock"),
        },
        params={k: v for k, v in p.items() if k not in ("phases", "customer", "start_date")},
    )
    if start <= now and phases:
        first = phases[0]
        params = {
            "customer": customer["id"],
            "items": [{"price": it["price"], "quantity": it["quantity"]} for it in first["items"]],
        }
        sub = create_subscription(Call(state, operations()["subscriptions.create"], [], params, dict))
        fill("subscription", sub, {"schedule": schedule["id"]})
        state.change(schedule, {"subscription": sub["id"]}, None)
    return schedule


@behaviour("subscription_schedules.cancel")
def cancel_schedule(call: Call) -> dict[str, Any]:
    schedule = call.target("subscription_schedule")
    if schedule["status"] not in ("not_started", "active"):
        raise unexpected_state(schedule, "canceled", ["active", "not_started"])
    sub = call.maybe(schedule.get("subscription"))
    if sub is not None and sub["status"] not in ("canceled", "incomplete_expired"):
        end(call.state, sub)
    call.state.change(
        schedule, {"status": "canceled", "canceled_at": call.state.now()}, "subscription_schedule.canceled"
    )
    return schedule


@behaviour("subscription_schedules.release")
def release_schedule(call: Call) -> dict[str, Any]:
    schedule = call.target("subscription_schedule")
    if schedule["status"] not in ("not_started", "active"):
        raise unexpected_state(schedule, "released", ["active", "not_started"])
    sub = call.maybe(schedule.get("subscription"))
    if sub is not None:
        fill("subscription", sub, {"schedule": None})
    call.state.change(
        schedule,
        {
            "status": "released",
            "released_at": call.state.now(),
            "released_subscription": schedule.get("subscription"),
        },
        "subscription_schedule.released",
    )
    return schedule


@behaviour("subscription_schedules.update")
def update_schedule(call: Call) -> dict[str, Any]:
    schedule = call.target("subscription_schedule")
    if schedule["status"] not in ("not_started", "active"):
        raise unexpected_state(schedule, "updated", ["active", "not_started"])
    if "phases" in call.params:
        raise not_modelled("changing a subscription schedule's phases")
    return call.generic()


# -- refused as not modelled -----------------------------------------------------------------

NOT_MODELLED = (
    "application_fees.refund",
    "application_fees.refunds.create",
    "customers.funding_instructions.create",
    "customers.sources.verify",
    "customers.bank_accounts.verify",
    "sources.verify",
    "test_helpers.customers.fund_cash_balance",
    "test_helpers.refunds.expire",
    "subscription_items.usage_records.create",
    "topups.create",
    "tax.calculations.create",
    "tax.transactions.create_from_calculation",
    "tax.transactions.create_reversal",
    "climate.orders.create",
    "treasury.outbound_payments.create",
    "treasury.outbound_transfers.create",
    "treasury.inbound_transfers.create",
    "issuing.authorizations.approve",
    "issuing.authorizations.decline",
    "test_helpers.issuing.authorizations.create",
    "test_helpers.issuing.transactions.create_force_capture",
    "test_helpers.issuing.transactions.create_unlinked_refund",
    "test_helpers.treasury.received_credits.create",
    "test_helpers.treasury.received_debits.create",
    "test_helpers.terminal.readers.present_payment_method",
    "terminal.readers.process_payment_intent",
    "terminal.readers.process_setup_intent",
    "terminal.readers.refund_payment",
)


@behaviour(*NOT_MODELLED)
def refused(call: Call) -> dict[str, Any]:
    for object_id in call.ids:
        call.find(object_id)  # an unknown id is still a 404 first
    raise not_modelled(call.path)
