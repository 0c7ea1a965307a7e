"""IR -> the API reference as Markdown pages {path under docs/: text}. Pure, like render.py.

One page per resource module (its methods: call, HTTP line, parameters, return type) and
one page per initial letter of the model modules (classes and fields). Return and field
types link to their model's heading, so a reference to a model the pages do not hold is a
broken anchor, which the strict docs build refuses. The mkdocs hook (``codegen/mkdocs_hook.py``)
calls ``pages`` at build time: the reference is never committed, so it cannot go stale.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .ir.nodes import Alias, Api, Model, ModelModule, Operation, Param, ResourceModule

ROOT = "reference"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SENTENCE = re.compile(r"(?<=[a-z0-9)`'\"])\.\s")
_LINK = re.compile(r"\]\((?!https?:|mailto:|#)/?([^)]*)\)")  # a site-relative link in the spec's prose


def pages(api: Api) -> dict[str, str]:
    """Every reference page, keyed by its path under the docs folder."""
    anchors = _model_anchors(api)
    out: dict[str, str] = {}
    for module in api.resource_modules:
        out[f"{ROOT}/resources/{module.module}.md"] = _resource_page(module, anchors)
    for letter, modules in _by_letter(api).items():
        models = [m for module in modules for m in module.models]
        aliases = [a for module in modules for a in module.aliases]
        out[f"{ROOT}/models/{letter}.md"] = _models_page(letter, models, aliases, anchors)
    out[f"{ROOT}/index.md"] = _index(api, out)
    return out


def nav(paths: Iterable[str]) -> list[object]:
    """The reference section of the site's navigation, from the page paths."""
    paths = sorted(paths)
    resources = [{_title(p): p} for p in paths if p.startswith(f"{ROOT}/resources/")]
    models = [{_title(p): p} for p in paths if p.startswith(f"{ROOT}/models/")]
    return [f"{ROOT}/index.md", {"Resources": resources}, {"Models": models}]


def _title(path: str) -> str:
    stem = path.rsplit("/", 1)[1].removesuffix(".md")
    return stem.upper() if path.startswith(f"{ROOT}/models/") else stem


def _by_letter(api: Api) -> dict[str, list[ModelModule]]:
    groups: dict[str, list[ModelModule]] = {}
    for module in sorted(api.model_modules, key=lambda m: m.module):
        groups.setdefault(module.module[0], []).append(module)
    return groups


def _model_anchors(api: Api) -> dict[str, str]:
    """Model and alias class name -> its link target from a page under reference/."""
    anchors = {}
    for module in api.model_modules:
        for name in (*(m.name for m in module.models), *(a.name for a in module.aliases)):
            anchors[name] = f"../models/{module.module[0]}.md#{name.lower()}"
    return anchors


def _index(api: Api, out: dict[str, str]) -> str:
    lines = [
        "# API reference",
        "",
        f"Generated from the pinned spec (API version `{api.api_version}`, "
        f"{len(api.operations)} operations) when this site is built. Every method is on "
        "`StripeClient` and, with the same name and parameters, on `AsyncStripeClient`, "
        "where it is awaited and list pages are the `Async` page types. Path parameters are "
        "positional, the others keyword-only; every method also takes the request options "
        "(`idempotency_key`, `stripe_account`, `stripe_version`, `timeout`, `max_retries`, "
        "`retry_strategy`).",
        "",
    ]
    groups = {"Resources": [m for m in api.resource_modules if m.resources[0].chain[0] != "v2"]}
    groups["The v2 API (`client.v2`)"] = [m for m in api.resource_modules if m.resources[0].chain[0] == "v2"]
    for title, modules in groups.items():
        if modules:
            lines += [f"## {title}", ""]
        for module in modules:
            top = module.resources[0]
            count = sum(len(r.operations) for r in module.resources)
            plural = "method" if count == 1 else "methods"
            lines.append(
                f"- [`client.{'.'.join(top.chain)}`](resources/{module.module}.md): {count} {plural}"
            )
        lines.append("")
    lines += ["## Models", ""]
    letters = sorted(p.rsplit("/", 1)[1].removesuffix(".md") for p in out if "/models/" in p)
    lines.append(" · ".join(f"[{letter.upper()}](models/{letter}.md)" for letter in letters))
    return "\n".join(lines) + "\n"


