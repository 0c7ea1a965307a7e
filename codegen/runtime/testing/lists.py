"""List and search answers: the filters a list operation declares applied to what the fake
holds (equality, ``created`` ranges, lists of values, nested hashes), cursor pages, and
Stripe's search query language (``email:"a@b.com" AND -metadata["tier"]:"free"``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .refusals import not_modelled, refuse
from .schema import component
from .state import State

_PAGING = frozenset({"limit", "starting_after", "ending_before", "expand", "page", "query"})
_RANGE = frozenset({"gt", "gte", "lt", "lte"})
# A list filter naming a field other than its own name (plural of a field, a field's part).
_FIELD_OF = {"ids": "id", "types": "type", "lookup_keys": "lookup_key"}
# Filters that look inside an object rather than at one field of it.
_SPECIAL: dict[str, Callable[[dict[str, Any], Any], bool]] = {
    "subscriptions.list:price": lambda obj, v: any(
        _id(item.get("price") or {}) == v for item in (obj.get("items") or {}).get("data", [])
    ),
}


def page(
    state: State,
    op: dict[str, Any],
    schemas: list[str],
    parent: str | None,
    params: dict[str, Any],
    keep: Callable[[dict[str, Any]], bool] | None = None,
) -> dict[str, Any]:
    """A cursor page of held objects (newest first) matching the declared filters."""
    call = str(op["call"])
    tests = [_filter(call, schemas, k, v, state.stateful) for k, v in params.items() if k not in _PAGING]
    items = [
        h.obj
        for h in reversed(list(state.objects.values()))
        if h.schema in schemas
        and (parent is None or h.parent == parent)
        and h.visible_to(state.account)
        and (keep is None or keep(h.obj))
        and all(t(h.obj) for t in tests)
    ]
    limit = _limit(params, state.stateful)
    after, before = params.get("starting_after"), params.get("ending_before")
    ids = [o.get("id") for o in items]
    for name, cursor in (("starting_after", after), ("ending_before", before)):
        if cursor is not None and cursor not in ids and state.stateful:
            raise refuse(f"No such object: '{cursor}'", code="resource_missing", param=name)
    if after is not None:
        start = ids.index(after) + 1 if after in ids else len(ids)
        data, has_more = items[start : start + limit], len(items) > start + limit
    elif before is not None:
        end = ids.index(before) if before in ids else 0
        data, has_more = items[max(0, end - limit) : end], end - limit > 0
    else:
        data, has_more = items[:limit], len(items) > limit
    url = re.sub(r"\{[^}]+\}", lambda _: parent or "", op["path"])
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def _limit(params: dict[str, Any], strict: bool) -> int:
    limit = params.get("limit")
    if limit is None:
        return 10
    if strict and not 1 <= int(limit) <= 100:
        raise refuse(
            f"Invalid limit: must be between 1 and 100 (got {limit})",
            code="parameter_invalid_integer",
            param="limit",
        )
    return max(1, int(limit))


def _id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def _filter(
    call: str, schemas: list[str], key: str, wanted: Any, strict: bool
) -> Callable[[dict[str, Any]], bool]:
    special = _SPECIAL.get(f"{call}:{key}")
    if special is not None:
        return lambda obj: special(obj, wanted)
    field = _FIELD_OF.get(key, key)
    if not any(field in component(s).get("properties", {}) for s in schemas):
        if not strict:  # as Stripe's mock server: a filter it cannot apply is ignored
            return lambda obj: True
        raise not_modelled(f"the {key!r} filter of {call}")
    if key == "status" and wanted == "all":
        return lambda obj: True
    if isinstance(wanted, dict) and wanted and set(wanted) <= _RANGE:
        return lambda obj: _in_range(obj.get(field), wanted)
    if isinstance(wanted, dict):
        return lambda obj: all(_id((obj.get(field) or {}).get(k)) == v for k, v in wanted.items())
    if isinstance(wanted, list):
        return lambda obj: (
            _id(obj.get(field)) in wanted or any(_type_matches(obj.get(field), w) for w in wanted)
        )
    return lambda obj: _id(obj.get(field)) == wanted or _type_matches(obj.get(field), wanted)


def _type_matches(value: Any, pattern: Any) -> bool:
    """Event ``type`` filters take a ``*`` wildcard (``customer.*``)."""
    return (
        isinstance(pattern, str)
        and pattern.endswith("*")
        and isinstance(value, str)
        and value.startswith(pattern[:-1])
    )


def _in_range(value: Any, bounds: dict[str, Any]) -> bool:
    if not isinstance(value, (int, float)):
        return False
    checks = {"gt": value > bounds.get("gt", 0), "gte": value >= bounds.get("gte", 0)}
    checks.update(lt=value < bounds.get("lt", 0), lte=value <= bounds.get("lte", 0))
    return all(checks[k] for k in bounds)


# -- search -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<word>AND|OR)(?=\s|$)
      | (?P<clause>(?P<neg>-)?(?P<field>[a-z_][a-z_.]*)(?:\[(?P<q>["'])(?P<key>[^"']+)(?P=q)\])?
           \s*(?P<op>>=|<=|:|~|>|<)\s*
           (?:(?P<vq>["'])(?P<text>(?:\\.|(?!(?P=vq)).)*)(?P=vq)|(?P<number>-?\d+(?:\.\d+)?)|(?P<null>null)))
    )""",
    re.VERBOSE,
)


