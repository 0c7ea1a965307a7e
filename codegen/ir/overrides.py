"""What ``overrides/`` provides, checked against the spec: the one place the generator learns it.

The registry (``overrides/registry.py``) is data; guard classes are found by reading the
guard modules' source (``ast``, never imported, so a broken guard cannot break generation).
The builder asks this module three things: which parameters are narrowed, which classes sit
in front of a generated resource or model, and which integer parameters are amounts.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import attrs

from overrides.registry import (
    REGISTRY,
    ModelMixin,
    ParamOverride,
    Registry,
    ResourceGuards,
    description_sha256,
)

from ..spec import ROOT, Lock
from .nodes import Guards, OverrideReview
from .problems import GenerationError, Problem

OVERRIDES_DIR = ROOT / "overrides"

# Integer parameters in the currency's minor unit: by name (amount, unit_amount,
# amount_to_capture, fixed_amounts, ...) or by what the spec says (customer `balance`).
_AMOUNT_NAME = re.compile(r"(^|_)amounts?($|_)")
_MINOR_UNIT_PROSE = re.compile(r"smallest currency unit|in cents", re.IGNORECASE)


OVERRIDES_WHERE = "overrides/registry.py"
_FIX = "update overrides/registry.py or the guard module (docs/maintainer/guards.md, 'How to add a guard')"


class OverrideError(GenerationError):
    """An override names a resource, method, parameter or schema the spec (or guard code) lacks."""


@functools.cache
def _pinned_version() -> str:
    return Lock.read().api_version


def older(api_version: str, than: str) -> bool:
    """Is a spec of ``api_version`` older than the one an override was reviewed against?

    Stripe API versions are ISO dates, so they order as strings.
    """
    return api_version < than


def is_minor_units(name: str, description: str | None) -> bool:
    """Whether an integer parameter is an amount in minor units (refused as float, Decimal, ...)."""
    return bool(_AMOUNT_NAME.search(name) or _MINOR_UNIT_PROSE.search(description or ""))


@attrs.frozen
class Overrides:
    """The registry and the folder its guard modules live in.

    ``strict``: a target the spec lacks raises :class:`OverrideError` (generation); when
    False it becomes an :class:`OverrideReview` on the IR (the drift check reports it).
    """

    registry: Registry = REGISTRY
    folder: Path = OVERRIDES_DIR
    strict: bool = True


class Applier:
    """Used by the builder while it walks the spec; collects what did not match."""

    def __init__(self, overrides: Overrides, api_version: str) -> None:
        self.overrides = overrides
        self.api_version = api_version
        self.notes: list[str] = []  # guards left out of a spec older than their target
        self.params = {p.key: p for p in overrides.registry.params}
        self.resources = {r.resource: r for r in overrides.registry.resources}
        self.models = {m.schema: m for m in overrides.registry.models}
        self.seen: set[object] = set()
        self.reviews: list[OverrideReview] = []
        self._errors: list[str] = []

    # --- parameters ------------------------------------------------------------------

    def param(self, call_path: str, wire: str) -> ParamOverride | None:
        found = self.params.get((call_path, wire))
        if found is not None:
            self.seen.add(found)
        return found

    def fingerprint(self, override: ParamOverride, spec_annotation: str, description: str | None) -> None:
        """Record a review when the spec no longer says what the override was written against."""
        changes = []
        if spec_annotation != override.spec_annotation:
            changes.append(f"type is now {spec_annotation} (was {override.spec_annotation})")
        if description_sha256(description) != override.spec_description_sha256:
            changes.append(f"description is now {description!r}")
        if changes:
            self.reviews.append(
                OverrideReview(
                    f"{override.call_path}({override.param})",
                    f"allowed {list(override.allowed)} was reviewed against API {override.api_version}; "
                    + "; ".join(changes),
                )
            )

    # --- classes in front of generated ones ------------------------------------------------

    def guards(self, chain: tuple[str, ...], class_name: str, methods: set[str]) -> Guards | None:
        entry = self.resources.get(".".join(chain))
        if entry is None:
            return None
        self.seen.add(entry)
        checks = f"{class_name}Guards"  # one check per method; the template makes both flavours
        checked = self._methods(entry.module, checks, is_async=False)
        for name in sorted(set(checked) - methods):
            if self._predates(entry):
                self.notes.append(
                    f"{checks}.{name} left out: client.{entry.resource}.{name} {self._newer(entry)}"
                )
                continue
            self._error(
                f"{checks}.{name} guards client.{entry.resource}.{name}, which the spec does not have "
                f"(client.{entry.resource} has: {', '.join(sorted(methods)) or 'no methods'})"
            )
        return Guards(entry.module, checks, tuple(m for m in checked if m in methods))

    def model_mixin(self, schema_name: str, class_name: str) -> tuple[str, str] | None:
        """(module, class) of the mixin for a component schema's model, if there is one."""
        entry = self.models.get(schema_name)
        if entry is None:
            return None
        self.seen.add(entry)
        cls = f"{class_name}Mixin"
        self._methods(entry.module, cls, is_async=None)
        return entry.module, cls

    def _methods(self, module: str, cls: str, is_async: bool | None) -> tuple[str, ...]:
        """Public methods a class defines (read from source); checks they are (a)sync."""
        path = self.overrides.folder / f"{module}.py"
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        except (OSError, SyntaxError) as exc:
            self._error(f"cannot read guard module {path}: {exc}")
            return ()
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == cls:
                names = []
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith(
                        "_"
                    ):
                        if is_async is not None and isinstance(item, ast.AsyncFunctionDef) != is_async:
                            self._error(
                                f"{path.name}: {cls}.{item.name} must be {'async ' if is_async else ''}def"
                            )
                        names.append(item.name)
                return tuple(sorted(names))
        self._error(f"{path} defines no class {cls}")
        return ()

    # --- the end of a build ---------------------------------------------------------

    def _error(self, message: str) -> None:
        if message not in self._errors:  # a module read for a sync and an async class fails once
            self._errors.append(message)

    def _reviewed(self, entry: ParamOverride | ResourceGuards | ModelMixin) -> str:
        """The API version an entry was written against (default: the pinned spec's)."""
        return entry.api_version or _pinned_version()

    def _predates(self, entry: ParamOverride | ResourceGuards | ModelMixin) -> bool:
        return older(self.api_version, self._reviewed(entry))

    def _newer(self, entry: ParamOverride | ResourceGuards | ModelMixin) -> str:
        return f"is not in API {self.api_version} (the guard was reviewed against {self._reviewed(entry)})"

    def finish(self) -> tuple[OverrideReview, ...]:
        """Note what an older spec lacks; report what a spec of the reviewed version or newer lacks.

        Strict (generation): those become :attr:`problems`; otherwise override reviews.
        """
        missing: list[tuple[ParamOverride | ResourceGuards | ModelMixin, str, str]] = []
        for p in self.overrides.registry.params:
            target = f"ParamOverride {p.call_path}({p.param})"
            missing.append((p, target, "the spec has no such parameter"))
        for r in self.overrides.registry.resources:
            target = f"ResourceGuards {r.resource!r}"
            missing.append((r, target, f"the spec has no resource client.{r.resource}"))
        for m in self.overrides.registry.models:
            target = f"ModelMixin {m.schema!r}"
            missing.append((m, target, f"the spec has no component schema {m.schema!r}"))
        for entry, target, why in missing:
            if entry in self.seen:
                continue
            if self._predates(entry):
                self.notes.append(f"{target} left out: its target {self._newer(entry)}")
            else:
                self._error(f"{target}: {why}")
        return (*self.reviews, *(OverrideReview("overrides", e) for e in self._errors))

    @property
    def problems(self) -> list[Problem]:
        """Strict mode: every mismatch, for the generation report."""
        if not self.overrides.strict:
            return []
        return [Problem(OVERRIDES_WHERE, e, _FIX) for e in self._errors]


__all__ = [
    "OVERRIDES_DIR",
    "Applier",
    "ModelMixin",
    "OverrideError",
    "Overrides",
    "ParamOverride",
    "Registry",
    "ResourceGuards",
    "is_minor_units",
]
