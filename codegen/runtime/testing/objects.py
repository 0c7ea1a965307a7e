"""Objects the fake answers with, built from the spec's definitions.

Every required field is present and well-typed (nullable ones are ``null``, enums take
their first value, lists are empty pages), ids carry Stripe's prefixes, and request
parameters that fit a response field of the same name are echoed into it.
"""

from __future__ import annotations

import itertools
import random
import string
from typing import Any

from .schema import component, deref

# Stripe's id prefixes for the objects a test usually creates (the spec does not list them).
PREFIXES = {
    "account": "acct",
    "account_link": "",
    "application_fee": "fee",
    "balance_transaction": "txn",
    "bank_account": "ba",
    "billing.meter": "mtr",
    "billing_portal.configuration": "bpc",
    "billing_portal.session": "bps",
    "capability": "",
    "card": "card",
    "charge": "ch",
    "checkout.session": "cs_test",
    "coupon": "co",
    "credit_note": "cn",
    "credit_note_line_item": "cnli",
    "customer": "cus",
    "customer_balance_transaction": "cbtxn",
    "dispute": "dp",
    "event": "evt",
    "file": "file",
    "file_link": "link",
    "invoice": "in",
    "invoiceitem": "ii",
    "line_item": "il",
    "login_link": "",
    "mandate": "mandate",
    "payment_intent": "pi",
    "payment_link": "plink",
    "payment_method": "pm",
    "payout": "po",
    "person": "person",
    "plan": "plan",
    "price": "price",
    "product": "prod",
    "promotion_code": "promo",
    "quote": "qt",
    "refund": "re",
    "setup_intent": "seti",
    "source": "src",
    "subscription": "sub",
    "subscription_item": "si",
    "subscription_schedule": "sub_sched",
    "tax_id": "txi",
    "tax_rate": "txr",
    "test_helpers.test_clock": "clock",
    "token": "tok",
    "topup": "tu",
    "transfer": "tr",
    "transfer_reversal": "trr",
    "webhook_endpoint": "we",
    "v2.billing.meter_event_adjustment": "mtr_event_adj",
    "v2.core.event": "evt",
    "v2.core.event_destination": "ed",
}
# Where a new object starts (the spec's first enum value is not always the first state).
INITIAL_STATUS = {
    "charge": "succeeded",
    "checkout.session": "open",
    "credit_note": "issued",
    "dispute": "needs_response",
    "invoice": "draft",
    "payment_intent": "requires_payment_method",
    "payout": "pending",
    "quote": "draft",
    "refund": "succeeded",
    "setup_intent": "requires_payment_method",
    "subscription": "active",
    "subscription_schedule": "not_started",
    "topup": "pending",
    "transfer_reversal": "succeeded",
}
# Values Stripe fills where the spec's default would mislead (a new product is active).
FILLED: dict[str, dict[str, Any]] = {
    "product": {"active": True, "type": "service"},
    "price": {"active": True, "billing_scheme": "per_unit", "tax_behavior": "unspecified"},
    "plan": {"active": True, "billing_scheme": "per_unit", "interval_count": 1, "usage_type": "licensed"},
    "coupon": {"valid": True},
    "promotion_code": {"active": True},
    "tax_rate": {"active": True},
    "shipping_rate": {"active": True},
    "webhook_endpoint": {"status": "enabled"},
    "payment_link": {"active": True},
    "billing.meter": {"status": "active"},
    "test_helpers.test_clock": {"status": "ready"},
    "account": {"type": "standard", "country": "US", "default_currency": "usd"},
}
# Secrets and URLs Stripe makes for a new object: field -> format (``{id}``, ``{rand}``).
MADE: dict[str, dict[str, str | None]] = {
    "payment_intent": {"client_secret": "{id}_secret_{rand}"},
    "setup_intent": {"client_secret": "{id}_secret_{rand}"},
    "webhook_endpoint": {"secret": "whsec_{rand}"},
    "checkout.session": {
        "url": "https://checkout.stripe.com/c/pay/{id}#fid{rand}",
        "client_secret": "{id}_secret_{rand}",
    },
    "billing_portal.session": {"url": "https://billing.stripe.com/p/session/test_{rand}"},
    "account_link": {"url": "https://connect.stripe.com/setup/s/acct/{rand}"},
    "login_link": {"url": "https://connect.stripe.com/express/acct/{rand}"},
    "ephemeral_key": {"secret": "ek_test_{rand}"},
    "customer_session": {"client_secret": "cuss_secret_{rand}"},
    "account_session": {"client_secret": "accs_secret__{rand}"},
    "payment_link": {"url": "https://buy.stripe.com/test_{rand}"},
    "file_link": {"url": "https://files.stripe.com/links/{rand}"},
    "quote": {"number": None},  # set when finalized
}
_ALNUM = string.ascii_letters + string.digits
_MAX_DEPTH = 6


