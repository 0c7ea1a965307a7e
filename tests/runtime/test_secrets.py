"""No secret in any repr, str, log record or hook event; every secret readable as an attribute."""

from __future__ import annotations

import logging

import attrs
import pytest

from lattice_stripe import APIError, AsyncStripeClient, StripeClient, StripeObject
from lattice_stripe._runtime.objects.secrets import mask
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Reply, StripeServer

PI_SECRET = "pi_3Nsecret_secret_PISECRETVALUE123456"
SI_SECRET = "seti_1Nsecret_secret_SISECRETVALUE12345"
SRC_SECRET = "src_client_secret_SRCSECRETVALUE1234"
EPHKEY_SECRET = "ek_test_EPHEMERALSECRETVALUE1234567890"
ACCOUNT_LINK = "https://connect.stripe.com/setup/e/acct_1/ACCOUNTLINKTOKEN"
LOGIN_LINK = "https://connect.stripe.com/express/acct_1/LOGINLINKTOKEN"
PORTAL_URL = "https://billing.stripe.com/p/session/test_PORTALTOKEN"
ACCT_SESSION_SECRET = "accs_secret__ACCOUNTSESSIONSECRET123"
VS_SECRET = "vs_1_secret_live_VERIFSESSIONSECRET123"
FC_SECRET = "fcsess_client_secret_FCSECRETVALUE1234"
WEBHOOK_SECRET = "whsec_WEBHOOKSIGNINGSECRET1234567890"
CONNECTION_TOKEN = "pst_test_CONNECTIONTOKENSECRET12345"
APP_SECRET = "APPSECRETPAYLOADVALUE1234567890"
CARD_NUMBER = "4242424242424242"
CARD_CVC = "987654321"
VS_URL = "https://verify.stripe.com/start/test_VERIFYURLTOKEN"
SECRETS = [
    WEBHOOK_SECRET,
    CONNECTION_TOKEN,
    APP_SECRET,
    CARD_NUMBER,
    CARD_CVC,
    VS_URL,
    PI_SECRET,
    SI_SECRET,
    SRC_SECRET,
    EPHKEY_SECRET,
    ACCOUNT_LINK,
    LOGIN_LINK,
    PORTAL_URL,
    ACCT_SESSION_SECRET,
    VS_SECRET,
    FC_SECRET,
    API_KEY,
]
PAYMENT_INTENT = {"id": "pi_1", "object": "payment_intent", "amount": 100, "client_secret": PI_SECRET}
SOURCE = {"id": "src_1", "object": "source", "client_secret": SRC_SECRET}


def calls(c: StripeClient):
    """(call, response json, attribute path to the secret) for every secret-bearing model."""
    return [
        (
            lambda: c.payment_intents.create(amount=100, currency="usd"),
            PAYMENT_INTENT,
            ("client_secret",),
            PI_SECRET,
        ),
        (
            lambda: c.setup_intents.create(),
            {"id": "seti_1", "object": "setup_intent", "client_secret": SI_SECRET},
            ("client_secret",),
            SI_SECRET,
        ),
        (lambda: c.sources.create(type="card"), SOURCE, ("client_secret",), SRC_SECRET),
        (
            lambda: c.ephemeral_keys.create(customer="cus_1", stripe_version="2023-08-16"),
            {"id": "ephkey_1", "object": "ephemeral_key", "secret": EPHKEY_SECRET, "associated_objects": []},
            ("secret",),
            EPHKEY_SECRET,
        ),
        (
            lambda: c.account_links.create(account="acct_1", type="account_onboarding"),
            {"object": "account_link", "url": ACCOUNT_LINK, "created": 1, "expires_at": 2},
            ("url",),
            ACCOUNT_LINK,
        ),
        (
            lambda: c.accounts.login_links.create("acct_1"),
            {"object": "login_link", "url": LOGIN_LINK, "created": 1},
            ("url",),
            LOGIN_LINK,
        ),
        (
            lambda: c.billing_portal.sessions.create(customer="cus_1"),
            {"id": "bps_1", "object": "billing_portal.session", "url": PORTAL_URL},
            ("url",),
            PORTAL_URL,
        ),
        (
            lambda: c.account_sessions.create(
                account="acct_1", components={"account_onboarding": {"enabled": True}}
            ),
            {"object": "account_session", "account": "acct_1", "client_secret": ACCT_SESSION_SECRET},
            ("client_secret",),
            ACCT_SESSION_SECRET,
        ),
        (
            lambda: c.identity.verification_sessions.create(type="document"),
            {"id": "vs_1", "object": "identity.verification_session", "client_secret": VS_SECRET},
            ("client_secret",),
            VS_SECRET,
        ),
        (
            lambda: c.financial_connections.sessions.create(
                account_holder={"type": "customer", "customer": "cus_1"}, permissions=["balances"]
            ),
            {"id": "fcsess_1", "object": "financial_connections.session", "client_secret": FC_SECRET},
            ("client_secret",),
            FC_SECRET,
        ),
        (
            lambda: c.webhook_endpoints.create(url="https://example.com/hook", enabled_events=["*"]),
            {"id": "we_1", "object": "webhook_endpoint", "secret": WEBHOOK_SECRET},
            ("secret",),
            WEBHOOK_SECRET,
        ),
        (
            lambda: c.terminal.connection_tokens.create(),
            {"object": "terminal.connection_token", "secret": CONNECTION_TOKEN},
            ("secret",),
            CONNECTION_TOKEN,
        ),
        (
            lambda: c.apps.secrets.find(name="k", scope={"type": "account"}, expand=["payload"]),
            {"id": "appsecret_1", "object": "apps.secret", "name": "k", "payload": APP_SECRET},
            ("payload",),
            APP_SECRET,
        ),
        (
            lambda: c.issuing.cards.retrieve("ic_1", expand=["number"]),
            {"id": "ic_1", "object": "issuing.card", "number": CARD_NUMBER, "cvc": CARD_CVC},
            ("number",),
            CARD_NUMBER,
        ),
        (
            lambda: c.issuing.cards.retrieve("ic_1", expand=["cvc"]),
            {"id": "ic_1", "object": "issuing.card", "number": CARD_NUMBER, "cvc": CARD_CVC},
            ("cvc",),
            CARD_CVC,
        ),
        (
            lambda: c.identity.verification_sessions.retrieve("vs_1"),
            {"id": "vs_1", "object": "identity.verification_session", "url": VS_URL},
            ("url",),
            VS_URL,
        ),
        (
            lambda: c.charges.retrieve("ch_1", expand=["payment_intent"]),
            {"id": "ch_1", "object": "charge", "payment_intent": PAYMENT_INTENT},
            ("payment_intent", "client_secret"),
            PI_SECRET,
        ),
        (
            lambda: c.customers.retrieve("cus_1", expand=["sources"]),
            {
                "id": "cus_1",
                "object": "customer",
                "sources": {
                    "object": "list",
                    "data": [SOURCE],
                    "has_more": False,
                    "url": "/v1/customers/cus_1/sources",
                },
            },
            ("sources", "data", 0, "client_secret"),
            SRC_SECRET,
        ),
        (
            lambda: c.payment_intents.list(),
            {"object": "list", "data": [PAYMENT_INTENT], "has_more": False, "url": "/v1/payment_intents"},
            ("data", 0, "client_secret"),
            PI_SECRET,
        ),
    ]


