"""Cold processes, as users start them: from a wheel install, not the editable one.

``ensure_venv()`` builds the package's wheel and installs it, with the official ``stripe``
package and aiohttp, into ``.cache/bench/venv`` (an editable install's ``.pth`` finder adds
~20 ms to every interpreter start, which no user pays). Each script then runs in a fresh
interpreter of that venv; the sides take turns, and both wall time and the child's CPU
time (user + system, from ``getrusage``; steadier on a shared machine) are recorded.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.fixtures import ROOT

VENV = ROOT / ".cache" / "bench" / "venv"
WHEELS = ROOT / ".cache" / "bench" / "wheel"
KEY = "sk_test_" + "b" * 24

IMPORTS = {
    "interpreter": "pass",
    "ours": f"from lattice_stripe import StripeClient; StripeClient({KEY!r})",
    "official": "import stripe",
    "raw": "import httpx",
}

GETS = {
    "ours": (
        "import sys\nfrom lattice_stripe import StripeClient\n"
        f"c = StripeClient({KEY!r}, base_url=sys.argv[1])\n"
        "assert c.charges.retrieve('ch_1', expand=['customer']).customer.id\n"
    ),
    "official": (
        "import sys, stripe\n"
        f"c = stripe.StripeClient({KEY!r}, base_addresses={{'api': sys.argv[1]}})\n"
        "assert c.v1.charges.retrieve('ch_1', params={'expand': ['customer']}).customer.id\n"
    ),
    "raw": (
        "import sys, json, httpx\n"
        "with httpx.Client(base_url=sys.argv[1]) as h:\n"
        "    r = h.get('/v1/charges/ch_1', params={'expand[]': 'customer'},\n"
        f"              headers={{'Authorization': 'Bearer {KEY}'}})\n"
        "    assert json.loads(r.content)['customer']['id']\n"
    ),
}


def python() -> Path:
    return VENV / "bin" / "python"


def _source_digest() -> str:
    digest = hashlib.sha256()
    for folder in ("generated/lattice_stripe", "codegen/runtime", "overrides"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())
    return digest.hexdigest()[:16]


def _run(*command: str, cwd: Path | None = None) -> None:
    subprocess.run(command, cwd=cwd, check=True)  # noqa: S603 - fixed commands on our own paths


def ensure_venv() -> Path:
    """The bench venv with a wheel of the current sources (rebuilt when they change)."""
    stamp = VENV / ".source-digest"
    digest = _source_digest()
    if stamp.is_file() and stamp.read_text() == digest:
        return python()
    if not python().is_file():
        _run(sys.executable, "-m", "venv", str(VENV))
        # The sides compared; the package's own requirements come from its wheel below.
        _run(str(python()), "-m", "pip", "install", "--quiet", "stripe==16.1.0", "aiohttp>=3.10,<4")
    for old in WHEELS.glob("*.whl"):
        old.unlink()
    wheel_build = (
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(WHEELS),
        ".",
    )
    _run(sys.executable, *wheel_build, cwd=ROOT)
    (wheel,) = WHEELS.glob("lattice_stripe-*.whl")
    _run(str(python()), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel))
    _run(str(python()), "-m", "pip", "install", "--quiet", str(wheel))  # requirements the venv lacks
    # Compile bytecode once, as an installer does, so no run pays for it.
    _run(str(python()), "-m", "compileall", "-q", str(VENV / "lib"))
    stamp.write_text(digest)
    return python()


def official_installed(interpreter: Path) -> bool:
    probe = [str(interpreter), "-c", "import importlib.util as u; print(u.find_spec('stripe') is not None)"]
    return subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip() == "True"  # noqa: S603


def run_once(interpreter: Path, code: str, *args: str) -> tuple[float, float]:
    """(wall ms, child CPU ms) of one fresh ``interpreter`` running ``code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own venv's interpreter and fixed scripts
        [str(interpreter), "-c", code, *args],
        check=True,
        cwd=tempfile.gettempdir(),
        env={**os.environ, "PYTHONPATH": ""},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def measure(
    interpreter: Path, scripts: dict[str, str], runs: int, *args: str
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per side, wall and CPU samples; sides alternate, one warm-up run each."""
    for code in scripts.values():
        run_once(interpreter, code, *args)
    wall: dict[str, list[float]] = {side: [] for side in scripts}
    cpu: dict[str, list[float]] = {side: [] for side in scripts}
    for _ in range(runs):
        for side, code in scripts.items():
            w, c = run_once(interpreter, code, *args)
            wall[side].append(w)
            cpu[side].append(c)
    return wall, cpu
