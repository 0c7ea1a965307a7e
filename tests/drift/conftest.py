"""Session fixtures: packages from real specs, and drift reports on them.

The pinned package is ``generated/`` itself (``test_regenerating_reproduces_generated_byte_for_byte``
proves it is what a fresh generation writes): it is checked against its own spec, as is a
hand-edited copy. The spec update measured against published counts is 2022-11-15 ->
2023-08-16 (the "old" and "new" of that pair); both packages are generated once per
generator state and cached under ``.cache/tests/`` by the sha256 of the spec and of every
generator source, so only a change to either regenerates them. Everything else runs once per
session, in fresh interpreters (each imports a different ``lattice_stripe``), in parallel.
"""

from __future__ import annotations

import hashlib
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
from tests import shared
from tests.shared import OLD_LOCK

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_CACHE = ROOT / ".cache" / "tests" / "packages"


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
def new_spec() -> Path:
    """The newer spec of the measured pair (2023-08-16; its lock is ``shared.PAIR_LOCK``)."""
    return shared.need(shared.PAIR_SPEC)


@pytest.fixture(scope="session")
def pinned_file() -> Path:
    return shared.need(shared.PINNED_SPEC)


def _generator_key(spec: Path) -> str:
    """Changes whenever the spec or anything that shapes generated code changes."""
    digest = hashlib.sha256(spec_mod.sha256_of(spec.read_bytes()).encode())
    for path in sorted([*(ROOT / "codegen").rglob("*"), *(ROOT / "overrides").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    digest.update((ROOT / "pyproject.toml").read_bytes())  # the pinned formatter
    return digest.hexdigest()[:20]


def _cached_package(version: str, spec: Path, lock: Path) -> Path:
    path = PACKAGE_CACHE / f"{version}-{_generator_key(spec)}"
    if not (path / "lattice_stripe").is_dir():
        for stale in PACKAGE_CACHE.glob(f"{version}-*"):  # entries for older generator states
            shutil.rmtree(stale, ignore_errors=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        (r,) = codegen(("generate", "--offline", "--spec", spec, "--lock", lock, "--out", partial))
        assert r.returncode == 0, r.stderr
        partial.rename(path)
    return path


@pytest.fixture(scope="session")
def packages(old_spec: Path, old_lock: Path, new_spec: Path) -> dict[str, Path]:
    """The pinned package (``pinned``, ``generated/``) and the 2022-11-15 (``old``) and
    2023-08-16 (``new``) ones."""
    return {
        "pinned": ROOT / "generated",
        "old": _cached_package("2022-11-15", old_spec, old_lock),
        "new": _cached_package("2023-08-16", new_spec, shared.PAIR_LOCK),
    }


class Copy:
    """A copy of a package to edit by hand, as a developer might."""

    def __init__(self, source: Path, dest: Path) -> None:
        shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__"))
        self.root, self.pkg = dest, dest / "lattice_stripe"

    def edit(self, rel: str, old: str, new: str, count: int = 1, after: str = "") -> None:
        """Replace ``old`` (``count`` times) in ``rel``, only past the first ``after``."""
        text = (self.pkg / rel).read_text()
        cut = text.index(after) if after else 0
        head, tail = text[:cut], text[cut:]
        assert tail.count(old) >= count, (rel, old)
        (self.pkg / rel).write_text(head + tail.replace(old, new, count))


@pytest.fixture(scope="session")
def edited(work: Path, packages: dict[str, Path]) -> Path:
    """The pinned package with hand edits: the drift check must see all but the docstrings."""
    copy = Copy(packages["pinned"], work / "edited")
    copy.edit("models/capability.py", "    requested: bool\n", "")  # a field deleted
    # a method renamed (sync and async), with the table that links it to its operation
    copy.edit("resources/charges.py", "def capture(", "def capture_now(", 2)
    copy.edit("resources/charges.py", 'Charges.capture"', 'Charges.capture_now"', 2)
    copy.edit(
        "models/charge.py",
        'status: Literal["failed", "pending", "succeeded"]',
        'status: Literal["failed", "succeeded"]',
    )
    # The async client alone diverges: a method renamed, an optional param made required.
    copy.edit("resources/refunds.py", "    async def cancel(", "    async def cancel_later(")
    copy.edit("resources/refunds.py", '"AsyncRefunds.cancel"', '"AsyncRefunds.cancel_later"')
    copy.edit(
        "resources/refunds.py", "amount: int | None = None,", "amount: int,", after="class AsyncRefunds("
    )
    text = (copy.pkg / "resources/customers.py").read_text()
    docs = re.sub(r'("""[A-Z])', r"\1 (edited docstring) ", text)
    assert docs != text
    (copy.pkg / "resources/customers.py").write_text(docs)  # docstrings only: not drift
    copy.edit("models/customer.py", '"""', '"""Edited docstring. ')
    return copy.root


@pytest.fixture(scope="session")
def additive(work: Path, packages: dict[str, Path]) -> Path:
    """The pinned package missing only what regenerating would add: additive drift, nothing breaking."""
    copy = Copy(packages["pinned"], work / "additive")
    copy.edit("models/capability.py", "    requested: bool\n", "")
    return copy.root


@pytest.fixture(scope="session")
def reports(
    packages: dict[str, Path],
    edited: Path,
    additive: Path,
    old_lock: Path,
    new_spec: Path,
    old_spec: Path,
    pinned_file: Path,
) -> dict[str, Run]:
    """check-drift --format json through the CLI: pinned vs pinned, the 2023-08-16 package
    against 2022-11-15 and back, the 2023-08-16 package against the pinned 2026 spec (the move
    to v2), hand edits, and additive-only drift under both --fail-on levels."""
    base = ("check-drift", "--offline", "--format", "json", "--package-dir")
    names = [
        "pinned",
        "against_old_spec",
        "old_package",
        "from_2023",
        "edited",
        "additive_any",
        "additive_breaking",
    ]
    results = codegen(
        (*base, packages["pinned"], "--spec", pinned_file),
        (*base, packages["new"], "--spec", old_spec, "--lock", old_lock),
        (*base, packages["old"], "--spec", new_spec, "--lock", shared.PAIR_LOCK),
        (*base, packages["new"], "--spec", pinned_file),
        (*base, edited, "--spec", pinned_file),
        (*base, additive, "--spec", pinned_file),
        (*base, additive, "--spec", pinned_file, "--fail-on", "breaking"),
    )
    return {name: Run(r) for name, r in zip(names, results, strict=True)}
