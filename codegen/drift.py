"""Compare the surface the spec implies with the surface the package exposes, and report it.

Direction: every change is what regenerating from the spec would do to the package.
*added* = in the spec, not in the package; *removed* = in the package, not in the spec;
*changed* = in both, different.

Breaking: removals (enum values included), new required params, params becoming required,
fields becoming optional, and type changes against the data flow (a param type that no
longer accepts what it did; a field or return type that may now hold what it could not).
The rest is additive.

Overrides: the spec side comes from the IR with ``overrides/`` applied (the narrowed
``accounts.reject(reason)`` is what the spec side expects), so intentional differences are
not drift. An override whose premise moved in the spec (the param's type or description
changed, or its target is gone) is reported as ``review`` and always fails.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs
from deepdiff import DeepDiff

from . import surface
from .ir.build import build
from .ir.nodes import Api
from .ir.overrides import Overrides
from .spec import LoadedSpec
from .surface import PackageSurface, Surface

ACTIONS = ("review", "removed", "added", "changed")
FORMATS = ("text", "json", "markdown", "github", "changelog")
MEANING = {
    "added": "in the spec, not in the package",
    "removed": "in the package, not in the spec",
    "changed": "in both, different",
    "review": "an override whose premise changed in the spec",
}


@attrs.frozen
class Change:
    action: str  # added | removed | changed | review
    kind: str  # api version | resource | operation | param | model | class | field | enum value | async
    where: str  # "accounts.reject(reason)", "Capability.status", "capability" (a model module)
    detail: str
    breaking: bool


@attrs.frozen
class Report:
    spec: str  # what the spec side is, e.g. "API 2023-08-16 from ... (sha256 eed9ac08a03a)"
    package: str
    changes: tuple[Change, ...]
    spec_version: str = ""
    package_version: str = ""

    def failing(self, fail_on: str) -> bool:
        return any(c.breaking or fail_on == "any" for c in self.changes)

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter((c.action, c.kind) for c in self.changes)


# --- comparison -------------------------------------------------------------------


def check(loaded: LoadedSpec, package_dir: Path) -> Report:
    """Build the spec's surface through the IR, import the package's, and compare them."""
    api = build(loaded, Overrides(strict=False))  # an override the spec lacks is a review, not an error
    package = surface.from_package(package_dir)
    return Report(
        spec=f"API {api.api_version} from {loaded.source} (sha256 {api.sha256[:12]})",
        package=f"API {package.surface['api_version']} in {package_dir}",
        changes=tuple(compare(api, package)),
        spec_version=api.api_version,
        package_version=str(package.surface["api_version"]),
    )


def compare(api: Api, package: PackageSurface) -> list[Change]:
    """Changes that turn the package's surface into the spec's (overrides applied, as in the IR)."""
    changes = [Change("review", "override", r.target, r.message, True) for r in api.override_reviews]
    changes += diff(package.surface, surface.from_api(api))
    # The async client must mirror the sync one exactly: any difference is a defect.
    clients = ("resources", "operations")
    sync, async_ = ({k: s[k] for k in clients} for s in (package.surface, package.async_surface))
    for c in diff(async_, sync):
        changes.append(
            attrs.evolve(c, kind="async", where=f"AsyncStripeClient {c.kind} {c.where}", breaking=True)
        )
    return changes


def diff(old: Surface, new: Surface) -> list[Change]:
    # Only hand deepdiff the entries that differ: equal subtrees cost nothing that way.
    def reduce(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return {k: a[k] for k in a if k not in b or a[k] != b[k]}

    old_r = {k: reduce(v, new.get(k, {})) if isinstance(v, dict) else v for k, v in old.items()}
    new_r = {k: reduce(v, old.get(k, {})) if isinstance(v, dict) else v for k, v in new.items()}
    changes: list[Change] = []
    for action, levels in DeepDiff(old_r, new_r, view="tree", threshold_to_diff_deeper=0).items():
        for level in levels:
            path = [str(p) for p in level.path(output_format="list")]
            changes.append(_classify(action, path, level.t1, level.t2))
    return _pair_renames(changes)


# section -> kinds of (module, class, member), and whether members are inputs (params)
NESTED = {
    "models": ("model", "class", "field", False),
    "params": ("params module", "params type", "param key", True),
}


def _classify(report: str, path: list[str], before: Any, after: Any) -> Change:
    action = {"dictionary_item_added": "added", "dictionary_item_removed": "removed"}.get(report, "changed")
    value = after if action == "added" else before
    section, key, rest = path[0], path[1] if len(path) > 1 else "", path[2:]
    if section == "api_version":
        return Change("changed", "api version", "api_version", f"{before} -> {after}", False)
    if section == "resources":
        detail = f"{before} -> {after}" if action == "changed" else str(value)
        return Change(action, "resource", key, detail, action != "added")
    if section == "operations":
        if not rest:
            return Change(action, "operation", key, _http(value), action != "added")
        if rest[0] == "params":
            return _member(action, "param", f"{key}({rest[1]})", rest[2:], value, before, after, True)
        return _changed(
            "operation",
            f"{key} {rest[0]}",
            before,
            after,
            lambda a, b: rest[0] != "returns" or _type_breaks(a, b, inputs=False),
        )
    # models and params: module -> class -> "fields" -> key -> attr/type/required/enum
    module_kind, class_kind, member_kind, inputs = NESTED[section]
    if not rest:
        return Change(action, module_kind, key, ", ".join(sorted(value)), action != "added")
    cls = rest[0]
    if len(rest) == 1:
        return Change(action, class_kind, cls, f"in {section}/{key}.py", action != "added")
    if rest[1] == "alias":
        return _changed("alias", cls, before, after, lambda a, b: _type_breaks(a, b, inputs=False))
    if len(rest) == 2:  # a class became an alias or the other way round
        return _changed(class_kind, cls, before, after, lambda a, b: True)
    where = f"{cls}[{rest[2]!r}]" if inputs else f"{cls}.{rest[2]}"
    return _member(action, member_kind, where, rest[3:], value, before, after, inputs)


def _member(
    action: str, kind: str, where: str, rest: list[str], value: Any, before: Any, after: Any, inputs: bool
) -> Change:
    """A param, a params TypedDict key or a model field; ``rest`` is the path below it."""
    if not rest:
        new_required = inputs and action == "added" and bool(value.get("required"))
        return Change(action, kind, where, value["type"], action == "removed" or new_required)
    if rest[0] == "enum":
        return Change(action, "enum value", where, rest[1], action == "removed")
    if (
        rest[0] == "required"
    ):  # callers break when an input becomes required, readers when an output may be absent
        return _changed(kind, f"{where} required", before, after, lambda a, b: b is inputs)
    return _changed(kind, f"{where} {rest[0]}", before, after, lambda a, b: _type_breaks(a, b, inputs))


def _changed(kind: str, where: str, before: Any, after: Any, breaking: Callable[[Any, Any], bool]) -> Change:
    return Change("changed", kind, where, f"{before} -> {after}", breaking(before, after))


def _type_breaks(before: Any, after: Any, inputs: bool) -> bool:
    """Inputs break unless every old member is still accepted (widening); outputs break unless
    every new member was already possible (narrowing). ``Literal`` counts as a kind of ``str``."""
    if not isinstance(before, str) or not isinstance(after, str):
        return True
    old, new = before.split(" | "), after.split(" | ")
    if not inputs:
        old, new = new, old
    return not all(m in new or (m == "Literal" and "str" in new) for m in old)


def _http(op: dict[str, Any]) -> str:
    http: str = op.get("http", "")
    for name in filter(None, op.get("path_params", "").split(", ")):
        http = http.replace("{}", "{" + name + "}", 1)
    return http


def _pair_renames(changes: list[Change]) -> list[Change]:
    """An operation removed under one call path and added under another is a rename."""
    ops = {(c.action, c.detail): c for c in changes if c.kind == "operation"}
    renamed = {http for action, http in ops if action == "added" and ("removed", http) in ops}
    out = [
        c for c in changes if not (c.kind == "operation" and c.action != "changed" and c.detail in renamed)
    ]
    for http in sorted(renamed):
        old, new = ops[("removed", http)].where, ops[("added", http)].where
        out.append(Change("changed", "operation", old, f"renamed to {new} ({http})", True))
    return out


# --- reporting ----------------------------------------------------------------------


def render(report: Report, fmt: str) -> str:
    return {"text": _text, "json": _json, "markdown": _markdown, "github": _github, "changelog": _changelog}[
        fmt
    ](report)


KINDS = (
    "override", "api version", "resource", "operation", "param", "params module", "params type",
    "param key", "model", "class", "alias", "field", "enum value", "async",
)  # fmt: skip


def _ordered(report: Report) -> list[Change]:
    def key(c: Change) -> tuple[int, int, str, str]:
        return (
            ACTIONS.index(c.action),
            KINDS.index(c.kind) if c.kind in KINDS else len(KINDS),
            c.where,
            c.detail,
        )

    return sorted(report.changes, key=key)


def _grouped(changes: Iterable[Change]) -> list[Change]:
    """For people: enum values quoted, and those of one field or param folded into one line."""
    out: list[Change] = []
    for c in changes:
        if c.kind != "enum value":
            out.append(c)
            continue
        c = attrs.evolve(c, detail=json.dumps(c.detail))
        last = out[-1] if out else None
        if last and (last.action, last.kind, last.where) == (c.action, c.kind, c.where):
            out[-1] = attrs.evolve(
                last, detail=f"{last.detail}, {c.detail}", breaking=last.breaking or c.breaking
            )
        else:
            out.append(c)
    return out


def summary(report: Report) -> str:
    if not report.changes:
        return "no drift"
    breaking = sum(c.breaking for c in report.changes)
    parts = ", ".join(f"{n} {a} {k}" for (a, k), n in sorted(report.counts().items()))
    return f"{len(report.changes)} differences ({breaking} breaking): {parts}"


def _header(report: Report) -> list[str]:
    return [f"spec:    {report.spec}", f"package: {report.package}"]


def _text(report: Report) -> str:
    lines = ["API drift check", *_header(report), ""]
    if not report.changes:
        return "\n".join([*lines, "No drift: the package exposes exactly what the spec describes."])
    lines.append(summary(report))
    for action in ACTIONS:
        group = _grouped(c for c in _ordered(report) if c.action == action)
        if group:
            lines += ["", f"{action.upper()} ({MEANING[action]}): {len(group)}"]
            lines += [
                f"  {'breaking' if c.breaking else 'additive':<8}  {c.kind:<10}  {c.where}  {c.detail}"
                for c in group
            ]
    lines += ["", "Run `make generate` to bring the package in line with the spec (never edit generated/)."]
    return "\n".join(lines)


def _json(report: Report) -> str:
    return json.dumps(
        {
            "spec": report.spec,
            "package": report.package,
            "summary": {f"{a} {k}": n for (a, k), n in sorted(report.counts().items())},
            "breaking": sum(c.breaking for c in report.changes),
            "changes": [attrs.asdict(c) for c in _ordered(report)],
        },
        indent=2,
    )


def _markdown(report: Report) -> str:
    lines = ["## API drift", "", f"- spec: {report.spec}", f"- package: {report.package}", ""]
    if not report.changes:
        return "\n".join([*lines, "No drift."])
    lines.append(summary(report))
    for action in ACTIONS:
        group = _grouped(c for c in _ordered(report) if c.action == action)
        if group:
            lines += [
                "",
                f"### {action.capitalize()} ({MEANING[action]})",
                "",
                "| | kind | where | detail |",
                "|---|---|---|---|",
            ]
            lines += [
                f"| {'⚠️ breaking' if c.breaking else 'additive'} | {c.kind} | `{c.where}` | {_md(c.detail)} |"
                for c in group
            ]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _github(report: Report) -> str:
    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    lines = [
        f"::{'error' if c.breaking else 'warning'} title=API drift ({c.action} {c.kind})::"
        + escape(f"{c.where}: {c.detail}")
        for c in _grouped(_ordered(report))
    ]
    level = "error" if any(c.breaking for c in report.changes) else "notice"
    return "\n".join([*lines, f"::{level} title=API drift::{escape(summary(report))}"])


def _changelog(report: Report) -> str:
    """A CHANGELOG section: what regenerating from the spec changes for users."""
    moved = f" (from {report.package_version})" if report.package_version != report.spec_version else ""
    lines = [f"## Unreleased: Stripe API {report.spec_version}{moved}", ""]
    titles = {"breaking": "### Breaking changes", "added": "### Added", "changed": "### Changed"}
    buckets: dict[str, list[Change]] = {k: [] for k in titles}
    for c in _grouped(_ordered(report)):
        if c.action == "review":
            continue
        buckets["breaking" if c.breaking else ("added" if c.action == "added" else "changed")].append(c)
    for key, title in titles.items():
        if buckets[key]:
            lines += [title, ""]
            lines += [f"- {c.action} {c.kind} `{c.where}`: {c.detail}" for c in buckets[key]]
            lines.append("")
    if len(lines) == 2:
        lines.append("- No API surface changes.")
    return "\n".join(lines).rstrip() + "\n"
