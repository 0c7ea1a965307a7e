"""The intermediate representation: the only thing templates see.

Every node is frozen and holds ready-to-print strings (identifiers, annotations, shape
expressions, escaped docstrings), so templates only lay text out.
"""

from __future__ import annotations

import enum
from typing import ClassVar

import attrs

# The page wrappers of response annotations; each has an ``Async`` twin for the async client.
PAGE_TYPES = ("ListObject", "SearchResult", "V2ListObject")


@attrs.frozen
class Field:
    """One property of a response model."""

    json_name: str
    attr: str  # Python-safe attribute name
    annotation: str
    shape: str  # a runtime shape expression, or "None" for pass-through
    required: bool
    doc: str
    secret: bool = False


@attrs.frozen
class Model:
    """A response model: a component schema or an inline object inside one."""

    name: str  # class name
    schema_name: str  # component schema name, or "parent.field" for inline objects
    fields: tuple[Field, ...]
    doc: str
    object_value: str | None
    deleted: bool
    mixin: tuple[str, str] | None = None  # (module, class) from overrides/, placed before `base`


@attrs.frozen
class Alias:
    """A polymorphic component schema (``external_account``): a union of models."""

    name: str
    schema_name: str
    members: tuple[str, ...]
    annotation: str
    doc: str


@attrs.frozen
class ModelModule:
    """One generated module: a component schema and the inline objects it owns."""

    module: str
    models: tuple[Model, ...]
    aliases: tuple[Alias, ...]
    imports: tuple[tuple[str, str], ...]  # (module, class name) needed only for typing

    @property
    def has_secrets(self) -> bool:
        return any(f.secret for m in self.models for f in m.fields)

    @property
    def mixins(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted({m.mixin for m in self.models if m.mixin}))


class Kind(enum.Enum):
    """A kind of value the runtime accepts for a parameter (``_runtime/http/operation.py`` has one
    acceptor per value)."""

    STR = "str"
    DECIMAL = "decimal"  # a decimal string, or a Decimal
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    SEQ = "seq"  # a list or tuple, not a bare str
    MAP = "map"
    FILE = "file"
    ANY = "any"


@attrs.frozen
class Param:
    """One request parameter, a keyword argument (or a key of a params TypedDict)."""

    wire_name: str
    py_name: str
    annotation: str
    required: bool
    doc: str
    kinds: frozenset[Kind] = frozenset({Kind.ANY})  # what the runtime accepts before any HTTP

    @property
    def kind_names(self) -> tuple[str, ...]:
        """The kinds as the generated ``Operation`` receives them: ``("map", "str")``."""
        return tuple(sorted(k.value for k in self.kinds))


@attrs.frozen
class ParamsDict:
    """A TypedDict for a nested request parameter."""

    name: str
    fields: tuple[Param, ...]
    functional: bool  # some key is not a valid identifier: use the call syntax
    doc: str


@attrs.frozen
class Operation:
    operation_id: str
    http_method: str  # get | post | delete
    path: str  # the spec path, e.g. /v1/accounts/{account}/reject
    path_format: str  # the same with {} holes, for the runtime
    http_line: str  # "POST /v1/accounts/{account}/reject", escaped for a docstring
    py_name: str  # the Python method name (``http_method`` is the verb)
    call_path: str  # e.g. accounts.reject
    path_params: tuple[Param, ...]
    params: tuple[Param, ...]
    return_annotation: str
    response_shape: str
    encoding: str  # query | form | multipart | json
    base: str  # api | files | meter_events: the client setting whose URL it is sent to
    api: str  # v1 | v2: how the query, bodiless POSTs and idempotency keys are sent
    doc: str
    # Bracket paths of integer minor-unit amounts, e.g. items[][price_data][unit_amount]
    minor_units: tuple[str, ...] = ()

    @property
    def required_params(self) -> tuple[str, ...]:
        """Wire names of the required body/query parameters (None for one is refused)."""
        return tuple(p.wire_name for p in self.params if p.required)

    @property
    def async_return_annotation(self) -> str:
        """What the ``AsyncStripeClient`` method returns: a page is the async page type."""
        wrapper, bracket, _ = self.return_annotation.partition("[")
        is_page = bracket and wrapper in PAGE_TYPES
        return "Async" + self.return_annotation if is_page else self.return_annotation


