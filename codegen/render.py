"""IR -> {relative path: file text}. Pure: no disk writes, no clock, sorted iteration."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2

from .ir.nodes import Api, Param

TEMPLATES = Path(__file__).parent / "templates"
PACKAGE = "lattice_stripe"


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Greedy word wrap (textwrap is several times slower on thousands of docstrings)."""
    if not text:
        return [""]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        limit = width if not lines else width - (len(rest) - len(first))  # the hanging indent counts
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return [(first if i == 0 else rest) + line for i, line in enumerate(lines)]


def _docstring(text: str, indent: int, call: str | None = None, params: Sequence[Param] = ()) -> str:
    """A triple-quoted docstring; ``text`` and ``call`` are already escaped by the IR builder."""
    pad = " " * indent
    paragraphs = [p for p in text.split("\n\n") if p.strip()] if text else []
    if call:
        paragraphs.append(f"``{call}``")
    if params:
        lines = ["Args:"]
        for p in params:
            # The whole description: its first line on the entry, the rest (list items,
            # further paragraphs) indented under it.
            first, *rest = [line for line in p.doc.split("\n") if line] if p.doc else [""]
            lines.append(f"    {p.py_name}: {first}".rstrip())
            lines += [f"        {line}" for line in rest]
        paragraphs.append("\n".join(lines))
    if not paragraphs:
        return '""""""'
    body = "\n\n".join(paragraphs)
    if "\n" not in body and len(body) + indent + 6 <= 100:
        return f'"""{body}"""'
    wrapped: list[str] = []
    for line in body.split("\n"):
        lead = line[: len(line) - len(line.lstrip())]
        hanging = lead + ("    " if lead else "")
        wrapped += _wrap(line.strip(), max(40, 96 - indent - len(lead)), lead, hanging)
    return (
        '"""'
        + wrapped[0]
        + "\n"
        + "\n".join((pad + w) if w else "" for w in wrapped[1:])
        + "\n"
        + pad
        + '"""'
    )


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - we emit Python, escaped by the IR and the filters
    )
    env.filters["pyrepr"] = repr  # the formatter then settles the quotes
    env.filters["docstring"] = _docstring
    return env


def render(api: Api) -> dict[str, str]:
    """Every generated file, keyed by its path under ``generated/``."""
    env = environment()
    pkg = PACKAGE
    files: dict[str, str] = {}

    def put(path: str, template: str, **context: object) -> None:
        files[path] = env.get_template(template).render(api=api, **context)

    put(f"{pkg}/__init__.py", "package_init.py.jinja")
    put(f"{pkg}/_version.py", "version.py.jinja")
    put(f"{pkg}/_client.py", "client.py.jinja")
    put(f"{pkg}/_manifest.py", "manifest.py.jinja")
    put(f"{pkg}/_events.py", "events.py.jinja")
    put(f"{pkg}/py.typed", "py_typed.jinja")
    put(f"{pkg}/_fake_tables.py", "fake_tables.py.jinja")
    put(f"{pkg}/testing.py", "testing.py.jinja")
    put(f"{pkg}/models/__init__.py", "models_init.py.jinja")
    put(
        f"{pkg}/resources/__init__.py",
        "package_marker.py.jinja",
        doc="Resource classes, one module per top-level resource.",
    )
    put(
        f"{pkg}/params/__init__.py",
        "package_marker.py.jinja",
        doc="TypedDicts for nested request parameters.",
    )
    for module in api.model_modules:
        template = "model_module.py.jinja" if module.models else "alias_module.py.jinja"
        put(f"{pkg}/models/{module.module}.py", template, module=module)
    for rmodule in api.resource_modules:
        put(f"{pkg}/resources/{rmodule.module}.py", "resource_module.py.jinja", module=rmodule)
        put(f"{pkg}/params/{rmodule.module}.py", "params_module.py.jinja", module=rmodule)
    return dict(sorted(files.items()))
