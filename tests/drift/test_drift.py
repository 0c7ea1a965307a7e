"""check-drift on real specs, hand edits, errors, update-spec.

Tests marked ``drift`` run check-drift over whole generated packages (a few CPU-seconds
each): ``make test-drift`` runs them, and CI (``.ci/run``); ``make test`` runs the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from codegen import drift
from codegen import spec as spec_mod
from codegen.ir.naming import class_name, identifier, module_name
from codegen.surface import Fields, Member, Operation, Surface
from tests.drift.conftest import Run, codegen
from tests.shared import OLD_COMMIT, OLD_LOCK, PAIR_LOCK

VERBS = ("get", "post", "delete")


# --- an independent count, straight from the two spec files ----------------------------


def document(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return spec_mod.parse(data)[0]  # the JSON parse cache; no IR


Docs = tuple[dict[str, Any], dict[str, Any]]


@pytest.fixture(scope="module")
def docs(new_spec: Path, old_spec: Path) -> Docs:
    """The pinned and the 2022-11-15 spec documents: (new, old)."""
    return document(new_spec), document(old_spec)


def operations(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(v, p) for p, item in doc["paths"].items() for v in item if v in VERBS}


def params(doc: dict[str, Any], op: tuple[str, str]) -> set[str]:
    raw = doc["paths"][op[1]][op[0]]
    names = {p["name"] for p in raw.get("parameters", []) if p["in"] != "path"}
    for content in raw.get("requestBody", {}).get("content", {}).values():
        names |= set(content.get("schema", {}).get("properties", {}))
    return {identifier(n) for n in names}


def schemas(doc: dict[str, Any]) -> dict[str, Any]:
    return dict(doc["components"]["schemas"])


def enum_values(schema: dict[str, Any]) -> set[str]:
    """Literal values a property's annotation lists: its enum, its items', its anyOf members'."""
    found = {str(v) for v in schema.get("enum", ())}
    for sub in (schema.get("items"), *schema.get("anyOf", ())):
        if isinstance(sub, dict) and "properties" not in sub:
            found |= enum_values(sub)
    return found


def field_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, set[str]]:
    """Fields and enum values (as 'Class.field' / 'Class.field=value') only in one spec, per side."""
    out: dict[str, set[str]] = {
        "fields_old": set(),
        "fields_new": set(),
        "enum_old": set(),
        "enum_new": set(),
    }
    for name in set(schemas(old)) & set(schemas(new)):
        a, b = schemas(old)[name].get("properties", {}), schemas(new)[name].get("properties", {})
        cls = class_name(name)
        out["fields_old"] |= {f"{cls}.{p}" for p in set(a) - set(b)}
        out["fields_new"] |= {f"{cls}.{p}" for p in set(b) - set(a)}
        for p in set(a) & set(b):
            out["enum_old"] |= {f"{cls}.{p}={v}" for v in enum_values(a[p]) - enum_values(b[p])}
            out["enum_new"] |= {f"{cls}.{p}={v}" for v in enum_values(b[p]) - enum_values(a[p])}
    return out


def top_level(docs: Docs, run: Run, action: str, kind: str) -> set[str]:
    """Changes of one kind on top-level models (a component schema's own class)."""
    NEW, OLD = docs
    classes = {class_name(s) for s in schemas(NEW)} | {class_name(s) for s in schemas(OLD)}
    out = set()
    for c in run.find(action, kind):
        if c["where"].split(".")[0] in classes:
            out.add(c["where"] + (f"={c['detail']}" if kind == "enum value" else ""))
    return out


def test_independent_counts_are_the_published_ones(docs: Docs) -> None:
    NEW, OLD = docs
    assert len(operations(NEW) - operations(OLD)) == 16
    assert not operations(OLD) - operations(NEW)
    assert len(set(schemas(NEW)) - set(schemas(OLD))) == 38
    assert len(set(schemas(OLD)) - set(schemas(NEW))) == 8


# --- the pinned spec --------------------------------------------------------------------


