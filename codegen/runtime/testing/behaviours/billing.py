"""Invoice items and invoices: pending items gathered into a draft, lines and totals,
numbering per customer, draft -> open -> paid / void / uncollectible with Stripe's refusals,
payment through the invoice's PaymentIntent, ``auto_advance`` finalizing an hour later."""

from __future__ import annotations

from typing import Any

from ..cards import card_of
from ..refusals import Refusal, not_modelled, refuse, unexpected_state
from ..state import State, declared, fill
from .payments import confirm
from .registry import Call, behaviour

FINAL = ("paid", "void")
# What a finalized invoice still lets you change.
_OPEN_FIELDS = frozenset(
    {"metadata", "description", "footer", "auto_advance", "custom_fields", "expand", "due_date"}
)


def subscription_of(invoice: dict[str, Any]) -> str | None:
    """The subscription an invoice bills (a field of its own, or of its ``parent``)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    found = invoice.get("subscription") or details.get("subscription")
    return str(found) if found else None


def clock_now(state: State, customer_id: Any) -> int:
    """Now for a customer: its test clock's frozen time, else the fake's clock."""
    held = state.objects.get(customer_id) if isinstance(customer_id, str) else None
    clock_id = held.obj.get("test_clock") if held else None
    clock = state.objects.get(clock_id) if isinstance(clock_id, str) else None
    return int(clock.obj["frozen_time"]) if clock else state.now()


# -- invoice items --------------------------------------------------------------------------


def item_amount(state: State, params: dict[str, Any]) -> tuple[int, str, dict[str, Any] | None, int]:
    """(amount, currency, price, quantity) of an invoice item's parameters."""
    quantity = int(params.get("quantity", 1))
    price: dict[str, Any] | None = None
    price_id = params.get("price") or (params.get("pricing") or {}).get("price")  # pricing: 2025+
    if price_id:
        price = state.objects[price_id].obj
    elif params.get("price_data"):
        data = params["price_data"]
        price = state.new(
            "price",
            {
                "product": data["product"],
                "currency": data["currency"],
                "unit_amount": data.get("unit_amount"),
                "unit_amount_decimal": str(data.get("unit_amount", "")),
                "type": "one_time",
                "active": False,  # an inline price is not reusable
            },
        )
    if price is not None:
        return int(price.get("unit_amount") or 0) * quantity, str(price["currency"]), price, quantity
    unit = params.get("unit_amount", params.get("unit_amount_decimal"))
    if unit is not None:
        return round(float(unit) * quantity), str(params["currency"]), None, quantity
    if "amount" in params:
        return int(params["amount"]), str(params.get("currency", "usd")), None, 1
    raise refuse("Missing required param: amount.", code="parameter_missing", param="amount")


