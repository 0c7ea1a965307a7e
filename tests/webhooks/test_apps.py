"""WebhookRouter dispatch, and its ASGI/WSGI apps behind real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from lattice_stripe import InvalidArgumentError, WebhookEvent, WebhookRouter, models
from lattice_stripe._runtime.webhooks.router import UnknownEventTypeWarning
from tests.webhooks.helpers import SECRET, charge_event, signed, uvicorn_server, wsgiref_server

# -- dispatch -------------------------------------------------------------------------------


def _router(**kwargs: Any) -> tuple[WebhookRouter, list[tuple[str, str]]]:
    router = WebhookRouter(SECRET, **kwargs)
    seen: list[tuple[str, str]] = []

    @router.on("charge.succeeded", "charge.captured")
    def charge(event: WebhookEvent) -> None:
        assert isinstance(event.data.object, models.Charge)
        seen.append(("charge", event.type))

    @router.on("invoice.*")
    def invoice(event: WebhookEvent) -> None:
        seen.append(("invoice.*", event.type))

    @router.on("invoice.payment_failed")
    async def failed(event: WebhookEvent) -> None:
        await asyncio.sleep(0)
        seen.append(("failed-async", event.type))

    @router.on("charge.refunded")
    def boom(event: WebhookEvent) -> None:
        raise RuntimeError("database down")

    @router.fallback
    def other(event: WebhookEvent) -> None:
        seen.append(("fallback", event.type))

    return router, seen


def test_handler_lookup_exact_wildcard_fallback() -> None:
    router, _ = _router()
    assert router.handler_for("charge.succeeded") is router.handler_for("charge.captured")
    assert router.handler_for("invoice.paid") is router.handler_for("invoice.created")
    assert router.handler_for("invoice.payment_failed") is not router.handler_for("invoice.paid")
    assert router.handler_for("customer.created") is router.handler_for("never.heard.of.it")
    assert WebhookRouter(SECRET).handler_for("charge.succeeded") is None


def test_registration_mistakes() -> None:
    router = WebhookRouter(SECRET)
    router.on("charge.succeeded")(print)
    with pytest.raises(InvalidArgumentError, match="already registered"):
        router.on("charge.succeeded")(print)
    with pytest.warns(UnknownEventTypeWarning, match="charge.succeded"):
        router.on("charge.succeded")
    with pytest.warns(UnknownEventTypeWarning):
        router.on("chrage.*")
    with pytest.raises(InvalidArgumentError):
        router.on()
    with pytest.raises(InvalidArgumentError):
        WebhookRouter("")


def test_sync_handle_answers() -> None:
    router, seen = _router()
    assert router.handle(*signed(charge_event())).status == 200
    assert router.handle(*signed(charge_event("invoice.paid"))).status == 200
    assert router.handle(*signed(charge_event("customer.created"))).status == 200
    assert seen == [
        ("charge", "charge.succeeded"),
        ("invoice.*", "invoice.paid"),
        ("fallback", "customer.created"),
    ]
    assert router.handle(*signed(charge_event("charge.refunded"))).status == 500
    assert (
        router.handle(*signed(charge_event("invoice.payment_failed"))).status == 500
    )  # async handler, sync app
    bad = router.handle(signed(charge_event())[0], "t=1,v1=00")
    assert bad.status == 400 and json.loads(bad.body)["error"]["type"] == "NoMatchingSignatureError"
    assert WebhookRouter(SECRET).handle(*signed(charge_event())).status == 200  # nobody listens: acknowledged


async def test_async_handle_runs_sync_and_async_handlers() -> None:
    router, seen = _router()
    assert (await router.handle_async(*signed(charge_event("invoice.payment_failed")))).status == 200
    assert (await router.handle_async(*signed(charge_event("charge.captured")))).status == 200
    assert (await router.handle_async(*signed(charge_event("charge.refunded")))).status == 500
    assert seen == [("failed-async", "invoice.payment_failed"), ("charge", "charge.captured")]


# -- real servers ---------------------------------------------------------------------------


SERVERS: dict[str, Callable[[WebhookRouter], Any]] = {
    "asgi-uvicorn": lambda router: uvicorn_server(router.asgi()),
    "wsgi-wsgiref": lambda router: wsgiref_server(router.wsgi()),
}


@pytest.fixture(params=sorted(SERVERS))
def served(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
    router, seen = _router(max_body_size=1_000_000)
    with SERVERS[request.param](router) as url:
        yield request.param, url, seen


def _post(url: str, payload: bytes, header: str | None, path: str = "/") -> httpx.Response:
    headers = {"content-type": "application/json"}
    if header is not None:
        headers["stripe-signature"] = header
    return httpx.post(url + path, content=payload, headers=headers, timeout=10, trust_env=False)


def test_server_end_to_end(
    served: tuple[str, str, list[tuple[str, str]]], caplog: pytest.LogCaptureFixture
) -> None:
    kind, url, seen = served
    ok = _post(url, *signed(charge_event()), path="/stripe/webhooks")
    assert (ok.status_code, ok.json()) == (200, {"received": True})
    assert _post(url, *signed(charge_event("invoice.paid"))).status_code == 200
    assert _post(url, *signed(charge_event("payout.paid"))).status_code == 200
    expected = [("charge", "charge.succeeded"), ("invoice.*", "invoice.paid"), ("fallback", "payout.paid")]
    assert seen == expected

    # async handler: served under ASGI, refused (500, so Stripe retries) under WSGI
    status = _post(url, *signed(charge_event("invoice.payment_failed"))).status_code
    assert status == (200 if kind.startswith("asgi") else 500)

    with caplog.at_level(logging.WARNING, logger="lattice_stripe.webhooks"):
        crashed = _post(url, *signed(charge_event("charge.refunded")))
    assert crashed.status_code == 500 and "database down" not in crashed.text
    assert any("charge.refunded" in r.getMessage() and r.exc_info for r in caplog.records)

    payload, header = signed(charge_event())
    for bad_header, error in [
        (None, "MissingSignatureError"),
        ("t=abc", "MalformedSignatureError"),
        (header.replace("v1=", "v0="), "NoMatchingSignatureError"),
    ]:
        rejected = _post(url, payload, bad_header)
        assert rejected.status_code == 400 and rejected.json()["error"]["type"] == error
    assert _post(url, payload + b" ", header).status_code == 400
    assert _post(url, *signed(charge_event(), timestamp=int(time.time()) - 3600)).status_code == 400
    assert _post(url, b"not json", signed(charge_event())[1]).status_code == 400

    too_big = b"x" * 1_000_001
    assert _post(url, too_big, header).status_code == 413
    get = httpx.get(url, timeout=10, trust_env=False)
    assert get.status_code == 405 and get.headers["allow"] == "POST"
    assert len(seen) == len(expected) + (1 if kind.startswith("asgi") else 0)


async def test_asgi_client_disconnect_mid_body_is_a_400_and_handles_nothing() -> None:
    router, seen = _router()
    payload, header = signed(charge_event())
    messages = iter(
        [
            {"type": "http.request", "body": payload[:10], "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return next(messages)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "headers": [(b"stripe-signature", header.encode())]}
    await router.asgi()(scope, receive, send)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 400
    assert json.loads(sent[1]["body"]) == {"error": {"type": "client_disconnected"}}
    assert seen == []


def test_wsgi_chunked_body_without_length_is_refused() -> None:
    router, _ = _router()
    app = router.wsgi()
    answers: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answers.append(status)

    body = b"".join(app({"REQUEST_METHOD": "POST", "wsgi.input": None, "CONTENT_LENGTH": ""}, start_response))
    assert answers == ["411 Length Required"] and b"length_required" in body
