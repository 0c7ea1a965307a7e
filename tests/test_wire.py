"""Generated methods end to end over real HTTP (127.0.0.1), sync and async.

Each case checks the request line, headers and encoded body Stripe expects, and that the
response becomes the right typed model.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from typing import Any

import pytest

import lattice_stripe
from lattice_stripe import AsyncStripeClient, StripeClient, models
from lattice_stripe._runtime.objects.pages import ListObject, SearchResult
from tests.stripe_server import Reply, StripeServer

KEY = "sk_test_wire_0123456789abcdef"


@pytest.fixture
def example(fixtures3: dict[str, dict[str, Any]]) -> Any:
    """``example(name, **changes)``: a fresh copy of Stripe's example object, with changes."""

    def make(name: str, **changes: Any) -> dict[str, Any]:
        return {**json.loads(json.dumps(fixtures3[name])), **changes}

    return make


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest, server: StripeServer) -> Iterator[Any]:
    """``call("customers.create", **kw)`` through a sync or an async client."""
    if request.param == "sync":
        client: Any = StripeClient(KEY, base_url=server.url, files_base_url=server.url + "/files-host")
    else:
        client = AsyncStripeClient(KEY, base_url=server.url, files_base_url=server.url + "/files-host")
    import asyncio

    loop = asyncio.new_event_loop()

    def invoke(path: str, *args: Any, **kwargs: Any) -> Any:
        target = client
        for part in path.split("."):
            target = getattr(target, part)
        result = target(*args, **kwargs)
        return loop.run_until_complete(result) if inspect.isawaitable(result) else result

    yield invoke
    if request.param == "sync":
        client.close()
    else:
        loop.run_until_complete(client.aclose())
    loop.close()


def test_customers_create_form_body_and_headers(call: Any, server: StripeServer, example: Any) -> None:
    server.reply(Reply(json=example("customer", id="cus_9")))
    customer = call(
        "customers.create", email="jo@example.com", metadata={"plan": "pro"}, preferred_locales=["en", "fr"]
    )
    assert isinstance(customer, models.Customer) and customer.id == "cus_9"
    req = server.last
    assert (req.method, req.path) == ("POST", "/v1/customers")
    assert req.form == [
        ("email", "jo@example.com"),
        ("metadata[plan]", "pro"),
        ("preferred_locales[]", "en"),
        ("preferred_locales[]", "fr"),
    ]
    assert req.header("authorization") == f"Bearer {KEY}"
    assert req.header("stripe-version") == lattice_stripe.API_VERSION
    assert req.header("content-type") == "application/x-www-form-urlencoded"
    assert req.header("idempotency-key")
    assert req.header("user-agent").startswith("lattice-stripe/")


def test_payment_intents_create_nested_params(call: Any, server: StripeServer, example: Any) -> None:
    server.reply(Reply(json=example("payment_intent")))
    intent = call(
        "payment_intents.create",
        amount=2000,
        currency="usd",
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
        payment_method_data={"type": "card", "billing_details": {"address": {"city": "Paris"}}},
        confirm=False,
    )
    assert isinstance(intent, models.PaymentIntent)
    assert server.last.form == [
        ("amount", "2000"),
        ("currency", "usd"),
        ("automatic_payment_methods[enabled]", "true"),
        ("automatic_payment_methods[allow_redirects]", "never"),
        ("confirm", "false"),
        ("payment_method_data[type]", "card"),
        ("payment_method_data[billing_details][address][city]", "Paris"),
    ]


def test_subscriptions_create_list_of_objects(call: Any, server: StripeServer, example: Any) -> None:
    server.reply(Reply(json=example("subscription")))
    sub = call(
        "subscriptions.create",
        customer="cus_1",
        items=[{"price": "price_1", "quantity": 2}, {"price": "price_2"}],
        proration_behavior="none",
    )
    assert isinstance(sub, models.Subscription)
    assert server.last.form == [
        ("customer", "cus_1"),
        ("items[0][price]", "price_1"),
        ("items[0][quantity]", "2"),
        ("items[1][price]", "price_2"),
        ("proration_behavior", "none"),
    ]


def test_checkout_session_line_items_deep_nesting(call: Any, server: StripeServer, example: Any) -> None:
    server.reply(Reply(json=example("checkout.session")))
    session = call(
        "checkout.sessions.create",
        mode="payment",
        success_url="https://example.com/ok",
        line_items=[
            {
                "price_data": {"currency": "usd", "unit_amount": 500, "product_data": {"name": "Tee"}},
                "quantity": 1,
            }
        ],
    )
    assert isinstance(session, models.CheckoutSession)
    assert ("line_items[0][price_data][unit_amount]", "500") in server.last.form
    assert ("line_items[0][price_data][product_data][name]", "Tee") in server.last.form


def test_charges_retrieve_expandable_as_id_and_as_object(
    call: Any, server: StripeServer, example: Any
) -> None:
    server.reply(Reply(json=example("charge", customer="cus_1")))
    charge = call("charges.retrieve", "ch_1")
    assert charge.customer == "cus_1"
    assert (server.last.method, server.last.path, server.last.query) == ("GET", "/v1/charges/ch_1", [])

    server.reply(Reply(json=example("charge", customer=example("customer", id="cus_1"))))
    charge = call("charges.retrieve", "ch_1", expand=["customer", "invoice"])
    assert isinstance(charge.customer, models.Customer) and charge.customer.id == "cus_1"
    assert server.last.query == [("expand[]", "customer"), ("expand[]", "invoice")]
    assert server.last.body == b"" and server.last.header("idempotency-key") is None


