"""The meter event stream's decisions and values, without I/O (see :mod:`.meter_stream`).

:class:`StreamCore` decides when to open or renew the session, when a batch is due, what a
refused batch becomes, and what ``close`` leaves unsent; its clock is injected, so tests move
time instead of waiting. ``_Events`` builds each event once: its identifier and timestamp
are fixed when ``send`` takes it and kept across every resend.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, Generic, TypeVar

from ..errors import InvalidArgumentError, StripeError

MAX_BATCH = 100  # Stripe's limit per stream request
MAX_IN_FLIGHT = 16  # concurrent batches per stream (Stripe takes 10,000 requests a second)
SESSION_EXPIRED_CODE = "billing_meter_event_session_expired"
SESSION_EXPIRED_TYPE = "temporary_session_expired"

Event = dict[str, Any]
"""One event as sent: ``event_name``, ``payload``, ``identifier``, ``timestamp``."""
C = TypeVar("C")  # what a session sends through (sync or async)


class MeterStreamError(StripeError):
    """Base of the errors the stream itself raises."""


class MeterStreamFullError(MeterStreamError):
    """The buffer stayed full for ``full_timeout`` seconds; the event was not taken."""


class MeterStreamClosedError(MeterStreamError):
    """``send`` after ``close()``."""


def session_expired(error: BaseException) -> bool:
    """Whether Stripe refused a stream request because its session token expired."""
    if not isinstance(error, StripeError):
        return False
    return error.code == SESSION_EXPIRED_CODE or error.type == SESSION_EXPIRED_TYPE


# -- values -----------------------------------------------------------------------------------


class Session(Generic[C]):
    """An open meter event session: what sends with its token, and when it expires."""

    __slots__ = ("expires_at", "id", "sender")

    def __init__(self, id: str, expires_at: float, sender: C) -> None:
        self.id = id
        self.expires_at = expires_at  # Unix seconds
        self.sender = sender  # its client carries the token as API key (masked in every repr)

    def __repr__(self) -> str:
        return f"Session(id={self.id!r}, expires_at={self.expires_at!r})"


class Batch:
    """Up to ``batch_size`` events sent in one request; ``resent`` after a session renewal;
    ``session``: the one it was last sent with."""

    __slots__ = ("events", "resent", "session")

    def __init__(self, events: list[Event]) -> None:
        self.events = events
        self.resent = False
        self.session: Session[Any] | None = None

    def __repr__(self) -> str:
        return f"Batch({len(self.events)} events{', resent' if self.resent else ''})"


class FailedBatch:
    """Events Stripe did not accept, and the error of the final attempt."""

    __slots__ = ("error", "events")

    def __init__(self, events: list[Event], error: BaseException) -> None:
        self.events = events
        self.error = error

    def __repr__(self) -> str:
        return f"FailedBatch({len(self.events)} events, {self.error!r})"


class StreamReport:
    """What a closed stream did with the events it was given."""

    __slots__ = ("failed", "sent", "unsent")

    def __init__(self, sent: int, failed: list[FailedBatch], unsent: list[Event]) -> None:
        self.sent = sent
        """Events Stripe accepted (validated later, asynchronously: see the guide)."""
        self.failed = failed
        """Batches whose final attempt failed (each with its error)."""
        self.unsent = unsent
        """Events never attempted: ``close(timeout=...)`` ran out of time first."""

    @property
    def ok(self) -> bool:
        """Every event given to ``send`` was accepted."""
        return not self.failed and not self.unsent

    @property
    def not_sent(self) -> list[Event]:
        """Every event not accepted: the failed batches' and the unsent ones."""
        return [e for batch in self.failed for e in batch.events] + self.unsent

    def __repr__(self) -> str:
        failed = sum(len(b.events) for b in self.failed)
        return f"StreamReport(sent={self.sent}, failed={failed}, unsent={len(self.unsent)})"


# -- the decisions --------------------------------------------------------------------------