@pytest.mark.drift
def test_pinned_package_has_no_drift(reports: dict[str, Run]) -> None:
    run = reports["pinned"]
    assert run.returncode == 0, run.changes[:5]
    assert run.changes == []


# --- a package newer than the spec -------------------------------------------------------


@pytest.mark.drift
def test_newer_package_against_older_spec(reports: dict[str, Run], docs: Docs) -> None:
    NEW, OLD = docs
    run = reports["against_old_spec"]
    assert run.returncode == 1
    # operations only the newer spec has: present in the package, not in the spec
    new_only = operations(NEW) - operations(OLD)
    removed_ops = run.find("removed", "operation")
    assert len(removed_ops) == len(new_only) == 16
    assert {c["detail"].split(" ", 1)[0].lower() for c in removed_ops} == {v for v, _ in new_only}
    assert {c["detail"].split(" ", 1)[1] for c in removed_ops} == {p for _, p in new_only}
    assert "account_sessions.create" in run.where("removed", "operation")
    assert {w for w in run.where("removed", "operation") if w.startswith("payment_method_domains.")} == {
        f"payment_method_domains.{m}" for m in ("create", "list", "retrieve", "update", "validate")
    }
    assert not run.find("added", "operation")
    # schemas: only-older are missing from the package, only-newer are extra in it
    assert run.where("added", "model") == sorted(
        module_name(s) for s in set(schemas(OLD)) - set(schemas(NEW))
    )
    assert run.where("removed", "model") == sorted(
        module_name(s) for s in set(schemas(NEW)) - set(schemas(OLD))
    )
    # field and enum value changes on the models both specs have
    fields = field_diff(OLD, NEW)
    assert top_level(docs, run, "added", "field") == fields["fields_old"]
    assert top_level(docs, run, "removed", "field") == fields["fields_new"]
    assert top_level(docs, run, "added", "enum value") == fields["enum_old"]
    assert top_level(docs, run, "removed", "enum value") == fields["enum_new"]
    assert fields["fields_new"] and fields["enum_new"]
    # params of operations both specs have
    common = operations(NEW) & operations(OLD)
    assert len(run.find("removed", "param")) == sum(len(params(NEW, o) - params(OLD, o)) for o in common)
    assert len(run.find("added", "param")) == sum(len(params(OLD, o) - params(NEW, o)) for o in common)
    # classification: everything the package has and the spec lacks would break users
    assert all(c["breaking"] for c in run.changes if c["action"] == "removed")
    assert run.data["summary"]["groups"]["breaking"]["by kind"]["removed operation"] == 16
    assert "v2" not in run.data["summary"]["groups"]  # neither spec has a v2 API
    assert next(c for c in run.changes if c["kind"] == "api version")["detail"] == "2023-08-16 -> 2022-11-15"


@pytest.mark.drift
def test_older_package_against_pinned_spec(reports: dict[str, Run], docs: Docs) -> None:
    """The reverse: what regenerating from the pinned spec adds and removes."""
    NEW, OLD = docs
    run, forward = reports["old_package"], reports["against_old_spec"]
    assert run.returncode == 1
    added_ops = run.find("added", "operation")
    assert len(added_ops) == 16 and not any(c["breaking"] for c in added_ops)
    assert "account_sessions.create" in run.where("added", "operation")
    assert run.where("added", "model") == forward.where("removed", "model")
    assert run.where("removed", "model") == forward.where("added", "model")
    assert all(not c["breaking"] for c in run.find("added", "model"))
    assert all(c["breaking"] for c in run.find("removed", "model"))
    fields = field_diff(OLD, NEW)
    assert top_level(docs, run, "added", "field") == fields["fields_new"]
    assert top_level(docs, run, "removed", "field") == fields["fields_old"]
    assert top_level(docs, run, "added", "enum value") == fields["enum_new"]
    assert top_level(docs, run, "removed", "enum value") == fields["enum_old"]
    assert all(not c["breaking"] for c in run.find("added", "field") + run.find("added", "enum value"))
    assert all(c["breaking"] for c in run.find("removed", "field") + run.find("removed", "enum value"))
    # a new param breaks callers only when it is required (optional ones are typed `X | None`)
    new_params = run.find("added", "param")
    assert new_params
    for c in new_params:
        assert c["breaking"] == ("None" not in c["detail"].split(" | ")), c
    # the same differences, seen from the other side
    for key in ("operation", "model", "field", "param", "enum value"):
        assert len(run.find("added", key)) == len(forward.find("removed", key)), key
        assert len(run.find("removed", key)) == len(forward.find("added", key)), key