def test_customers_retrieve_union_dispatches_to_deleted(call: Any, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "cus_gone", "object": "customer", "deleted": True}))
    customer = call("customers.retrieve", "cus_gone")
    assert isinstance(customer, models.DeletedCustomer) and customer.deleted is True


def test_customers_delete_returns_deleted_model(call: Any, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "cus_1", "object": "customer", "deleted": True}))
    deleted = call("customers.delete", "cus_1")
    assert isinstance(deleted, models.DeletedCustomer)
    assert (server.last.method, server.last.path) == ("DELETE", "/v1/customers/cus_1")


def test_customer_sources_polymorphic(call: Any, server: StripeServer, example: Any) -> None:
    server.reply(Reply(json=example("bank_account")))
    source = call("customers.sources.retrieve", "cus_1", "ba_1")
    assert isinstance(source, models.BankAccount)
    server.reply(Reply(json=example("card")))
    assert isinstance(call("customers.sources.retrieve", "cus_1", "card_1"), models.Card)
    assert server.last.path == "/v1/customers/cus_1/sources/card_1"


def test_accounts_reject_and_capabilities_list(call: Any, server: StripeServer, example: Any) -> None:
    server.reply(Reply(json=example("account")))
    account = call("accounts.reject", "acct_1", reason="fraud")
    assert isinstance(account, models.Account)
    assert (server.last.path, server.last.form) == ("/v1/accounts/acct_1/reject", [("reason", "fraud")])

    page = {
        "object": "list",
        "data": [example("capability")],
        "has_more": False,
        "url": "/v1/accounts/acct_1/capabilities",
    }
    server.reply(Reply(json=page))
    capabilities = call("accounts.capabilities.list", "acct_1")
    assert isinstance(capabilities, ListObject)
    assert isinstance(capabilities.data[0], models.Capability)


def test_search_returns_a_typed_search_page(call: Any, server: StripeServer, example: Any) -> None:
    page = {
        "object": "search_result",
        "data": [example("product")],
        "has_more": True,
        "next_page": "abc",
        "url": "/v1/products/search",
    }
    server.reply(Reply(json=page))
    result = call("products.search", query="active:'true'", limit=1)
    assert isinstance(result, SearchResult) and result.next_page == "abc"
    assert isinstance(result.data[0], models.Product)
    assert server.last.query == [("query", "active:'true'"), ("limit", "1")]


def test_unknown_field_and_enum_value_are_kept(call: Any, server: StripeServer, example: Any) -> None:
    body = example("refund", status="teleported", brand_new_field={"nested": [1, 2]})
    server.reply(Reply(json=body))
    refund = call("refunds.retrieve", "re_1")
    assert isinstance(refund, models.Refund)
    assert refund.status == "teleported"
    assert refund["brand_new_field"] == {"nested": [1, 2]}
    assert refund.to_dict() == body


def test_quote_pdf_is_bytes(call: Any, server: StripeServer) -> None:
    server.reply(Reply(body=b"%PDF-1.4 binary\x00\xff", headers={"Content-Type": "application/pdf"}))
    assert call("quotes.pdf", "qt_1") == b"%PDF-1.4 binary\x00\xff"
    assert server.last.path == "/files-host/v1/quotes/qt_1/pdf"


def test_file_upload_is_multipart_to_the_files_host(call: Any, server: StripeServer, example: Any) -> None:
    server.reply(Reply(json=example("file")))
    uploaded = call("files.create", file=("id.png", b"\x89PNG data"), purpose="identity_document")
    assert isinstance(uploaded, models.File)
    req = server.last
    assert req.path == "/files-host/v1/files"
    assert req.header("content-type").startswith("multipart/form-data; boundary=")
    assert b'name="purpose"' in req.body and b"identity_document" in req.body
    assert b'filename="id.png"' in req.body and b"\x89PNG data" in req.body


def test_namespaced_and_test_helper_resources(call: Any, server: StripeServer, example: Any) -> None:
    server.reply(Reply(json=example("billing_portal.session")))
    session = call("billing_portal.sessions.create", customer="cus_1")
    assert isinstance(session, models.BillingPortalSession)
    assert server.last.path == "/v1/billing_portal/sessions"
    server.reply(Reply(json=example("test_helpers.test_clock")))
    clock = call("test_helpers.test_clocks.advance", "clock_1", frozen_time=1700000000)
    assert isinstance(clock, models.TestHelpersTestClock)
    assert (server.last.path, server.last.form) == (
        "/v1/test_helpers/test_clocks/clock_1/advance",
        [("frozen_time", "1700000000")],
    )


def test_stripe_error_body_raises_with_fields(call: Any, server: StripeServer) -> None:
    from lattice_stripe import CardError

    error = {
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "param": "source",
            "message": "Your card has insufficient funds.",
        }
    }
    server.reply(Reply(status=402, json=error))
    with pytest.raises(CardError) as info:
        call("charges.create", amount=100, currency="usd", source="tok_x")
    exc = info.value
    assert (exc.http_status, exc.type, exc.code, exc.decline_code, exc.param) == (
        402,
        "card_error",
        "card_declined",
        "insufficient_funds",
        "source",
    )
    assert exc.message == "Your card has insufficient funds."
