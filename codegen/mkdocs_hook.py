"""mkdocs hook (mkdocs.yml ``hooks:``): adds the API reference, rendered from the pinned
spec's IR by ``codegen.reference``, to the site as generated pages, and its navigation.

mkdocs loads this file by path, so the repository root is put on ``sys.path`` for ``codegen``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from codegen import reference  # noqa: E402
from codegen import spec as spec_mod  # noqa: E402
from codegen.ir.build import build  # noqa: E402

_pages: dict[str, str] = {}


def on_config(config: Any) -> Any:
    """Render the pages once per build and put their navigation under "API reference"."""
    _pages.clear()
    _pages.update(reference.pages(build(spec_mod.load(spec_mod.Lock.read()))))
    section = reference.nav(_pages)
    for i, item in enumerate(config["nav"] or []):
        if isinstance(item, dict) and item.get("API reference") == f"{reference.ROOT}/index.md":
            config["nav"][i] = {"API reference": section}
    return config


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for path, text in _pages.items():
        files.append(File.generated(config, path, content=text))
    return files
