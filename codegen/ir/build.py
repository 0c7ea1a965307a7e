"""Spec -> IR: operations and the whole API, from the model, parameter and tree builders.

With ``schema.py``, ``models.py``, ``params.py``, ``tree.py`` and ``fake.py``, the only code
that reads the raw spec and its ``x-*`` extensions.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..runtime.http.options import OPTION_NAMES
from ..spec import LoadedSpec, SpecError
from . import naming
from .fake import fake_tables
from .models import ModelTypes
from .naming import NamingError, class_name
from .nodes import Api, Operation, Param, ParamsDict
from .overrides import OVERRIDES_WHERE, Applier, OverrideError, Overrides
from .params import ParamTypes
from .problems import GenerationError, Problem, fix_for
from .schema import SchemaView
from .text import doc
from .tree import Built, resource_tree

VERBS = ("get", "post", "delete")
# The public names of `lattice_stripe`, each loaded on first access: (module, names).
EXPORTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("._client", ("StripeClient", "AsyncStripeClient")),
    ("._manifest", ("manifest",)),
    ("._runtime.objects.models", ("StripeObject", "UnknownObject")),
    (
        "._runtime.objects.pages",
        (
            "ListObject",
            "SearchResult",
            "V2ListObject",
            "AsyncListObject",
            "AsyncSearchResult",
            "AsyncV2ListObject",
        ),
    ),
    (
        "._runtime.errors",
        (
            "StripeError",
            "APIError",
            "APIConnectionError",
            "APITimeoutError",
            "AuthenticationError",
            "CardError",
            "IdempotencyError",
            "InvalidArgumentError",
            "InvalidRequestError",
            "PermissionDeniedError",
            "RateLimitError",
            "TemporarySessionExpiredError",
        ),
    ),
    ("._runtime.http.retry", ("RetryPolicy", "RetryAttempt", "RetryStrategy")),
    ("._runtime.http.idempotency", ("idempotency_key_for",)),
    (
        "._runtime.webhooks.ledger",
        ("EventLedger", "AsyncEventLedger", "SQLiteLedger", "AppliedEvent", "Claim"),
    ),
    ("._runtime.webhooks.ledger_postgres", ("PostgresLedger", "AsyncPostgresLedger")),
    ("._runtime.objects.response", ("RawResponse", "ResponseMeta")),
    ("._runtime.http.batch", ("Outcome",)),
    ("._runtime.observability.observe", ("RequestEvent", "ResponseEvent")),
    (
        "._runtime.webhooks.events",
        (
            "construct_event",
            "generate_test_header",
            "WebhookEvent",
            "UnknownEventType",
            "WebhookError",
            "SignatureVerificationError",
            "MissingSignatureError",
            "MalformedSignatureError",
            "NoMatchingSignatureError",
            "TimestampOutsideToleranceError",
            "InvalidPayloadError",
        ),
    ),
    ("._runtime.webhooks.notifications", ("EventNotification", "parse_event_notification")),
    ("._runtime.webhooks.router", ("WebhookRouter",)),
    (
        "._runtime.http.meter_stream",
        (
            "MeterEventStream",
            "AsyncMeterEventStream",
            "StreamReport",
            "FailedBatch",
            "MeterStreamFullError",
            "MeterStreamClosedError",
        ),
    ),
    (".overrides.guard", ("GuardWarning",)),
    (".overrides.capabilities", ("CapabilityStatus", "capability_status")),
)
# The hosts an operation's `servers` may name, by the client setting that points at each
# (`files_base_url`, `meter_events_base_url`); any other host is a generation problem.
HOSTS = {
    "https://api.stripe.com/": "api",
    "https://files.stripe.com/": "files",
    "https://meter-events.stripe.com/": "meter_events",
}
# Served by the files host although specs before 2026 give them no `servers` override.
FILES_HOST_OPERATIONS = frozenset({("get", "/v1/quotes/{quote}/pdf")})
# Request bodies by declared content type; a POST without one sends what its API expects.
BODY_ENCODINGS = {
    "application/x-www-form-urlencoded": "form",
    "multipart/form-data": "multipart",
    "application/json": "json",
}


def build(loaded: LoadedSpec, overrides: Overrides | None = None) -> Api:
    """The IR of a spec, with what ``overrides/`` provides (default: the real registry)."""
    return _Builder(loaded, Applier(overrides or Overrides(), loaded.lock.api_version)).api()


class _Builder:
    def __init__(self, loaded: LoadedSpec, overrides: Applier) -> None:
        self.view = SchemaView(loaded)
        self.overrides = overrides
        self.models = ModelTypes(self.view, overrides)
        self.params = ParamTypes(self.view)
        self.problems: list[Problem] = []

    def response_of(self, op: dict[str, Any]) -> dict[str, Any]:
        content = op.get("responses", {}).get("200", {}).get("content", {})
        if "application/json" in content:
            schema: dict[str, Any] = content["application/json"]["schema"]
            return schema
        if content:
            return {"binary": True}
        raise SpecError("no 200 response")

    def facts(self, verb: str, path: str, op: dict[str, Any]) -> naming.OperationFacts:
        schema = self.response_of(op)
        names: list[str] = []
        for sub in schema.get("anyOf", [schema]):
            if "$ref" in sub:
                for n in self.view.members(self.view.ref_name(sub)):
                    value = self.view.object_value(self.view.schemas[n])
                    names.append(value or n)
        returns_list = self.view.is_list_object(schema) in ("list", "v2_list")
        return naming.OperationFacts(verb, path, returns_list, tuple(names))

    def operations(self) -> list[Built]:
        raw = [
            (verb, path, op)
            for path, item in sorted(self.view.doc_["paths"].items())
            for verb, op in sorted(item.items())
            if verb in VERBS
        ]
        facts = []
        for verb, path, op in raw:
            try:
                facts.append(self.facts(verb, path, op))
            except (SpecError, NamingError) as exc:
                self.problem(verb, path, op, exc)
        plan = naming.infer_call_paths(facts)
        self.problems += plan.problems
        calls = plan.paths
        chains = {
            (*c.namespaces, *c.resources[:i]) for c in calls.values() for i in range(1, len(c.resources) + 1)
        }
        namespaces = {c.namespaces[:i] for c in calls.values() for i in range(1, len(c.namespaces) + 1)}
        self.resource_classes = naming.resource_class_names(
            chains, {*self.view.class_of.values(), *(class_name(*ns) for ns in namespaces)}
        )
        result = []
        for verb, path, op in raw:
            if (verb, path) not in calls:
                continue
            try:
                result.append(self.operation(verb, path, op, calls[(verb, path)]))
            except (SpecError, NamingError) as exc:
                self.problem(verb, path, op, exc)
        return result

    def problem(self, verb: str, path: str, op: dict[str, Any], exc: Exception) -> None:
        where = f"{verb.upper()} {path} ({op.get('operationId', 'no operationId')})"
        self.problems.append(Problem(where, str(exc), fix_for(exc)))

    def operation(self, verb: str, path: str, op: dict[str, Any], call: naming.CallPath) -> Built:
        resource_cls = self.resource_classes[call.namespaces + call.resources]
        params_prefix = class_name(resource_cls, call.method, "params")
        dicts: list[ParamsDict] = []
        amounts: set[str] = set()  # bracket paths of minor-unit integers, checked before sending
        path_params: list[Param] = []
        query: list[Param] = []
        param_schemas: dict[str, dict[str, Any]] = {}  # wire name -> schema, non-path params
        for p in op.get("parameters", []):
            if p["in"] != "path":
                param_schemas[p["name"]] = p.get("schema", {})
            where = f"{verb.upper()} {path}"
            out = self.params.param(
                p["name"],
                p.get("schema", {}),
                bool(p.get("required")),
                class_name(params_prefix, p["name"]),
                where,
                p.get("description"),
            )
            dicts += out.dicts
            if p["in"] != "path":
                amounts.update(out.amounts)
            (path_params if p["in"] == "path" else query).append(out.param)
        body: list[Param] = []
        api = "v2" if path.startswith("/v2/") else "v1"
        encoding = "query" if verb in ("get", "delete") else {"v1": "form", "v2": "json"}[api]
        for content_type, content in op.get("requestBody", {}).get("content", {}).items():
            if content_type not in BODY_ENCODINGS:
                raise SpecError(f"request body of type {content_type!r} is not supported")
            encoding = BODY_ENCODINGS[content_type]
            schema = self.view.deref(content.get("schema", {}))
            required = set(schema.get("required", ()))
            for key, sub in sorted(schema.get("properties", {}).items()):
                if encoding == "multipart":
                    sub = self.params.multipart_part(sub)
                param_schemas[key] = sub
                out = self.params.param(key, sub, key in required, class_name(params_prefix, key), path)
                dicts += out.dicts
                amounts.update(out.amounts)
                body.append(out.param)
        path_params.sort(key=lambda p: path.index("{" + p.wire_name + "}"))
        params = sorted(
            (self.narrowed(call.dotted, p, param_schemas[p.wire_name]) for p in query + body),
            key=lambda p: (not p.required, p.py_name),
        )
        naming.ensure_unique(
            ((p.py_name, p.wire_name) for p in (*path_params, *params)), f"parameter of {path}"
        )
        for p in params:
            if p.py_name in OPTION_NAMES:  # **options would swallow it
                raise NamingError(f"parameter {p.py_name!r} shadows a request option")
        response = self.response_of(op)
        if response.get("binary"):
            annotation, shape, imports = "bytes", "S.BINARY", frozenset[tuple[str, str]]()
        else:
            typ = self.models.response_type(
                response, class_name(resource_cls, call.method, "response"), op["operationId"]
            )
            if typ.models:
                raise SpecError("an inline response object is not modelled")
            annotation, shape, imports = typ.annotation, typ.shape, typ.imports
            if shape == "None" and annotation.startswith("dict["):  # an empty or free-form object:
                # kept whole as an UnknownObject, which carries `last_response` as models do
                annotation, shape = "UnknownObject", "S.FREE_FORM"
                imports = frozenset()
        servers = op.get("servers") or []
        base = HOSTS.get(servers[0].get("url", ""), "") if servers else "api"
        if not base:
            raise SpecError(f"servers names an unknown host {servers[0].get('url')!r} (add it to HOSTS)")
        if (verb, path) in FILES_HOST_OPERATIONS:
            base = "files"
        path_format = re.sub(r"\{[^}]+\}", "{}", path)
        operation = Operation(
            operation_id=op["operationId"],
            http_method=verb,
            path=path,
            path_format=path_format,
            http_line=doc(f"{verb.upper()} {path}"),
            py_name=call.method,
            call_path=call.dotted,
            path_params=tuple(path_params),
            params=tuple(params),
            return_annotation=annotation,
            response_shape=shape,
            encoding=encoding,
            base=base,
            api=api,
            doc=doc(op.get("description") or op.get("summary")),
            minor_units=tuple(sorted(amounts)),
        )
        return Built(call, operation, tuple(dicts), imports)

    def narrowed(self, call_path: str, param: Param, schema: dict[str, Any]) -> Param:
        """The param as overrides/registry.py narrows it (the guard enforces the same values)."""
        override = self.overrides.param(call_path, param.wire_name)
        if override is None:
            return param
        self.overrides.fingerprint(override, param.annotation, self.view.deref(schema).get("description"))
        return attrs.evolve(param, annotation=override.annotation)

    def api(self) -> Api:
        model_modules = self.models.model_modules()
        ops = self.operations()
        try:
            tree = resource_tree(ops, self.resource_classes, self.overrides.guards)
        except NamingError as exc:  # reported with everything else below
            tree = None
            self.problems.append(Problem("the resource tree", str(exc), fix_for(exc)))
        live, deleted = self.models.object_classes()
        reviews = self.overrides.finish()
        problems = [*self.models.problems, *self.problems, *self.overrides.problems]
        if problems:
            only_overrides = all(p.where == OVERRIDES_WHERE for p in problems)
            raise (OverrideError if only_overrides else GenerationError)(
                self.view.loaded.lock.api_version, problems
            )
        assert tree is not None  # a failed tree is one of the problems above
        operations = tuple(sorted((b.operation for b in ops), key=lambda o: o.call_path))
        return Api(
            api_version=self.view.loaded.lock.api_version,
            sha256=self.view.loaded.lock.canonical_sha256,
            commit=self.view.loaded.lock.commit,
            root=tree.root,
            namespaces=tree.namespaces,
            resource_modules=tree.modules,
            model_modules=model_modules,
            operations=operations,
            object_classes=tuple(sorted(live.items())),
            deleted_object_classes=tuple(sorted(deleted.items())),
            event_types=self.event_types(),
            v2_error_classes=self.v2_error_classes(),
            override_reviews=reviews,
            notes=tuple(self.overrides.notes),
            exports=EXPORTS,
            fake=fake_tables(self.view, operations),
        )

    def v2_error_classes(self) -> tuple[tuple[str, str], ...]:
        """v2 error ``code`` -> the model of its ``v2.error.<code>`` schema; ``""`` -> the
        generic ``v2.error``'s (what ``StripeError.typed_error`` builds for a v2 error)."""
        found = {}
        for name, schema in self.view.schemas.items():
            if name != "v2.error" and not name.startswith("v2.error."):
                continue
            error = schema.get("properties", {}).get("error", {})
            codes = error.get("properties", {}).get("code", {}).get("enum", [""])
            if name == "v2.error" or len(codes) == 1:
                found[str(codes[0]) if name != "v2.error" else ""] = self.view.class_of[name]
        return tuple(sorted(found.items()))

    def event_types(self) -> tuple[str, ...]:
        """Event types, as the spec lists them for webhook endpoints' ``enabled_events``."""
        op = self.view.doc_["paths"].get("/v1/webhook_endpoints", {}).get("post", {})
        content = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {})
        prop = content.get("schema", {}).get("properties", {}).get("enabled_events", {})
        values = self.view.deref(prop.get("items", {})).get("enum", [])
        return tuple(sorted(str(v) for v in values if v != "*"))
