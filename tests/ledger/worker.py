"""A webhook worker process for the ledger tests: ``python -m tests.ledger.worker MODE ...``.

``deliver KIND TARGET PLAN EFFECTS``: once ``PLAN.go`` exists, 16 threads deliver the event ids listed in the JSON file
PLAN through a router with the ledger, redelivering on 409 as Stripe would, and append one
line per handler effect to EFFECTS (``O_APPEND``: whole lines from any number of writers).
Prints a JSON count of the answers.

``hang KIND TARGET EVENT_ID STARTED``: delivers one event whose handler touches STARTED and
then blocks until the process is killed (or 120 s pass).

``applied KIND TARGET SETUP EVENT_ID EFFECTS STARTED``: delivers one event through a ledger on
the user's own connection (SETUP ``connect``: one not in autocommit; ``pool``: a psycopg_pool
pool), appends its effect to EFFECTS, touches STARTED once the router answered, then blocks,
connection open, until the process is killed (or 120 s pass).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lattice_stripe import WebhookEvent, WebhookRouter, generate_test_header
from lattice_stripe._runtime.webhooks.ledger import EventLedger, SQLiteLedger
from lattice_stripe._runtime.webhooks.ledger_postgres import PostgresLedger

SECRET = "whsec_ledger_test"
THREADS = 16
MAX_REDELIVERIES = 10_000  # bounded: a stuck claim fails the test instead of hanging it


def ledger_for(kind: str, target: str, setup: str = "own", **options: Any) -> EventLedger:
    """A ledger on the store; ``setup`` says whose connections it uses: ``own`` (the ledger's),
    ``connect`` (the user's, opened the library's default way: not in autocommit) or ``pool``."""
    if kind == "sqlite":
        if setup == "connect":
            import sqlite3

            options["connect"] = lambda: sqlite3.connect(target, check_same_thread=False)
        return SQLiteLedger(target, **options)
    if setup == "connect":
        import psycopg

        options["connect"] = lambda: psycopg.connect(target)
    elif setup == "pool":
        import psycopg_pool

        options["pool"] = psycopg_pool.ConnectionPool(target, min_size=1, max_size=4, open=True)
    return PostgresLedger(target, **options)


def delivery(event_id: str, object_id: str | None = None, created: int = 1_700_000_000) -> bytes:
    """A signed-later event body about an object type this SDK does not model (cheap to parse)."""
    obj = {"id": object_id or f"wd_{event_id}", "object": "widget"}
    event = {
        "id": event_id,
        "object": "event",
        "created": created,
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "type": "widget.updated",
    }
    return json.dumps(event).encode()


def send(router: WebhookRouter, payload: bytes) -> tuple[int, dict[str, Any]]:
    response = router.handle(payload, generate_test_header(payload, SECRET))
    return response.status, json.loads(response.body)


def deliver_plan(kind: str, target: str, plan_path: str, effects_path: str) -> None:
    with open(plan_path) as f:
        plan: list[str] = json.load(f)
    fd = os.open(effects_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    router = WebhookRouter(SECRET, ledger=ledger_for(kind, target))

    @router.fallback
    def apply(event: WebhookEvent) -> None:
        time.sleep(0.005)  # a handler doing some work keeps the claim held while copies arrive
        os.write(fd, f"{event.id}\n".encode())

    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def run(event_id: str) -> None:
        payload = delivery(event_id)
        for _ in range(MAX_REDELIVERIES):
            status, body = send(router, payload)
            with lock:
                answers[
                    "busy" if status == 409 else "duplicate" if body.get("duplicate") else str(status)
                ] += 1
            if status != 409:
                return
            time.sleep(0.002)

    go = plan_path + ".go"
    for _ in range(6000):  # all workers start together, bounded
        if os.path.exists(go):
            break
        time.sleep(0.005)
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(run, plan))
    os.close(fd)
    print(json.dumps(answers))


def hang(kind: str, target: str, event_id: str, started: str) -> None:
    router = WebhookRouter(SECRET, ledger=ledger_for(kind, target))

    @router.fallback
    def stuck(event: WebhookEvent) -> None:
        open(started, "w").close()
        time.sleep(120)

    send(router, delivery(event_id))


def applied_then_hang(kind: str, target: str, setup: str, event_id: str, effects: str, started: str) -> None:
    router = WebhookRouter(SECRET, ledger=ledger_for(kind, target, setup))

    @router.fallback
    def apply(event: WebhookEvent) -> None:
        with open(effects, "a") as f:
            f.write(f"{event.id}\n")

    status, _ = send(router, delivery(event_id))
    with open(started, "w") as f:
        f.write(str(status))
    time.sleep(120)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    {"deliver": deliver_plan, "hang": hang, "applied": applied_then_hang}[mode](*args)
