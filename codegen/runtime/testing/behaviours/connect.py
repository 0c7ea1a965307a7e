"""Connect and money movement: connected accounts (capabilities requested, not yet active),
account and login links, rejection, transfers and reversals, payouts, and the balance
computed from balance transactions (card funds are pending, as in test mode, except the
``pm_card_bypassPending`` card's)."""

from __future__ import annotations

from typing import Any

from ..refusals import refuse, unexpected_state
from ..state import Held, State, fill
from .payments import balance_transaction
from .registry import Call, behaviour


def _capability(state: State, account: str, name: str, status: str) -> dict[str, Any]:
    cap = state.build.build("capability")
    fill(
        "capability",
        cap,
        {"id": name, "account": account, "requested": True, "status": status, "requested_at": state.now()},
    )
    state.objects[f"{account}/{name}"] = Held("capability", cap, account)  # names repeat across accounts
    return cap


@behaviour("accounts.create")
def create_account(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    kind = p.get("type") or ("standard" if not p.get("controller") else "custom")
    requested = sorted(k for k, v in (p.get("capabilities") or {}).items() if (v or {}).get("requested"))
    due = ["business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"]
    account = state.new(
        "account",
        {
            "type": kind,
            "country": p.get("country", "US"),
            "default_currency": "usd",
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "capabilities": {name: "inactive" for name in requested},
            "requirements": {
                **state.build.build("account_requirements"),
                "currently_due": due,
                "eventually_due": due,
                "disabled_reason": "requirements.past_due",
            },
        },
        params={k: v for k, v in p.items() if k not in ("type", "capabilities")},
    )
    for name in requested:
        _capability(state, account["id"], name, "inactive")
    return account


def _capabilities(call: Call, account: str) -> dict[str, dict[str, Any]]:
    """The account's capabilities by name (one seeded by id wins over the one made here)."""
    found: dict[str, dict[str, Any]] = {}
    for held in list(call.state.objects.values()):
        if held.schema == "capability" and held.parent == account:
            found[str(held.obj["id"])] = held.obj
    return found


@behaviour("accounts.capabilities.list")
def list_capabilities(call: Call) -> dict[str, Any]:
    caps = sorted(_capabilities(call, call.ids[0]).values(), key=lambda c: c["id"])
    return {
        "object": "list",
        "data": caps,
        "has_more": False,
        "url": f"/v1/accounts/{call.ids[0]}/capabilities",
    }


@behaviour("accounts.capabilities.retrieve", "accounts.capabilities.update")
def capability(call: Call) -> dict[str, Any]:
    account, name = call.ids
    cap = _capabilities(call, account).get(name)
    if cap is None:
        from ..refusals import missing

        raise missing("capability", name)
    if "requested" in call.params:
        requested = call.params["requested"]
        call.state.change(
            cap,
            {"requested": requested, "status": cap["status"] if requested else "inactive"},
            "capability.updated",
        )
    return cap


@behaviour("accounts.reject")
def reject(call: Call) -> dict[str, Any]:
    account = call.target("account")
    if account.get("type") == "standard":
        raise refuse("Standard accounts cannot be rejected by the platform.", code="parameter_invalid")
    reason = call.params["reason"]
    requirements = {**(account.get("requirements") or {}), "disabled_reason": f"rejected.{reason}"}
    call.state.change(
        account,
        {"charges_enabled": False, "payouts_enabled": False, "requirements": requirements},
        "account.updated",
    )
    return account


@behaviour("account_links.create")
def account_link(call: Call) -> dict[str, Any]:
    account = call.find(call.params["account"], "account", param="account")
    if call.params.get("type") == "account_update" and account.get("type") == "standard":
        raise refuse(
            "You cannot create `account_update` type Account Links for Standard accounts.",
            code="parameter_invalid",
            param="type",
        )
    now = call.state.now()
    return call.state.new(
        "account_link", {"created": now, "expires_at": now + 300}, params=call.params, event=False
    )


@behaviour("accounts.login_links.create")
def login_link(call: Call) -> dict[str, Any]:
    account = call.find(call.ids[0], "account")
    if account.get("type") != "express":
        raise refuse(
            "Cannot create a login link for an account that is not an Express account.",
            code="parameter_invalid",
            param="account",
        )
    return call.state.new("login_link", {"created": call.state.now()}, event=False)


def available(state: State, currency: str, account: str | None) -> int:
    return sum(
        int(h.obj["amount"]) - int(h.obj.get("fee") or 0)
        for h in state.objects.values()
        if h.schema == "balance_transaction"
        and h.account == account
        and h.obj.get("currency") == currency
        and h.obj.get("status") == "available"
    )


def _in_account(state: State, account: str | None, make: Any) -> Any:
    saved = state.account
    state.account = account
    try:
        return make()
    finally:
        state.account = saved


@behaviour("transfers.create")
def transfer(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    amount, currency = int(p["amount"]), str(p["currency"])
    if available(state, currency, state.account) < amount and not p.get("source_transaction"):
        raise refuse(
            "You have insufficient available funds in your Stripe account. Try adding funds directly "
            "to your available balance by creating Charges using the 4000000000000077 test card.",
            code="balance_insufficient",
        )
    made = state.new("transfer", {"amount_reversed": 0, "reversed": False}, params=p)
    fill(
        "transfer",
        made,
        {"balance_transaction": balance_transaction(state, -amount, currency, "transfer", made["id"], True)},
    )
    _in_account(
        state,
        p["destination"],
        lambda: balance_transaction(state, amount, currency, "payment", made["id"], True),
    )
    return made


@behaviour("transfers.reversals.create")
def reverse(call: Call) -> dict[str, Any]:
    made = call.find(call.ids[0], "transfer")
    left = int(made["amount"]) - int(made.get("amount_reversed") or 0)
    amount = int(call.params.get("amount", left))
    if left <= 0:
        raise refuse(f"Transfer {made['id']} has already been fully reversed.")
    if amount > left:
        raise refuse(
            f"Reversal amount ({amount}) is greater than the amount left on the transfer ({left}).",
            code="amount_too_large",
            param="amount",
        )
    reversal = call.state.new(
        "transfer_reversal",
        {"amount": amount, "currency": made["currency"], "transfer": made["id"]},
        params=call.params,
        parent=made["id"],
    )
    reversed_total = int(made.get("amount_reversed") or 0) + amount
    call.state.change(
        made,
        {"amount_reversed": reversed_total, "reversed": reversed_total >= made["amount"]},
        "transfer.reversed",
    )
    return reversal


@behaviour("payouts.create")
def payout(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    amount, currency = int(p["amount"]), str(p["currency"])
    if available(state, currency, state.account) < amount:
        raise refuse(
            "You have insufficient funds in your Stripe account for this transfer.",
            code="balance_insufficient",
        )
    made = state.new(
        "payout",
        {
            "status": "pending",
            "arrival_date": state.now() + 2 * 86400,
            "method": p.get("method", "standard"),
            "type": "bank_account",
        },
        params=p,
    )
    fill(
        "payout",
        made,
        {"balance_transaction": balance_transaction(state, -amount, currency, "payout", made["id"], True)},
    )
    return made


@behaviour("payouts.cancel")
def cancel_payout(call: Call) -> dict[str, Any]:
    made = call.target("payout")
    if made["status"] != "pending":
        raise unexpected_state(made, "canceled", ["pending"])
    call.state.change(made, {"status": "canceled"}, "payout.canceled")
    balance_transaction(call.state, int(made["amount"]), made["currency"], "payout_cancel", made["id"], True)
    return made


@behaviour("payouts.reverse")
def reverse_payout(call: Call) -> dict[str, Any]:
    made = call.target("payout")
    raise unexpected_state(made, "reversed", ["paid"])


@behaviour("balance.retrieve")
def balance(call: Call) -> dict[str, Any]:
    state = call.state
    totals: dict[tuple[str, str], int] = {}
    for held in state.objects.values():
        if held.schema == "balance_transaction" and held.account == state.account:
            key = (str(held.obj["status"]), str(held.obj["currency"]))
            totals[key] = totals.get(key, 0) + int(held.obj["amount"]) - int(held.obj.get("fee") or 0)
    currencies = sorted({c for _, c in totals} | {"usd"})
    result = state.build.build("balance")
    for status in ("available", "pending"):
        result[status] = [
            {
                "amount": totals.get((status, c), 0),
                "currency": c,
                "source_types": {"card": totals.get((status, c), 0)},
            }
            for c in currencies
        ]
    return result
