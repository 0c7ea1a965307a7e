"""What a new user writes in their first hour; ``mypy --strict`` must accept it as is."""

from __future__ import annotations

from lattice_stripe import AsyncStripeClient, CardError, StripeClient, WebhookEvent
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


def on_event(event: WebhookEvent) -> bool:
    return event.is_type("payment_intent.succeeded", "invoice.paid")


async def later() -> None:
    async with AsyncStripeClient("sk_test_...") as client:
        await client.accounts.reject("acct_1", reason="fraud")
        await client.raw_request("get", "/v1/billing/meters", params={"limit": 3})


if __name__ == "__main__":
    with StripeClient("sk_test_...") as client:
        print(checkout(client))
