"""Side-by-side benchmarks: lattice_stripe vs the official ``stripe`` package vs a raw floor.

    python -m bench.run [--quick] [--rounds N] [--json PATH]

1. client CPU per GET against a local server in another process (``time.process_time``
   in this process, which runs no server threads, so only client work is counted);
2. bytes -> object for one charge, against ``json.loads`` alone;
3. memory retained per charge object (tracemalloc), against the decoded dict;
4. import time in fresh interpreters (``-X importtime``, cumulative for the package);
5. what users feel (:mod:`bench.user`): cold processes from a wheel install (import +
   construction; client + one GET), async GETs at 20 and 100 in flight (default and fast
   transport, the official package's two, raw httpx and raw aiohttp), auto-paging 10,000
   charges (time, peak memory, flatness in pages), and lists of 10 / 1,000 / 10,000.

Every measurement is repeated; the table shows medians, and ratios are medians of
per-round ratios (the sides take turns within a round), which keeps machine noise out.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench.metering
import bench.router
from bench import user
from bench.fixtures import ROOT, charge, charge_bytes

API_KEY = "sk_test_" + "b" * 24
PATH = "/v1/charges/ch_1"
SIDES = ("raw", "ours", "official")
# (rounds, GET requests per round, structurings per round, objects kept, import runs)
FULL = (9, 600, 2000, 200, 9)
QUICK = (1, 20, 50, 10, 1)
# What users feel: (cold runs, async requests per round, async rounds, paged items,
# paging rounds, list sizes, list rounds, build a wheel venv)
USER_FULL = (9, 500, 5, 10_000, 3, (10, 1_000, 10_000), 5, True)
USER_QUICK = (1, 40, 1, 1_000, 1, (10, 100), 1, False)

Samples = dict[str, list[float]]


def _official() -> Any:
    try:
        import stripe
    except ImportError:  # the bench extra is not installed: compare with the floor only
        return None
    return stripe


# -- 1. client CPU per GET ---------------------------------------------------------------


def _start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    if not port:
        raise SystemExit("bench server did not start")
    return proc, f"http://127.0.0.1:{port}"


def _get_callers(url: str) -> dict[str, Callable[[], Any]]:
    import httpx

    from lattice_stripe import StripeClient

    raw = httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {API_KEY}", "Stripe-Version": "2026-05-27.dahlia"}
    )
    ours = StripeClient(API_KEY, base_url=url, files_base_url=url)
    callers: dict[str, Callable[[], Any]] = {
        "raw": lambda: json.loads(raw.get(PATH + "?expand%5B%5D=customer").content),
        "ours": lambda: ours.charges.retrieve("ch_1", expand=["customer"]),
    }
    stripe = _official()
    if stripe is not None:
        official = stripe.StripeClient(API_KEY, base_addresses={"api": url, "files": url})
        callers["official"] = lambda: official.v1.charges.retrieve("ch_1", params={"expand": ["customer"]})
    customer = charge()["customer"]["id"]
    for side, call in callers.items():  # warm up (pools, lazy imports, compiled hooks) and check
        for _ in range(20):
            result = call()
        got = result["customer"]["id"] if side == "raw" else result.customer.id
        assert got == customer, (side, got)
    return callers


def _per_call(fn: Callable[[], Any], n: int) -> tuple[float, float]:
    """Total (CPU s, wall s) of ``n`` calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(n):
        fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def _interleaved(
    fns: dict[str, Callable[[], Any]], n: int, rounds: int, chunk: int = 50
) -> tuple[Samples, Samples]:
    """Per round, (CPU µs, wall µs) per call of each side; sides take turns in chunks, so a
    noisy moment on the machine hits all of them alike."""
    cpu: Samples = {side: [] for side in fns}
    wall: Samples = {side: [] for side in fns}
    order = list(fns)
    size = min(n, chunk)
    chunks = max(1, n // size)
    for r in range(rounds):
        gc.collect()
        totals = {side: [0.0, 0.0] for side in fns}
        for _ in range(chunks):
            for side in order[r % len(order) :] + order[: r % len(order)]:  # rotate who goes first
                c, w = _per_call(fns[side], size)
                totals[side][0] += c
                totals[side][1] += w
        for side, (c, w) in totals.items():
            cpu[side].append(c / (chunks * size) * 1e6)
            wall[side].append(w / (chunks * size) * 1e6)
    return cpu, wall


def bench_get(rounds: int, n: int) -> tuple[Samples, Samples]:
    server, url = _start_server()
    try:
        return _interleaved(_get_callers(url), n, rounds)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)


