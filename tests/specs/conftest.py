"""Every real spec in ``../shared/openapi/``, end to end: ``make check-specs`` runs this folder.

``make test`` does not collect it (it takes minutes); ``LATTICE_STRIPE_CHECK_SPECS=1`` does.
Each spec is pinned by a lock in ``spec/locks/`` (the pinned one by ``spec/stripe.lock``);
packages are generated once per session into a temporary folder and probed in fresh
interpreters (``probe.py``), each importing its own ``lattice_stripe``.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen import spec as spec_mod
from codegen.assemble import assemble

ROOT = Path(__file__).resolve().parents[2]
ENABLE = "LATTICE_STRIPE_CHECK_SPECS"
TOOLS = ROOT.parent / "shared" / "tools"
# The 2025 build serves specs with a v2 API (2026 on); the older build the rest.
STRIPE_MOCK = TOOLS / "stripe-mock" / "stripe-mock"
STRIPE_MOCK_2025 = TOOLS / "stripe-mock-2025" / "stripe-mock"

collect_ignore_glob = [] if os.environ.get(ENABLE) else ["test_*.py"]


def _locks() -> dict[str, Path]:
    paths = [spec_mod.DEFAULT_LOCK, *sorted((ROOT / "spec" / "locks").glob("*.lock"))]
    return dict(sorted((spec_mod.Lock.read(p).api_version, p) for p in paths))


LOCKS = _locks()
VERSIONS = tuple(LOCKS)  # oldest first
ADJACENT = tuple(itertools.pairwise(VERSIONS))


def spec_file(version: str) -> Path:
    date = version.split(".")[0]  # 2026-05-27.dahlia -> spec3.2026-05-27.json
    found = spec_mod.MIRROR_DIR / f"spec3.{date}.json"
    return found if found.is_file() else spec_mod.MIRROR_DIR / f"spec3.{date}.yaml"


def fixtures_file(version: str) -> Path:
    return spec_mod.MIRROR_DIR / f"fixtures3.{version.split('.')[0]}.json"


def codegen(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != spec_mod.ENV_VAR}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "codegen", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


class Package:
    """One spec's generated package, importable from ``root``."""

    def __init__(self, version: str, out: Path) -> None:
        self.version = version
        self.lock = LOCKS[version]
        self.out = out
        self.root = out / "assembled"

    def probe(self, *args: str | Path) -> dict[str, Any]:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.specs.probe", *map(str, args)],
            cwd=ROOT,
            env={
                "PYTHONPATH": f"{self.root}{os.pathsep}{ROOT}",
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            },
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-4000:]
        result: dict[str, Any] = json.loads(proc.stdout)
        return result

    def spec_json(self) -> Path:
        """The spec as JSON (the generator's parse cache), for stripe-mock and the probe."""
        return spec_mod.CACHE_DIR / f"{spec_mod.sha256_of(spec_file(self.version).read_bytes())}.json"

    @property
    def has_v2(self) -> bool:
        return any(p.startswith("/v2/") for p in json.loads(self.spec_json().read_bytes())["paths"])

    def stripe_mock_spec(self) -> Path:
        """The spec as stripe-mock reads it: the 2025 build refuses v2's ``oneOf`` error
        responses (``default``), which it never reads; they are left out, as its README says."""
        if not self.has_v2:
            return self.spec_json()
        document = json.loads(self.spec_json().read_bytes())
        for path, item in document["paths"].items():
            for op in item.values():
                if path.startswith("/v2/") and isinstance(op, dict):
                    op.get("responses", {}).pop("default", None)
        out = self.out / "stripe-mock-spec.json"
        out.write_text(json.dumps(document))
        return out


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Package]:
    missing = [str(spec_file(v)) for v in VERSIONS if not spec_file(v).is_file()]
    if missing:
        pytest.skip(f"the real specs are not all in {spec_mod.MIRROR_DIR}: missing {missing}")
    work = tmp_path_factory.mktemp("specs")
    result = {}
    for version in VERSIONS:
        pkg = Package(version, work / version)
        proc = codegen(
            "generate", "--offline", "--lock", pkg.lock, "--spec", spec_file(version), "--out", pkg.out
        )
        assert proc.returncode == 0, f"{version}:\n{proc.stdout}\n{proc.stderr}"
        assemble(pkg.out / "lattice_stripe", pkg.root)
        result[version] = pkg
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def stripe_mock(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Start stripe-mock for a package's spec: ``stripe_mock(pkg) -> base URL``."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(pkg: Package) -> str:
        binary = STRIPE_MOCK_2025 if pkg.has_v2 else STRIPE_MOCK
        if not (binary.is_file() and os.access(binary, os.X_OK)):
            message = f"stripe-mock is not at {binary} (see its README.md)"
            if os.environ.get("LATTICE_STRIPE_REQUIRE_SHARED") == "1":
                pytest.fail(message)
            pytest.skip(message)
        http, https = _free_port(), _free_port()
        args = [binary, "-http-addr", f"127.0.0.1:{http}", "-https-addr", f"127.0.0.1:{https}"]
        args += ["-spec", pkg.stripe_mock_spec(), "-fixtures", fixtures_file(pkg.version)]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        for _ in range(200):  # up to ~20 s for a large spec to load
            if proc.poll() is not None:
                pytest.fail(f"stripe-mock exited with {proc.returncode} on {pkg.spec_json()}")
            try:
                socket.create_connection(("127.0.0.1", http), timeout=0.1).close()
                return f"http://127.0.0.1:{http}"
            except OSError:
                time.sleep(0.1)
        pytest.fail("stripe-mock did not start listening")

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)
