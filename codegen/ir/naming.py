"""Every naming rule of the generator, in one place.

Python identifiers from spec names (keyword escaping, invalid characters), class and
module names, and the mapping of an operation's path and HTTP verb to a call path such as
``accounts.capabilities.list`` or ``accounts.reject``.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import attrs

from ..spec import SpecError
from .problems import Problem

# Names a model field or parameter may not take because the base class or the generated
# method body uses them.
K = TypeVar("K")

RESERVED_ATTRS = frozenset({"to_dict", "from_dict", "self", "options", "cls"})

# Explicit method renames, keyed by (HTTP verb, spec path). Stripe calls DELETE on a
# subscription "cancel", and so do its docs and dashboard.
METHOD_RENAMES: dict[tuple[str, str], str] = {
    ("delete", "/v1/subscriptions/{subscription_exposed_id}"): "cancel",
    ("delete", "/v1/customers/{customer}/subscriptions/{subscription_exposed_id}"): "cancel",
}

# A resource class whose plain name is a model class's (the singleton `client.account`
# returns an `Account`) takes this suffix: resource modules import the models they return.
RESOURCE_SUFFIX = "Resource"


class NamingError(SpecError):
    """Two things would get the same name, or a name cannot be made safe."""


def identifier(name: str) -> str:
    """A Python-safe identifier for a spec name: ``from`` -> ``from_``, ``3d`` -> ``n3d``.

    No leading underscore either: attrs would strip it from the ``__init__`` argument.
    """
    safe = re.sub(r"\W", "_", name, flags=re.ASCII)
    if not safe or safe[0].isdigit() or safe[0] == "_":
        safe = "n" + safe
    # Hard keywords only: soft keywords (match, case, type) are valid names, and their list
    # grows with Python versions, which would make output depend on the generator's Python.
    if keyword.iskeyword(safe) or safe in RESERVED_ATTRS:
        safe += "_"
    return safe


def is_valid_key(name: str) -> bool:
    """Can ``name`` be a TypedDict key in class syntax?"""
    return name.isidentifier() and not keyword.iskeyword(name)


def words(name: str) -> list[str]:
    return [w for w in re.split(r"[^0-9A-Za-z]+", name) if w]


def class_name(*parts: str) -> str:
    """``("checkout.session", "line_items")`` -> ``CheckoutSessionLineItems``."""
    name = "".join(w[:1].upper() + w[1:] for part in parts for w in words(part))
    if not name:
        raise NamingError(f"cannot make a class name from {parts!r}")
    return name if name[0].isalpha() else "N" + name


def unique_names(
    plain: Mapping[K, str], preferred: Callable[[K], object], taken: Iterable[str] = ()
) -> dict[K, str]:
    """One name per key, distinct by construction, and the same for the same input.

    Keys whose plain names fold together (``issuing.card_pin`` and ``issuing_card_pin``
    both give ``IssuingCardPin``) are ranked by ``preferred`` (smallest first, then the key
    itself): the first keeps the plain name, the next ones get ``2``, ``3``, ... appended,
    skipping every name already used or in ``taken``.
    """
    used = set(taken)
    groups: dict[str, list[K]] = {}
    for key, name in plain.items():
        groups.setdefault(name, []).append(key)
    result: dict[K, str] = {}
    for name in sorted(groups):
        ranked = sorted(groups[name], key=lambda k: (preferred(k), str(k)))
        if name not in used and name not in result.values():
            result[ranked.pop(0)] = name
            used.add(name)
    for name in sorted(groups):
        n = 2
        for key in sorted(groups[name], key=lambda k: (preferred(k), str(k))):
            if key in result:
                continue
            while f"{name}{n}" in used or f"{name}{n}" in plain.values():
                n += 1
            result[key] = f"{name}{n}"
            used.add(result[key])
    return result


def claim(plain: str, taken: set[str]) -> str:
    """``plain``, or ``plain2``, ``plain3``, ... if taken; the name returned is taken from now on.

    For names handed out while walking (inline models, params TypedDicts): the first keeps it.
    """
    name, n = plain, 2
    while name in taken:
        name, n = f"{plain}{n}", n + 1
    taken.add(name)
    return name


def resource_class_names(
    chains: Iterable[tuple[str, ...]], model_classes: Iterable[str]
) -> dict[tuple[str, ...], str]:
    """``("checkout", "sessions")`` -> ``CheckoutSessions``; ``("account",)`` -> ``AccountResource``.

    Resource classes and model classes are kept apart: a plain name that is a model
    class's takes :data:`RESOURCE_SUFFIX`; chains folding together are ranked by length.
    """
    models = set(model_classes)
    plain = {}
    for chain in chains:
        name = class_name(*chain)
        plain[chain] = name + RESOURCE_SUFFIX if name in models else name
    return unique_names(plain, len, models)


def module_name(name: str) -> str:
    """``deleted_terminal.reader`` -> ``deleted_terminal_reader``."""
    return identifier("_".join(words(name)).lower())


def singular(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


def names_match(segment: str, object_name: str) -> bool:
    """Does a path segment name the kind of object an operation returns?

    ``login_links`` ~ ``login_link``, ``features`` ~ ``financial_account_features``.
    """
    obj = object_name.rsplit(".", 1)[-1]
    seg, one = singular(segment), singular(obj)
    return seg == one or obj.endswith("_" + segment) or one.endswith("_" + seg)


def ensure_unique(items: Iterable[tuple[str, str]], what: str) -> None:
    """Raise on the first name used twice; items are (name, where it comes from)."""
    seen: dict[str, str] = {}
    for name, origin in items:
        if name in seen and seen[name] != origin:
            raise NamingError(f"{what} {name!r} would be used by both {seen[name]} and {origin}")
        seen[name] = origin


# --- call paths -----------------------------------------------------------------------


@attrs.frozen
class OperationFacts:
    """What naming needs to know of one operation."""

    verb: str
    path: str
    returns_list: bool
    object_names: tuple[str, ...]


@attrs.frozen
class CallPath:
    namespaces: tuple[str, ...]  # client.<namespaces...>
    resources: tuple[str, ...]  # then the resource chain
    method: str

    @property
    def dotted(self) -> str:
        return ".".join((*self.namespaces, *self.resources, self.method))


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


@attrs.frozen
class CallPlan:
    """Every operation's call path, and the operations that could not get one."""

    paths: dict[tuple[str, str], CallPath]
    problems: tuple[Problem, ...] = ()