@attrs.frozen
class Guards:
    """Hand-written checks from overrides/ run before generated methods (sync and async)."""

    module: str  # lattice_stripe.overrides.<module>
    checks: str  # e.g. AccountsGuards: one static check per guarded method
    methods: tuple[str, ...]  # generated methods it guards


@attrs.frozen
class OverrideReview:
    """An override the spec no longer matches as written: a person must look at it."""

    target: str  # e.g. accounts.reject(reason)
    message: str


@attrs.frozen
class Resource:
    """A group of operations reached as ``client.<chain>``, e.g. ``accounts.capabilities``."""

    attr: str
    class_name: str
    chain: tuple[str, ...]
    operations: tuple[Operation, ...]
    children: tuple[Resource, ...]
    guards: Guards | None = None  # when set, its methods are decorated with `guard(...)`


@attrs.frozen
class ResourceModule:
    module: str
    resources: tuple[Resource, ...]  # the top resource first, then nested ones, depth first
    params: tuple[ParamsDict, ...]
    model_imports: tuple[tuple[str, str], ...]
    params_imports: tuple[str, ...]

    @property
    def override_imports(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(module of lattice_stripe.overrides, names) this module's classes build on."""
        wanted: dict[str, set[str]] = {}
        if any(o.minor_units for r in self.resources for o in r.operations):
            wanted.setdefault("amounts", set()).add("MinorUnits")
        for r in self.resources:
            if r.guards:
                wanted.setdefault(r.guards.module, set()).add(r.guards.checks)
                wanted.setdefault("guard", set()).add("guard")
        return tuple((module, tuple(sorted(names))) for module, names in sorted(wanted.items()))


@attrs.frozen
class Namespace:
    """A path prefix with no operations of its own: ``client.checkout``."""

    kind: ClassVar[str] = "namespace"
    attr: str
    class_name: str
    children: tuple[Namespace | ResourceRef, ...]


@attrs.frozen
class ResourceRef:
    """Where the client finds a top-level resource class."""

    kind: ClassVar[str] = "resource"
    attr: str
    class_name: str
    module: str


@attrs.frozen
class FakeOperation:
    """One operation as the in-process fake sees it: compact JSON (see codegen.ir.fake)."""

    call_path: str
    json: str


@attrs.frozen
class FakeTables:
    """What ``lattice_stripe.testing`` routes, validates and answers from."""

    operations: tuple[FakeOperation, ...] = ()
    schemas: tuple[tuple[str, str], ...] = ()  # component name -> compact JSON


@attrs.frozen
class Api:
    api_version: str
    sha256: str
    commit: str
    root: tuple[Namespace | ResourceRef, ...]
    namespaces: tuple[Namespace, ...]  # all of them, flattened
    resource_modules: tuple[ResourceModule, ...]
    model_modules: tuple[ModelModule, ...]
    operations: tuple[Operation, ...]  # sorted by call path
    object_classes: tuple[tuple[str, str], ...]  # `object` value -> model class (live objects)
    deleted_object_classes: tuple[tuple[str, str], ...]  # `object` value -> deleted_* model class
    event_types: tuple[str, ...]  # every event type the spec names
    v2_error_classes: tuple[tuple[str, str], ...] = ()  # v2 error code ("" generic) -> model class
    override_reviews: tuple[OverrideReview, ...] = ()  # see codegen.ir.overrides
    notes: tuple[str, ...] = ()  # guards left out: their target is newer than this spec
    exports: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (module, names) of `lattice_stripe`
    fake: FakeTables = FakeTables()  # see codegen.ir.fake

    @property
    def event_families(self) -> tuple[str, ...]:
        """``"invoice.*"``-style patterns that match at least one listed event type."""
        parts = [t.split(".") for t in self.event_types]
        return tuple(sorted({".".join(p[:n]) + ".*" for p in parts for n in range(1, len(p))}))