# --- the move to 2026 and its v2 API ------------------------------------------------------


@pytest.mark.drift
def test_2023_package_against_the_pinned_spec_reads_by_group(
    reports: dict[str, Run], pinned_file: Path
) -> None:
    """Summary first, then breaking, additive and v2; each group's count is what it lists."""
    run = reports["from_2023"]
    assert run.returncode == 1
    summary, groups = run.data["summary"], run.data["summary"]["groups"]
    assert list(groups) == list(drift.GROUPS)
    assert [c["group"] for c in run.changes] == sorted(
        (c["group"] for c in run.changes), key=drift.GROUPS.index
    )
    for name, group in groups.items():
        listed = [c for c in run.changes if c["group"] == name]
        assert group["changes"] == len(listed) == sum(group["by kind"].values()), name
        assert group["breaking"] == sum(c["breaking"] for c in listed), name
        assert all((c["api"] == "v2") == (name == "v2") for c in listed), name
    assert summary["differences"] == len(run.changes) > 5000
    assert summary["breaking"] == sum(c["breaking"] for c in run.changes) > 0
    # v2 is every /v2/ operation and v2.* schema of the spec, counted from the document alone,
    # and nothing else: the groups come from the records, so they agree with the spec's paths
    doc = document(pinned_file)
    v2 = [c for c in run.changes if c["group"] == "v2"]
    v2_ops = {(v, p) for v, p in operations(doc) if p.startswith("/v2/")}
    assert len(v2_ops) == 32
    assert {
        (c["detail"].split(" ")[0].lower(), c["detail"].split(" ")[1]) for c in v2 if c["kind"] == "operation"
    } == v2_ops
    assert {c["where"] for c in v2 if c["kind"] == "model"} == {
        module_name(s) for s in schemas(doc) if s.startswith("v2.")
    }
    assert all(c["where"].startswith(("v2.", "v2_", "V2")) for c in v2)
    assert not [c for c in run.changes if c["group"] != "v2" and c["where"].startswith(("v2.", "v2_", "V2"))]


# --- hand edits -------------------------------------------------------------------------


@pytest.mark.drift
def test_hand_edits_are_drift_docstrings_are_not(reports: dict[str, Run]) -> None:
    run = reports["edited"]
    assert run.returncode == 1
    got = {(c["action"], c["kind"], c["where"], c["detail"]) for c in run.changes}
    assert got == {
        ("added", "field", "Capability.requested", "bool"),  # deleted by hand: regenerating restores it
        (
            "changed",
            "operation",
            "charges.capture_now",
            "renamed to charges.capture (POST /v1/charges/{charge}/capture)",
        ),
        ("added", "enum value", "Charge.status", "pending"),
        # found by walking the async client of the edited package, not derived from the spec
        (
            "changed",
            "async",
            "AsyncStripeClient operation refunds.cancel_later",
            "renamed to refunds.cancel (POST /v1/refunds/{refund}/cancel)",
        ),
        ("changed", "async", "AsyncStripeClient param refunds.create(amount) required", "True -> False"),
        ("changed", "async", "AsyncStripeClient param refunds.create(amount) type", "int -> None | int"),
    }
    renamed = run.find("changed", "operation")[0]
    assert renamed["breaking"]
    assert all(c["breaking"] for c in run.changes if c["kind"] == "async")


# --- could not run ------------------------------------------------------------------------


