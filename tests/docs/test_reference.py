"""The API reference the docs build renders from the IR: every resource, method, parameter,
return type and model is on a page, and every link in it lands on a heading that exists."""

from __future__ import annotations

import re

import pytest

from codegen import reference
from codegen import spec as spec_mod
from codegen.ir.build import build
from codegen.ir.nodes import Api

_HEADING_ID = re.compile(r"^#+ .*\{#([^}]+)\}$", re.MULTILINE)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def api() -> Api:
    return build(spec_mod.load(download=False))


@pytest.fixture(scope="module")
def pages(api: Api) -> dict[str, str]:
    return reference.pages(api)


def test_every_operation_has_its_call_http_line_parameters_and_return_type(
    api: Api, pages: dict[str, str]
) -> None:
    text = "\n".join(t for p, t in pages.items() if "/resources/" in p)
    for op in api.operations:
        start = text.index(f"{{#{op.call_path}}}")
        section = text[start : text.find("\n### ", start)]
        assert f"`{op.http_method.upper()} {op.path}`" in section, op.call_path
        assert f".{op.py_name}(" in section and f"-> {op.return_annotation}`" in section, op.call_path
        plain = _plain(section)
        for param in (*op.path_params, *op.params):
            assert f"- {param.py_name} (" in plain and f": {param.annotation}" in plain, (
                op.call_path,
                param.py_name,
            )


def _plain(markdown: str) -> str:
    """Markdown with its links and code spans reduced to their text."""
    return re.sub(r"\[(`\w+`)\]\([^)\s]*\)", r"\1", markdown).replace("`", "")


def test_every_params_typeddict_is_on_its_resource_page_with_its_keys(
    api: Api, pages: dict[str, str]
) -> None:
    for module in api.resource_modules:
        page = _plain(pages[f"{reference.ROOT}/resources/{module.module}.md"])
        for typed in module.params:
            start = page.index(f"### {typed.name} {{#{typed.name.lower()}}}")
            section = page[start : page.find("\n### ", start + 1)]
            for key in typed.fields:
                assert f"- {key.wire_name} (" in section and f": {key.annotation}" in section, (
                    typed.name,
                    key,
                )


def test_every_resource_module_and_model_has_a_page_and_heading(api: Api, pages: dict[str, str]) -> None:
    for module in api.resource_modules:
        assert f"{reference.ROOT}/resources/{module.module}.md" in pages
    for module in api.model_modules:
        page = pages[f"{reference.ROOT}/models/{module.module[0]}.md"]
        for name in (*(m.name for m in module.models), *(a.name for a in module.aliases)):
            assert f"## {name} {{#{name.lower()}}}" in page
            for field in next((m.fields for m in module.models if m.name == name), ()):
                assert f"- `{field.attr}`: " in page


def test_every_link_between_reference_pages_lands_on_a_heading(pages: dict[str, str]) -> None:
    """The strict docs build checks the same; here it fails in `make test`, in seconds."""
    ids = {path: set(_HEADING_ID.findall(text)) for path, text in pages.items()}
    checked = 0
    for path, text in pages.items():
        folder = path.rsplit("/", 1)[0]
        for target in _LINK.findall(text):
            if target.startswith(("https://", "http://", "mailto:")):
                continue
            file, _, anchor = target.partition("#")
            resolved = _resolve(folder, file) if file else path
            assert resolved in pages, f"{path}: link to {target}"
            assert not anchor or anchor in ids[resolved], f"{path}: no heading {anchor} in {resolved}"
            checked += 1
    assert checked > 1000


def _resolve(folder: str, relative: str) -> str:
    parts = folder.split("/")
    for piece in relative.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def test_navigation_lists_every_page(pages: dict[str, str]) -> None:
    nav = reference.nav(pages)
    listed = {nav[0]} | {
        p for section in nav[1:] for entries in section.values() for e in entries for p in e.values()
    }  # type: ignore[union-attr]
    assert listed == set(pages)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("See [the guide](/docs/billing). More.", "See [the guide](https://stripe.com/docs/billing). More."),
        ("A [link](docs/api/x) here.", "A [link](https://stripe.com/docs/api/x) here."),
        (
            "Kept: [x](https://example.com/a) and [y](#top).",
            "Kept: [x](https://example.com/a) and [y](#top).",
        ),
        ("<script>alert(1)</script> & co", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"),
        ("An odd ` backtick", "An odd ' backtick"),
        ("Two\nlines\n\nsecond paragraph", "Two lines"),
        (
            "Use [the v1. API](/docs/a). Then more.",
            "Use [the v1. API](https://stripe.com/docs/a). Then more.",
        ),
        ("A path C:\\\\dir", "A path C:\\dir"),
    ],
)
def test_spec_prose_becomes_safe_markdown(doc: str, expected: str) -> None:
    assert reference._prose(doc) == expected


def test_a_first_sentence_never_cuts_a_link() -> None:
    text = reference._prose("Use [the v1. API](/docs/a). Then more.")
    assert reference._first_sentence(text) == "Use [the v1. API](https://stripe.com/docs/a)"


def test_rendering_is_deterministic(api: Api, pages: dict[str, str]) -> None:
    assert reference.pages(api) == pages
