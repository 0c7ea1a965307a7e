"""A corpus of valid and invalid requests across the whole surface, as raw HTTP."""

from __future__ import annotations

import re
from typing import Any

from lattice_stripe._runtime.http.encoding import encode
from lattice_stripe._runtime.testing.schema import operations

from .probes import probes
from .surface import arguments

# Sent as multipart to the files host; the corpus speaks form encoding only.
MULTIPART = {"files.create"}


def corpus() -> list[tuple[str, str, str, str, str | None]]:
    """(label, method, path, form text, expected param or None for a valid request)."""
    rows = []
    for call, op in sorted(operations().items()):
        if call in MULTIPART or not op["path"].startswith("/v1/"):  # stripe-mock checks no v2
            continue
        ids, kwargs = arguments(call)
        path = op["path"]
        for value in ids:
            path = re.sub(r"\{[^}]+\}", value, path, count=1)
        cases: list[tuple[str, dict[str, Any], str | None]] = [("valid", kwargs, None)]
        cases += [(kind, params, param or None) for kind, (params, param) in probes(call).items()]
        for kind, params, param in cases:
            rows.append((f"{call}:{kind}", op["verb"].upper(), path, encode(params), param))
    return rows
