"""Compare the surface the spec implies with the surface the package exposes, and report it.

Direction: every change is what regenerating from the spec would do to the package.
*added* = in the spec, not in the package; *removed* = in the package, not in the spec;
*changed* = in both, different.

Breaking: removals (enum values included), new required params, params becoming required,
fields becoming optional, and type changes against the data flow (a param type that no
longer accepts what it did; a field or return type that may now hold what it could not).
The rest is additive.

Groups: a report reads summary first, then three groups: **breaking** and **additive** changes
of the v1 API, and **v2**, every change to Stripe's v2 API (``client.v2.*``, its params and
``v2.*`` models), breaking or not. Each change carries the API it belongs to (``api``, set where
the change is built, from the surface record); the group is presentation only: a breaking v2
change still fails ``--fail-on breaking``.

Overrides: the spec side comes from the IR with ``overrides/`` applied (the narrowed
``accounts.reject(reason)`` is what the spec side expects), so intentional differences are
not drift. An override whose premise moved in the spec (the param's type or description
changed, or its target is gone) is reported as ``review`` and always fails.
"""

from __future__ import annotations

import itertools
import json
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import TypeVar

import attrs

from . import surface
from .ir.build import build
from .ir.nodes import Api
from .ir.overrides import Overrides
from .spec import LoadedSpec
from .surface import Alias, Fields, Member, PackageSurface, Shape, Surface

ACTIONS = ("review", "removed", "added", "changed")
GROUPS = ("breaking", "additive", "v2")
FORMATS = ("text", "json", "markdown", "github", "changelog")
MEANING = {
    "added": "in the spec, not in the package",
    "removed": "in the package, not in the spec",
    "changed": "in both, different",
    "review": "an override whose premise changed in the spec",
}
GROUP_MEANING = {
    "breaking": "v1 API, breaks users",
    "additive": "v1 API, breaks no one",
    "v2": "the v2 API: client.v2.*, its params and v2.* models",
}


@attrs.frozen
class Change:
    action: str  # added | removed | changed | review
    kind: str  # api version | resource | operation | param | model | class | field | enum value | async
    where: str  # "accounts.reject(reason)", "Capability.status", "capability" (a model module)
    detail: str
    breaking: bool
    api: str = "v1"  # v1 | v2: the API of the record that changed

    @property
    def group(self) -> str:
        if self.api == "v2":
            return "v2"
        return "breaking" if self.breaking else "additive"


@attrs.frozen
class Report:
    spec: str  # what the spec side is, e.g. "API 2023-08-16 from ... (sha256 eed9ac08a03a)"
    package: str
    changes: tuple[Change, ...]
    spec_version: str = ""
    package_version: str = ""

    def failing(self, fail_on: str) -> bool:
        return any(c.breaking or fail_on == "any" for c in self.changes)


@attrs.frozen
class ChangeKinds:
    """How the changes of a models or params section are named."""

    module: str
    shape: str
    member: str
    inputs: bool  # members are what callers send (params) rather than what they read (fields)

    def where(self, shape: str, key: str) -> str:
        return f"{shape}[{key!r}]" if self.inputs else f"{shape}.{key}"


SECTIONS = {
    "models": ChangeKinds("model", "class", "field", inputs=False),
    "params": ChangeKinds("params module", "params type", "param key", inputs=True),
}
PARAMS = ChangeKinds("", "", "param", inputs=True)  # an operation's keyword arguments


# --- comparison -------------------------------------------------------------------


def check(loaded: LoadedSpec, package_dir: Path) -> Report:
    """Build the spec's surface through the IR, import the package's, and compare them."""
    api = build(loaded, Overrides(strict=False))  # an override the spec lacks is a review, not an error
    package = surface.from_package(package_dir)
    return Report(
        spec=f"API {api.api_version} from {loaded.source} (sha256 {api.sha256[:12]})",
        package=f"API {package.surface.api_version} in {package_dir}",
        changes=tuple(compare(api, package)),
        spec_version=api.api_version,
        package_version=package.surface.api_version,
    )


def compare(api: Api, package: PackageSurface) -> list[Change]:
    """Changes that turn the package's surface into the spec's (overrides applied, as in the IR)."""
    changes = [
        Change("review", "override", r.target, r.message, True, surface.api_of(r.target))
        for r in api.override_reviews
    ]
    changes += diff(package.surface, surface.from_api(api))
    # The async client must mirror the sync one exactly: any difference is a defect.
    sync, async_ = (Surface(s.resources, s.operations) for s in (package.surface, package.async_surface))
    for c in diff(async_, sync):
        changes.append(
            attrs.evolve(c, kind="async", where=f"AsyncStripeClient {c.kind} {c.where}", breaking=True)
        )
    return changes