def infer_call_paths(ops: Sequence[OperationFacts]) -> CallPlan:
    """Map every (verb, path) to its call path; no two coincide, by construction.

    A static segment is a namespace while nothing before it is a resource and it has no
    operations and no ``{id}`` below it (``checkout``). It is a resource when it has
    operations or ids (``customers``); below a resource it is a sub-resource when it has
    ids, lists, or returns objects of its own name (``login_links``), otherwise it starts a
    custom action (``reject``, ``upcoming/lines`` -> ``upcoming_lines``). Methods of one
    resource that would share a name (with each other or with a sub-resource) are ranked
    by their path's length, verb and path: the first keeps the name, the next get ``2``, ...
    """
    problems: list[Problem] = []
    usable: list[tuple[OperationFacts, tuple[str, ...]]] = []
    for op in ops:
        if op.path.startswith("/v1/"):
            usable.append((op, tuple(op.path[len("/v1/") :].split("/"))))
        elif op.path.startswith("/v2/"):  # the v2 API under its own namespace: client.v2...
            usable.append((op, tuple(op.path[1:].split("/"))))
        else:
            problems.append(
                Problem(f"{op.verb.upper()} {op.path}", "the path is not under /v1/ or /v2/", _PATH_FIX)
            )
    at: dict[tuple[str, ...], list[OperationFacts]] = {}
    param_below: set[tuple[str, ...]] = set()
    for op, segs in usable:
        at.setdefault(segs, []).append(op)
        for i, seg in enumerate(segs):
            if _is_param(seg) and i > 0:
                param_below.add(segs[:i])

    def is_collection(prefix: tuple[str, ...]) -> bool:
        lists = any(o.verb == "get" and o.returns_list for o in at.get(prefix, ()))
        return prefix in param_below or lists

    def names_itself(prefix: tuple[str, ...]) -> bool:
        return any(names_match(prefix[-1], n) for o in at.get(prefix, ()) for n in o.object_names)

    plain: dict[tuple[str, str], CallPath] = {}
    for op, segs in usable:
        try:
            plain[(op.verb, op.path)] = _call_path(op, segs, at, param_below, is_collection, names_itself)
        except NamingError as exc:
            problems.append(Problem(f"{op.verb.upper()} {op.path}", str(exc), _PATH_FIX))
    return CallPlan(_distinct_methods(plain), tuple(problems))