@behaviour("invoiceitems.create")
def create_item(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    invoice = call.find(p["invoice"], "invoice", param="invoice") if p.get("invoice") else None
    if invoice is not None and invoice["status"] != "draft":
        raise _not_editable(invoice)
    amount, currency, price, quantity = item_amount(state, p)
    now = clock_now(state, p["customer"])
    item = state.new(
        "invoiceitem",
        {
            "amount": amount,
            "currency": currency,
            "customer": p["customer"],
            "date": now,
            "discountable": p.get("discountable", True),
            "invoice": None,
            "period": p.get("period") or {"start": now, "end": now},
            "price": price,
            "pricing": pricing(price, amount // quantity if quantity else amount),
            "proration": False,
            "quantity": quantity,
            "unit_amount": amount // quantity if quantity else amount,
            "unit_amount_decimal": str(amount // quantity if quantity else amount),
            "test_clock": (state.objects[p["customer"]].obj.get("test_clock")),
        },
        params={k: v for k, v in p.items() if k not in ("price", "pricing", "invoice")},
    )
    if invoice is not None:
        attach_items(state, invoice, [item])
    return item


def _item_editable(call: Call) -> dict[str, Any]:
    item = call.target("invoiceitem")
    invoice = call.maybe(item.get("invoice"))
    if invoice is not None and invoice["status"] != "draft":
        raise _not_editable(invoice)
    return item


@behaviour("invoiceitems.update")
def update_item(call: Call) -> dict[str, Any]:
    item = _item_editable(call)
    result = call.generic()
    if {"amount", "quantity", "unit_amount", "price"} & set(call.params):
        amount, _, price, quantity = item_amount(
            call.state, {"currency": item["currency"], "amount": item["amount"], **call.params}
        )
        call.state.change(
            item, {"amount": amount, "quantity": quantity, "price": price or item.get("price")}, None
        )
    invoice = call.maybe(item.get("invoice"))
    if invoice is not None:
        refresh_lines(call.state, invoice)
    return result


@behaviour("invoiceitems.delete")
def delete_item(call: Call) -> dict[str, Any]:
    item = _item_editable(call)
    invoice = call.maybe(item.get("invoice"))
    result = call.generic()
    if invoice is not None:
        refresh_lines(call.state, invoice)
    return result


# -- invoices -------------------------------------------------------------------------------


def _not_editable(invoice: dict[str, Any]) -> Refusal:
    return refuse(
        f"You can only modify draft invoices; invoice {invoice['id']} is {invoice['status']}.",
        code="invoice_not_editable",
    )


def pricing(price: dict[str, Any] | None, unit_amount: Any) -> dict[str, Any] | None:
    """How newer API versions name a line's price (``pricing.price_details``)."""
    if price is None:
        return None
    return {
        "type": "price_details",
        "price_details": {"price": price["id"], "product": price.get("product")},
        "unit_amount_decimal": str(unit_amount) if unit_amount is not None else None,
    }


def line_for_item(state: State, invoice: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    details = {
        "invoice_item": item["id"],
        "proration": item.get("proration", False),
        "proration_details": {"credited_items": None},
        "subscription": item.get("subscription"),
    }
    return {
        "pricing": pricing(item.get("price"), item.get("unit_amount")),
        "parent": {
            "type": "invoice_item_details",
            "invoice_item_details": details,
            "subscription_item_details": None,
        },
        "type": "invoiceitem",
        "invoice_item": item["id"],
        "amount": item["amount"],
        "currency": item["currency"],
        "description": item.get("description"),
        "period": item.get("period"),
        "price": item.get("price"),
        "quantity": item.get("quantity"),
        "proration": item.get("proration", False),
        "discountable": item.get("discountable", True),
        "subscription": item.get("subscription"),
        "metadata": item.get("metadata") or {},
    }


def new_line(state: State, invoice: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    line = state.build.build("line_item")
    fill("line_item", line, {"invoice": invoice["id"], "livemode": False, **fields})
    state.put("line_item", line, parent=invoice["id"])
    return line


def attach_items(state: State, invoice: dict[str, Any], items: list[dict[str, Any]]) -> None:
    for item in items:
        state.change(item, {"invoice": invoice["id"]}, "invoiceitem.updated")
        new_line(state, invoice, line_for_item(state, invoice, item))
    refresh_lines(state, invoice)


def refresh_lines(state: State, invoice: dict[str, Any]) -> None:
    """The invoice's lines and totals from the line objects it holds (items still on it)."""
    lines = [
        h.obj for h in list(state.objects.values()) if h.schema == "line_item" and h.parent == invoice["id"]
    ]
    kept = []
    for line in lines:
        item_id = line.get("invoice_item")
        item = state.objects.get(item_id) if item_id else None
        if item_id and (item is None or item.obj.get("invoice") != invoice["id"]):
            state.objects.pop(line["id"], None)
            continue
        if item is not None:
            line.update({k: item.obj.get(k) for k in ("amount", "quantity", "description") if k in line})
        kept.append(line)
    total = sum(int(line.get("amount") or 0) for line in kept)
    fill(
        "invoice",
        invoice,
        {
            "lines": {
                "object": "list",
                "data": kept[:10],
                "has_more": len(kept) > 10,
                "total_count": len(kept),
                "url": f"/v1/invoices/{invoice['id']}/lines",
            },
            "subtotal": total,
            "subtotal_excluding_tax": total,
            "total": total,
            "total_excluding_tax": total,
            "amount_due": total,
            "amount_remaining": total - int(invoice.get("amount_paid") or 0),
        },
    )


def new_invoice(
    state: State, customer: dict[str, Any], fields: dict[str, Any], params: dict[str, Any] | None = None
) -> dict[str, Any]:
    now = clock_now(state, customer["id"])
    invoice = state.build.build("invoice", params)
    fill(
        "invoice",
        invoice,
        {
            "customer": customer["id"],
            "customer_email": customer.get("email"),
            "customer_name": customer.get("name"),
            "status": "draft",
            "number": None,
            "created": now,
            "period_start": now,
            "period_end": now,
            "effective_at": None,
            "attempt_count": 0,
            "attempted": False,
            "paid": False,
            "paid_out_of_band": False,
            "amount_paid": 0,
            "starting_balance": 0,
            "ending_balance": None,
            "collection_method": "charge_automatically",
            "auto_advance": True,
            "currency": "usd",
            "test_clock": customer.get("test_clock"),
            "status_transitions": {
                "finalized_at": None,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
            "hosted_invoice_url": None,
            "invoice_pdf": None,
            "payment_intent": None,
            **fields,
        },
    )
    state.put("invoice", invoice)
    refresh_lines(state, invoice)
    return invoice


@behaviour("invoices.create")
def create_invoice(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    customer = call.find(p.get("customer"), "customer", param="customer") if p.get("customer") else None
    if customer is None:
        raise refuse("Missing required param: customer.", code="parameter_missing", param="customer")
    if p.get("collection_method") == "send_invoice" and not ("days_until_due" in p or "due_date" in p):
        raise refuse(
            "Missing required param: days_until_due.", code="parameter_missing", param="days_until_due"
        )
    if p.get("subscription"):
        raise not_modelled("invoices.create for a subscription")
    fields = {
        "auto_advance": p.get("auto_advance", True),
        "collection_method": p.get("collection_method", "charge_automatically"),
        "currency": p.get("currency", "usd"),
        "billing_reason": "manual",
    }
    invoice = new_invoice(
        state, customer, fields, {k: v for k, v in p.items() if k not in ("customer", "subscription")}
    )
    if p.get("pending_invoice_items_behavior", "exclude") == "include":
        pending = [i for i in state.find_all("invoiceitem", customer=customer["id"], invoice=None)]
        attach_items(state, invoice, pending)
    state.emit("invoice.created", invoice)
    return invoice


@behaviour("invoices.update")
def update_invoice(call: Call) -> dict[str, Any]:
    invoice = call.target("invoice")
    if invoice["status"] != "draft" and set(call.params) - _OPEN_FIELDS:
        raise _not_editable(invoice)
    if invoice["status"] in FINAL and set(call.params) - {"metadata", "expand"}:
        raise _not_editable(invoice)
    return call.generic()


@behaviour("invoices.delete")
def delete_invoice(call: Call) -> dict[str, Any]:
    invoice = call.target("invoice")
    if invoice["status"] != "draft":
        raise refuse(
            "You can only delete draft invoices; void or mark uncollectible a finalized one.",
            code="invoice_not_editable",
        )
    for item in call.state.find_all("invoiceitem", invoice=invoice["id"]):
        call.state.remove(item["id"])
    return call.generic()


@behaviour("invoices.finalize")
def finalize_call(call: Call) -> dict[str, Any]:
    invoice = call.target("invoice")
    if invoice["status"] != "draft":
        raise unexpected_state(invoice, "finalized", ["draft"])
    if "auto_advance" in call.params:
        fill("invoice", invoice, {"auto_advance": call.params["auto_advance"]})
    return finalize(call.state, invoice)


def finalize(state: State, invoice: dict[str, Any]) -> dict[str, Any]:
    """Number the invoice, apply the customer's credit, open it (or mark a zero invoice paid)."""
    customer = state.objects[invoice["customer"]].obj
    seq = int(customer.get("next_invoice_sequence") or 1)
    state.change(customer, {"next_invoice_sequence": seq + 1}, None)
    now = clock_now(state, customer["id"])
    total = int(invoice.get("total") or 0)
    balance = int(customer.get("balance") or 0)
    applied = min(-balance, total) if balance < 0 else 0
    if applied:
        state.change(customer, {"balance": balance + applied})
    due = None
    if invoice.get("collection_method") == "send_invoice":
        due = invoice.get("due_date") or now + 86400 * int(invoice.get("days_until_due") or 30)
    token = state.ids.pick("abcdefghijklmnopqrstuvwxyz0123456789", 24)
    state.change(
        invoice,
        {
            "status": "open",
            "number": f"{customer.get('invoice_prefix') or 'FAKE'}-{seq:04d}",
            "starting_balance": balance,
            "ending_balance": balance + applied,
            "amount_due": total - applied,
            "amount_remaining": total - applied,
            "due_date": due,
            "effective_at": now,
            "hosted_invoice_url": f"https://invoice.stripe.com/i/acct_fake/test_{token}",
            "invoice_pdf": f"https://pay.stripe.com/invoice/acct_fake/test_{token}/pdf",
            "status_transitions": {**(invoice.get("status_transitions") or {}), "finalized_at": now},
        },
        "invoice.finalized",
    )
    if total - applied <= 0:
        return mark_paid(state, invoice, out_of_band=False)
    if invoice.get("collection_method") == "charge_automatically":
        _open_payment(state, invoice, total - applied)
    return invoice


def _open_payment(state: State, invoice: dict[str, Any], amount: int) -> None:
    """The PaymentIntent that collects the invoice: ``invoice.payment_intent`` in older API
    versions, a default entry of ``invoice.payments`` (and ``confirmation_secret``) in newer."""
    intent = state.new(
        "payment_intent",
        {
            "amount": amount,
            "currency": invoice["currency"],
            "customer": invoice["customer"],
            "invoice": invoice["id"],
            "status": "requires_payment_method",
            "capture_method": "automatic",
            "confirmation_method": "automatic",
            "payment_method_types": ["card"],
            "description": f"Invoice {invoice['number']}" if invoice.get("number") else None,
            "amount_received": 0,
            "amount_capturable": 0,
        },
    )
    if "payment_intent" in declared("invoice"):
        state.change(invoice, {"payment_intent": intent["id"]}, None)
    if "payments" not in declared("invoice"):
        return
    now = clock_now(state, invoice["customer"])
    payment = state.build.build("invoice_payment")
    fill(
        "invoice_payment",
        payment,
        {
            "invoice": invoice["id"],
            "is_default": True,
            "amount_requested": amount,
            "amount_paid": None,
            "currency": invoice["currency"],
            "status": "open",
            "created": now,
            "payment": {"type": "payment_intent", "payment_intent": intent["id"]},
            "status_transitions": {"canceled_at": None, "paid_at": None},
        },
    )
    state.put("invoice_payment", payment, parent=invoice["id"])
    secret = {"client_secret": intent.get("client_secret"), "type": "payment_intent"}
    state.change(invoice, {"payments": _payments(state, invoice), "confirmation_secret": secret}, None)


def _payments(state: State, invoice: dict[str, Any]) -> dict[str, Any]:
    found = state.find_all("invoice_payment", invoice=invoice["id"])
    url = f"/v1/invoice_payments?invoice={invoice['id']}"
    return {"object": "list", "data": found, "has_more": False, "total_count": len(found), "url": url}


def invoice_intent(state: State, invoice: dict[str, Any]) -> dict[str, Any] | None:
    """The PaymentIntent collecting an invoice, wherever the API version keeps it."""
    intent_id = invoice.get("payment_intent")
    for payment in state.find_all("invoice_payment", invoice=invoice["id"], is_default=True):
        intent_id = intent_id or (payment.get("payment") or {}).get("payment_intent")
    held = state.objects.get(intent_id) if isinstance(intent_id, str) else None
    return held.obj if held is not None else None


def mark_paid(state: State, invoice: dict[str, Any], *, out_of_band: bool) -> dict[str, Any]:
    now = clock_now(state, invoice["customer"])
    amount = int(invoice.get("amount_due") or 0)
    for payment in state.find_all("invoice_payment", invoice=invoice["id"], status="open"):
        done = {"paid_at": now if not out_of_band else None, "canceled_at": now if out_of_band else None}
        state.change(
            payment,
            {"status": "canceled" if out_of_band else "paid", "amount_paid": None if out_of_band else amount,
             "status_transitions": done},
            None if out_of_band else "invoice_payment.paid",
        )  # fmt: skip
    state.change(
        invoice,
        {
            "status": "paid",
            "paid": True,
            "paid_out_of_band": out_of_band,
            "amount_paid": amount,
            "amount_paid_off_stripe": amount if out_of_band else 0,
            "amount_remaining": 0,
            "attempted": True if not out_of_band else invoice.get("attempted"),
            "status_transitions": {**(invoice.get("status_transitions") or {}), "paid_at": now},
            **({"payments": _payments(state, invoice)} if "payments" in declared("invoice") else {}),
        },
        "invoice.paid",
    )
    state.emit("invoice.payment_succeeded", invoice)
    invoice_paid(state, invoice)
    return invoice


def invoice_paid(state: State, invoice: dict[str, Any]) -> None:
    """A subscription whose invoice is paid becomes active (from incomplete or past_due)."""
    held = state.objects.get(subscription_of(invoice) or "")
    if held is None:
        return
    sub = held.obj
    if (
        sub.get("status") in ("incomplete", "past_due", "unpaid")
        and sub.get("latest_invoice") == invoice["id"]
    ):
        state.change(sub, {"status": "active"}, "customer.subscription.updated")


def default_payment_method(state: State, invoice: dict[str, Any]) -> str | None:
    customer = state.objects[invoice["customer"]].obj
    sub = state.objects.get(subscription_of(invoice) or "")
    for candidate in (
        invoice.get("default_payment_method"),
        sub.obj.get("default_payment_method") if sub else None,
        (customer.get("invoice_settings") or {}).get("default_payment_method"),
    ):
        if candidate:
            return str(candidate)
    return None


def attempt(state: State, invoice: dict[str, Any], payment_method: str | None) -> Refusal | None:
    """Charge the invoice; returns the card error of a failed attempt (the invoice stays open)."""
    pm = payment_method or default_payment_method(state, invoice)
    if pm is None:
        return refuse(
            "This customer has no attached payment source or default payment method. Please "
            "consider adding a default payment method."
        )
    intent = invoice_intent(state, invoice)
    state.change(
        invoice, {"attempt_count": int(invoice.get("attempt_count") or 0) + 1, "attempted": True}, None
    )
    if intent is None:  # no PaymentIntent collects it: the card decides alone
        card = card_of(state, state.objects[pm].obj if pm in state.objects else None)
        if card.decline or card.action:
            state.emit("invoice.payment_failed", invoice)
            return refuse(
                "Your card was declined.",
                type="card_error",
                code="card_declined",
                decline_code=card.decline or "authentication_required",
                status=402,
            )
        mark_paid(state, invoice, out_of_band=False)
        return None
    try:
        confirm(state, intent, {"payment_method": pm})
    except Refusal as declined:
        state.emit("invoice.payment_failed", invoice)
        return declined
    if intent["status"] == "succeeded":
        mark_paid(state, invoice, out_of_band=False)
        return None
    state.emit("invoice.payment_action_required", invoice)
    return None


@behaviour("invoices.pay")
def pay(call: Call) -> dict[str, Any]:
    invoice = call.target("invoice")
    p = call.params
    if invoice["status"] == "draft":
        finalize(call.state, invoice)
        if invoice["status"] == "paid":
            return invoice
    if invoice["status"] not in ("open", "uncollectible"):
        raise unexpected_state(invoice, "paid", ["draft", "open", "uncollectible"])
    if p.get("paid_out_of_band"):
        return mark_paid(call.state, invoice, out_of_band=True)
    if p.get("source"):
        raise not_modelled("invoices.pay with a source")
    failed = attempt(call.state, invoice, p.get("payment_method"))
    if failed is not None:
        raise failed
    return invoice


@behaviour("invoices.void")
def void(call: Call) -> dict[str, Any]:
    invoice = call.target("invoice")
    if invoice["status"] not in ("open", "uncollectible"):
        raise unexpected_state(invoice, "voided", ["open", "uncollectible"])
    return void_invoice(call.state, invoice)


def void_invoice(state: State, invoice: dict[str, Any]) -> dict[str, Any]:
    now = clock_now(state, invoice["customer"])
    intent = invoice_intent(state, invoice)
    if intent is not None and intent.get("status") not in ("succeeded", "canceled"):
        state.change(
            intent,
            {"status": "canceled", "canceled_at": now, "cancellation_reason": "void_invoice"},
            "payment_intent.canceled",
        )
    state.change(
        invoice,
        {
            "status": "void",
            "amount_remaining": 0,
            "status_transitions": {**invoice["status_transitions"], "voided_at": now},
        },
        "invoice.voided",
    )
    return invoice


@behaviour("invoices.mark_uncollectible")
def uncollectible(call: Call) -> dict[str, Any]:
    invoice = call.target("invoice")
    if invoice["status"] != "open":
        raise unexpected_state(invoice, "marked uncollectible", ["open"])
    now = clock_now(call.state, invoice["customer"])
    call.state.change(
        invoice,
        {
            "status": "uncollectible",
            "status_transitions": {**invoice["status_transitions"], "marked_uncollectible_at": now},
        },
        "invoice.marked_uncollectible",
    )
    return invoice


@behaviour("invoices.send")
def send(call: Call) -> dict[str, Any]:
    invoice = call.target("invoice")
    if invoice["status"] != "open" or invoice.get("collection_method") != "send_invoice":
        raise refuse(
            "You can only send an open invoice whose collection_method is send_invoice.",
            code="invoice_not_editable",
        )
    call.state.emit("invoice.sent", invoice)
    return invoice


@behaviour("invoices.upcoming", "invoices.upcoming_lines", "invoices.create_preview")
def upcoming(call: Call) -> dict[str, Any]:
    raise not_modelled(f"{call.path} (previews of the next invoice)")
