"""`make bench` keeps working: the benchmark suite runs end to end in its tiny mode.

Benchmarks are not tests; this only checks that every measurement still produces numbers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests import shared

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_in_quick_mode(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    fixtures = shared.need(shared.FIXTURES3)  # the bench body is Stripe's charge fixture
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--json", str(out)],
        cwd=ROOT,
        env={**os.environ, "LATTICE_STRIPE_FIXTURES": str(fixtures)},
        capture_output=True,
        text=True,
        timeout=600,  # a bound for a hang: on a busy machine the run takes a minute or more
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "GET client CPU" in proc.stdout
    result = json.loads(out.read_text())
    assert len(result["rows"]) == 5
    for row in result["rows"]:
        assert row["raw"] > 0 and row["ours"] > 0, row["metric"]
    assert result["import_loaded"] == [], "import lattice_stripe must not load httpx, cattrs or models"


def test_the_generation_bench_finds_every_locked_spec() -> None:
    """`python -m bench.generation` times every locked spec, JSON (2026) or YAML alike."""
    import bench.generation

    locks = bench.generation.locks()
    assert "2026-05-27.dahlia" in locks and "2023-08-16" in locks
    shared.need(shared.PINNED_SPEC)  # skips (or fails, in CI) without ../shared
    for lock in locks.values():
        found = bench.generation.spec_file(lock)
        assert found is not None and found.is_file(), lock
