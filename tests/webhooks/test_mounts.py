"""The webhook apps at a path in front of a framework, under real servers on 127.0.0.1, with
redirects not followed (Stripe does not follow them): the docs' snippets as written."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from lattice_stripe import InvalidArgumentError, WebhookRouter
from tests.webhooks.helpers import SECRET, charge_event, event_dict, signed, uvicorn_server, wsgiref_server

GUIDE = Path(__file__).parents[2] / "docs" / "guides" / "webhooks-frameworks.md"
PATHS = ["/stripe/webhooks", "/stripe/webhooks/"]


def guide_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", GUIDE.read_text(), re.MULTILINE | re.DOTALL)


def _run_block(index: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", SECRET)
    namespace: dict[str, Any] = {"__name__": "guide"}
    exec(compile(guide_blocks()[index], str(GUIDE), "exec"), namespace)
    return namespace


def _post(url: str, payload: bytes, header: str | None) -> httpx.Response:
    headers = {"stripe-signature": header} if header is not None else {}
    return httpx.post(
        url, content=payload, headers=headers, timeout=10, trust_env=False, follow_redirects=False
    )


def _invoice_paid(n: int) -> tuple[bytes, str]:
    return signed(event_dict({"id": f"in_{n}", "object": "invoice"}, "invoice.paid", id=f"evt_{n}"))


SNIPPETS: dict[str, tuple[int, Callable[[Any], AbstractContextManager[str]]]] = {
    "starlette-uvicorn": (0, uvicorn_server),
    "flask-wsgiref": (1, wsgiref_server),
}


@pytest.mark.parametrize("snippet", sorted(SNIPPETS))
def test_guide_snippet_answers_at_its_path_with_and_without_slash(
    snippet: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    index, server = SNIPPETS[snippet]
    namespace = _run_block(index, monkeypatch)
    with server(namespace["app"]) as url:
        for n, path in enumerate(PATHS):
            answer = _post(url + path, *_invoice_paid(n))
            assert (answer.status_code, answer.json()) == (200, {"received": True}), path
        assert namespace["paid"] == ["evt_0", "evt_1"]

        bad = _post(url + PATHS[0], _invoice_paid(9)[0], "t=1,v1=00")
        assert bad.status_code == 400 and bad.json()["error"]["type"] == "NoMatchingSignatureError"
        assert httpx.get(url + PATHS[0], timeout=10, trust_env=False).status_code == 405
        # Every other path is the framework's: its route, its 404, and no webhook handling.
        health = httpx.get(url + "/health", timeout=10, trust_env=False)
        assert (health.status_code, health.text) == (200, "ok")
        for other in ["/stripe/webhooks/x", "/stripe/webhooksx", "/stripe", "/"]:
            answer = _post(url + other, *_invoice_paid(5))
            assert answer.status_code == 404, other
    assert namespace["paid"] == ["evt_0", "evt_1"]


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_alone_with_a_path_answers_there_and_404_elsewhere(kind: str) -> None:
    router = WebhookRouter(SECRET)
    app = router.asgi(path="/hooks/") if kind == "asgi" else router.wsgi(path="/hooks/")
    with (uvicorn_server if kind == "asgi" else wsgiref_server)(app) as url:
        for path in ["/hooks", "/hooks/"]:
            assert _post(url + path, *signed(charge_event())).status_code == 200
        missing = _post(url + "/other", *signed(charge_event()))
        assert (missing.status_code, missing.json()["error"]["type"]) == (404, "not_found")


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_alone_without_a_path_answers_at_every_path(kind: str) -> None:
    router = WebhookRouter(SECRET)
    app = router.asgi() if kind == "asgi" else router.wsgi()
    with (uvicorn_server if kind == "asgi" else wsgiref_server)(app) as url:
        for path in ["", "/", "/stripe/webhooks", "/stripe/webhooks/"]:
            assert _post(url + path, *signed(charge_event())).status_code == 200, path


async def test_asgi_in_front_of_an_app_passes_lifespan_and_other_scopes_on() -> None:
    seen: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    app = WebhookRouter(SECRET).asgi(inner, path="/hooks")

    async def nothing() -> Any:
        raise AssertionError("not read")

    async def ignore(message: Any) -> None:
        raise AssertionError("not sent")

    for scope in [
        {"type": "lifespan"},
        {"type": "websocket", "path": "/hooks"},
        {"type": "http", "path": "/x"},
    ]:
        await app(scope, nothing, ignore)
    assert seen == ["lifespan", "websocket", "http"]


def test_the_path_is_checked_when_the_app_is_made() -> None:
    router = WebhookRouter(SECRET)
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: router.asgi(lambda *a: None, path=None), "needs path="),  # type: ignore[arg-type,return-value]
        (lambda: router.wsgi(lambda *a: [], path=None), "needs path="),  # type: ignore[arg-type]
        (lambda: router.asgi(path="stripe/webhooks"), "must be a URL path"),
        (lambda: router.wsgi(path="/hooks?x=1"), "must be a URL path"),
        (lambda: router.asgi(path=b"/hooks"), "got bytes"),  # type: ignore[arg-type]
    ]
    for make, message in cases:
        with pytest.raises(InvalidArgumentError, match=re.escape(message)) as caught:
            make()
        assert caught.value.param == "path"


def test_every_python_block_of_the_guide_runs_without_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = guide_blocks()
    assert len(blocks) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an unknown type spelt out is not a typo: no warning
        namespaces = [_run_block(i, monkeypatch) for i in range(len(blocks))]
    hooks: WebhookRouter = namespaces[2]["hooks"]
    future = event_dict({"id": "in_1", "object": "invoice"}, "invoice.some_future_type")
    assert hooks.handle(*signed(future, "whsec_from_the_dashboard")).status == 200
