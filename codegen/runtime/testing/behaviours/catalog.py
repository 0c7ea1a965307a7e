"""Products and prices: ids a caller chooses, ``type`` from ``recurring``, ``product_data``
and ``default_price_data`` making the other object, unique lookup keys, deletion rules."""

from __future__ import annotations

from typing import Any

from ..refusals import refuse
from ..state import State
from .registry import Call, behaviour


def _own_id(call: Call, kind: str) -> dict[str, Any]:
    """Products (and plans, coupons) take the caller's ``id``; Stripe refuses a taken one."""
    chosen = call.params.get("id")
    if chosen and (chosen in call.state.objects or chosen in call.state.deleted):
        raise refuse(f"{kind.capitalize()} already exists.", code="resource_already_exists", param="id")
    return {"id": chosen} if chosen else {}


def new_product(state: State, params: dict[str, Any], fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return state.new("product", {"active": params.get("active", True), **(fields or {})}, params=params)


def new_price(state: State, params: dict[str, Any], product: str) -> dict[str, Any]:
    recurring = params.get("recurring")
    if isinstance(recurring, dict):
        recurring = {
            "interval": recurring["interval"],
            "interval_count": recurring.get("interval_count", 1),
            "usage_type": recurring.get("usage_type", "licensed"),
            "aggregate_usage": recurring.get("aggregate_usage"),
            "trial_period_days": recurring.get("trial_period_days"),
            "meter": recurring.get("meter"),
        }
    amount = params.get("unit_amount")
    fields = {
        "product": product,
        "active": params.get("active", True),
        "type": "recurring" if recurring else "one_time",
        "recurring": recurring or None,
        "unit_amount": amount,
        "unit_amount_decimal": params.get("unit_amount_decimal")
        or (str(amount) if amount is not None else None),
        "billing_scheme": params.get("billing_scheme", "per_unit"),
        "lookup_key": params.get("lookup_key"),
        "currency": params["currency"],
    }
    return state.new("price", fields, params={k: v for k, v in params.items() if k != "recurring"})


@behaviour("products.create")
def create_product(call: Call) -> dict[str, Any]:
    p = call.params
    product = new_product(call.state, p, _own_id(call, "product"))
    data = p.get("default_price_data")
    if data:
        price = new_price(call.state, data, product["id"])
        call.state.change(product, {"default_price": price["id"]}, None)
    return product


@behaviour("products.update")
def update_product(call: Call) -> dict[str, Any]:
    product = call.target("product")
    default = call.params.get("default_price")
    if default:
        price = call.find(default, "price", param="default_price")
        if price.get("product") != product["id"]:
            raise refuse(
                f"The price {default} does not belong to this product.",
                code="parameter_invalid",
                param="default_price",
            )
    return call.generic()


@behaviour("products.delete")
def delete_product(call: Call) -> dict[str, Any]:
    """Stripe refuses to delete a product that has prices (archive it with active=false)."""
    product = call.target("product")
    if call.state.find_all("price", product=product["id"]):
        raise refuse("This product cannot be deleted because it has one or more user-created prices.")
    return call.generic()


@behaviour("prices.create")
def create_price(call: Call) -> dict[str, Any]:
    p = call.params
    if ("product" in p) == ("product_data" in p):
        raise refuse(
            "You must specify either `product` or `product_data`.", code="parameter_missing", param="product"
        )
    amounts = ("unit_amount", "unit_amount_decimal", "custom_unit_amount", "tiers")
    if p.get("billing_scheme", "per_unit") == "per_unit" and not any(k in p for k in amounts):
        raise refuse("Missing required param: unit_amount.", code="parameter_missing", param="unit_amount")
    if p.get("lookup_key"):
        taken = call.state.find_all("price", lookup_key=p["lookup_key"])
        if taken and not p.get("transfer_lookup_key"):
            raise refuse(
                f"A price (`{taken[0]['id']}`) already uses that lookup key.",
                code="parameter_invalid",
                param="lookup_key",
            )
        for other in taken:
            call.state.change(other, {"lookup_key": None})
    if "product_data" in p:
        product = new_product(call.state, p["product_data"])["id"]
    else:
        product = p["product"]
    return new_price(call.state, p, product)


@behaviour("plans.create")
def create_plan(call: Call) -> dict[str, Any]:
    p = dict(call.params)
    product = p.get("product")
    if isinstance(product, dict):  # a plan takes an inline product hash
        p["product"] = new_product(call.state, product)["id"]
    elif isinstance(product, str):
        call.find(product, "product", param="product")
    fields = {**_own_id(call, "plan"), "product": p["product"], "interval_count": p.get("interval_count", 1)}
    return call.state.new(
        "plan", {"amount_decimal": str(p.get("amount")) if "amount" in p else None, **fields}, params=p
    )


@behaviour("coupons.create")
def create_coupon(call: Call) -> dict[str, Any]:
    p = call.params
    if ("percent_off" in p) == ("amount_off" in p):
        raise refuse(
            "You must pass either `percent_off` or `amount_off`.",
            code="parameter_missing",
            param="percent_off",
        )
    if p.get("duration") == "repeating" and "duration_in_months" not in p:
        raise refuse(
            "Missing required param: duration_in_months.",
            code="parameter_missing",
            param="duration_in_months",
        )
    return call.state.new("coupon", {**_own_id(call, "coupon"), "times_redeemed": 0}, params=p)


@behaviour("promotion_codes.create")
def create_promotion_code(call: Call) -> dict[str, Any]:
    p = call.params
    coupon = p.get("coupon") or (p.get("promotion") or {}).get("coupon")
    code = p.get("code") or call.state.ids.pick("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 8)
    if call.state.find_all("promotion_code", code=code):
        raise refuse(
            "An active promotion code with that code already exists.", code="parameter_invalid", param="code"
        )
    found = call.maybe(coupon) if coupon else None
    return call.state.new("promotion_code", {"code": code, "coupon": found, "times_redeemed": 0}, params=p)
