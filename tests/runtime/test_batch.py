"""Fan-out: concurrent calls, ordered outcomes, one failure kept to its own slot."""

from __future__ import annotations

import threading
import time

import pytest

from lattice_stripe import CardError, InvalidRequestError
from lattice_stripe._runtime.http.batch import Outcome, run_gathered
from tests.stripe_server import Recorded, Reply, StripeServer


class RefundServer:
    """Counts how many refunds are in flight at once; each waits (10 s at most) until two have
    been in flight together, so calls run side by side are seen to, however busy the machine."""

    def __init__(self) -> None:
        self.active = self.peak = 0
        self.lock = threading.Condition()

    def __call__(self, req: Recorded) -> Reply:
        charge = req.form_dict["charge"]
        if charge == "ch_bad":
            return Reply(
                402, {"error": {"type": "card_error", "code": "card_declined", "message": "declined"}}
            )
        if charge == "ch_missing":
            return Reply(404, {"error": {"type": "invalid_request_error", "message": "No such charge"}})
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
            self.lock.notify_all()
            self.lock.wait_for(lambda: self.peak >= 2, timeout=10)
            self.active -= 1
        return Reply(json={"id": f"re_{charge}", "object": "refund"})


CHARGES = ["ch_0", "ch_bad", "ch_1", "ch_missing", "ch_2", "ch_3", "ch_4", "ch_5"]


def check(outcomes: list[Outcome]) -> None:
    assert len(outcomes) == len(CHARGES)
    for charge, outcome in zip(CHARGES, outcomes, strict=True):
        if charge == "ch_bad":
            assert not outcome.ok and isinstance(outcome.error, CardError)
            with pytest.raises(CardError):
                outcome.unwrap()
        elif charge == "ch_missing":
            assert isinstance(outcome.error, InvalidRequestError)
        else:
            assert outcome.ok and outcome.unwrap().id == f"re_{charge}"


def test_sync_batch_runs_concurrently_in_order_with_isolated_errors(client, server: StripeServer) -> None:
    server.handler = refunds = RefundServer()
    outcomes = client.batch([lambda c=c: client.refunds.create(charge=c) for c in CHARGES], max_workers=8)
    check(outcomes)
    assert refunds.peak >= 2  # the calls overlapped: they ran side by side
    assert len(server.requests) == len(CHARGES)  # a 4xx is not retried, nothing was cancelled


async def test_async_batch_runs_concurrently_in_order_with_isolated_errors(
    aclient, server: StripeServer
) -> None:
    server.handler = refunds = RefundServer()
    outcomes = await aclient.batch([aclient.refunds.create(charge=c) for c in CHARGES])
    check(outcomes)
    assert refunds.peak >= 2
    assert len(server.requests) == len(CHARGES)


async def test_async_batch_concurrency_limit(aclient, server: StripeServer) -> None:
    active = peak = 0
    lock = threading.Lock()

    def handler(req: Recorded) -> Reply:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1
        return Reply(json={"id": "cus_1", "object": "customer"})

    server.handler = handler
    outcomes = await aclient.batch(
        [lambda: aclient.customers.retrieve("cus_1") for _ in range(6)], concurrency=2
    )
    assert all(o.ok for o in outcomes) and peak <= 2


async def test_gathered_keeps_plain_exceptions_too() -> None:
    async def boom() -> int:
        raise ValueError("nope")

    async def fine() -> int:
        return 7

    outcomes = await run_gathered([boom(), fine])
    assert isinstance(outcomes[0].error, ValueError) and outcomes[1].value == 7


def test_empty_batch(client) -> None:
    assert client.batch([]) == []
