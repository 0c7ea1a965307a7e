"""One verified webhook delivery through the ledger: claim, run the handler, record or release.

The router verifies the signature and finds the handler; this module decides whether the
handler runs at all (a ledger hit answers 200 without it, a live claim elsewhere answers 409
so Stripe delivers again later) and what the ledger keeps afterwards; with tracing on, the
delivery is one span. The decisions are one generator of steps; the sync and async drivers
only carry them out.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..flows import drive, drive_async
from ..objects.secrets import printable
from .ledger import AppliedEvent, AsyncEventLedger, Claim, EventLedger
from .notifications import EventNotification

if TYPE_CHECKING:
    from ..observability.tracing import DeliveryTrace
    from .events import WebhookEvent

    Delivered = WebhookEvent | EventNotification

logger = logging.getLogger("lattice_stripe.webhooks")

Ledger = EventLedger | AsyncEventLedger


def is_async(ledger: Ledger) -> bool:
    return inspect.iscoroutinefunction(ledger.claim)


def named(event: Delivered) -> tuple[str, str]:
    """The event's type and id as a log line may show them (signed data, still data)."""
    return printable(str(event.type)), printable(str(event.id))


def applied_event(event: Delivered) -> AppliedEvent:
    """What the ledger keeps: the id, type, ``created`` and the object's id, for ordering."""
    if isinstance(event, EventNotification):  # the related object, and its RFC 3339 time
        return event.applied()
    object_id = getattr(event.data.object, "id", None)
    return AppliedEvent(
        event.id, str(event.type), object_id if isinstance(object_id, str) else None, event.created
    )


class Response(Protocol):
    @property
    def status(self) -> int: ...


R = TypeVar("R", bound=Response)
Answer = Callable[[int, dict[str, Any]], R]
"""Builds the router's response from a status and a JSON body."""


def refusal(event: Delivered, claim: Claim | None, answer: Answer[R]) -> R | None:
    """The answer for a delivery whose handler must not run (None: run it)."""
    if claim is Claim.DONE:
        logger.info("webhook %s %s already applied; not run again", *named(event))
        return answer(200, {"received": True, "duplicate": True})
    if claim is Claim.BUSY:
        logger.info("webhook %s %s is being handled elsewhere; Stripe will retry", *named(event))
        return answer(409, {"error": {"type": "event_in_progress", "event": event.id}})
    if claim is None:
        return answer(500, {"error": {"type": "ledger_unavailable", "event": event.id}})
    return None


Step = tuple[str, tuple[Any, ...]]
"""What the delivery needs next: ``("run", ())`` or a ledger method and its arguments."""

OUTCOMES = {200: "handled", 409: "in_progress", 500: "failed"}


def _run(trace: DeliveryTrace | None) -> Generator[Step, Any, Any]:
    """The handler's step, with the delivery's span current while it runs (the generator is
    resumed in the thread or task that runs the handler)."""
    token = trace.enter() if trace is not None else None
    try:
        return (yield ("run", ()))
    finally:
        if trace is not None:
            trace.leave(token)


def _once(
    event: Delivered, answer: Answer[R], seen: list[Claim | None], trace: DeliveryTrace | None
) -> Generator[Step, Any, R]:
    """Claim, run, then record or release: the decisions, free of I/O."""
    owner = uuid.uuid4().hex
    try:
        claim: Claim | None = yield ("claim", (event.id, owner))
    except Exception:
        logger.exception("webhook ledger claim for %s failed; Stripe will retry", named(event)[1])
        claim = None
    seen.append(claim)
    refused = refusal(event, claim, answer)
    if refused is not None:
        return refused
    response: R = yield from _run(trace)
    try:
        if response.status != 200:
            yield ("release", (event.id, owner))
        elif not (yield ("complete", (owner, applied_event(event)))):
            logger.warning("webhook %s %s: its claim expired while the handler ran", *named(event))
    except Exception:
        logger.exception("webhook ledger update for %s failed; its claim will expire", named(event)[1])
    return response


def _steps(event: Delivered, ledger: object, answer: Answer[R], tracing: Any) -> Generator[Step, Any, R]:
    """The delivery with or without a ledger, inside its span when tracing is on."""
    seen: list[Claim | None] = []
    if tracing:
        from ..observability.tracing import DeliveryTrace, tracer_for

        trace: DeliveryTrace | None = DeliveryTrace(tracer_for(tracing), str(event.type), event.id)
    else:
        trace = None
    response: R | None = None
    try:
        if ledger is None:
            response = yield from _run(trace)
        else:
            response = yield from _once(event, answer, seen, trace)
        return response
    finally:
        if trace is not None:
            status = response.status if response is not None else 500
            claim = seen[0] if seen else Claim.ACQUIRED
            outcome = {Claim.DONE: "duplicate", None: "ledger_unavailable"}.get(
                claim, OUTCOMES.get(status, "failed")
            )
            trace.finished(status, outcome, claim is Claim.DONE if seen else None)


def deliver(
    ledger: EventLedger | None,
    event: Delivered,
    run: Callable[[], R],
    answer: Answer[R],
    tracing: Any = False,
) -> R:
    """Run ``run`` (the handler, answering 200 or 500) at most once per event id."""

    def perform(step: Step) -> Any:
        name, args = step
        return run() if name == "run" else getattr(ledger, name)(*args)

    return drive(_steps(event, ledger, answer, tracing), perform)


async def deliver_async(
    ledger: Ledger | None,
    event: Delivered,
    run: Callable[[], Awaitable[R]],
    answer: Answer[R],
    tracing: Any = False,
) -> R:
    """:func:`deliver` for async routers; a sync ledger runs in a worker thread."""

    async def perform(step: Step) -> Any:
        name, args = step
        if name == "run":
            return await run()
        if ledger is not None and is_async(ledger):
            return await getattr(ledger, name)(*args)
        return await asyncio.to_thread(getattr(ledger, name), *args)

    return await drive_async(_steps(event, ledger, answer, tracing), perform)
