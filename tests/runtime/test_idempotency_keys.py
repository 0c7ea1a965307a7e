"""Idempotency keys derived from app identifiers: stable across runs, distinct across intents."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lattice_stripe import InvalidArgumentError, StripeClient, idempotency_key_for
from tests.runtime.conftest import API_KEY
from tests.stripe_server import Reply, StripeServer

parts = st.lists(st.one_of(st.text(min_size=1), st.integers()), min_size=1, max_size=4)


def test_the_same_intent_gives_the_same_key_in_another_process() -> None:
    key = idempotency_key_for("signup", 42, "pro")
    code = "from lattice_stripe import idempotency_key_for as k; print(k('signup', 42, 'pro'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert other.strip() == key
    assert key.startswith("signup-") and len(key) <= 255


@given(parts, parts)
def test_different_identifiers_give_different_keys(a: list[Any], b: list[Any]) -> None:
    if [str(p) for p in a] != [str(p) for p in b]:
        assert idempotency_key_for("refund", *a) != idempotency_key_for("refund", *b)


def test_parts_stay_separate_and_ids_match_as_text() -> None:
    assert idempotency_key_for("x", "ab", "c") != idempotency_key_for("x", "a", "bc")
    assert idempotency_key_for("x", 7) == idempotency_key_for("x", "7")
    assert idempotency_key_for("signup", 1) != idempotency_key_for("refund", 1)
    u = uuid.UUID(int=5)
    assert idempotency_key_for("x", u) == idempotency_key_for("x", str(u))


@pytest.mark.parametrize(
    ("purpose", "args", "match"),
    [
        ("", (1,), "purpose must be"),
        ("has space", (1,), "purpose must be"),
        (b"signup", (1,), "purpose must be"),
        ("signup", (), "at least one identifier"),
        ("signup", (None,), "got NoneType"),
        ("signup", (1.5,), "got float"),
        ("signup", (True,), "got bool"),
        ("signup", ("",), "non-empty"),
    ],
)
def test_bad_input_is_refused(purpose: Any, args: tuple[Any, ...], match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        idempotency_key_for(purpose, *args)


def test_a_retried_job_sends_the_same_key(server: StripeServer) -> None:
    def signup_job(user_id: int) -> None:
        with StripeClient(API_KEY, base_url=server.url, max_retries=0) as client:
            client.customers.create(
                email="a@example.com", idempotency_key=idempotency_key_for("signup", user_id)
            )

    server.reply(
        Reply(json={"id": "cus_1", "object": "customer"}), Reply(json={"id": "cus_1", "object": "customer"})
    )
    signup_job(42)
    signup_job(42)  # the job ran again (a worker restart)
    keys = [r.header("Idempotency-Key") for r in server.requests]
    assert keys == [idempotency_key_for("signup", 42)] * 2
