"""What users feel: cold processes from a wheel, async throughput, auto-paging, long lists.

Each row holds samples per side; the report shows min / median / max, and each target is
checked on the ratio of medians (the sides take turns, so noise hits them alike).
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import async_load, cold, paging
from bench.fixtures import list_page

Samples = dict[str, list[float]]


def _row(
    metric: str,
    samples: Samples,
    unit: str,
    target: str = "",
    check: Callable[[dict[str, float]], bool] | None = None,
) -> dict[str, Any]:
    med = {side: statistics.median(v) for side, v in samples.items() if v}
    ok = None
    if check is not None:
        try:
            ok = check(med)
        except KeyError:  # a side is missing (the bench extra is not installed)
            ok = None
    return {"metric": metric, "unit": unit, "samples": samples, "median": med, "target": target, "ok": ok}


def cold_rows(runs: int, url: str, wheel: bool) -> list[dict[str, Any]]:
    interpreter = cold.ensure_venv() if wheel else Path(sys.executable)  # --quick: no wheel build
    official = cold.official_installed(interpreter)
    imports = {k: v for k, v in cold.IMPORTS.items() if k != "official" or official}
    gets = {k: v for k, v in cold.GETS.items() if k != "official" or official}
    import_wall, import_cpu = cold.measure(interpreter, imports, runs)
    get_wall, get_cpu = cold.measure(interpreter, gets, runs, url)
    return [
        _row(
            "cold import + StripeClient() (ms)",
            import_wall,
            "ms",
            "ours <= 0.25x official",
            lambda m: m["ours"] <= 0.25 * m["official"],
        ),
        _row("  same, child CPU (ms)", import_cpu, "ms"),
        _row(
            "cold process: client + 1 GET (ms)",
            get_wall,
            "ms",
            "ours <= 1.1x raw",
            lambda m: m["ours"] <= 1.1 * m["raw"],
        ),
        _row("  same, child CPU (ms)", get_cpu, "ms"),
    ]


def async_rows(url: str, requests: int, rounds: int) -> list[dict[str, Any]]:
    rows = []
    for concurrency in (20, 100):
        out = async_load.run(url, requests, concurrency, rounds)
        rates = {side: samples[0] for side, samples in out.items()}
        cpus = {side: samples[1] for side, samples in out.items()}
        rows.append(
            _row(
                f"async GETs, {concurrency} in flight (req/s)",
                rates,
                "req/s",
                "ours >= 5x official, >= 0.5x raw aiohttp",
                lambda m: m["ours"] >= 5 * m["official"] and m["ours"] >= 0.5 * m["raw aiohttp"],
            )
        )
        rows.append(
            _row(
                f"  client CPU per request, {concurrency} (us)",
                cpus,
                "us",
                "ours <= 2x raw aiohttp",
                lambda m: m["ours"] <= 2 * m["raw aiohttp"],
            )
        )
    return rows


def paging_rows(url: str, items: int, rounds: int) -> list[dict[str, Any]]:
    walkers = paging.walkers(url)
    times: Samples = {side: [] for side in walkers}
    peaks: Samples = {side: [] for side in walkers}
    for _ in range(rounds):
        for side, walker in walkers.items():
            times[side].append(paging.seconds(walker, 100, items) * 1000)
            peaks[side].append(paging.peak_bytes(walker, 100, items) / 1e6)
    # Flat in pages: 10 per page, items/100 pages, then items/10 pages (100 and 1,000).
    ours = walkers["ours"]
    flat = {
        f"{n // 10:,} pages": [paging.peak_bytes(ours, 10, n) / 1e6 for _ in range(rounds)]
        for n in (items // 10, items)
    }
    first, second = flat
    return [
        _row(f"auto-paging {items:,} charges (ms)", times, "ms"),
        _row(
            "  peak traced memory (MB)",
            peaks,
            "MB",
            "ours <= 1.5x raw loop",
            lambda m: m["ours"] <= 1.5 * m["raw"],
        ),
        _row(
            "  ours, 10 per page: peak (MB)",
            flat,
            "MB",
            "flat in pages (+25% or +0.1 MB at most)",
            lambda m: m[second] <= max(1.25 * m[first], m[first] + 0.1),
        ),
    ]


def list_rows(sizes: tuple[int, ...], rounds: int) -> list[dict[str, Any]]:
    """bytes -> page of charges, µs per object, for lists of each size."""
    from bench.run import _official
    from lattice_stripe._runtime.objects import shapes

    structure = shapes.ListPage(shapes.Model("Charge")).structurer()
    stripe = _official()
    builders: dict[str, Callable[[bytes], Any]] = {
        "raw": json.loads,
        "ours": lambda body: structure(json.loads(body)),
    }
    if stripe is not None:
        builders["official"] = lambda body: stripe.ListObject.construct_from(json.loads(body), "sk_test_x")
    rows = []
    per_size: dict[str, Samples] = {}
    for size in sizes:
        body = list_page(0, size, size)
        samples: Samples = {side: [] for side in builders}
        for build in builders.values():
            build(body)  # warm
        for _ in range(rounds):
            for side, build in builders.items():
                gc.collect()
                start = time.perf_counter()
                kept = build(body)
                samples[side].append((time.perf_counter() - start) / size * 1e6)
                del kept
        per_size[str(size)] = samples
        rows.append(_row(f"list of {size:,} charges, bytes->objects (us/object)", samples, "us"))
    smallest, largest = str(sizes[0]), str(sizes[-1])
    growth = {
        side: [b / a for a, b in zip(per_size[smallest][side], per_size[largest][side], strict=True)]
        for side in builders
    }
    rows.append(
        _row(
            f"  cost per object, {largest} vs {smallest} (x)",
            growth,
            "x",
            "ours flat (<= 1.5x)",
            lambda m: m["ours"] <= 1.5,
        )
    )
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    lines = []
    for row in rows:
        status = {True: "ok", False: "MISS", None: ""}[row["ok"]]
        lines.append(f"{row['metric']}  {row['target']} {status}".rstrip())
        for side, values in row["samples"].items():
            if values:
                lo, med, hi = min(values), statistics.median(values), max(values)
                digits = 2 if row["unit"] in ("MB", "x") else 1
                lines.append(f"    {side:24} {med:10.{digits}f}   (min {lo:.{digits}f}, max {hi:.{digits}f})")
    return "\n".join(lines)
