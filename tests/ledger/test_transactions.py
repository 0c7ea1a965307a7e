"""The ledger owns its transactions whatever connection it is given (class: uncommitted claims).

A connection the user hands over (``connect=``: SQLite's and psycopg's default, not in
autocommit) or a ``psycopg_pool`` pool must leave every answered delivery committed: seen from
another connection, surviving the worker's death, and never run again by a redelivery.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lattice_stripe import WebhookEvent, WebhookRouter, generate_test_header
from lattice_stripe._runtime.webhooks.ledger import TABLE, Claim
from lattice_stripe._runtime.webhooks.ledger_postgres import AsyncPostgresLedger
from tests.ledger.worker import SECRET, delivery, ledger_for, send

APPLIED = (200, {"received": True})
DUPLICATE = (200, {"received": True, "duplicate": True})
ROOT = Path(__file__).resolve().parents[2]
BOUND = 60  # seconds: a safety net for a hang, not a timing threshold
USER_SETUPS = [("sqlite", "connect"), ("postgres", "connect"), ("postgres", "pool")]


@pytest.fixture(params=USER_SETUPS, ids=lambda s: "-".join(s))
def user_store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str, str]:
    kind, setup = request.param
    target = str(tmp_path / "ledger.sqlite3") if kind == "sqlite" else request.getfixturevalue("postgres_dsn")
    return kind, target, setup


def committed(kind: str, target: str, event_id: str) -> bool | None:
    """The event's ``done`` flag as a fresh connection sees it (None: no committed row)."""
    sql = f"SELECT done FROM {TABLE} WHERE event_id = " + ("?" if kind == "sqlite" else "%s")
    if kind == "sqlite":
        conn = sqlite3.connect(target, timeout=30)
        try:
            row = conn.execute(sql, (event_id,)).fetchone()
        finally:
            conn.close()
    else:
        import psycopg

        with psycopg.connect(target, autocommit=True) as pg:
            pg.execute("SET statement_timeout = 30000")  # a lock held by a broken ledger fails, not hangs
            row = pg.execute(sql, (event_id,)).fetchone()
    return None if row is None else bool(row[0])


def _router(ledger: Any, runs: list[str], fail_first: int = 0) -> WebhookRouter:
    router = WebhookRouter(SECRET, ledger=ledger)

    @router.fallback
    def handler(event: WebhookEvent) -> None:
        runs.append(event.id)
        if len(runs) <= fail_first:
            raise RuntimeError("handler failed")

    return router


def test_an_answered_delivery_is_committed_on_the_users_connection(user_store: tuple[str, str, str]) -> None:
    kind, target, setup = user_store
    runs: list[str] = []
    router = _router(ledger_for(kind, target, setup), runs, fail_first=1)
    assert send(router, delivery("evt_1"))[0] == 500
    assert committed(kind, target, "evt_1") is None  # the failed run's claim was released, committed
    assert send(router, delivery("evt_1")) == APPLIED
    assert committed(kind, target, "evt_1") is True
    # Another worker, on its own connection, sees it done at once (no wait on an open transaction).
    other = _router(ledger_for(kind, target, timeout=2), runs)
    assert send(other, delivery("evt_1")) == DUPLICATE
    assert runs == ["evt_1", "evt_1"]


