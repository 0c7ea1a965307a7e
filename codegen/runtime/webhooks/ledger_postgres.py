"""The webhook event ledger in PostgreSQL, for a fleet of web workers (``lattice-stripe[postgres]``).

Same table and semantics as the SQLite store (see ``ledger``): one upsert claims an event or
takes over an expired claim. Connections come from ``psycopg`` 3, imported on first use: one
per thread for :class:`PostgresLedger`, one per event loop for :class:`AsyncPostgresLedger`;
``connect=`` opens them your way instead, and ``pool=`` (a ``psycopg_pool`` pool) lends one
per ledger call.

Each ledger call is one transaction begun and committed here (``conn.transaction()`` on an
idle connection, autocommit or not), with ``statement_timeout`` set for it alone
(``SET LOCAL``), so a connection or pool shared with the application keeps its settings. A
connection that holds a transaction of its own is refused, never written into.
"""

# ruff: noqa: S608  (SQL strings interpolate only the constant table name; values are bound)

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from .ledger import (
    DEFAULT_LEASE,
    DEFAULT_TIMEOUT,
    TABLE,
    AppliedEvent,
    Claim,
    applied,
    busy,
    check_lease,
    statements,
)

if TYPE_CHECKING:
    import psycopg
    import psycopg_pool

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


def _idle(conn: Any) -> None:
    from psycopg import pq

    if conn.info.transaction_status != pq.TransactionStatus.IDLE:
        raise busy("PostgreSQL connection")


class _Base:
    def __init__(
        self, conninfo: str, *, lease: float, clock: Callable[[], float], timeout: float, pool: Any
    ) -> None:
        self.conninfo = conninfo
        self.lease = check_lease(lease)
        self.timeout = check_lease(timeout, "timeout")
        self.clock = clock
        self.pool = pool
        self._schema_ready = False
        # libpq's connect_timeout is whole seconds, at least 2.
        self._connect_timeout = max(2, round(self.timeout))
        self._bounded = f"SET LOCAL statement_timeout = {max(1, int(self.timeout * 1000))}"

    def __repr__(self) -> str:  # the conninfo may hold a password
        return f"{type(self).__name__}(lease={self.lease})"

    def _claim_args(self, event_id: str, owner: str) -> tuple[Any, ...]:
        now = self.clock()
        return (event_id, owner, now + self.lease, now)


