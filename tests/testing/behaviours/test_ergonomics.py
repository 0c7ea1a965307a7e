"""What a test suite needs around the fake: typed recorded params, no real sleeping on
retries, an app's own client pointed at the fake, seeded determinism, fixture options."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import AsyncStripeClient, StripeClient
from lattice_stripe.testing import FakeStripe

pytest_plugins = ["pytester"]


def test_recorded_params_are_typed_as_the_sdk_sent_them(fake: FakeStripe, client: Any) -> None:
    client.payment_intents.create(
        amount=1999, currency="usd", confirm=False, payment_method_types=["card"], metadata={"n": "1"}
    )
    params = fake.requests[-1].params
    assert params["amount"] == 1999 and params["confirm"] is False
    assert params["payment_method_types"] == ["card"] and params["metadata"] == {"n": "1"}


def test_an_injected_failure_asks_for_no_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    from lattice_stripe._runtime.http import client as client_module

    slept: list[float] = []
    monkeypatch.setattr(client_module.time, "sleep", slept.append)
    fake = FakeStripe()
    with fake.stripe_client() as client:  # the default RetryPolicy: 0.5 s backoff
        fake.server_error_next("customers.create")
        fake.rate_limit_next("customers.create")
        assert client.customers.create().last_response.attempts == 3
    assert slept == [0.0, 0.0]


def test_an_apps_own_client_talks_to_the_fake_inside_patch() -> None:
    fake = FakeStripe()
    with fake.patch():
        with StripeClient("sk_test_app") as app_client:  # built as the app builds it
            customer = app_client.customers.create(email="app@example.com")
    assert fake.get(customer.id)["email"] == "app@example.com"


async def test_an_apps_own_async_client_talks_to_the_fake_inside_patch() -> None:
    fake = FakeStripe()
    with fake.patch():
        async with AsyncStripeClient("sk_test_app") as app_client:
            customer = await app_client.customers.create(email="app@example.com")
    assert fake.get(customer.id)["email"] == "app@example.com"


def _flow(fake: FakeStripe) -> list[Any]:
    with fake.stripe_client() as client:
        customer = client.customers.create()
        intent = client.payment_intents.create(
            amount=1000, currency="usd", customer=customer.id, payment_method="pm_card_visa", confirm=True
        )
        return [customer.id, customer.invoice_prefix, intent.id, intent.client_secret, intent.latest_charge]


def test_a_seed_makes_ids_and_secrets_repeat() -> None:
    assert _flow(FakeStripe(random_seed=7)) == _flow(FakeStripe(random_seed=7))
    assert _flow(FakeStripe(random_seed=7)) != _flow(FakeStripe(random_seed=8))


def test_fixture_options_and_the_async_fixture_in_strict_mode(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from lattice_stripe import StripeClient

        @pytest.mark.stripe_fake(stateful=False, seed=3)
        def test_stateless(stripe_fake, stripe_fake_client):
            assert stripe_fake.stateful is False
            assert stripe_fake_client.customers.retrieve("cus_any").id == "cus_any"

        @pytest.mark.stripe_fake(patch=True)
        def test_patched(stripe_fake):
            with StripeClient("sk_test_app") as app:
                assert stripe_fake.get(app.customers.create().id)

        @pytest.mark.asyncio
        async def test_async(stripe_fake, stripe_fake_async_client):
            customer = await stripe_fake_async_client.customers.create(email="a@example.com")
            assert stripe_fake.get(customer.id)["email"] == "a@example.com"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-o", "asyncio_mode=strict", "-q")
    result.assert_outcomes(passed=3)
