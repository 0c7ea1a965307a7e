"""The public surface of the API, as the spec implies it and as a generated package exposes it.

Both sides produce the same typed records (:class:`Surface` down to :class:`Member`), keyed by
identity: an operation by its call path (``"accounts.reject"``), a model class by module and
name, a member by its wire name. The drift check compares records key by key, so what
changed is always a record and one of its attributes, never a position in a nested path.

The spec side goes through the IR, so naming rules live in one place. The package side
imports the package and walks the client, resource classes, signatures, params TypedDicts
and attrs fields: what users actually get, not a file the generator wrote. Annotations are
canonical on both sides (union members sorted, ``Literal[...]`` values pulled out into ``enum``).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache, cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import attrs
from typing_extensions import is_typeddict

from .assemble import assemble
from .ir.nodes import Api, Param

PACKAGE = "lattice_stripe"
RUNTIME = PACKAGE + "._runtime"


@attrs.frozen
class Member:
    """A keyword argument, a params TypedDict key or a model field."""

    type: str  # canonical annotation, Literal values pulled out: "Literal | None"
    enum: frozenset[str] = frozenset()  # the Literal values
    required: bool = False
    attr: str = ""  # model fields: the Python attribute (the key is the JSON name)


@attrs.frozen
class Operation:
    """A method of a resource, with the HTTP operation it sends."""

    http: str  # "POST /v1/accounts/{}/reject", or NO_OPERATION
    path_params: tuple[str, ...]
    returns: str
    params: Mapping[str, Member]
    api: str = "v1"  # v1 | v2: the API it belongs to, as the IR and the runtime Operation say


@attrs.frozen
class Fields:
    """A model class or a params TypedDict: members by wire name."""

    fields: Mapping[str, Member]


@attrs.frozen
class Alias:
    """A model module's union of model classes."""

    alias: str


Shape = Fields | Alias


@attrs.frozen
class Surface:
    """What one client exposes; the async one carries only ``resources`` and ``operations``."""

    resources: Mapping[str, str]  # chain "accounts.capabilities" -> class "AccountsCapabilities"
    operations: Mapping[str, Operation]  # call path -> operation
    api_version: str = ""
    params: Mapping[str, Mapping[str, Shape]] = attrs.field(factory=dict)  # module -> TypedDict name
    models: Mapping[str, Mapping[str, Shape]] = attrs.field(factory=dict)  # module -> class name


NO_OPERATION = "(no API operation)"


def api_of(name: str) -> str:
    """``"v2"`` for a record of Stripe's v2 API, found by its identity: a call path or resource
    chain under ``client.v2`` (``v2.core.events.list``), or a params or model module, which the
    naming rules name after the ``v2`` chain or ``v2.*`` schema (``v2_core_events``,
    ``v2_core_event``). Operations carry their ``api`` themselves; this names the rest."""
    return "v2" if name.startswith(("v2.", "v2_")) else "v1"


class SurfaceError(Exception):
    """The generated package could not be imported or understood."""


@cache
def normalize(annotation: str) -> tuple[str, tuple[str, ...]]:
    """``'Literal["b", "a"] | None'`` -> ``("Literal | None", ("a", "b"))``."""
    values: set[str] = set()

    def canon(node: ast.expr) -> str:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return " | ".join(sorted({*canon(node.left).split(" | "), *canon(node.right).split(" | ")}))
        if isinstance(node, ast.Subscript):
            if isinstance(node.value, ast.Name) and node.value.id == "Literal":
                items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                values.update(str(ast.literal_eval(i)) for i in items)
                return "Literal"
            return f"{canon(node.value)}[{canon(node.slice)}]"
        if isinstance(node, ast.Tuple):
            return ", ".join(canon(e) for e in node.elts)
        return ast.unparse(node)

    try:
        text = canon(ast.parse(annotation, mode="eval").body)
    except (SyntaxError, ValueError):
        return annotation, ()
    return text, tuple(sorted(values))


def member(annotation: str, required: bool, attr: str = "") -> Member:
    text, values = normalize(annotation)
    return Member(text, frozenset(values), required, attr)