def diff(old: Surface, new: Surface) -> list[Change]:
    """Record by record, keyed by identity: what turns ``old`` into ``new``."""
    changes: list[Change] = []
    if old.api_version != new.api_version:
        changes.append(
            Change("changed", "api version", "api_version", f"{old.api_version} -> {new.api_version}", False)
        )
    changes += _keyed(old.resources, new.resources, _resource, _renamed_class)
    changes += _keyed(old.operations, new.operations, _operation, _changed_operation)
    for section, kinds in SECTIONS.items():
        changes += _modules(section, kinds, getattr(old, section), getattr(new, section))
    return _pair_renames(changes)


T = TypeVar("T")


def _keyed(
    old: Mapping[str, T],
    new: Mapping[str, T],
    present: Callable[[str, str, T], Change],
    changed: Callable[[str, T, T], Iterable[Change]],
) -> list[Change]:
    """``present(action, key, record)`` for a key on one side only, ``changed`` for a record that differs."""
    out = [present("removed", k, v) for k, v in old.items() if k not in new]
    out += [present("added", k, v) for k, v in new.items() if k not in old]
    for k in old.keys() & new.keys():
        if old[k] != new[k]:
            out += changed(k, old[k], new[k])
    return out


def _modules(
    section: str,
    kinds: ChangeKinds,
    old: Mapping[str, Mapping[str, Shape]],
    new: Mapping[str, Mapping[str, Shape]],
) -> list[Change]:
    def present(action: str, module: str, shapes: Mapping[str, Shape]) -> Change:
        detail = ", ".join(sorted(shapes))
        return Change(action, kinds.module, module, detail, action != "added", surface.api_of(module))

    def changed(module: str, a: Mapping[str, Shape], b: Mapping[str, Shape]) -> list[Change]:
        changes = _keyed(
            a, b, partial(_shape, kinds, f"{section}/{module}.py"), partial(_changed_shape, kinds)
        )
        return _in(surface.api_of(module), changes)

    return _keyed(old, new, present, changed)


def _in(api: str, changes: list[Change]) -> list[Change]:
    """The changes of one record, all of ``api`` (built as v1, the default)."""
    return changes if api == "v1" else [attrs.evolve(c, api=api) for c in changes]


def _resource(action: str, chain: str, class_name: str) -> Change:
    return Change(action, "resource", chain, class_name, action != "added", surface.api_of(chain))


def _renamed_class(chain: str, before: str, after: str) -> list[Change]:
    return [Change("changed", "resource", chain, f"{before} -> {after}", True, surface.api_of(chain))]


def _operation(action: str, call_path: str, op: surface.Operation) -> Change:
    return Change(action, "operation", call_path, _http(op), action != "added", op.api)


def _changed_operation(call_path: str, a: surface.Operation, b: surface.Operation) -> list[Change]:
    out = _attributes(
        "operation",
        call_path,
        ("http", a.http, b.http, True),
        ("api", a.api, b.api, True),  # the wire format: form or JSON bodies, v1 or v2 errors
        ("path_params", ", ".join(a.path_params), ", ".join(b.path_params), True),
        ("returns", a.returns, b.returns, _type_breaks(a.returns, b.returns, inputs=False)),
    )
    out += _members(PARAMS, lambda name: f"{call_path}({name})", a.params, b.params)
    return _in("v2" if "v2" in (a.api, b.api) else "v1", out)


def _attributes(kind: str, where: str, *rows: tuple[str, object, object, bool]) -> list[Change]:
    """One change per attribute of a record that differs: (name, before, after, breaking)."""
    return [
        Change("changed", kind, f"{where} {name}", f"{before} -> {after}", breaking)
        for name, before, after, breaking in rows
        if before != after
    ]


def _shape(kinds: ChangeKinds, file: str, action: str, name: str, shape: Shape) -> Change:
    return Change(action, kinds.shape, name, f"in {file}", action != "added")


def _changed_shape(kinds: ChangeKinds, name: str, a: Shape, b: Shape) -> list[Change]:
    if isinstance(a, Alias) and isinstance(b, Alias):
        return [
            Change("changed", "alias", name, f"{a.alias} -> {b.alias}", _type_breaks(a.alias, b.alias, False))
        ]
    if isinstance(a, Fields) and isinstance(b, Fields):
        return _members(kinds, partial(kinds.where, name), a.fields, b.fields)

    def what(shape: Shape) -> str:
        return f"alias of {shape.alias}" if isinstance(shape, Alias) else "class"

    return [Change("changed", kinds.shape, name, f"{what(a)} -> {what(b)}", True)]