class PostgresLedger(_Base):
    """The ledger in PostgreSQL through psycopg's sync API (WSGI workers, threads, processes).

    ``timeout`` bounds connecting and each statement (a locked table, a server that does not
    answer). ``connect`` opens this thread's connection instead of ``conninfo``; ``pool``
    (``psycopg_pool.ConnectionPool``) lends a connection per call instead of either.
    """

    def __init__(
        self,
        conninfo: str = "",
        *,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
        timeout: float = DEFAULT_TIMEOUT,
        connect: Callable[[], psycopg.Connection[Any]] | None = None,
        pool: psycopg_pool.ConnectionPool[Any] | None = None,
    ) -> None:
        super().__init__(conninfo, lease=lease, clock=clock, timeout=timeout, pool=pool)
        self._connect = connect
        self._local = threading.local()

    def _connection(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken or self._local.pid != os.getpid():
            import psycopg

            if self._connect is not None:
                conn = self._connect()
            else:
                conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=self._connect_timeout)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    @contextlib.contextmanager
    def _begin(self) -> Iterator[psycopg.Connection[Any]]:
        with contextlib.ExitStack() as stack:
            if self.pool is not None:
                conn = stack.enter_context(self.pool.connection(timeout=self.timeout))
            else:
                conn = self._connection()
            _idle(conn)
            with conn.transaction():
                conn.execute(self._bounded)
                yield conn

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[Any]]:
        if not self._schema_ready:
            self.create_schema()
        with self._begin() as conn:
            yield conn

    def create_schema(self) -> None:
        """Create the table and index if they do not exist (first use does this too)."""
        with self._begin() as conn:
            conn.execute(_LOCKED_SCHEMA)
            for statement in statements(SCHEMA):
                conn.execute(statement)
        self._schema_ready = True

    def claim(self, event_id: str, owner: str) -> Claim:
        with self._transaction() as conn:
            returned = conn.execute(_CLAIM, self._claim_args(event_id, owner)).fetchone()
            state = None if returned else conn.execute(_STATE, (event_id,)).fetchone()
        result = _claimed(returned, state)
        # The row can vanish between the two statements (its owner released it): claim again.
        return self.claim(event_id, owner) if result is None else result

    def complete(self, owner: str, event: AppliedEvent) -> bool:
        with self._transaction() as conn:
            return conn.execute(_COMPLETE, _complete_args(owner, event)).rowcount == 1

    def release(self, event_id: str, owner: str) -> None:
        with self._transaction() as conn:
            conn.execute(_RELEASE, (event_id, owner))

    def latest(self, object_id: str) -> AppliedEvent | None:
        with self._transaction() as conn:
            return applied(conn.execute(_LATEST, (object_id,)).fetchone())

    def close(self) -> None:
        """Close this thread's connection (not a pool's: the pool is yours)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


class AsyncPostgresLedger(_Base):
    """The ledger in PostgreSQL through psycopg's async API (ASGI routers).

    It connects on first use, once per event loop (a connection belongs to the loop that
    opened it: one ledger serves ``asyncio.run()`` after ``asyncio.run()``); calls on one
    connection take turns. ``await ledger.aclose()`` (or ``async with``) closes it. ``connect``
    and ``pool`` (``psycopg_pool.AsyncConnectionPool``, made inside the loop that uses it) are
    as for :class:`PostgresLedger`.
    """

    def __init__(
        self,
        conninfo: str = "",
        *,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
        timeout: float = DEFAULT_TIMEOUT,
        connect: Callable[[], Awaitable[psycopg.AsyncConnection[Any]]] | None = None,
        pool: psycopg_pool.AsyncConnectionPool[Any] | None = None,
    ) -> None:
        super().__init__(conninfo, lease=lease, clock=clock, timeout=timeout, pool=pool)
        self._connect = connect
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._turn = asyncio.Lock()  # replaced per loop (a lock belongs to its loop)

    async def __aenter__(self) -> AsyncPostgresLedger:
        async with self._transaction():
            pass
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _on_this_loop(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            conn, self._conn = self._conn, None
            if conn is not None and not conn.closed:
                conn.pgconn.finish()  # its loop is gone: close the socket without awaiting it
            self._loop, self._turn = loop, asyncio.Lock()
        return self._turn

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            import psycopg

            if self._connect is not None:
                conn = await self._connect()
            else:
                conn = await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True, connect_timeout=self._connect_timeout
                )
            self._conn = conn
        return conn

    @contextlib.asynccontextmanager
    async def _begin(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        async with contextlib.AsyncExitStack() as stack:
            if self.pool is not None:
                conn = await stack.enter_async_context(self.pool.connection(timeout=self.timeout))
            else:
                await stack.enter_async_context(self._on_this_loop())
                conn = await self._connection()
            _idle(conn)
            async with conn.transaction():
                await conn.execute(self._bounded)
                yield conn

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        if not self._schema_ready:
            await self.create_schema()
        async with self._begin() as conn:
            yield conn

    async def create_schema(self) -> None:
        """Create the table and index if they do not exist (first use does this too)."""
        async with self._begin() as conn:
            await conn.execute(_LOCKED_SCHEMA)
            for statement in statements(SCHEMA):
                await conn.execute(statement)
        self._schema_ready = True

    async def claim(self, event_id: str, owner: str) -> Claim:
        async with self._transaction() as conn:
            returned = await (await conn.execute(_CLAIM, self._claim_args(event_id, owner))).fetchone()
            state = None if returned else await (await conn.execute(_STATE, (event_id,))).fetchone()
        result = _claimed(returned, state)
        return await self.claim(event_id, owner) if result is None else result

    async def complete(self, owner: str, event: AppliedEvent) -> bool:
        async with self._transaction() as conn:
            return (await conn.execute(_COMPLETE, _complete_args(owner, event))).rowcount == 1

    async def release(self, event_id: str, owner: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(_RELEASE, (event_id, owner))

    async def latest(self, object_id: str) -> AppliedEvent | None:
        async with self._transaction() as conn:
            return applied(await (await conn.execute(_LATEST, (object_id,))).fetchone())

    async def aclose(self) -> None:
        """Close this ledger's connection (not a pool's: the pool is yours)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            if self._loop is asyncio.get_running_loop():
                await conn.close()
            elif not conn.closed:
                conn.pgconn.finish()
