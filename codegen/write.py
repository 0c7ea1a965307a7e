"""Write rendered files: format them with the pinned formatter, then sync a target folder.

Syncing writes only files whose bytes changed and deletes generated files the render no
longer produces, so a regeneration diff shows exactly what moved.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import attrs

from .spec import ROOT


@attrs.frozen
class SyncReport:
    written: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)


FORMAT_CACHE = ROOT / ".cache" / "format"


def _ruff() -> str:
    local = Path(sys.executable).parent / "ruff"
    return str(local) if local.exists() else "ruff"


@functools.cache
def _ruff_version() -> str:
    result = subprocess.run([_ruff(), "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    return result.stdout.strip()


def format_tree(folder: Path, only: list[Path] | None = None) -> None:
    """Run ruff's formatter (pinned in pyproject.toml) over Python files in ``folder``."""
    targets = [str(p) for p in only] if only is not None else [str(folder)]
    if not targets:
        return
    command = [_ruff(), "format", "--no-cache", *targets]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"formatting generated code failed:\n{result.stderr}{result.stdout}")


def formatted(files: dict[str, str]) -> dict[str, str]:
    """The files as the pinned formatter leaves them. Results are cached by the rendered
    text's hash, so regenerating unchanged output never runs the formatter."""
    version = _ruff_version()
    result: dict[str, str] = {}
    misses: dict[str, Path] = {}
    for rel, text in files.items():
        key = hashlib.sha256(f"{version}\0{rel}\0{text}".encode()).hexdigest()
        cached = FORMAT_CACHE / f"{key}.txt"
        if not rel.endswith(".py"):
            result[rel] = text
        elif cached.is_file():
            result[rel] = cached.read_text(encoding="utf-8")
        else:
            misses[rel] = cached
    if misses:
        with tempfile.TemporaryDirectory(prefix="lattice-stripe-fmt-") as tmp:
            paths = {rel: Path(tmp) / rel for rel in misses}
            for rel, path in paths.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(files[rel], encoding="utf-8", newline="\n")
            format_tree(Path(tmp), list(paths.values()))
            FORMAT_CACHE.mkdir(parents=True, exist_ok=True)
            for rel, path in paths.items():
                result[rel] = path.read_text(encoding="utf-8")
                # whole or absent for a reader: other processes may format the same file at once
                partial = misses[rel].with_name(f"{misses[rel].name}.{os.getpid()}.tmp")
                shutil.copyfile(path, partial)
                partial.replace(misses[rel])
    return dict(sorted(result.items()))


def _tree(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def write(files: dict[str, str], target: Path, check: bool = False) -> SyncReport:
    """Make ``target`` hold exactly ``files`` (formatted); with ``check``, only report."""
    wanted = formatted(files)
    existing = _tree(target)
    written = sorted(
        rel
        for rel, text in wanted.items()
        if rel not in existing or (target / rel).read_bytes() != text.encode("utf-8")
    )
    deleted = sorted(existing - set(wanted))
    if not check:
        for rel in written:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_text(wanted[rel], encoding="utf-8", newline="\n")
        for rel in deleted:
            (target / rel).unlink()
        for folder in sorted({(target / r).parent for r in deleted}, reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    return SyncReport(tuple(written), tuple(deleted), len(wanted) - len(written))
