"""The fenced code blocks of the README and docs/, as the tests run them.

A ```python block is code a reader runs; the blocks of one page share one namespace, in
order, as in one session. A block titled with a file name (```python title="test_shop.py"```,
or ```toml title="pyproject.toml"```) is a file of a small project instead: the page's
files are written to a folder and pytest runs there. Anything that cannot run is ```text
(or ```sh, ```toml, ...), and is not executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[2]
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<lang>[\w+-]*)(?P<info>[^`]*)$")
_TITLE = re.compile(r"""title=["']([^"']+)["']""")


@attrs.frozen
class Block:
    page: str  # path relative to the repository root
    line: int  # of the block's first code line
    lang: str
    title: str | None
    code: str

    @property
    def is_file(self) -> bool:
        return self.title is not None

    def compiled(self) -> object:
        """The code compiled so a traceback names the Markdown file and its line."""
        return compile("\n" * (self.line - 1) + self.code, str(ROOT / self.page), "exec")


def pages() -> list[str]:
    found = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [str(p.relative_to(ROOT)) for p in found]


def blocks(page: str) -> Iterator[Block]:
    lines = (ROOT / page).read_text().split("\n")
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence = match["indent"], match["fence"]
        title = _TITLE.search(match["info"])
        body: list[str] = []
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j].lstrip())
            j += 1
        if j == len(lines):
            raise ValueError(f"{page}:{i + 1}: a code block that never closes")
        lang = match["lang"] or "text"
        yield Block(page, i + 2, lang, title[1] if title else None, "\n".join(body) + "\n")
        i = j + 1
