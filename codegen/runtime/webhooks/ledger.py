"""The webhook event ledger: which events were applied, so a redelivery runs no handler twice.

Stripe delivers each event at least once. Before a handler runs, the router *claims* the
event id in the ledger; only one delivery can hold a live claim, and an id already marked
done is answered 200 without running the handler. The claim carries a lease: a worker that
dies mid-handler leaves a claim that expires, and the next delivery takes it over. A handler
that raises releases its claim, so Stripe's retry runs it again.

Leases compare the workers' clocks (``time.time()``); keep hosts NTP-synced and the lease
well above both the skew and the slowest handler. A handler that outlives its lease may run
twice; ``complete`` then reports the lost claim.

Stores implement :class:`EventLedger` (four methods, plain SQL, no ORM). This module has the
SQLite store (stdlib; safe across threads and processes on one host);
``ledger_postgres`` has PostgreSQL for a fleet.
"""

# ruff: noqa: S608  (SQL strings interpolate only the constant table name; values are bound)

from __future__ import annotations

import enum
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from ..errors import InvalidArgumentError

if TYPE_CHECKING:
    import sqlite3

DEFAULT_LEASE = 300.0
"""Seconds a claim lives: longer than any handler should take."""

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


def check_lease(lease: float) -> float:
    if isinstance(lease, bool) or not isinstance(lease, (int, float)) or not lease > 0:
        raise InvalidArgumentError(f"lease must be a positive number of seconds, got {lease!r}")
    return float(lease)


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
    process opens its own connection; WAL mode lets readers and one writer overlap.
    ``clock`` is the time source for leases (seconds since the epoch).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.lease = check_lease(lease)
        self.clock = clock
        self._local = threading.local()
        self._schema_ready = False

    def __repr__(self) -> str:
        return f"SQLiteLedger({str(self.path)!r}, lease={self.lease})"

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():  # a forked child opens its own
            import sqlite3  # only where the SQLite store is used

            conn = sqlite3.connect(self.path, timeout=60.0, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
            if not self._schema_ready:
                conn.executescript(SQLITE_SCHEMA)
                self._schema_ready = True
        return conn

    def create_schema(self) -> None:
        """Create the table and index if they do not exist (first use does this too)."""
        self._connection().executescript(SQLITE_SCHEMA)

    def claim(self, event_id: str, owner: str) -> Claim:
        conn = self._connection()
        now = self.clock()
        if conn.execute(_SQLITE_CLAIM, (event_id, owner, now + self.lease, now)).fetchone() is not None:
            return Claim.ACQUIRED
        row = conn.execute(f"SELECT done FROM {TABLE} WHERE event_id = ?", (event_id,)).fetchone()
        # The row can vanish between the two statements (its owner released it): claim again.
        return self.claim(event_id, owner) if row is None else Claim.DONE if row[0] else Claim.BUSY

    def complete(self, owner: str, event: AppliedEvent) -> bool:
        values = (event.event_type, event.object_id, event.created, event.event_id, owner)
        return self._connection().execute(_SQLITE_COMPLETE, values).rowcount == 1

    def release(self, event_id: str, owner: str) -> None:
        self._connection().execute(_SQLITE_RELEASE, (event_id, owner))

    def latest(self, object_id: str) -> AppliedEvent | None:
        return applied(self._connection().execute(_SQLITE_LATEST, (object_id,)).fetchone())

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
