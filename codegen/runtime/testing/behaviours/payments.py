"""Payment methods, payment and setup intents, charges and refunds, as Stripe's test mode
runs them: test cards decide the outcome (succeed, decline with a code, need 3D Secure),
manual capture holds funds, refunds cannot exceed what is left, destination charges
transfer to the connected account less the application fee."""

from __future__ import annotations

from typing import Any

from ..cards import DECLINE_MESSAGES, VISA, TestCard, card_details, card_of, card_payment_method, test_card
from ..lists import page
from ..refusals import card_declined, not_modelled, refuse, unexpected_state
from ..state import State, fill
from .registry import Call, behaviour

_MINIMUM = {"usd": 50, "eur": 50, "gbp": 30, "cad": 50, "aud": 50, "jpy": 50}
ACTIVE = (
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
    "requires_capture",
)


def _check_amount(params: dict[str, Any], key: str = "amount") -> None:
    amount, currency = params.get(key), str(params.get("currency", "")).lower()
    if isinstance(amount, int) and currency in _MINIMUM and amount < _MINIMUM[currency]:
        raise refuse(
            f"Amount must be at least {_MINIMUM[currency]} {currency}", code="amount_too_small", param=key
        )


def _capture_default(state: State) -> str:
    return "automatic_async" if state.api_version >= "2024-04-10" else "automatic"


# -- payment methods -----------------------------------------------------------------------


@behaviour("payment_methods.create")
def create_payment_method(call: Call) -> dict[str, Any]:
    p = call.params
    if p.get("type") != "card":
        return call.state.new("payment_method", {"customer": None}, params=p)
    card_params = p.get("card") or {}
    token = card_params.get("token") or card_params.get("number")
    card = test_card(str(token)) if token else VISA
    if card is None:
        raise card_declined(
            "test_mode_live_card",
            "Your card was declined. Your request was in test mode, but used a non test card.",
            param="card[number]",
        )
    pm = card_payment_method(call.state, card, {"billing_details": call.state.build.build("billing_details")})
    call.state.build.merge({"$ref": "payment_method"}, pm, {k: v for k, v in p.items() if k != "card"})
    return pm


@behaviour("payment_methods.retrieve")
def retrieve_payment_method(call: Call) -> dict[str, Any]:
    card = test_card(call.ids[-1]) if call.ids[-1].startswith("pm_card_") else None
    return card_payment_method(call.state, card) if card else call.target("payment_method")


@behaviour("payment_methods.attach")
def attach(call: Call) -> dict[str, Any]:
    card = test_card(call.ids[-1]) if call.ids[-1].startswith("pm_card_") else None
    pm = card_payment_method(call.state, card) if card else call.target("payment_method")
    customer = call.params["customer"]
    if pm.get("customer") not in (None, customer):
        raise refuse(
            "The payment method you provided has already been attached to a customer.",
            code="payment_method_unexpected_state",
            param="payment_method",
        )
    call.state.change(pm, {"customer": customer}, "payment_method.attached")
    return pm


@behaviour("payment_methods.detach")
def detach(call: Call) -> dict[str, Any]:
    pm = call.target("payment_method")
    if pm.get("customer") is None:
        raise refuse(
            f"The payment method {pm['id']} is not attached to a customer so detachment is impossible.",
            code="payment_method_unexpected_state",
        )
    customer = call.maybe(pm["customer"])
    call.state.change(pm, {"customer": None}, "payment_method.detached")
    settings = (customer or {}).get("invoice_settings") or {}
    if customer is not None and settings.get("default_payment_method") == pm["id"]:
        call.state.change(customer, {"invoice_settings": {**settings, "default_payment_method": None}})
    return pm


@behaviour("customers.payment_methods.list")
def customer_payment_methods(call: Call) -> dict[str, Any]:
    customer = call.ids[0]
    params = {k: v for k, v in call.params.items() if k != "type"}
    wanted = call.params.get("type")
    return page(
        call.state,
        call.op,
        ["payment_method"],
        None,
        params,
        keep=lambda pm: pm.get("customer") == customer and wanted in (None, pm.get("type")),
    )


# -- charges ------------------------------------------------------------------------------