class Ids:
    """Unique ids and increasing ``created`` times (seeded, so a run repeats)."""

    def __init__(self, seed: int = 0, start: int = 1_700_000_000) -> None:
        self._random = random.Random(seed)
        self._clock = itertools.count(start)

    def new(self, kind: str) -> str:
        prefix = PREFIXES.get(kind)
        if prefix is None:
            prefix = "".join(part[:3] for part in kind.replace(".", "_").split("_"))
        tail = "".join(self._random.choices(_ALNUM, k=24))
        return f"{prefix}_{tail}" if prefix else tail

    def now(self) -> int:
        return next(self._clock)

    def pick(self, alphabet: str, k: int) -> str:
        return "".join(self._random.choices(alphabet, k=k))


def object_kind(schema_name: str) -> str:
    """The ``object`` value a component's instances carry (its name if it has none)."""
    enum = component(schema_name).get("properties", {}).get("object", {}).get("enum", [])
    return str(enum[0]) if len(enum) == 1 else schema_name


def ref_names(schema: dict[str, Any]) -> list[str]:
    """Component names a response schema may be (polymorphic aliases expanded)."""
    if "$ref" in schema:
        target = component(schema["$ref"])
        if "anyOf" in target and "properties" not in target:
            return [n for sub in target["anyOf"] for n in ref_names(sub)]
        return [schema["$ref"]]
    return [n for sub in schema.get("anyOf", ()) for n in ref_names(sub)]


