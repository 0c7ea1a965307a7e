"""The webhook event ledger in PostgreSQL, for a fleet of web workers (``lattice-stripe[postgres]``).

Same table and semantics as the SQLite store (see ``ledger``): one upsert claims an event or
takes over an expired claim. Connections come from ``psycopg`` 3, imported on first use: one
per thread for :class:`PostgresLedger`, one per ledger for :class:`AsyncPostgresLedger` (pass
``connect`` to use your own pool or settings). Every statement runs in autocommit.
"""

# ruff: noqa: S608  (SQL strings interpolate only the constant table name; values are bound)

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .ledger import DEFAULT_LEASE, TABLE, AppliedEvent, Claim, applied, check_lease

if TYPE_CHECKING:
    import psycopg

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    event_id TEXT PRIMARY KEY,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    owner TEXT,
    lease_until DOUBLE PRECISION,
    event_type TEXT,
    object_id TEXT,
    created BIGINT
);
CREATE INDEX IF NOT EXISTS {TABLE}_object ON {TABLE} (object_id, created) WHERE done
"""
# CREATE ... IF NOT EXISTS still races between processes; an advisory lock serialises it.
_LOCKED_SCHEMA = f"SELECT pg_advisory_xact_lock(hashtext('{TABLE}'))"
_CLAIM = f"""
INSERT INTO {TABLE} (event_id, owner, lease_until) VALUES (%s, %s, %s)
ON CONFLICT (event_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
WHERE NOT {TABLE}.done AND {TABLE}.lease_until < %s
RETURNING owner
"""
_STATE = f"SELECT done FROM {TABLE} WHERE event_id = %s"
_COMPLETE = f"""
UPDATE {TABLE} SET done = TRUE, owner = NULL, lease_until = NULL,
    event_type = %s, object_id = %s, created = %s
WHERE event_id = %s AND owner = %s AND NOT done
"""
_RELEASE = f"DELETE FROM {TABLE} WHERE event_id = %s AND owner = %s AND NOT done"
_LATEST = f"""
SELECT event_id, event_type, object_id, created FROM {TABLE}
WHERE object_id = %s AND done ORDER BY created DESC, event_id DESC LIMIT 1
"""


def _claimed(returned: Any, state: Any) -> Claim | None:
    if returned is not None:
        return Claim.ACQUIRED
    return None if state is None else Claim.DONE if state[0] else Claim.BUSY


def _complete_args(owner: str, event: AppliedEvent) -> tuple[Any, ...]:
    return (event.event_type, event.object_id, event.created, event.event_id, owner)


class _Base:
    def __init__(self, conninfo: str, *, lease: float, clock: Callable[[], float]) -> None:
        self.conninfo = conninfo
        self.lease = check_lease(lease)
        self.clock = clock
        self._schema_ready = False

    def __repr__(self) -> str:  # the conninfo may hold a password
        return f"{type(self).__name__}(lease={self.lease})"

    def _claim_args(self, event_id: str, owner: str) -> tuple[Any, ...]:
        now = self.clock()
        return (event_id, owner, now + self.lease, now)


class PostgresLedger(_Base):
    """The ledger in PostgreSQL through psycopg's sync API (WSGI workers, threads, processes)."""

    def __init__(
        self,
        conninfo: str = "",
        *,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
        connect: Callable[[], psycopg.Connection[Any]] | None = None,
    ) -> None:
        super().__init__(conninfo, lease=lease, clock=clock)
        self._connect = connect
        self._local = threading.local()

    def _connection(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or self._local.pid != os.getpid():
            import psycopg

            conn = self._connect() if self._connect else psycopg.connect(self.conninfo, autocommit=True)
            self._local.conn, self._local.pid = conn, os.getpid()
            if not self._schema_ready:
                self._create_schema(conn)
        return conn

    def _create_schema(self, conn: psycopg.Connection[Any]) -> None:
        with conn.transaction():
            conn.execute(_LOCKED_SCHEMA)
            for statement in SCHEMA.split(";"):
                conn.execute(statement)
        self._schema_ready = True

    def create_schema(self) -> None:
        """Create the table and index if they do not exist (first use does this too)."""
        self._create_schema(self._connection())

    def claim(self, event_id: str, owner: str) -> Claim:
        conn = self._connection()
        returned = conn.execute(_CLAIM, self._claim_args(event_id, owner)).fetchone()
        state = None if returned else conn.execute(_STATE, (event_id,)).fetchone()
        result = _claimed(returned, state)
        return self.claim(event_id, owner) if result is None else result

    def complete(self, owner: str, event: AppliedEvent) -> bool:
        return self._connection().execute(_COMPLETE, _complete_args(owner, event)).rowcount == 1

    def release(self, event_id: str, owner: str) -> None:
        self._connection().execute(_RELEASE, (event_id, owner))

    def latest(self, object_id: str) -> AppliedEvent | None:
        return applied(self._connection().execute(_LATEST, (object_id,)).fetchone())

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


class AsyncPostgresLedger(_Base):
    """The ledger in PostgreSQL through psycopg's async API (ASGI routers).

    It connects on first use; ``await ledger.aclose()`` (or ``async with``) closes it.
    """

    def __init__(
        self,
        conninfo: str = "",
        *,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
        connect: Callable[[], Awaitable[psycopg.AsyncConnection[Any]]] | None = None,
    ) -> None:
        super().__init__(conninfo, lease=lease, clock=clock)
        self._connect = connect
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._connecting = asyncio.Lock()  # concurrent first deliveries open one connection

    async def __aenter__(self) -> AsyncPostgresLedger:
        await self._connection()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        async with self._connecting:
            if self._conn is None or self._conn.closed:
                import psycopg

                if self._connect:
                    conn = await self._connect()
                else:
                    conn = await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True)
                if not self._schema_ready:
                    await self._create_schema(conn)
                self._conn = conn
            return self._conn

    async def _create_schema(self, conn: psycopg.AsyncConnection[Any]) -> None:
        async with conn.transaction():
            await conn.execute(_LOCKED_SCHEMA)
            for statement in SCHEMA.split(";"):
                await conn.execute(statement)
        self._schema_ready = True

    async def create_schema(self) -> None:
        """Create the table and index if they do not exist (first use does this too)."""
        await self._create_schema(await self._connection())

    async def claim(self, event_id: str, owner: str) -> Claim:
        conn = await self._connection()
        returned = await (await conn.execute(_CLAIM, self._claim_args(event_id, owner))).fetchone()
        state = None if returned else await (await conn.execute(_STATE, (event_id,))).fetchone()
        result = _claimed(returned, state)
        return await self.claim(event_id, owner) if result is None else result

    async def complete(self, owner: str, event: AppliedEvent) -> bool:
        conn = await self._connection()
        return (await conn.execute(_COMPLETE, _complete_args(owner, event))).rowcount == 1

    async def release(self, event_id: str, owner: str) -> None:
        await (await self._connection()).execute(_RELEASE, (event_id, owner))

    async def latest(self, object_id: str) -> AppliedEvent | None:
        conn = await self._connection()
        return applied(await (await conn.execute(_LATEST, (object_id,))).fetchone())

    async def aclose(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