def _members(
    kinds: ChangeKinds, where: Callable[[str], str], old: Mapping[str, Member], new: Mapping[str, Member]
) -> list[Change]:
    """Params, params TypedDict keys or model fields of one record."""

    def present(action: str, key: str, m: Member) -> Change:
        new_required = kinds.inputs and action == "added" and m.required
        return Change(action, kinds.member, where(key), m.type, action == "removed" or new_required)

    def changed(key: str, a: Member, b: Member) -> list[Change]:
        w = where(key)
        out = [Change("removed", "enum value", w, v, True) for v in sorted(a.enum - b.enum)]
        out += [Change("added", "enum value", w, v, False) for v in sorted(b.enum - a.enum)]
        return out + _attributes(
            kinds.member,
            w,
            # callers break when an input becomes required, readers when an output may be absent
            ("required", a.required, b.required, b.required is kinds.inputs),
            ("type", a.type, b.type, _type_breaks(a.type, b.type, kinds.inputs)),
            ("attr", a.attr, b.attr, True),
        )

    return _keyed(old, new, present, changed)


def _type_breaks(before: str, after: str, inputs: bool) -> bool:
    """Inputs break unless every old member is still accepted (widening); outputs break unless
    every new member was already possible (narrowing). ``Literal`` counts as a kind of ``str``."""
    old, new = before.split(" | "), after.split(" | ")
    if not inputs:
        old, new = new, old
    return not all(m in new or (m == "Literal" and "str" in new) for m in old)


def _http(op: surface.Operation) -> str:
    http = op.http
    for name in op.path_params:
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
        old, new = ops[("removed", http)], ops[("added", http)]
        detail = f"renamed to {new.where} ({http})"
        out.append(Change("changed", "operation", old.where, detail, True, new.api))
    return out


# --- reporting ----------------------------------------------------------------------
#
# Every format reads the same way: the summary (each group's count, by action and kind), then
# the groups in GROUPS order, breaking changes first inside v2.


def render(report: Report, fmt: str) -> str:
    return {"text": _text, "json": _json, "markdown": _markdown, "github": _github, "changelog": _changelog}[
        fmt
    ](report)


KINDS = (
    "override", "api version", "resource", "operation", "param", "params module", "params type",
    "param key", "model", "class", "alias", "field", "enum value", "async",
)  # fmt: skip


def _kind_order(action: str, kind: str) -> tuple[int, int]:
    return ACTIONS.index(action), KINDS.index(kind) if kind in KINDS else len(KINDS)


def _ordered(report: Report) -> list[Change]:
    def key(c: Change) -> tuple[int, bool, tuple[int, int], str, str]:
        return GROUPS.index(c.group), not c.breaking, _kind_order(c.action, c.kind), c.where, c.detail

    return sorted(report.changes, key=key)


def _groups(report: Report) -> list[tuple[str, list[Change]]]:
    """Each group that has changes, with its changes in report order."""
    return [(g, list(changes)) for g, changes in itertools.groupby(_ordered(report), lambda c: c.group)]


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
    """One line: the total, then each group's count (and how many v2 changes break)."""
    if not report.changes:
        return "no drift"
    sizes = Counter(c.group for c in report.changes)
    breaking = sum(c.breaking for c in report.changes)
    v2_breaking = sum(c.breaking for c in report.changes if c.group == "v2")
    return (
        f"{len(report.changes)} differences ({breaking} breaking): {sizes['breaking']} breaking, "
        f"{sizes['additive']} additive, {sizes['v2']} v2 ({v2_breaking} breaking)"
    )


def _header(report: Report) -> list[str]:
    return [f"spec:    {report.spec}", f"package: {report.package}"]


def _kinds(changes: Iterable[Change]) -> str:
    """Changes counted by action and kind, in report order: "16 removed operation, ..."."""
    counts = Counter((c.action, c.kind) for c in changes)
    return ", ".join(f"{counts[a, k]} {a} {k}" for a, k in sorted(counts, key=lambda ak: _kind_order(*ak)))


def _legend() -> str:
    return "; ".join(f"{action}: {meaning}" for action, meaning in MEANING.items())


def _mark(c: Change) -> str:
    return "breaking" if c.breaking else "additive"


