"""When to retry a Stripe call and how long to wait: small pure functions, no I/O.

A *retry strategy* is any callable taking the :class:`RetryAttempt` that just failed and
returning the seconds to wait before the next one, or None to stop. The client asks it only
while the request's ``max_retries`` budget lasts, and every retry replays the request as
built, idempotency key included. :class:`RetryPolicy` is the default strategy.

The strategy's answer is checked: seconds from 0 to :data:`MAX_RETRY_DELAY`, or None. An
answer outside that (NaN, ``inf``, ``1e300``, ``True``, a string) and a strategy that raises
both end the retries: the caller gets the error of the attempt the strategy was asked about
(the 429, the timeout) with the strategy's failure as its ``__cause__``, and the failure is
logged on the ``lattice_stripe`` logger.

The order of the default decision matters: Stripe's own ``Stripe-Should-Retry`` header knows more
than any status-code rule (it says *false* for a 500 whose charge may have gone through
and *true* for some 4xx), so it is read first; only without it do status codes decide.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping

import attrs

from ..errors import InvalidArgumentError
from .options import check_seconds

RETRYABLE_STATUSES = frozenset({409, 429})
MAX_RETRY_DELAY = 300.0
"""The longest wait a retry strategy (or ``RetryPolicy``) may ask for: five minutes. Longer
parks a worker (or an ``await``) on one call; let that call fail and retry the job instead."""


@attrs.frozen
class RetryAttempt:
    """One failed attempt, as a retry strategy sees it."""

    attempt: int
    """1 for the first attempt; ``attempt - 1`` retries were made before it."""
    max_retries: int
    """The request's retry budget (the client never exceeds it)."""
    operation_id: str
    """The spec's operationId (``PostCustomers``)."""
    method: str
    """The HTTP verb (``POST``)."""
    status: int | None = None
    """The HTTP status, or None when no response came (see ``error``)."""
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    """The response headers (``Stripe-Should-Retry``, ``Retry-After``); empty without a response."""
    error: Exception | None = None
    """The SDK error for a transport failure (``APIConnectionError``, ``APITimeoutError``)."""
    transient: bool = False
    """For a transport failure: whether it may pass (a timeout, a reset), not a request that
    can never be sent (a malformed URL)."""

    @property
    def retries(self) -> int:
        """Retries made before this attempt."""
        return self.attempt - 1


RetryStrategy = Callable[[RetryAttempt], "float | None"]
"""Seconds to wait before retrying the attempt, or None to stop and raise its error."""


@attrs.frozen
class RetryPolicy:
    """The default retry strategy and its backoff settings; ``max_retries`` (how many) lives
    on the client and per request."""

    initial_delay: float = 0.5
    """Seconds before the first retry; doubled on each further retry."""
    max_delay: float = 5.0
    """Cap on one computed backoff."""
    max_retry_after: float = 60.0
    """A ``Retry-After`` longer than this is ignored (a proxy asking for an hour would
    otherwise park a worker); the exponential backoff is used instead."""

    def __attrs_post_init__(self) -> None:
        # Checked when the policy is made, not at the first retry (after a request was sent).
        for field in attrs.fields(RetryPolicy):
            name = f"RetryPolicy.{field.name}"
            seconds = check_seconds(name, getattr(self, field.name), zero_ok=True)
            if seconds > MAX_RETRY_DELAY:
                raise InvalidArgumentError(
                    f"{name} must be at most {MAX_RETRY_DELAY:g} seconds, got {seconds:g}", param=name
                )

    def __call__(self, attempt: RetryAttempt) -> float | None:
        """Transient transport failures, and answers :func:`should_retry_status` allows."""
        if attempt.status is None:
            return backoff_delay(attempt.retries, self) if attempt.transient else None
        if not should_retry_status(attempt.status, attempt.headers):
            return None
        return retry_delay(attempt.retries, attempt.headers, self)


def should_retry_status(status: int, headers: Mapping[str, str]) -> bool:
    """Whether an HTTP answer may be retried (the retry budget is checked by the caller)."""
    verdict = headers.get("stripe-should-retry")
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    # 409: lock timeouts and concurrent use of one idempotency key; 429: rate limited;
    # 5xx: Stripe failed, and the idempotency key makes a replayed POST safe.
    return status in RETRYABLE_STATUSES or status >= 500


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` value (delta seconds or an HTTP date), else None."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # rare (an HTTP date), and ~20 ms to import: only when needed

        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        seconds = email.utils.mktime_tz(parsed) - (time.time() if now is None else now)
    return seconds if seconds >= 0 else None


def backoff_delay(retries_done: int, policy: RetryPolicy, rand: float | None = None) -> float:
    """Exponential backoff with jitter: a random 50-100% of the capped doubling delay.

    Jitter spreads clients that failed together so they do not retry together; the lower
    bound keeps a retry from firing immediately.
    """
    # The exponent is capped: 2.0**1024 overflows, and the cap is reached long before.
    base = min(policy.initial_delay * 2.0 ** min(retries_done, 64), policy.max_delay)
    factor = 0.5 + 0.5 * (random.random() if rand is None else rand)  # jitter, not crypto
    return base * factor


def retry_delay(
    retries_done: int,
    headers: Mapping[str, str] | None,
    policy: RetryPolicy,
    rand: float | None = None,
) -> float:
    """Seconds to wait before the next attempt: the server's ``Retry-After`` when it is
    sane, else the backoff (``retries_done`` is 0 before the first retry)."""
    retry_after = parse_retry_after(headers.get("retry-after") if headers is not None else None)
    if retry_after is not None and retry_after <= policy.max_retry_after:
        return retry_after
    return backoff_delay(retries_done, policy, rand)


def checked_delay(answer: object) -> float | None:
    """A strategy's answer as seconds to wait, or None; InvalidArgumentError if it is neither."""
    if answer is None:
        return None
    if (
        isinstance(answer, bool)
        or not isinstance(answer, (int, float))
        or not 0 <= answer <= MAX_RETRY_DELAY  # False for NaN; compares huge ints exactly
    ):
        raise InvalidArgumentError(
            f"retry_strategy must return seconds from 0 to {MAX_RETRY_DELAY:g} or None, "
            f"got {type(answer).__name__} {_shown(answer)}",
            param="retry_strategy",
        )
    return float(answer)


def _shown(value: object) -> str:
    try:
        return f"{value!r:.40}"
    except ValueError:  # an int too long for str()
        return "(too long to show)"