_PATH_FIX = "extend the call-path rules in codegen/ir/naming.py (docs/maintainer/naming.md)"
_VERB_ORDER = {"get": 0, "post": 1, "delete": 2}


def _distinct_methods(plain: dict[tuple[str, str], CallPath]) -> dict[tuple[str, str], CallPath]:
    by_resource: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[tuple[str, str], str]] = {}
    for key, call in plain.items():
        by_resource.setdefault((call.namespaces, call.resources), {})[key] = call.method
    result = {}
    for (ns, res), methods in by_resource.items():
        children = {r[-1] for n, r in by_resource if n == ns and len(r) == len(res) + 1 and r[:-1] == res}

        def rank(key: tuple[str, str]) -> tuple[int, int]:
            return (key[1].count("/"), _VERB_ORDER.get(key[0], 3))

        for key, method in unique_names(methods, rank, children).items():
            result[key] = CallPath(ns, res, method)
    return result


def _call_path(
    op: OperationFacts,
    segs: tuple[str, ...],
    at: dict[tuple[str, ...], list[OperationFacts]],
    param_below: set[tuple[str, ...]],
    is_collection: Callable[[tuple[str, ...]], bool],
    names_itself: Callable[[tuple[str, ...]], bool],
) -> CallPath:
    namespaces: list[str] = []
    resources: list[str] = []
    action: list[str] = []
    role = "root"
    for i, seg in enumerate(segs):
        prefix = segs[: i + 1]
        if _is_param(seg):
            if role != "resource":
                raise NamingError(f"parameter {seg} does not follow a resource")
            role = "id"
        elif role in ("root", "namespace"):
            role = "resource" if prefix in param_below or prefix in at else "namespace"
            (resources if role == "resource" else namespaces).append(seg)
        elif role in ("resource", "id") and (is_collection(prefix) or names_itself(prefix)):
            role = "resource"
            resources.append(seg)
        else:
            role = "action"
            action.append(seg)
    if not resources:
        raise NamingError("no resource segment")
    rename = METHOD_RENAMES.get((op.verb, op.path))
    if rename:
        method = rename
    elif action:
        method = "_".join(action)
    elif role == "id":
        method = {"get": "retrieve", "post": "update", "delete": "delete"}[op.verb]
    else:
        method = _collection_method(op, segs, at, is_collection(segs))
    return CallPath(
        tuple(identifier(n) for n in namespaces),
        tuple(identifier(r) for r in resources),
        identifier(method),
    )


def _collection_method(
    op: OperationFacts,
    segs: tuple[str, ...],
    at: dict[tuple[str, ...], list[OperationFacts]],
    collection: bool,
) -> str:
    if op.verb == "get":
        return "list" if op.returns_list else "retrieve"
    if op.verb == "delete":
        return "delete"
    # POST on a path without an id: a collection creates; a singleton that can also be
    # read in place (tax settings, a customer's cash balance) updates.
    singleton = any(o.verb == "get" and not o.returns_list for o in at.get(segs, ()))
    return "update" if singleton and not collection else "create"
