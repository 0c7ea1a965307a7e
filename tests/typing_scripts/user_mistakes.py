"""Mistakes a type checker must catch: every line marked ``# error`` is one (mypy and pyright)."""

from __future__ import annotations

from lattice_stripe import CardError, StripeClient, WebhookEvent, WebhookRouter

URL = "https://example.com/done"


def arguments(client: StripeClient, event: WebhookEvent) -> None:
    client.customers.retrieve("cus_1", expand="customer")  # error
    client.checkout.sessions.list(expand="data.customer")  # error
    client.payment_intents.create(amount=2000, currency="usd", payment_method_types="card")  # error
    client.payment_intents.create(amount=20.00, currency="usd")  # error
    client.accounts.reject("acct_1", reason="spam")  # error
    client.raw_request("put", "/v1/x", encoding="xml")  # error
    client.customers.list(limit="10")  # error
    client.customers.create(metadata={"plan": 3})  # error
    client.checkout.sessions.create(success_url=URL, mode="subscripton")  # error
    client.customers.retrieve("cus_1", expand=["customer"])  # fine: a list


def list_items(client: StripeClient) -> None:
    subs, cs, schedules = client.subscriptions, client.checkout.sessions, client.subscription_schedules
    subs.create(customer="cus_1", items=[{"pricee": "price_1"}])  # error
    subs.create(customer="cus_1", items=[{"price": "price_1", "quantity": "2"}])  # error
    subs.create(customer="cus_1", items="price_1")  # error
    subs.update("sub_1", items=[{"id": "si_1", "deleted": "true"}])  # error
    cs.create(success_url=URL, line_items=[{"price": "price_1", "quantiy": 1}])  # error
    cs.create(success_url=URL, line_items=[{"price_data": {"currency": "usd", "unit_amount": "9"}}])  # error
    cs.create(success_url=URL, line_items=[{"price_data": {"currency": "usd", "product_data": {}}}])  # error
    schedules.create(phases=[{"itemz": [{"price": "price_1"}]}])  # error
    schedules.create(phases=[{"items": [{"prise": "price_1"}]}])  # error
    schedules.create(phases=[{"items": [{"price": "price_1"}], "end_date": "2027-01-01"}])  # error
    client.invoices.create(customer="cus_1", expand=("customer"))  # error
    subs.create(customer="cus_1", items=[{"price": "price_1", "quantity": 2}])  # fine


def options(client: StripeClient) -> None:
    client.customers.create(email="jo@example.com", idempotency_kye="k1")  # error
    client.customers.create(email="jo@example.com", timeout="30")  # error
    client.customers.retrieve("cus_1", stripe_account=123)  # error


def names(client: StripeClient, event: WebhookEvent, hooks: WebhookRouter, name: str) -> None:
    client.invoices.finalize_invoice("in_1")  # error
    client.request("get", "/v1/customers")  # error
    event.is_type("payment_intent.succeded")  # error
    event.is_type("invoice.payed")  # error
    hooks.on("invoice.payed")  # error
    hooks.on("invioce.*")  # error
    hooks.on(name)  # error


def typed_error(exc: CardError) -> None:
    error = exc.typed_error
    if error is not None:
        print(error.payment_intent, error.no_such_field)  # error
