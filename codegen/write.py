"""Write rendered files: format them with the pinned formatter, then sync a target folder.

Syncing writes only files whose bytes changed and deletes generated files the render no
longer produces, so a regeneration diff shows exactly what moved.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import attrs


@attrs.frozen
class SyncReport:
    written: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)


def format_tree(folder: Path) -> None:
    """Run ruff's formatter (pinned in pyproject.toml) over every Python file in ``folder``."""
    ruff = Path(sys.executable).parent / "ruff"
    command = [str(ruff) if ruff.exists() else "ruff", "format", "--no-cache", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"formatting generated code failed:\n{result.stderr}{result.stdout}")


def stage(files: dict[str, str], into: Path) -> None:
    for rel, text in files.items():
        path = into / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    format_tree(into)


def _tree(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def sync(staged: Path, target: Path, check: bool = False) -> SyncReport:
    """Make ``target`` equal ``staged``; with ``check``, only report what would change."""
    new, old = _tree(staged), _tree(target)
    written = sorted(r for r in new if r not in old or not filecmp.cmp(staged / r, target / r, shallow=False))
    deleted = sorted(old - new)
    if not check:
        for rel in written:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staged / rel, target / rel)
        for rel in deleted:
            (target / rel).unlink()
        for folder in sorted({(target / r).parent for r in deleted}, reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    return SyncReport(tuple(written), tuple(deleted), len(new) - len(written))


def write(files: dict[str, str], target: Path, check: bool = False) -> SyncReport:
    with tempfile.TemporaryDirectory(prefix="lattice-stripe-gen-") as tmp:
        staged = Path(tmp)
        stage(files, staged)
        return sync(staged, target, check)
