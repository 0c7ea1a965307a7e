"""The masking rule's second-review fields, and refused parameter values never quoted.

Real sockets, sync and async. Each field the rule gained (IBAN, CLABE, sender IBAN, PDF
download links, identity ID numbers, an event's ``previous_attributes``, and the 2026 pin's
credentials: the meter event session's token, an event destination's signing secret,
passwords, client tokens, pre-signed links) is readable as an attribute and absent from every
repr and str; every credential-named field of every model is masked or reviewed as clear; a
refused parameter is named by its type only, so a secret passed as ``bytes`` never appears in
the error text.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import attrs
import pytest

import lattice_stripe.models
from lattice_stripe import AsyncStripeClient, InvalidArgumentError, StripeClient, WebhookRouter
from lattice_stripe._runtime.objects.secrets import mask
from tests.runtime.conftest import API_KEY
from tests.runtime.test_secrets import every_model
from tests.stripe_server import Reply, StripeServer
from tests.webhooks.helpers import SECRET, event_dict, signed

IBAN = "DE89370400440532013000"
CLABE = "032180000118359719"
SENDER_IBAN = "CH9300762011623852957"
INVOICE_PDF = "https://pay.stripe.com/invoice/acct_1/test_INVOICEPDFTOKEN/pdf"
CREDIT_NOTE_PDF = "https://pay.stripe.com/credit_notes/acct_1/test_CREDITNOTEPDFTOKEN/pdf"
BOLETO_PDF = "https://payments.stripe.com/boleto/voucher/test_BOLETOPDFTOKEN/pdf"
ID_NUMBER = "123456789"
DOCUMENT_NUMBER = "X1234567DOCNUMBER"
OLD_SECRET = "pi_3Nold_secret_OLDCLIENTSECRETVALUE"
SESSION_TOKEN = "ekt_test_METEREVENTSESSIONTOKEN123"
SIGNING_SECRET = "whsec_EVENTDESTINATIONSIGNING123"
WIFI_PASSWORD = "WIFIPASSWORDVALUE123"
KLARNA_TOKEN = "KLARNACLIENTTOKENVALUE123"
UPLOAD_URL = "https://files.stripe.com/presigned/CATALOGUPLOADSIGNATURE123"
GAINED = [
    SESSION_TOKEN,
    SIGNING_SECRET,
    WIFI_PASSWORD,
    KLARNA_TOKEN,
    UPLOAD_URL,
    IBAN,
    CLABE,
    SENDER_IBAN,
    INVOICE_PDF,
    CREDIT_NOTE_PDF,
    BOLETO_PDF,
    ID_NUMBER,
    DOCUMENT_NUMBER,
    OLD_SECRET,
]

# (object as Stripe sends it, attribute path to the secret, the secret)
FIELDS: dict[str, tuple[dict[str, Any], tuple[Any, ...], str]] = {
    "iban": (
        {
            "object": "funding_instructions",
            "currency": "eur",
            "funding_type": "bank_transfer",
            "livemode": False,
            "bank_transfer": {
                "country": "DE",
                "type": "eu_bank_transfer",
                "financial_addresses": [
                    {
                        "type": "iban",
                        "iban": {"account_holder_name": "A", "bic": "B", "country": "DE", "iban": IBAN},
                    }
                ],
            },
        },
        ("bank_transfer", "financial_addresses", 0, "iban", "iban"),
        IBAN,
    ),
    "clabe": (
        {
            "object": "funding_instructions",
            "currency": "mxn",
            "funding_type": "bank_transfer",
            "livemode": False,
            "bank_transfer": {
                "country": "MX",
                "type": "mx_bank_transfer",
                "financial_addresses": [
                    {"type": "spei", "spei": {"bank_code": "032", "bank_name": "BBVA", "clabe": CLABE}}
                ],
            },
        },
        ("bank_transfer", "financial_addresses", 0, "spei", "clabe"),
        CLABE,
    ),
    "sender_iban": (
        {
            "id": "srctxn_1",
            "object": "source_transaction",
            "type": "sepa_credit_transfer",
            "sepa_credit_transfer": {"sender_iban": SENDER_IBAN, "sender_name": "A"},
        },
        ("sepa_credit_transfer", "sender_iban"),
        SENDER_IBAN,
    ),
    "invoice_pdf": (
        {"id": "in_1", "object": "invoice", "invoice_pdf": INVOICE_PDF},
        ("invoice_pdf",),
        INVOICE_PDF,
    ),
    "credit_note_pdf": (
        {"id": "cn_1", "object": "credit_note", "pdf": CREDIT_NOTE_PDF},
        ("pdf",),
        CREDIT_NOTE_PDF,
    ),
    "boleto_pdf": (
        {
            "id": "pi_1",
            "object": "payment_intent",
            "next_action": {"type": "boleto_display_details", "boleto_display_details": {"pdf": BOLETO_PDF}},
        },
        ("next_action", "boleto_display_details", "pdf"),
        BOLETO_PDF,
    ),
    "id_number": (
        {
            "id": "vr_1",
            "object": "identity.verification_report",
            "id_number": {"id_number": ID_NUMBER, "id_number_type": "us_ssn", "status": "verified"},
        },
        ("id_number", "id_number"),
        ID_NUMBER,
    ),
    "document_number": (
        {
            "id": "vr_2",
            "object": "identity.verification_report",
            "document": {"number": DOCUMENT_NUMBER, "status": "verified", "type": "passport"},
        },
        ("document", "number"),
        DOCUMENT_NUMBER,
    ),
    "previous_attributes": (
        {
            "id": "evt_1",
            "object": "event",
            "type": "payment_intent.updated",
            "created": 1,
            "livemode": False,
            "pending_webhooks": 0,
            "data": {
                "object": {"id": "pi_1", "object": "payment_intent"},
                "previous_attributes": {"client_secret": OLD_SECRET, "status": "requires_action"},
            },
        },
        ("data", "previous_attributes", "client_secret"),
        OLD_SECRET,
    ),
}


FIELDS.update(
    {
        "authentication_token": (
            {
                "id": "mes_1",
                "object": "v2.billing.meter_event_session",
                "authentication_token": SESSION_TOKEN,
                "created": "2026-05-27T10:00:00.000Z",
                "expires_at": "2026-05-27T10:15:00.000Z",
                "livemode": False,
            },
            ("authentication_token",),
            SESSION_TOKEN,
        ),
        "signing_secret": (
            {
                "id": "ed_1",
                "object": "v2.core.event_destination",
                "type": "webhook_endpoint",
                "webhook_endpoint": {"signing_secret": SIGNING_SECRET, "url": "https://example.com/hooks"},
            },
            ("webhook_endpoint", "signing_secret"),
            SIGNING_SECRET,
        ),
        "password": (
            {
                "id": "tmc_1",
                "object": "terminal.configuration",
                "wifi": {"type": "personal_psk", "personal_psk": {"password": WIFI_PASSWORD, "ssid": "s"}},
            },
            ("wifi", "personal_psk", "password"),
            WIFI_PASSWORD,
        ),
        "client_token": (
            {"id": "src_2", "object": "source", "type": "klarna", "klarna": {"client_token": KLARNA_TOKEN}},
            ("klarna", "client_token"),
            KLARNA_TOKEN,
        ),
        "pre-signed url": (
            {
                "id": "pci_1",
                "object": "v2.commerce.product_catalog_import",
                "status_details": {"awaiting_upload": {"upload_url": {"url": UPLOAD_URL}}},
            },
            ("status_details", "awaiting_upload", "upload_url", "url"),
            UPLOAD_URL,
        ),
    }
)


def follow(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step] if isinstance(value, (list, dict)) else getattr(value, step)
    return value


def _no_secret_shown(result: Any) -> None:
    for model in every_model(result):
        for text in (repr(model), str(model)):
            assert not any(s in text for s in GAINED), text


@pytest.mark.parametrize("field", sorted(FIELDS))
async def test_each_field_the_rule_gained_is_masked_and_readable(
    field: str, server: StripeServer, client: StripeClient, aclient: AsyncStripeClient
) -> None:
    body, path, secret = FIELDS[field]
    server.reply(Reply(json=body), Reply(json=body))
    for result in (
        client.raw_request("get", "/v1/anything"),
        await aclient.raw_request("get", "/v1/anything"),
    ):
        assert follow(result, path) == secret
        holder = follow(result, path[:-2] if field == "previous_attributes" else path[:-1])
        shown = "previous_attributes={'client_secret': ..., 'status': ...}"
        assert (shown if field == "previous_attributes" else f"{path[-1]}={mask(secret)}") in repr(holder)
        _no_secret_shown(result)


# Fields whose names look like credentials but are not, each reviewed: (model, field): why.
CLEAR = {
    ("Invoice", "confirmation_secret"): "an object; its client_secret is masked",
    ("IssuingAuthorization", "token"): "an issuing.token id or object, not a credential",
    ("IssuingTransaction", "token"): "an issuing.token id or object, not a credential",
    ("ConfirmationTokensResourcePaymentMethodOptionsResourceCard", "cvc_token"): "a tok_ id",
    ("PaymentMethodDetailsCard", "network_token"): "{used: bool}",
    ("PaymentsPrimitivesPaymentRecordsResourcePaymentMethodCardDetails", "network_token"): "{used: bool}",
}
CREDENTIAL_NAME = re.compile(r"secret|password|(?:^|_)token$")


def test_every_credential_named_field_is_masked_or_reviewed() -> None:
    """A field a new spec adds (``api_secret``, ``access_token``) is masked or fails here."""
    package = lattice_stripe.models
    unmasked = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for model in vars(module).values():
            if isinstance(model, type) and attrs.has(model) and model.__module__ == module.__name__:
                unmasked |= {
                    (model.__name__, f.name)
                    for f in attrs.fields(model)
                    if CREDENTIAL_NAME.search(f.name) and f.repr is not mask
                }
    assert unmasked == set(CLEAR)


def test_a_webhook_events_previous_attributes_show_keys_only() -> None:
    router = WebhookRouter(SECRET)
    seen: list[Any] = []
    router.fallback(seen.append)
    event = event_dict(
        {"id": "pi_1", "object": "payment_intent"},
        "payment_intent.updated",
    )
    event["data"]["previous_attributes"] = {"client_secret": OLD_SECRET}
    assert router.handle(*signed(event)).status == 200
    (received,) = seen
    assert received.data.previous_attributes == {"client_secret": OLD_SECRET}
    assert OLD_SECRET not in repr(received) and OLD_SECRET not in str(received)
    assert "previous_attributes={'client_secret': ...}" in repr(received.data)


CARD_NUMBER = b"4242424242424242"
BYTES_SECRETS = {
    "client_secret": (
        lambda c: c.payment_intents.retrieve("pi_1", client_secret=b"pi_1_secret_BYTESCLIENTSECRET"),
        b"pi_1_secret_BYTESCLIENTSECRET",
    ),
    "card number": (
        lambda c: c.tokens.create(card={"number": CARD_NUMBER, "exp_month": "12", "exp_year": "2030"}),
        CARD_NUMBER,
    ),
    "account_number": (
        lambda c: c.tokens.create(bank_account={"account_number": b"000123456789", "country": "US"}),
        b"000123456789",
    ),
    "id_number": (lambda c: c.tokens.create(pii={"id_number": b"123-45-6789"}), b"123-45-6789"),
    "raw card number": (
        lambda c: c.raw_request("post", "/v1/tokens", params={"card": {"number": CARD_NUMBER}}),
        CARD_NUMBER,
    ),
    "file tuple": (
        lambda c: c.files.create(file=("a.pdf", "TEXTNOTBYTESSECRET"), purpose="dispute_evidence"),
        b"TEXTNOTBYTESSECRET",
    ),
}


@pytest.mark.parametrize("case", sorted(BYTES_SECRETS))
async def test_a_refused_value_is_named_by_its_type_never_quoted(
    case: str, server: StripeServer, client: StripeClient, aclient: AsyncStripeClient
) -> None:
    call, secret = BYTES_SECRETS[case]
    for c in (client, aclient):
        with pytest.raises(InvalidArgumentError) as caught:
            result = call(c)
            if isinstance(c, AsyncStripeClient):
                await result
        text = str(caught.value) + repr(caught.value) + repr(caught.value.args)
        assert secret.decode() not in text and secret.decode()[-8:] not in text, text
        assert "bytes" in text or "str" in text
    assert server.requests == []


def test_mask_of_a_dict_shows_its_keys_only() -> None:
    assert mask({"client_secret": OLD_SECRET, "n": 1}) == "{'client_secret': ..., 'n': ...}"
    assert OLD_SECRET[-4:] not in mask({"client_secret": OLD_SECRET})
    assert API_KEY not in mask(API_KEY)