# --- the spec side, through the IR ---------------------------------------------------


def _spec_param(p: Param, optional: str = " | None") -> Member:
    """A keyword argument (optional ones are ``X | None = None``) or a TypedDict key (no None)."""
    return member(p.annotation if p.required else p.annotation + optional, p.required)


def from_api(api: Api) -> Surface:
    """The surface the spec implies."""
    return Surface(
        api_version=api.api_version,
        resources={".".join(r.chain): r.class_name for rm in api.resource_modules for r in rm.resources},
        operations={
            op.call_path: Operation(
                http=f"{op.http_method.upper()} {op.path_format}",
                path_params=tuple(p.py_name for p in op.path_params),
                returns=normalize(op.return_annotation)[0],
                params={p.py_name: _spec_param(p) for p in op.params},
                api=op.api,
            )
            for op in api.operations
        },
        params={
            rm.module: {
                d.name: Fields({f.wire_name: _spec_param(f, "") for f in d.fields}) for d in rm.params
            }
            for rm in api.resource_modules
            if rm.params
        },
        models={
            mm.module: {
                **{
                    m.name: Fields({f.json_name: member(f.annotation, f.required, f.attr) for f in m.fields})
                    for m in mm.models
                },
                **{a.name: Alias(normalize(a.annotation)[0]) for a in mm.aliases},
            }
            for mm in api.model_modules
        },
    )


# --- the package side, by importing it ----------------------------------------------


@attrs.frozen
class PackageSurface:
    surface: Surface  # what StripeClient and the models expose
    async_surface: Surface  # resources and operations of AsyncStripeClient ("Async" prefix dropped)


@contextmanager
def imported(package_dir: Path) -> Iterator[ModuleType]:
    """Import ``package_dir/lattice_stripe`` (assembled with runtime and overrides), then forget it."""
    source = package_dir / PACKAGE
    if not (source / "__init__.py").is_file():
        raise SurfaceError(f"no generated package at {source}: run `make generate` (or pass --package-dir)")
    if PACKAGE in sys.modules:
        raise SurfaceError(f"{PACKAGE} is already imported in this process; inspect it in a fresh one")
    with tempfile.TemporaryDirectory(prefix="lattice-drift-") as tmp:
        root = str(assemble(source, Path(tmp)))
        sys.path.insert(0, root)
        try:
            package = importlib.import_module(PACKAGE)
            if not str(package.__file__).startswith(root):
                raise SurfaceError(f"imported {package.__file__} instead of the package in {source}")
            yield package
        except SurfaceError:
            raise
        except Exception as exc:  # any import-time failure means the package is broken
            raise SurfaceError(f"cannot import the generated package in {source}: {exc!r}") from exc
        finally:
            sys.path.remove(root)
            for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
                del sys.modules[name]


def from_package(package_dir: Path) -> PackageSurface:
    """The surface the package in ``package_dir`` (the folder holding ``lattice_stripe/``) exposes."""
    with imported(package_dir):
        client_mod = importlib.import_module(f"{PACKAGE}._client")
        version = importlib.import_module(f"{PACKAGE}._version")
        sync = _walk_client(client_mod.StripeClient("sk_test_drift_check"))
        async_ = _walk_client(client_mod.AsyncStripeClient("sk_test_drift_check"))
        surface = attrs.evolve(sync, api_version=version.API_VERSION, params=_params(), models=_models())
        return PackageSurface(surface, async_)


