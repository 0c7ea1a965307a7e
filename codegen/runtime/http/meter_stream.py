"""The v2 meter event stream: usage events batched onto Stripe's high-throughput host.

Stripe's stream takes up to 100 events per ``POST /v2/billing/meter_event_stream`` on its
own host, authorised by a session token from ``POST /v2/billing/meter_event_session`` that
lives for minutes. :class:`MeterEventStream` (and :class:`AsyncMeterEventStream`) hide that:

- ``send(event_name, payload)`` validates the event, gives it an ``identifier`` (the
  caller's, or one generated now and kept across every resend, so Stripe counts it once)
  and a ``timestamp`` (now, unless given), and buffers it;
- workers send the buffer in batches of up to ``batch_size``, as soon as a batch is full
  or ``flush_interval`` seconds after its oldest event arrived, up to ``max_in_flight``
  batches at once (so throughput is not one round trip per 100 events);
- the session is opened when first needed and renewed ``renew_before`` seconds before it
  expires; a batch refused because the session expired is resent once on a new session;
- every request is a generated v2 operation (``client.v2.billing.meter_event_session.create``,
  ``meter_event_stream.create``) on the client's pipeline: its retry policy and budget (5xx,
  429, connection errors), logging, hooks and tracing (one call span per batch);
- a batch that still fails is reported, never dropped: to ``on_error`` if given, and in the
  :class:`StreamReport` that ``close()`` returns.

Back-pressure: at most ``max_buffered`` events wait in the buffer (plus the batches in
flight). When it is full, ``send`` waits up to ``full_timeout`` seconds for room, then
raises :class:`MeterStreamFullError`; that event was not taken. Memory stays bounded
whatever the server does.

:class:`StreamCore` holds every decision and no I/O (its clock is injected); the two
drivers only carry out its steps, on a thread or an asyncio task. The session token is
the derived client's API key: masked in every repr and never logged, traced or quoted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError
from ..times import unix
from .meter_events import (
    DONE,
    MAX_BATCH,
    RENEW,
    Event,
    FailedBatch,
    MeterStreamClosedError,
    MeterStreamFullError,
    Send,
    Session,
    StreamCore,
    StreamReport,
    Wait,
    _check_seconds,
    _Events,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    from .client import AsyncBaseClient, SyncBaseClient

__all__ = [
    "AsyncMeterEventStream",
    "FailedBatch",
    "MeterEventStream",
    "MeterStreamClosedError",
    "MeterStreamFullError",
    "StreamReport",
]

logger = logging.getLogger("lattice_stripe.meter_stream")


# -- how the drivers reach Stripe: the generated v2 operations, through the public client ----


def _resources(client: Any) -> tuple[Any, Any]:
    """``client.v2.billing.meter_event_session`` and ``.meter_event_stream`` (the generated
    operations: their checks, hosts and response models), or a clear error where the
    package's API version has no stream."""
    billing: Any = getattr(getattr(client, "v2", None), "billing", None)
    if getattr(billing, "meter_event_stream", None) is None:
        raise InvalidArgumentError(
            f"{type(client).__name__} has no v2 meter event stream: this package was generated "
            "from an API version without the v2 billing API"
        )
    return billing.meter_event_session, billing.meter_event_stream


def _session(client: Any, answer: Any, base_url: str) -> Session[Any]:
    """The session a ``v2.billing.meter_event_session`` answer opened; it sends through
    ``meter_event_stream`` of ``client`` with the token as API key, on the stream host."""
    derived = client.with_options(api_key=answer.authentication_token, meter_events_base_url=base_url)
    return Session(answer.id, unix(answer.expires_at), _resources(derived)[1])


