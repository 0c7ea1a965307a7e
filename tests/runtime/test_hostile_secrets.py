"""Secrets under hostile input: keys with stray characters, transport errors that echo
headers, httpx's own logger, and every response field the masking rule covers."""

from __future__ import annotations

import importlib
import logging
import traceback

import httpx
import pytest

from codegen import spec as spec_mod
from codegen.ir.build import build
from codegen.ir.nodes import Model
from lattice_stripe import APIConnectionError, AsyncStripeClient, InvalidArgumentError, StripeClient
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Reply, StripeServer

BAD_KEYS = [
    API_KEY + "\n",
    " " + API_KEY,
    API_KEY + "\r\n",
    API_KEY + "\x00",
    API_KEY[:10] + "é" + API_KEY[10:],
]


def _texts(exc: BaseException) -> str:
    """Everything an exception can show: str, repr, and the logged traceback with its chain."""
    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(exc))])


# -- 1. API keys with whitespace or control characters ----------------------------------


@pytest.mark.parametrize("key", BAD_KEYS)
@pytest.mark.parametrize("cls", [StripeClient, AsyncStripeClient])
def test_a_key_with_stray_characters_is_refused_at_construction_without_quoting_it(cls, key: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        cls(key)
    assert info.value.param == "api_key"
    assert API_KEY[8:] not in _texts(info.value)


@pytest.mark.parametrize("key", BAD_KEYS)
def test_with_options_refuses_such_a_key_too(key: str) -> None:
    client = StripeClient(API_KEY)
    with pytest.raises(InvalidArgumentError) as info:
        client.with_options(api_key=key)
    assert API_KEY[8:] not in _texts(info.value)


def _echoing_hook(request: httpx.Request) -> None:
    # A transport failure whose text quotes the headers it was given (as h11 does for an
    # illegal header value) and the full URL.
    raise httpx.LocalProtocolError(f"refused {request.headers['authorization']!r} for {request.url}")


async def _aechoing_hook(request: httpx.Request) -> None:
    _echoing_hook(request)


SECRET_QUERY = "pi_1_secret_QUERYSECRETVALUE123"


def test_transport_errors_never_carry_a_header_value_or_the_query(server: StripeServer, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with httpx.Client(event_hooks={"request": [_echoing_hook]}) as http:
        client = StripeClient(API_KEY, base_url=server.url, http_client=http, retry_policy=FAST)
        with pytest.raises(APIConnectionError) as info:
            client.payment_intents.retrieve("pi_1", client_secret=SECRET_QUERY)
    text = _texts(info.value) + caplog.text
    assert "LocalProtocolError" in str(info.value)
    assert API_KEY not in text and SECRET_QUERY not in text
    assert server.requests == []


async def test_async_transport_errors_never_carry_a_header_value(server: StripeServer, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient(event_hooks={"request": [_aechoing_hook]}) as http:
        client = AsyncStripeClient(API_KEY, base_url=server.url, http_client=http, retry_policy=FAST)
        with pytest.raises(APIConnectionError) as info:
            await client.payment_intents.retrieve("pi_1", client_secret=SECRET_QUERY)
    text = _texts(info.value) + caplog.text
    assert API_KEY not in text and SECRET_QUERY not in text


# -- 3. httpx's own logger ---------------------------------------------------------------

EMAIL = "jo.secret@example.com"


def _check_logs(caplog, server: StripeServer) -> None:
    records = caplog.records
    assert any(r.name == "httpx" for r in records), "httpx logged nothing: the test proves nothing"
    text = "\n".join(r.getMessage() for r in records)
    assert SECRET_QUERY not in text and EMAIL not in text and API_KEY not in text
    assert "/v1/payment_intents/pi_1" in text
    assert server.requests[0].query  # the query was sent, only not logged


def test_httpx_logs_no_query_string_for_our_requests(server: StripeServer, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server.reply(
        Reply(json={"id": "pi_1", "object": "payment_intent"}), Reply(json={"object": "list", "data": []})
    )
    with StripeClient(API_KEY, base_url=server.url) as client:  # the SDK's own pool
        client.payment_intents.retrieve("pi_1", client_secret=SECRET_QUERY)
        client.customers.list(email=EMAIL)
    _check_logs(caplog, server)


async def test_async_httpx_logs_no_query_string_for_our_requests(
    server: StripeServer, caplog, monkeypatch
) -> None:
    from lattice_stripe._runtime.http import transport

    monkeypatch.setattr(transport, "aiohttp_installed", lambda: False)  # the httpx pool, whose logger this is
    caplog.set_level(logging.DEBUG)
    server.reply(
        Reply(json={"id": "pi_1", "object": "payment_intent"}), Reply(json={"object": "list", "data": []})
    )
    async with AsyncStripeClient(API_KEY, base_url=server.url) as client:
        await client.payment_intents.retrieve("pi_1", client_secret=SECRET_QUERY)
        await client.customers.list(email=EMAIL)
    _check_logs(caplog, server)


def test_httpx_records_of_other_clients_are_left_alone(server: StripeServer, caplog) -> None:
    caplog.set_level(logging.INFO)
    with httpx.Client() as http:
        http.get(server.url + "/elsewhere?q=1")
    assert any("/elsewhere?q=1" in r.getMessage() for r in caplog.records if r.name == "httpx")


# -- 4. every field the masking rule covers ------------------------------------------------


@pytest.fixture(scope="module")
def secret_fields(pinned_spec: spec_mod.LoadedSpec) -> list[tuple[Model, str, str]]:
    """(model, attribute, json name) for every field the IR marks secret, from the pinned spec."""
    api = build(pinned_spec)
    return [
        (model, f.attr, f.json_name)
        for module in api.model_modules
        for model in module.models
        for f in model.fields
        if f.secret
    ]


# The fields the rule must cover: a change of rule that drops one fails here.
MUST_MASK = {
    ("payment_intent", "client_secret"),
    ("setup_intent", "client_secret"),
    ("ephemeral_key", "secret"),
    ("checkout.session", "url"),
    ("file_link", "url"),
    ("invoice", "hosted_invoice_url"),
    ("billing_portal.session", "url"),
    ("account_link", "url"),
    ("login_link", "url"),
    ("identity.verification_session", "url"),
    ("treasury_financial_accounts_resource_aba_record", "account_number"),
    ("funding_instructions_bank_transfer_sort_code_record", "account_number"),
    ("payment_intent_next_action_redirect_to_url", "url"),
    ("issuing.card", "number"),
    ("webhook_endpoint", "secret"),
}
MUST_NOT_MASK = {
    ("checkout.session", "success_url"),
    ("checkout.session", "cancel_url"),
    ("treasury_financial_accounts_resource_aba_record", "account_number_last4"),
    ("payment_link", "url"),  # public by design
    ("webhook_endpoint", "url"),
    ("file", "url"),  # needs the API key to open
}


def test_the_rule_covers_the_known_secret_fields(secret_fields) -> None:
    covered = {(m.schema_name, json_name) for m, _, json_name in secret_fields}
    assert MUST_MASK <= covered, sorted(MUST_MASK - covered)
    assert not (MUST_NOT_MASK & covered), sorted(MUST_NOT_MASK & covered)


def test_every_covered_field_is_masked_in_repr_and_readable(secret_fields) -> None:
    checked = 0
    for model, attr, json_name in secret_fields:
        cls = getattr(importlib.import_module("lattice_stripe.models"), model.name, None)
        if cls is None:  # an inline class: in its schema's module
            owner = model.schema_name.split(".")[0]
            cls = next(
                getattr(mod, model.name)
                for mod in _model_modules()
                if hasattr(mod, model.name) and owner.replace(".", "_") in mod.__name__
            )
        for value in (f"https://pay.example/{model.name}/TOKEN0123456789", "tok_TOKEN0123456789wxyz"):
            obj = cls.from_dict({json_name: value})
            assert getattr(obj, attr) == value
            assert obj.to_dict()[json_name] == value
            assert "TOKEN0123456789" not in repr(obj) and "TOKEN0123456789" not in str(obj), (
                model.name,
                attr,
            )
        checked += 1
    assert checked == len(secret_fields) > 40


def _model_modules() -> list[object]:
    import pkgutil

    import lattice_stripe.models as pkg

    return [importlib.import_module(f"{pkg.__name__}.{m.name}") for m in pkgutil.iter_modules(pkg.__path__)]


CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_CHECKOUTTOKEN123"
FILE_LINK_URL = "https://files.stripe.com/links/FILELINKTOKEN123456"
INVOICE_URL = "https://invoice.stripe.com/i/acct_1/INVOICETOKEN123456"
ACCOUNT_NUMBER = "000123456789012"
PI_SECRET = "pi_1_secret_ECHOEDSECRET123456"


def _over_http(client: StripeClient) -> list[tuple[object, str]]:
    return [
        (client.checkout.sessions.retrieve("cs_1"), CHECKOUT_URL),
        (client.file_links.retrieve("link_1"), FILE_LINK_URL),
        (client.invoices.retrieve("in_1"), INVOICE_URL),
        (client.treasury.financial_accounts.retrieve("fa_1"), ACCOUNT_NUMBER),
        (client.invoices.list(), INVOICE_URL),
    ]


REPLIES = [
    Reply(json={"id": "cs_1", "object": "checkout.session", "url": CHECKOUT_URL}),
    Reply(json={"id": "link_1", "object": "file_link", "url": FILE_LINK_URL}),
    Reply(json={"id": "in_1", "object": "invoice", "hosted_invoice_url": INVOICE_URL}),
    Reply(
        json={
            "id": "fa_1",
            "object": "treasury.financial_account",
            "financial_addresses": [
                {"type": "aba", "aba": {"account_number": ACCOUNT_NUMBER, "account_number_last4": "9012"}}
            ],
        }
    ),
    Reply(
        json={
            "object": "list",
            "url": "/v1/invoices",
            "data": [{"object": "invoice", "hosted_invoice_url": INVOICE_URL}],
        }
    ),
]


def test_named_fields_are_masked_on_objects_returned_over_http(client, server: StripeServer) -> None:
    server.reply(*REPLIES)
    results = _over_http(client)
    for obj, secret in results:
        assert secret not in repr(obj) and secret not in str(obj)
    account = results[3][0]
    assert account.financial_addresses[0].aba.account_number == ACCOUNT_NUMBER
    assert "9012" in repr(account)  # the last four stay readable


def test_params_echoed_in_last_response_are_not_shown(client, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "pi_1", "object": "payment_intent"}))
    intent = client.payment_intents.retrieve("pi_1", client_secret=PI_SECRET)
    meta = intent.last_response
    assert meta is not None and meta.call is not None
    assert meta.call.params["client_secret"] == PI_SECRET  # kept for pagination
    for text in (repr(meta), repr(meta.call), str(meta.call)):
        assert PI_SECRET not in text
    assert "client_secret" in repr(meta.call)


async def test_async_named_fields_are_masked(aclient, server: StripeServer) -> None:
    server.reply(*REPLIES[:3])
    session = await aclient.checkout.sessions.retrieve("cs_1")
    link = await aclient.file_links.retrieve("link_1")
    invoice = await aclient.invoices.retrieve("in_1", expand=["customer"])
    for obj, secret in ((session, CHECKOUT_URL), (link, FILE_LINK_URL), (invoice, INVOICE_URL)):
        assert secret not in repr(obj)
    assert session.url == CHECKOUT_URL
