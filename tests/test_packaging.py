"""`pip install .` ships one package assembled from the three source folders."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_holds_generated_runtime_and_overrides_and_nothing_else(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("lattice_stripe-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "lattice_stripe/__init__.py",
        "lattice_stripe/py.typed",
        "lattice_stripe/_client.py",
        "lattice_stripe/models/charge.py",
        "lattice_stripe/resources/customers.py",
        "lattice_stripe/params/customers.py",
        "lattice_stripe/_runtime/http/client.py",
        "lattice_stripe/_runtime/webhooks/events.py",
        "lattice_stripe/overrides/registry.py",
        "lattice_stripe/overrides/guard.py",
    ):
        assert expected in names, expected
    tops = {n.split("/", 1)[0] for n in names}
    assert tops == {
        "lattice_stripe",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }
    assert not any("codegen" in n or n.startswith("tests/") or "/templates/" in n for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    requires = sorted(
        re.match(r"[A-Za-z0-9_.-]+", line.split(":", 1)[1].strip()).group()  # type: ignore[union-attr]
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    )
    assert requires == ["attrs", "cattrs", "httpx", "sniffio"]


def test_user_agent_version_is_the_distribution_version() -> None:
    from importlib.metadata import version

    from lattice_stripe._runtime.http.client import SDK_VERSION

    assert version("lattice-stripe") == SDK_VERSION
