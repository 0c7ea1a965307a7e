"""Subscriptions and their items: trials, periods from the price's interval, the first
invoice paid (or not) deciding the status, ``payment_behavior``, cancel now or at period
end, item changes with prorations, renewals when a test clock passes a period's end."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from ..cards import card_of
from ..lists import page
from ..refusals import not_modelled, refuse, unexpected_state
from ..state import State, declared, fill
from .billing import attach_items, attempt, clock_now, finalize, new_invoice, new_line, pricing, void_invoice
from .registry import Call, behaviour
from .usage import usage

LIVE = ("active", "trialing", "past_due", "incomplete", "unpaid", "paused")


def add_interval(start: int, interval: str, count: int) -> int:
    """The end of ``count`` intervals from ``start`` (months and years by the calendar)."""
    if interval in ("day", "week"):
        return start + count * (86400 if interval == "day" else 7 * 86400)
    at = datetime.datetime.fromtimestamp(start, datetime.timezone.utc)
    months = count * (12 if interval == "year" else 1)
    year, month = divmod(at.month - 1 + months, 12)
    year, month = at.year + year, month + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return int(at.replace(year=year, month=month, day=day).timestamp())


def _recurring_price(call: Call, price_id: Any, param: str) -> dict[str, Any]:
    price = call.find(price_id, "price", "plan", param=param)
    if price.get("object") == "price" and price.get("type") != "recurring":
        raise refuse(
            "The price specified is set to `type=one_time` but this field only accepts prices "
            "with `type=recurring`.",
            code="parameter_invalid",
            param=param,
        )
    if price.get("active") is False:
        raise refuse(
            "The price specified is inactive. This field only accepts active prices.",
            param=param,
            code="parameter_invalid",
        )
    return price


def _price_of(call: Call, item: dict[str, Any], param: str) -> dict[str, Any]:
    if item.get("price"):
        return _recurring_price(call, item["price"], f"{param}[price]")
    if item.get("plan"):
        return _recurring_price(call, item["plan"], f"{param}[plan]")
    data = item.get("price_data")
    if data:
        return call.state.new(
            "price",
            {
                "product": data["product"],
                "currency": data["currency"],
                "unit_amount": data.get("unit_amount"),
                "type": "recurring",
                "recurring": {
                    "interval": data["recurring"]["interval"],
                    "interval_count": data["recurring"].get("interval_count", 1),
                    "usage_type": "licensed",
                },
                "active": False,
            },
        )
    raise refuse(
        f"Missing required param: {param}[price].", code="parameter_missing", param=f"{param}[price]"
    )


def interval_of(price: dict[str, Any]) -> tuple[str, int]:
    recurring = price.get("recurring") or {}
    return str(recurring.get("interval") or price.get("interval") or "month"), int(
        recurring.get("interval_count") or price.get("interval_count") or 1
    )


def _plan(price: dict[str, Any]) -> dict[str, Any]:
    interval, count = interval_of(price)
    return {
        "id": price["id"],
        "object": "plan",
        "active": price.get("active", True),
        "amount": price.get("unit_amount", price.get("amount")),
        "amount_decimal": price.get("unit_amount_decimal"),
        "billing_scheme": price.get("billing_scheme", "per_unit"),
        "created": price.get("created"),
        "currency": price.get("currency"),
        "interval": interval,
        "interval_count": count,
        "livemode": False,
        "metadata": price.get("metadata") or {},
        "product": price.get("product"),
        "usage_type": (price.get("recurring") or {}).get("usage_type", "licensed"),
        "nickname": price.get("nickname"),
        "tiers_mode": None,
        "transform_usage": None,
        "trial_period_days": None,
        "aggregate_usage": None,
    }


def _new_item(
    state: State,
    sub: dict[str, Any],
    price: dict[str, Any],
    quantity: int,
    metadata: Any,
    span: tuple[int, int],
) -> dict[str, Any]:
    item = state.build.build("subscription_item")
    fill(
        "subscription_item",
        item,
        {
            "subscription": sub["id"],
            "price": price,
            "plan": _plan(price),
            "quantity": quantity,
            "metadata": metadata or {},
            "created": sub.get("created"),
            "current_period_start": span[0],
            "current_period_end": span[1],
        },
    )
    state.put("subscription_item", item, parent=sub["id"])
    return item


def _items_list(state: State, sub: dict[str, Any]) -> dict[str, Any]:
    items = [
        h.obj
        for h in state.objects.values()
        if h.schema == "subscription_item" and h.obj.get("subscription") == sub["id"]
    ]
    return {
        "object": "list",
        "data": items,
        "has_more": False,
        "total_count": len(items),
        "url": f"/v1/subscription_items?subscription={sub['id']}",
    }


def _set_period(state: State, sub: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    """Periods live on the subscription or on its items, as the pinned API version has them."""
    previous = {}
    if "current_period_start" in declared("subscription"):
        previous = {
            "current_period_start": sub.get("current_period_start"),
            "current_period_end": sub.get("current_period_end"),
        }
        fill("subscription", sub, {"current_period_start": start, "current_period_end": end})
    for item in state.find_all("subscription_item", subscription=sub["id"]):
        fill("subscription_item", item, {"current_period_start": start, "current_period_end": end})
    fill("subscription", sub, {"items": _items_list(state, sub)})
    return previous


def period(sub: dict[str, Any]) -> tuple[int, int]:
    """The current period, wherever the API version keeps it."""
    if sub.get("current_period_end") is not None:
        return int(sub["current_period_start"]), int(sub["current_period_end"])
    items = (sub.get("items") or {}).get("data") or [{}]
    return int(items[0].get("current_period_start") or 0), int(items[0].get("current_period_end") or 0)


def invoice_for(
    state: State,
    sub: dict[str, Any],
    start: int,
    end: int,
    reason: str,
    trial: bool,
    used: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """The subscription's invoice for a period: a line per item (zero in a trial), and the
    customer's pending invoice items. A metered price bills in arrears: the usage its meter
    counted for the customer over ``used`` (the period that just ended; none on a first
    invoice)."""
    customer = state.objects[sub["customer"]].obj
    account = state.objects[sub["id"]].account if sub.get("id") in state.objects else state.account
    invoice = new_invoice(
        state,
        customer,
        {
            "subscription": sub["id"],
            "billing_reason": reason,
            "collection_method": sub.get("collection_method", "charge_automatically"),
            "days_until_due": sub.get("days_until_due"),
            "currency": sub.get("currency") or "usd",
            "period_start": start,
            "period_end": end,
            "default_payment_method": None,
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": sub["id"], "metadata": sub.get("metadata") or {}},
                "quote_details": None,
            },
        },
    )
    for item in state.find_all("subscription_item", subscription=sub["id"]):
        price = item["price"]
        recurring = price.get("recurring") or {}
        quantity, units, shown, span = (
            item.get("quantity"),
            int(item.get("quantity") or 1),
            item.get("quantity", 1),
            (start, end),
        )
        if recurring.get("usage_type") == "metered":
            span = used or (start, start)
            meter = recurring.get("meter")
            quantity = units = shown = (
                usage(state, meter, sub["customer"], span, account) if used and meter else 0
            )
        amount = 0 if trial else int(price.get("unit_amount") or 0) * units
        product = state.objects.get(price.get("product") or "")
        name = product.obj.get("name") if product else price["id"]
        new_line(
            state,
            invoice,
            {
                "type": "subscription",
                "amount": amount,
                "currency": price.get("currency"),
                "description": f"{'Trial period for ' if trial else ''}{shown} × {name}",
                "period": {"start": span[0], "end": span[1]},
                "price": price,
                "plan": item.get("plan"),
                "quantity": quantity,
                "proration": False,
                "subscription": sub["id"],
                "subscription_item": item["id"],
                "discountable": True,
                "metadata": {},
                "pricing": pricing(price, price.get("unit_amount")),
                "parent": {
                    "type": "subscription_item_details",
                    "subscription_item_details": {
                        "invoice_item": None,
                        "proration": False,
                        "proration_details": {"credited_items": None},
                        "subscription": sub["id"],
                        "subscription_item": item["id"],
                    },
                    "invoice_item_details": None,
                },
            },
        )
    pending = state.find_all("invoiceitem", customer=sub["customer"], invoice=None)
    attach_items(state, invoice, pending)
    state.emit("invoice.created", invoice)
    return invoice


def _collect(state: State, sub: dict[str, Any], invoice: dict[str, Any], behaviour: str) -> Any:
    """Finalize and (charging automatically) pay the invoice; returns a decline, if any."""
    finalize(state, invoice)
    if invoice["status"] == "paid" or invoice.get("collection_method") == "send_invoice":
        return None
    if behaviour == "default_incomplete":
        return None
    return attempt(state, invoice, sub.get("default_payment_method"))


@behaviour("subscriptions.create", "customers.subscriptions.create")
def create(call: Call) -> dict[str, Any]:
    p = dict(call.params)
    state = call.state
    if call.path.startswith("customers."):
        p["customer"] = call.ids[0]
    customer = call.find(p.get("customer"), "customer", param="customer")
    items = p.get("items") or (
        [{"plan": p["plan"], "quantity": p.get("quantity", 1)}] if p.get("plan") else []
    )
    if not items:
        raise refuse("Missing required param: items.", code="parameter_missing", param="items")
    prices = [_price_of(call, item, f"items[{i}]") for i, item in enumerate(items)]
    if len({pr.get("currency") for pr in prices}) > 1:
        raise refuse(
            "All prices on a subscription must have the same currency.",
            code="parameter_invalid",
            param="items",
        )
    if p.get("collection_method") == "send_invoice" and "days_until_due" not in p:
        raise refuse(
            "Missing required param: days_until_due.", code="parameter_missing", param="days_until_due"
        )
    behaviour = p.get("payment_behavior", "allow_incomplete")
    if behaviour == "pending_if_incomplete":
        raise not_modelled("payment_behavior=pending_if_incomplete")
    for key in (
        "billing_cycle_anchor",
        "backdate_start_date",
        "coupon",
        "discounts",
        "promotion_code",
        "add_invoice_items",
    ):
        if p.get(key):
            raise not_modelled(f"subscriptions.create with {key}")
    now = clock_now(state, customer["id"])
    trial_end = p.get("trial_end")
    if trial_end == "now":
        trial_end = None
    elif trial_end is not None and int(trial_end) <= now:
        raise refuse(
            "Invalid timestamp: must be an integer Unix timestamp in the future.",
            code="parameter_invalid",
            param="trial_end",
        )
    days = p.get("trial_period_days")
    if trial_end is None and days:
        trial_end = now + int(days) * 86400
    if trial_end is None and p.get("trial_from_plan"):
        plan_days = (prices[0].get("recurring") or {}).get("trial_period_days")
        trial_end = now + int(plan_days) * 86400 if plan_days else None
    interval, count = interval_of(prices[0])
    end = int(trial_end) if trial_end else add_interval(now, interval, count)
    pm = p.get("default_payment_method") or (customer.get("invoice_settings") or {}).get(
        "default_payment_method"
    )
    if behaviour == "error_if_incomplete" and not trial_end and p.get("collection_method") != "send_invoice":
        card = card_of(state, state.objects[pm].obj if pm in state.objects else None)
        pairs = zip(prices, items, strict=True)
        total = sum(int(pr.get("unit_amount") or 0) * int(it.get("quantity", 1)) for pr, it in pairs)
        if total and (pm is None or card.decline or card.action):
            raise refuse(
                "Your card was declined."
                if pm
                else "This customer has no attached payment source or default payment method.",
                type="card_error" if pm else "invalid_request_error",
                code="card_declined" if pm else None,
                decline_code=card.decline if pm else None,
                status=402 if pm else 400,
            )
    sub = state.build.build(
        "subscription", {k: v for k, v in p.items() if k not in ("items", "customer", "trial_end")}
    )
    fill(
        "subscription",
        sub,
        {
            "customer": customer["id"],
            "status": "trialing" if trial_end else "incomplete",
            "created": now,
            "start_date": now,
            "billing_cycle_anchor": end if trial_end else now,
            "trial_start": now if trial_end else None,
            "trial_end": int(trial_end) if trial_end else None,
            "cancel_at_period_end": bool(p.get("cancel_at_period_end", False)),
            "cancel_at": None,
            "canceled_at": None,
            "ended_at": None,
            "collection_method": p.get("collection_method", "charge_automatically"),
            "currency": prices[0].get("currency"),
            "test_clock": customer.get("test_clock"),
            "default_payment_method": p.get("default_payment_method"),
            "latest_invoice": None,
            "plan": _plan(prices[0]) if len(prices) == 1 else None,
            "quantity": int(items[0].get("quantity", 1)) if len(prices) == 1 else None,
        },
    )
    state.put("subscription", sub)
    for item, price in zip(items, prices, strict=True):
        _new_item(state, sub, price, int(item.get("quantity", 1)), item.get("metadata"), (now, end))
    _set_period(state, sub, now, end)
    if sub["cancel_at_period_end"]:
        fill("subscription", sub, {"cancel_at": end})
    state.emit("customer.subscription.created", sub)
    invoice = invoice_for(state, sub, now, end, "subscription_create", bool(trial_end))
    state.change(sub, {"latest_invoice": invoice["id"]}, None)
    _collect(state, sub, invoice, behaviour)
    if sub["status"] == "incomplete" and (
        invoice["status"] == "paid" or sub["collection_method"] == "send_invoice"
    ):
        state.change(sub, {"status": "active"}, None)
    return sub


def end(state: State, sub: dict[str, Any], at: int | None = None) -> dict[str, Any]:
    """Cancel now: the subscription ends, its open invoices stay as they are."""
    now = at if at is not None else clock_now(state, sub["customer"])
    state.change(
        sub,
        {
            "status": "canceled",
            "canceled_at": sub.get("canceled_at") or now,
            "ended_at": now,
            "cancel_at_period_end": False,
        },
        "customer.subscription.deleted",
    )
    return sub


@behaviour("subscriptions.cancel", "customers.subscriptions.cancel")
def cancel(call: Call) -> dict[str, Any]:
    sub = call.target("subscription")
    if sub["status"] in ("canceled", "incomplete_expired"):
        raise unexpected_state(sub, "canceled", LIVE)
    if call.params.get("invoice_now") or call.params.get("prorate"):
        raise not_modelled("canceling with invoice_now or prorate")
    if "cancellation_details" in call.params:
        fill("subscription", sub, {"cancellation_details": call.params["cancellation_details"]})
    if sub["status"] == "incomplete":
        invoice = call.maybe(sub.get("latest_invoice"))
        if invoice is not None and invoice["status"] == "open":
            void_invoice(call.state, invoice)
    return end(call.state, sub)


@behaviour("subscriptions.update", "customers.subscriptions.update")
def update(call: Call) -> dict[str, Any]:
    sub = call.target("subscription")
    p = call.params
    if sub["status"] in ("canceled", "incomplete_expired") and set(p) - {
        "metadata",
        "cancellation_details",
        "expand",
    }:
        raise refuse("A canceled subscription can only update its cancellation_details and metadata.")
    for key in (
        "trial_end",
        "billing_cycle_anchor",
        "coupon",
        "discounts",
        "promotion_code",
        "pause_collection",
        "add_invoice_items",
    ):
        if key in p:
            raise not_modelled(f"subscriptions.update with {key}")
    if p.get("default_payment_method"):
        pm = call.find(p["default_payment_method"], "payment_method", param="default_payment_method")
        if pm.get("customer") != sub["customer"]:
            raise refuse(
                "The customer does not have a payment method with the ID "
                f"{pm['id']}. The payment method must be attached to the customer.",
                code="resource_missing",
                param="default_payment_method",
            )
    changes: dict[str, Any] = {}
    if "cancel_at_period_end" in p:
        changes["cancel_at_period_end"] = p["cancel_at_period_end"]
        changes["cancel_at"] = period(sub)[1] if p["cancel_at_period_end"] else None
        changes["canceled_at"] = clock_now(call.state, sub["customer"]) if p["cancel_at_period_end"] else None
    if "cancel_at" in p:
        changes["cancel_at"] = p["cancel_at"] or None
    previous = {k: sub.get(k) for k in changes if sub.get(k) != changes[k]}
    before_items = [dict(i) for i in call.state.find_all("subscription_item", subscription=sub["id"])]
    simple = {
        k: v
        for k, v in p.items()
        if k not in ("items", "cancel_at_period_end", "cancel_at", "proration_behavior", "payment_behavior")
    }
    previous.update(call.state.build.merge({"$ref": "subscription"}, sub, simple))
    for key, value in changes.items():
        fill("subscription", sub, {key: value})
    if p.get("items"):
        for i, item in enumerate(p["items"]):
            _change_item(call, sub, item, f"items[{i}]", p.get("proration_behavior", "create_prorations"))
        previous["items"] = {"object": "list", "data": before_items}
        _set_period(call.state, sub, *period(sub))
    if previous:
        call.state.emit("customer.subscription.updated", sub, previous)
    return sub


def _change_item(call: Call, sub: dict[str, Any], spec: dict[str, Any], param: str, proration: str) -> None:
    state = call.state
    if spec.get("id"):
        item = call.find(spec["id"], "subscription_item", param=f"{param}[id]")
        if item.get("subscription") != sub["id"]:
            raise refuse(
                f"Subscription item {item['id']} does not belong to this subscription.",
                param=f"{param}[id]",
                code="parameter_invalid",
            )
        if spec.get("deleted"):
            _prorate(state, sub, item["price"], int(item.get("quantity") or 1), -1, proration)
            state.remove(item["id"])
            return
        old_price, old_quantity = item["price"], int(item.get("quantity") or 1)
        price = (
            _price_of(call, spec, param)
            if (spec.get("price") or spec.get("price_data") or spec.get("plan"))
            else old_price
        )
        quantity = int(spec.get("quantity", old_quantity))
        if (price["id"], quantity) != (old_price["id"], old_quantity):
            _prorate(state, sub, old_price, old_quantity, -1, proration)
            _prorate(state, sub, price, quantity, 1, proration)
        fill("subscription_item", item, {"price": price, "plan": _plan(price), "quantity": quantity})
        if spec.get("metadata"):
            fill("subscription_item", item, {"metadata": {**item.get("metadata", {}), **spec["metadata"]}})
        return
    price = _price_of(call, spec, param)
    _new_item(state, sub, price, int(spec.get("quantity", 1)), spec.get("metadata"), period(sub))
    _prorate(state, sub, price, int(spec.get("quantity", 1)), 1, proration)


def _prorate(
    state: State, sub: dict[str, Any], price: dict[str, Any], quantity: int, sign: int, proration: str
) -> None:
    """A pending invoice item for the unused (credit) or remaining (debit) part of the period."""
    if proration == "none" or sub.get("status") == "trialing":
        return
    if proration == "always_invoice":
        raise not_modelled("proration_behavior=always_invoice")
    start, end_ = period(sub)
    now = clock_now(state, sub["customer"])
    if end_ <= start or now >= end_:
        return
    amount = round(int(price.get("unit_amount") or 0) * quantity * (end_ - now) / (end_ - start)) * sign
    if amount == 0:
        return
    product = state.objects.get(price.get("product") or "")
    name = product.obj.get("name") if product else price["id"]
    state.new(
        "invoiceitem",
        {
            "amount": amount,
            "currency": price.get("currency"),
            "customer": sub["customer"],
            "date": now,
            "description": f"{'Unused' if sign < 0 else 'Remaining'} time on {quantity} × {name} after {now}",
            "discountable": False,
            "invoice": None,
            "period": {"start": now, "end": end_},
            "price": price,
            "proration": True,
            "quantity": quantity,
            "pricing": pricing(price, price.get("unit_amount")),
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": sub["id"], "subscription_item": None},
            },
            "subscription": sub["id"],
            "unit_amount": None,
            "test_clock": sub.get("test_clock"),
        },
    )


@behaviour("subscriptions.list")
def list_subscriptions(call: Call) -> dict[str, Any]:
    """Without ``status``, Stripe lists the subscriptions that are not canceled."""
    keep = (
        None
        if "status" in call.params
        else (lambda s: s.get("status") not in ("canceled", "incomplete_expired"))
    )
    return page(call.state, call.op, ["subscription"], None, call.params, keep=keep)


@behaviour("subscriptions.resume")
def resume(call: Call) -> dict[str, Any]:
    sub = call.target("subscription")
    if sub["status"] != "paused":
        raise unexpected_state(sub, "resumed", ["paused"])
    raise not_modelled("resuming a paused subscription")


@behaviour("subscription_items.create")
def create_item(call: Call) -> dict[str, Any]:
    sub = call.find(call.params["subscription"], "subscription", param="subscription")
    if sub["status"] in ("canceled", "incomplete_expired"):
        raise unexpected_state(sub, "updated", LIVE)
    before = len(call.state.find_all("subscription_item", subscription=sub["id"]))
    _change_item(call, sub, call.params, "", call.params.get("proration_behavior", "create_prorations"))
    _set_period(call.state, sub, *period(sub))
    call.state.emit(
        "customer.subscription.updated", sub, {"items": {"object": "list", "total_count": before}}
    )
    return call.state.find_all("subscription_item", subscription=sub["id"])[-1]


@behaviour("subscription_items.update")
def update_item(call: Call) -> dict[str, Any]:
    item = call.target("subscription_item")
    sub = call.find(item["subscription"], "subscription", param=None)
    spec = {
        "id": item["id"],
        **{
            k: v
            for k, v in call.params.items()
            if k in ("price", "price_data", "plan", "quantity", "metadata")
        },
    }
    _change_item(call, sub, spec, "", call.params.get("proration_behavior", "create_prorations"))
    _set_period(call.state, sub, *period(sub))
    call.state.emit("customer.subscription.updated", sub, {"items": {"object": "list"}})
    return item


@behaviour("subscription_items.delete")
def delete_item(call: Call) -> dict[str, Any]:
    item = call.target("subscription_item")
    sub = call.find(item["subscription"], "subscription", param=None)
    if len(call.state.find_all("subscription_item", subscription=sub["id"])) == 1:
        raise refuse(
            "A subscription must have at least one active plan. To cancel a subscription, please use "
            "the cancel API endpoint on /v1/subscriptions."
        )
    _change_item(
        call,
        sub,
        {"id": item["id"], "deleted": True},
        "",
        call.params.get("proration_behavior", "create_prorations"),
    )
    _set_period(call.state, sub, *period(sub))
    call.state.emit("customer.subscription.updated", sub, {"items": {"object": "list"}})
    return {**call.state.build.build("deleted_subscription_item"), "id": item["id"]}


def advance(state: State, sub: dict[str, Any], clock: dict[str, Any], since: int, to: int) -> None:
    """What passing time does to a subscription (its test clock advancing from ``since``):
    the clock stands at each period end while that period's renewal happens."""
    while sub["status"] in LIVE:
        start, end_ = period(sub)
        if sub["status"] == "incomplete":
            if to >= int(sub.get("created") or start) + 23 * 3600:
                latest = state.objects.get(sub.get("latest_invoice") or "")
                if latest is not None and latest.obj["status"] == "open":
                    void_invoice(state, latest.obj)
                state.change(sub, {"status": "incomplete_expired"}, "customer.subscription.updated")
            return
        cancel_at = sub.get("cancel_at")
        if cancel_at and cancel_at <= to and cancel_at <= end_:
            clock["frozen_time"] = int(cancel_at)
            end(state, sub, at=int(cancel_at))
            return
        if end_ > to:
            trial_end = sub.get("trial_end")
            if sub["status"] == "trialing" and trial_end and since < trial_end - 3 * 86400 <= to:
                state.emit("customer.subscription.trial_will_end", sub)
            return
        clock["frozen_time"] = end_
        trial = sub["status"] == "trialing"
        interval, count = interval_of(state.find_all("subscription_item", subscription=sub["id"])[0]["price"])
        new_end = add_interval(end_, interval, count)
        ended = (period(sub)[0], end_)
        previous = _set_period(state, sub, end_, new_end)
        invoice = invoice_for(state, sub, end_, new_end, "subscription_cycle", False, ended)
        changes = {"latest_invoice": invoice["id"]}
        if trial:
            changes["status"] = "active"
        previous.update(state.change(sub, changes, None))
        state.emit("customer.subscription.updated", sub, previous)
        finalize(state, invoice)
        if invoice["status"] == "open" and invoice.get("collection_method") == "charge_automatically":
            if (
                attempt(state, invoice, sub.get("default_payment_method")) is not None
                or invoice["status"] != "paid"
            ):
                state.change(sub, {"status": "past_due"})
