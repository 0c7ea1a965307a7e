"""Exactly-once handler effects with many threads and processes delivering the same events.

Four worker processes of 16 threads each deliver 500 events, 30 % of them twice (the second
copy to another process, at the same point of its plan, so the copies race). Each handler
effect is a line in a shared file: every event must appear there exactly once.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from lattice_stripe import WebhookRouter
from lattice_stripe._runtime.webhooks.ledger import DEFAULT_LEASE
from tests.ledger.worker import delivery, ledger_for, send

PROCESSES = 4
EVENTS = 500
DUPLICATE_SHARE = 0.30
ROOT = Path(__file__).resolve().parents[2]


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.ledger.worker", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def _plans() -> list[list[str]]:
    rng = random.Random(13)
    plans: list[list[str]] = [[] for _ in range(PROCESSES)]
    for n in range(EVENTS):
        plans[n % PROCESSES].append(f"evt_{n:04d}")
    for n in rng.sample(range(EVENTS), int(EVENTS * DUPLICATE_SHARE)):
        other = (n % PROCESSES + rng.randrange(1, PROCESSES)) % PROCESSES
        plans[other].append(f"evt_{n:04d}")
    return [sorted(plan) for plan in plans]  # event order: copies of one event meet in time


def test_each_event_applied_once_across_processes_and_threads(
    store_spec: tuple[str, str], tmp_path: Path
) -> None:
    kind, target = store_spec
    effects = tmp_path / "effects.txt"
    workers = []
    for n, plan in enumerate(_plans()):
        (tmp_path / f"plan{n}.json").write_text(json.dumps(plan))
        workers.append(_worker("deliver", kind, target, str(tmp_path / f"plan{n}.json"), str(effects)))
    for n in range(PROCESSES):
        (tmp_path / f"plan{n}.json.go").touch()
    answers: Counter[str] = Counter()
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0
        answers.update(json.loads(out))

    applied = Counter(effects.read_text().split())
    assert len(applied) == EVENTS
    assert set(applied.values()) == {1}
    assert answers["200"] == EVENTS
    assert answers["duplicate"] == int(EVENTS * DUPLICATE_SHARE)
    assert set(answers) <= {"200", "duplicate", "busy"}


def test_a_killed_workers_claim_is_taken_over_after_its_lease(
    store_spec: tuple[str, str], tmp_path: Path
) -> None:
    kind, target = store_spec
    started = tmp_path / "started"
    worker = _worker("hang", kind, target, "evt_killed", str(started))
    try:
        for _ in range(3000):  # bounded wait for the worker to be inside its handler
            if started.exists() or worker.poll() is not None:
                break
            time.sleep(0.01)
        assert started.exists(), "the worker never reached its handler"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=60)

    ran: list[str] = []
    clock_offset = [0.0]

    def router() -> WebhookRouter:
        ledger = ledger_for(kind, target, clock=lambda: time.time() + clock_offset[0])
        r = WebhookRouter("whsec_ledger_test", ledger=ledger)
        r.fallback(lambda event: ran.append(event.id))
        return r

    payload = delivery("evt_killed")
    status, body = send(router(), payload)
    assert (status, body["error"]["type"]) == (409, "event_in_progress")  # the dead claim still holds
    assert ran == []

    clock_offset[0] = DEFAULT_LEASE + 1.0  # the hung worker's lease, as seen from a later clock
    assert send(router(), payload) == (200, {"received": True})
    assert ran == ["evt_killed"]
    assert send(router(), payload) == (200, {"received": True, "duplicate": True})
    assert ran == ["evt_killed"]
