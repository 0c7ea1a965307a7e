"""mypy and pyright see the package the way users install it, and catch their mistakes.

The development install (``make setup``: an editable install made of links, see Makefile)
and a regular ``pip install .`` into a fresh virtualenv must both type-check a user script
and the webhook guide's snippets without an error, and fail the mistakes script on exactly
the lines it marks, with short messages that name public classes. Each checker runs once over
all the scripts (the two in parallel); its output is read per line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "typing_scripts"
GUIDE = ROOT / "docs" / "guides" / "webhooks-frameworks.md"
MISTAKES = "user_mistakes.py"
CLEAN = ["user_script.py"]
SEEDED = 31  # lines marked "# error" in user_mistakes.py


def _marked() -> set[int]:
    lines = (SCRIPTS / MISTAKES).read_text().splitlines()
    return {number for number, line in enumerate(lines, start=1) if line.endswith("# error")}


def _write_scripts(work: Path, with_guide: bool) -> list[str]:
    work.mkdir(exist_ok=True)
    names = [*CLEAN, MISTAKES]
    for name in names:
        (work / name).write_text((SCRIPTS / name).read_text())
    if with_guide:  # the framework snippets need starlette and flask: the dev install has them
        blocks = re.findall(r"^```python\n(.*?)^```$", GUIDE.read_text(), re.MULTILINE | re.DOTALL)
        for index, block in enumerate(blocks):
            (work / f"guide_{index}.py").write_text(block)
            names.append(f"guide_{index}.py")
    return names


def _run_checkers(
    tmp_path: Path, python: str, with_guide: bool, mypy_cache: Path | None = None
) -> dict[str, list[tuple[str, int, str]]]:
    """Both checkers over the scripts, from an empty folder (no project config), against
    ``python``'s packages: each one's errors as (file, line, first message line)."""
    work = tmp_path / "work"
    names = _write_scripts(work, with_guide)
    cache = mypy_cache or tmp_path / f"mypy-cache-{abs(hash(python))}"
    mypy = subprocess.Popen(
        [sys.executable, "-m", "mypy", "--strict", "--python-executable", python, "--cache-dir",
         str(cache), "--no-pretty", *names],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    pyright = subprocess.Popen(
        [sys.executable, "-m", "pyright", "--pythonpath", python, "--outputjson", *names],
        cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    mypy_out, _ = mypy.communicate(timeout=600)
    pyright_out, pyright_err = pyright.communicate(timeout=600)
    mypy_errors = [
        (m[1], int(m[2]), m[3]) for m in re.finditer(r"^([\w.]+):(\d+): error: (.*)$", mypy_out, re.MULTILINE)
    ]
    assert mypy_errors or "Success" in mypy_out, mypy_out[-3000:]
    assert "Cannot find implementation" not in mypy_out, mypy_out[-3000:]
    try:
        report = json.loads(pyright_out)
    except json.JSONDecodeError:
        raise AssertionError(f"pyright did not run: {pyright_out[-2000:]} {pyright_err[-2000:]}") from None
    pyright_errors = [
        (Path(d["file"]).name, d["range"]["start"]["line"] + 1, d["message"].splitlines()[0])
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]
    return {"mypy": mypy_errors, "pyright": pyright_errors}


def _check(found: dict[str, list[tuple[str, int, str]]], checker: str) -> None:
    errors = found[checker]
    assert [e for e in errors if e[0] != MISTAKES] == [], f"{checker}: the clean scripts have errors"
    assert len(_marked()) == SEEDED
    lines = {line for name, line, _ in errors if name == MISTAKES}
    assert sorted(_marked() - lines) == [], f"{checker} missed these seeded mistakes"
    assert sorted(lines - _marked()) == [], f"{checker} reports errors on unmarked lines"
    for _, line, message in errors:
        assert len(message) < 300, f"{checker}, line {line}: a message a user cannot read: {message[:300]}"
        assert not re.search(r'"_[A-Z]\w*', message), f"{checker} names a private class: {message}"


@pytest.fixture(scope="module")
def dev_install(
    tmp_path_factory: pytest.TempPathFactory, mypy_cache: Path
) -> Iterator[dict[str, list[tuple[str, int, str]]]]:
    yield _run_checkers(
        tmp_path_factory.mktemp("typing"), sys.executable, with_guide=True, mypy_cache=mypy_cache
    )


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_the_dev_install_type_checks_user_code(
    dev_install: dict[str, list[tuple[str, int, str]]], checker: str
) -> None:
    _check(dev_install, checker)


def test_event_type_mistakes_are_one_short_line_naming_the_wrong_name(
    dev_install: dict[str, list[tuple[str, int, str]]],
) -> None:
    lines = (SCRIPTS / MISTAKES).read_text().splitlines()
    for checker in ("mypy", "pyright"):
        for name, line, message in dev_install[checker]:
            typo = re.search(r'(?:on|is_type)\("([^"]+)"\)', lines[line - 1])
            if name == MISTAKES and typo:
                assert f"'{typo[1]}'" in message and len(message) < 200, (checker, message)


@pytest.mark.install  # builds a wheel and a virtualenv: `make test-install`, which CI runs
def test_a_fresh_pip_install_type_checks_user_code(tmp_path: Path) -> None:
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
    result = _run_checkers(tmp_path, python, with_guide=False)
    _check(result, "mypy")
    _check(result, "pyright")


@pytest.mark.parametrize("annotation_of", ["customers.retrieve", "checkout.sessions.list"])
def test_expand_is_typed_as_a_sequence_that_is_not_a_string(annotation_of: str) -> None:
    import inspect

    from lattice_stripe import StripeClient

    target: object = StripeClient("sk_test_1")
    for part in annotation_of.split("."):
        target = getattr(target, part)
    assert inspect.signature(target).parameters["expand"].annotation == "SequenceNotStr[str] | None"  # type: ignore[arg-type]