def parse_query(query: str) -> tuple[str, list[tuple[bool, str, str | None, str, Any]]]:
    """``(joiner, clauses)``; each clause is (negated, field, metadata key, operator, value).
    A query Stripe would not parse is refused (400 naming ``query``)."""
    clauses: list[tuple[bool, str, str | None, str, Any]] = []
    joiners: set[str] = set()
    pos, expect_clause = 0, True
    text = query.strip()
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if found is None or found.end() == pos:
            raise _bad_query(query, f"unexpected text at {text[pos : pos + 20]!r}")
        if found.group("word"):
            if expect_clause:
                raise _bad_query(query, f"{found.group('word')} needs a clause before it")
            joiners.add(found.group("word"))
            expect_clause = True
        else:
            if not expect_clause:
                raise _bad_query(query, "clauses must be joined by AND or OR")
            value: Any = found.group("text")
            if value is not None:
                value = re.sub(r"\\(.)", r"\1", value)
            elif found.group("number") is not None:
                value = float(found.group("number"))
            else:
                value = None
            op = found.group("op")
            if op == "~" and (not isinstance(value, str) or len(value) < 3):
                raise _bad_query(query, "a substring match (~) needs a quoted value of 3 or more characters")
            clauses.append((bool(found.group("neg")), found.group("field"), found.group("key"), op, value))
            expect_clause = False
        pos = found.end()
    if not clauses or expect_clause:
        raise _bad_query(query, "it ends where a clause was expected")
    if len(joiners) > 1:
        raise _bad_query(query, "AND and OR cannot be combined in one query")
    if len(clauses) > 10:
        raise _bad_query(query, "a query takes at most 10 clauses")
    return (joiners.pop() if joiners else "AND"), clauses


def _bad_query(query: str, why: str) -> Exception:
    return refuse(f"Invalid search query {query!r}: {why}.", code="parameter_invalid", param="query")


def _clause_matches(obj: dict[str, Any], clause: tuple[bool, str, str | None, str, Any]) -> bool:
    negated, field, key, op, wanted = clause
    value = (obj.get("metadata") or {}).get(key) if field == "metadata" else obj.get(field)
    value = _id(value)
    if op in (">", "<", ">=", "<="):
        if not isinstance(value, (int, float)) or not isinstance(wanted, float):
            hit = False
        else:
            hit = {">": value > wanted, "<": value < wanted, ">=": value >= wanted, "<=": value <= wanted}[op]
    elif op == "~":
        hit = isinstance(value, str) and str(wanted).lower() in value.lower()
    elif wanted is None:
        hit = value is None
    elif isinstance(value, bool):
        hit = str(wanted).lower() == str(value).lower()
    elif isinstance(value, (int, float)):
        hit = (isinstance(wanted, float) and value == wanted) or str(value) == str(wanted)
    else:
        hit = isinstance(value, str) and value.lower() == str(wanted).lower()
    return hit != negated


def search(state: State, op: dict[str, Any], schemas: list[str], params: dict[str, Any]) -> dict[str, Any]:
    if not state.stateful:  # as Stripe's mock server: any query, an empty result
        return {
            "object": "search_result",
            "data": [],
            "has_more": False,
            "next_page": None,
            "url": op["path"],
        }
    joiner, clauses = parse_query(str(params.get("query", "")))
    props = {k for s in schemas for k in component(s).get("properties", {})}
    for _, field, _, _, _ in clauses:
        if field not in props:
            raise refuse(
                f"Field '{field}' is an unsupported search field for this resource.",
                code="parameter_invalid",
                param="query",
            )
    combine = all if joiner == "AND" else any
    items = [
        h.obj
        for h in reversed(list(state.objects.values()))
        if h.schema in schemas
        and h.visible_to(state.account)
        and combine(_clause_matches(h.obj, c) for c in clauses)
    ]
    token = params.get("page")
    start = 0
    if token is not None:
        found = re.fullmatch(r"page_(\d+)", str(token))
        if found is None or int(found.group(1)) > len(items):
            raise refuse(f"Invalid page: {token!r}", code="parameter_invalid", param="page")
        start = int(found.group(1))
    limit = _limit(params, state.stateful)
    more = len(items) > start + limit
    return {
        "object": "search_result",
        "data": items[start : start + limit],
        "has_more": more,
        "next_page": f"page_{start + limit}" if more else None,
        "url": op["path"],
    }
