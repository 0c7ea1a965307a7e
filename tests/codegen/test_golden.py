"""Golden record: a small spec written for the tests, generated and compared file by file."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from tests.codegen.helpers import generate, lock_for, run_in
from tests.golden.refresh import EXPECTED, SPEC, VERSION

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_output_matches_the_golden_record(tmp_path: Path) -> None:
    generate(SPEC, lock_for(SPEC, VERSION), tmp_path)
    assert _files(tmp_path) == _files(EXPECTED), "file set differs: run `make golden` and review"
    different = [
        r for r in sorted(_files(EXPECTED)) if not filecmp.cmp(tmp_path / r, EXPECTED / r, shallow=False)
    ]
    assert different == [], f"golden files differ (run `make golden` and review): {different}"


def test_golden_package_imports_and_round_trips(tmp_path: Path) -> None:
    code = """
import lattice_stripe
from lattice_stripe import StripeClient
from lattice_stripe.models import Widget
c = StripeClient("sk_test_x")
assert type(c.widgets).__name__ == "Widgets"
assert type(c.tools.gadgets.parts).__name__ == "ToolsGadgetsParts"
data = {"id": "w_1", "object": "widget", "amount": 5, "owner": {"id": "o_1", "object": "owner", "client_secret": "sec_abcdefghijklmnop"},
        "source": {"object": "bank_account", "routing": "110000000"}, "status": "brand_new", "surprise": [1]}
w = Widget.from_dict(data)
assert type(w.owner).__name__ == "Owner" and type(w.source).__name__ == "BankSource"
assert w.status == "brand_new" and w["surprise"] == [1]
assert w.to_dict() == data
assert "sec_abcdefghijklmnop" not in repr(w)
print("ok")
"""
    result = run_in(EXPECTED, code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_golden_package_is_mypy_strict_clean(tmp_path: Path) -> None:
    from codegen.assemble import assemble

    root = assemble(EXPECTED / "lattice_stripe", tmp_path / "typing")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            str(PYPROJECT),
            "-p",
            "lattice_stripe",
        ],
        env={"MYPYPATH": str(root), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
