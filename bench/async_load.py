"""Async GETs at a fixed concurrency: requests per second and client CPU per request.

Every side fetches ``/v1/charges/ch_1?expand[]=customer`` (the 2.4 KB charge) from the
bench server in another process, with ``concurrency`` tasks in flight, and decodes it
into what that side hands its user (a model, or a dict for the raw floors):

- ours: ``AsyncStripeClient`` as users get it (aiohttp's pool when the extra is
  installed), and over httpx's own transport (``http_client=httpx.AsyncClient()``);
- official: ``stripe.StripeClient`` with its default async client (httpx) and with its
  ``AIOHTTPClient``;
- raw: ``httpx.AsyncClient`` + ``json.loads``, and ``aiohttp`` + ``json.loads``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

API_KEY = "sk_test_" + "b" * 24
PATH = "/v1/charges/ch_1?expand%5B%5D=customer"
HEADERS = {"Authorization": f"Bearer {API_KEY}", "Stripe-Version": "2026-05-27.dahlia"}

Factory = Callable[[str], Awaitable[tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]]]


async def _ours(
    url: str, *, fast: bool
) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
    import httpx

    from lattice_stripe import AsyncStripeClient

    http = None if fast else httpx.AsyncClient(limits=httpx.Limits(max_connections=100))
    client = AsyncStripeClient(API_KEY, base_url=url, http_client=http)

    async def close() -> None:
        await client.aclose()
        if http is not None:
            await http.aclose()

    return lambda: client.charges.retrieve("ch_1", expand=["customer"]), close


async def _official(
    url: str, *, fast: bool
) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
    import stripe
    from stripe._http_client import AIOHTTPClient, HTTPXClient

    http = AIOHTTPClient() if fast else HTTPXClient()
    client = stripe.StripeClient(API_KEY, base_addresses={"api": url, "files": url}, http_client=http)

    async def close() -> None:
        await http.close_async()

    return lambda: client.v1.charges.retrieve_async("ch_1", params={"expand": ["customer"]}), close


async def _raw_httpx(url: str) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
    import httpx

    http = httpx.AsyncClient(base_url=url, headers=HEADERS, limits=httpx.Limits(max_connections=100))

    async def get() -> Any:
        return json.loads((await http.get(PATH)).content)

    return get, http.aclose


async def _raw_aiohttp(url: str) -> tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[None]]]:
    import aiohttp

    session = aiohttp.ClientSession(url, headers=HEADERS)

    async def get() -> Any:
        async with session.get(PATH) as response:
            return json.loads(await response.read())

    return get, session.close


SIDES: dict[str, Factory] = {
    "ours": lambda url: _ours(url, fast=True),
    "ours (httpx transport)": lambda url: _ours(url, fast=False),
    "official": lambda url: _official(url, fast=False),
    "official (aiohttp)": lambda url: _official(url, fast=True),
    "raw httpx": _raw_httpx,
    "raw aiohttp": _raw_aiohttp,
}


async def _load(call: Callable[[], Awaitable[Any]], requests: int, concurrency: int) -> tuple[float, float]:
    """(requests per second, client CPU µs per request) for ``requests`` calls."""
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return requests / wall, cpu / requests * 1e6


async def measure(
    url: str, sides: list[str], requests: int, concurrency: int, rounds: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Per side, (req/s samples, CPU µs samples); sides take turns within each round."""
    calls = {}
    closers = []
    for side in sides:
        call, close = await SIDES[side](url)
        calls[side] = call
        closers.append(close)
    try:
        for call in calls.values():  # warm up: pools, lazy imports, compiled hooks
            await _load(call, max(concurrency, 50), concurrency)
        out: dict[str, tuple[list[float], list[float]]] = {side: ([], []) for side in sides}
        for r in range(rounds):
            order = sides[r % len(sides) :] + sides[: r % len(sides)]
            for side in order:
                rate, cpu = await _load(calls[side], requests, concurrency)
                out[side][0].append(rate)
                out[side][1].append(cpu)
        return out
    finally:
        for close in closers:
            await close()


def available(side: str) -> bool:
    import importlib.util

    needs = {"official": "stripe", "official (aiohttp)": "stripe", "raw aiohttp": "aiohttp"}
    need = needs.get(side)
    extra = side == "official (aiohttp)" and importlib.util.find_spec("aiohttp") is None
    return (need is None or importlib.util.find_spec(need) is not None) and not extra


def run(url: str, requests: int, concurrency: int, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    sides = [side for side in SIDES if available(side)]
    return asyncio.run(measure(url, sides, requests, concurrency, rounds))
