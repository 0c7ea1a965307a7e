"""Auto-paging over a server holding 1,050 objects: every item exactly once, no page twice."""

from __future__ import annotations

from collections import Counter

import pytest

from lattice_stripe import InvalidArgumentError, InvalidRequestError, ListObject
from lattice_stripe.models import Customer
from tests.stripe_server import Recorded, Reply, StripeServer

TOTAL = 1050
# Newest first, as Stripe lists them.
IDS = [f"cus_{n:05d}" for n in range(TOTAL, 0, -1)]


def list_handler(req: Recorded) -> Reply:
    """A faithful cursor list: starting_after / ending_before / limit over IDS."""
    q = dict(req.query)
    limit = int(q.get("limit", 10))
    if "starting_after" in q:
        start = IDS.index(q["starting_after"]) + 1
        window = IDS[start : start + limit]
        has_more = start + limit < TOTAL
    elif "ending_before" in q:
        end = IDS.index(q["ending_before"])
        window = IDS[max(0, end - limit) : end]
        has_more = end - limit > 0
    else:
        window = IDS[:limit]
        has_more = limit < TOTAL
    data = [{"id": i, "object": "customer"} for i in window]
    return Reply(json={"object": "list", "data": data, "has_more": has_more, "url": "/v1/customers"})


def search_handler(req: Recorded) -> Reply:
    q = dict(req.query)
    offset = int(q.get("page", "0"))
    window = IDS[offset : offset + 100]
    more = offset + 100 < TOTAL
    return Reply(
        json={
            "object": "search_result",
            "data": [{"id": i, "object": "customer"} for i in window],
            "has_more": more,
            "next_page": str(offset + 100) if more else None,
            "url": "/v1/customers/search",
        }
    )


def cursors(server: StripeServer, name: str) -> list[str | None]:
    return [dict(r.query).get(name) for r in server.requests]


def test_sync_auto_paging_yields_every_object_once(client, server: StripeServer) -> None:
    server.handler = list_handler
    page = client.customers.list(limit=100, email="a@b.c", stripe_account="acct_1")
    assert isinstance(page, ListObject) and isinstance(page.data[0], Customer)
    ids = [c.id for c in page.auto_paging_iter()]
    assert ids == IDS  # every item, in order, none twice
    assert len(server.requests) == 11  # ceil(1050 / 100): no page fetched twice
    pages = cursors(server, "starting_after")
    assert pages[0] is None and len(set(pages)) == 11
    # limit, filters and per-request options carry over to every page
    assert all(dict(r.query)["limit"] == "100" and dict(r.query)["email"] == "a@b.c" for r in server.requests)
    assert all(r.header("stripe-account") == "acct_1" for r in server.requests)


async def test_async_auto_paging_yields_every_object_once(aclient, server: StripeServer) -> None:
    server.handler = list_handler
    page = await aclient.customers.list(limit=100)
    ids = [c.id async for c in page.auto_paging_iter()]
    assert ids == IDS
    assert len(server.requests) == 11


def test_default_page_size_follows_the_server(client, server: StripeServer) -> None:
    server.handler = list_handler
    ids = list(c.id for c in client.customers.list().auto_paging_iter())
    assert Counter(ids) == Counter(IDS) and len(server.requests) == 105


def test_ending_before_pages_backwards(client, server: StripeServer) -> None:
    server.handler = list_handler
    page = client.customers.list(limit=100, ending_before=IDS[500])
    ids = [c.id for c in page.auto_paging_iter()]
    assert ids == IDS[:500][::-1]  # moving away from the cursor, nothing skipped
    assert all(dict(r.query).get("starting_after") is None for r in server.requests)
    assert len(server.requests) == 5


def test_starting_after_resumes_forward(client, server: StripeServer) -> None:
    server.handler = list_handler
    ids = [c.id for c in client.customers.list(limit=250, starting_after=IDS[99]).auto_paging_iter()]
    assert ids == IDS[100:]


def test_fetch_next_page_walks_one_page_at_a_time(client, server: StripeServer) -> None:
    server.handler = list_handler
    page = client.customers.list(limit=500)
    second = page.fetch_next_page()
    third = second.fetch_next_page()
    assert [len(p.data) for p in (page, second, third)] == [500, 500, 50]
    assert third.fetch_next_page() is None
    assert len(server.requests) == 3


