"""The shape of one entry in the generated operation manifest."""

from __future__ import annotations

from typing import NamedTuple


class OperationInfo(NamedTuple):
    operation_id: str
    http_method: str
    path: str
    call_path: str
    path_params: tuple[str, ...]
    params: tuple[str, ...]