def balance_transaction(
    state: State, amount: int, currency: str, kind: str, source: str, available: bool
) -> str:
    fee = round(amount * 0.029) + 30 if kind == "charge" and amount > 0 else 0
    txn = state.new(
        "balance_transaction",
        {
            "amount": amount,
            "currency": currency,
            "fee": fee,
            "net": amount - fee,
            "type": kind,
            "source": source,
            "status": "available" if available else "pending",
            "available_on": state.now() + (0 if available else 2 * 86400),
            "reporting_category": kind,
        },
        event=False,
    )
    return str(txn["id"])


def new_charge(
    state: State,
    amount: int,
    currency: str,
    pm: dict[str, Any] | None,
    card: TestCard,
    *,
    captured: bool,
    fields: dict[str, Any],
) -> dict[str, Any]:
    failed = card.decline is not None
    details = {"type": "card", "card": card_details(card)}
    charge = state.new(
        "charge",
        {
            "amount": amount,
            "currency": currency,
            "status": "failed" if failed else "succeeded",
            "paid": not failed,
            "captured": captured and not failed,
            "amount_captured": amount if captured and not failed else 0,
            "amount_refunded": 0,
            "refunded": False,
            "disputed": False,
            "payment_method": (pm or {}).get("id"),
            "payment_method_details": details,
            "failure_code": ("card_declined" if card.decline not in DECLINE_MESSAGES else card.decline)
            if failed
            else None,
            "failure_message": DECLINE_MESSAGES.get(str(card.decline), "Your card was declined.")
            if failed
            else None,
            "outcome": {
                "network_status": "declined_by_network" if failed else "approved_by_network",
                "reason": card.decline,
                "risk_level": "normal",
                "seller_message": "The bank did not return any further details with this decline."
                if failed
                else "Payment complete.",
                "type": "issuer_declined" if failed else "authorized",
            },
            "receipt_url": None,
            "balance_transaction": None,
            **fields,
        },
        event=False,
    )
    if not failed and captured:
        fill(
            "charge",
            charge,
            {
                "balance_transaction": balance_transaction(
                    state, amount, currency, "charge", charge["id"], card.available
                )
            },
        )
    state.emit("charge.failed" if failed else "charge.succeeded", charge)
    return charge


def _destination(state: State, charge: dict[str, Any], intent: dict[str, Any] | None) -> None:
    """A destination charge transfers to the connected account, less the application fee."""
    source = intent or charge
    data = source.get("transfer_data") or {}
    destination = data.get("destination") if isinstance(data, dict) else None
    fee_amount = source.get("application_fee_amount")
    if destination:
        amount = int(data.get("amount") or (charge["amount_captured"] - int(fee_amount or 0)))
        transfer = state.new(
            "transfer",
            {
                "amount": amount,
                "currency": charge["currency"],
                "destination": destination,
                "source_transaction": charge["id"],
                "reversed": False,
                "amount_reversed": 0,
            },
        )
        state.change(charge, {"transfer": transfer["id"]}, None)
        available = card_of(
            state,
            state.objects[charge["payment_method"]].obj
            if charge.get("payment_method") in state.objects
            else None,
        ).available
        balance_transaction(state, -amount, charge["currency"], "transfer", transfer["id"], available)
        saved, state.account = state.account, destination
        try:
            balance_transaction(state, amount, charge["currency"], "payment", transfer["id"], available)
        finally:
            state.account = saved
    if fee_amount and destination:
        fee = state.new(
            "application_fee",
            {
                "amount": int(fee_amount),
                "amount_refunded": 0,
                "currency": charge["currency"],
                "charge": charge["id"],
                "account": destination,
                "refunded": False,
            },
        )
        state.change(charge, {"application_fee": fee["id"], "application_fee_amount": int(fee_amount)}, None)


@behaviour("charges.create")
def create_charge(call: Call) -> dict[str, Any]:
    p = call.params
    _check_amount(p)
    source = p.get("source")
    if source is None and not p.get("customer"):
        raise refuse("Must provide source or customer.", code="parameter_missing", param="source")
    card = test_card(str(source)) if isinstance(source, str) else VISA
    if isinstance(source, str) and card is None and call.maybe(source) is None:
        raise refuse(f"No such token: '{source}'", code="resource_missing", param="source", status=404)
    card = card or VISA
    captured = p.get("capture", True)
    keep = {k: v for k, v in p.items() if k not in ("source", "amount", "currency", "capture")}
    charge = new_charge(call.state, p["amount"], p["currency"], None, card, captured=captured, fields={})
    call.state.build.merge({"$ref": "charge"}, charge, keep)
    if card.decline:
        raise card_declined(card.decline, str(charge["failure_message"]), charge=charge["id"])
    if captured:
        _destination(call.state, charge, None)
    return charge


