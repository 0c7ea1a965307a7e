"""A ledger database that hangs fails the delivery with 500 within the ledger's bound.

A locked table (both stores, sync and async routers) and a server that accepts connections
but never answers (PostgreSQL, sync and async) must not park the worker: the delivery is
answered 500 ``ledger_unavailable``, the handler does not run, and once the database answers
again the next delivery runs it.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lattice_stripe import (
    AsyncPostgresLedger,
    PostgresLedger,
    WebhookEvent,
    WebhookRouter,
    generate_test_header,
)
from lattice_stripe._runtime.webhooks.ledger import DEFAULT_TIMEOUT, TABLE
from tests.ledger.worker import SECRET, delivery, ledger_for, send

BOUND = 60  # seconds: a safety net for a hang, not a timing threshold
UNAVAILABLE = (500, "ledger_unavailable")


def _router(ledger: Any, runs: list[str]) -> WebhookRouter:
    router = WebhookRouter(SECRET, ledger=ledger)

    @router.fallback
    def handler(event: WebhookEvent) -> None:
        runs.append(event.id)

    return router


def _bounded(fn: Any) -> Any:
    """``fn()`` in a thread, waited for at most BOUND seconds (a hang fails, not blocks)."""
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    thread.start()
    thread.join(BOUND)
    assert out, f"still waiting after {BOUND} s"
    return out[0]


async def _send_async(router: WebhookRouter, payload: bytes) -> tuple[int, dict[str, Any]]:
    answer = router.handle_async(payload, generate_test_header(payload, SECRET))
    response = await asyncio.wait_for(answer, BOUND)
    return response.status, json.loads(response.body)


def _outcome(answer: tuple[int, dict[str, Any]]) -> tuple[int, str]:
    status, body = answer
    return status, body.get("error", {}).get("type", "ok")


class Lock:
    """Holds the ledger's table locked from another connection until released."""

    def __init__(self, kind: str, target: str) -> None:
        ledger_for(kind, target).create_schema()
        if kind == "sqlite":
            self._conn: Any = sqlite3.connect(target, isolation_level=None)
            self._conn.execute("BEGIN EXCLUSIVE")
        else:
            import psycopg

            self._conn = psycopg.connect(target)
            self._conn.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")

    def release(self) -> None:
        self._conn.rollback()
        self._conn.close()


@pytest.mark.parametrize("router_kind", ["sync", "async"])
async def test_a_locked_table_answers_500_within_the_timeout(
    store_spec: tuple[str, str], router_kind: str
) -> None:
    kind, target = store_spec
    runs: list[str] = []
    if router_kind == "async" and kind == "postgres":
        ledger: Any = AsyncPostgresLedger(target, timeout=0.5)
    else:
        ledger = ledger_for(kind, target, timeout=0.5)
    router = _router(ledger, runs)
    lock = Lock(kind, target)
    try:
        if router_kind == "sync":
            answer = _bounded(lambda: send(router, delivery("evt_locked")))
        else:
            answer = await _send_async(router, delivery("evt_locked"))
        assert _outcome(answer) == UNAVAILABLE
        assert runs == []
    finally:
        lock.release()
    if router_kind == "sync":
        assert _outcome(send(router, delivery("evt_locked"))) == (200, "ok")
    else:
        assert _outcome(await _send_async(router, delivery("evt_locked"))) == (200, "ok")
        if isinstance(ledger, AsyncPostgresLedger):
            await ledger.aclose()
    assert runs == ["evt_locked"]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"host=127.0.0.1 port={listener.getsockname()[1]} user=app dbname=app"
    finally:
        stop.set()
        thread.join(5)
        for conn in accepted:
            conn.close()
        listener.close()


def test_a_server_that_never_answers_fails_the_delivery_by_default(silent_server: str) -> None:
    """With the default bound (no setting at all): 500, not a worker parked until Stripe retries."""
    assert DEFAULT_TIMEOUT <= 10
    runs: list[str] = []
    router = _router(PostgresLedger(silent_server), runs)
    assert _outcome(_bounded(lambda: send(router, delivery("evt_silent")))) == UNAVAILABLE
    assert runs == []


async def test_the_async_ledger_bounds_a_server_that_never_answers(silent_server: str) -> None:
    runs: list[str] = []
    router = _router(AsyncPostgresLedger(silent_server, timeout=2), runs)
    assert _outcome(await _send_async(router, delivery("evt_silent"))) == UNAVAILABLE
    assert runs == []


@pytest.mark.parametrize("timeout", [0, -1, True, "5", float("inf"), float("nan")])
def test_the_timeout_must_be_positive_seconds(timeout: Any, tmp_path: Path) -> None:
    from lattice_stripe import InvalidArgumentError, SQLiteLedger

    for make in (
        lambda: SQLiteLedger(tmp_path / "x", timeout=timeout),
        lambda: PostgresLedger("", timeout=timeout),
        lambda: AsyncPostgresLedger("", timeout=timeout),
    ):
        with pytest.raises(InvalidArgumentError, match="timeout must be a positive number of seconds"):
            make()
