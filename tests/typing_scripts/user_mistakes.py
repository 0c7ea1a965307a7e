"""Mistakes a type checker must catch: every line marked ``# error`` is one."""

from __future__ import annotations

from lattice_stripe import CardError, StripeClient, WebhookEvent


def mistakes(client: StripeClient, event: WebhookEvent) -> None:
    client.customers.retrieve("cus_1", expand="customer")  # error
    client.checkout.sessions.list(expand="data.customer")  # error
    client.payment_intents.create(amount=2000, currency="usd", payment_method_types="card")  # error
    event.is_type("payment_intent.succeded")  # error
    client.accounts.reject("acct_1", reason="spam")  # error
    client.raw_request("put", "/v1/x", encoding="xml")  # error
    client.customers.retrieve("cus_1", expand=["customer"])  # fine: a list


def typed_error(exc: CardError) -> None:
    error = exc.typed_error
    if error is not None:
        print(error.payment_intent, error.no_such_field)  # error