@behaviour("charges.capture")
def capture_charge(call: Call) -> dict[str, Any]:
    charge = call.target("charge")
    if charge.get("refunded"):
        raise refuse(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
    if charge.get("captured"):
        raise refuse(f"Charge {charge['id']} has already been captured.", code="charge_already_captured")
    amount = int(call.params.get("amount", charge["amount"]))
    if amount > charge["amount"]:
        raise refuse(
            f"Amount to capture ({amount}) is greater than the amount authorized ({charge['amount']}).",
            code="amount_too_large",
            param="amount",
        )
    _capture(call.state, charge, amount)
    if charge.get("payment_intent"):
        intent = call.maybe(charge["payment_intent"])
        if intent is not None:
            call.state.change(
                intent,
                {"status": "succeeded", "amount_received": amount, "amount_capturable": 0},
                "payment_intent.succeeded",
            )
    return charge


def _capture(state: State, charge: dict[str, Any], amount: int) -> None:
    held = state.held(charge.get("payment_method"))
    card = card_of(state, held.obj if held else None)
    txn = balance_transaction(state, amount, charge["currency"], "charge", charge["id"], card.available)
    state.change(
        charge,
        {
            "captured": True,
            "amount_captured": amount,
            "amount_refunded": charge["amount"] - amount,
            "refunded": False,
            "balance_transaction": txn,
        },
        "charge.captured",
    )


# -- payment intents ------------------------------------------------------------------------


@behaviour("payment_intents.create")
def create_intent(call: Call) -> dict[str, Any]:
    p = call.params
    state = call.state
    _check_amount(p)
    intent = state.new(
        "payment_intent",
        {
            "status": "requires_confirmation" if p.get("payment_method") else "requires_payment_method",
            "capture_method": p.get("capture_method", _capture_default(state)),
            "confirmation_method": p.get("confirmation_method", "automatic"),
            "amount_received": 0,
            "amount_capturable": 0,
            "payment_method_types": p.get("payment_method_types") or ["card"],
            "latest_charge": None,
            "next_action": None,
            "last_payment_error": None,
        },
        params=p,
    )
    if p.get("confirm"):
        confirm(call.state, intent, p)
    return intent


@behaviour("payment_intents.update")
def update_intent(call: Call) -> dict[str, Any]:
    intent = call.target("payment_intent")
    free = {"metadata", "description", "receipt_email", "shipping", "expand"}
    if intent["status"] not in ACTIVE and set(call.params) - free:
        raise unexpected_state(intent, "updated", ACTIVE)
    if "amount" in call.params:
        _check_amount({"currency": intent["currency"], **call.params})
    before = intent["status"]
    result = call.generic()
    if call.params.get("payment_method") and before == "requires_payment_method":
        call.state.change(intent, {"status": "requires_confirmation"})
    return result


@behaviour("payment_intents.confirm")
def confirm_intent(call: Call) -> dict[str, Any]:
    intent = call.target("payment_intent")
    return confirm(call.state, intent, call.params)


def confirm(state: State, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Confirming charges the payment method; its test card decides the outcome."""
    allowed = ("requires_payment_method", "requires_confirmation", "requires_action")
    if intent["status"] not in allowed:
        raise unexpected_state(intent, "confirmed", allowed)
    pm_id = params.get("payment_method") or intent.get("payment_method")
    if not pm_id:
        raise refuse(
            "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm "
            "the PaymentIntent with a payment method, pass `payment_method`.",
            code="payment_intent_unexpected_state",
            param="payment_method",
        )
    for key in ("return_url", "setup_future_usage", "off_session", "receipt_email"):
        if key in params:
            fill("payment_intent", intent, {key: params[key]})
    held = state.held(pm_id)
    pm = held.obj if held else None
    card = card_of(state, pm)
    state.change(intent, {"payment_method": pm_id, "last_payment_error": None}, None)
    if card.action and not params.get("_authenticated"):
        return_url = params.get("return_url")
        action: dict[str, Any] = {
            "type": "use_stripe_sdk",
            "use_stripe_sdk": {"type": "three_d_secure_redirect"},
        }
        if return_url:
            action = {
                "type": "redirect_to_url",
                "redirect_to_url": {
                    "url": f"https://hooks.stripe.com/3d_secure_2/hosted?payment_intent={intent['id']}",
                    "return_url": return_url,
                },
            }
        state.change(
            intent, {"status": "requires_action", "next_action": action}, "payment_intent.requires_action"
        )
        return intent
    return _charge_intent(state, intent, pm, card)


def _charge_intent(
    state: State, intent: dict[str, Any], pm: dict[str, Any] | None, card: TestCard
) -> dict[str, Any]:
    manual = intent.get("capture_method") == "manual"
    fields = {"payment_intent": intent["id"], "customer": intent.get("customer")}
    for key in (
        "description",
        "metadata",
        "transfer_data",
        "application_fee_amount",
        "on_behalf_of",
        "transfer_group",
    ):
        if intent.get(key) is not None:
            fields[key] = intent[key]
    charge = new_charge(
        state, intent["amount"], intent["currency"], pm, card, captured=not manual, fields=fields
    )
    if card.decline:
        error = {
            "type": "card_error",
            "code": charge["failure_code"],
            "decline_code": card.decline,
            "message": charge["failure_message"],
            "charge": charge["id"],
            "payment_method": pm,
        }
        state.change(
            intent,
            {
                "status": "requires_payment_method",
                "latest_charge": charge["id"],
                "last_payment_error": error,
                "next_action": None,
            },
            "payment_intent.payment_failed",
        )
        raise card_declined(
            card.decline, str(charge["failure_message"]), payment_intent=intent, charge=charge["id"]
        )
    if (
        pm is not None
        and intent.get("setup_future_usage")
        and intent.get("customer")
        and not pm.get("customer")
    ):
        state.change(pm, {"customer": intent["customer"]}, "payment_method.attached")
    if manual:
        state.change(
            intent,
            {
                "status": "requires_capture",
                "amount_capturable": intent["amount"],
                "latest_charge": charge["id"],
                "next_action": None,
            },
            "payment_intent.amount_capturable_updated",
        )
    else:
        state.change(
            intent,
            {
                "status": "succeeded",
                "amount_received": intent["amount"],
                "latest_charge": charge["id"],
                "next_action": None,
            },
            "payment_intent.succeeded",
        )
        _destination(state, charge, intent)
    if card.dispute:
        open_dispute(state, charge)
    return intent


def authenticate(state: State, intent: dict[str, Any], succeed: bool) -> dict[str, Any]:
    """What the customer does on the 3D Secure page (``FakeStripe.authenticate``)."""
    if intent.get("status") != "requires_action":
        raise ValueError(f"{intent['id']} is {intent.get('status')}, not requires_action")
    if succeed:
        held = state.held(intent.get("payment_method"))
        return _charge_intent(
            state, intent, held.obj if held else None, card_of(state, held.obj if held else None)
        )
    error = {
        "type": "invalid_request_error",
        "code": "payment_intent_authentication_failure",
        "message": "The provided PaymentMethod has failed authentication.",
    }
    state.change(
        intent,
        {"status": "requires_payment_method", "next_action": None, "last_payment_error": error},
        "payment_intent.payment_failed",
    )
    return intent


@behaviour("payment_intents.capture")
def capture_intent(call: Call) -> dict[str, Any]:
    intent = call.target("payment_intent")
    if intent["status"] != "requires_capture":
        raise unexpected_state(intent, "captured", ["requires_capture"])
    amount = int(call.params.get("amount_to_capture", intent["amount_capturable"]))
    if amount > intent["amount_capturable"]:
        raise refuse(
            f"The amount to capture ({amount}) is greater than the amount capturable "
            f"({intent['amount_capturable']}).",
            code="amount_too_large",
            param="amount_to_capture",
        )
    for key in ("application_fee_amount", "metadata"):
        if key in call.params:
            fill("payment_intent", intent, {key: call.params[key]})
    charge = call.find(intent["latest_charge"], "charge", param=None)
    _capture(call.state, charge, amount)
    call.state.change(
        intent,
        {"status": "succeeded", "amount_received": amount, "amount_capturable": 0},
        "payment_intent.succeeded",
    )
    _destination(call.state, charge, intent)
    return intent


@behaviour("payment_intents.cancel")
def cancel_intent(call: Call) -> dict[str, Any]:
    intent = call.target("payment_intent")
    if intent["status"] not in ACTIVE:
        raise unexpected_state(intent, "canceled", ACTIVE)
    if intent.get("invoice"):
        raise refuse(
            "You cannot cancel this PaymentIntent because it was created by an invoice; void the "
            "invoice instead.",
            code="payment_intent_unexpected_state",
        )
    if intent["status"] == "requires_capture":  # the authorization is released
        charge = call.maybe(intent.get("latest_charge"))
        if charge is not None:
            call.state.change(
                charge, {"amount_refunded": charge["amount"], "refunded": True}, "charge.refunded"
            )
    call.state.change(
        intent,
        {
            "status": "canceled",
            "canceled_at": call.state.now(),
            "cancellation_reason": call.params.get("cancellation_reason"),
            "amount_capturable": 0,
            "next_action": None,
        },
        "payment_intent.canceled",
    )
    return intent


@behaviour(
    "payment_intents.increment_authorization",
    "payment_intents.apply_customer_balance",
    "payment_intents.verify_microdeposits",
)
def intent_not_modelled(call: Call) -> dict[str, Any]:
    call.target("payment_intent")
    raise not_modelled(call.path)


# -- setup intents --------------------------------------------------------------------------


@behaviour("setup_intents.create")
def create_setup(call: Call) -> dict[str, Any]:
    p = call.params
    intent = call.state.new(
        "setup_intent",
        {
            "status": "requires_confirmation" if p.get("payment_method") else "requires_payment_method",
            "usage": p.get("usage", "off_session"),
            "payment_method_types": p.get("payment_method_types") or ["card"],
            "next_action": None,
            "last_setup_error": None,
        },
        params=p,
    )
    if p.get("confirm"):
        setup_confirm(call.state, intent, p)
    return intent


@behaviour("setup_intents.confirm")
def confirm_setup(call: Call) -> dict[str, Any]:
    return setup_confirm(call.state, call.target("setup_intent"), call.params)


def setup_confirm(state: State, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    allowed = ("requires_payment_method", "requires_confirmation", "requires_action")
    if intent["status"] not in allowed:
        raise unexpected_state(intent, "confirmed", allowed)
    pm_id = params.get("payment_method") or intent.get("payment_method")
    if not pm_id:
        raise refuse(
            "You cannot confirm this SetupIntent because it's missing a payment method.",
            code="setup_intent_unexpected_state",
            param="payment_method",
        )
    held = state.held(pm_id)
    pm = held.obj if held else None
    card = card_of(state, pm)
    state.change(intent, {"payment_method": pm_id}, None)
    if card.decline:
        error = {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": card.decline,
            "message": "Your card was declined.",
        }
        state.change(
            intent,
            {"status": "requires_payment_method", "last_setup_error": error},
            "setup_intent.setup_failed",
        )
        raise card_declined(card.decline, "Your card was declined.", setup_intent=intent)
    if card.action and not params.get("_authenticated"):
        action = {"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure_redirect"}}
        state.change(
            intent, {"status": "requires_action", "next_action": action}, "setup_intent.requires_action"
        )
        return intent
    if pm is not None and intent.get("customer") and not pm.get("customer"):
        state.change(pm, {"customer": intent["customer"]}, "payment_method.attached")
    state.change(intent, {"status": "succeeded", "next_action": None}, "setup_intent.succeeded")
    return intent


@behaviour("setup_intents.cancel")
def cancel_setup(call: Call) -> dict[str, Any]:
    intent = call.target("setup_intent")
    allowed = ("requires_payment_method", "requires_confirmation", "requires_action")
    if intent["status"] not in allowed:
        raise unexpected_state(intent, "canceled", allowed)
    call.state.change(
        intent,
        {"status": "canceled", "cancellation_reason": call.params.get("cancellation_reason")},
        "setup_intent.canceled",
    )
    return intent


# -- refunds --------------------------------------------------------------------------------


def refund(
    state: State, charge: dict[str, Any], params: dict[str, Any], intent: str | None = None
) -> dict[str, Any]:
    """Refund what is left of a charge (or ``amount`` of it)."""
    if params.get("reverse_transfer") or params.get("refund_application_fee"):
        raise not_modelled("reverse_transfer and refund_application_fee on refunds")
    if not charge.get("captured"):
        raise refuse(
            f"Charge {charge['id']} has not been captured; cancel its PaymentIntent to release the funds.",
            code="charge_not_refundable",
        )
    left = int(charge["amount_captured"]) - int(charge["amount_refunded"] or 0)
    if left <= 0:
        raise refuse(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
    amount = int(params.get("amount", left))
    if amount > left:
        raise refuse(
            f"Refund amount (${amount / 100:.2f}) is greater than unrefunded amount on charge "
            f"(${left / 100:.2f})",
            code="amount_too_large",
            param="amount",
        )
    if amount <= 0:
        raise refuse("Amount must be greater than 0.", code="parameter_invalid_integer", param="amount")
    created = state.new(
        "refund",
        {
            "amount": amount,
            "charge": charge["id"],
            "currency": charge["currency"],
            "payment_intent": intent or charge.get("payment_intent"),
            "status": "succeeded",
            "reason": params.get("reason"),
            "metadata": params.get("metadata") or {},
            "balance_transaction": balance_transaction(
                state, -amount, charge["currency"], "refund", charge["id"], True
            ),
        },
    )
    refunded = int(charge["amount_refunded"] or 0) + amount
    state.change(
        charge,
        {"amount_refunded": refunded, "refunded": refunded >= charge["amount_captured"]},
        "charge.refunded",
    )
    return created


def _charge_to_refund(call: Call) -> tuple[dict[str, Any], str | None]:
    p = call.params
    if ("charge" in p) == ("payment_intent" in p):
        raise refuse(
            "You must pass either `charge` or `payment_intent`.", code="parameter_missing", param="charge"
        )
    if "charge" in p:
        return call.find(p["charge"], "charge", param="charge"), None
    intent = call.find(p["payment_intent"], "payment_intent", param="payment_intent")
    if intent["status"] != "succeeded" or not intent.get("latest_charge"):
        raise refuse(
            f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
            code="charge_not_refundable"
            if intent["status"] != "requires_capture"
            else "payment_intent_unexpected_state",
            param="payment_intent",
        )
    return call.find(intent["latest_charge"], "charge", param="payment_intent"), intent["id"]


@behaviour("refunds.create")
def create_refund(call: Call) -> dict[str, Any]:
    charge, intent = _charge_to_refund(call)
    return refund(call.state, charge, call.params, intent)


@behaviour("charges.refunds.create")
def create_charge_refund(call: Call) -> dict[str, Any]:
    return refund(call.state, call.find(call.ids[0], "charge"), call.params)


@behaviour("charges.refund")
def charge_refund(call: Call) -> dict[str, Any]:
    charge = call.target("charge")
    refund(call.state, charge, call.params)
    return charge


@behaviour("refunds.cancel")
def cancel_refund(call: Call) -> dict[str, Any]:
    found = call.target("refund")
    if found.get("status") != "requires_action":
        raise unexpected_state(found, "canceled", ["requires_action"])
    call.state.change(found, {"status": "canceled"}, "refund.updated")
    return found


# -- disputes a test card opens ---------------------------------------------------------------


def open_dispute(state: State, charge: dict[str, Any]) -> dict[str, Any]:
    """What Stripe does when a card's issuer disputes a charge (``pm_card_createDispute``)."""
    now = state.now()
    dispute = state.new(
        "dispute",
        {
            "amount": charge["amount"],
            "currency": charge["currency"],
            "charge": charge["id"],
            "payment_intent": charge.get("payment_intent"),
            "reason": "fraudulent",
            "status": "needs_response",
            "is_charge_refundable": False,
            "evidence_details": {
                "due_by": now + 7 * 86400,
                "has_evidence": False,
                "past_due": False,
                "submission_count": 0,
            },
        },
        event=False,
    )
    balance_transaction(state, -int(charge["amount"]), charge["currency"], "adjustment", dispute["id"], True)
    state.change(charge, {"disputed": True}, None)
    state.emit("charge.dispute.created", dispute)
    return dispute
