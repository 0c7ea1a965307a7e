"""Amounts are integers in the currency's minor unit: 1099 means 10.99 USD.

Sending ``10.99`` (or ``Decimal("10.99")``, ``"1099"``, ``True``) is refused before any HTTP.
The generator finds the amount parameters of every operation in the spec (see
``codegen.ir.overrides.is_minor_units``) and renders one :class:`MinorUnits` per operation,
so a call only looks up the few keys that can hold an amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .guard import refuse

_EACH = ""  # a `[]` step: every item of a list, every value of a map
Tree = dict[str, "Tree | None"]  # None marks an amount


class MinorUnits:
    """The amount parameters of one operation, as bracket paths: ``items[][price_data][unit_amount]``."""

    __slots__ = ("call_path", "tree")

    def __init__(self, call_path: str, *paths: str) -> None:
        self.call_path = call_path
        self.tree: Tree = {}
        for path in paths:
            head, rest = path.split("[", 1) if "[" in path else (path, "")
            steps = [head, *re.findall(r"\[([^\]]*)\]", "[" + rest)]
            node = self.tree
            for step in steps[:-1]:
                child = node.get(step)
                if child is None:
                    child = node[step] = {}
                node = child
            node[steps[-1]] = None

    def check(self, params: Mapping[str, Any]) -> None:
        """Refuse the first amount that is not an int (``Operation.check`` calls this)."""
        if not _all_ints(self.tree, params):
            self._refuse(self.tree, params, "")  # the slow walk, only to name the culprit

    def _refuse(self, tree: Tree, value: Any, where: str) -> None:
        for sub, path, v in _children(tree, value, where):
            if sub is not None:
                self._refuse(sub, v, path)
            elif not _is_amount(v):
                refuse(
                    self.call_path,
                    path,
                    v,
                    "amounts are integers in the currency's minor unit (1099 for 10.99 USD), "
                    "not floats, Decimals, bools or strings",
                )


def _is_amount(value: Any) -> bool:
    # bool is an int subclass; "" unsets a field where the spec allows it.
    return (isinstance(value, int) and not isinstance(value, bool)) or value == ""


def _all_ints(tree: Tree, value: Any) -> bool:
    """The fast path: no strings built, one lookup per key that can hold an amount."""
    is_map = type(value) is dict or isinstance(value, Mapping)
    for key, sub in tree.items():
        if key != _EACH:
            v = value.get(key) if is_map else None
            if v is None or (sub is None and type(v) is int):
                continue
            if not (_is_amount(v) if sub is None else _all_ints(sub, v)):
                return False
            continue
        values = value.values() if is_map else value if isinstance(value, (list, tuple)) else ()
        for v in values:
            if v is not None and not (_is_amount(v) if sub is None else _all_ints(sub, v)):
                return False
    return True


def _children(tree: Tree, value: Any, where: str) -> Iterator[tuple[Tree | None, str, Any]]:
    """(subtree, bracket path, value) of each child present, for the error message."""
    for key, sub in tree.items():
        if key != _EACH:
            v = value.get(key) if isinstance(value, Mapping) else None
            items: Any = [(key, v)]
        else:
            if isinstance(value, Mapping):
                items = value.items()
            else:  # a wrong shape here is the kind check's to report, not ours
                items = enumerate(value) if isinstance(value, (list, tuple)) else ()
        for k, v in items:
            if v is not None:
                yield sub, (f"{where}[{k}]" if where else k), v
