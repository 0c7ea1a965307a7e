"""What a spec (or ``overrides/``) asks that the generator cannot do, gathered for one report.

The builders record a :class:`Problem` and go on, so one run lists everything to fix, each
with where it is in the spec and what to do about it.
"""

from __future__ import annotations

import attrs

from ..spec import SpecError


@attrs.frozen
class Problem:
    where: str  # spec location: "components.schemas.charge", "POST /v1/files (PostFiles)", ...
    what: str
    fix: str


class GenerationError(SpecError):
    """Every problem of one spec; the CLI prints them and exits 2."""

    def __init__(self, api_version: str, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [f"{len(problems)} problem(s) in the spec for API {api_version}:"]
        for p in problems:
            lines += [f"  {p.where}: {p.what}", f"    fix: {p.fix}"]
        super().__init__("\n".join(lines))


def fix_for(exc: Exception) -> str:
    """What to do about a problem the builders raised while reading one spec location."""
    from .naming import NamingError

    if isinstance(exc, NamingError):
        return "add or extend a naming rule in codegen/ir/naming.py (docs/maintainer/naming.md)"
    return "teach the IR builders (codegen/ir/models.py, params.py) this schema shape, then regenerate"
