"""Customers: invoice numbering prefix, balance moved by balance transactions, a default
payment method that must be attached, deletion canceling subscriptions."""

from __future__ import annotations

import string
from typing import Any

from ..refusals import refuse
from .registry import Call, behaviour
from .subscriptions import end


def _prefix(call: Call) -> str:
    return call.state.ids.pick(string.ascii_uppercase + string.digits, 8)


@behaviour("customers.create")
def create(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    _check_default(call, None, p)
    customer = state.new(
        "customer",
        {
            "invoice_prefix": p.get("invoice_prefix") or _prefix(call),
            "next_invoice_sequence": 1,
            "balance": p.get("balance", 0),
            "test_clock": p.get("test_clock"),
            "delinquent": False,
        },
        params=p,
    )
    if p.get("payment_method"):
        pm = call.find(p["payment_method"], "payment_method", param="payment_method")
        state.change(pm, {"customer": customer["id"]}, "payment_method.attached")
    return customer


def _check_default(call: Call, customer: str | None, params: dict[str, Any]) -> None:
    default = (params.get("invoice_settings") or {}).get("default_payment_method")
    if default and customer is None and params.get("payment_method") == default:
        return
    if default:
        pm = call.maybe(default) or {}
        if pm.get("customer") != customer:
            raise refuse(
                f"The customer does not have a payment method with the ID {default}. The payment "
                "method must be attached to the customer.",
                code="resource_missing",
                param="invoice_settings[default_payment_method]",
            )


@behaviour("customers.update")
def update(call: Call) -> dict[str, Any]:
    customer = call.target("customer")
    _check_default(call, customer["id"], call.params)
    return call.generic()


@behaviour("customers.delete")
def delete(call: Call) -> dict[str, Any]:
    """Deleting a customer cancels its subscriptions at once (Stripe's API reference)."""
    customer = call.target("customer")
    for sub in call.state.find_all("subscription", customer=customer["id"]):
        if sub.get("status") not in ("canceled", "incomplete_expired"):
            end(call.state, sub)
    return call.generic()


@behaviour("customers.balance_transactions.create")
def balance_transaction(call: Call) -> dict[str, Any]:
    """A balance transaction moves the customer's balance (``ending_balance``)."""
    state = call.state
    customer = call.find(call.ids[0], "customer")
    amount = int(call.params["amount"])
    ending = int(customer.get("balance") or 0) + amount
    txn = state.new(
        "customer_balance_transaction",
        {"customer": customer["id"], "ending_balance": ending, "type": "adjustment", "amount": amount},
        params=call.params,
        parent=customer["id"],
    )
    state.change(customer, {"balance": ending})
    return txn