def _open_transaction(kind: str, target: str) -> Callable[[], Any]:
    """A ``connect`` whose connection already holds a transaction of its caller's."""
    if kind == "sqlite":

        def sqlite_busy() -> sqlite3.Connection:
            conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
            conn.execute("BEGIN")
            return conn

        return sqlite_busy
    import psycopg

    def pg_busy() -> psycopg.Connection[Any]:
        conn = psycopg.connect(target)
        conn.execute("SELECT 1")  # opens the implicit transaction of a non-autocommit connection
        return conn

    return pg_busy


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_connection_with_a_transaction_open_is_refused_not_written_into(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    target = str(tmp_path / "l.sqlite3") if kind == "sqlite" else request.getfixturevalue("postgres_dsn")
    if kind == "sqlite":
        from lattice_stripe import SQLiteLedger

        ledger: Any = SQLiteLedger(target, connect=_open_transaction(kind, target))
    else:
        from lattice_stripe import PostgresLedger

        ledger = PostgresLedger(target, connect=_open_transaction(kind, target))
    runs: list[str] = []
    status, body = send(_router(ledger, runs), delivery("evt_1"))
    assert (status, body["error"]["type"]) == (500, "ledger_unavailable")
    assert runs == []
    assert "has a transaction open" in caplog.text


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.ledger.worker", *args], cwd=ROOT, text=True)


def test_a_killed_worker_on_the_users_connection_leaves_its_event_applied_once(
    user_store: tuple[str, str, str], tmp_path: Path
) -> None:
    """The worker answers 200, keeps its connection open and is SIGKILLed: what it answered
    must stay committed, so the redelivery Stripe makes later runs nothing."""
    kind, target, setup = user_store
    effects, started = tmp_path / "effects", tmp_path / "started"
    worker = _worker("applied", kind, target, setup, "evt_k", str(effects), str(started))
    try:
        for _ in range(6000):  # bounded wait for the worker's answer
            if (started.exists() and started.read_text()) or worker.poll() is not None:
                break
            time.sleep(0.01)
        assert started.read_text() == "200"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=60)
    runs: list[str] = []
    assert send(_router(ledger_for(kind, target, timeout=2), runs), delivery("evt_k")) == DUPLICATE
    runs_per_event = len(effects.read_text().split()) + len(runs)
    assert runs_per_event == 1


async def _send_async(router: WebhookRouter, payload: bytes) -> tuple[int, dict[str, Any]]:
    response = await router.handle_async(payload, generate_test_header(payload, SECRET))
    return response.status, json.loads(response.body)


@pytest.mark.parametrize("setup", ["connect", "pool"])
async def test_the_async_ledger_commits_on_the_users_connection_or_pool(
    setup: str, postgres_dsn: str
) -> None:
    import psycopg
    import psycopg_pool

    pool = None
    if setup == "pool":
        pool = psycopg_pool.AsyncConnectionPool(postgres_dsn, min_size=1, max_size=2, open=False)
        await pool.open()
        ledger = AsyncPostgresLedger(pool=pool)
    else:
        ledger = AsyncPostgresLedger(connect=lambda: psycopg.AsyncConnection.connect(postgres_dsn))
    try:
        runs: list[str] = []
        router = _router(ledger, runs, fail_first=1)
        assert (await _send_async(router, delivery("evt_a")))[0] == 500
        assert (await _send_async(router, delivery("evt_a"))) == APPLIED
        assert committed("postgres", postgres_dsn, "evt_a") is True
        assert ledger_for("postgres", postgres_dsn, timeout=2).claim("evt_a", "x") is Claim.DONE
        assert runs == ["evt_a", "evt_a"]
    finally:
        await ledger.aclose()
        if pool is not None:
            await pool.close()


def test_one_async_ledger_serves_several_event_loops(postgres_dsn: str) -> None:
    """``asyncio.run`` after ``asyncio.run`` with one ledger, as one client serves both."""
    ledger = AsyncPostgresLedger(postgres_dsn)
    runs: list[str] = []
    router = _router(ledger, runs)

    async def burst(n: int) -> list[int]:
        sends = asyncio.gather(*(_send_async(router, delivery(f"evt_{n}_{i}")) for i in range(4)))
        answers = await asyncio.wait_for(sends, BOUND)
        answers.append(await asyncio.wait_for(_send_async(router, delivery(f"evt_{n}_0")), BOUND))
        return [status for status, _ in answers]

    assert [asyncio.run(burst(n)) for n in range(3)] == [[200] * 5] * 3
    assert sorted(runs) == sorted(f"evt_{n}_{i}" for n in range(3) for i in range(4))
    asyncio.run(ledger.aclose())  # closing from yet another loop neither raises nor hangs


def test_the_sqlite_ledger_serves_several_event_loops(tmp_path: Path) -> None:
    from lattice_stripe import SQLiteLedger

    runs: list[str] = []
    router = _router(SQLiteLedger(tmp_path / "l.sqlite3"), runs)

    async def one(n: int) -> list[int]:
        return [
            (await _send_async(router, delivery(f"evt_{n}")))[0],
            (await _send_async(router, delivery("evt_0")))[0],
        ]

    assert [asyncio.run(one(n)) for n in range(3)] == [[200, 200]] * 3
    assert runs == ["evt_0", "evt_1", "evt_2"]
