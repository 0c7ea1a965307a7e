"""Amounts are integers in the currency's minor unit: 1099 means 10.99 USD.

Sending ``10.99`` (or ``Decimal("10.99")``, ``"1099"``, ``True``) is refused before any HTTP.
The generator finds the amount parameters of every operation in the spec (see
``codegen.ir.overrides.is_minor_units``) and renders one :class:`MinorUnits` per operation,
so a call only looks up the few keys that can hold an amount.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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

    def check(self, params: dict[str, Any]) -> dict[str, Any]:
        """Return ``params`` unchanged, or refuse the first amount that is not an int."""
        self._walk(self.tree, params, "")
        return params

    def _walk(self, tree: Tree, value: Any, where: str) -> None:
        for key, sub in tree.items():
            if key == _EACH:
                items = value.items() if isinstance(value, Mapping) else enumerate(value)
                for k, v in items if isinstance(value, (Mapping, list, tuple)) else ():
                    self._visit(sub, v, f"{where}[{k}]")
            elif isinstance(value, Mapping):
                v = value.get(key)
                if v is not None:
                    self._visit(sub, v, f"{where}[{key}]" if where else key)

    def _visit(self, sub: Tree | None, value: Any, where: str) -> None:
        if sub is not None:
            self._walk(sub, value, where)
        elif type(value) is not int and value != "":  # "" unsets, where the spec allows it
            if isinstance(value, int) and not isinstance(value, bool):
                return  # an int subclass (IntEnum) is still an integer
            refuse(
                self.call_path,
                where,
                value,
                "amounts are integers in the currency's minor unit (1099 for 10.99 USD), "
                "not floats, Decimals, bools or strings",
            )
