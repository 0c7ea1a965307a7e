"""The runtime's import graph is one-way, and its folders show the layers.

Each subpackage (a *room*) may import only from the rooms below it; inside a room the
modules keep their own order. A cycle (function-local imports counted) or an import across a
forbidden layer fails here, before it becomes a knot again. Type-only imports are free.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "codegen" / "runtime"

TOP = ""  # errors, version, manifest: leaves anything may import
# Rooms from the bottom up: each imports only from the rooms before it (and its own modules).
ROOMS = (TOP, "objects", "observability", "webhooks", "http", "testing")

# Inside a room, modules in layers: each imports only from the layers listed before it.
MODULE_LAYERS: dict[str, tuple[set[str], ...]] = {
    TOP: ({"errors", "version", "manifest", "flows", "times"},),
    "objects": ({"secrets"}, {"models"}, {"pages", "response"}, {"shapes"}, {"convert"}),
    "observability": ({"observe", "tracing"},),
    "webhooks": ({"ledger"}, {"ledger_postgres", "events"}, {"notifications"}, {"delivery"}, {"router"}),
    "http": (
        {"batch", "aiohttp_client", "encoding", "idempotency", "operation", "options", "meter_events"},
        {"transport", "retry", "resource"},
        {"config"},  # ClientConfig and PreparedRequest (the default RetryPolicy is made on first read)
        {"meter_stream"},  # drives the client it is given (type-only import)
        {"client"},
    ),
    "testing": (
        {"schema", "refusals", "metering"},
        {"objects"},
        {"state"},
        {"cards", "lists", "thin"},
        {"references", "behaviours.registry"},
        {"v2"},  # dispatches to the behaviours through the registry
        {"behaviours.catalog", "behaviours.payments", "behaviours.usage"},  # one module per area
        {"behaviours.billing", "behaviours.connect"},
        {"behaviours.subscriptions"},
        {"behaviours.customers", "behaviours.clocks", "behaviours.checkout", "behaviours.others"},
        {"behaviours.destinations"},
        {"fake"},
        {"pytest_plugin"},
    ),
}


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def module_name(path: Path, root: Path = RUNTIME) -> str:
    """``"http.client"`` for codegen/runtime/http/client.py, ``"errors"`` for the top level."""
    return ".".join(path.relative_to(root).with_suffix("").parts)


def runtime_imports(path: Path, root: Path = RUNTIME) -> list[tuple[str, bool]]:
    """(runtime module as a dotted name under the runtime, imported inside a function) for every
    relative import that runs; imports of the generated package (``lattice_stripe.*``) are left out."""
    package = path.relative_to(root).parent.parts  # () at the top level
    found: list[tuple[str, bool]] = []

    def resolve(level: int, module: str | None, name: str | None) -> str | None:
        if level - 1 > len(package):
            return None  # above the runtime: the generated package
        base = list(package[: len(package) - (level - 1)])  # the package `level` dots name
        parts = base + (module.split(".") if module else []) + ([name] if name else [])
        return ".".join(parts)

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if isinstance(child, ast.ImportFrom) and child.level >= 1:
                # each name may be a module (`from . import retry`) or a value in one
                targets = {resolve(child.level, child.module, alias.name) for alias in child.names}
                found.extend((target, in_function) for target in sorted(t for t in targets if t))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(ast.parse(path.read_text()), False)
    return found


def graph(root: Path = RUNTIME) -> dict[str, set[str]]:
    """Module -> the runtime modules (or rooms, for a room's ``__init__``) it imports."""
    modules = {module_name(p, root): p for p in root.rglob("*.py") if p.stem != "__init__"}

    def known(target: str) -> str:  # `from . import NAME` may name a value, not a module
        while target not in modules and target not in ROOMS and "." in target:
            target = target.rpartition(".")[0]
        return target

    return {name: {known(m) for m, _ in runtime_imports(path, root)} for name, path in modules.items()}


def room_of(module: str) -> str:
    """The room a module lives in (a package inside a room, such as testing.behaviours, is
    part of that room)."""
    if module in ROOMS:
        return module
    head = module.partition(".")[0]
    return head if "." in module and head in ROOMS else ""


def leaf_of(module: str) -> str:
    """The module's name inside its room (``behaviours.payments`` in testing)."""
    room = room_of(module)
    return module[len(room) + 1 :] if room else module


def layer_problems(root: Path = RUNTIME) -> list[str]:
    """Every import that crosses a forbidden layer, as readable lines."""
    problems = []
    for module, deps in sorted(graph(root).items()):
        room, leaf = room_of(module), leaf_of(module)
        allowed_rooms = set(ROOMS[: ROOMS.index(room)]) if room in ROOMS else set()
        layers = MODULE_LAYERS.get(room, ())
        index = next((i for i, layer in enumerate(layers) if leaf in layer), None)
        below = set().union(*layers[:index]) if index is not None else set()
        for dep in sorted(deps):
            dep_room = room_of(dep)
            if dep == room:
                continue  # the room's own __init__
            if dep_room == room:
                if leaf_of(dep) not in below:
                    problems.append(f"{module} imports {dep}: its own layer or above inside {room or 'top'}")
            elif dep_room not in allowed_rooms:
                problems.append(
                    f"{module} imports {dep}: room {dep_room or 'top'} is not below {room or 'top'}"
                )
    return problems


def test_every_runtime_module_has_a_room_and_a_layer() -> None:
    placed = {
        f"{room}.{m}" if room else m
        for room, layers in MODULE_LAYERS.items()
        for layer in layers
        for m in layer
    }
    assert set(graph()) == placed


def test_every_room_says_what_lives_there() -> None:
    for room in ROOMS[1:]:
        doc = ast.get_docstring(ast.parse((RUNTIME / room / "__init__.py").read_text()))
        assert doc and "import" in doc.lower(), (
            f"{room}/__init__.py must say what lives there and what it may import"
        )


def test_no_import_crosses_a_forbidden_layer() -> None:
    assert layer_problems() == []


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


def test_models_is_a_leaf_of_objects() -> None:
    assert graph()["objects.models"] <= {"errors"}


@pytest.mark.parametrize(
    "module",
    [
        "objects/models",
        "objects/pages",
        "objects/shapes",
        "objects/convert",
        "objects/response",
        "webhooks/events",
    ],
)
def test_model_modules_import_nothing_from_the_runtime_inside_functions(module: str) -> None:
    local = [name for name, in_function in runtime_imports(RUNTIME / f"{module}.py") if in_function]
    assert local == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "objects/models.py",
            "from ..http.client import SyncBaseClient\n",
            "objects.models imports http.client",
        ),
        ("webhooks/events.py", "from ..http import options\n", "webhooks.events imports http.options"),
        (
            "observability/tracing.py",
            "def f():\n    from ..webhooks import router\n",
            "observability.tracing",
        ),
        (
            "objects/secrets.py",
            "from .models import StripeObject\n",
            "objects.secrets imports objects.models",
        ),
    ],
)
def test_the_check_fails_on_a_wrong_import(tmp_path: Path, name: str, text: str, problem: str) -> None:
    """A copy of the runtime with one deliberately wrong import is refused, naming it."""
    files = {str(p.relative_to(RUNTIME)): p.read_text() for p in RUNTIME.rglob("*.py")}
    files[name] = files[name] + text
    root = _tree(tmp_path / "runtime", files)
    problems = layer_problems(root)
    assert any(line.startswith(problem) for line in problems), problems


def test_the_checker_sees_function_local_and_type_only_imports(tmp_path: Path) -> None:
    source = _tree(tmp_path, {"http/sample.py": ""}) / "http" / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from ..objects.models import StripeObject\n"
        "from ... import _fake_tables\n"
        "if TYPE_CHECKING:\n    from .client import SyncBaseClient\n"
        "def f():\n    from ..objects.pages import ListObject\n    from . import retry\n"
    )
    assert runtime_imports(source, tmp_path) == [
        ("objects.models.StripeObject", False),
        ("objects.pages.ListObject", True),
        ("http.retry", True),
    ]
    assert graph(tmp_path)["http.sample"] == {"objects", "http"}  # names trimmed to what exists
