"""Test controls (injected failures, received requests), webhooks, the fixtures, concurrency."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from importlib.metadata import entry_points

import httpx
import pytest

from lattice_stripe import (
    APIError,
    AsyncStripeClient,
    CardError,
    InvalidRequestError,
    RateLimitError,
    RetryPolicy,
    StripeClient,
    WebhookEvent,
    WebhookRouter,
    construct_event,
)
from lattice_stripe.models import Customer, Invoice
from lattice_stripe.testing import FakeStripe

FAST = RetryPolicy(initial_delay=0.001, max_delay=0.002)


def test_fixtures_come_from_the_entry_point(
    stripe_fake: FakeStripe, stripe_fake_client: StripeClient
) -> None:
    (plugin,) = [e for e in entry_points(group="pytest11") if e.name == "lattice_stripe"]
    assert plugin.value == "lattice_stripe._runtime.testing.pytest_plugin"
    customer = stripe_fake_client.customers.create(email="a@example.com")
    assert stripe_fake.get(customer.id)["email"] == "a@example.com"


async def test_async_fixture(stripe_fake: FakeStripe, stripe_fake_async_client: AsyncStripeClient) -> None:
    customer = await stripe_fake_async_client.customers.create(email="a@example.com")
    assert isinstance(customer, Customer)
    assert (await stripe_fake_async_client.customers.retrieve(customer.id)).email == "a@example.com"


def test_decline_next_then_succeed() -> None:
    fake = FakeStripe()
    with fake.stripe_client() as client:
        fake.decline_next("payment_intents.create", decline_code="insufficient_funds")
        with pytest.raises(CardError) as caught:
            client.payment_intents.create(amount=100, currency="usd", confirm=True)
        assert (caught.value.http_status, caught.value.code, caught.value.decline_code) == (
            402,
            "card_declined",
            "insufficient_funds",
        )
        assert client.payment_intents.create(amount=100, currency="usd").amount == 100
        client.customers.create()  # a non-matching call was never at risk


def test_rate_limit_is_retried_honouring_retry_after() -> None:
    fake = FakeStripe()
    with fake.stripe_client(retry_policy=FAST) as client:
        fake.rate_limit_next("POST /v1/customers", retry_after=0.001)
        assert client.customers.create().last_response.attempts == 2
        fake.fail_next(
            "customers.create", status=429, times=3, type="invalid_request_error", code="rate_limit"
        )
        with pytest.raises(RateLimitError) as caught:
            client.customers.create()
        assert caught.value.attempts == 3  # max_retries=2


def test_server_error_follows_stripe_should_retry() -> None:
    fake = FakeStripe()
    with fake.stripe_client(retry_policy=FAST) as client:
        fake.server_error_next("customers.create", should_retry=False)
        with pytest.raises(APIError) as caught:
            client.customers.create()
        assert caught.value.attempts == 1 and caught.value.http_status == 500
        assert fake.objects("customer") == []


def test_requests_received_with_headers_and_params() -> None:
    fake = FakeStripe()
    acct_client = fake.seed("account", {"id": "acct_client"})["id"]
    fake.seed("account", {"id": "acct_call"})
    with fake.stripe_client("sk_test_abcdefghijklmnop", stripe_account=acct_client) as client:
        client.customers.create(email="a@example.com", metadata={"k": "v"}, idempotency_key="idem-1")
        client.customers.list(limit=3, stripe_account="acct_call")
    create, listing = fake.requests
    assert (create.method, create.path, create.call_path) == ("POST", "/v1/customers", "customers.create")
    assert create.params == {"email": "a@example.com", "metadata": {"k": "v"}}
    assert create.headers["stripe-account"] == "acct_client"
    assert create.headers["idempotency-key"] == "idem-1"
    assert listing.params == {"limit": 3} and listing.headers["stripe-account"] == "acct_call"  # typed
    assert "abcdefghijklmnop" not in repr(fake.requests)  # the key is masked


def test_unknown_url_and_missing_key() -> None:
    fake = FakeStripe()
    with httpx.Client(transport=fake.transport(), base_url="https://api.stripe.com") as http:
        unknown = http.get("/v1/nothing_here", headers={"Authorization": "Bearer sk_test_1"})
        assert unknown.status_code == 404 and "Unrecognized request URL" in unknown.json()["error"]["message"]
        assert http.get("/v1/customers").status_code == 401


def test_files_multipart_and_binary_pdf() -> None:
    fake = FakeStripe()
    with fake.stripe_client() as client:
        upload = client.files.create(file=("evidence.pdf", b"%PDF-1.4 proof"), purpose="dispute_evidence")
        assert upload.id.startswith("file_") and upload.purpose == "dispute_evidence"
        assert fake.requests[-1].params["purpose"] == "dispute_evidence"
        quote = client.quotes.create(customer=client.customers.create().id)
        with pytest.raises(InvalidRequestError):  # Stripe renders finalized quotes only
            client.quotes.pdf(quote.id)
        client.quotes.finalize(quote.id)
        assert client.quotes.pdf(quote.id).startswith(b"%PDF")
        with pytest.raises(InvalidRequestError) as caught:
            client.files.create(file=b"x", purpose="dispute_evidence", file_link_data={"expires_at": 1})
        assert caught.value.param == "file_link_data[create]"
        # the spec lets new purposes through (x-stripeBypassValidation), as Stripe does
        assert client.files.create(file=b"x", purpose="a_future_purpose").purpose == "a_future_purpose"


def test_signed_event_verifies_and_dispatches_typed() -> None:
    fake = FakeStripe()
    with fake.stripe_client() as client:
        customer = client.customers.create().id
        invoice = client.invoices.create(customer=customer, auto_advance=False)
        client.invoiceitems.create(customer=customer, amount=900, currency="usd", invoice=invoice.id)
        client.invoices.finalize(invoice.id)
        paid = client.invoices.pay(invoice.id, paid_out_of_band=True)
    delivery = fake.event("invoice.paid", paid.id, previous_attributes={"status": "open"})
    event = construct_event(delivery.payload, delivery.header, fake.webhook_secret)
    assert event.type == "invoice.paid" and isinstance(event.data.object, Invoice)
    assert event.data.object.status == "paid" and event.data.previous_attributes == {"status": "open"}
    seen: list[str] = []
    router = WebhookRouter(fake.webhook_secret)

    @router.on("invoice.paid")
    def handle(evt: WebhookEvent) -> None:
        seen.append(evt.data.object.id)

    assert router.handle(delivery.payload, delivery.headers["Stripe-Signature"]).status == 200
    assert seen == [paid.id]
    with fake.stripe_client() as client:
        assert client.events.retrieve(event.id).type == "invoice.paid"  # the fake keeps what it sent
    assert router.handle(delivery.payload + b" ", delivery.header).status == 400  # bytes are what is signed
    with pytest.raises(KeyError):
        fake.event("invoice.paid", "in_not_held")


async def test_two_hundred_concurrent_async_calls_against_one_fake() -> None:
    fake = FakeStripe()
    async with fake.async_stripe_client() as client:
        created = await asyncio.gather(*(client.customers.create(metadata={"n": str(i)}) for i in range(200)))
        assert len({c.id for c in created}) == 200
        fetched = await asyncio.gather(*(client.customers.retrieve(c.id) for c in created))
        assert [f.metadata["n"] for f in fetched] == [str(i) for i in range(200)]
        everything = [c.id async for c in (await client.customers.list(limit=100)).auto_paging_iter()]
    assert len(everything) == 200 and len(fake.requests) == 402


def test_importing_the_sdk_never_imports_the_fake() -> None:
    code = (
        "import sys, lattice_stripe\n"
        "from lattice_stripe import StripeClient, AsyncStripeClient\n"
        "StripeClient('sk_test_1'); AsyncStripeClient('sk_test_1')\n"
        "bad = [m for m in sys.modules if 'fake' in m or m == 'lattice_stripe.testing']\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_fake_runs_on_generated_tables_alone() -> None:
    code = (
        "import sys\n"
        "from lattice_stripe.testing import FakeStripe\n"
        "fake = FakeStripe()\n"
        "assert fake.stripe_client().customers.create(email='a@b.co').email == 'a@b.co'\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('yaml', 'codegen', 'jinja2')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60, cwd="/")
