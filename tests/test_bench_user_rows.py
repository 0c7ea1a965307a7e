"""The "what users feel" benchmark rows keep producing numbers for every side.

Benchmarks are not tests: no threshold is checked here, only that each measurement runs
end to end (tiny sizes, this interpreter instead of a wheel venv) and yields samples.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench import user
from bench.run import _start_server


@pytest.fixture(scope="module")
def bench_url() -> Iterator[str]:
    server, url = _start_server()
    try:
        yield url
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)


def assert_sampled(rows: list[dict], sides: set[str]) -> None:
    for row in rows:
        assert sides <= set(row["samples"]) or row["unit"] == "MB", row["metric"]
        for side, values in row["samples"].items():
            assert values and all(v > 0 for v in values), (row["metric"], side)
        assert row["metric"] in user.render(rows)


def test_async_rows_cover_every_transport(bench_url: str) -> None:
    rows = user.async_rows(bench_url, requests=30, rounds=1)
    assert_sampled(rows, {"ours", "ours (httpx transport)", "raw httpx", "raw aiohttp"})


def test_paging_rows_walk_every_side(bench_url: str) -> None:
    rows = user.paging_rows(bench_url, items=200, rounds=1)
    assert_sampled(rows[:2], {"raw", "ours"})
    assert set(rows[2]["samples"]) == {"2 pages", "20 pages"}


def test_list_rows_and_cold_rows(bench_url: str) -> None:
    assert_sampled(user.list_rows((5, 50), rounds=1), {"raw", "ours"})
    assert_sampled(user.cold_rows(1, bench_url, wheel=False), {"ours", "raw"})
