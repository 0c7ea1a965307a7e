"""Every error class, raised from a realistic Stripe error body, with all its fields."""

from __future__ import annotations

import json

import pytest

from lattice_stripe import (
    APIError,
    AuthenticationError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitError,
    StripeError,
)
from tests.stripe_server import Reply, StripeServer

CARD_DECLINED = {
    "error": {
        "charge": "ch_3NmXyZ2eZvKYlo2C0abcdefg",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": "Your card has insufficient funds.",
        "param": "",
        "request_log_url": "https://dashboard.stripe.com/test/logs/req_card?t=1692000000",
        "type": "card_error",
    }
}

CASES = [
    (402, CARD_DECLINED, CardError, "card_error", "card_declined", "insufficient_funds", ""),
    (
        400,
        {
            "error": {
                "code": "parameter_missing",
                "doc_url": "https://stripe.com/docs/error-codes/parameter-missing",
                "message": "Missing required param: amount.",
                "param": "amount",
                "type": "invalid_request_error",
            }
        },
        InvalidRequestError,
        "invalid_request_error",
        "parameter_missing",
        None,
        "amount",
    ),
    (
        404,
        {
            "error": {
                "code": "resource_missing",
                "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
                "message": "No such customer: 'cus_nope'",
                "param": "id",
                "type": "invalid_request_error",
            }
        },
        InvalidRequestError,
        "invalid_request_error",
        "resource_missing",
        None,
        "id",
    ),
    (
        401,
        {
            "error": {
                "message": "Invalid API Key provided: sk_test_********abcd",
                "type": "invalid_request_error",
            }
        },
        AuthenticationError,
        "invalid_request_error",
        None,
        None,
        None,
    ),
    (
        403,
        {
            "error": {
                "code": "secret_key_required",
                "message": "The provided key 'rk_test_***abcd' does not have the required permissions for this endpoint.",
                "type": "invalid_request_error",
            }
        },
        PermissionDeniedError,
        "invalid_request_error",
        "secret_key_required",
        None,
        None,
    ),
    (
        429,
        {
            "error": {
                "code": "rate_limit",
                "doc_url": "https://stripe.com/docs/error-codes/rate-limit",
                "message": "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
                "type": "invalid_request_error",
            }
        },
        RateLimitError,
        "invalid_request_error",
        "rate_limit",
        None,
        None,
    ),
    (
        400,
        {
            "error": {
                "message": "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'k1' if you meant to execute a different request.",
                "type": "idempotency_error",
            }
        },
        IdempotencyError,
        "idempotency_error",
        None,
        None,
        None,
    ),
    (
        409,
        {
            "error": {
                "code": "lock_timeout",
                "doc_url": "https://stripe.com/docs/error-codes/lock-timeout",
                "message": "This object cannot be accessed right now because another API request or Stripe process is currently accessing it.",
                "type": "invalid_request_error",
            }
        },
        RateLimitError,
        "invalid_request_error",
        "lock_timeout",
        None,
        None,
    ),
    (
        500,
        {"error": {"message": "An unknown error occurred", "type": "api_error"}},
        APIError,
        "api_error",
        None,
        None,
        None,
    ),
]


@pytest.mark.parametrize(("status", "body", "cls", "kind", "code", "decline", "param"), CASES)
def test_error_class_and_fields(
    client, server: StripeServer, status, body, cls, kind, code, decline, param
) -> None:
    server.reply(Reply(status, body, headers={"Request-Id": "req_abc123"}))
    with pytest.raises(cls) as info:
        client.payment_intents.create(amount=100, currency="usd", max_retries=0)
    err = info.value
    assert isinstance(err, StripeError)
    assert err.http_status == status
    assert err.type == kind and err.code == code and err.decline_code == decline and err.param == param
    assert err.message == body["error"]["message"]
    assert err.doc_url == body["error"].get("doc_url")
    assert err.request_id == "req_abc123"
    assert json.loads(err.body) == body
    assert err.error == body["error"]
    assert err.headers["request-id"] == "req_abc123"
    text = str(err)
    assert str(status) in text and "req_abc123" in text and body["error"]["message"] in text
    if code:
        assert f"code={code}" in text
    assert repr(err).startswith(cls.__name__)


def test_card_error_str_names_the_decline(client, server: StripeServer) -> None:
    server.reply(Reply(402, CARD_DECLINED, headers={"Request-Id": "req_card"}))
    with pytest.raises(CardError) as info:
        client.charges.create(amount=100, currency="usd")
    assert str(info.value) == (
        "[402 card_error code=card_declined decline_code=insufficient_funds request_id=req_card] "
        "Your card has insufficient funds."
    )


def test_a_proxy_html_page_is_still_a_clear_error(client, server: StripeServer) -> None:
    html = b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
    server.reply(Reply(502, body=html, headers={"Content-Type": "text/html"}))
    with pytest.raises(APIError) as info:
        client.customers.retrieve("cus_1", max_retries=0)
    err = info.value
    assert err.http_status == 502 and err.body == html and err.type is None
    assert "502 Bad Gateway" in str(err) and "non-Stripe body" in str(err)


def test_an_empty_4xx_body_is_still_typed(client, server: StripeServer) -> None:
    server.reply(Reply(403, body=b""))
    with pytest.raises(PermissionDeniedError, match="HTTP 403"):
        client.customers.retrieve("cus_1")


def test_a_2xx_that_is_not_json_is_an_error_not_a_crash(client, server: StripeServer) -> None:
    server.reply(Reply(200, body=b"<html>captive portal</html>"))
    with pytest.raises(StripeError, match="captive portal"):
        client.customers.retrieve("cus_1")


def test_concurrent_idempotent_request_409_is_an_idempotency_error(client, server: StripeServer) -> None:
    busy = {
        "error": {
            "type": "idempotency_error",
            "message": "There is currently another in-progress request using this Stripe-Idempotency-Key.",
        }
    }
    server.reply(*[Reply(409, busy) for _ in range(3)])
    with pytest.raises(IdempotencyError) as info:
        client.customers.create(idempotency_key="k1")
    assert info.value.attempts == 3  # 409 is retried, with the same key
    assert {r.header("idempotency-key") for r in server.requests} == {"k1"}


def test_a_400_rate_limit_is_a_rate_limit_error(client, server: StripeServer) -> None:
    body = {
        "error": {
            "type": "invalid_request_error",
            "code": "rate_limit",
            "message": "Too many test mode requests",
        }
    }
    server.reply(Reply(400, body))
    with pytest.raises(RateLimitError):
        client.customers.retrieve("cus_1")
    assert len(server.requests) == 1  # a 400 is still not retried without Stripe-Should-Retry


def test_a_non_json_error_body_is_quoted_up_to_200_bytes(client, server: StripeServer) -> None:
    body = b"<" + b"a" * 198 + b"Z" + b"b" * 300  # byte 200 is the Z; nothing after it is quoted
    server.reply(Reply(503, body=body, headers={"Content-Type": "text/html"}))
    with pytest.raises(APIError) as info:
        client.customers.retrieve("cus_1", max_retries=0)
    assert info.value.body == body  # the whole body stays on the error
    text = str(info.value)
    assert "<" + "a" * 198 + "Z" in text and "b" not in text.split("non-Stripe body")[1]