def every_model(value):
    """The value and every model nested in it."""
    if isinstance(value, StripeObject):
        yield value
        for field in attrs.fields(type(value)):
            if not field.name.startswith("_"):
                yield from every_model(getattr(value, field.name, None))
    elif isinstance(value, list):
        for item in value:
            yield from every_model(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from every_model(item)


def follow(value, path):
    for step in path:
        value = value[step] if isinstance(step, int) else getattr(value, step)
    return value


def test_no_secret_in_repr_or_str_of_any_model(client, server: StripeServer) -> None:
    cases = calls(client)
    server.reply(*[Reply(json=body) for _, body, _, _ in cases])
    for call, _, path, secret in cases:
        result = call()
        assert follow(result, path) == secret  # still readable as the attribute
        holder = follow(result, path[:-1])
        # the field is in the repr, masked: the check below is about masking, not omission
        assert f"{path[-1]}={mask(secret)}" in repr(holder), repr(holder)
        for model in every_model(result):
            for text in (repr(model), str(model)):
                assert not any(s in text for s in SECRETS), text
        assert not any(s in repr(result.last_response) for s in SECRETS)


def test_client_repr_and_str_mask_the_api_key(server: StripeServer) -> None:
    c = StripeClient(API_KEY, base_url=server.url, stripe_account="acct_1")
    derived = c.with_options(stripe_account="acct_2")
    a = AsyncStripeClient(API_KEY)
    for obj in (c, derived, a, c.config, derived.config):
        for text in (repr(obj), str(obj)):
            assert API_KEY not in text and "'sk_***abcd'" in text, (
                text
            )  # the last four stay, as in the dashboard
    assert c.config.api_key == API_KEY


def test_a_failing_request_logs_no_api_key(
    client, server: StripeServer, caplog: pytest.LogCaptureFixture
) -> None:
    events = []
    client.on_request(events.append)
    client.on_response(events.append)
    body = {"error": {"type": "api_error", "message": "An unknown error occurred"}}
    server.reply(*[Reply(500, body) for _ in range(3)])
    with caplog.at_level(logging.DEBUG):  # every logger, httpx and httpcore included
        with pytest.raises(APIError) as info:
            client.payment_intents.create(amount=100, currency="usd")
        logging.getLogger("lattice_stripe").exception("payment failed: %s", info.value)
    assert any(r.name == "lattice_stripe" and "-> 500" in r.getMessage() for r in caplog.records)
    assert any("retrying" in r.getMessage() for r in caplog.records)
    assert API_KEY not in caplog.text
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
    assert len(events) == 6
    assert not any(API_KEY in repr(e) for e in events)
    assert API_KEY not in repr(info.value) and API_KEY not in str(info.value.headers)
    # The key did go over the wire: the check above is not vacuous.
    assert server.last.header("authorization") == f"Bearer {API_KEY}"


def test_a_connection_failure_logs_no_api_key(caplog: pytest.LogCaptureFixture) -> None:
    from lattice_stripe import APIConnectionError

    with caplog.at_level(logging.DEBUG):
        with StripeClient(API_KEY, base_url="http://127.0.0.1:9", retry_policy=FAST, max_retries=1) as c:
            with pytest.raises(APIConnectionError):
                c.customers.create(email="a@b.c")
    assert caplog.records and API_KEY not in caplog.text
