"""Connect: accounts, links, capabilities, transfers, destination charges, payouts, balance."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError, PermissionDeniedError
from lattice_stripe.testing import FakeStripe

from .conftest import types


def _express(client: Any) -> Any:
    return client.accounts.create(type="express", capabilities={"transfers": {"requested": True}})


def test_a_new_account_is_not_yet_enabled_and_its_capabilities_are_inactive(client: Any) -> None:
    account = _express(client)
    assert account.charges_enabled is False and account.details_submitted is False
    assert "external_account" in account.requirements.currently_due
    (cap,) = client.accounts.capabilities.list(account.id).data
    assert (cap.id, cap.status) == ("transfers", "inactive")


def test_account_and_login_links(client: Any) -> None:
    account = _express(client)
    link = client.account_links.create(
        account=account.id,
        type="account_onboarding",
        refresh_url="https://e.com/r",
        return_url="https://e.com/d",
    )
    assert link.url.startswith("https://connect.stripe.com/") and link.expires_at > link.created
    assert client.accounts.login_links.create(account.id).url.startswith(
        "https://connect.stripe.com/express/"
    )
    standard = client.accounts.create(type="standard")
    with pytest.raises(InvalidRequestError):
        client.accounts.login_links.create(standard.id)
    with pytest.raises(InvalidRequestError) as caught:
        client.account_links.create(
            account="acct_missing",
            type="account_onboarding",
            refresh_url="https://e.com",
            return_url="https://e.com",
        )
    assert caught.value.param == "account"


def test_rejecting_an_account_disables_it(fake: FakeStripe, client: Any) -> None:
    account = client.accounts.create(type="custom", capabilities={"transfers": {"requested": True}})
    rejected = client.accounts.reject(account.id, reason="fraud")
    assert rejected.requirements.disabled_reason == "rejected.fraud"
    assert types(fake)[-1] == "account.updated"


def test_an_unknown_connected_account_is_refused(client: Any) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        client.customers.create(stripe_account="acct_unknown")
    assert caught.value.code == "account_invalid"


def test_events_of_connected_account_objects_carry_account(fake: FakeStripe, client: Any) -> None:
    account = _express(client)
    client.customers.create(stripe_account=account.id)
    assert fake.events[-1]["type"] == "customer.created" and fake.events[-1]["account"] == account.id
    assert client.events.list(stripe_account=account.id).data[0].account == account.id
    assert all(e.type != "customer.created" for e in client.events.list().data)


def test_a_destination_charge_transfers_less_the_application_fee(client: Any) -> None:
    account = _express(client)
    intent = client.payment_intents.create(
        amount=10000,
        currency="usd",
        payment_method="pm_card_visa",
        confirm=True,
        application_fee_amount=1230,
        transfer_data={"destination": account.id},
    )
    charge = client.charges.retrieve(intent.latest_charge)
    transfer = client.transfers.retrieve(charge.transfer)
    assert (transfer.amount, transfer.destination) == (8770, account.id)
    fee = client.application_fees.retrieve(charge.application_fee)
    assert (fee.amount, fee.account) == (1230, account.id)
    balance = client.balance.retrieve(stripe_account=account.id)
    assert balance.pending[0].amount == 8770 and balance.available[0].amount == 0  # card funds are pending


def test_card_funds_are_pending_so_a_transfer_needs_available_funds(client: Any) -> None:
    account = _express(client)
    client.payment_intents.create(amount=5000, currency="usd", payment_method="pm_card_visa", confirm=True)
    balance = client.balance.retrieve()
    assert balance.available[0].amount == 0 and balance.pending[0].amount > 0
    with pytest.raises(InvalidRequestError) as caught:
        client.transfers.create(amount=1000, currency="usd", destination=account.id)
    assert caught.value.code == "balance_insufficient"
    client.payment_intents.create(
        amount=5000, currency="usd", payment_method="pm_card_bypassPending", confirm=True
    )
    transfer = client.transfers.create(amount=1000, currency="usd", destination=account.id)
    assert transfer.amount == 1000
    reversal = client.transfers.reversals.create(transfer.id, amount=400)
    assert reversal.amount == 400 and client.transfers.retrieve(transfer.id).amount_reversed == 400
    with pytest.raises(InvalidRequestError):
        client.transfers.reversals.create(transfer.id, amount=700)


def test_a_payout_needs_funds_and_cancels_only_while_pending(client: Any) -> None:
    with pytest.raises(InvalidRequestError):
        client.payouts.create(amount=1000, currency="usd")
    client.payment_intents.create(
        amount=5000, currency="usd", payment_method="pm_card_bypassPending", confirm=True
    )
    payout = client.payouts.create(amount=1000, currency="usd")
    assert payout.status == "pending" and payout.arrival_date > payout.created
    assert client.payouts.cancel(payout.id).status == "canceled"
    with pytest.raises(InvalidRequestError):
        client.payouts.cancel(payout.id)
