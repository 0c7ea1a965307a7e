"""``mypy --strict`` sees the package the way users install it, and catches their mistakes.

The development install (``make setup``: an editable install made of links, see Makefile)
and a regular ``pip install .`` into a fresh virtualenv must both type-check a user script;
the mistakes script must fail on exactly the lines it marks.
"""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "typing_scripts"


def _mypy(tmp_path: Path, *scripts: str, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    """Run mypy from an empty folder (no project config), checking against ``python``'s packages."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    for name in scripts:
        (work / name).write_text((SCRIPTS / name).read_text())
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-executable",
            python,
            "--cache-dir",
            str(tmp_path / f"cache-{abs(hash(python))}"),
            *scripts,
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _error_lines(output: str, script: str) -> set[int]:
    return {int(n) for n in re.findall(rf"^{re.escape(script)}:(\d+): error:", output, re.MULTILINE)}


def _check_both_scripts(tmp_path: Path, python: str) -> None:
    mistakes = "user_mistakes.py"
    marked = {
        number
        for number, line in enumerate((SCRIPTS / mistakes).read_text().splitlines(), start=1)
        if line.endswith("# error")
    }
    assert len(marked) == 7
    result = _mypy(tmp_path, "user_script.py", mistakes, python=python)
    output = result.stdout + result.stderr
    assert "user_script.py:" not in output, output  # the user script is clean
    assert "Cannot find implementation" not in output, output
    assert _error_lines(result.stdout, mistakes) == marked, output


def test_the_dev_install_type_checks_user_code(tmp_path: Path) -> None:
    _check_both_scripts(tmp_path, sys.executable)  # the repo's .venv (make setup)


@pytest.mark.install  # builds a wheel and a virtualenv: `make test-install`, which CI runs
def test_the_dev_install_and_a_fresh_pip_install_both_type_check(tmp_path: Path) -> None:
    _check_both_scripts(tmp_path, sys.executable)

    # What `pip install .` does, in two steps so the fresh virtualenv needs no pip of its own:
    # build the wheel, then install it and its dependencies into the new environment.
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip"]
    built = subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    python = str(fresh / "bin" / "python")
    (wheel,) = wheels.glob("lattice_stripe-*.whl")
    installed = subprocess.run(
        [*pip, "--python", python, "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    found = subprocess.run(
        [python, "-c", "import lattice_stripe; print(lattice_stripe.__file__)"],
        capture_output=True,
        text=True,
    )
    assert found.stdout.startswith(str(fresh)), found.stdout + found.stderr  # not the checkout's
    _check_both_scripts(tmp_path, python)


@pytest.mark.parametrize("annotation_of", ["customers.retrieve", "checkout.sessions.list"])
def test_expand_is_typed_as_a_sequence_that_is_not_a_string(annotation_of: str) -> None:
    import inspect

    from lattice_stripe import StripeClient

    target: object = StripeClient("sk_test_1")
    for part in annotation_of.split("."):
        target = getattr(target, part)
    assert inspect.signature(target).parameters["expand"].annotation == "SequenceNotStr[str] | None"  # type: ignore[arg-type]
