"""The report's groups: summary first, then breaking, additive and v2, in every format.

A v2 change is known by the record that changed (an operation's ``api``, a resource chain under
``client.v2``, a ``v2_*`` params or model module), never by reading the rendered report; its
group is presentation only, so a breaking v2 change still fails ``--fail-on breaking``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable

import attrs
import pytest

from codegen import drift
from codegen import spec as spec_mod
from codegen.surface import Fields, Member, Operation, Surface, api_of

LIST_EVENTS = Operation("GET /v2/core/events", (), "V2ListObject[V2CoreEvent]", {}, api="v2")
RETRIEVE_EVENT = Operation("GET /v2/core/events/{}", ("id",), "V2CoreEvent", {}, api="v2")
REJECT = Operation(
    "POST /v1/accounts/{}/reject", ("account",), "Account", {"reason": Member("str", required=True)}
)
EVENT = Fields(
    {"id": Member("str", required=True, attr="id"), "type": Member("str", required=True, attr="type")}
)
BASE = Surface(
    resources={"accounts": "Accounts", "v2.core.events": "V2CoreEvents"},
    operations={"accounts.reject": REJECT, "v2.core.events.list": LIST_EVENTS},
    models={"v2_core_event": {"V2CoreEvent": EVENT}, "account": {"Account": Fields({})}},
)

# One record change per row: the surface after it, and the change with the group it lands in.
# Each row's ``where`` is unique, so a rendered report can be read back row by row.
CASES: dict[str, tuple[Surface, tuple[str, str, str, bool, str]]] = {
    "v2 operation added": (
        attrs.evolve(BASE, operations={**BASE.operations, "v2.core.events.retrieve": RETRIEVE_EVENT}),
        ("added", "operation", "v2.core.events.retrieve", False, "v2"),
    ),
    "v2 field removed": (
        attrs.evolve(
            BASE, models={**BASE.models, "v2_core_event": {"V2CoreEvent": Fields({"id": EVENT.fields["id"]})}}
        ),
        ("removed", "field", "V2CoreEvent.type", True, "v2"),
    ),
    "v2 operation removed": (
        attrs.evolve(BASE, operations={"accounts.reject": REJECT}),
        ("removed", "operation", "v2.core.events.list", True, "v2"),
    ),
    "v2 resource removed": (
        attrs.evolve(BASE, resources={"accounts": "Accounts"}),
        ("removed", "resource", "v2.core.events", True, "v2"),
    ),
    "v1 param removed": (
        attrs.evolve(
            BASE, operations={**BASE.operations, "accounts.reject": attrs.evolve(REJECT, params={})}
        ),
        ("removed", "param", "accounts.reject(reason)", True, "breaking"),
    ),
    "v1 field added": (
        attrs.evolve(
            BASE,
            models={
                **BASE.models,
                "account": {"Account": Fields({"country": Member("str", attr="country")})},
            },
        ),
        ("added", "field", "Account.country", False, "additive"),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_change_lands_in_its_group(case: str) -> None:
    new, (action, kind, where, breaking, group) = CASES[case]
    (change,) = drift.diff(BASE, new)
    assert (change.action, change.kind, change.where, change.breaking) == (action, kind, where, breaking)
    assert change.group == group
    assert change.api == ("v2" if group == "v2" else "v1")


def test_the_api_comes_from_the_operation_record_not_its_name() -> None:
    """An operation's ``api`` is what the IR and the runtime ``Operation`` say it is."""
    odd = attrs.evolve(RETRIEVE_EVENT, api="v1")  # a v1 operation under an odd name, for the test
    (change,) = drift.diff(
        BASE, attrs.evolve(BASE, operations={**BASE.operations, "v2.core.events.retrieve": odd})
    )
    assert (change.api, change.group) == ("v1", "additive")
    (moved,) = drift.diff(
        BASE,
        attrs.evolve(BASE, operations={**BASE.operations, "accounts.reject": attrs.evolve(REJECT, api="v2")}),
    )
    assert (moved.where, moved.detail, moved.breaking, moved.group) == (
        "accounts.reject api",
        "v1 -> v2",
        True,
        "v2",
    )


