"""Generation time for every locked spec: from its file (JSON or YAML, no parse cache) and
from the parse cache.

    python -m bench.generation [--rounds N]

Each round runs the whole ``generate`` (load, IR, render, format, write) in a fresh
interpreter into an empty temporary folder; the table shows medians of wall time (inside
the run) and of the child's CPU time (interpreter start included). The parse cache is
kept out of the file rounds by pointing the cache folder at an empty one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from codegen import spec as spec_mod

ROOT = Path(__file__).resolve().parent.parent

_ONE_RUN = """
import json, sys, time
from pathlib import Path
from codegen import spec as spec_mod
if sys.argv[3] == "file":
    spec_mod.CACHE_DIR = Path(sys.argv[4])
from codegen.ir.build import build
from codegen.render import render
from codegen.write import write
started = time.perf_counter()
api = build(spec_mod.load(spec_mod.Lock.read(Path(sys.argv[1])), Path(sys.argv[2]), download=False))
write(render(api), Path(sys.argv[4]) / "out")
print(json.dumps({"seconds": time.perf_counter() - started, "operations": len(api.operations),
                  "models": sum(len(m.models) for m in api.model_modules)}))
"""


def locks() -> dict[str, Path]:
    paths = [spec_mod.DEFAULT_LOCK, *sorted((ROOT / "spec" / "locks").glob("*.lock"))]
    return dict(sorted((spec_mod.Lock.read(p).api_version, p) for p in paths))


def spec_file(lock: Path) -> Path | None:
    """Where the locked spec is on this machine (a flag-less ``generate`` looks the same way)."""
    here = [p for _, p in spec_mod.candidates(spec_mod.Lock.read(lock), None) if p.is_file()]
    return here[0] if here else None


def one(lock: Path, spec: Path, source: str) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _ONE_RUN, str(lock), str(spec), source, tmp],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result: dict[str, float] = json.loads(proc.stdout)
    # CPU of the whole child (interpreter start included): steadier than wall time on a busy machine
    result["cpu"] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generation")
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    print("wall and CPU seconds, medians of", rounds, "rounds")
    header = ("file wall", 11), ("file CPU", 10), ("cache wall", 12), ("cache CPU", 11)
    print(f"{'spec':<18}{'operations':>11}{'models':>8}" + "".join(f"{h:>{w}}" for h, w in header))
    for version, lock in locks().items():
        spec = spec_file(lock)
        if spec is None:
            print(f"{version:<18} no spec file found (see docs/maintainer/spec-updates.md)")
            continue
        one(lock, spec, "cache")  # fills the parse cache
        runs = {src: [one(lock, spec, src) for _ in range(rounds)] for src in ("file", "cache")}
        cells = [
            statistics.median(r[k] for r in runs[src])
            for src in ("file", "cache")
            for k in ("seconds", "cpu")
        ]
        first = runs["cache"][0]
        row = "".join(f"{c:>{w}.2f}" for c, (_, w) in zip(cells, header, strict=True))
        print(f"{version:<18}{first['operations']:>11.0f}{first['models']:>8.0f}{row}")


if __name__ == "__main__":
    main()
