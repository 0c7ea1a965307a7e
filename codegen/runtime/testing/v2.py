"""The v2 API in the fake (``/v2/...``), from the same generated tables as v1.

Stripe's mock server validates no v2 request, so this is where they are checked: a JSON
body (``Content-Type: application/json``) against the operation's schema as JSON, with
JSON's own types (an integer is not ``"1"``, ``int64`` and ``decimal`` values are strings
of digits); a query string (``limit=2``, ``types[0]=a`` or ``types=a&types=b``,
``created[gt]=...``) coerced from text as v1's is. Objects are kept in the fake's store:
what a test creates it can retrieve, update, list (v2 pages of ``limit`` items whose
``next_page_url`` carries a ``page`` token) and delete; errors have v2's shape
(``{"error": {"type", "code", "message"}}``). ``FakeStripe`` hands every ``/v2/`` request
here.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from ..times import stamp
from .behaviours.registry import Call, handlers
from .objects import Builder, object_kind, ref_names
from .refusals import Refusal
from .schema import ParamError, coerce, component, decode_form, deref, operations
from .state import Held

if TYPE_CHECKING:
    import httpx

    from .fake import FakeStripe, ReceivedRequest, _Reply

_INT64 = re.compile(r"-?\d{1,19}").fullmatch
_DEFAULT_LIMIT = 10


class V2Builder(Builder):
    """Builds v2 objects: RFC 3339 times, ``int64`` and ``decimal`` values as strings."""

    def value(self, schema: dict[str, Any], depth: int, name: str, required: bool = True) -> Any:
        fmt = schema.get("format")
        if schema.get("type") == "string" and "enum" not in schema and not schema.get("nullable"):
            if fmt == "date-time":
                return stamp(self.ids.now())
            if fmt in ("int64", "decimal"):
                return "0"
            if fmt is None and name.endswith("_token"):  # a session's key: usable as one
                return "ek_test_" + self.ids.new("")
        return super().value(schema, depth, name, required)


class V2Error(Exception):
    def __init__(self, status: int, kind: str, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.code, self.message = status, kind, code, message


def _param_error(exc: ParamError) -> V2Error:
    return V2Error(400, "invalid_request_error", exc.code, exc.message)


# -- validation of JSON bodies ------------------------------------------------------------------


def check(schema: dict[str, Any], value: Any, name: str) -> None:
    """Refuse ``value`` (decoded JSON) unless ``schema`` accepts it; names the first problem."""
    if "$ref" in schema and "anyOf" not in schema:
        schema = deref(schema)
    if value is None:
        if schema.get("nullable"):
            return
        raise ParamError(name, f"Invalid {name}: must not be null")
    branches = schema.get("anyOf")
    if branches:
        errors = []
        for branch in branches:
            try:
                check(branch, value, name)
                return
            except ParamError as exc:
                errors.append(exc)
        raise errors[0]
    typ = schema.get("type")
    if typ == "string":
        _check_string(schema, value, name)
    elif typ == "integer":
        if type(value) is not int:
            raise ParamError(name, f"Invalid integer: {name} must be an integer", "parameter_invalid_integer")
    elif typ == "number":
        if type(value) not in (int, float):
            raise ParamError(name, f"Invalid number: {name} must be a number")
    elif typ == "boolean":
        if type(value) is not bool:
            raise ParamError(name, f"Invalid boolean: {name} must be true or false")
    elif typ == "array":
        if not isinstance(value, list):
            raise ParamError(name, f"Invalid array: {name} must be an array", "parameter_invalid_array")
        for i, item in enumerate(value):
            check(schema.get("items", {}), item, f"{name}[{i}]")
    elif typ == "object" or "properties" in schema:
        _check_object(schema, value, name)


def _check_string(schema: dict[str, Any], value: Any, name: str) -> None:
    if not isinstance(value, str):
        raise ParamError(name, f"Invalid string: {name} must be a string")
    enum = schema.get("enum")
    if enum is not None and value not in enum and not schema.get("bypass"):
        raise ParamError(name, f"Invalid {name}: must be one of {', '.join(map(str, enum))}")
    limit = schema.get("maxLength")
    if limit is not None and len(value) > limit:
        raise ParamError(name, f"Invalid string: must be at most {limit} characters", "string_too_long")
    fmt = schema.get("format")
    if fmt == "int64" and not _INT64(value):
        raise ParamError(name, f"Invalid {name}: must be an integer as a string")
    if fmt == "decimal":
        try:
            Decimal(value)
        except InvalidOperation:
            raise ParamError(name, f"Invalid {name}: must be a decimal number as a string") from None
    if fmt == "date-time" and not re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value
    ):
        raise ParamError(name, f"Invalid {name}: must be an RFC 3339 date-time")


def _check_object(schema: dict[str, Any], value: Any, name: str) -> None:
    if not isinstance(value, dict):
        raise ParamError(name, f"Invalid object: {name} must be an object", "parameter_invalid_object")
    props: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    for key, sub in value.items():
        where = f"{name}.{key}" if name else key
        if key in props:
            check(props[key], sub, where)
        elif isinstance(extra, dict):
            check(extra, sub, where)
        elif extra is not True and (props or extra is False):
            raise ParamError(where, f"Received unknown parameter: {where}", "parameter_unknown")
    for key in schema.get("required", ()):
        if key not in value:
            where = f"{name}.{key}" if name else key
            raise ParamError(where, f"Missing required param: {where}.", "parameter_missing")


def query_params(op: dict[str, Any], raw_query: str) -> dict[str, Any]:
    """The query string decoded (``a[0]=x``, ``a=x&a=y``, ``h[k]=v``) and coerced to the spec."""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    props = op["params"].get("properties", {})
    repeated: dict[str, list[str]] = {}
    bracketed = []
    for key, value in pairs:
        if "[" not in key and deref(props.get(key, {})).get("type") == "array":
            repeated.setdefault(key, []).append(value)
        else:
            bracketed.append((key, value))
    decoded: dict[str, Any] = decode_form(bracketed)
    decoded.update(repeated)
    schema = {**op["params"], "additionalProperties": False}
    try:
        out: dict[str, Any] = coerce(schema, decoded, "")
    except ParamError as exc:
        raise _param_error(exc) from None
    return out


# -- answering ------------------------------------------------------------------------------


class V2Api:
    """The fake's v2 side: routes, validates and answers, keeping objects in ``fake``'s store.

    ``fake`` hands over its record types (reply, received request), so this
    module sits below it and imports nothing from it."""

    def __init__(
        self,
        fake: FakeStripe,
        reply: type[_Reply],
        received: type[ReceivedRequest],
    ) -> None:
        self.fake = fake
        self.reply, self.received = reply, received
        self.build = V2Builder(fake._state.ids)
        self.routes: list[tuple[dict[str, Any], re.Pattern[str], tuple[str, ...]]] = []
        for op in operations().values():
            if op["path"].startswith("/v2/"):
                names = tuple(re.findall(r"\{([^}]+)\}", op["path"]))
                regex = re.sub(r"\{[^}]+\}", "([^/]+)", op["path"])
                self.routes.append((op, re.compile(regex + "$"), names))
        self.routes.sort(key=lambda r: len(r[2]))  # literal segments win

    def route(self, method: str, path: str) -> tuple[dict[str, Any] | None, list[str]]:
        for op, pattern, _names in self.routes:
            found = pattern.match(path) if op["verb"] == method else None
            if found:
                return op, [unquote(v) for v in found.groups()]
        return None, []

    def handle(self, request: httpx.Request) -> _Reply:
        _Reply, ReceivedRequest = self.reply, self.received
        fake = self.fake
        method, path = request.method.lower(), request.url.path
        op, ids = self.route(method, path)
        headers = {k.lower(): v for k, v in request.headers.items()}
        headers["authorization"] = "Bearer ***" if "authorization" in headers else ""
        body = request.read()
        try:
            if op is None:
                raise V2Error(
                    404, "invalid_request_error", "not_found", f"Unrecognized request URL ({path})."
                )
            params = self.params(op, method, request, body)
            fake.requests.append(ReceivedRequest(request.method, path, op["call"], params, headers))
            if not request.headers.get("authorization", "").startswith("Bearer "):
                raise V2Error(401, "invalid_request_error", "authentication_required", "No API key provided.")
            failure = fake._take_failure(request.method, path, op["call"])
            if failure:
                return _Reply(failure.status, json.dumps({"error": failure.error}).encode(), failure.headers)
            key = headers.get("idempotency-key")
            context = headers.get("stripe-context") or headers.get("stripe-account")
            metered = fake.meter_stream.answer(
                request.method, path, request.headers.get("authorization", ""), body, context
            )
            if metered is not None:  # the meter event stream and its sessions (see metering.py)
                status, data = metered
                return _Reply(status, json.dumps(data).encode(), {"Content-Type": "application/json"})
            fake._state.account = context  # objects live in the account whose context created them
            if method in ("post", "delete") and key:
                signature = json.dumps([op["call"], ids, params], sort_keys=True)
                seen = fake._idempotent.get((context, key))
                if seen is not None:
                    if seen[0] != signature:
                        raise V2Error(
                            409,
                            "idempotency_error",
                            "idempotency_error",
                            "The idempotency key was used with different parameters.",
                        )
                    reply = seen[1]
                    return _Reply(reply.status, reply.body, {**reply.headers, "Idempotent-Replayed": "true"})
            result = self.perform(op, ids, params, context)
            reply = _Reply(200, json.dumps(result).encode(), {"Content-Type": "application/json"})
            if method in ("post", "delete") and key:
                fake._idempotent[(context, key)] = (signature, reply)
            return reply
        except V2Error as exc:
            if op is None:
                fake.requests.append(ReceivedRequest(request.method, path, None, {}, headers))
            error = {"type": exc.kind, "code": exc.code, "message": exc.message}
            return _Reply(
                exc.status, json.dumps({"error": error}).encode(), {"Content-Type": "application/json"}
            )

    def params(self, op: dict[str, Any], method: str, request: httpx.Request, body: bytes) -> dict[str, Any]:
        if method != "post":
            return query_params(op, request.url.query.decode())
        if request.url.query:
            raise V2Error(
                400, "invalid_request_error", "parameter_unknown", "A v2 POST takes no query string."
            )
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise V2Error(400, "invalid_request_error", "invalid_content_type", "A v2 POST sends JSON.")
        try:
            params = json.loads(body) if body else None
        except ValueError:
            raise V2Error(400, "invalid_request_error", "invalid_json", "The body is not JSON.") from None
        if not isinstance(params, dict):
            raise V2Error(400, "invalid_request_error", "invalid_json", "The body must be a JSON object.")
        schema = op["params"] if op["params"].get("properties") else {"type": "object", "properties": {}}
        try:
            check({**schema, "additionalProperties": schema.get("additionalProperties", False)}, params, "")
        except ParamError as exc:
            raise _param_error(exc) from None
        return params

    # -- semantics ----------------------------------------------------------------------------

    def perform(
        self, op: dict[str, Any], ids: list[str], params: dict[str, Any], context: str | None
    ) -> dict[str, Any]:
        """A behaviour's answer where the fake models one (``behaviours/``), else the generic one."""

        def generic() -> dict[str, Any]:
            return self.generic(op, ids, params, context)

        handler = handlers().get(op["call"]) if self.fake.stateful else None
        if handler is None:
            return generic()
        try:
            return handler(Call(self.fake._state, op, ids, params, generic))
        except Refusal as exc:  # a v1-style refusal from a shared helper, in v2's shape
            error = exc.error
            raise V2Error(exc.status, error["type"], error.get("code", ""), error["message"]) from None

    def generic(
        self, op: dict[str, Any], ids: list[str], params: dict[str, Any], context: str | None
    ) -> dict[str, Any]:
        response = op["response"]
        props = deref(response).get("properties", {})
        if "next_page_url" in props:
            item = ref_names(props["data"].get("items", {}))
            return self.list(op, item[0] if item else "", ids, params, context)
        names = ref_names(response)
        if not names:  # an empty or free-form object (the meter event stream)
            return {}
        schema = names[0]
        if op["verb"] == "delete":
            return self.delete(schema, ids[-1], self.fake._state.held(ids[-1]))
        if op["path"].endswith("}"):  # the object at this path: retrieve or update
            obj = self.found(schema, ids[-1], self.fake._state.held(ids[-1]))
            if op["verb"] == "post":
                self.build.merge(component(schema), obj, params)
            return obj
        target = self.fake._state.held(ids[-1]) if ids else None
        if target is not None and target.schema == schema:  # an action on it: .../{id}/close
            self.build.merge(component(schema), target.obj, params)
            return target.obj
        obj = self.build.build(schema)  # a new object, in the collection under the path's ids
        self.build.merge(component(schema), obj, params)
        if isinstance(obj.get("id"), str):
            self.fake._state.objects[obj["id"]] = Held(schema, obj, ids[-1] if ids else None, context)
        return obj

    def found(self, schema: str, object_id: str, held: Any) -> dict[str, Any]:
        if held is not None:
            obj: dict[str, Any] = held.obj
            return obj
        if self.fake.stateful:
            kind = object_kind(schema)
            raise V2Error(404, "invalid_request_error", "not_found", f"No such {kind}: '{object_id}'")
        return {**self.build.build(schema), "id": object_id}

    def delete(self, schema: str, object_id: str, held: Any) -> dict[str, Any]:
        if held is None and self.fake.stateful:
            raise V2Error(404, "invalid_request_error", "not_found", f"No such object: '{object_id}'")
        self.fake._state.objects.pop(object_id, None)
        deleted = {**self.build.build(schema), "id": object_id}
        if held is not None and "object" in component(schema).get("properties", {}):
            deleted["object"] = held.obj.get("object", deleted.get("object"))
        return deleted

    def list(
        self, op: dict[str, Any], item: str, ids: list[str], params: dict[str, Any], context: str | None
    ) -> dict[str, Any]:
        parent = ids[-1] if ids else None
        held = [
            h.obj
            for h in self.fake._state.objects.values()
            if h.schema == item and h.parent == parent and h.account == context
        ]
        return page(op, ids, held, params)


def page(
    op: dict[str, Any], ids: list[str], held: list[dict[str, Any]], params: dict[str, Any]
) -> dict[str, Any]:
    """One v2 page of ``held`` (in order): ``limit`` items from the ``page`` token on."""
    try:
        start = int(params.get("page") or 0)
    except ValueError:
        raise V2Error(400, "invalid_request_error", "invalid_page", "page is not a page token") from None
    limit = params.get("limit") or _DEFAULT_LIMIT
    data = copy.deepcopy(held[start : start + limit])
    after = start + limit

    path = op["path"]
    for value in ids:
        path = re.sub(r"\{[^}]+\}", value, path, count=1)

    def url(offset: int) -> str:
        return f"{path}?page={offset}"

    return {
        "data": data,
        "next_page_url": url(after) if after < len(held) else None,
        "previous_page_url": url(max(start - limit, 0)) if start > 0 else None,
    }
