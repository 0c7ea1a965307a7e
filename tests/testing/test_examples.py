"""Every recipe in examples/ runs: against the fake (default) and against stripe-mock (--base-url)."""

from __future__ import annotations

import runpy
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from lattice_stripe.overrides import GuardWarning

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RECIPES = sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))

# What each recipe must report on the fake: the flow reached its end and the webhook confirmed it.
EXPECT = {
    "batch_fanout": ["failed (charge_already_refunded), the others went on", "4 of 5 refunded"],
    "checkout_and_portal": [
        "checkout session cs_test_",
        "webhook checkout.session.completed",
        "portal session for cus_",
    ],
    "connect_onboarding": ["capability card_payments: active", "to acct_", "fee 1230", "rejected acct_"],
    "credit_note": ["preview: would credit 1500 usd", "status issued", "webhook credit_note.created"],
    "dispute_evidence": ["needs_response", "receipt=file_", "webhook charge.dispute.updated"],
    "quote": ["draft", "finalized: open", "accepted: accepted", "webhook quote.accepted"],
    "stripe_account": [
        "per request: customer cus_",
        "per client: product prod_",
        "[None, 'acct_",
        "without stripe_account: 404 resource_missing",
    ],
    "subscription_lifecycle": ["customer sub@example.com", "2 phases", "canceled", "subscription.deleted"],
    "usage_billing": [
        "event destination ed_",
        "v1 meter event usage_0001: accepted",
        "cancelled usage_0001",
        "stream: 1001 events accepted, 0 not sent, 0 failures",
        "meter error report for mtr_",
        "meter error notifications handled: 1",
        "event summaries: 1000 api_calls billed today",
    ],
    "webhook_handling": ["fulfil order for pi_", "router answered 200", "tampered body answers 400"],
}


@pytest.fixture(autouse=True)
def _examples_on_path() -> Iterator[None]:
    sys.path.insert(0, str(EXAMPLES))
    with warnings.catch_warnings():
        warnings.simplefilter("error", GuardWarning)  # recipes make their choices explicit
        yield
    sys.path.remove(str(EXAMPLES))
    sys.modules.pop("_harness", None)


def _run(name: str, argv: list[str]) -> None:
    module = runpy.run_path(str(EXAMPLES / f"{name}.py"), run_name="example")
    module["main"](argv)


def test_every_recipe_is_checked() -> None:
    assert RECIPES == sorted(EXPECT)


@pytest.mark.parametrize("name", RECIPES)
def test_recipe_on_the_fake(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    _run(name, [])
    out = capsys.readouterr().out
    for line in EXPECT[name]:
        assert line in out, (name, line, out)


@pytest.mark.parametrize("name", RECIPES)
def test_recipe_against_a_base_url(name: str, stripe_mock: str, capsys: pytest.CaptureFixture[str]) -> None:
    _run(name, ["--base-url", stripe_mock, "--api-key", "sk_test_123"])
    out = capsys.readouterr().out
    assert "Traceback" not in out and out.strip()
    if "webhook" in " ".join(EXPECT[name]) and name not in ("webhook_handling",):
        assert "-> act when the" in out  # without a fake, it says which webhook to wait for
