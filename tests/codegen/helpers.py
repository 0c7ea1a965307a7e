"""Generate a package from a spec file into a folder, and import it in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from codegen import spec as spec_mod
from codegen.assemble import assemble
from codegen.ir.build import build
from codegen.ir.nodes import Api
from codegen.ir.overrides import Overrides, Registry
from codegen.render import render
from codegen.write import write


def lock_for(spec_path: Path, version: str) -> spec_mod.Lock:
    """A lock for a local test spec (its canonical hash is whatever the file holds)."""
    sha = spec_mod.canonical_sha256(spec_mod.decode(spec_path.read_bytes()))
    return spec_mod.Lock(
        version, "tests/local", "0" * 40, "spec.yaml", sha, "https://example.invalid/spec.yaml"
    )


def generate(spec_path: Path, lock: spec_mod.Lock, out: Path, overrides: Overrides | None = None) -> Api:
    """Generate into ``out`` (the folder that receives ``lattice_stripe/``).

    Local test specs (``lock_for``) lack the Stripe resources the real overrides name, so
    they build without overrides unless given some.
    """
    if overrides is None and lock.repository == "tests/local":
        overrides = Overrides(Registry())
    api = build(spec_mod.load(lock, spec_path, download=False), overrides)
    write(render(api), out)
    return api


def run_in(generated: Path, code: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter that imports the package generated in ``generated``."""
    root = assemble(generated / "lattice_stripe", tmp / "assembled")
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
