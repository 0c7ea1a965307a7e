"""examples/explorer.ipynb runs top to bottom in a real kernel, so it never rots."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "explorer.ipynb"


def _text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.append(out.get("data", {}).get("text/markdown", ""))
    return "".join(parts)


def test_explorer_notebook_executes_and_shows_tables() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")  # committed clean
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()  # raises on any cell error
    out = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
    assert "| id | name | email |" in out and "ada@example.com" in out  # a list page as a table
    assert "declined: card_declined insufficient_funds" in out
    assert "invoice in_" in out and "paid" in out
    assert "| card_payments | active |" in out
    assert "router answered 200" in out and "grant access for cus_" in out
