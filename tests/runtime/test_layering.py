"""The runtime's import graph is one-way: a cycle (function-local imports counted) or a
model module reaching upwards fails here, before it becomes a knot again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "codegen" / "runtime"

# Each layer may import only from the layers listed before it (type-only imports aside).
LAYERS = (
    {
        "errors",
        "secrets",
        "manifest",
        "batch",
        "observe",
        "resource",
        "version",
        "aiohttp_client",
        "fake_schema",
    },
    {"models"},  # base classes and the field-table compiler: imports nothing from the runtime
    {"pages"},  # list/search pages and pagers, typed against the requester protocols
    {"shapes"},  # JSON -> Python values, and the one `object` dispatch
    {
        "convert",
        "encoding",
        "options",
        "operation",
        "response",
        "idempotency",
        "ledger",
        "tracing",
        "transport",
    },
    {"retry", "webhooks", "ledger_postgres", "delivery", "fake_objects"},
    {"config"},  # ClientConfig and PreparedRequest (the default RetryPolicy is made on first read)
    {"client", "webhook_apps", "fake", "meter_stream"},
    {"fake_pytest"},
)


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def runtime_imports(path: Path) -> list[tuple[str, bool]]:
    """(runtime module, imported inside a function) for every import that runs."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.ImportFrom) and child.level == 1:
                if child.module:
                    found.append((child.module.split(".")[0], in_function))
                else:
                    found.extend((alias.name, in_function) for alias in child.names)
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(ast.parse(path.read_text()), False)
    return found


def graph() -> dict[str, set[str]]:
    return {
        path.stem: {module for module, _ in runtime_imports(path)}
        for path in RUNTIME.glob("*.py")
        if path.stem != "__init__"
    }


def test_every_runtime_module_has_a_layer() -> None:
    assert set(graph()) == set().union(*LAYERS)


def test_no_cycle_counting_function_local_imports() -> None:
    deps = graph()
    state: dict[str, str] = {}

    def walk(module: str, trail: tuple[str, ...]) -> None:
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", f"import cycle: {' -> '.join((*trail, module))}"
        state[module] = "open"
        for dep in sorted(deps.get(module, ())):
            walk(dep, (*trail, module))
        state[module] = "done"

    for module in sorted(deps):
        walk(module, ())


@pytest.mark.parametrize("index", range(len(LAYERS)))
def test_each_layer_imports_only_from_layers_below(index: int) -> None:
    deps = graph()
    below = set().union(*LAYERS[:index])
    for module in sorted(LAYERS[index]):
        upward = deps[module] - below
        assert not upward, f"{module} imports {sorted(upward)} from its own layer or above"


def test_models_is_a_leaf() -> None:
    assert graph()["models"] == set()


@pytest.mark.parametrize("module", ["models", "pages", "shapes", "convert", "response", "webhooks"])
def test_model_modules_import_nothing_from_the_runtime_inside_functions(module: str) -> None:
    local = [name for name, in_function in runtime_imports(RUNTIME / f"{module}.py") if in_function]
    assert local == []


def test_the_checker_sees_function_local_and_type_only_imports(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from .models import StripeObject\n"
        "if TYPE_CHECKING:\n    from .client import SyncBaseClient\n"
        "def f():\n    from .pages import ListObject\n    from . import shapes\n"
    )
    assert runtime_imports(source) == [("models", False), ("pages", True), ("shapes", True)]
