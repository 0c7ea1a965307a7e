"""Spec prose and type annotations as safe Python source text."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable
from typing import Any

_LIST_ITEM = re.compile(r"([*+-]|[0-9]+[.)])\s")
_BREAKS = (  # HTML structure the spec uses, as the plain-text breaks it stands for
    (re.compile(r"<li\b[^>]*>", re.IGNORECASE), "\n* "),
    (re.compile(r"</(p|ul|ol)>|<br\s*/?>", re.IGNORECASE), "\n\n"),
)


@functools.cache  # the spec repeats its prose (every `expand`, every `limit`)
def doc(text: str | None) -> str:
    """Spec prose made safe for a triple-quoted docstring: no quote or escape can break out.

    Paragraphs are reflowed (the spec wraps some lines by hand); list items keep their lines."""
    if not text:
        return ""
    for pattern, replacement in _BREAKS:
        text = pattern.sub(replacement, text)
    text = re.sub(r"</?(p|code|a|strong|em|ul|ol|li|br|b|i)\b[^>]*>", "", text)
    text = reflow(html.unescape(text))
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if not text.replace("\n", "").isprintable():
        text = "".join(c if c.isprintable() or c == "\n" else _escape(c) for c in text)
    if text.endswith('"'):
        text += " "
    return text


def reflow(text: str) -> str:
    """Join each paragraph's lines into one, except lines that start a list item."""
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        lines: list[str] = []
        for line in block.split("\n"):
            line = " ".join(line.split())
            if not line:
                continue
            if lines and not _LIST_ITEM.match(line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def literal(values: Iterable[Any]) -> str:
    return "Literal[" + ", ".join(repr(str(v)) for v in values) + "]"


def union(parts: Iterable[str]) -> str:
    unique: list[str] = []
    for part in parts:
        for piece in split_union(part):
            if piece not in unique:
                unique.append(piece)
    if "None" in unique:  # None last reads best
        unique.remove("None")
        unique.append("None")
    return " | ".join(unique)


def split_union(annotation: str) -> list[str]:
    """Split ``A | B[C | D]`` at top-level bars."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(annotation):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(annotation[start:i].strip())
            start = i + 1
    parts.append(annotation[start:].strip())
    return parts