def _text(report: Report) -> str:
    lines = ["API drift check", *_header(report), ""]
    if not report.changes:
        return "\n".join([*lines, "No drift: the package exposes exactly what the spec describes."])
    groups = _groups(report)
    lines.append(f"SUMMARY: {summary(report)}")
    for g, changes in groups:
        counts = _kinds(changes).replace(" ", "\xa0").replace(",\xa0", ", ")  # break between counts only
        wrapped = textwrap.wrap(
            counts, 100, initial_indent=f"  {g:<8} {len(changes):>5}  ", subsequent_indent=" " * 18
        )
        lines += [line.replace("\xa0", " ") for line in wrapped]
    lines += textwrap.wrap(f"({_legend()})", 100, initial_indent="  ", subsequent_indent="   ")
    for group, changes in groups:
        lines += ["", f"{group.upper()} ({GROUP_MEANING[group]}): {len(changes)}"]
        lines += [
            f"  {_mark(c):<8}  {c.action:<7}  {c.kind:<10}  {c.where}  {c.detail}" for c in _grouped(changes)
        ]
    lines += ["", "Run `make generate` to bring the package in line with the spec (never edit generated/)."]
    return "\n".join(lines)


def _json(report: Report) -> str:
    groups = _groups(report)
    summaries = {
        g: {
            "changes": len(changes),
            "breaking": sum(c.breaking for c in changes),
            "by kind": dict(sorted(Counter(f"{c.action} {c.kind}" for c in changes).items())),
        }
        for g, changes in groups
    }
    return json.dumps(
        {
            "spec": report.spec,
            "package": report.package,
            "summary": {
                "differences": len(report.changes),
                "breaking": sum(c.breaking for c in report.changes),
                "groups": summaries,
            },
            "changes": [
                {**attrs.asdict(c, recurse=False), "group": g} for g, changes in groups for c in changes
            ],
        },
        indent=2,
    )


def _markdown(report: Report) -> str:
    lines = ["## API drift", "", f"- spec: {report.spec}", f"- package: {report.package}", ""]
    if not report.changes:
        return "\n".join([*lines, "No drift."])
    lines += ["### Summary", "", summary(report), "", "| group | changes | by kind |", "|---|---|---|"]
    groups = _groups(report)
    lines += [f"| {g} | {len(changes)} | {_kinds(changes)} |" for g, changes in groups]
    lines += ["", _md(_legend())]
    for group, changes in groups:
        lines += [
            "",
            f"### {group.capitalize()}: {len(changes)} ({GROUP_MEANING[group]})",
            "",
            "| | action | kind | where | detail |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {'⚠️ breaking' if c.breaking else 'additive'} | {c.action} | {c.kind} | `{c.where}` "
            f"| {_md(c.detail)} |"
            for c in _grouped(changes)
        ]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _github(report: Report) -> str:
    """Workflow annotations, the summary first: GitHub shows only the first few of each level."""

    def escape(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    level = "error" if any(c.breaking for c in report.changes) else "notice"
    lines = [f"::{level} title=API drift::{escape(summary(report))}"]
    lines += [
        f"::{'error' if c.breaking else 'warning'} title=API drift, {group} ({c.action} {c.kind})::"
        + escape(f"{c.where}: {c.detail}")
        for group, changes in _groups(report)
        for c in _grouped(changes)
    ]
    return "\n".join(lines)


def _changelog(report: Report) -> str:
    """A CHANGELOG section: what regenerating from the spec changes for users."""
    moved = f" (from {report.package_version})" if report.package_version != report.spec_version else ""
    lines = [f"## Unreleased: Stripe API {report.spec_version}{moved}", ""]
    titles = {
        "breaking": "### Breaking changes",
        "added": "### Added",
        "changed": "### Changed",
        "v2": "### v2 API",
    }
    buckets: dict[str, list[Change]] = {k: [] for k in titles}
    for c in _grouped(_ordered(report)):
        if c.action == "review":
            continue
        key = c.group if c.group != "additive" else ("added" if c.action == "added" else "changed")
        buckets[key].append(c)
    if any(buckets.values()):
        lines += [summary(report).replace("differences", "API surface changes", 1), ""]
    for key, title in titles.items():
        if buckets[key]:
            lines += [title, ""]
            lines += [
                f"- {'**breaking** ' if key == 'v2' and c.breaking else ''}{c.action} {c.kind} `{c.where}`: "
                f"{c.detail}"
                for c in buckets[key]
            ]
            lines.append("")
    if len(lines) == 2:
        lines.append("- No API surface changes.")
    return "\n".join(lines).rstrip() + "\n"
