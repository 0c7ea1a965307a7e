"""examples/explorer.ipynb, executed as a reader's Jupyter would run it.

``make notebook`` (``python -m tests.testing.notebook``) re-runs it against the in-process
fake and writes it back with its outputs, which are committed so a reader on a code host sees
them; ``test_notebook.py`` fails when they are not what a fresh run prints.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "explorer.ipynb"


def read() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` run top to bottom in a fresh kernel (raises on the first cell error)."""
    ran = copy.deepcopy(nb)
    client = NotebookClient(
        ran,
        timeout=120,
        kernel_name="python3",
        record_timing=False,  # no wall-clock timestamps in the committed file
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return ran


def outputs(nb: nbformat.NotebookNode) -> list[list[dict[str, Any]]]:
    """What each code cell printed or displayed, as plain data."""
    return [[dict(out) for out in cell.get("outputs", [])] for cell in nb.cells if cell.cell_type == "code"]


def text(nb: nbformat.NotebookNode) -> str:
    """Every output's text and Markdown, joined."""
    parts = []
    for cell_outputs in outputs(nb):
        for out in cell_outputs:
            parts.append(out.get("text", ""))
            parts.append(out.get("data", {}).get("text/markdown", ""))
    return "\n".join(parts)


def main() -> None:
    ran = execute(read())
    nbformat.write(ran, NOTEBOOK)
    print(f"wrote {NOTEBOOK} with the outputs of {len(outputs(ran))} code cells")


if __name__ == "__main__":
    main()
