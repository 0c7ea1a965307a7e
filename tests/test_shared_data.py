"""The ../shared rule (tests/shared.py): without it, collection succeeds and tests say why they skip."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import shared
from tests.shared import ROOT

# One test per fixture that reads ../shared, and one that needs none.
NEEDS_SHARED = [
    "test_customers_create_form_body_and_headers",  # fixtures3 (sync and async)
    "test_the_spec_lists_the_statuses_the_enum_knows",  # pinned_spec
    "test_the_2022_spec_keeps_every_override",  # old_spec
    "test_pinned_package_has_no_drift",  # the drift session fixtures
    "test_bench_runs_in_quick_mode",  # fixtures3, handed to the bench subprocess
]
NEEDS_NOTHING = "test_examples_from_stripes_docs"


def _pytest(shared_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LATTICE_STRIPE_REQUIRE_SHARED"}
    env["LATTICE_STRIPE_SHARED"] = str(shared_dir)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "-q", "-rsf", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_without_shared_every_file_collects_and_each_test_skips_with_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-shared"
    selection = " or ".join([*NEEDS_SHARED, NEEDS_NOTHING])
    result = _pytest(missing, "tests", "-k", selection, "--ignore", "tests/test_shared_data.py")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "error" not in out.lower(), out  # no file fails to collect
    assert "1 passed, 6 skipped" in out, out
    assert out.count(f"needs {missing / 'openapi'}") == len(NEEDS_SHARED), out  # one line per file


def test_need_skips_with_the_path_or_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(shared, "SHARED", tmp_path)
    monkeypatch.delenv("LATTICE_STRIPE_REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception, match=re.escape(f"needs {tmp_path / 'spec3.x.yaml'}")):
        shared.need("spec3.x.yaml")
    monkeypatch.setenv("LATTICE_STRIPE_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match=re.escape(f"needs {tmp_path / 'spec3.x.yaml'}")):
        shared.need("spec3.x.yaml")
    (tmp_path / "spec3.x.yaml").write_text("")
    assert shared.need("spec3.x.yaml") == tmp_path / "spec3.x.yaml"
