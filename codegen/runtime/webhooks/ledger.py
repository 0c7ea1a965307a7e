"""The webhook event ledger: which events were applied, so a redelivery runs no handler twice.

Stripe delivers each event at least once. Before a handler runs, the router *claims* the
event id in the ledger; only one delivery can hold a live claim, and an id already marked
done is answered 200 without running the handler. The claim carries a lease: a worker that
dies mid-handler leaves a claim that expires, and the next delivery takes it over. A handler
that raises releases its claim, so Stripe's retry runs it again.

Leases compare the workers' clocks (``time.time()``); keep hosts NTP-synced and the lease
well above both the skew and the slowest handler. A handler that outlives its lease may run
twice; ``complete`` then reports the lost claim.

Each ledger method is one transaction the store begins and commits itself, whatever
connection it is given: an answer of 200 means the claim and the completion are committed. A
connection the caller hands over must be idle (no transaction of the caller's open); one that
is not is refused (:class:`LedgerConnectionError`) rather than written into a transaction that
would roll back later. Every wait is bounded (``timeout``, default :data:`DEFAULT_TIMEOUT`): a
locked table or a database that does not answer fails the delivery with 500, well before
Stripe gives up on it, instead of parking the worker.

Stores implement :class:`EventLedger` (four methods, plain SQL, no ORM). This module has the
SQLite store (stdlib; safe across threads and processes on one host);
``ledger_postgres`` has PostgreSQL for a fleet.
"""

# ruff: noqa: S608  (SQL strings interpolate only the constant table name; values are bound)

from __future__ import annotations

import contextlib
import enum
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from ..errors import InvalidArgumentError

if TYPE_CHECKING:
    import sqlite3

DEFAULT_LEASE = 300.0
"""Seconds a claim lives: longer than any handler should take."""

DEFAULT_TIMEOUT = 5.0
"""Seconds one ledger statement (and a connect) may wait before the delivery answers 500.
Stripe expects a prompt answer and counts a slow one as failed and delivers again: a ledger
wait must end well before, or redeliveries pile up behind stuck workers."""

TABLE = "lattice_stripe_events"


class Claim(enum.Enum):
    """What :meth:`EventLedger.claim` found."""

    ACQUIRED = "acquired"
    """Ours: run the handler, then ``complete`` or ``release``."""
    DONE = "done"
    """Applied before: answer 200, run nothing."""
    BUSY = "busy"
    """Another worker holds a live claim: answer non-2xx so Stripe delivers again later."""


@attrs.frozen
class AppliedEvent:
    """One applied event as the ledger keeps it, for ordering checks in handlers."""

    event_id: str
    event_type: str
    object_id: str | None
    created: int
    """The event's ``created`` (Unix seconds), which orders events about one object."""


class EventLedger(Protocol):
    """A store of claimed and applied webhook events (implement it for your own database)."""

    def claim(self, event_id: str, owner: str) -> Claim:
        """Claim ``event_id`` for ``owner`` unless it is done or held by a live claim."""
        ...

    def complete(self, owner: str, event: AppliedEvent) -> bool:
        """Mark the event applied; False if ``owner`` no longer held the claim."""
        ...

    def release(self, event_id: str, owner: str) -> None:
        """Drop ``owner``'s claim (the handler failed), so the next delivery runs it."""
        ...

    def latest(self, object_id: str) -> AppliedEvent | None:
        """The most recently created applied event about ``object_id``, if any."""
        ...


class AsyncEventLedger(Protocol):
    """:class:`EventLedger` with coroutine methods, for async routers."""

    async def claim(self, event_id: str, owner: str) -> Claim: ...

    async def complete(self, owner: str, event: AppliedEvent) -> bool: ...

    async def release(self, event_id: str, owner: str) -> None: ...

    async def latest(self, object_id: str) -> AppliedEvent | None: ...


def check_ledger(ledger: object) -> None:
    if ledger is not None and not all(
        callable(getattr(ledger, m, None)) for m in ("claim", "complete", "release")
    ):
        raise InvalidArgumentError(
            f"ledger must be an EventLedger (claim, complete, release, latest), got {type(ledger).__name__}"
        )


class LedgerConnectionError(RuntimeError):
    """A connection the ledger was given cannot be used: it has a transaction open."""


def check_lease(lease: float, name: str = "lease") -> float:
    if isinstance(lease, bool) or not isinstance(lease, (int, float)) or not 0 < lease < float("inf"):
        raise InvalidArgumentError(f"{name} must be a positive number of seconds, got {lease!r}", param=name)
    return float(lease)


def busy(what: str) -> LedgerConnectionError:
    return LedgerConnectionError(
        f"the ledger's {what} has a transaction open; the ledger commits its own statements and "
        "needs a connection that is idle between its calls (autocommit, or committed by its owner)"
    )


