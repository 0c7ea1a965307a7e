"""Checkout Sessions: line items and totals from prices (``price_data`` makes them), the
hosted ``url``, expiry, and completion as the customer would (``FakeStripe.complete_checkout``):
a payment, a subscription or a saved payment method, then ``checkout.session.completed``."""

from __future__ import annotations

from typing import Any

from ..cards import card_payment_method, test_card
from ..refusals import refuse, unexpected_state
from ..schema import operations
from ..state import State, fill
from .catalog import new_product
from .payments import confirm
from .registry import Call, behaviour
from .registry import Call as _Call
from .subscriptions import create as create_subscription


def _price(call: Call, item: dict[str, Any], param: str) -> dict[str, Any]:
    if item.get("price"):
        return call.find(item["price"], "price", param=f"{param}[price]")
    data = item.get("price_data")
    if not data:
        raise refuse(
            f"Missing required param: {param}[price].", code="parameter_missing", param=f"{param}[price]"
        )
    product = data.get("product") or new_product(call.state, data.get("product_data") or {})["id"]
    recurring = data.get("recurring")
    return call.state.new(
        "price",
        {
            "product": product,
            "currency": data["currency"],
            "unit_amount": data.get("unit_amount"),
            "unit_amount_decimal": str(data.get("unit_amount", "")),
            "type": "recurring" if recurring else "one_time",
            "recurring": {
                "interval": recurring["interval"],
                "interval_count": recurring.get("interval_count", 1),
                "usage_type": "licensed",
            }
            if recurring
            else None,
            "active": False,
        },
    )


@behaviour("checkout.sessions.create")
def create(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    mode = p.get("mode", "payment")
    items = p.get("line_items") or []
    if mode in ("payment", "subscription") and not items:
        raise refuse("Missing required param: line_items.", code="parameter_missing", param="line_items")
    prices = [_price(call, item, f"line_items[{i}]") for i, item in enumerate(items)]
    for i, price in enumerate(prices):
        if mode == "payment" and price.get("type") == "recurring":
            raise refuse(
                "You specified `payment` mode but passed a recurring price. Either switch to "
                "`subscription` mode or use only one-time prices.",
                code="parameter_invalid",
                param=f"line_items[{i}][price]",
            )
    if mode == "subscription" and not any(pr.get("type") == "recurring" for pr in prices):
        raise refuse(
            "You must provide at least one recurring price in `subscription` mode when using prices.",
            code="parameter_invalid",
            param="line_items",
        )
    if p.get("customer") and p.get("customer_email"):
        raise refuse(
            "You may only specify one of these parameters: customer, customer_email.",
            code="parameter_invalid",
            param="customer_email",
        )
    total = sum(
        int(pr.get("unit_amount") or 0) * int(it.get("quantity", 1))
        for pr, it in zip(prices, items, strict=True)
    )
    now = state.now()
    session = state.new(
        "checkout.session",
        {
            "mode": mode,
            "status": "open",
            "payment_status": "unpaid" if total else "no_payment_required",
            "amount_subtotal": total,
            "amount_total": total,
            "currency": prices[0]["currency"] if prices else p.get("currency"),
            "expires_at": p.get("expires_at", now + 86400),
            "customer": p.get("customer"),
            "customer_email": p.get("customer_email"),
            "payment_intent": None,
            "subscription": None,
            "setup_intent": None,
            "created": now,
        },
        params={k: v for k, v in p.items() if k not in ("line_items", "customer")},
        event=False,
    )
    for pr, it in zip(prices, items, strict=True):
        line = state.build.build("item")
        amount = int(pr.get("unit_amount") or 0) * int(it.get("quantity", 1))
        product = state.objects.get(pr.get("product") or "")
        fill(
            "item",
            line,
            {
                "amount_subtotal": amount,
                "amount_total": amount,
                "currency": pr["currency"],
                "description": product.obj.get("name") if product else None,
                "price": pr,
                "quantity": int(it.get("quantity", 1)),
            },
        )
        state.put("item", line, parent=session["id"])
    return session


@behaviour("checkout.sessions.expire")
def expire(call: Call) -> dict[str, Any]:
    session = call.target("checkout.session")
    if session["status"] != "open":
        raise unexpected_state(session, "expired", ["open"])
    call.state.change(session, {"status": "expired", "url": None}, "checkout.session.expired")
    return session


def complete(state: State, session: dict[str, Any], payment_method: str) -> dict[str, Any]:
    """The customer pays on the hosted page (``FakeStripe.complete_checkout``)."""
    if session["status"] != "open":
        raise ValueError(f"{session['id']} is {session['status']}, not open")
    card = test_card(payment_method)
    pm = card_payment_method(state, card) if card else state.objects[payment_method].obj
    customer_id = session.get("customer")
    if customer_id is None and (session["mode"] != "payment" or session.get("customer_creation") == "always"):
        customer_id = state.new("customer", {"email": session.get("customer_email")})["id"]
    if customer_id:
        state.change(pm, {"customer": customer_id}, "payment_method.attached")
    lines = [h.obj for h in state.objects.values() if h.schema == "item" and h.parent == session["id"]]
    changes: dict[str, Any] = {"status": "complete", "customer": customer_id}
    if session["mode"] == "payment":
        intent = state.new(
            "payment_intent",
            {
                "amount": session["amount_total"],
                "currency": session["currency"],
                "customer": customer_id,
                "status": "requires_confirmation",
                "capture_method": "automatic",
                "payment_method_types": ["card"],
                "amount_received": 0,
                "amount_capturable": 0,
                "metadata": session.get("metadata") or {},
            },
        )
        confirm(state, intent, {"payment_method": pm["id"]})
        changes.update(
            payment_intent=intent["id"],
            payment_status="paid" if intent["status"] == "succeeded" else "unpaid",
        )
    elif session["mode"] == "subscription":
        items = [{"price": line["price"]["id"], "quantity": line.get("quantity", 1)} for line in lines]
        sub_params = {"customer": customer_id, "items": items, "default_payment_method": pm["id"]}
        trial = (session.get("subscription_data") or {}).get("trial_period_days")
        if trial:
            sub_params["trial_period_days"] = trial
        sub = create_subscription(_Call(state, operations()["subscriptions.create"], [], sub_params, dict))
        changes.update(
            subscription=sub["id"],
            payment_status="paid" if sub["status"] in ("active", "trialing") else "unpaid",
        )
    else:
        intent = state.new(
            "setup_intent",
            {
                "customer": customer_id,
                "payment_method": pm["id"],
                "status": "succeeded",
                "usage": "off_session",
            },
        )
        changes.update(setup_intent=intent["id"], payment_status="no_payment_required")
    state.change(session, {**changes, "url": None}, None)
    state.emit("checkout.session.completed", session)
    return session