@pytest.mark.parametrize(
    ("name", "api"),
    [
        ("v2.core.events.list", "v2"),  # a call path
        ("v2.core.accounts.persons", "v2"),  # a resource chain
        ("v2_core_events", "v2"),  # a params module
        ("v2_core_event", "v2"),  # a model module
        ("v2.core.events.list(limit)", "v2"),  # an override's target
        ("accounts.reject", "v1"),
        ("insights_resources_payment_evaluation_signal_v2", "v1"),  # a v1 model that ends in v2
        ("v2", "v1"),  # the namespace itself is not a record
        ("v20_something", "v1"),
    ],
)
def test_api_of_a_record_name(name: str, api: str) -> None:
    assert api_of(name) == api


def test_reviews_and_async_mismatches_keep_their_api(pinned_spec: spec_mod.LoadedSpec) -> None:
    """Both always fail; a v2 one is listed with v2, still breaking."""
    from codegen.ir.build import build
    from codegen.ir.overrides import Overrides
    from codegen.surface import PackageSurface, from_api
    from overrides.registry import ParamOverride, Registry

    moved = ParamOverride(  # an override whose premise moved in the spec: a review
        call_path="v2.core.events.list",
        param="object_id",
        allowed=("a", "b"),
        api_version="2026-05-27.dahlia",
        spec_annotation="int",  # the spec says str
        spec_description_sha256="0" * 64,
    )
    api = build(pinned_spec, Overrides(registry=Registry(params=(moved,)), strict=False))
    sync = from_api(api)
    async_ = Surface(sync.resources, {k: v for k, v in sync.operations.items() if k != "v2.core.events.list"})
    changes = drift.compare(api, PackageSurface(sync, async_))
    got = {(c.action, c.kind, c.where, c.breaking, c.group) for c in changes}
    assert got == {
        ("review", "override", "v2.core.events.list(object_id)", True, "v2"),
        ("added", "async", "AsyncStripeClient operation v2.core.events.list", True, "v2"),
    }
    assert drift.Report("s", "p", tuple(changes)).failing("breaking")


# --- every format, read back ---------------------------------------------------------------------


def all_cases() -> drift.Report:
    changes: list[drift.Change] = []
    for new, _ in CASES.values():
        changes += drift.diff(BASE, new)
    return drift.Report("spec", "package", tuple(changes), "2026-05-27.dahlia", "2023-08-16")


EXPECTED = {where: group for _, (_, _, where, _, group) in CASES.values()}
BREAKING = {where for _, (_, _, where, breaking, _) in CASES.values() if breaking}
SIZES = Counter(EXPECTED.values())  # breaking 1, additive 1, v2 4 (3 breaking)
# What a format reads back as: (where, group) per line, the count per group its summary or
# sections give, and the summary sentence followed by the groups in the order they appear.
Read = tuple[list[tuple[str, str]], dict[str, int], list[str]]
SUMMARY = "6 differences (4 breaking): 1 breaking, 1 additive, 4 v2 (3 breaking)"


def read_text(out: str) -> Read:
    where: list[tuple[str, str]] = []
    headers: dict[str, int] = {}
    group = ""
    order = []
    for line in out.splitlines():
        if m := re.fullmatch(r"(BREAKING|ADDITIVE|V2) \(.*\): (\d+)", line):
            group = m[1].lower()
            headers[group] = int(m[2])
            order.append(group)
        elif group and line.startswith("  ") and line.strip():
            mark, _, _, at, _ = re.split(r"\s{2,}", line.strip())
            assert mark == ("breaking" if at in BREAKING else "additive"), line
            where.append((at, group))
    summary = re.search(r"^SUMMARY: (.*)$", out, re.M)
    assert summary and out.index("SUMMARY") < out.index("BREAKING")
    per_group = dict(re.findall(r"^  (breaking|additive|v2)\s+(\d+)  ", out, re.M))
    assert {g: int(n) for g, n in per_group.items()} == headers
    return where, headers, [summary[1], *order]


def read_markdown(out: str) -> Read:
    where: list[tuple[str, str]] = []
    headers: dict[str, int] = {}
    group = ""
    order = []
    for line in out.splitlines():
        if m := re.fullmatch(r"### (Breaking|Additive|V2): (\d+) \(.*\)", line):
            group = m[1].lower()
            headers[group] = int(m[2])
            order.append(group)
        elif group and (
            m := re.fullmatch(r"\| (?:⚠️ breaking|additive) \| \w+ \| [\w ]+ \| `([^`]+)` \| .* \|", line)
        ):
            where.append((m[1], group))
    assert out.index("### Summary") < out.index("### Breaking")
    rows = dict(re.findall(r"^\| (breaking|additive|v2) \| (\d+) \|", out, re.M))
    assert {g: int(n) for g, n in rows.items()} == headers
    summary = out.split("### Summary\n\n")[1].splitlines()[0]
    return where, headers, [summary, *order]


