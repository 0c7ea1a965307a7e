"""Auto-paging a list of charges from the bench server: time, and peak traced memory.

Each side walks ``items`` charges, ``limit`` per page, keeping none of them (what an export
or a sync job does): ours ``client.charges.list(limit=...).auto_paging_iter()``, the
official package's ``auto_paging_iter()``, and the raw floor, an httpx loop that follows
``starting_after`` with ``json.loads``. Peak memory is ``tracemalloc``'s peak over the
walk, so a page (or a response) kept alive too long shows up as a higher peak.
"""

from __future__ import annotations

import gc
import itertools
import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

API_KEY = "sk_test_" + "b" * 24
HEADERS = {"Authorization": f"Bearer {API_KEY}", "Stripe-Version": "2026-05-27.dahlia"}

Walker = Callable[[int, int], Iterator[Any]]  # (limit, items) -> the items


def walkers(url: str) -> dict[str, Walker]:
    import httpx

    from bench.run import _official
    from lattice_stripe import StripeClient

    raw_http = httpx.Client(base_url=url, headers=HEADERS)

    def raw(limit: int, items: int) -> Iterator[Any]:
        params: dict[str, Any] = {"limit": limit}
        while True:
            page = json.loads(raw_http.get("/v1/charges", params=params).content)
            yield from page["data"]
            if not page["has_more"]:
                return
            params["starting_after"] = page["data"][-1]["id"]

    ours_client = StripeClient(API_KEY, base_url=url)
    sides: dict[str, Walker] = {
        "raw": raw,
        "ours": lambda limit, items: ours_client.charges.list(limit=limit).auto_paging_iter().__iter__(),
    }
    stripe = _official()
    if stripe is not None:
        official = stripe.StripeClient(API_KEY, base_addresses={"api": url, "files": url})
        sides["official"] = lambda limit, items: iter(
            official.v1.charges.list(params={"limit": limit}).auto_paging_iter()
        )
    return sides


def walk(walker: Walker, limit: int, items: int) -> int:
    count = 0
    for _ in itertools.islice(walker(limit, items), items):
        count += 1
    assert count == items, count
    return count


def seconds(walker: Walker, limit: int, items: int) -> float:
    gc.collect()
    start = time.perf_counter()
    walk(walker, limit, items)
    return time.perf_counter() - start


def peak_bytes(walker: Walker, limit: int, items: int) -> float:
    walk(walker, limit, min(items, limit * 2))  # warm: pools, lazy imports, compiled hooks
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        walk(walker, limit, items)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
