"""Objects live in the fake: create, retrieve, update, list with real pagination, delete, 404."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from lattice_stripe import IdempotencyError, InvalidRequestError, RetryPolicy, StripeClient, models
from lattice_stripe.testing import FakeStripe

from .surface import method


@pytest.fixture
def fake() -> FakeStripe:
    return FakeStripe()


@pytest.fixture
def client(fake: FakeStripe) -> Iterator[StripeClient]:
    with fake.stripe_client(retry_policy=RetryPolicy(initial_delay=0.001, max_delay=0.002)) as c:
        yield c


def _account(client: StripeClient) -> str:
    return client.accounts.create(type="custom", capabilities={"transfers": {"requested": True}}).id


def _customer(client: StripeClient) -> str:
    return client.customers.create().id


RETRIEVED_DELETED = {"customers", "terminal.locations"}


# resource, parent factory (None: top level), create kwargs, update kwargs, field updated, value
FLOWS: list[tuple[str, Callable[[StripeClient], str] | None, dict[str, Any], dict[str, Any], str, Any]] = [
    ("customers", None, {"email": "a@example.com"}, {"name": "Ada"}, "name", "Ada"),
    ("products", None, {"name": "Pro"}, {"description": "Best"}, "description", "Best"),
    (
        "plans",
        None,
        {
            "currency": "usd",
            "interval": "month",
            "amount": 500,
            "product": lambda c: c.products.create(name="P").id,
        },
        {"nickname": "monthly"},
        "nickname",
        "monthly",
    ),
    ("coupons", None, {"percent_off": 10, "duration": "once"}, {"name": "Ten"}, "name", "Ten"),
    (
        "invoiceitems",
        None,
        {"customer": _customer, "amount": 100, "currency": "usd"},
        {"description": "Setup"},
        "description",
        "Setup",
    ),
    (
        "webhook_endpoints",
        None,
        {"url": "https://example.com/hook", "enabled_events": ["*"]},
        {"description": "orders"},
        "description",
        "orders",
    ),
    ("accounts", None, {"type": "standard"}, {"metadata": {"tier": "gold"}}, "metadata", {"tier": "gold"}),
    ("accounts.persons", _account, {"first_name": "Ada"}, {"last_name": "Lovelace"}, "last_name", "Lovelace"),
    (
        "accounts.external_accounts",
        _account,
        {"external_account": "btok_1"},
        {"metadata": {"a": "b"}},
        "metadata",
        {"a": "b"},
    ),
    (
        "terminal.locations",
        None,
        {
            "display_name": "HQ",
            "address": {
                "country": "US",
                "line1": "1 Main",
                "city": "SF",
                "postal_code": "94107",
                "state": "CA",
            },
        },
        {"display_name": "Head office"},
        "display_name",
        "Head office",
    ),
    (
        "radar.value_lists",
        None,
        {"alias": "blocked", "name": "Blocked"},
        {"name": "Blocked emails"},
        "name",
        "Blocked emails",
    ),
    ("customers.tax_ids", _customer, {"type": "eu_vat", "value": "DE123456789"}, {}, "value", "DE123456789"),
]


LIST_ARGS: dict[str, dict[str, Any]] = {}
DELETE_ARGS: dict[str, dict[str, Any]] = {}


@pytest.mark.parametrize("flow", FLOWS, ids=[f[0] for f in FLOWS])
def test_create_retrieve_update_list_delete(
    fake: FakeStripe, client: StripeClient, flow: tuple[Any, ...]
) -> None:
    name, parent_factory, create, update, field, value = flow
    resource = method(client, name)
    parent = (parent_factory(client),) if parent_factory else ()
    kwargs = {k: v(client) if callable(v) else v for k, v in create.items()}
    created = [resource.create(*parent, **kwargs) for _ in range(3)]
    first = created[0]
    assert resource.retrieve(*parent, first.id).id == first.id
    if update:
        assert resource.update(*parent, first.id, **update)[field] == value
    assert resource.retrieve(*parent, first.id)[field] == value
    listing = LIST_ARGS.get(name, {})
    page = resource.list(*parent, limit=2, **listing)
    assert [o.id for o in page.data] == [created[2].id, created[1].id]  # newest first
    assert page.has_more
    assert [o.id for o in page.auto_paging_iter()] == [o.id for o in reversed(created)]
    if hasattr(resource, "delete"):
        deleted = resource.delete(*parent, first.id, **DELETE_ARGS.get(name, {}))
        assert deleted.id == first.id and deleted["deleted"] is True
        if name in RETRIEVED_DELETED:  # Stripe answers these with the deleted object
            assert resource.retrieve(*parent, first.id)["deleted"] is True
        else:
            with pytest.raises(InvalidRequestError) as missing:
                resource.retrieve(*parent, first.id)
            assert missing.value.http_status == 404
            assert missing.value.code == "resource_missing"
        remaining = resource.list(*parent, **listing).auto_paging_iter()
        assert [o.id for o in remaining] == [created[2].id, created[1].id]


def test_at_least_ten_resources_go_the_whole_way() -> None:
    assert len({f[0] for f in FLOWS}) >= 10


def test_auto_paging_a_thousand_customers_yields_each_exactly_once(
    fake: FakeStripe, client: StripeClient
) -> None:
    ids = [client.customers.create(metadata={"n": str(i)}).id for i in range(1000)]
    seen = [c.id for c in client.customers.list(limit=100).auto_paging_iter()]
    assert len(seen) == 1000 and set(seen) == set(ids)
    assert seen == ids[::-1]
    assert sum(1 for r in fake.requests if r.call_path == "customers.list") == 10
    backwards = client.customers.list(limit=7, ending_before=ids[10]).data
    assert [c.id for c in backwards] == ids[17:10:-1]


def test_unknown_ids_answer_404_resource_missing(client: StripeClient) -> None:
    for call in (
        lambda: client.customers.tax_ids.list("cus_nope"),
        lambda: client.charges.retrieve("ch_nope"),
        lambda: client.customers.update("cus_nope", name="x"),
        lambda: client.accounts.login_links.create("acct_nope"),
    ):
        with pytest.raises(InvalidRequestError) as caught:
            call()
        assert (caught.value.http_status, caught.value.code, caught.value.param) == (
            404,
            "resource_missing",
            "id",
        )
        assert "nope" in str(caught.value)


def test_list_filters_on_fields_and_parents(client: StripeClient) -> None:
    a, b = _customer(client), _customer(client)
    for cus in (a, a, b):
        client.invoiceitems.create(customer=cus, amount=100, currency="usd")
    assert [i.customer for i in client.invoiceitems.list(customer=a).data] == [a, a]
    client.customers.tax_ids.create(a, type="eu_vat", value="DE1")
    assert len(client.customers.tax_ids.list(a).data) == 1
    assert client.customers.tax_ids.list(b).data == []


def test_search_finds_by_field_and_metadata(client: StripeClient) -> None:
    client.customers.create(email="a@example.com", metadata={"plan": "pro"})
    target = client.customers.create(email="b@example.com", metadata={"plan": "free"})
    found = client.customers.search(query="email:'b@example.com'")
    assert [c.id for c in found.data] == [target.id]
    assert [c.id for c in client.customers.search(query="metadata['plan']:'free'").data] == [target.id]
    for _ in range(3):
        client.customers.create(email="c@example.com")
    pages = client.customers.search(query="email:'c@example.com'", limit=2)
    assert pages.has_more and len(list(pages.auto_paging_iter())) == 3


def test_expand_returns_the_held_object(client: StripeClient) -> None:
    customer = client.customers.create(email="x@example.com")
    intent = client.payment_intents.create(
        amount=500, currency="usd", customer=customer.id, expand=["customer"]
    )
    assert intent.customer.id == customer.id and intent.customer.email == "x@example.com"
    listed = client.payment_intents.list(expand=["data.customer"]).data[0]
    assert listed.customer.email == "x@example.com"
    assert isinstance(client.payment_intents.retrieve(intent.id).customer, str)


def test_actions_move_status(client: StripeClient) -> None:
    customer = _customer(client)
    invoice = client.invoices.create(customer=customer, auto_advance=False)
    client.invoiceitems.create(customer=customer, amount=700, currency="usd", invoice=invoice.id)
    assert invoice.status == "draft"
    assert client.invoices.finalize(invoice.id).status == "open"
    assert client.invoices.pay(invoice.id, paid_out_of_band=True).status == "paid"
    assert client.invoices.retrieve(invoice.id).status == "paid"


def test_same_idempotency_key_replays_the_first_response(fake: FakeStripe, client: StripeClient) -> None:
    first = client.customers.create(email="a@example.com", idempotency_key="key-1")
    again = client.customers.create(email="a@example.com", idempotency_key="key-1")
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(fake.objects("customer")) == 1
    with pytest.raises(IdempotencyError):
        client.customers.create(email="other@example.com", idempotency_key="key-1")


def test_a_retried_post_creates_one_object(fake: FakeStripe, client: StripeClient) -> None:
    fake.server_error_next("customers.create", should_retry=True)
    customer = client.customers.create(email="a@example.com")
    assert customer.last_response.attempts == 2
    creates = [r for r in fake.requests if r.call_path == "customers.create"]
    assert (
        len(creates) == 2 and creates[0].headers["idempotency-key"] == creates[1].headers["idempotency-key"]
    )
    assert [c["id"] for c in fake.objects("customer")] == [customer.id]


def test_seeding_stripes_own_fixtures(
    fake: FakeStripe, client: StripeClient, fixtures3: dict[str, dict[str, Any]]
) -> None:
    resources = fixtures3
    known = {**models.OBJECT_CLASSES, **models.DELETED_OBJECT_CLASSES}  # preview objects are not
    with_ids = [r for r in resources.values() if isinstance(r.get("id"), str) and r.get("object") in known]
    live = [r for r in with_ids if not r.get("deleted")]
    assert fake.seed_objects(with_ids) == len(live) > 100
    charge = client.charges.retrieve(resources["charge"]["id"], expand=["customer"])
    assert charge.amount == resources["charge"]["amount"]
    assert client.customers.retrieve(resources["customer"]["id"]).to_dict() == resources["customer"]
    with pytest.raises(ValueError, match="known object type"):
        fake.seed_objects([{"id": "x_1", "object": "not_a_thing"}])


def test_seeded_objects_are_served(fake: FakeStripe, client: StripeClient) -> None:
    seeded = fake.seed("customer", {"email": "seed@example.com", "metadata": {"from": "fixture"}})
    fetched = client.customers.retrieve(seeded["id"])
    assert fetched.email == "seed@example.com" and fetched.metadata == {"from": "fixture"}
    assert fetched.id.startswith("cus_")


def test_objects_live_in_the_account_that_created_them(fake: FakeStripe, client: StripeClient) -> None:
    account = client.accounts.create(type="standard").id
    connected = client.with_options(stripe_account=account)
    mine = connected.customers.create(email="shop@example.com")
    platform = client.customers.create(email="platform@example.com")
    assert connected.customers.retrieve(mine.id).email == "shop@example.com"
    assert client.customers.retrieve(mine.id, stripe_account=account).id == mine.id
    with pytest.raises(InvalidRequestError) as caught:
        client.customers.retrieve(mine.id)  # forgot stripe_account: Stripe answers 404 too
    assert caught.value.code == "resource_missing"
    assert [c.id for c in connected.customers.list().data] == [mine.id]
    assert [c.id for c in client.customers.list().data] == [platform.id]
    assert connected.accounts.retrieve(account).id == account  # the account itself is the platform's