def statements(script: str) -> list[str]:
    return [statement for statement in script.split(";") if statement.strip()]


def applied(row: tuple[Any, ...] | None) -> AppliedEvent | None:
    return None if row is None else AppliedEvent(row[0], row[1], row[2], int(row[3]))


# One statement claims: insert a fresh claim, or take over an expired one. Anything else
# (done, or a live claim) leaves the row alone and returns nothing.
SQLITE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    event_id TEXT PRIMARY KEY,
    done INTEGER NOT NULL DEFAULT 0,
    owner TEXT,
    lease_until REAL,
    event_type TEXT,
    object_id TEXT,
    created INTEGER
);
CREATE INDEX IF NOT EXISTS {TABLE}_object ON {TABLE} (object_id, created) WHERE done = 1;
"""
_SQLITE_CLAIM = f"""
INSERT INTO {TABLE} (event_id, owner, lease_until) VALUES (?, ?, ?)
ON CONFLICT (event_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
WHERE {TABLE}.done = 0 AND {TABLE}.lease_until < ?
RETURNING owner
"""
_SQLITE_COMPLETE = f"""
UPDATE {TABLE} SET done = 1, owner = NULL, lease_until = NULL, event_type = ?, object_id = ?, created = ?
WHERE event_id = ? AND owner = ? AND done = 0
"""
_SQLITE_RELEASE = f"DELETE FROM {TABLE} WHERE event_id = ? AND owner = ? AND done = 0"
_SQLITE_LATEST = f"""
SELECT event_id, event_type, object_id, created FROM {TABLE}
WHERE object_id = ? AND done = 1 ORDER BY created DESC, event_id DESC LIMIT 1
"""


class SQLiteLedger:
    """The ledger in a SQLite file: one machine, any number of threads and processes.

    The schema is created on first use (or by :meth:`create_schema`). Each thread of each
    process opens its own connection (``connect``, if given, opens it instead: it must not
    hold a transaction of its own between the ledger's calls); WAL mode lets readers and one
    writer overlap. ``timeout`` bounds a wait for another writer's lock. ``clock`` is the time
    source for leases (seconds since the epoch).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
        timeout: float = DEFAULT_TIMEOUT,
        connect: Callable[[], sqlite3.Connection] | None = None,
    ) -> None:
        self.path = Path(path)
        self.lease = check_lease(lease)
        self.timeout = check_lease(timeout, "timeout")
        self.clock = clock
        self._connect = connect
        self._local = threading.local()
        self._schema_ready = False

    def __repr__(self) -> str:
        return f"SQLiteLedger({str(self.path)!r}, lease={self.lease})"

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():  # a forked child opens its own
            import sqlite3  # only where the SQLite store is used

            if self._connect is not None:
                conn = self._connect()
            else:
                conn = sqlite3.connect(
                    self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
                )
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            self._local.conn, self._local.pid = conn, os.getpid()
            if not self._schema_ready:
                self._create_schema()
        return conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, begun and committed here whatever mode the connection is in."""
        conn: sqlite3.Connection = self._local.conn
        if conn.in_transaction:
            raise busy("SQLite connection")
        conn.execute("BEGIN IMMEDIATE")  # the write lock now: no deadlock upgrading a read
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _create_schema(self) -> None:
        with self._transaction() as conn:
            for statement in statements(SQLITE_SCHEMA):
                conn.execute(statement)
        self._schema_ready = True

    def create_schema(self) -> None:
        """Create the table and index if they do not exist (first use does this too)."""
        self._connection()
        self._create_schema()

    def claim(self, event_id: str, owner: str) -> Claim:
        self._connection()
        now = self.clock()
        with self._transaction() as conn:
            if conn.execute(_SQLITE_CLAIM, (event_id, owner, now + self.lease, now)).fetchone():
                return Claim.ACQUIRED
            row = conn.execute(f"SELECT done FROM {TABLE} WHERE event_id = ?", (event_id,)).fetchone()
        return Claim.DONE if row[0] else Claim.BUSY  # the row exists: the upsert did not insert

    def complete(self, owner: str, event: AppliedEvent) -> bool:
        values = (event.event_type, event.object_id, event.created, event.event_id, owner)
        self._connection()
        with self._transaction() as conn:
            return conn.execute(_SQLITE_COMPLETE, values).rowcount == 1

    def release(self, event_id: str, owner: str) -> None:
        self._connection()
        with self._transaction() as conn:
            conn.execute(_SQLITE_RELEASE, (event_id, owner))

    def latest(self, object_id: str) -> AppliedEvent | None:
        conn = self._connection()
        if conn.in_transaction:
            raise busy("SQLite connection")
        return applied(conn.execute(_SQLITE_LATEST, (object_id,)).fetchone())

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
