"""Each store against a reference model of claims, leases and completion (hypothesis)."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lattice_stripe._runtime.webhooks.ledger import AppliedEvent, Claim
from tests.ledger.worker import ledger_for

LEASE = 10.0
EVENTS = ["a", "b"]
OWNERS = ["w1", "w2", "w3"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("claim"), st.sampled_from(EVENTS), st.sampled_from(OWNERS)),
        st.tuples(st.just("complete"), st.sampled_from(EVENTS), st.sampled_from(OWNERS)),
        st.tuples(st.just("release"), st.sampled_from(EVENTS), st.sampled_from(OWNERS)),
        st.tuples(st.just("wait"), st.sampled_from([1.0, LEASE, LEASE + 1]), st.just("")),
    ),
    max_size=25,
)


class Model:
    """What a ledger must answer: a live claim blocks, an expired one can be taken over."""

    def __init__(self) -> None:
        self.state: dict[str, tuple[str, float] | str] = {}

    def claim(self, event: str, owner: str, now: float) -> Claim:
        held = self.state.get(event)
        if held == "done":
            return Claim.DONE
        if isinstance(held, tuple) and not held[1] < now:
            return Claim.BUSY
        self.state[event] = (owner, now + LEASE)
        return Claim.ACQUIRED

    def complete(self, event: str, owner: str) -> bool:
        held = self.state.get(event)
        if isinstance(held, tuple) and held[0] == owner:
            self.state[event] = "done"
            return True
        return False

    def release(self, event: str, owner: str) -> None:
        held = self.state.get(event)
        if isinstance(held, tuple) and held[0] == owner:
            del self.state[event]


_runs = itertools.count()
_now = [0.0]
_ledgers: dict[tuple[str, str], Any] = {}  # one connection per store for all examples


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
@example(ops=[("claim", "a", "w1"), ("wait", LEASE, ""), ("claim", "a", "w2")])  # the lease's last instant
@example(ops=[("claim", "a", "w1"), ("wait", LEASE + 1, ""), ("claim", "a", "w2"), ("complete", "a", "w1")])
def test_a_store_answers_like_the_model(store_spec: tuple[str, str], ops: list[tuple[Any, ...]]) -> None:
    run = next(_runs)  # one database for all examples: fresh event ids per example
    now = _now
    now[0] = 1_000_000.0
    if store_spec not in _ledgers:
        _ledgers[store_spec] = ledger_for(*store_spec, lease=LEASE, clock=lambda: _now[0])
    ledger = _ledgers[store_spec]
    model = Model()
    for name, arg, owner in ops:
        if name == "wait":
            now[0] += arg
            continue
        event_id = f"evt_{run}_{arg}"
        if name == "claim":
            assert ledger.claim(event_id, owner) is model.claim(arg, owner, now[0])
        elif name == "complete":
            done = AppliedEvent(event_id, "widget.updated", f"wd_{run}", int(now[0]))
            assert ledger.complete(owner, done) is model.complete(arg, owner)
        else:
            ledger.release(event_id, owner)
            model.release(arg, owner)