class Wait:
    """Nothing to do for ``seconds`` (None: until an event arrives or the stream closes)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds


class Send:
    """Send ``batch`` with the open session."""

    __slots__ = ("batch", "session")

    def __init__(self, batch: Batch, session: Session[Any]) -> None:
        self.batch = batch
        self.session = session


RENEW = "renew"  # open a session, then report it with renewed() or renew_failed()
DONE = "done"  # closed and drained: the worker ends
Step = Wait | Send | str


class StreamCore:
    """Every decision of the stream, without I/O or threads (callers serialise access).

    Up to ``max_in_flight`` batches are sent at once (by as many workers, each asking for
    its next step); one worker at a time renews the session while the others wait.
    ``clock`` returns Unix seconds; tests move it to expire sessions and flush intervals.
    """

    def __init__(
        self,
        *,
        batch_size: int = MAX_BATCH,
        max_buffered: int = 10_000,
        flush_interval: float = 0.2,
        renew_before: float = 60.0,
        max_in_flight: int = 4,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, int)
            or not 1 <= batch_size <= MAX_BATCH
        ):
            raise InvalidArgumentError(
                f"batch_size must be an int from 1 to {MAX_BATCH}, got {batch_size!r:.40}", param="batch_size"
            )
        if isinstance(max_buffered, bool) or not isinstance(max_buffered, int) or max_buffered < batch_size:
            raise InvalidArgumentError(
                f"max_buffered must be an int >= batch_size ({batch_size}), got {max_buffered!r:.40}",
                param="max_buffered",
            )
        if (
            isinstance(max_in_flight, bool)
            or not isinstance(max_in_flight, int)
            or not 1 <= max_in_flight <= MAX_IN_FLIGHT
        ):
            raise InvalidArgumentError(
                f"max_in_flight must be an int from 1 to {MAX_IN_FLIGHT}, got {max_in_flight!r:.40}",
                param="max_in_flight",
            )
        _check_seconds("flush_interval", flush_interval)
        _check_seconds("renew_before", renew_before)
        self.batch_size = batch_size
        self.max_buffered = max_buffered
        self.flush_interval = float(flush_interval)
        self.renew_before = float(renew_before)
        self.max_in_flight = max_in_flight
        self.clock = clock
        self.buffered: deque[Event] = deque()
        self._oldest: float | None = None  # when the buffer last went from empty to not
        self.session: Session[Any] | None = None
        self._renewing = False
        self._resends: deque[Batch] = deque()  # refused for an expired session: sent again first
        self.in_flight = 0
        self.sent = 0
        self.failed: list[FailedBatch] = []
        self.unsent: list[Event] = []
        self.closing = False
        self._deadline: float | None = None
        self._flushing = False
        self.done = False

    # -- the producer side

    def offer(self, event: Event) -> int:
        """Buffer ``event``: 0 if the buffer is full (not taken), 2 if the worker must be
        woken (the buffer was empty, or a batch just filled), else 1."""
        buffered = self.buffered
        size = len(buffered)
        if size >= self.max_buffered:
            return 0
        buffered.append(event)
        if not size:
            self._oldest = self.clock()
            return 2
        return 2 if size + 1 == self.batch_size else 1

    def flush(self) -> None:
        """Send what is buffered now, without waiting for full batches or the interval."""
        self._flushing = True

    def close(self, timeout: float | None = None) -> None:
        """Send everything buffered, then stop; after ``timeout`` seconds start nothing new."""
        if timeout is not None:
            _check_seconds("timeout", timeout)
        self.closing = True
        if timeout is not None:
            deadline = self.clock() + timeout
            self._deadline = deadline if self._deadline is None else min(deadline, self._deadline)

    @property
    def idle(self) -> bool:
        """Nothing buffered, waiting for a resend, or in flight."""
        return not self.buffered and not self._resends and not self.in_flight

    # -- the worker side

    def next_step(self) -> Step:
        """What the worker does next."""
        if self.done:
            return DONE
        now = self.clock()
        if self.closing and self._deadline is not None and now >= self._deadline:
            return self._give_up()
        if not self._resends and not self._ready(now):
            if self.buffered:
                assert self._oldest is not None
                return Wait(max(0.0, self._oldest + self.flush_interval - now))
            if self.closing and not self.in_flight and not self._renewing:
                self.done = True
                return DONE
            return Wait(None)
        if self._renewing or self.in_flight >= self.max_in_flight:
            return Wait(None)  # the worker that finishes a request or the renewal wakes the rest
        session = self.session
        if session is None or now >= session.expires_at - self.renew_before:
            self.session = None
            self._renewing = True
            return RENEW
        batch = self._take()
        batch.session = session
        return Send(batch, session)

    def _ready(self, now: float) -> bool:
        size = len(self.buffered)
        if not size:
            self._flushing = False
            return False
        if size >= self.batch_size or self.closing or self._flushing:
            return True
        assert self._oldest is not None
        return now - self._oldest >= self.flush_interval

    def _take(self) -> Batch:
        self.in_flight += 1
        if self._resends:
            return self._resends.popleft()
        buffered = self.buffered
        count = min(self.batch_size, len(buffered))
        batch = Batch([buffered.popleft() for _ in range(count)])
        if not buffered:
            self._oldest = None
        return batch

    def _give_up(self) -> str:
        for batch in self._resends:
            self.unsent.extend(batch.events)
        self._resends.clear()
        self.unsent.extend(self.buffered)
        self.buffered.clear()
        self._oldest = None
        self.done = True  # batches in flight still end in delivered() or refused()
        return DONE

    def renewed(self, session: Session[Any]) -> None:
        self._renewing = False
        self.session = session

    def renew_failed(self, error: BaseException) -> FailedBatch | None:
        """No session could be opened: the batch that needed it fails with that error (its
        events are reported, not held while the cause may be permanent: a revoked key)."""
        self._renewing = False
        if not self._resends and not self.buffered:
            return None
        return self._fail(self._take(), error)

    def delivered(self, batch: Batch) -> None:
        self.in_flight -= 1
        self.sent += len(batch.events)

    def refused(self, batch: Batch, error: BaseException) -> FailedBatch | None:
        """The batch's request failed after the client's retries. A first session expiry
        renews the session and resends it once; anything else is final."""
        expired = session_expired(error)
        if expired and self.session is batch.session:
            self.session = None  # the next batch needs a new one (unless another renewed it)
        if expired and not batch.resent and not self.done:
            self.in_flight -= 1
            batch.resent = True
            self._resends.append(batch)
            return None
        return self._fail(batch, error)

    def _fail(self, batch: Batch, error: BaseException) -> FailedBatch:
        self.in_flight -= 1
        failure = FailedBatch(batch.events, error)
        self.failed.append(failure)
        return failure

    def report(self) -> StreamReport:
        return StreamReport(self.sent, list(self.failed), list(self.unsent))


def _check_seconds(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise InvalidArgumentError(f"{name} must be seconds (a number >= 0), got {value!r:.40}", param=name)


# -- events -----------------------------------------------------------------------------------


class _Events:
    """Builds checked events: the identifier and timestamp are fixed here, once."""

    __slots__ = ("_clock", "_count", "_prefix", "_second", "_stamp")

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        # 96 random bits per stream and a counter: unique like a UUID, without one per event.
        self._prefix = "lse_" + secrets.token_hex(12) + "_"
        self._count = 0
        self._second = -1
        self._stamp = ""

    def build(self, event_name: Any, payload: Any, timestamp: Any, identifier: Any) -> Event:
        if type(event_name) is not str or not event_name:
            raise InvalidArgumentError(
                f"meter event: event_name must be a non-empty string (the meter's event_name), "
                f"got {type(event_name).__name__} {event_name!r:.40}",
                param="event_name",
            )
        if type(payload) is not dict:
            if not isinstance(payload, Mapping):
                raise InvalidArgumentError(
                    f"meter event: payload must be a dict of strings (stripe_customer_id, value), "
                    f"got {type(payload).__name__}",
                    param="payload",
                )
            payload = dict(payload)
        for key, value in payload.items():
            if type(value) is not str or type(key) is not str:
                payload = _payload(payload)
                break
        if identifier is None:
            self._count += 1
            identifier = self._prefix + str(self._count)
        elif type(identifier) is not str or not identifier:
            raise InvalidArgumentError(
                f"meter event: identifier must be a non-empty string, got {identifier!r:.40}",
                param="identifier",
            )
        return {
            "event_name": event_name,
            "payload": payload,
            "identifier": identifier,
            "timestamp": self._now() if timestamp is None else _timestamp(timestamp),
        }

    def _now(self) -> str:
        now = self._clock()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._stamp}.{int((now - second) * 1000):03d}Z"


def _payload(payload: dict[Any, Any]) -> dict[str, str]:
    """Payload values are strings on the wire; ints (and Decimals) are written out for the caller."""
    from decimal import Decimal

    out: dict[str, str] = {}
    for key, value in payload.items():
        if type(key) is not str:
            raise InvalidArgumentError(
                f"meter event: payload keys must be strings, got {type(key).__name__} {key!r:.40}",
                param="payload",
            )
        if type(value) is str:
            out[key] = value
        elif (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, Decimal) and value.is_finite()
        ):
            out[key] = str(value)
        else:
            raise InvalidArgumentError(
                f"meter event: payload[{key!r}] must be a string, an int or a Decimal, got "
                f"{type(value).__name__} {value!r:.40}",
                param=f"payload[{key}]",
            )
    return out


def _timestamp(value: Any) -> str:
    """RFC 3339 in UTC from an aware datetime or Unix seconds; a string is sent as given."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidArgumentError(
                "meter event: timestamp must be a timezone-aware datetime (a naive one could be "
                "any zone), Unix seconds or an RFC 3339 string",
                param="timestamp",
            )
        utc: datetime = value.astimezone(timezone.utc)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        second = int(value)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{stamp}.{int((value - second) * 1000):03d}Z"
    raise InvalidArgumentError(
        f"meter event: timestamp must be an aware datetime, Unix seconds or an RFC 3339 string, "
        f"got {type(value).__name__} {value!r:.40}",
        param="timestamp",
    )