def _walk_client(client: Any) -> Surface:
    resources: dict[str, str] = {}
    operations: dict[str, Operation] = {}

    def walk(obj: Any, chain: tuple[str, ...], seen: tuple[type, ...]) -> None:
        cls = type(obj)
        if chain and any(b.__name__ in ("SyncResource", "AsyncResource") for b in cls.__mro__):
            resources[".".join(chain)] = cls.__name__.removeprefix("Async")
        for name in dir(cls):
            owner = next((b for b in cls.__mro__ if name in b.__dict__), object)
            if name.startswith("_") or owner.__module__.startswith(RUNTIME) or owner is object:
                continue  # runtime helpers (with_raw_response, close, ...) are not API surface
            static = owner.__dict__[name]
            if isinstance(static, cached_property | property):
                child = getattr(obj, name)
                if type(child).__module__.startswith(PACKAGE + ".") and type(child) not in seen:
                    walk(child, (*chain, name), (*seen, cls))
            elif inspect.isfunction(static):
                operations[".".join((*chain, name))] = _operation(cls, name, static)

    walk(client, (), ())
    return Surface(resources, operations)


def _operation(cls: type, name: str, fn: Any) -> Operation:
    sig = inspect.signature(fn)
    positional = tuple(
        p.name
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"
    )
    params = {
        p.name: member(str(p.annotation), required=p.default is p.empty)
        for p in sig.parameters.values()
        if p.kind is p.KEYWORD_ONLY
    }
    op = _operation_object(cls, name)
    return Operation(
        http=f"{op.method.upper()} {op.path_format}" if op is not None else NO_OPERATION,
        path_params=positional,
        returns=_mirrored(cls, normalize(str(sig.return_annotation))[0]),
        params=params,
        api=op.api if op is not None else "v1",
    )


def _mirrored(cls: type, returns: str) -> str:
    """An async method's pages as the sync mirror names them (``AsyncListObject`` -> ``ListObject``)."""
    if not cls.__name__.startswith("Async"):
        return returns
    return re.sub(r"\bAsync(ListObject|SearchResult|V2ListObject)\b", r"\1", returns)


def _operation_object(cls: type, name: str) -> Any:
    """The runtime ``Operation`` a method sends, from its module's ``SENDS`` table."""
    sends = vars(sys.modules[cls.__module__]).get("SENDS", {})
    return sends.get(f"{cls.__name__}.{name}")


def _models() -> dict[str, dict[str, Shape]]:
    out: dict[str, dict[str, Shape]] = {}
    for module in _submodules("models"):
        entries: dict[str, Shape] = {}
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__ and attrs.has(value):
                entries[name] = Fields(_fields(value))
        for name, annotation in vars(module).get("__annotations__", {}).items():
            if annotation == "TypeAlias":  # a runtime union of model classes
                members = " | ".join(member.__name__ for member in get_args(getattr(module, name)))
                entries[name] = Alias(normalize(members)[0])
        out[module.__name__.rsplit(".", 1)[-1]] = entries
    return out


def _params() -> dict[str, dict[str, Shape]]:
    """TypedDicts of nested request params (``params/``, otherwise imported only by type checkers)."""
    out: dict[str, dict[str, Shape]] = {}
    for module in _submodules("params"):
        entries: dict[str, Shape] = {}
        for name, value in vars(module).items():
            if is_typeddict(value) and value.__module__ == module.__name__:
                keys: dict[str, Member] = {}
                for key, ref in value.__annotations__.items():
                    text = getattr(ref, "__forward_arg__", str(ref))  # annotations stay strings
                    required = text.startswith("Required[")  # not in __required_keys__ for strings
                    keys[key] = member(text[9:-1] if required else text, required)
                entries[name] = Fields(keys)
        if entries:
            out[module.__name__.rsplit(".", 1)[-1]] = entries
    return out


def _submodules(package: str) -> Iterator[ModuleType]:
    parent = importlib.import_module(f"{PACKAGE}.{package}")
    for info in pkgutil.iter_modules(parent.__path__):
        yield importlib.import_module(f"{parent.__name__}.{info.name}")


def _fields(cls: type) -> dict[str, Member]:
    declared = {t[0]: (t[1], bool(t[2])) for t in getattr(cls, "__stripe_fields__", ())}
    fields: dict[str, Member] = {}
    for a in attrs.fields(cls):
        if a.name.startswith("_"):
            continue
        json_name, required = declared.get(a.name, (a.name, a.default is attrs.NOTHING))
        fields[json_name] = member(str(a.type), required, a.name)
    return fields