class _Options:
    """The knobs shared by both drivers, checked once."""

    def __init__(
        self,
        client: Any,
        *,
        batch_size: int,
        max_buffered: int,
        flush_interval: float,
        full_timeout: float | None,
        renew_before: float,
        max_in_flight: int,
        on_error: Callable[[FailedBatch], object] | None,
        meter_events_base_url: str | None,
        clock: Callable[[], float],
    ) -> None:
        from .options import check_base_url

        if full_timeout is not None:
            _check_seconds("full_timeout", full_timeout)
        if on_error is not None and not callable(on_error):
            raise InvalidArgumentError("on_error must be a callable taking a FailedBatch", param="on_error")
        self.opening = _resources(client)[0]
        base = meter_events_base_url
        if base is None:
            base = client.config.meter_events_base_url
        self.base_url = check_base_url(
            "meter_events_base_url", base.rstrip("/") if isinstance(base, str) else base
        )
        self.core = StreamCore(
            batch_size=batch_size,
            max_buffered=max_buffered,
            flush_interval=flush_interval,
            renew_before=renew_before,
            max_in_flight=max_in_flight,
            clock=clock,
        )
        self.events = _Events(clock)
        self.full_timeout = full_timeout
        self.on_error = on_error


def _report_failure(on_error: Callable[[FailedBatch], object] | None, failure: FailedBatch) -> None:
    error = failure.error
    if on_error is None:
        logger.warning(
            "meter event stream: %d events not accepted: %s (see close()'s report)",
            len(failure.events),
            error,
        )
        return
    try:
        on_error(failure)
    except Exception:  # a broken callback must not stop the stream; the report keeps the batch
        logger.exception("meter event stream: on_error raised; the batch stays in the report")


def _full(core: StreamCore, timeout: float | None) -> MeterStreamFullError:
    return MeterStreamFullError(
        f"the meter event stream buffer held {core.max_buffered} events for {timeout}s "
        "(the stream host is slow or unreachable); this event was not taken"
    )


# -- the drivers ------------------------------------------------------------------------------


