"""What the router does with a ledger, on each store: once per event, failures retried, ordering."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lattice_stripe import InvalidArgumentError, WebhookEvent, WebhookRouter, generate_test_header
from lattice_stripe._runtime.webhooks.ledger import AppliedEvent, Claim, SQLiteLedger
from lattice_stripe._runtime.webhooks.ledger_postgres import AsyncPostgresLedger, PostgresLedger
from tests.ledger.worker import SECRET, delivery, ledger_for, send

APPLIED = (200, {"received": True})
DUPLICATE = (200, {"received": True, "duplicate": True})


def _flaky_router(ledger: Any, failures: int) -> tuple[WebhookRouter, list[str]]:
    """A router whose handler raises ``failures`` times, then records each event it applies."""
    applied: list[str] = []
    calls = [0]
    router = WebhookRouter(SECRET, ledger=ledger)

    @router.fallback
    def handler(event: WebhookEvent) -> None:
        calls[0] += 1
        if calls[0] <= failures:
            raise RuntimeError("database down")
        applied.append(event.id)

    return router, applied


def test_a_redelivery_does_not_run_the_handler_again(store_spec: tuple[str, str]) -> None:
    router, applied = _flaky_router(ledger_for(*store_spec), failures=0)
    assert send(router, delivery("evt_1")) == APPLIED
    assert send(router, delivery("evt_1")) == DUPLICATE
    assert send(router, delivery("evt_2")) == APPLIED
    assert applied == ["evt_1", "evt_2"]


def test_a_failed_handler_leaves_the_event_unrecorded_and_the_next_delivery_runs_it(
    store_spec: tuple[str, str],
) -> None:
    ledger = ledger_for(*store_spec)
    router, applied = _flaky_router(ledger, failures=2)
    assert send(router, delivery("evt_1"))[0] == 500
    assert ledger.claim("evt_1", "someone") is Claim.ACQUIRED  # released, not stuck claimed
    ledger.release("evt_1", "someone")
    assert send(router, delivery("evt_1"))[0] == 500
    assert send(router, delivery("evt_1")) == APPLIED
    assert send(router, delivery("evt_1")) == DUPLICATE
    assert applied == ["evt_1"]


def test_latest_answers_which_event_about_an_object_was_applied_last(store_spec: tuple[str, str]) -> None:
    """Stripe may deliver an older event after a newer one: handlers compare ``created``."""
    ledger = ledger_for(*store_spec)
    router = WebhookRouter(SECRET, ledger=ledger)
    seen: list[tuple[str, AppliedEvent | None]] = []

    @router.fallback
    def handler(event: WebhookEvent) -> None:
        previous = ledger.latest(event.data.object.id)
        seen.append((event.id, previous))
        if previous is not None and previous.created > event.created:
            return  # stale: a newer state was applied already

    assert ledger.latest("wd_sub") is None
    send(router, delivery("evt_new", "wd_sub", created=200))
    send(router, delivery("evt_old", "wd_sub", created=100))
    send(router, delivery("evt_other", "wd_other", created=300))
    newest = AppliedEvent("evt_new", "widget.updated", "wd_sub", 200)
    assert seen == [("evt_new", None), ("evt_old", newest), ("evt_other", None)]
    assert ledger.latest("wd_sub") == newest  # the stale event is recorded, the newest stays latest


def test_an_unavailable_ledger_answers_500_without_running_the_handler(tmp_path: Any) -> None:
    (tmp_path / "not-a-db").mkdir()
    router, applied = _flaky_router(SQLiteLedger(tmp_path / "not-a-db"), failures=0)
    assert send(router, delivery("evt_1")) == (
        500,
        {"error": {"type": "ledger_unavailable", "event": "evt_1"}},
    )
    assert applied == []


def test_a_claim_lost_to_an_expired_lease_is_not_recorded_by_its_old_owner(
    store_spec: tuple[str, str],
) -> None:
    now = [1000.0]
    ledger = ledger_for(*store_spec, lease=10, clock=lambda: now[0])
    event = AppliedEvent("evt_1", "widget.updated", "wd_1", 1)
    assert ledger.claim("evt_1", "a") is Claim.ACQUIRED
    assert ledger.claim("evt_1", "b") is Claim.BUSY
    now[0] += 11
    assert ledger.claim("evt_1", "b") is Claim.ACQUIRED
    assert ledger.complete("a", event) is False
    assert ledger.complete("b", event) is True
    assert ledger.claim("evt_1", "c") is Claim.DONE


@pytest.mark.parametrize("lease", [0, -1, True, "60", None])
def test_a_lease_must_be_positive_seconds(lease: Any, tmp_path: Any) -> None:
    for make in (lambda: SQLiteLedger(tmp_path / "x", lease=lease), lambda: PostgresLedger("", lease=lease)):
        with pytest.raises(InvalidArgumentError, match="lease must be a positive number of seconds"):
            make()


def test_the_postgres_ledger_repr_hides_the_connection_string() -> None:
    assert "hunter2" not in repr(PostgresLedger("host=db user=app password=hunter2"))
    assert "hunter2" not in repr(AsyncPostgresLedger("postgresql://app:hunter2@db/app"))


def test_a_sync_router_refuses_an_async_ledger() -> None:
    router = WebhookRouter(SECRET, ledger=AsyncPostgresLedger(""))
    with pytest.raises(TypeError, match="async ledger"):
        send(router, delivery("evt_1"))


async def _send_async(router: WebhookRouter, payload: bytes) -> tuple[int, dict[str, Any]]:
    response = await router.handle_async(payload, generate_test_header(payload, SECRET))
    return response.status, json.loads(response.body)


async def test_the_async_router_with_the_async_postgres_ledger(postgres_dsn: str) -> None:
    async with AsyncPostgresLedger(postgres_dsn) as ledger:
        applied: list[str] = []
        calls = [0]
        router = WebhookRouter(SECRET, ledger=ledger)

        @router.fallback
        async def handler(event: WebhookEvent) -> None:
            calls[0] += 1
            if calls[0] == 1:
                raise RuntimeError("first try fails")
            applied.append(event.id)

        assert (await _send_async(router, delivery("evt_1")))[0] == 500
        assert await _send_async(router, delivery("evt_1")) == APPLIED
        assert await _send_async(router, delivery("evt_1")) == DUPLICATE
        assert applied == ["evt_1"]
        assert await ledger.latest("wd_evt_1") == AppliedEvent(
            "evt_1", "widget.updated", "wd_evt_1", 1_700_000_000
        )
    assert PostgresLedger(postgres_dsn).claim("evt_1", "x") is Claim.DONE  # the same table, sync


async def test_the_async_router_with_a_sync_ledger(tmp_path: Any) -> None:
    router, applied = _flaky_router(SQLiteLedger(tmp_path / "l.sqlite3"), failures=1)
    assert (await _send_async(router, delivery("evt_1")))[0] == 500
    assert await _send_async(router, delivery("evt_1")) == APPLIED
    assert await _send_async(router, delivery("evt_1")) == DUPLICATE
    assert applied == ["evt_1"]


@pytest.mark.parametrize("bad", ["ledger.sqlite3", object(), {"claim": 1}])
def test_a_ledger_must_be_an_event_ledger(bad: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="ledger must be an EventLedger"):
        WebhookRouter(SECRET, ledger=bad)
