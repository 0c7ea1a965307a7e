"""Webhook deliveries per second through ``WebhookRouter``, without a ledger and with each store.

Each delivery is a distinct signed event (verify, parse, claim, handler, record), sent by one
thread to ``router.handle``; signing happens before the clock starts. PostgreSQL runs on a
throwaway local server (the test suite's helper), so its row needs the server binaries.
Also here: the cost of constructing a client, which tracing and retry strategies must not raise.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lattice_stripe import WebhookRouter, generate_test_header

SECRET = "whsec_bench"  # noqa: S105 - a signing secret for local deliveries


def _deliveries(prefix: str, n: int) -> list[tuple[bytes, str]]:
    from tests.ledger.worker import delivery

    return [
        (body, generate_test_header(body, SECRET)) for body in (delivery(f"{prefix}_{i}") for i in range(n))
    ]


@contextmanager
def _stores(with_postgres: bool) -> Iterator[dict[str, Callable[[], Any]]]:
    from lattice_stripe import PostgresLedger, SQLiteLedger

    with tempfile.TemporaryDirectory() as tmp:
        stores: dict[str, Callable[[], Any]] = {
            "no ledger": lambda: None,
            "sqlite": lambda: SQLiteLedger(Path(tmp) / f"bench-{time.perf_counter_ns()}.sqlite3"),
        }
        server = None
        if with_postgres:
            from tests.ledger.postgres_server import PostgresServer, server_bindir

            bindir = server_bindir()
            if bindir is not None:
                server = PostgresServer(bindir).start()
                dsn = server.dsn
                stores["postgres"] = lambda: PostgresLedger(dsn)
        try:
            yield stores
        finally:
            if server is not None:
                server.stop()


def events_per_second(rounds: int, n: int, with_postgres: bool = True) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {}
    with _stores(with_postgres) as stores:
        for r in range(rounds):
            for name, make in stores.items():
                router = WebhookRouter(SECRET, ledger=make())
                router.fallback(lambda event: None)
                deliveries = _deliveries(f"evt_{r}", n)
                router.handle(*deliveries[0])  # warm up: schema, connection, compiled hooks
                started = time.perf_counter()
                for body, header in deliveries[1:]:
                    router.handle(body, header)
                samples.setdefault(name, []).append((n - 1) / (time.perf_counter() - started))
    return samples


def client_construction_us(rounds: int, n: int) -> list[float]:
    from lattice_stripe import StripeClient

    per_round = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(n):
            StripeClient("sk_test_" + "c" * 24)
        per_round.append((time.perf_counter() - started) / n * 1e6)
    return per_round


def report(quick: bool) -> tuple[str, dict[str, Any]]:
    rounds, n = (1, 20) if quick else (5, 1000)
    rates = events_per_second(rounds, n, with_postgres=not quick)
    construction = client_construction_us(rounds, 200 if quick else 5000)
    lines = [f"webhook router, events/s (median of {rounds} rounds x {n} distinct events, one thread):"]
    lines += [f"  {name:12} {statistics.median(v):>9.0f}" for name, v in rates.items()]
    lines.append(f"client construction: {statistics.median(construction):.1f} us (median of {rounds} rounds)")
    return "\n".join(lines), {"events_per_second": rates, "client_construction_us": construction}


if __name__ == "__main__":
    print(report(quick=False)[0])
