"""Fan-out: run several calls at once, each failure kept to its own slot.

One declined card must not cancel the other 49 refunds of a batch, and the caller must be
able to tell which call failed: results come back in the order the calls were given, each
an :class:`Outcome` holding a value or the exception. Only ``Exception`` is caught;
cancellation and ``KeyboardInterrupt`` still stop the batch.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

from ..errors import InvalidArgumentError

T = TypeVar("T")


class Outcome(Generic[T]):
    """The result of one call of a batch: ``ok`` and ``value``, or ``error``."""

    __slots__ = ("error", "value")

    def __init__(self, value: T | None = None, error: Exception | None = None) -> None:
        self.value = value
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None

    def unwrap(self) -> T:
        """The value, or raise the call's exception."""
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]

    def __repr__(self) -> str:
        return (
            f"Outcome(error={self.error!r})" if self.error is not None else f"Outcome(value={self.value!r})"
        )


def _run_one(call: Callable[[], T]) -> Outcome[T]:
    try:
        return Outcome(call())
    except Exception as exc:
        return Outcome(error=exc)


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidArgumentError(
            f"batch: {name} must be an int >= 1, got {type(value).__name__} {value!r:.40}", param=name
        )
    return value


def run_threaded(calls: Iterable[Callable[[], T]], *, max_workers: int = 8) -> list[Outcome[T]]:
    """Run zero-argument callables (``lambda: client.refunds.create(charge=c)``) on a
    thread pool sharing the client's connection pool; outcomes in call order. Each call runs
    in a copy of the caller's context (contextvars), so a current OpenTelemetry span is the
    parent of its spans, as in the async batch."""
    _positive("max_workers", max_workers)
    pending = list(calls)
    if not pending:
        return []
    with ThreadPoolExecutor(
        max_workers=min(max_workers, len(pending)), thread_name_prefix="lattice-stripe"
    ) as pool:
        futures = [pool.submit(contextvars.copy_context().run, _run_one, call) for call in pending]
        return [future.result() for future in futures]


async def run_gathered(
    calls: Iterable[Awaitable[T] | Callable[[], Awaitable[T]]], *, concurrency: int | None = None
) -> list[Outcome[T]]:
    """Await coroutines, or zero-argument callables returning them (so that at most
    ``concurrency`` requests are started at a time; None: all at once); outcomes in call
    order."""
    limit = None if concurrency is None else asyncio.Semaphore(_positive("concurrency", concurrency))

    async def one(call: Awaitable[T] | Callable[[], Awaitable[T]]) -> Outcome[T]:
        try:
            if limit is None:
                return Outcome(await _awaitable(call))
            async with limit:
                return Outcome(await _awaitable(call))
        except Exception as exc:
            return Outcome(error=exc)

    return list(await asyncio.gather(*(one(call) for call in calls)))


def _awaitable(call: Awaitable[T] | Callable[[], Awaitable[T]]) -> Awaitable[T]:
    return call if inspect.isawaitable(call) else call()
