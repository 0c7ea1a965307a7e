"""Acceptance of every real spec: generate, import, type-check, fixtures, arguments, drift, mock."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.specs.conftest import ADJACENT, ROOT, VERSIONS, Package, codegen, fixtures_file, spec_file

by_version = pytest.mark.parametrize("version", VERSIONS)


def _spec_operations(pkg: Package, prefix: str = "/v") -> int:
    document = json.loads(pkg.spec_json().read_text())
    return sum(
        1
        for path, item in document["paths"].items()
        for verb in item
        if verb in ("get", "post", "delete") and path.startswith(prefix)
    )


@by_version
def test_every_operation_has_one_call_path_on_both_clients(
    packages: dict[str, Package], version: str
) -> None:
    pkg = packages[version]
    got = pkg.probe("surface")
    assert not got["problems"], "\n".join(got["problems"])
    assert got["operations"] == got["distinct"] == _spec_operations(pkg)  # v1 and v2


@by_version
def test_mypy_strict(packages: dict[str, Package], version: str) -> None:
    pkg = packages[version]
    cache = ROOT / ".cache" / "mypy-specs" / version
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "-p", "lattice_stripe"],
        cwd=pkg.root,
        env={**os.environ, "MYPYPATH": str(pkg.root)},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]


@by_version
def test_fixtures_round_trip(packages: dict[str, Package], version: str) -> None:
    got = packages[version].probe("fixtures", fixtures_file(version))
    assert not got["problems"], "\n".join(got["problems"])
    assert got["round_tripped"] == got["fixtures"] > 50
    assert got["unknown"] <= 10, got  # preview objects the public spec lacks, kept whole


@by_version
def test_upload_takes_a_file_tuple_in_every_version(packages: dict[str, Package], version: str) -> None:
    got = packages[version].probe("upload", fixtures_file(version))
    assert got["refused"].endswith(
        "files.create: file must be bytes, a binary file or (filename, content), got str"
    )
    assert got["sent"]["path"] == "/v1/files"
    assert 'name="file"; filename="a.txt"' in got["sent"]["body"] and "text/plain" in got["sent"]["body"]
    assert got["id"].startswith("file_")


@pytest.mark.parametrize(("older", "newer"), ADJACENT)
def test_drift_between_adjacent_versions_is_reported(
    packages: dict[str, Package], older: str, newer: str
) -> None:
    """The older package against the newer spec: what regenerating after an update changes."""
    proc = codegen(
        "check-drift",
        "--offline",
        "--format",
        "json",
        "--package-dir",
        packages[older].out,
        "--lock",
        packages[newer].lock,
        "--spec",
        spec_file(newer),
    )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    actions = {c["action"] for c in report["changes"]}
    assert "added" in actions  # every newer version adds operations, models or fields
    assert report["spec"].endswith(newer) or newer in json.dumps(report)


@by_version
def test_every_operation_is_accepted_by_stripe_mock(
    packages: dict[str, Package], version: str, stripe_mock: object
) -> None:
    pkg = packages[version]
    base_url = stripe_mock(pkg)  # type: ignore[operator]
    got = pkg.probe("calls", pkg.spec_json(), base_url)
    assert not got["failures"], "\n".join(got["failures"])
    assert got["called"] == _spec_operations(pkg, "/v1/")  # stripe-mock validates no v2 request
