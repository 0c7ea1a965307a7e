from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ledger.postgres_server import INSTALL_HINT, PostgresServer, server_bindir

_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The DSN of a PostgreSQL server: ``$LATTICE_STRIPE_TEST_POSTGRES`` or one started here."""
    given = os.environ.get("LATTICE_STRIPE_TEST_POSTGRES")
    if given:
        yield given
        return
    bindir = server_bindir()
    if bindir is None:
        pytest.fail(f"no PostgreSQL server binaries (initdb, pg_ctl) on this machine: {INSTALL_HINT}")
    server = PostgresServer(bindir).start()
    try:
        yield server.dsn
    finally:
        server.stop()


@pytest.fixture
def postgres_dsn(postgres_server: str) -> str:
    """A fresh, empty database on the test server."""
    import psycopg

    name = f"ledger_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{postgres_server} dbname={name}"


@pytest.fixture(params=["sqlite", "postgres"])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """``(kind, target)`` naming a fresh ledger store: a SQLite file or a PostgreSQL database."""
    if request.param == "sqlite":
        return ("sqlite", str(tmp_path / "ledger.sqlite3"))
    return ("postgres", request.getfixturevalue("postgres_dsn"))