def test_missing_spec_exits_2(work: Path) -> None:
    (missing,) = codegen(("check-drift", "--spec", work / "nope.yaml", "--offline"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr
    lock = work / "unknown.lock"
    spec_mod.Lock(
        "2099-01-01", "stripe/openapi", "0" * 40, "openapi/spec3.yaml", "f" * 64, "https://x.invalid/s"
    ).write(lock)
    (unknown,) = codegen(("check-drift", "--lock", lock, "--offline"))
    assert unknown.returncode == 2
    assert "no verified spec for API version 2099-01-01" in unknown.stderr
    assert "Pass --spec PATH" in unknown.stderr


def test_wrong_sha256_exits_2(old_spec: Path) -> None:
    (wrong,) = codegen(("check-drift", "--spec", old_spec, "--offline"))
    assert wrong.returncode == 2
    assert f"--spec {old_spec} was given, but it is not the pinned spec" in wrong.stderr
    assert f"(canonical sha256 {spec_mod.Lock.read().canonical_sha256})" in wrong.stderr
    assert (
        f"update-spec --version VERSION --commit STRIPE_OPENAPI_SHA --spec {old_spec} --lock OTHER.lock"
        in wrong.stderr
    )


NOT_STRIPE = """openapi: 3.0.0
info: {title: Petstore, version: 1.0.0}
paths:
  /pets: {get: {operationId: listPets, responses: {'200': {description: ok}}}}
components:
  schemas:
    Pet: {type: object, properties: {name: {type: string}}}
"""


def test_not_a_stripe_spec_exits_2(work: Path) -> None:
    petstore = work / "petstore.yaml"
    petstore.write_text(NOT_STRIPE)
    lock = work / "petstore.lock"
    sha = spec_mod.canonical_sha256(spec_mod.decode(petstore.read_bytes()))
    spec_mod.Lock("1.0.0", "acme/petstore", "0" * 40, "petstore.yaml", sha, "https://x.invalid/p").write(lock)
    check, update = codegen(
        ("check-drift", "--spec", petstore, "--lock", lock, "--offline"),
        (
            "update-spec",
            "--version",
            "1.0.0",
            "--commit",
            "0" * 40,
            "--spec",
            petstore,
            "--lock",
            work / "p2.lock",
        ),
    )
    for r in (check, update):
        assert r.returncode == 2, r.stderr
        assert "not a Stripe API spec" in r.stderr
        assert "github.com/stripe/openapi" in r.stderr
    assert not (work / "p2.lock").exists()


def test_missing_package_exits_2(work: Path) -> None:
    (work / "empty").mkdir(exist_ok=True)
    (r,) = codegen(("check-drift", "--offline", "--package-dir", work / "empty"))
    assert r.returncode == 2
    assert "no generated package" in r.stderr and "make generate" in r.stderr


# --- update-spec, formats, --fail-on ---------------------------------------------------------


@pytest.mark.drift
def test_update_spec_writes_the_lock_and_prints_the_drift(
    work: Path, packages: dict[str, Path], old_spec: Path
) -> None:
    lock = work / "updated.lock"
    spec_mod.Lock.read(PAIR_LOCK).write(lock)
    r, bad = codegen(
        (
            "update-spec",
            "--version",
            "2022-11-15",
            "--commit",
            OLD_COMMIT,
            "--spec",
            old_spec,
            "--lock",
            lock,
            "--offline",
            "--package-dir",
            packages["new"],
            "--format",
            "changelog",
        ),
        (
            "update-spec",
            "--version",
            "2021-01-01",
            "--commit",
            OLD_COMMIT,
            "--spec",
            old_spec,
            "--lock",
            work / "bad.lock",
            "--offline",
        ),
    )
    assert r.returncode == 0, r.stderr
    assert spec_mod.Lock.read(lock) == OLD_LOCK
    assert "2023-08-16 (63a674638635) -> 2022-11-15 (222e640e82c5" in r.stdout
    assert "### Breaking changes" in r.stdout and "`account_sessions.create`" in r.stdout
    # the next steps name the lock that was written, not the pinned one
    assert f"Next: `python -m codegen generate --lock {lock} --spec {old_spec} --out DIR`" in r.stdout
    assert f"`python -m codegen check-drift --lock {lock} --spec {old_spec} --format changelog`" in r.stdout
    assert "make generate" not in r.stdout
    assert bad.returncode == 2 and "is API version 2022-11-15, not 2021-01-01" in bad.stderr
    assert not (work / "bad.lock").exists()


@pytest.mark.drift
def test_every_format_renders(reports: dict[str, Run]) -> None:
    run = reports["against_old_spec"]
    changes = tuple(drift.Change(**{k: v for k, v in c.items() if k != "group"}) for c in run.changes)
    report = drift.Report(run.data["spec"], run.data["package"], changes, "2022-11-15", "2023-08-16")
    text = drift.render(report, "text")
    assert "BREAKING (v1 API, breaks users): " in text
    assert "  breaking  removed  operation   account_sessions.create  POST /v1/account_sessions" in text
    markdown = drift.render(report, "markdown")
    assert "### Breaking: " in markdown
    assert "| ⚠️ breaking | removed | operation | `account_sessions.create` |" in markdown
    github = drift.render(report, "github").splitlines()
    assert any(
        line.startswith("::error title=API drift, breaking (removed operation)::account_sessions.create")
        for line in github
    )
    assert github[0].startswith("::error title=API drift::")  # the summary first: GitHub shows the first few
    changelog = drift.render(report, "changelog")
    assert changelog.startswith("## Unreleased: Stripe API 2022-11-15 (from 2023-08-16)\n")
    breaking = changelog.split("### Breaking changes")[1].split("###")[0]
    assert breaking.index("removed operation `account_sessions.create`") < breaking.index("removed field")
    assert "removed enum value `Charge.status`" not in breaking  # 2022 lists every Charge.status value
    assert '"verification_directors_mismatch"' in breaking  # enum values quoted (some are "")
    assert json.loads(drift.render(report, "json"))["changes"] == run.changes
    empty = drift.Report("s", "p", ())
    assert "No drift" in drift.render(empty, "text") and "No API surface changes" in drift.render(
        empty, "changelog"
    )


@pytest.mark.drift
def test_fail_on_breaking_through_the_cli(reports: dict[str, Run]) -> None:
    """The same additive-only drift fails `--fail-on any` (the default) and passes `breaking`."""
    strict, lenient = reports["additive_any"], reports["additive_breaking"]
    assert strict.changes == lenient.changes
    assert [(c["action"], c["kind"], c["where"], c["breaking"]) for c in strict.changes] == [
        ("added", "field", "Capability.requested", False)
    ]
    assert (strict.returncode, lenient.returncode) == (1, 0)


def test_fail_on_breaking() -> None:
    additive = drift.Change("added", "operation", "x.create", "POST /v1/x", False)
    breaking = drift.Change("removed", "field", "X.y", "str", True)
    assert drift.Report("s", "p", (additive,)).failing("any")
    assert not drift.Report("s", "p", (additive,)).failing("breaking")
    assert drift.Report("s", "p", (additive, breaking)).failing("breaking")
    assert not drift.Report("s", "p", ()).failing("any")


@pytest.mark.parametrize(
    ("before", "after", "param_breaks", "field_breaks"),
    [
        ("str", "None | str", False, True),  # accepts more; may now be None
        ("None | str", "str", True, False),
        ("Literal", "str", False, True),
        ("str", "Literal", True, False),
        ("int | str", "int", True, False),
        ("Account", "Account | str", False, True),
        ("int", "str", True, True),
    ],
)
def test_type_changes_follow_the_data_flow(
    before: str, after: str, param_breaks: bool, field_breaks: bool
) -> None:
    def param(t: str) -> Surface:
        return Surface({}, {"a.b": Operation("GET /v1/b", (), "B", {"p": Member(t, required=False)})})

    def field(t: str) -> Surface:
        return Surface({}, {}, models={"m": {"M": Fields({"f": Member(t, required=True)})}})

    (p,) = drift.diff(param(before), param(after))
    (f,) = drift.diff(field(before), field(after))
    assert (p.action, p.kind, p.where, p.breaking) == ("changed", "param", "a.b(p) type", param_breaks)
    assert (f.action, f.kind, f.where, f.breaking) == ("changed", "field", "M.f type", field_breaks)


def test_required_changes_follow_the_data_flow() -> None:
    def entry(section: str, required: bool) -> Surface:
        member = {"x": Member("str", required=required)}
        if section == "params":
            return Surface({}, {"a.b": Operation("GET /v1/b", (), "B", member)})
        return Surface({}, {}, models={"m": {"M": Fields(member)}})

    assert drift.diff(entry("params", False), entry("params", True))[
        0
    ].breaking  # now required: callers break
    assert not drift.diff(entry("params", True), entry("params", False))[0].breaking
    assert drift.diff(entry("models", True), entry("models", False))[
        0
    ].breaking  # may be absent: readers break
    assert not drift.diff(entry("models", False), entry("models", True))[0].breaking


# --- overrides ------------------------------------------------------------------------------


@pytest.mark.drift
def test_guard_narrowing_is_not_drift(packages: dict[str, Path], reports: dict[str, Run]) -> None:
    """The pinned package narrows accounts.reject(reason), and the pinned check still passes."""
    source = (packages["pinned"] / "lattice_stripe" / "resources" / "accounts.py").read_text()
    assert '@guard(AccountsGuards.reject, "accounts.reject")' in source
    assert 'reason: Literal["fraud", "terms_of_service", "other"]' in source
    assert reports["pinned"].changes == []


def test_override_whose_premise_moved_needs_review(pinned_spec: spec_mod.LoadedSpec) -> None:
    from codegen.ir.build import build
    from codegen.ir.overrides import Overrides
    from codegen.surface import PackageSurface, from_api
    from overrides.registry import ParamOverride, Registry

    def override(call_path: str, param: str, spec_annotation: str, sha: str) -> ParamOverride:
        return ParamOverride(
            call_path=call_path,
            param=param,
            allowed=("fraud", "other"),
            api_version="2023-08-16",
            spec_annotation=spec_annotation,
            spec_description_sha256=sha,
        )

    registry = Registry(
        params=(
            override("accounts.reject", "reason", "int", "0" * 64),  # the spec "changed" type and prose
            override("accounts.reject", "no_such_param", "str", "0" * 64),  # the spec "dropped" it
        )
    )
    api = build(pinned_spec, Overrides(registry=registry, strict=False))
    package = from_api(api)  # a package generated with these overrides: nothing else differs
    changes = drift.compare(api, PackageSurface(package, package))
    assert {c.action for c in changes} == {"review"}
    assert all(c.breaking for c in changes)
    messages = " ".join(c.detail for c in changes)
    assert "type is now str (was int)" in messages and "description is now" in messages
    assert "no_such_param" in messages
    assert drift.Report("s", "p", tuple(changes)).failing("breaking")


def test_async_mirror_classification(pinned_spec: spec_mod.LoadedSpec) -> None:
    """The comparison alone, on surfaces built from the IR (the edited package tests the walker)."""
    from codegen.ir.build import build
    from codegen.surface import PackageSurface, from_api

    api = build(pinned_spec)
    sync = from_api(api)
    operations = dict(sync.operations)
    del operations["refunds.cancel"]
    create = operations["refunds.create"]
    amount = attrs.evolve(create.params["amount"], required=True)
    operations["refunds.create"] = attrs.evolve(create, params={**create.params, "amount": amount})
    async_ = Surface(sync.resources, operations)
    changes = drift.compare(api, PackageSurface(sync, async_))
    assert {(c.kind, c.where, c.breaking) for c in changes} == {
        ("async", "AsyncStripeClient operation refunds.cancel", True),
        ("async", "AsyncStripeClient param refunds.create(amount) required", True),
    }