class Builder:
    """Builds spec-shaped values; ``url`` fills the ``url`` of embedded list pages."""

    def __init__(self, ids: Ids) -> None:
        self.ids = ids

    def build(self, schema_name: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
        """A new instance of a component schema, with ``fields`` laid over it."""
        obj = self._object(component(schema_name), 0, schema_name)
        if fields:
            self.merge(component(schema_name), obj, fields)
        return obj

    def value(self, schema: dict[str, Any], depth: int, name: str, required: bool = True) -> Any:
        if "$ref" in schema:
            names = ref_names(schema)
            return self._object(component(names[0]), depth + 1, names[0]) if names else None
        if schema.get("nullable"):
            return None
        if "anyOf" in schema:
            if schema.get("expansions"):
                return self.ids.new(object_kind(schema["expansions"][0]))
            first = next((b for b in schema["anyOf"] if deref(b).get("enum") != [""]), schema["anyOf"][0])
            return self.value(first, depth, name)
        typ = schema.get("type")
        if typ == "string":
            if "enum" in schema:
                return schema["enum"][0]
            return "usd" if name == "currency" else ""
        if typ == "integer":
            return self.ids.now() if schema.get("format") == "unix-time" else 0
        if typ == "number":
            return 0.0
        if typ == "boolean":
            return bool(schema.get("enum", [False])[0])
        if typ == "array":
            return []
        if typ == "object":
            return self._object(schema, depth + 1, name)
        return None

    def _object(self, schema: dict[str, Any], depth: int, name: str) -> dict[str, Any]:
        props: dict[str, Any] = schema.get("properties", {})
        kind = props.get("object", {}).get("enum", [None])[0]
        if kind == "list" and "data" in props:
            return {"object": "list", "data": [], "has_more": False, "url": "/v1/" + name}
        if depth > _MAX_DEPTH:
            return {}
        out: dict[str, Any] = {}
        for key in schema.get("required", ()):
            sub = props.get(key, {})
            if key == "id" and kind:
                out[key] = self.ids.new(kind)
            elif key == "object" and kind:
                out[key] = kind
            elif key == "livemode":
                out[key] = False
            elif key == "metadata":
                out[key] = {}
            else:
                out[key] = self.value(sub, depth, key)
        if kind and "id" in props and not out.get("id"):  # optional only for previews (upcoming invoice)
            out["id"] = self.ids.new(kind)
        if kind in INITIAL_STATUS and "status" in props:
            out["status"] = INITIAL_STATUS[kind]
        if depth == 0 and kind is not None:
            for key, value in FILLED.get(kind, {}).items():
                if key in props:
                    out[key] = value
            for key, shape in MADE.get(kind, {}).items():
                if key in props:
                    out[key] = shape and shape.format(id=out.get("id", ""), rand=self.ids.pick(_ALNUM, 24))
        return out

    def merge(self, schema: dict[str, Any], obj: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """Lay the parameters that fit a field of ``obj`` onto it; returns what they replaced.

        Maps merge key by key (``metadata[k]=""`` deletes ``k``); anything else replaces."""
        props: dict[str, Any] = deref(schema).get("properties", {})
        previous: dict[str, Any] = {}
        for key, value in params.items():
            if key in ("id", "object", "expand") or key not in props:
                continue
            fitted = fit(props[key], value)
            if fitted is _NO:
                continue
            previous[key] = obj.get(key)
            current = obj.get(key)
            if isinstance(fitted, dict) and isinstance(current, dict):
                merged = {**current}
                for k, v in fitted.items():
                    if v == "" and "properties" not in deref(props[key]):
                        merged.pop(k, None)
                    else:
                        merged[k] = v
                obj[key] = merged
            else:
                obj[key] = fitted
        return previous


_NO = object()


def fit(schema: dict[str, Any], value: Any) -> Any:
    """``value`` (coerced request data) as it would sit in a response field, or ``_NO``."""
    if "$ref" in schema:
        target = component(schema["$ref"])
        return _fit_object(target, value) if "properties" in target else _NO
    if value is None:
        return None if schema.get("nullable") else _NO
    for branch in schema.get("anyOf", ()):
        fitted = fit(branch, value)
        if fitted is not _NO:
            return fitted
    typ = schema.get("type")
    if typ == "string" and isinstance(value, str):
        return value  # validated against the request's enum already (which may allow bypass)
    if typ == "integer" and type(value) is int:
        return value
    if typ == "number" and type(value) in (int, float):
        return value
    if typ == "boolean" and type(value) is bool:
        return value
    if typ == "array" and isinstance(value, list):
        items = [fit(schema.get("items", {}), v) for v in value]
        return _NO if any(i is _NO for i in items) else items
    if typ == "object" and isinstance(value, dict):
        return _fit_object(schema, value)
    return _NO


def _fit_object(schema: dict[str, Any], value: Any) -> Any:
    if not isinstance(value, dict):
        return _NO
    props = schema.get("properties")
    if props is None:  # a map such as metadata
        extra = schema.get("additionalProperties", {})
        out = {k: fit(extra, v) if isinstance(extra, dict) else v for k, v in value.items()}
        return _NO if any(v is _NO for v in out.values()) else out
    if props.get("object", {}).get("enum") == ["list"]:
        return _NO
    # Request-only keys (a phase's `iterations`) are dropped; a hash sharing no key does not fit.
    fitted = {k: fit(props[k], v) for k, v in value.items() if k in props}
    if (value and not fitted) or any(v is _NO for v in fitted.values()):
        return _NO
    return fitted