# -- 2. bytes -> objects, 3. retained memory -----------------------------------------------


def _builders() -> dict[str, Callable[[bytes], Any]]:
    from lattice_stripe.models import Charge

    builders: dict[str, Callable[[bytes], Any]] = {
        "raw": json.loads,
        "ours": lambda body: Charge.from_dict(json.loads(body)),
    }
    stripe = _official()
    if stripe is not None:
        builders["official"] = lambda body: stripe.Charge.construct_from(json.loads(body), API_KEY)
    return builders


def bench_structure(rounds: int, n: int) -> Samples:
    body = charge_bytes()
    fns = {side: functools.partial(build, body) for side, build in _builders().items()}
    _interleaved(fns, max(10, n // 10), 1)  # warm up
    return _interleaved(fns, n, rounds, chunk=100)[0]


def _retained(build: Callable[[bytes], Any], n: int) -> float:
    """Bytes still allocated per object while ``n`` of them are alive (json input freed)."""
    body = charge_bytes()
    build(body)  # warm caches, so only the objects themselves are counted
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        keep = [build(body) for _ in range(n)]
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del keep
    return retained / n


def bench_memory(rounds: int, n: int) -> Samples:
    builders = _builders()
    return {side: [_retained(build, n) for _ in range(rounds)] for side, build in builders.items()}


# -- 4. import time --------------------------------------------------------------------------

MODULES = {"raw": "httpx", "ours": "lattice_stripe", "official": "stripe"}
EAGER = (
    "httpx",
    "cattrs",
    "lattice_stripe._client",
    "lattice_stripe.models.charge",
    "lattice_stripe._fake_tables",
)


def _import_once(module: str) -> tuple[float, list[str]]:
    """Cumulative import time (ms) of ``module`` in a fresh interpreter, and heavy modules it loaded."""
    code = f"import {module}, sys; print(' '.join(m for m in {EAGER!r} if m in sys.modules))"
    proc = subprocess.run(  # noqa: S603 - our own interpreter and a fixed module name
        [sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == module:
            return int(parts[1]) / 1000, proc.stdout.split()
    raise RuntimeError(f"no importtime line for {module}:\n{proc.stderr[-2000:]}")


def bench_import(runs: int) -> tuple[Samples, list[str]]:
    sides = [side for side in SIDES if side != "official" or _official() is not None]
    for side in sides if runs > 1 else ():  # make sure bytecode caches exist before timing
        _import_once(MODULES[side])
    samples: Samples = {side: [] for side in sides}
    eager: list[str] = []
    for _ in range(runs):
        for side in sides:
            ms, loaded = _import_once(MODULES[side])
            samples[side].append(ms)
            if side == "ours":
                eager = loaded
    return samples, eager


# -- 5. what users feel ------------------------------------------------------------------------


def bench_user(config: tuple[Any, ...]) -> list[dict[str, Any]]:
    cold_runs, async_requests, async_rounds, items, paging_rounds, sizes, list_rounds, wheel = config
    server, url = _start_server()
    try:
        rows = user.cold_rows(cold_runs, url, wheel)
        rows += user.async_rows(url, async_requests, async_rounds)
        rows += user.paging_rows(url, items, paging_rounds)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)
    return rows + user.list_rows(sizes, list_rounds)


# -- report ----------------------------------------------------------------------------------


def _ratio(samples: Samples, a: str, b: str) -> float | None:
    if a not in samples or b not in samples:
        return None
    return statistics.median(x / y for x, y in zip(samples[a], samples[b], strict=True))


def _row(
    name: str, samples: Samples, unit: float, target: str, limit: tuple[str, float] | None
) -> dict[str, Any]:
    med = {side: statistics.median(v) / unit for side, v in samples.items()}
    vs_raw, vs_official = _ratio(samples, "ours", "raw"), _ratio(samples, "ours", "official")
    got = None if limit is None else vs_raw if limit[0] == "raw" else vs_official
    return {
        "metric": name,
        **med,
        "ours/raw": vs_raw,
        "ours/official": vs_official,
        "target": target,
        "ok": None if got is None or limit is None else got <= limit[1],
        "samples": samples,
    }


def _fmt(value: Any, spec: str = ".1f", suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{suffix}"


def render(rows: list[dict[str, Any]], header: str) -> str:
    cols = f"{'':30} {'raw':>9} {'ours':>9} {'official':>9} {'ours/raw':>9} {'ours/off':>9}  target"
    lines = [header, "", cols, "-" * (len(cols) + 22)]
    for row in rows:
        status = {True: "ok", False: "MISS", None: ""}[row["ok"]]
        lines.append(
            f"{row['metric']:30} {_fmt(row.get('raw')):>9} {_fmt(row.get('ours')):>9} "
            f"{_fmt(row.get('official')):>9} {_fmt(row['ours/raw'], '.2f', 'x'):>9} "
            f"{_fmt(row['ours/official'], '.2f', 'x'):>9}  {row['target']} {status}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a few iterations only (smoke test)")
    parser.add_argument("--rounds", type=int, help="override the number of rounds")
    parser.add_argument("--json", type=Path, default=ROOT / ".cache" / "bench" / "results.json")
    args = parser.parse_args(argv)
    rounds, requests, structurings, objects, imports = QUICK if args.quick else FULL
    if args.rounds:
        rounds = imports = args.rounds
    started = time.perf_counter()

    cpu, wall = bench_get(rounds, requests)
    structure = bench_structure(rounds, structurings)
    memory = bench_memory(min(rounds, 3), objects)
    import_ms, eager = bench_import(imports)
    rows = [
        _row("GET client CPU (us/request)", cpu, 1, "<= 1.15x raw", ("raw", 1.15)),
        _row("GET wall time (us/request)", wall, 1, "", None),
        _row("bytes->charge (us)", structure, 1, "<= 4x json.loads", ("raw", 4.0)),
        _row("retained per charge (KB)", memory, 1024, "<= 1x dict", ("raw", 1.0)),
        _row("import (ms; raw = httpx)", import_ms, 1, "<= 0.25x official", ("official", 0.25)),
    ]
    stripe = _official()
    official = f"stripe {stripe.VERSION}" if stripe else "stripe not installed (pip install -e '.[bench]')"
    header = (
        f"lattice-stripe benchmarks: {rounds} rounds x {requests} GETs, {structurings} structurings, "
        f"{objects} objects, {imports} import runs; medians\n"
        f"raw = httpx + json.loads (import: httpx); "
        f"official = {official}; "
        f"Python {platform.python_version()} on {platform.machine()}"
    )
    print(render(rows, header))
    print(f"import lattice_stripe also loaded: {', '.join(eager) or 'nothing heavy'} (want nothing heavy)")
    router_table, router_result = bench.router.report(args.quick)
    print(router_table)
    metering_table, metering_result = bench.metering.report(args.quick)
    print(metering_table)
    user_rows = bench_user(USER_QUICK if args.quick else USER_FULL)
    print("\nWhat users feel (median of rounds; min and max beside it):\n")
    print(user.render(user_rows))
    elapsed = time.perf_counter() - started
    print(f"({elapsed:.0f} s)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "header": header,
        "rows": rows,
        "import_loaded": eager,
        "router": router_result,
        "metering": metering_result,
        "user_rows": user_rows,
    }
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