def read_github(out: str) -> Read:
    first, *rest = out.splitlines()
    assert first.startswith("::error title=API drift::")  # breaking changes present: an error
    where = []
    order: list[str] = []
    for line in rest:
        m = re.fullmatch(r"::(error|warning) title=API drift, (\w+) \((\w+) ([\w ]+)\)::(.+?): .*", line)
        assert m, line
        assert (m[1] == "error") == (m[5] in BREAKING), line
        where.append((m[5], m[2]))
        if not order or order[-1] != m[2]:
            order.append(m[2])
    return where, Counter(g for _, g in where), [first.split("::")[2], *order]


def read_json(out: str) -> Read:
    data = json.loads(out)
    groups = data["summary"]["groups"]
    assert data["summary"]["differences"] == sum(g["changes"] for g in groups.values())
    assert groups["v2"]["breaking"] == 3 and data["summary"]["breaking"] == 4
    order = [
        c["group"]
        for i, c in enumerate(data["changes"])
        if i == 0 or data["changes"][i - 1]["group"] != c["group"]
    ]
    for c in data["changes"]:
        assert c["group"] == drift.Change(**{k: v for k, v in c.items() if k != "group"}).group
    where = [(c["where"], c["group"]) for c in data["changes"]]
    # the JSON carries the numbers, not the sentence: rebuild it to compare
    sentence = (
        f"{data['summary']['differences']} differences ({data['summary']['breaking']} breaking): "
        f"{groups['breaking']['changes']} breaking, {groups['additive']['changes']} additive, "
        f"{groups['v2']['changes']} v2 ({groups['v2']['breaking']} breaking)"
    )
    return where, {g: v["changes"] for g, v in groups.items()}, [sentence, *order]


def read_changelog(out: str) -> Read:
    sections = {
        "### Breaking changes": "breaking",
        "### Added": "additive",
        "### Changed": "additive",
        "### v2 API": "v2",
    }
    where: list[tuple[str, str]] = []
    group = ""
    order: list[str] = []
    for line in out.splitlines():
        if line in sections:
            group = sections[line]
            if not order or order[-1] != group:
                order.append(group)
        elif m := re.fullmatch(r"- (\*\*breaking\*\* )?\w+ [\w ]+ `([^`]+)`: .*", line):
            where.append((m[2], group))
            assert (m[1] is not None) == (group == "v2" and m[2] in BREAKING), line
    summary = out.splitlines()[2].replace("API surface changes", "differences")
    return where, Counter(g for _, g in where), [summary, *order]


READERS: dict[str, Callable[[str], Read]] = {
    "text": read_text,
    "markdown": read_markdown,
    "github": read_github,
    "json": read_json,
    "changelog": read_changelog,
}


@pytest.mark.parametrize("fmt", drift.FORMATS)
def test_every_format_reads_summary_first_then_breaking_additive_v2(fmt: str) -> None:
    where, sizes, (summary, *order) = READERS[fmt](drift.render(all_cases(), fmt))
    assert sorted(where) == sorted(EXPECTED.items())  # every change once, in its group
    assert dict(sizes) == dict(SIZES)  # the summary's counts (or the sections') agree with the changes
    assert summary == SUMMARY
    assert order == ["breaking", "additive", "v2"]


def test_breaking_v2_changes_still_fail_fail_on_breaking() -> None:
    for case, (new, (*_, breaking, _group)) in CASES.items():
        report = drift.Report("s", "p", tuple(drift.diff(BASE, new)))
        assert report.failing("breaking") is breaking, case
        assert report.failing("any"), case


def test_a_group_with_no_changes_is_left_out_but_counted_as_zero() -> None:
    new, _ = CASES["v2 operation added"]
    report = drift.Report("s", "p", tuple(drift.diff(BASE, new)))
    assert drift.summary(report) == "1 differences (0 breaking): 0 breaking, 0 additive, 1 v2 (0 breaking)"
    text = drift.render(report, "text")
    assert "V2 (" in text and "BREAKING (" not in text and "ADDITIVE (" not in text
    assert json.loads(drift.render(report, "json"))["summary"]["groups"].keys() == {"v2"}
    github = drift.render(report, "github").splitlines()
    assert github[0].startswith("::notice title=API drift::") and github[1].startswith("::warning")