def _resource_page(module: ResourceModule, anchors: dict[str, str]) -> str:
    """The module's resources and methods, then the TypedDicts its parameters are typed with."""
    local = {**anchors, **{d.name: f"#{d.name.lower()}" for d in module.params}}
    top = module.resources[0]
    lines = [f"# client.{'.'.join(top.chain)}", ""]
    for resource in module.resources:
        chain = "client." + ".".join(resource.chain)
        if resource is not top:
            lines += [f"## {chain}", ""]
        lines += [f"`{resource.class_name}` / `Async{resource.class_name}`", ""]
        for op in resource.operations:
            lines += _operation(chain, op, local)
    if module.params:
        lines += ["## Parameter types", "", "Nested parameters are `TypedDict`s: dicts with these keys.", ""]
        for typed in module.params:
            lines += [f"### {typed.name} {{#{typed.name.lower()}}}", ""]
            lines += [_param(p, positional=False, anchors=local, key=True) for p in typed.fields]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _operation(chain: str, op: Operation, anchors: dict[str, str]) -> list[str]:
    args = [p.py_name for p in op.path_params]
    if op.params:
        args.append("**params")
    lines = [
        f"### {op.py_name} {{#{op.call_path}}}",
        "",
        f"`{chain}.{op.py_name}({', '.join(args)}) -> {op.return_annotation}`",
        "",
        f"`{op.http_method.upper()} {op.path}` · operation `{op.operation_id}`",
        "",
    ]
    summary = _prose(op.doc)
    if summary:
        lines += [summary, ""]
    lines.append(f"Returns {_linked(op.return_annotation, anchors)}.")
    if op.async_return_annotation != op.return_annotation:
        lines[-1] = lines[-1][:-1] + f" (async: {_linked(op.async_return_annotation, anchors)})."
    lines.append("")
    if op.path_params or op.params:
        lines += ["Parameters:", ""]
        lines += [_param(p, positional=True, anchors=anchors) for p in op.path_params]
        lines += [_param(p, positional=False, anchors=anchors) for p in op.params]
        lines.append("")
    return lines


def _param(p: Param, positional: bool, anchors: dict[str, str], key: bool = False) -> str:
    """One parameter (or, with ``key``, one key of a TypedDict: its wire name)."""
    where = "positional" if positional else "required" if p.required else "optional"
    text = _first_sentence(_prose(p.doc))
    name = p.wire_name if key else p.py_name
    return f"- `{name}` ({where}): {_linked(p.annotation, anchors)}" + (f". {text}" if text else "")


def _models_page(letter: str, models: list[Model], aliases: list[Alias], anchors: dict[str, str]) -> str:
    lines = [f"# Models: {letter.upper()}", ""]
    entries: list[tuple[str, list[str]]] = []
    for model in models:
        body = [f"## {model.name} {{#{model.name.lower()}}}", ""]
        origin = f"`lattice_stripe.models.{model.name}`, schema `{model.schema_name}`"
        if model.object_value:
            origin += f", `object` `{model.object_value}`"
        body += [origin, ""]
        summary = _first_sentence(_prose(model.doc))
        if summary:
            body += [summary, ""]
        for field in model.fields:
            text = _first_sentence(_prose(field.doc))
            body.append(
                f"- `{field.attr}`: {_linked(field.annotation, anchors)}" + (f". {text}" if text else "")
            )
        entries.append((model.name, [*body, ""]))
    for alias in aliases:
        name = alias.name
        body = [f"## {name} {{#{name.lower()}}}", ""]
        body += [f"One of {_linked(alias.annotation, anchors)} (schema `{alias.schema_name}`).", ""]
        entries.append((name, body))
    for _, body in sorted(entries, key=lambda e: e[0].lower()):
        lines += body
    return "\n".join(lines).rstrip() + "\n"


def _linked(annotation: str, anchors: dict[str, str]) -> str:
    """An annotation as Markdown: code spans, with each model name a link to its heading."""
    parts: list[str] = []
    plain = ""
    pos = 0
    for match in _NAME.finditer(annotation):
        name = match.group()
        if name in anchors and not _in_quotes(annotation, match.start()):
            plain += annotation[pos : match.start()]
            if plain:
                parts.append(f"`{plain}`")
            parts.append(f"[`{name}`]({anchors[name]})")
            plain = ""
            pos = match.end()
    plain += annotation[pos:]
    if plain:
        parts.append(f"`{plain}`")
    return "".join(parts)


def _in_quotes(text: str, index: int) -> bool:
    return text.count("'", 0, index) % 2 == 1


def _prose(doc: str) -> str:
    """The first paragraph of an IR docstring as Markdown text."""
    first = doc.split("\n\n", 1)[0].replace("\n", " ").replace("\\\\", "\\").strip()
    first = html.escape(first, quote=False)
    first = _LINK.sub(r"](https://stripe.com/\1)", first)  # the spec's links are relative to Stripe's site
    return first.replace("`", "'") if first.count("`") % 2 else first


def _first_sentence(text: str) -> str:
    """Up to the first full stop that is not inside a link."""
    for match in _SENTENCE.finditer(text):
        head = text[: match.start()]
        if head.count("[") == head.count("]") and head.count("(") == head.count(")"):
            return head
    return text.rstrip(".")
