"""The meter event stream's decisions, without I/O: a fake clock drives sessions and flushes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from lattice_stripe._runtime.errors import APIError, AuthenticationError, InvalidArgumentError
from lattice_stripe._runtime.http.meter_events import (
    DONE,
    RENEW,
    Send,
    Session,
    StreamCore,
    Wait,
    _Events,
    session_expired,
)
from lattice_stripe._runtime.times import unix


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def event(n: int) -> dict[str, Any]:
    return {"event_name": "api_calls", "payload": {"value": "1"}, "identifier": f"id_{n}", "timestamp": "t"}


def core_with(clock: Clock, **kw: Any) -> StreamCore:
    return StreamCore(clock=clock, **{"batch_size": 3, "max_buffered": 6, "flush_interval": 1.0, **kw})


def session(clock: Clock, lifetime: float = 900.0) -> Session[None]:
    return Session("mes_1", clock.now + lifetime, None)


EXPIRED = APIError(
    "expired", http_status=401, type="temporary_session_expired", code="billing_meter_event_session_expired"
)


def test_waits_for_an_event_then_opens_a_session_then_sends_a_full_batch() -> None:
    clock = Clock()
    core = core_with(clock)
    step = core.next_step()
    assert isinstance(step, Wait) and step.seconds is None
    assert [core.offer(event(i)) for i in range(3)] == [2, 1, 2]  # wake when it starts and when a batch fills
    assert core.next_step() == RENEW
    core.renewed(session(clock))
    step = core.next_step()
    assert isinstance(step, Send)
    assert [e["identifier"] for e in step.batch.events] == ["id_0", "id_1", "id_2"]
    core.delivered(step.batch)
    assert core.sent == 3 and core.idle


def test_a_partial_batch_waits_for_the_flush_interval() -> None:
    clock = Clock()
    core = core_with(clock)
    core.renewed(session(clock))
    core.offer(event(0))
    clock.now += 0.25
    step = core.next_step()
    assert isinstance(step, Wait) and step.seconds == pytest.approx(0.75)
    clock.now += 0.75
    step = core.next_step()
    assert isinstance(step, Send) and len(step.batch.events) == 1


def test_flush_sends_a_partial_batch_at_once() -> None:
    clock = Clock()
    core = core_with(clock)
    core.renewed(session(clock))
    core.offer(event(0))
    core.flush()
    assert isinstance(core.next_step(), Send)


def test_the_session_is_renewed_before_it_expires() -> None:
    clock = Clock()
    core = core_with(clock, renew_before=60.0)
    core.renewed(session(clock, lifetime=900.0))
    for i in range(3):
        core.offer(event(i))
    clock.now += 839.0  # 61 s left: still good
    step = core.next_step()
    assert isinstance(step, Send)
    core.delivered(step.batch)
    for i in range(3):
        core.offer(event(i))
    clock.now += 2.0  # 59 s left: renew first
    assert core.next_step() == RENEW
    assert core.session is None


def test_a_session_expiry_renews_and_resends_the_same_batch_once() -> None:
    clock = Clock()
    core = core_with(clock)
    core.renewed(session(clock))
    for i in range(4):
        core.offer(event(i))
    step = core.next_step()
    assert isinstance(step, Send)
    batch = step.batch
    assert core.refused(batch, EXPIRED) is None  # not final
    assert core.next_step() == RENEW
    core.renewed(session(clock))
    again = core.next_step()
    assert isinstance(again, Send) and again.batch is batch  # same events, same identifiers
    failure = core.refused(batch, EXPIRED)  # a second expiry for the same batch is final
    assert failure is not None and failure.events == batch.events
    assert core.report().failed[0].error is EXPIRED
    clock.now += 1.0
    assert core.session is None and core.next_step() == RENEW  # the rest goes on, on a new session


def test_other_errors_fail_the_batch_and_the_stream_goes_on() -> None:
    clock = Clock()
    core = core_with(clock)
    core.renewed(session(clock))
    for i in range(6):
        core.offer(event(i))
    first = core.next_step()
    assert isinstance(first, Send)
    failure = core.refused(first.batch, APIError("boom", http_status=500))
    assert failure is not None and len(failure.events) == 3
    second = core.next_step()
    assert isinstance(second, Send) and second.batch.events[0]["identifier"] == "id_3"


def test_a_failed_renewal_fails_the_next_batch_with_its_error() -> None:
    clock = Clock()
    core = core_with(clock)
    for i in range(4):
        core.offer(event(i))
    assert core.next_step() == RENEW
    error = AuthenticationError("revoked", http_status=401)
    failure = core.renew_failed(error)
    assert failure is not None and [e["identifier"] for e in failure.events] == ["id_0", "id_1", "id_2"]
    assert core.renew_failed(error) is not None  # the partial rest too
    assert core.renew_failed(error) is None  # nothing left
    assert core.report().not_sent == [event(i) for i in range(4)]


def test_the_buffer_is_bounded() -> None:
    clock = Clock()
    core = core_with(clock)
    assert all(core.offer(event(i)) for i in range(6))
    assert core.offer(event(6)) == 0
    assert len(core.buffered) == 6


def test_close_drains_everything_then_is_done() -> None:
    clock = Clock()
    core = core_with(clock)
    core.renewed(session(clock))
    for i in range(4):
        core.offer(event(i))
    core.close()
    sizes = []
    while isinstance(step := core.next_step(), Send):
        sizes.append(len(step.batch.events))
        core.delivered(step.batch)
    assert sizes == [3, 1] and step == DONE and core.report().ok


def test_close_with_a_deadline_reports_what_it_could_not_start() -> None:
    clock = Clock()
    core = core_with(clock)
    core.renewed(session(clock))
    for i in range(6):
        core.offer(event(i))
    step = core.next_step()
    assert isinstance(step, Send)
    core.close(timeout=5.0)
    clock.now += 5.0  # the in-flight batch took the whole budget
    core.refused(step.batch, APIError("timed out"))
    assert core.next_step() == DONE
    report = core.report()
    assert report.sent == 0 and len(report.failed[0].events) == 3
    assert [e["identifier"] for e in report.unsent] == ["id_3", "id_4", "id_5"]
    assert report.not_sent == [event(i) for i in range(6)]
    assert repr(report) == "StreamReport(sent=0, failed=3, unsent=3)"


def test_session_expired_is_recognised_by_code_or_type() -> None:
    assert session_expired(EXPIRED)
    assert session_expired(APIError("x", type="temporary_session_expired"))
    assert not session_expired(APIError("x", http_status=401, code="other"))
    assert not session_expired(ValueError("billing_meter_event_session_expired"))


# -- building events -----------------------------------------------------------------------------


def test_events_get_one_identifier_and_an_rfc3339_timestamp() -> None:
    clock = Clock(1_800_000_000.25)
    events = _Events(clock)
    first = events.build("api_calls", {"stripe_customer_id": "cus_1", "value": 3}, None, None)
    second = events.build("api_calls", {"value": "1"}, None, "mine")
    assert first["payload"] == {"stripe_customer_id": "cus_1", "value": "3"}
    assert first["timestamp"] == "2027-01-15T08:00:00.250Z"
    assert first["identifier"].startswith("lse_") and second["identifier"] == "mine"
    assert _Events(clock).build("a", {}, None, None)["identifier"] != first["identifier"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 5, 27, 12, 0, 1, 500_000, tzinfo=timezone.utc), "2026-05-27T12:00:01.500Z"),
        (datetime(2026, 5, 27, 14, 0, 1, tzinfo=timezone(timedelta(hours=2))), "2026-05-27T12:00:01.000Z"),
        (1_800_000_000, "2027-01-15T08:00:00.000Z"),
        ("2026-05-27T12:00:00Z", "2026-05-27T12:00:00Z"),
    ],
)
def test_timestamps(value: Any, expected: str) -> None:
    assert _Events(Clock()).build("e", {}, value, None)["timestamp"] == expected


@pytest.mark.parametrize(
    ("args", "param"),
    [
        (("", {}, None, None), "event_name"),
        ((None, {}, None, None), "event_name"),
        (("e", [("value", "1")], None, None), "payload"),
        (("e", {"value": 1.5}, None, None), "payload[value]"),
        (("e", {"value": True}, None, None), "payload[value]"),
        (("e", {"value": Decimal("NaN")}, None, None), "payload[value]"),
        (("e", {1: "x"}, None, None), "payload"),
        (("e", {}, datetime(2026, 5, 27), None), "timestamp"),  # naive
        (("e", {}, -1, None), "timestamp"),
        (("e", {}, None, ""), "identifier"),
        (("e", {}, None, 7), "identifier"),
    ],
)
def test_wrong_events_are_refused_naming_the_parameter(args: tuple[Any, ...], param: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        _Events(Clock()).build(*args)
    assert caught.value.param == param


@pytest.mark.parametrize(
    ("kw", "param"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 101}, "batch_size"),
        ({"batch_size": True}, "batch_size"),
        ({"max_buffered": 2}, "max_buffered"),
        ({"flush_interval": -1}, "flush_interval"),
        ({"renew_before": "60"}, "renew_before"),
    ],
)
def test_wrong_settings_are_refused(kw: dict[str, Any], param: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        StreamCore(**{"batch_size": 3, "max_buffered": 6, **kw})
    assert caught.value.param == param


def test_expires_at_parses_as_unix_seconds() -> None:
    assert unix("2027-01-15T08:00:00.000Z") == 1_800_000_000.0
    assert unix("2027-01-15T09:00:00.500+01:00") == 1_800_000_000.5


def test_session_repr_has_no_client() -> None:
    assert repr(Session("mes_1", 1.0, object())) == "Session(id='mes_1', expires_at=1.0)"


# -- several batches in flight ------------------------------------------------------------------


def sending(core: StreamCore) -> Send:
    step = core.next_step()
    assert isinstance(step, Send), step
    return step


def test_up_to_max_in_flight_batches_are_sent_at_once() -> None:
    clock = Clock()
    core = core_with(clock, max_buffered=12, max_in_flight=2)
    core.renewed(session(clock))
    for i in range(9):
        core.offer(event(i))
    first, second = sending(core), sending(core)
    waiting = core.next_step()
    assert isinstance(waiting, Wait) and waiting.seconds is None  # until a slot opens
    core.delivered(first.batch)
    third = sending(core)
    assert [s.batch.events[0]["identifier"] for s in (first, second, third)] == ["id_0", "id_3", "id_6"]
    core.delivered(second.batch)
    core.delivered(third.batch)
    assert core.idle and core.report().sent == 9


def test_one_worker_renews_while_the_others_wait() -> None:
    clock = Clock()
    core = core_with(clock, max_buffered=12, max_in_flight=3)
    for i in range(9):
        core.offer(event(i))
    assert core.next_step() == RENEW
    for _ in range(2):  # the other workers: no second renewal
        step = core.next_step()
        assert isinstance(step, Wait) and step.seconds is None
    core.renewed(session(clock))
    sends = [sending(core) for _ in range(3)]
    assert [s.batch.events[0]["identifier"] for s in sends] == ["id_0", "id_3", "id_6"]


def test_a_late_expiry_from_an_old_session_keeps_the_new_one() -> None:
    clock = Clock()
    core = core_with(clock, max_buffered=12, max_in_flight=2)
    old = session(clock)
    core.renewed(old)
    for i in range(6):
        core.offer(event(i))
    first, second = sending(core), sending(core)
    assert core.refused(first.batch, EXPIRED) is None
    assert core.next_step() == RENEW
    new = session(clock)
    core.renewed(new)
    assert core.refused(second.batch, EXPIRED) is None  # sent on the old session: resent once
    assert core.session is new  # and the session just opened is kept
    resent = [sending(core), sending(core)]
    assert {id(s.batch) for s in resent} == {id(first.batch), id(second.batch)}
    assert all(s.session is new for s in resent)


def test_a_close_deadline_reports_the_rest_while_batches_are_in_flight() -> None:
    clock = Clock()
    core = core_with(clock, max_buffered=12, max_in_flight=2)
    core.renewed(session(clock))
    for i in range(12):
        core.offer(event(i))
    first, second = sending(core), sending(core)
    core.close(timeout=0)
    assert core.next_step() == DONE
    assert core.refused(first.batch, EXPIRED) is not None  # after the deadline: final, not resent
    core.delivered(second.batch)
    report = core.report()
    assert report.sent == 3 and len(report.failed) == 1 and len(report.unsent) == 6


@pytest.mark.parametrize("value", [0, 17, True, 2.0, "2", None])
def test_max_in_flight_is_checked(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="max_in_flight must be an int from 1 to 16") as caught:
        StreamCore(max_in_flight=value)
    assert caught.value.param == "max_in_flight"
