"""Stripe's test cards: the ``pm_card_*`` and ``tok_*`` ids and card numbers a test passes,
and what paying with each does (succeeds, declines with a code, needs authentication)."""

from __future__ import annotations

from typing import Any

import attrs

from .state import State, fill


@attrs.frozen
class TestCard:
    brand: str
    last4: str
    decline: str | None = None  # Stripe's decline_code
    action: bool = False  # needs 3D Secure before it can be charged
    dispute: bool = False  # the charge is disputed right after it succeeds
    available: bool = False  # funds go straight to the available balance
    funding: str = "credit"
    country: str = "US"


VISA = TestCard("visa", "4242")
CARDS = {
    "visa": VISA,
    "visa_debit": TestCard("visa", "5556", funding="debit"),
    "mastercard": TestCard("mastercard", "4444"),
    "amex": TestCard("amex", "8431"),
    "discover": TestCard("discover", "1117"),
    "bypassPending": TestCard("visa", "0077", available=True),
    "chargeDeclined": TestCard("visa", "0002", decline="generic_decline"),
    "chargeDeclinedInsufficientFunds": TestCard("visa", "9995", decline="insufficient_funds"),
    "chargeDeclinedLostCard": TestCard("visa", "9987", decline="lost_card"),
    "chargeDeclinedStolenCard": TestCard("visa", "9979", decline="stolen_card"),
    "chargeDeclinedExpiredCard": TestCard("visa", "0069", decline="expired_card"),
    "chargeDeclinedIncorrectCvc": TestCard("visa", "0127", decline="incorrect_cvc"),
    "chargeDeclinedProcessingError": TestCard("visa", "0119", decline="processing_error"),
    "chargeDeclinedFraudulent": TestCard("visa", "0019", decline="fraudulent"),
    "authenticationRequired": TestCard("visa", "3184", action=True),
    "threeDSecure2Required": TestCard("visa", "3220", action=True),
    "createDispute": TestCard("visa", "0259", dispute=True),
}
NUMBERS = {
    "4242424242424242": "visa",
    "4000056655665556": "visa_debit",
    "5555555555554444": "mastercard",
    "378282246310005": "amex",
    "6011111111111117": "discover",
    "4000000000000077": "bypassPending",
    "4000000000000002": "chargeDeclined",
    "4000000000009995": "chargeDeclinedInsufficientFunds",
    "4000000000009987": "chargeDeclinedLostCard",
    "4000000000009979": "chargeDeclinedStolenCard",
    "4000000000000069": "chargeDeclinedExpiredCard",
    "4000000000000127": "chargeDeclinedIncorrectCvc",
    "4000000000000119": "chargeDeclinedProcessingError",
    "4100000000000019": "chargeDeclinedFraudulent",
    "4000002760003184": "authenticationRequired",
    "4000000000003220": "threeDSecure2Required",
    "4000000000000259": "createDispute",
}
DECLINE_MESSAGES = {
    "insufficient_funds": "Your card has insufficient funds.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "processing_error": "An error occurred while processing your card. Try again in a little bit.",
}


def test_card(token: str) -> TestCard | None:
    """The test card a ``pm_card_*`` / ``tok_*`` id or a card number stands for."""
    for prefix in ("pm_card_", "tok_"):
        if token.startswith(prefix):
            return CARDS.get(token[len(prefix) :])
    name = NUMBERS.get(token.replace(" ", ""))
    return CARDS[name] if name else None


def card_of(state: State, pm: dict[str, Any] | None) -> TestCard:
    """How a payment method the fake holds behaves (a card made from a test number or id)."""
    return CARDS.get(state.cards.get(str((pm or {}).get("id")), "visa"), VISA)


def card_details(card: TestCard) -> dict[str, Any]:
    return {
        "brand": card.brand,
        "last4": card.last4,
        "exp_month": 12,
        "exp_year": 2034,
        "funding": card.funding,
        "country": card.country,
        "fingerprint": f"fp{card.last4}{card.brand}"[:16],
    }


def card_payment_method(state: State, card: TestCard, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """A new card payment method standing for a test card (Stripe makes one per use of a
    ``pm_card_*`` id)."""
    name = next(k for k, v in CARDS.items() if v == card)
    pm = state.new("payment_method", {"type": "card", "customer": None, **(fields or {})}, event=False)
    details = state.build.build("payment_method_card")
    details.update(card_details(card))
    fill("payment_method", pm, {"card": details})
    state.cards[pm["id"]] = name
    return pm
