"""Ids a request names must be objects the fake holds, as Stripe checks them: one table of
the parameters that carry an id and what it must name, applied at any depth
(``items[0][price]``, ``transfer_data[destination]``); path ids and ``Stripe-Account``."""

from __future__ import annotations

from typing import Any

from .cards import card_payment_method, test_card
from .refusals import missing, refuse
from .state import State

# Parameter name -> the schemas its id may name.
REFERENCES: dict[str, tuple[str, ...]] = {
    "customer": ("customer",),
    "price": ("price",),
    "plan": ("plan", "price"),
    "product": ("product",),
    "coupon": ("coupon",),
    "promotion_code": ("promotion_code",),
    "payment_method": ("payment_method",),
    "default_payment_method": ("payment_method", "card", "source"),
    "payment_intent": ("payment_intent",),
    "setup_intent": ("setup_intent",),
    "charge": ("charge",),
    "invoice": ("invoice",),
    "subscription": ("subscription",),
    "from_subscription": ("subscription",),
    "subscription_item": ("subscription_item",),
    "test_clock": ("test_helpers.test_clock",),
    "tax_rates": ("tax_rate",),
    "default_tax_rates": ("tax_rate",),
    "on_behalf_of": ("account",),
    "shipping_rate": ("shipping_rate",),
    "refund": ("refund",),
    "transfer": ("transfer",),
    "quote": ("quote",),
    "credit_note": ("credit_note",),
    "dispute": ("dispute",),
    "meter": ("billing.meter",),
}
# Names whose meaning depends on where they sit: (call or enclosing key, name) -> schemas.
PLACED: dict[tuple[str, str], tuple[str, ...]] = {
    ("transfer_data", "destination"): ("account",),
    ("transfers.create", "destination"): ("account",),
    ("account_links.create", "account"): ("account",),
    ("account_sessions.create", "account"): ("account",),
}
# Hashes whose keys are the caller's own (a metadata key named ``plan`` is not an id).
_FREE = frozenset({"metadata", "payload", "custom_fields", "rendering_options"})
# Where a name above is not an id (a filter over another resource's field, a free string).
NOT_IDS = frozenset({("events.list", "type")})


def check(state: State, call: str, params: dict[str, Any], where: str = "", parent: str = "") -> None:
    """Refuse (404 ``resource_missing`` naming the param) the first id that names nothing;
    a test card id (``pm_card_visa``) becomes a new payment method, as Stripe makes one."""
    for key, value in params.items():
        if key in _FREE:
            continue
        name = f"{where}[{key}]" if where else key
        schemas = PLACED.get((parent or call, key)) or REFERENCES.get(key)
        if isinstance(value, dict):
            check(state, call, value, name, key)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    check(state, call, item, f"{name}[{i}]", key)
                elif schemas and isinstance(item, str):
                    _one(state, schemas, item, f"{name}[{i}]")
        elif schemas and isinstance(value, str) and value and (call, key) not in NOT_IDS:
            params[key] = _one(state, schemas, value, name)


def _one(state: State, schemas: tuple[str, ...], value: str, param: str) -> str:
    held = state.held(value)
    if held is not None and held.schema in schemas:
        return value
    if "payment_method" in schemas and value.startswith("pm_card_"):
        card = test_card(value)
        if card is not None:
            return str(card_payment_method(state, card)["id"])
    raise missing(schemas[0], value, param)


def check_account(state: State, account: str | None) -> None:
    """A ``Stripe-Account`` must name a connected account the fake holds."""
    if account is None:
        return
    held = state.objects.get(account)
    if held is None or held.schema != "account":
        raise refuse(
            f"The provided key does not have access to account '{account}' (or that account does "
            "not exist). Application access may have been revoked.",
            code="account_invalid",
            type="invalid_request_error",
            status=403,
        )