def test_search_follows_next_page(client, server: StripeServer) -> None:
    server.handler = search_handler
    result = client.customers.search(query="email:'a@b.c'")
    ids = [c.id for c in result.auto_paging_iter()]
    assert ids == IDS
    assert cursors(server, "page") == [None, *[str(n) for n in range(100, TOTAL, 100)]]
    assert all(dict(r.query)["query"] == "email:'a@b.c'" for r in server.requests)


async def test_async_search_follows_next_page(aclient, server: StripeServer) -> None:
    server.handler = search_handler
    result = await aclient.customers.search(query="x")
    assert [c.id async for c in result.auto_paging_iter()] == IDS
    assert len(server.requests) == 11


def test_a_failing_page_raises_and_keeps_what_was_yielded(client, server: StripeServer) -> None:
    server.reply(
        Reply(
            json={
                "object": "list",
                "data": [{"id": "cus_a", "object": "customer"}],
                "has_more": True,
                "url": "/v1/customers",
            }
        ),
        *[Reply(400, {"error": {"type": "invalid_request_error", "message": "bad cursor"}})],
    )
    seen = []
    with pytest.raises(InvalidRequestError, match="bad cursor"):
        for customer in client.customers.list().auto_paging_iter():
            seen.append(customer.id)
    assert seen == ["cus_a"]


def test_a_list_embedded_in_a_response_cannot_page_silently(client, server: StripeServer) -> None:
    lines = {"object": "list", "data": [{"id": "il_1", "object": "line_item"}], "has_more": True}
    server.reply(
        Reply(json={"id": "in_1", "object": "invoice", "lines": {**lines, "url": "/v1/invoices/in_1/lines"}})
    )
    invoice = client.invoices.retrieve("in_1")
    assert isinstance(invoice.lines, ListObject) and invoice.lines.data[0].id == "il_1"
    with pytest.raises(InvalidArgumentError, match="not returned by a client call"):
        list(invoice.lines.auto_paging_iter())
    with pytest.raises(InvalidArgumentError, match="not returned by a client call"):
        invoice.lines.fetch_next_page()
    assert len(server.requests) == 1  # nothing was fetched from the embedded list's url
    assert list(ListObject(data=[1, 2], has_more=False).auto_paging_iter()) == [1, 2]


def test_expand_is_carried_to_every_page(client, server: StripeServer) -> None:
    server.handler = list_handler
    page = client.customers.list(limit=300, expand=["data.default_source"])
    assert len([c.id for c in page.auto_paging_iter()]) == TOTAL
    assert len(server.requests) == 4
    for request in server.requests:
        assert [v for k, v in request.query if k == "expand[]"] == ["data.default_source"]


async def test_afetch_next_page_walks_one_page_at_a_time(aclient, server: StripeServer) -> None:
    server.handler = list_handler
    page = await aclient.customers.list(limit=500)
    second = await page.afetch_next_page()
    third = await second.afetch_next_page()
    assert [c.id for p in (page, second, third) for c in p.data] == IDS
    assert await third.afetch_next_page() is None
    assert cursors(server, "starting_after") == [None, IDS[499], IDS[999]]


async def test_async_ending_before_pages_backwards(aclient, server: StripeServer) -> None:
    server.handler = list_handler
    page = await aclient.customers.list(limit=100, ending_before=IDS[500])
    assert [c.id async for c in page.auto_paging_iter()] == IDS[:500][::-1]
    assert all(dict(r.query).get("starting_after") is None for r in server.requests)
    assert cursors(server, "ending_before") == [IDS[500], *[IDS[n] for n in range(400, 0, -100)]]


def test_a_sync_page_refuses_async_iteration_clearly(client, server: StripeServer) -> None:
    server.handler = list_handler
    page = client.customers.list(limit=1)
    with pytest.raises(InvalidArgumentError, match="fetch_next_page"):

        async def drain() -> None:
            async for _ in page.auto_paging_iter():
                pass

        import asyncio

        asyncio.run(drain())
