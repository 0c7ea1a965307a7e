"""Sync and async pages are different types: the wrong loop is a type error, not a runtime surprise.

``mypy --strict`` checks a script against the installed package and must fail on exactly the
lines it marks; at run time each client returns its own page type (async pages are still
``ListObject`` / ``SearchResult`` instances, so ``isinstance`` checks keep working) and the
wrong loop still raises for untyped callers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import lattice_stripe
from lattice_stripe import (
    AsyncListObject,
    AsyncSearchResult,
    AsyncStripeClient,
    InvalidArgumentError,
    ListObject,
    SearchResult,
    StripeClient,
)
from lattice_stripe.models import Customer
from tests.stripe_server import Reply, StripeServer

SCRIPT = Path(__file__).resolve().parent / "typing_scripts" / "page_flavours.py"


def test_mypy_refuses_the_wrong_loop_on_each_page_type(tmp_path: Path, mypy_cache: Path) -> None:
    (tmp_path / SCRIPT.name).write_text(SCRIPT.read_text())
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(mypy_cache), SCRIPT.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    marked = {
        n for n, line in enumerate(SCRIPT.read_text().splitlines(), start=1) if line.endswith("# error")
    }
    found = {int(n) for n in re.findall(rf"^{SCRIPT.name}:(\d+): error:", result.stdout, re.MULTILINE)}
    assert len(marked) == 7
    assert found == marked, output


def test_the_page_types_are_exported_beside_list_object() -> None:
    names = ("ListObject", "SearchResult", "AsyncListObject", "AsyncSearchResult")
    assert {name: getattr(lattice_stripe, name).__module__ for name in names} == dict.fromkeys(
        names, "lattice_stripe._runtime.objects.pages"
    )
    assert issubclass(AsyncListObject, ListObject) and issubclass(AsyncSearchResult, SearchResult)


def _customers(*ids: str, more: bool) -> dict[str, Any]:
    data = [{"object": "customer", "id": i} for i in ids]
    return {"object": "list", "url": "/v1/customers", "has_more": more, "data": data}


def _search(*ids: str, next_page: str | None) -> dict[str, Any]:
    data = [{"object": "customer", "id": i} for i in ids]
    return {
        "object": "search_result",
        "url": "/v1/customers/search",
        "has_more": next_page is not None,
        "next_page": next_page,
        "data": data,
    }


def test_a_sync_client_returns_sync_pages(server: StripeServer) -> None:
    server.reply(
        Reply(json=_customers("cus_1", more=True)),
        Reply(json=_customers("cus_2", more=False)),
        Reply(json=_search("cus_3", next_page=None)),
    )
    with StripeClient("sk_test_1", base_url=server.url) as client:
        page = client.customers.list(limit=1)
        assert type(page) is ListObject and type(page.data[0]) is Customer
        assert [c.id for c in page.auto_paging_iter()] == ["cus_1", "cus_2"]
        assert type(client.customers.search(query="x")) is SearchResult


async def test_an_async_client_returns_async_pages_that_page_with_async_for(server: StripeServer) -> None:
    server.reply(
        Reply(json=_customers("cus_1", more=True)),
        Reply(json=_customers("cus_2", more=True)),
        Reply(json=_customers("cus_3", more=False)),
        Reply(json=_search("cus_4", next_page="p2")),
        Reply(json=_search("cus_5", next_page=None)),
    )
    async with AsyncStripeClient("sk_test_1", base_url=server.url) as client:
        page = await client.customers.list(limit=1, email="a@b.c")
        assert type(page) is AsyncListObject and isinstance(page, ListObject)
        second = await page.fetch_next_page()
        assert type(second) is AsyncListObject and [c.id for c in second] == ["cus_2"]
        assert [c.id async for c in second.auto_paging_iter()] == ["cus_2", "cus_3"]
        found = await client.customers.search(query="email:'a@b.c'")
        assert type(found) is AsyncSearchResult
        assert [c.id async for c in found.auto_paging_iter()] == ["cus_4", "cus_5"]
    sent = [dict(r.query) for r in server.requests]
    assert sent[1] == {"limit": "1", "email": "a@b.c", "starting_after": "cus_1"}
    assert sent[2] == {"limit": "1", "email": "a@b.c", "starting_after": "cus_2"}
    assert sent[4]["page"] == "p2"


async def test_embedded_lists_and_raw_responses_keep_their_types(server: StripeServer) -> None:
    invoice = {
        "object": "invoice",
        "id": "in_1",
        "lines": {**_customers(more=False), "url": "/v1/invoices/in_1/lines"},
    }
    server.reply(Reply(json=invoice), Reply(json=_customers("cus_1", more=False)))
    async with AsyncStripeClient("sk_test_1", base_url=server.url) as client:
        fetched = await client.invoices.retrieve("in_1")
        assert type(fetched.lines) is ListObject  # embedded: not a page the client fetched
        raw = await client.customers.with_raw_response.list()
        assert type(raw.parse()) is AsyncListObject


@pytest.mark.parametrize(
    ("flavour", "loop", "message"),
    [("sync", "async for", "came from a StripeClient"), ("async", "for", "came from an AsyncStripeClient")],
)
async def test_the_wrong_loop_still_raises_for_untyped_callers(
    server: StripeServer, flavour: str, loop: str, message: str
) -> None:
    server.reply(Reply(json=_customers("cus_1", more=False)))
    if flavour == "sync":
        with StripeClient("sk_test_1", base_url=server.url) as client:
            pager: Any = client.customers.list().auto_paging_iter()
    else:
        async with AsyncStripeClient("sk_test_1", base_url=server.url) as aclient:
            pager = (await aclient.customers.list()).auto_paging_iter()
    with pytest.raises(InvalidArgumentError, match=message):
        if loop == "for":
            list(pager)
        else:
            [item async for item in pager]


@pytest.mark.parametrize("method", ["list", "search"])
def test_the_drift_check_reads_async_pages_as_the_mirror_of_sync_ones(method: str) -> None:
    import inspect

    from codegen import surface
    from lattice_stripe.resources.customers import AsyncCustomers, Customers

    sync, async_ = (getattr(cls, method) for cls in (Customers, AsyncCustomers))
    assert inspect.signature(async_).return_annotation == "Async" + inspect.signature(sync).return_annotation
    assert surface._operation(AsyncCustomers, method, async_) == surface._operation(Customers, method, sync)