class MeterEventStream:
    """Usage events sent through the v2 meter event stream, from any thread (see the module).

    Use as a context manager, or call :meth:`close` (it returns the :class:`StreamReport`).
    """

    def __init__(
        self,
        client: SyncBaseClient,
        *,
        batch_size: int = MAX_BATCH,
        max_buffered: int = 10_000,
        flush_interval: float = 0.2,
        full_timeout: float | None = 30.0,
        renew_before: float = 60.0,
        max_in_flight: int = 4,
        on_error: Callable[[FailedBatch], object] | None = None,
        meter_events_base_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._o = _Options(
            client,
            batch_size=batch_size,
            max_buffered=max_buffered,
            flush_interval=flush_interval,
            full_timeout=full_timeout,
            renew_before=renew_before,
            max_in_flight=max_in_flight,
            on_error=on_error,
            meter_events_base_url=meter_events_base_url,
            clock=clock,
        )
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # the workers wait here
        self._room = threading.Condition(self._lock)  # senders wait for room, flushers for idle
        self._waiting = 0
        self._closed = False
        self._report: StreamReport | None = None
        self._workers: list[threading.Thread] = []  # max_in_flight of them, from the first send

    def __repr__(self) -> str:
        core = self._o.core
        state = "closed" if self._closed else "open"
        return f"MeterEventStream({state}, buffered={len(core.buffered)}, sent={core.sent})"

    def send(
        self,
        event_name: str,
        payload: Mapping[str, str | int],
        *,
        timestamp: datetime | float | str | None = None,
        identifier: str | None = None,
    ) -> str:
        """Buffer one usage event and return its identifier.

        ``payload`` holds the meter's customer key (``stripe_customer_id``) and value key
        (``value``); int values are written as strings. Waits for room while the buffer is
        full, up to ``full_timeout`` seconds, then raises :class:`MeterStreamFullError`.
        """
        event = self._o.events.build(event_name, payload, timestamp, identifier)
        core = self._o.core
        with self._lock:
            if self._closed:
                raise MeterStreamClosedError("send() on a closed meter event stream")
            taken = core.offer(event)
            if not taken:
                self._wait_for_room(event)
                taken = 2
            if taken == 2:
                if not self._workers:
                    self._start()
                self._work.notify()
        return str(event["identifier"])

    def _wait_for_room(self, event: Event) -> None:
        core, timeout = self._o.core, self._o.full_timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        self._waiting += 1
        try:
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise _full(core, timeout)
                self._room.wait(left)
                if self._closed:
                    raise MeterStreamClosedError("the meter event stream closed while send() waited for room")
                if core.offer(event):
                    return
        finally:
            self._waiting -= 1

    def _start(self) -> None:
        for i in range(self._o.core.max_in_flight):
            worker = threading.Thread(target=self._run, name=f"lattice-stripe-meter-stream-{i}", daemon=True)
            worker.start()
            self._workers.append(worker)

    def flush(self) -> None:
        """Send everything buffered now and wait until it is accepted or reported."""
        with self._lock:
            core = self._o.core
            if core.idle:
                return
            core.flush()
            if not self._workers:
                self._start()
            self._work.notify()
            while not core.idle and not core.done:
                self._room.wait()

    def close(self, timeout: float | None = None) -> StreamReport:
        """Send everything buffered, stop, and report. After ``timeout`` seconds no new
        batch starts (those in flight end within the client's timeout and retries) and
        the rest is reported as ``unsent``."""
        with self._lock:
            if self._report is not None:
                return self._report
            self._closed = True
            core = self._o.core
            core.close(timeout)
            self._room.notify_all()
            if not self._workers and not core.idle:
                self._start()
            self._work.notify_all()
            workers = list(self._workers)
        for worker in workers:
            worker.join()
        with self._lock:
            core.done = True
            self._report = core.report()
            return self._report

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        o = self._o
        core = o.core
        while True:
            with self._lock:
                step = core.next_step()
                while isinstance(step, Wait):
                    self._room.notify_all()  # room freed or idle reached: wake senders and flushers
                    self._work.wait(step.seconds)
                    step = core.next_step()
                if self._waiting:
                    self._room.notify_all()
            if step == DONE:
                with self._lock:
                    self._room.notify_all()
                    self._work.notify_all()  # the other workers end too
                return
            failure = None
            if step == RENEW:
                try:
                    session = self._open()
                except Exception as exc:
                    with self._lock:
                        failure = core.renew_failed(exc)
                        self._work.notify_all()
                else:
                    with self._lock:
                        core.renewed(session)
                        self._work.notify_all()
            else:
                assert isinstance(step, Send)
                batch = step.batch
                try:
                    step.session.sender.create(events=batch.events)
                except Exception as exc:
                    with self._lock:
                        failure = core.refused(batch, exc)
                        self._work.notify_all()
                else:
                    with self._lock:
                        core.delivered(batch)
                        if core.in_flight + 1 == core.max_in_flight or core.closing:
                            self._work.notify_all()  # a slot opened for a waiting worker
            if failure is not None:
                _report_failure(o.on_error, failure)

    def _open(self) -> Session[Any]:
        return _session(self._client, self._o.opening.create(), self._o.base_url)


class AsyncMeterEventStream:
    """:class:`MeterEventStream` for ``AsyncStripeClient``: ``await send(...)``, ``async with``,
    ``await aclose()``. One event loop; the worker is a task started by the first send."""

    def __init__(
        self,
        client: AsyncBaseClient,
        *,
        batch_size: int = MAX_BATCH,
        max_buffered: int = 10_000,
        flush_interval: float = 0.2,
        full_timeout: float | None = 30.0,
        renew_before: float = 60.0,
        max_in_flight: int = 4,
        on_error: Callable[[FailedBatch], object] | None = None,
        meter_events_base_url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._o = _Options(
            client,
            batch_size=batch_size,
            max_buffered=max_buffered,
            flush_interval=flush_interval,
            full_timeout=full_timeout,
            renew_before=renew_before,
            max_in_flight=max_in_flight,
            on_error=on_error,
            meter_events_base_url=meter_events_base_url,
            clock=clock,
        )
        self._wake: Any = None  # asyncio.Event: the workers wait on it
        self._changed: Any = None  # asyncio.Condition: senders wait for room, flushers for idle
        self._closed = False
        self._report: StreamReport | None = None
        self._workers: list[Any] = []  # max_in_flight tasks, from the first send

    def __repr__(self) -> str:
        core = self._o.core
        state = "closed" if self._closed else "open"
        return f"AsyncMeterEventStream({state}, buffered={len(core.buffered)}, sent={core.sent})"

    async def send(
        self,
        event_name: str,
        payload: Mapping[str, str | int],
        *,
        timestamp: datetime | float | str | None = None,
        identifier: str | None = None,
    ) -> str:
        """Buffer one usage event and return its identifier (see ``MeterEventStream.send``)."""
        event = self._o.events.build(event_name, payload, timestamp, identifier)
        if self._closed:
            raise MeterStreamClosedError("send() on a closed meter event stream")
        taken = self._o.core.offer(event)
        if not taken:
            await self._wait_for_room(event)
            taken = 2
        if taken == 2:
            self._kick()
        return str(event["identifier"])

    def _kick(self) -> None:
        if not self._workers:
            import asyncio

            self._wake = asyncio.Event()
            self._changed = asyncio.Condition()
            loop = asyncio.get_running_loop()
            self._workers = [loop.create_task(self._run()) for _ in range(self._o.core.max_in_flight)]
        self._wake.set()

    async def _wait_for_room(self, event: Event) -> None:
        import asyncio

        core, timeout = self._o.core, self._o.full_timeout
        self._kick()

        async def room() -> None:
            async with self._changed:
                while not core.offer(event):
                    if self._closed:
                        raise MeterStreamClosedError(
                            "the meter event stream closed while send() waited for room"
                        )
                    await self._changed.wait()

        try:
            await asyncio.wait_for(room(), timeout)
        except asyncio.TimeoutError:
            raise _full(core, timeout) from None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def flush(self) -> None:
        """Send everything buffered now and wait until it is accepted or reported."""
        core = self._o.core
        if core.idle:
            return
        core.flush()
        self._kick()
        async with self._changed:
            while not core.idle and not core.done:
                await self._changed.wait()

    async def aclose(self, timeout: float | None = None) -> StreamReport:
        """Send everything buffered, stop, and report (see ``MeterEventStream.close``)."""
        if self._report is not None:
            return self._report
        self._closed = True
        core = self._o.core
        core.close(timeout)
        if not self._workers and not core.idle:
            self._kick()
        if self._workers:
            self._wake.set()
            await self._notify()
            for worker in self._workers:
                await worker
        core.done = True
        self._report = core.report()
        return self._report

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _run(self) -> None:
        import asyncio

        o = self._o
        core = o.core
        wake = self._wake
        while True:
            wake.clear()  # before looking: a set() after the look is kept for the wait
            step = core.next_step()
            while isinstance(step, Wait):
                await self._notify()
                if step.seconds is None:
                    await wake.wait()
                else:
                    try:
                        await asyncio.wait_for(wake.wait(), step.seconds)
                    except asyncio.TimeoutError:
                        pass
                wake.clear()
                step = core.next_step()
            if step == DONE:
                wake.set()  # the other workers end too
                await self._notify()
                return
            failure = None
            if step == RENEW:
                try:
                    session = await self._open()
                except Exception as exc:
                    failure = core.renew_failed(exc)
                else:
                    core.renewed(session)
                wake.set()  # workers waiting for the session
            else:
                assert isinstance(step, Send)
                batch = step.batch
                try:
                    await step.session.sender.create(events=batch.events)
                except Exception as exc:
                    failure = core.refused(batch, exc)
                else:
                    core.delivered(batch)
                wake.set()  # a slot opened for a waiting worker
                await self._notify()
            if failure is not None:
                _report_failure(o.on_error, failure)

    async def _open(self) -> Session[Any]:
        return _session(self._client, await self._o.opening.create(), self._o.base_url)
