"""Assemble an importable ``lattice_stripe`` tree from a generated folder, the runtime and overrides.

pip does this with the package-dir mapping in pyproject.toml; tools that do not run
import hooks (mypy) and tests that generate into a temporary folder use this instead.
The tree is made of symlinks, so it always shows the current sources.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .spec import ROOT

RUNTIME = ROOT / "codegen" / "runtime"
OVERRIDES = ROOT / "overrides"


def assemble(generated_package: Path, into: Path) -> Path:
    """Create ``into/lattice_stripe`` and return ``into`` (the folder to put on sys.path)."""
    package = into / "lattice_stripe"
    if package.exists() or package.is_symlink():
        shutil.rmtree(package) if package.is_dir() and not package.is_symlink() else package.unlink()
    package.mkdir(parents=True)
    for entry in sorted(generated_package.iterdir()):
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry.resolve())
    (package / "_runtime").symlink_to(RUNTIME)
    (package / "overrides").symlink_to(OVERRIDES)
    return into
