"""What a new user writes in their first hour; ``mypy --strict`` must accept it as is."""

from __future__ import annotations

from lattice_stripe import (
    AsyncStripeClient,
    CardError,
    StripeClient,
    UnknownEventType,
    WebhookEvent,
    WebhookRouter,
)
from lattice_stripe.models import Customer, UnknownObject


def checkout(client: StripeClient) -> str | None:
    customer = client.customers.create(email="jo@example.com", metadata={"plan": "pro"})
    try:
        intent = client.payment_intents.create(
            amount=2000, currency="usd", customer=customer.id, expand=["customer"], confirm=True
        )
    except CardError as exc:
        error = exc.typed_error
        if error is not None and error.payment_intent is not None:
            return error.payment_intent.id
        return exc.decline_code
    found = client.customers.retrieve(customer.id, expand=("default_source",))
    if isinstance(found, Customer):
        print(found.email)
    return intent.id


def meter(client: StripeClient, customer: str) -> None:
    event = client.raw_request(
        "post",
        "/v1/billing/meter_events",
        params={"event_name": "api_requests", "payload": {"stripe_customer_id": customer, "value": "1"}},
    )
    if isinstance(event, UnknownObject):
        print(event["identifier"], event.to_dict())
    session = client.raw_request("post", "/v2/billing/meter_event_session")
    token = str(session["authentication_token"])
    client.raw_request(
        "post",
        "/v2/billing/meter_event_stream",
        params={"events": [{"event_name": "api_requests", "payload": {"stripe_customer_id": customer}}]},
        base_url="https://meter-events.stripe.com",
        api_key=token,
    )


def subscribe(client: StripeClient) -> None:
    client.subscriptions.create(
        customer="cus_1",
        items=[
            {"price": "price_1", "quantity": 2},
            {
                "price_data": {
                    "currency": "usd",
                    "product": "prod_1",
                    "recurring": {"interval": "month"},
                    "unit_amount": 500,
                }
            },
        ],
        expand=["latest_invoice"],
    )
    client.checkout.sessions.create(
        success_url="https://example.com/done",
        mode="payment",
        line_items=[
            {
                "price_data": {"currency": "usd", "unit_amount": 1000, "product_data": {"name": "Tee"}},
                "quantity": 1,
            }
        ],
    )
    client.subscription_schedules.create(
        customer="cus_1", phases=[{"items": [{"price": "price_1"}], "end_date": 1798761600}]
    )
    client.accounts.login_links.create(account="acct_1")  # a path parameter by keyword
    client.invoices.finalize("in_1", auto_advance=False, idempotency_key="k1", timeout=5.0)


def on_event(event: WebhookEvent) -> bool:
    return event.is_type("payment_intent.succeeded", "invoice.paid") or event.is_type(UnknownEventType("x.y"))


def endpoint(hooks: WebhookRouter) -> None:
    @hooks.on("invoice.paid", "customer.subscription.*")
    def paid(event: WebhookEvent) -> None:
        print(event.id)

    @hooks.on(UnknownEventType("invoice.some_future_type"))
    async def later(event: WebhookEvent) -> None:
        print(event.id)

    hooks.asgi()
    hooks.wsgi(path="/stripe/webhooks")


async def later() -> None:
    async with AsyncStripeClient("sk_test_...") as client:
        await client.accounts.reject("acct_1", reason="fraud")
        await client.raw_request("get", "/v1/billing/meters", params={"limit": 3})


if __name__ == "__main__":
    with StripeClient("sk_test_...") as client:
        print(checkout(client))
