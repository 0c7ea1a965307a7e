from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen import spec as spec_mod
from codegen.spec import Lock, SpecError
from tests.codegen.helpers import lock_for
from tests.shared import PINNED_SPEC, need

MINIMAL = {
    "openapi": "3.0.0",
    "info": {"version": "2099-03-03"},
    "paths": {"/v1/x": {}},
    "components": {"schemas": {}},
}


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No mirror, no cache, no env var: only what a test provides."""
    monkeypatch.setattr(spec_mod, "MIRROR_DIR", tmp_path / "mirror")
    monkeypatch.setattr(spec_mod, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.delenv(spec_mod.ENV_VAR, raising=False)
    return tmp_path


def test_pinned_lock_matches_the_issue() -> None:
    lock = Lock.read()
    assert lock.api_version == "2026-05-27.dahlia"
    assert lock.commit == "eebb74e2089c37baf2d3ccf322e7a30927dd4abf"
    assert lock.canonical_sha256 == "626ff2c3a5a725a29f7518cec27c2ce7f0547f735fda824e8f7a9fc071c47ea9"
    assert lock.url.endswith(f"/{lock.commit}/latest/openapi.spec3.json")


def test_nothing_found_says_what_it_tried(isolated: Path) -> None:
    lock = Lock("2099-03-03", "r/x", "c" * 40, "p", "0" * 64, "https://example.invalid/spec.yaml")
    with pytest.raises(SpecError) as info:
        spec_mod.load(lock, download=False)
    message = str(info.value)
    assert "shared mirror" in message and "download cache" in message and "--spec" in message


def test_explicit_file_with_wrong_sha256_is_refused(isolated: Path) -> None:
    path = isolated / "spec.json"
    path.write_text(json.dumps(MINIMAL))
    lock = Lock("2099-03-03", "r/x", "c" * 40, "p", "f" * 64, "https://example.invalid/spec.yaml")
    with pytest.raises(SpecError) as info:
        spec_mod.load(lock, path, download=False)
    message = str(info.value)
    assert f"--spec {path} was given, but it is not the pinned spec" in message
    assert "pins API 2099-03-03 (canonical sha256 " + "f" * 64 in message
    assert (
        f"update-spec --version VERSION --commit STRIPE_OPENAPI_SHA --spec {path} --lock OTHER.lock"
        in message
    )
    assert "Pass --spec PATH" not in message  # the user just did


def test_env_var_with_wrong_sha256_is_an_error_not_a_fall_through(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = isolated / "spec.json"
    wrong.write_text(json.dumps(MINIMAL))
    (isolated / "mirror").mkdir()
    pinned = isolated / "mirror" / "spec3.2099-03-03.yaml"
    pinned.write_text(json.dumps({**MINIMAL, "x": 1}))
    lock = lock_for(pinned, "2099-03-03")
    assert spec_mod.load(lock, download=False).source.startswith("shared mirror")
    monkeypatch.setenv(spec_mod.ENV_VAR, str(wrong))
    with pytest.raises(
        SpecError, match=r"\$LATTICE_STRIPE_SPEC .*spec\.json was given, but it is not the pinned"
    ):
        spec_mod.load(lock, download=False)
    monkeypatch.setenv(spec_mod.ENV_VAR, str(isolated / "gone.json"))
    with pytest.raises(SpecError, match=r"\$LATTICE_STRIPE_SPEC .*gone\.json: no such file"):
        spec_mod.load(lock, download=False)


def test_env_var_is_used_and_parse_is_cached(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = isolated / "spec.json"
    path.write_text(json.dumps(MINIMAL))
    monkeypatch.setenv(spec_mod.ENV_VAR, str(path))
    lock = lock_for(path, "2099-03-03")
    first = spec_mod.load(lock, download=False)
    assert first.source.startswith("$LATTICE_STRIPE_SPEC")
    import yaml

    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("YAML parsed twice"))
    again = spec_mod.load(lock, download=False)
    assert again.document == first.document


def test_a_file_that_is_not_a_stripe_spec_is_refused(isolated: Path) -> None:
    path = isolated / "spec.yaml"
    path.write_text("just: a mapping\n")
    with pytest.raises(SpecError, match="not an OpenAPI 3 document"):
        spec_mod.load(lock_for(path, "2099-03-03"), path, download=False)


def test_a_missing_explicit_file_is_an_error_not_a_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spec_mod, "MIRROR_DIR", need(PINNED_SPEC).parent)
    lock = Lock.read()  # the shared mirror holds this spec, but --spec names another file
    assert spec_mod.load(lock, download=False).source.startswith("shared mirror")
    with pytest.raises(SpecError, match=r"--spec .*nope\.yaml: no such file"):
        spec_mod.load(lock, tmp_path / "nope.yaml", download=False)
