"""The ledger behind real servers: redeliveries over sockets run the handler once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from lattice_stripe import (
    AsyncPostgresLedger,
    PostgresLedger,
    SQLiteLedger,
    WebhookEvent,
    WebhookRouter,
    generate_test_header,
)
from tests.ledger.worker import delivery
from tests.webhooks.helpers import SECRET
from tests.webhooks.test_apps import uvicorn_server, wsgiref_server

SETUPS: dict[str, tuple[Callable[[WebhookRouter], Any], Callable[[Path, Callable[[], str]], Any]]] = {
    "asgi-async-postgres": (lambda r: uvicorn_server(r.asgi()), lambda tmp, dsn: AsyncPostgresLedger(dsn())),
    "asgi-sqlite": (lambda r: uvicorn_server(r.asgi()), lambda tmp, dsn: SQLiteLedger(tmp / "l.sqlite3")),
    "wsgi-postgres": (lambda r: wsgiref_server(r.wsgi()), lambda tmp, dsn: PostgresLedger(dsn())),
    "wsgi-sqlite": (lambda r: wsgiref_server(r.wsgi()), lambda tmp, dsn: SQLiteLedger(tmp / "l.sqlite3")),
}


@pytest.mark.parametrize("setup", sorted(SETUPS))
def test_a_redelivery_over_http_is_acknowledged_without_running_the_handler(
    setup: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    serve, make_ledger = SETUPS[setup]
    router = WebhookRouter(
        SECRET, ledger=make_ledger(tmp_path, lambda: request.getfixturevalue("postgres_dsn"))
    )
    calls: list[str] = []

    @router.fallback
    def handler(event: WebhookEvent) -> None:
        calls.append(event.id)
        if len(calls) == 1:
            raise RuntimeError("first delivery fails")

    payload = delivery("evt_served")
    with serve(router) as url:
        answers = [
            httpx.post(
                url, content=payload, headers={"stripe-signature": generate_test_header(payload, SECRET)},
                timeout=10, trust_env=False,
            )
            for _ in range(3)
        ]  # fmt: skip
    assert [a.status_code for a in answers] == [500, 200, 200]
    assert answers[2].json() == {"received": True, "duplicate": True}
    assert calls == ["evt_served", "evt_served"]
