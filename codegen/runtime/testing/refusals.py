"""Every answer the fake refuses with, worded as Stripe words it: one place for error types,
codes and params, so a behaviour says *why* and this module says *how Stripe says it*."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Stripe's code when an action meets an object in the wrong state, by object.
_STATE_CODES = {
    "payment_intent": "payment_intent_unexpected_state",
    "setup_intent": "setup_intent_unexpected_state",
    "invoice": "invoice_not_editable",
    "charge": "charge_already_captured",
}


class Refusal(Exception):
    """An error answer: HTTP status and Stripe's ``error`` object."""

    def __init__(self, status: int, error: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(error.get("message"))
        self.status = status
        self.error = error
        self.headers = headers or {}


def refuse(
    message: str,
    *,
    code: str | None = None,
    param: str | None = None,
    type: str = "invalid_request_error",
    status: int = 400,
    **extra: Any,
) -> Refusal:
    error = {"type": type, "message": message, **extra}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return Refusal(status, error)


def missing(kind: str, object_id: str, param: str | None = "id") -> Refusal:
    """404 ``resource_missing``, naming the parameter that carried the id."""
    noun = kind.rsplit(".", 1)[-1].replace("_", " ")
    return refuse(f"No such {noun}: '{object_id}'", code="resource_missing", param=param, status=404)


def unexpected_state(obj: dict[str, Any], action: str, allowed: Iterable[str]) -> Refusal:
    """An action Stripe allows only from some statuses, asked of an object in another."""
    kind = str(obj.get("object"))
    noun = "".join(p.capitalize() for p in kind.replace(".", "_").split("_"))
    names = ", ".join(sorted(allowed))
    refusal = refuse(
        f"This {noun} could not be {action} because it has a status of {obj.get('status')}. "
        f"Only a {noun} with one of the following statuses may be {action}: {names}.",
        code=_STATE_CODES.get(kind, f"{kind.rsplit('.', 1)[-1]}_unexpected_state"),
    )
    what = {"id": obj.get("id"), "object": kind, "status": obj.get("status")}
    refusal.error[kind.rsplit(".", 1)[-1]] = what  # Stripe names the object it refused
    return refusal


def not_modelled(what: str) -> Refusal:
    """What the fake does not model answers this, never a made-up success."""
    return refuse(
        f"FakeStripe does not model {what}; seed the objects you need with FakeStripe.seed, or "
        "test this call against Stripe's test mode.",
        code="not_modelled",
    )


def card_declined(decline_code: str, message: str, **extra: Any) -> Refusal:
    code = (
        decline_code
        if decline_code in ("expired_card", "incorrect_cvc", "processing_error")
        else "card_declined"
    )
    return refuse(message, type="card_error", code=code, decline_code=decline_code, status=402, **extra)
