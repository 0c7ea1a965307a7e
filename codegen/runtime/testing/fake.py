"""An in-process fake Stripe: an httpx transport that answers every operation of the spec.

Requests are routed by method and path, validated as Stripe's mock server does, and
answered with spec-shaped objects kept in memory: what a test creates it can retrieve,
update, list (real pagination), search and delete; unknown ids answer 404
``resource_missing``. Test controls: ``fail_next`` (and presets), ``requests`` received,
idempotent replay, ``seed``, and ``event`` for signed webhook deliveries.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Iterable, Mapping
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

import attrs
import httpx

from ... import _fake_tables
from ..objects.secrets import mask
from ..webhooks.events import generate_test_header
from .metering import MeterStream
from .objects import Builder, Ids, object_kind, ref_names
from .schema import ParamError, decode_form, deref, operations, schema_of_object, validate

if TYPE_CHECKING:
    from ..._client import AsyncStripeClient, StripeClient
    from .v2 import V2Api

# Custom actions and the status they leave an object in (used when the status enum has it).
_ACTION_STATUS = {
    "accept": "accepted",
    "approve": "approved",
    "cancel": "canceled",
    "capture": "succeeded",
    "close": "lost",
    "confirm": "succeeded",
    "decline": "declined",
    "expire": "expired",
    "finalize": "open",
    "mark_uncollectible": "uncollectible",
    "pay": "paid",
    "release": "released",
    "void": "void",
}
_SEARCH_CLAUSE = re.compile(r"""(\w+)(?:\[['"]([^'"]+)['"]\])?\s*:\s*['"]([^'"]*)['"]""")


@attrs.frozen
class ReceivedRequest:
    """One request the fake received (retries are separate requests)."""

    method: str
    path: str
    call_path: str | None  # e.g. customers.create; None for an unknown URL
    params: dict[str, Any]  # decoded from the query string or body
    headers: Mapping[str, str]  # lower-case names (stripe-account, idempotency-key, ...)


@attrs.frozen
class SignedEvent:
    """A webhook delivery: the raw body and its ``Stripe-Signature`` header."""

    payload: bytes
    header: str
    event: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return {"Stripe-Signature": self.header, "Content-Type": "application/json"}


@attrs.define
class _Failure:
    match: str | None
    status: int
    error: dict[str, Any]
    headers: dict[str, str]
    times: int


@attrs.define
class _Held:
    """An object the fake holds, the list it belongs to, and the account it lives in."""

    schema: str
    obj: dict[str, Any]
    parent: str | None = None
    account: str | None = None  # its Stripe-Account; None: the platform

    def visible_to(self, account: str | None) -> bool:
        return self.account == account or self.schema == "account"  # accounts are the platform's


@attrs.frozen
class _Route:
    op: dict[str, Any]
    pattern: re.Pattern[str]
    names: tuple[str, ...]


@attrs.frozen
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str]


class _StripeErrorReply(Exception):
    def __init__(self, status: int, error: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(error.get("message"))
        self.status = status
        self.error = error
        self.headers = headers or {}


def _missing(kind: str, object_id: str) -> _StripeErrorReply:
    return _StripeErrorReply(
        404,
        {
            "type": "invalid_request_error",
            "code": "resource_missing",
            "param": "id",
            "message": f"No such {kind.replace('_', ' ')}: '{object_id}'",
        },
    )


class FakeStripe:
    """A Stripe that lives in the test process.

    ``stateful=False`` answers any id with a fresh object (as Stripe's mock server does)
    instead of 404. ``random_seed`` makes generated ids repeat from run to run."""

    webhook_secret = "whsec_fake"  # noqa: S105 - the fake signs its test events with it

    def __init__(self, *, stateful: bool = True, random_seed: int = 0) -> None:
        self.stateful = stateful
        self.api_version = _fake_tables.API_VERSION
        self.requests: list[ReceivedRequest] = []
        self._ids = Ids(random_seed)
        self._build = Builder(self._ids)
        self._objects: dict[str, _Held] = {}
        self._account: str | None = None  # the Stripe-Account of the request being answered
        self._idempotent: dict[tuple[str | None, str], tuple[str, _Reply]] = {}  # key -> (request, reply)
        self._failures: list[_Failure] = []
        self.meter_stream = MeterStream(self._ids.new)
        """The v2 meter event stream: accepted ``events``, ``expire_sessions()``."""
        self._lock = threading.RLock()
        self._routes: dict[tuple[str, int], list[_Route]] | None = None
        self._v2: V2Api | None = None  # the v2 API's routes, made on the first /v2/ request

    # -- clients and transports ---------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """An httpx transport (sync and async) answering from this fake."""
        return httpx.MockTransport(self.handle)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=self.transport())

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport())

    def stripe_client(self, api_key: str = "sk_test_fake", **options: Any) -> StripeClient:
        """A ``StripeClient`` wired to this fake (options as for ``StripeClient``)."""
        from ... import StripeClient

        return StripeClient(api_key, http_client=self.client(), **options)

    def async_stripe_client(self, api_key: str = "sk_test_fake", **options: Any) -> AsyncStripeClient:
        from ... import AsyncStripeClient

        return AsyncStripeClient(api_key, http_client=self.async_client(), **options)

    # -- test controls -----------------------------------------------------------------

    def fail_next(
        self,
        match: str | None = None,
        *,
        status: int = 400,
        type: str = "invalid_request_error",
        code: str | None = None,
        message: str = "Injected by FakeStripe.fail_next",
        headers: Mapping[str, str] | None = None,
        times: int = 1,
        **error: Any,
    ) -> None:
        """Answer the next ``times`` matching requests with this error instead.

        ``match`` is a call path (``charges.create``), ``"POST /v1/charges"``, or None for
        any request; extra keywords (``decline_code``, ``param``) go into the error."""
        body = {"type": type, "message": message, **({"code": code} if code else {}), **error}
        with self._lock:
            self._failures.append(_Failure(match, status, body, dict(headers or {}), times))

    def decline_next(self, match: str | None = None, *, decline_code: str = "insufficient_funds") -> None:
        self.fail_next(
            match,
            status=402,
            type="card_error",
            code="card_declined",
            decline_code=decline_code,
            message="Your card was declined.",
        )

    def rate_limit_next(self, match: str | None = None, *, retry_after: float | None = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.fail_next(
            match,
            status=429,
            type="invalid_request_error",
            code="rate_limit",
            headers=headers,
            message="Too many requests hit the API too quickly.",
        )

    def server_error_next(self, match: str | None = None, *, should_retry: bool = True) -> None:
        self.fail_next(
            match,
            status=500,
            type="api_error",
            headers={"Stripe-Should-Retry": "true" if should_retry else "false"},
            message="An unknown error occurred.",
        )

    def seed(
        self,
        schema: str,
        fields: Mapping[str, Any] | None = None,
        *,
        parent: str | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Put an object in the fake: a component name (``customer``) plus fields laid over
        a spec-shaped default; ``parent`` is the id it lists under (``accounts.capabilities``),
        ``account`` the connected account it lives in. Returns the stored dict."""
        obj = {**self._build.build(schema), **(fields or {})}  # the caller's fields win as given
        with self._lock:
            self._objects[obj["id"]] = _Held(schema, obj, parent, account)
        return obj

    def seed_objects(self, objects: Iterable[Mapping[str, Any]]) -> int:
        """Store ready-made objects as they are (Stripe's ``fixtures3.json`` resources, API
        responses saved from test mode), each typed by its ``object``; returns how many.
        ``deleted: true`` objects stand for an absence and are skipped."""
        kinds = schema_of_object()
        count = 0
        for obj in objects:
            if obj.get("deleted") is True:
                continue
            schema = kinds.get(str(obj.get("object")))
            if schema is None or not isinstance(obj.get("id"), str):
                raise ValueError(f"cannot seed {str(obj)[:80]}: it needs an id and a known object type")
            with self._lock:
                self._objects[obj["id"]] = _Held(schema, copy.deepcopy(dict(obj)))
            count += 1
        return count

    def get(self, object_id: str) -> dict[str, Any] | None:
        """The stored object with this id (its JSON dict), or None."""
        found = self._objects.get(object_id)
        return found.obj if found else None

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """Stored objects whose ``object`` is ``kind``, oldest first."""
        return [h.obj for h in list(self._objects.values()) if h.obj.get("object") == kind]

    def event(
        self,
        type: str,
        obj: str | Mapping[str, Any] | Any,
        *,
        previous_attributes: Mapping[str, Any] | None = None,
        secret: str | None = None,
    ) -> SignedEvent:
        """A signed event about an object the fake holds (an id, a model or a dict)."""
        if isinstance(obj, str):
            data = self.get(obj)
            if data is None:
                raise KeyError(f"FakeStripe holds no object {obj!r}")
        else:
            data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
        event = self._build.build("event")
        event.update(
            type=type,
            api_version=self.api_version,
            data={
                "object": data,
                **({"previous_attributes": dict(previous_attributes)} if previous_attributes else {}),
            },
        )
        with self._lock:
            self._objects[event["id"]] = _Held("event", event)
        payload = json.dumps(event).encode()
        return SignedEvent(payload, generate_test_header(payload, secret or self.webhook_secret), event)

    # -- the HTTP side -------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            reply = self._handle(request)
            request_id = "req_" + self._ids.new("")
        headers = {"Request-Id": request_id, "Stripe-Version": self.api_version}
        headers.update(reply.headers)
        return httpx.Response(reply.status, content=reply.body, headers=headers)

    def _handle(self, request: httpx.Request) -> _Reply:
        method = request.method.lower()
        path = request.url.path
        if path.startswith("/v2/"):  # JSON bodies, v2 pages and errors: see v2.py
            if self._v2 is None:
                from .v2 import V2Api

                self._v2 = V2Api(self, _Reply, ReceivedRequest, _Held)
            return self._v2.handle(request)
        route, path_values = self._route(method, path)
        try:
            params = self._decode(request)
        except ValueError:
            params = {}
        call = route.op["call"] if route else None
        self._account = request.headers.get("stripe-account")
        headers = {
            k.lower(): mask(v) if k.lower() == "authorization" else v for k, v in request.headers.items()
        }
        self.requests.append(ReceivedRequest(request.method, path, call, params, headers))
        try:
            if not request.headers.get("authorization", "").startswith("Bearer "):
                raise _StripeErrorReply(
                    401, {"type": "invalid_request_error", "message": "You did not provide an API key."}
                )
            failure = self._take_failure(request.method, path, call)
            if failure:
                raise _StripeErrorReply(failure.status, failure.error, failure.headers)
            metered = self.meter_stream.answer(
                request.method, path, request.headers.get("authorization", ""), request.content
            )
            if metered is not None:  # the v2 meter event stream (see testing/metering.py)
                status, data = metered
                return _Reply(status, json.dumps(data).encode(), {"Content-Type": "application/json"})
            if route is None:
                raise _StripeErrorReply(
                    404,
                    {
                        "type": "invalid_request_error",
                        "message": f"Unrecognized request URL ({request.method}: {path}).",
                    },
                )
            key = headers.get("idempotency-key")
            if method == "post" and key:
                return self._idempotently((headers.get("stripe-account"), key), route, path_values, params)
            return self._answer(route, path_values, params)
        except _StripeErrorReply as exc:
            headers = {"Content-Type": "application/json", **exc.headers}
            return _Reply(exc.status, json.dumps({"error": exc.error}).encode(), headers)

    def _idempotently(
        self, key: tuple[str | None, str], route: _Route, values: dict[str, str], params: dict[str, Any]
    ) -> _Reply:
        signature = json.dumps([route.op["call"], values, params], sort_keys=True, default=str)
        seen = self._idempotent.get(key)
        if seen is not None:
            if seen[0] != signature:
                raise _StripeErrorReply(
                    400,
                    {
                        "type": "idempotency_error",
                        "message": "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                    },
                )
            reply = seen[1]
            return _Reply(reply.status, reply.body, {**reply.headers, "Idempotent-Replayed": "true"})
        reply = self._answer(route, values, params)
        self._idempotent[key] = (signature, reply)
        return reply

    def _answer(self, route: _Route, values: dict[str, str], raw: dict[str, Any]) -> _Reply:
        op = route.op
        try:
            params = validate(op, raw)
        except ParamError as exc:
            raise _StripeErrorReply(
                400,
                {
                    "type": "invalid_request_error",
                    "code": exc.code,
                    "param": exc.param,
                    "message": exc.message,
                },
            ) from None
        if not op["response"]:
            return _Reply(200, b"%PDF-1.4\n% lattice_stripe fake\n", {"Content-Type": "application/pdf"})
        result = self._perform(op, [values[n] for n in route.names], params)
        expand = params.get("expand") or []
        if expand:
            result = copy.deepcopy(result)  # expanding never changes what the fake holds
        for dotted in expand:
            self._expand(result, dotted.split("."))
        return _Reply(200, json.dumps(result).encode(), {"Content-Type": "application/json"})

    # -- semantics -------------------------------------------------------------------------

    def _perform(self, op: dict[str, Any], ids: list[str], params: dict[str, Any]) -> dict[str, Any]:
        response = op["response"]
        props = deref(response).get("properties", {})
        page_kind = props.get("object", {}).get("enum")
        last_is_id = op["path"].endswith("}")
        target = ids[-1] if ids else None
        if page_kind in (["list"], ["search_result"]) and "data" in props:
            item_schemas = ref_names(props["data"].get("items", {}))
            parent = target if not last_is_id else None
            if parent is not None and self.stateful:
                self._require(ids, op)
            if page_kind == ["search_result"]:
                return self._search(op, item_schemas, params)
            return self._list(op, item_schemas, parent, params)
        names = ref_names(response)
        schema = names[0] if names else None
        if schema is None:
            return self._build.value(response, 0, "response") or {}
        if target is not None and last_is_id:
            return self._on_item(op, schema, names, target, params)
        held = self._held(target)
        if held is not None and held.schema in names:
            return self._act(op, held, params)
        if target is not None and self.stateful:
            self._require(ids, op)
        obj = self._build.build(schema, params)
        if "id" in obj and op["verb"] == "post" and not schema.startswith("deleted_"):
            self._objects[obj["id"]] = _Held(schema, obj, target, self._account)
        return obj

    def _held(self, object_id: str | None) -> _Held | None:
        """The object with this id, if the requesting account can see it."""
        held = self._objects.get(object_id) if object_id is not None else None
        return held if held is not None and held.visible_to(self._account) else None

    def _require(self, ids: list[str], op: dict[str, Any]) -> None:
        """Path ids must name objects the fake holds (the account, the customer, ...)."""
        for object_id in ids:
            if self._held(object_id) is None and not op["path"].startswith("/v1/test_helpers"):
                raise _missing(op["path"].split("/")[2].rstrip("s"), object_id)

    def _on_item(
        self,
        op: dict[str, Any],
        schema: str,
        names: list[str],
        target: str,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        found = self._held(target)
        if schema.startswith("deleted_"):
            if found is None and self.stateful:
                raise _missing(object_kind(schema), target)
            self._objects.pop(target, None)
            return {**self._build.build(schema), "id": target}
        if found is None or found.schema not in names:
            if self.stateful:
                raise _missing(object_kind(schema), target)
            obj = self._build.build(schema, params if op["verb"] == "post" else None)
            obj["id"] = target
            return obj
        if op["verb"] == "post":
            self._build.merge({"$ref": found.schema}, found.obj, params)
        elif op["verb"] == "delete":
            return self._act(op, found, params)
        return found.obj

    def _act(self, op: dict[str, Any], held: _Held, params: dict[str, Any]) -> dict[str, Any]:
        schema, obj = held.schema, held.obj
        self._build.merge({"$ref": schema}, obj, params)
        action = op["path"].rsplit("/", 1)[-1] if op["verb"] == "post" else "cancel"
        status = _ACTION_STATUS.get(action)
        allowed = deref({"$ref": schema}).get("properties", {}).get("status", {})
        if status and status in deref(allowed).get("enum", ()):
            obj["status"] = status
        return obj

    def _matching(
        self, schemas: list[str], parent: str | None, filters: dict[str, Any]
    ) -> list[dict[str, Any]]:
        found = []
        for held in reversed(list(self._objects.values())):  # newest first
            if held.schema not in schemas or (parent is not None and held.parent != parent):
                continue
            if held.visible_to(self._account) and all(_same(held.obj.get(k), v) for k, v in filters.items()):
                found.append(held.obj)
        return found

    def _list(
        self, op: dict[str, Any], schemas: list[str], parent: str | None, params: dict[str, Any]
    ) -> dict[str, Any]:
        filters = {
            k: v
            for k, v in params.items()
            if isinstance(v, (str, int)) and k not in _PAGING and not isinstance(v, bool)
        }
        items = self._matching(schemas, parent, filters)
        limit = int(params.get("limit") or 10)
        after, before = params.get("starting_after"), params.get("ending_before")
        ids = [o.get("id") for o in items]
        if after is not None:
            start = ids.index(after) + 1 if after in ids else len(ids)
            page, has_more = items[start : start + limit], len(items) > start + limit
        elif before is not None:
            end = ids.index(before) if before in ids else 0
            page, has_more = items[max(0, end - limit) : end], end - limit > 0
        else:
            page, has_more = items[:limit], len(items) > limit
        url = re.sub(r"\{[^}]+\}", lambda _: parent or "", op["path"])
        return {"object": "list", "data": page, "has_more": has_more, "url": url}

    def _search(self, op: dict[str, Any], schemas: list[str], params: dict[str, Any]) -> dict[str, Any]:
        clauses = _SEARCH_CLAUSE.findall(params.get("query", ""))
        items = [
            o
            for o in self._matching(schemas, None, {})
            if all(_same((o.get(f) or {}).get(k) if k else o.get(f), v) for f, k, v in clauses)
        ]
        start = int(params.get("page") or 0)
        limit = int(params.get("limit") or 10)
        more = len(items) > start + limit
        return {
            "object": "search_result",
            "data": items[start : start + limit],
            "has_more": more,
            "next_page": str(start + limit) if more else None,
            "url": op["path"],
        }

    def _expand(self, obj: Any, path: list[str]) -> None:
        if not path or not isinstance(obj, dict):
            return
        head, rest = path[0], path[1:]
        if obj.get("object") == "list" and head == "data":
            for item in obj.get("data", []):
                self._expand(item, rest)
            return
        value = obj.get(head)
        if isinstance(value, str):
            schema = schema_of_object().get(str(obj.get("object")))
            prop = deref({"$ref": schema}).get("properties", {}).get(head, {}) if schema else {}
            kinds = prop.get("expansions") or []
            if kinds:
                stored = self._held(value)
                value = stored.obj if stored else {**self._build.build(kinds[0]), "id": value}
                obj[head] = value
        self._expand(value, rest)

    # -- routing and decoding ------------------------------------------------------------------

    def _route(self, method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
        if self._routes is None:
            routes: dict[tuple[str, int], list[_Route]] = {}
            for op in operations().values():
                names = tuple(re.findall(r"\{([^}]+)\}", op["path"]))
                regex = re.sub(r"\{([^}]+)\}", lambda m: f"(?P<{_group(m.group(1))}>[^/]+)", op["path"])
                key = (op["verb"], op["path"].count("/"))
                routes.setdefault(key, []).append(_Route(op, re.compile(regex + "$"), names))
            for candidates in routes.values():
                candidates.sort(key=lambda r: len(r.names))  # literal segments win
            self._routes = routes
        for route in self._routes.get((method, path.count("/")), ()):
            found = route.pattern.match(path)
            if found:
                return route, {n: unquote(found.group(_group(n))) for n in route.names}
        return None, {}

    @staticmethod
    def _decode(request: httpx.Request) -> dict[str, Any]:
        pairs = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        content_type = request.headers.get("content-type", "")
        body = request.read()
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                if part.get_filename():  # the content itself is not kept, only its size
                    pairs.append((str(name), f"<{len(data)} bytes: {part.get_filename()}>"))
                else:
                    pairs.append((str(name), data.decode()))
        elif body:
            pairs += parse_qsl(body.decode(), keep_blank_values=True)
        return decode_form(pairs)

    def _take_failure(self, method: str, path: str, call: str | None) -> _Failure | None:
        for failure in self._failures:
            if failure.match in (None, call, f"{method} {path}"):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None


_PAGING = frozenset({"limit", "starting_after", "ending_before", "expand", "created", "page", "query"})


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _same(field: Any, wanted: Any) -> bool:
    if isinstance(field, dict):
        field = field.get("id")
    return bool(field == wanted)
