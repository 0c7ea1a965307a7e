"""Lists and search: declared filters applied, Stripe's search query language, cursors."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import InvalidRequestError
from lattice_stripe.testing import FakeStripe

from .conftest import collect


def test_boolean_and_enum_filters_apply(client: Any) -> None:
    live = client.products.create(name="Live")
    archived = client.products.create(name="Old", active=False)
    assert [p.id for p in client.products.list(active=True).data] == [live.id]
    assert [p.id for p in client.products.list(active=False).data] == [archived.id]
    once = client.prices.create(product=live.id, currency="usd", unit_amount=100)
    client.prices.create(product=live.id, currency="usd", unit_amount=100, recurring={"interval": "month"})
    assert [p.id for p in client.prices.list(type="one_time").data] == [once.id]
    assert len(client.prices.list(recurring={"interval": "month"}).data) == 1


def test_created_ranges_apply(client: Any) -> None:
    first, second, third = (client.customers.create() for _ in range(3))
    assert [c.id for c in client.customers.list(created={"gt": first.created}).data] == [third.id, second.id]
    assert [c.id for c in client.customers.list(created={"lte": second.created}).data] == [
        second.id,
        first.id,
    ]
    assert [c.id for c in client.customers.list(created=first.created).data] == [first.id]


def test_limit_out_of_range_and_unknown_cursor_are_refused(client: Any) -> None:
    client.customers.create()
    for bad in (0, 101):
        with pytest.raises(InvalidRequestError) as caught:
            client.customers.list(limit=bad)
        assert caught.value.param == "limit"
    with pytest.raises(InvalidRequestError) as cursor:
        client.customers.list(starting_after="cus_missing")
    assert cursor.value.param == "starting_after"


def test_a_filter_the_fake_cannot_apply_is_not_modelled(client: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.events.list(delivery_success=True)
    assert caught.value.code == "not_modelled"


def _people(client: Any) -> list[Any]:
    return [
        client.customers.create(email="ada@example.com", name="Ada Lovelace", metadata={"tier": "gold"}),
        client.customers.create(email="alan@example.com", name="Alan Turing", metadata={"tier": "free"}),
        client.customers.create(email="grace@example.org", name="Grace Hopper"),
    ]


def _search(client: Any, query: str) -> list[str]:
    return [c.email for c in collect(client, client.customers.search(query=query))]


def test_search_clauses_and_or_negation_and_metadata(client: Any) -> None:
    _people(client)
    assert _search(client, "email:'ada@example.com'") == ["ada@example.com"]
    assert sorted(_search(client, 'email:"ada@example.com" OR email:"alan@example.com"')) == [
        "ada@example.com",
        "alan@example.com",
    ]
    assert _search(client, "name~'Turing' AND metadata['tier']:'free'") == ["alan@example.com"]
    assert sorted(_search(client, "-metadata['tier']:'gold'")) == ["alan@example.com", "grace@example.org"]
    assert _search(client, "email~'example.org'") == ["grace@example.org"]


def test_search_comparisons_on_numbers(client: Any) -> None:
    product = client.products.create(name="P")
    for amount in (100, 500, 900):
        client.payment_intents.create(amount=amount, currency="usd", metadata={"p": product.id})
    found = client.payment_intents.search(query="amount>=500 AND currency:'usd'")
    assert sorted(i.amount for i in found.data) == [500, 900]
    assert [i.amount for i in client.payment_intents.search(query="amount<200").data] == [100]


@pytest.mark.parametrize(
    "query",
    [
        "email:",
        "email:'a' AND",
        "AND email:'a'",
        "email:'a' AND name:'b' OR name:'c'",
        "email~'ab'",
        "nonsense",
        "unknown_field:'x'",
    ],
)
def test_a_malformed_search_query_is_refused(client: Any, query: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.customers.search(query=query)
    assert caught.value.param == "query"


def test_search_pages_follow_next_page(client: Any) -> None:
    for i in range(5):
        client.customers.create(email=f"p{i}@example.com")
    first = client.customers.search(query="email~'example'", limit=2)
    assert len(first.data) == 2 and first.has_more and first.next_page
    second = client.customers.search(query="email~'example'", limit=2, page=first.next_page)
    assert {c.id for c in second.data}.isdisjoint({c.id for c in first.data})
    assert len(collect(client, client.customers.search(query="email~'example'", limit=2))) == 5
    with pytest.raises(InvalidRequestError) as caught:
        client.customers.search(query="email~'example'", page="garbage")
    assert caught.value.param == "page"


def test_unknown_keys_inside_nested_objects_are_refused(client: Any) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        client.customers.create(address={"line1": "1 Main", "postcode": "94107"})
    assert caught.value.param == "address[postcode]"


def test_subscriptions_status_all_lists_canceled_ones_too(fake: FakeStripe, client: Any) -> None:
    from .helpers import monthly, paying_customer

    customer = paying_customer(client)
    sub = client.subscriptions.create(customer=customer.id, items=[{"price": monthly(client).id}])
    client.subscriptions.cancel(sub.id)
    assert client.subscriptions.list().data == []
    assert [s.id for s in client.subscriptions.list(status="all").data] == [sub.id]
    assert [s.id for s in client.subscriptions.list(status="canceled").data] == [sub.id]
