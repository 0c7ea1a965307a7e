"""The two drivers of the runtime's sans-IO flows.

A flow (the retry loop, one webhook delivery) is a generator that yields the next thing to do,
is sent its result or has its exception thrown in, and returns the answer. Each flow is
written once; its sync and async twins differ only in the ``perform`` they pass here, so the
loop itself lives in one place. A leaf: anything may import it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

S = TypeVar("S")
R = TypeVar("R")


def drive(flow: Generator[S, Any, R], perform: Callable[[S], Any]) -> R:
    """Run ``flow`` to its answer, performing each step it yields."""
    try:
        step = next(flow)
        while True:
            try:
                result = perform(step)
            except BaseException as exc:  # the flow decides: handle it, or let it out
                step = flow.throw(exc)
            else:
                step = flow.send(result)
    except StopIteration as stop:
        answer: R = stop.value
        return answer


async def drive_async(flow: Generator[S, Any, R], perform: Callable[[S], Awaitable[Any]]) -> R:
    """:func:`drive` with an awaited ``perform``."""
    try:
        step = next(flow)
        while True:
            try:
                result = await perform(step)
            except BaseException as exc:
                step = flow.throw(exc)
            else:
                step = flow.send(result)
    except StopIteration as stop:
        answer: R = stop.value
        return answer
