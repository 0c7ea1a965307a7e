"""A finished response is freed as soon as the SDK drops it (no reference cycle left for
the GC), so auto-paging never holds more than the page being read."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import httpx
import pytest

from lattice_stripe import StripeClient
from tests.stripe_server import Recorded, Reply, StripeServer

KEY = "sk_test_51ReleaseKey0000abcd"


@pytest.fixture
def gc_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def watched_client(server: StripeServer, refs: list[weakref.ref[httpx.Response]]) -> StripeClient:
    http = httpx.Client(event_hooks={"response": [lambda response: refs.append(weakref.ref(response))]})
    return StripeClient(KEY, base_url=server.url, http_client=http)


def pages(req: Recorded) -> Reply:
    after = dict(req.query).get("starting_after")
    start = int(after.removeprefix("cus_")) + 1 if after else 0
    data = [{"id": f"cus_{n}", "object": "customer"} for n in range(start, start + 5)]
    return Reply(json={"object": "list", "data": data, "has_more": start < 95, "url": "/v1/customers"})


def test_a_response_is_freed_without_the_gc(server: StripeServer, gc_off: None) -> None:
    refs: list[weakref.ref[httpx.Response]] = []
    server.reply(Reply(json={"id": "cus_1", "object": "customer"}))
    customer = watched_client(server, refs).customers.retrieve("cus_1")
    assert customer.id == "cus_1" and customer.last_response.status_code == 200
    assert len(refs) == 1 and refs[0]() is None


def test_auto_paging_keeps_no_dead_response(server: StripeServer, gc_off: None) -> None:
    refs: list[weakref.ref[httpx.Response]] = []
    server.handler = pages
    alive = []
    for customer in watched_client(server, refs).customers.list(limit=5).auto_paging_iter():
        alive.append(sum(ref() is not None for ref in refs))
        last = customer.id
    assert last == "cus_99" and len(refs) == 20
    assert max(alive) == 0
