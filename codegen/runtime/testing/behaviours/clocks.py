"""Test clocks: advancing moves the frozen time of every customer on the clock, renewing
subscriptions (invoices, payments), ending trials and cancellations, and finalizing
``auto_advance`` drafts an hour after they were made; deleting one deletes its customers."""

from __future__ import annotations

from typing import Any

from ..refusals import refuse, unexpected_state
from .billing import attempt, finalize
from .registry import Call, behaviour
from .subscriptions import advance as advance_subscription


@behaviour("test_helpers.test_clocks.create")
def create(call: Call) -> dict[str, Any]:
    frozen = int(call.params["frozen_time"])
    return call.state.new(
        "test_helpers.test_clock",
        {"status": "ready", "frozen_time": frozen, "deletes_after": frozen + 30 * 86400},
        params=call.params,
    )


@behaviour("test_helpers.test_clocks.advance")
def advance(call: Call) -> dict[str, Any]:
    clock = call.target("test_helpers.test_clock")
    state = call.state
    since, to = int(clock["frozen_time"]), int(call.params["frozen_time"])
    if clock["status"] != "ready":
        raise unexpected_state(clock, "advanced", ["ready"])
    if to <= since:
        raise refuse(
            "The frozen time must be after the current frozen time of the test clock.",
            code="parameter_invalid",
            param="frozen_time",
        )
    state.change(clock, {"status": "advancing"}, "test_helpers.test_clock.advancing")
    customers = {c["id"] for c in state.find_all("customer", test_clock=clock["id"])}
    for sub in state.find_all("subscription"):
        if sub.get("customer") in customers:
            clock["frozen_time"] = since
            advance_subscription(state, sub, clock, since, to)
    clock["frozen_time"] = to
    for invoice in state.find_all("invoice"):
        if (
            invoice.get("customer") in customers
            and invoice["status"] == "draft"
            and invoice.get("auto_advance")
            and int(invoice.get("created") or 0) + 3600 <= to
        ):
            finalize(state, invoice)
            if invoice["status"] == "open" and invoice.get("collection_method") == "charge_automatically":
                attempt(state, invoice, None)
    state.change(clock, {"status": "ready"}, "test_helpers.test_clock.ready")
    return clock


@behaviour("test_helpers.test_clocks.delete")
def delete(call: Call) -> dict[str, Any]:
    clock = call.target("test_helpers.test_clock")
    for customer in call.state.find_all("customer", test_clock=clock["id"]):
        for sub in call.state.find_all("subscription", customer=customer["id"]):
            call.state.remove(sub["id"])
        call.state.remove(customer["id"])
    return call.generic()
