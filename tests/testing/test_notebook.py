"""examples/explorer.ipynb runs top to bottom in a real kernel, against the fake and against
stripe-mock, and its committed outputs are the ones a fresh run prints."""

from __future__ import annotations

import re

import pytest

from tests.testing import notebook


@pytest.fixture(scope="module")
def committed() -> object:
    return notebook.read()


def test_committed_outputs_are_what_a_fresh_run_prints(
    committed: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXPLORER_BASE_URL", raising=False)
    assert all(notebook.outputs(committed)), "a code cell without outputs: run `make notebook`"
    fresh = notebook.execute(committed)  # raises on any cell error
    assert notebook.outputs(fresh) == notebook.outputs(committed), "outputs are stale: run `make notebook`"


def test_outputs_show_each_flow(committed: object) -> None:
    out = notebook.text(committed)
    assert "| id | name | email |" in out and "ada@example.com" in out  # a list page as a table
    assert "declined: card_declined insufficient_funds" in out
    assert re.search(r"invoice in_\w+ paid", out)
    assert "| card_payments | active |" in out
    assert "router answered 200" in out and "grant access for cus_" in out


def test_the_first_customer_is_the_one_charged(committed: object) -> None:
    """The intent is for Ada, the first customer created, though lists come newest first."""
    out = notebook.text(committed)
    ada = re.search(r"\| (cus_\w+) \| Ada \|", out)
    assert ada and f"for {ada[1]}" in out
    assert out.index("Katherine") < out.index("Ada")  # the list itself is newest first


def test_runs_against_stripe_mock_with_one_switch(
    committed: object, stripe_mock: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPLORER_BASE_URL", stripe_mock)
    ran = notebook.execute(committed)  # raises on any cell error
    out = notebook.text(ran)
    assert f"talking to {stripe_mock}" in out and "router answered 200" in out
    assert "grant access for" in out
