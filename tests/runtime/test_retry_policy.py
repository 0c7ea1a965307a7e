"""The retry decision and delay as pure functions."""

from __future__ import annotations

import email.utils

import pytest

from lattice_stripe._runtime.http.retry import (
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
    retry_delay,
    should_retry_status,
)


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (500, {}, True),
        (502, {}, True),
        (503, {}, True),
        (409, {}, True),
        (429, {}, True),
        (400, {}, False),
        (401, {}, False),
        (402, {}, False),
        (404, {}, False),
        (500, {"stripe-should-retry": "false"}, False),  # the header wins over the status
        (400, {"stripe-should-retry": "true"}, True),
        (429, {"stripe-should-retry": "false"}, False),
        (500, {"stripe-should-retry": "maybe"}, True),
    ],
)
def test_should_retry_status(status: int, headers: dict[str, str], expected: bool) -> None:
    assert should_retry_status(status, headers) is expected


def test_backoff_doubles_up_to_the_cap_with_jitter_between_half_and_full() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=5.0)
    assert [backoff_delay(n, policy, rand=1.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert [backoff_delay(n, policy, rand=0.0) for n in range(3)] == [0.25, 0.5, 1.0]
    samples = {backoff_delay(1, policy) for _ in range(50)}
    assert len(samples) > 1 and all(0.5 <= s <= 1.0 for s in samples)


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("0.25") == 0.25
    now = 1_700_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 10, usegmt=True), now=now) == pytest.approx(
        10, abs=1
    )
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-1") is None
    assert parse_retry_after(None) is None


def test_retry_after_is_honoured_up_to_the_cap_then_backoff() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=5.0, max_retry_after=60.0)
    assert retry_delay(0, {"retry-after": "7"}, policy) == 7.0
    assert retry_delay(0, {"retry-after": "3600"}, policy, rand=1.0) == 0.5  # a proxy asking for an hour
    assert retry_delay(2, {}, policy, rand=1.0) == 2.0
    assert retry_delay(2, None, policy, rand=1.0) == 2.0
