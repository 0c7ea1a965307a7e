"""Spec prose and type annotations as safe Python source text."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any


def doc(text: str | None) -> str:
    """Spec prose made safe for a triple-quoted docstring: no quote or escape can break out."""
    if not text:
        return ""
    text = re.sub(r"</?(p|code|a|strong|em|ul|li|br|b|i)\b[^>]*>", "", text)
    text = html.unescape(text).strip()
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    text = "".join(c if c.isprintable() or c == "\n" else _escape(c) for c in text)
    if text.endswith('"'):
        text += " "
    return text


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
