"""Session fixtures: packages generated from both real specs, and drift reports on them.

Everything heavy runs once per session, in fresh interpreters (each imports a different
``lattice_stripe``), and independent runs go in parallel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from codegen import spec as spec_mod

ROOT = Path(__file__).resolve().parents[2]
SHARED = spec_mod.MIRROR_DIR
NEW_SPEC = SHARED / "spec3.2023-08-16.yaml"
OLD_SPEC = SHARED / "spec3.2022-11-15.yaml"
OLD_COMMIT = "222e640e82c5ce4730948ca8bd3bb97b47f9532b"
OLD_LOCK = spec_mod.Lock(
    api_version="2022-11-15",
    repository="stripe/openapi",
    commit=OLD_COMMIT,
    path="openapi/spec3.yaml",
    sha256="89c5a5b5f631899ebfa7cadaf1a21feea333ff203222bebd8141ebd1d08c8061",
    url=spec_mod.Lock.upstream_url("stripe/openapi", OLD_COMMIT),
)

if not (NEW_SPEC.is_file() and OLD_SPEC.is_file()):
    pytest.skip(f"the real specs are not in {SHARED}", allow_module_level=True)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", spec_mod.ENV_VAR)}
    env["PYTHONPATH"] = str(ROOT)
    return env


def codegen(*runs: Sequence[str | Path]) -> list[subprocess.CompletedProcess[str]]:
    """Run ``python -m codegen ARGS`` for each ARGS, in parallel, from the checkout."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "codegen", *map(str, args)],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    results = []
    for proc, args in zip(procs, runs, strict=True):
        out, err = proc.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(list(args), proc.returncode, out, err))
    return results


class Run:
    """One check-drift run with --format json."""

    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.returncode = proc.returncode
        self.stderr = proc.stderr
        assert proc.returncode in (0, 1), proc.stderr
        self.data: dict[str, Any] = json.loads(proc.stdout)
        self.changes: list[dict[str, Any]] = self.data["changes"]

    def where(self, action: str, kind: str) -> list[str]:
        return sorted(c["where"] for c in self.changes if c["action"] == action and c["kind"] == kind)

    def find(self, action: str, kind: str) -> list[dict[str, Any]]:
        return [c for c in self.changes if c["action"] == action and c["kind"] == kind]


@pytest.fixture(scope="session")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("drift")


@pytest.fixture(scope="session")
def old_lock(work: Path) -> Path:
    path = work / "old.lock"
    OLD_LOCK.write(path)
    return path


@pytest.fixture(scope="session")
def packages(work: Path, old_lock: Path) -> dict[str, Path]:
    """Packages generated from the pinned (``new``) and the 2022-11-15 (``old``) spec."""
    out = {"new": work / "new", "old": work / "old"}
    results = codegen(
        ("generate", "--offline", "--spec", NEW_SPEC, "--out", out["new"]),
        ("generate", "--offline", "--spec", OLD_SPEC, "--lock", old_lock, "--out", out["old"]),
    )
    for r in results:
        assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def edited(work: Path, packages: dict[str, Path]) -> Path:
    """A copy of the pinned package with hand edits: the drift check must see all but the docstring."""
    copy = work / "edited"
    shutil.copytree(packages["new"], copy)
    pkg = copy / "lattice_stripe"

    def edit(rel: str, old: str, new: str, count: int = 1) -> None:
        path = pkg / rel
        text = path.read_text()
        assert text.count(old) >= count, (rel, old)
        path.write_text(text.replace(old, new, count))

    edit("models/capability.py", "    requested: bool\n", "")  # a field deleted
    # a method renamed (sync and async), with the table that links it to its operation
    edit("resources/charges.py", "def capture(", "def capture_now(", 2)
    edit("resources/charges.py", 'Charges.capture"', 'Charges.capture_now"', 2)
    edit(
        "models/charge.py",
        'status: Literal["failed", "pending", "succeeded"]',
        'status: Literal["failed", "succeeded"]',
    )
    text = (pkg / "resources/customers.py").read_text()
    docs = re.sub(r'("""[A-Z])', r"\1 (edited docstring) ", text)
    assert docs != text
    (pkg / "resources/customers.py").write_text(docs)  # docstrings only: not drift
    edit("models/customer.py", '"""', '"""Edited docstring. ')
    return copy


@pytest.fixture(scope="session")
def reports(packages: dict[str, Path], edited: Path, old_lock: Path) -> dict[str, Run]:
    """check-drift --format json: pinned vs pinned, against 2022-11-15, old package, hand edits."""
    base = ("check-drift", "--offline", "--format", "json", "--package-dir")
    names = ["pinned", "against_old_spec", "old_package", "edited"]
    results = codegen(
        (*base, packages["new"], "--spec", NEW_SPEC),
        (*base, packages["new"], "--spec", OLD_SPEC, "--lock", old_lock),
        (*base, packages["old"], "--spec", NEW_SPEC),
        (*base, edited, "--spec", NEW_SPEC),
    )
    return {name: Run(r) for name, r in zip(names, results, strict=True)}
