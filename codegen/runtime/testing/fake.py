"""An in-process fake Stripe: an httpx transport that answers every operation of the spec.

Requests are routed by method and path, validated as Stripe's mock server does, and
answered from what the fake holds: plain resources are created, retrieved, updated,
listed (filters, real pagination), searched and deleted; the flows a test drives
(payments, billing, checkout, Connect, clocks) follow Stripe's state machines
(``behaviours/``), every id a request names is checked (``references``), and every state
change records Stripe's event. Usage billing is one store of meter events for v1, v2 and the
v2 stream (``behaviours/usage``); what Stripe reports through v2 event destinations is
recorded as thin events and delivered by the destinations that take them (``thin``,
``behaviours/destinations``). An action the fake does not model answers 400 saying so.
``stateful=False`` answers any id with a fresh object instead, as Stripe's mock server does.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

import attrs
import httpx

from ... import _fake_tables
from ..objects.secrets import mask
from ..webhooks.events import generate_test_header
from . import lists, references
from .behaviours.registry import Call, handlers
from .cards import test_card
from .metering import MeterStream
from .objects import object_kind, ref_names
from .refusals import Refusal, missing, not_modelled, refuse
from .schema import ParamError, decode_form, deref, operations, schema_of_object, validate
from .state import Held, State, event_fits, event_prefix, event_types
from .thin import EVENT as THIN_EVENT
from .thin import destinations, notification

if TYPE_CHECKING:
    from ..._client import AsyncStripeClient, StripeClient
    from .v2 import V2Api


@attrs.frozen
class ReceivedRequest:
    """One request the fake received (retries are separate requests)."""

    method: str
    path: str
    call_path: str | None  # e.g. customers.create; None for an unknown URL
    params: dict[str, Any]  # as the SDK sent them: typed by the spec (ints, bools, lists)
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


_ROUTES: dict[tuple[str, int], list[_Route]] = {}  # the same for every fake: built once


class FakeStripe:
    """A Stripe that lives in the test process.

    ``stateful=False`` answers any id with a fresh object (as Stripe's mock server does)
    instead of 404, and models no behaviour. ``random_seed`` makes generated ids and
    secrets repeat from run to run."""

    webhook_secret = "whsec_fake"  # noqa: S105 - the fake signs its test events with it

    def __init__(self, *, stateful: bool = True, random_seed: int = 0) -> None:
        self.stateful = stateful
        self.api_version = _fake_tables.API_VERSION
        self.requests: list[ReceivedRequest] = []
        self._state = State(random_seed, stateful, self.api_version)
        self._idempotent: dict[tuple[str | None, str], tuple[str, _Reply]] = {}  # key -> (request, reply)
        self._failures: list[_Failure] = []
        self.meter_stream = MeterStream(self._state.ids.new, accept=self._from_stream)
        """The v2 meter event stream: accepted ``events``, ``expire_sessions()``."""
        self._lock = threading.RLock()
        self._outbox: list[tuple[Any, str | None]] = []  # (router or URL, secret) each event goes to
        self._v2: V2Api | None = None  # the v2 API's routes, made on the first /v2/ request

    def _from_stream(self, events: list[dict[str, Any]], account: str | None) -> None:
        from .behaviours.usage import from_stream

        if self.stateful:
            from_stream(self._state, events, account)

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event the fake's actions produced, oldest first (also ``events.list``)."""
        return self._state.events

    @property
    def thin_events(self) -> list[dict[str, Any]]:
        """Every v2 thin event (``v2.core.event``, with its ``data``) the fake recorded, oldest
        first: meter errors, event destination pings (also ``v2.core.events.list``)."""
        return self._state.thin_events

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

    @contextlib.contextmanager
    def patch(self) -> Iterator[FakeStripe]:
        """Within the block, every ``StripeClient``/``AsyncStripeClient`` that makes its own
        connection pool (no ``http_client=``) talks to this fake: an app's own client,
        built where the app builds it, needs no change."""
        from ..http import transport

        saved = transport.new_sync_http, transport.new_async_http
        transport.new_sync_http = self.client
        transport.new_async_http = self.async_client
        try:
            yield self
        finally:
            transport.new_sync_http, transport.new_async_http = saved

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
        any request; extra keywords (``decline_code``, ``param``) go into the error. The
        answer carries ``Retry-After: 0`` unless ``headers`` say otherwise, so a client's
        retry does not sleep."""
        body = {"type": type, "message": message, **({"code": code} if code else {}), **error}
        sent = {"Retry-After": "0", **(headers or {})}
        with self._lock:
            self._failures.append(_Failure(match, status, body, sent, times))

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
        headers = {"Retry-After": str(retry_after if retry_after is not None else 0)}
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
        obj = {**self._state.build.build(schema), **(fields or {})}  # the caller's fields win as given
        with self._lock:
            self._state.objects[obj["id"]] = Held(schema, obj, parent, account)
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
                self._state.objects[obj["id"]] = Held(schema, copy.deepcopy(dict(obj)))
            count += 1
        return count

    def get(self, object_id: str) -> dict[str, Any] | None:
        """The stored object with this id (its JSON dict), or None."""
        found = self._state.objects.get(object_id)
        return found.obj if found else None

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """Stored objects whose ``object`` is ``kind``, oldest first."""
        return [h.obj for h in list(self._state.objects.values()) if h.obj.get("object") == kind]

    def authenticate(self, intent_id: str, *, succeed: bool = True) -> dict[str, Any]:
        """The customer completes (or fails) 3D Secure for a PaymentIntent in
        ``requires_action``, as they would in the browser; returns the intent."""
        from .behaviours.payments import authenticate

        return self._as_owner(
            intent_id, "payment_intent", lambda obj: authenticate(self._state, obj, succeed)
        )

    def complete_checkout(self, session_id: str, *, payment_method: str = "pm_card_visa") -> dict[str, Any]:
        """The customer pays on the Checkout page with a test card (or a payment method
        id): the payment, subscription or saved card is made, then
        ``checkout.session.completed``. Returns the session."""
        from .behaviours.checkout import complete

        return self._as_owner(
            session_id, "checkout.session", lambda obj: complete(self._state, obj, payment_method)
        )

    def _as_owner(self, object_id: str, schema: str, act: Any) -> dict[str, Any]:
        with self._lock:
            held = self._state.objects.get(object_id)
            if held is None or held.schema != schema:
                raise KeyError(f"FakeStripe holds no {schema} {object_id!r}")
            self._state.account = held.account
            first = len(self._state.events)
            try:
                result: dict[str, Any] = act(held.obj)
            except Refusal as exc:
                raise ValueError(exc.error.get("message")) from None
            fresh = self._state.events[first:]
        self._forward(fresh)
        return result

    def event(
        self,
        type: str,
        obj: str | Mapping[str, Any] | Any,
        *,
        previous_attributes: Mapping[str, Any] | None = None,
        secret: str | None = None,
    ) -> SignedEvent:
        """A signed event about an object the fake holds (an id, a model or a dict).

        ``type`` must be an event type of the pinned API version about this kind of object
        (``invoice.paid`` needs an invoice); ``ValueError`` otherwise."""
        if isinstance(obj, str):
            data = self.get(obj)
            if data is None:
                raise KeyError(f"FakeStripe holds no object {obj!r}")
        else:
            data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
        kind = str(data.get("object"))
        if type not in event_types():
            raise ValueError(f"{type!r} is not an event type of Stripe API {self.api_version}")
        if not event_fits(type, kind):
            raise ValueError(f"a {type!r} event is about another kind of object than a {kind!r}")
        with self._lock:
            event = self._state.emit(type, data, dict(previous_attributes) if previous_attributes else None)
        assert event is not None
        return self.sign(event, secret)

    def sign(self, event: Mapping[str, Any], secret: str | None = None) -> SignedEvent:
        """An event (one of ``events``) as a signed delivery; a thin event (one of
        ``thin_events``) as the notification a destination delivers."""
        sent = notification(dict(event)) if event.get("object") == THIN_EVENT else dict(event)
        payload = json.dumps(sent).encode()
        return SignedEvent(payload, generate_test_header(payload, secret or self.webhook_secret), sent)

    def deliver(
        self, target: Any, events: Iterable[Mapping[str, Any]] | None = None, *, secret: str | None = None
    ) -> list[int]:
        """Send events (default: all of ``events``; thin ones from ``thin_events`` too) signed
        with ``secret`` (default ``webhook_secret``) to a ``WebhookRouter`` or an endpoint
        URL, in order, whatever the event destinations say; returns each answer's status."""
        return [self._send(target, self.sign(e, secret)) for e in (self.events if events is None else events)]

    def forward_events(self, target: Any, *, secret: str | None = None) -> None:
        """From now on, deliver to ``target`` (a ``WebhookRouter`` or a URL) each event as
        soon as the request that caused it has been answered: every snapshot event, signed
        with ``secret`` (default ``webhook_secret``); and each thin event once per event
        destination that takes it (an enabled ``webhook_endpoint`` destination with
        ``event_payload: thin`` whose ``enabled_events`` name its type; a ping to its own
        destination), signed with ``secret`` or else that destination's signing secret."""
        self._outbox.append((target, secret))

    def _routes(self, thin_events: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
        """(thin event, the signing secret of a destination that takes it), in order."""
        if not self._outbox:
            return []
        return [
            (event, str(found["webhook_endpoint"]["signing_secret"]))
            for event in thin_events
            for found in destinations(self._state, event)
        ]

    def _forward(
        self, events: list[dict[str, Any]], routes: list[tuple[dict[str, Any], str]] | None = None
    ) -> None:
        for target, secret in list(self._outbox):
            for event in events:
                self._send(target, self.sign(event, secret))
            for thin, signing_secret in routes or ():
                self._send(target, self.sign(thin, secret or signing_secret))

    def _send(self, target: Any, signed: SignedEvent) -> int:
        if isinstance(target, str):
            return httpx.post(target, content=signed.payload, headers=signed.headers).status_code
        return int(target.handle(signed.payload, signed.header).status)

    # -- the HTTP side -------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            first, first_thin = len(self._state.events), len(self._state.thin_events)
            reply = self._handle(request)
            request_id = "req_" + self._state.ids.new("")
            fresh = self._state.events[first:]
            routes = self._routes(self._state.thin_events[first_thin:])
        self._forward(fresh, routes)
        headers = {"Request-Id": request_id, "Stripe-Version": self.api_version}
        headers.update(reply.headers)
        return httpx.Response(reply.status, content=reply.body, headers=headers)

    def _handle(self, request: httpx.Request) -> _Reply:
        method = request.method.lower()
        path = request.url.path
        if path.startswith("/v2/"):  # JSON bodies, v2 pages and errors, the meter stream: see v2.py
            if self._v2 is None:
                from .v2 import V2Api

                self._v2 = V2Api(self, _Reply, ReceivedRequest)
            return self._v2.handle(request)
        route, path_values = _route(method, path)
        try:
            raw = self._decode(request)
        except ValueError:
            raw = {}
        typed: dict[str, Any] | ParamError = raw
        if route is not None:
            try:
                typed = validate(route.op, raw)
            except ParamError as exc:
                typed = exc
        call = route.op["call"] if route else None
        state = self._state
        # Stripe-Context names the account on v1 too (a thin notification's fetch sends it)
        state.account = request.headers.get("stripe-account") or request.headers.get("stripe-context")
        headers = {
            k.lower(): mask(v) if k.lower() == "authorization" else v for k, v in request.headers.items()
        }
        recorded = typed if isinstance(typed, dict) else raw
        self.requests.append(ReceivedRequest(request.method, path, call, recorded, headers))
        state.request = {"id": None, "idempotency_key": headers.get("idempotency-key")}
        try:
            if not request.headers.get("authorization", "").startswith("Bearer "):
                raise refuse("You did not provide an API key.", status=401)
            failure = self._take_failure(request.method, path, call)
            if failure:
                raise Refusal(failure.status, failure.error, failure.headers)
            if route is None:
                raise refuse(f"Unrecognized request URL ({request.method}: {path}).", status=404)
            if isinstance(typed, ParamError):
                raise refuse(typed.message, code=typed.code, param=typed.param)
            if self.stateful:
                references.check_account(state, state.account)
            key = headers.get("idempotency-key")
            if method == "post" and key:
                return self._idempotently((state.account, key), route, path_values, typed)
            return self._answer(route, path_values, typed)
        except Refusal as exc:
            headers = {"Content-Type": "application/json", **exc.headers}
            return _Reply(exc.status, json.dumps({"error": exc.error}).encode(), headers)

    def _idempotently(
        self, key: tuple[str | None, str], route: _Route, values: dict[str, str], params: dict[str, Any]
    ) -> _Reply:
        signature = json.dumps([route.op["call"], values, params], sort_keys=True, default=str)
        seen = self._idempotent.get(key)
        if seen is not None:
            if seen[0] != signature:
                raise refuse(
                    "Keys for idempotent requests can only be used with the same parameters they "
                    "were first used with.",
                    type="idempotency_error",
                )
            reply = seen[1]
            return _Reply(reply.status, reply.body, {**reply.headers, "Idempotent-Replayed": "true"})
        try:
            reply = self._answer(route, values, params)
        except Refusal as exc:  # Stripe replays an error answer too
            headers = {"Content-Type": "application/json", **exc.headers}
            reply = _Reply(exc.status, json.dumps({"error": exc.error}).encode(), headers)
        self._idempotent[key] = (signature, reply)
        return reply

    def _answer(self, route: _Route, values: dict[str, str], params: dict[str, Any]) -> _Reply:
        op = route.op
        ids = [values[n] for n in route.names]
        if self.stateful:
            self._require(op, route.names, ids)
            references.check(self._state, op["call"], params)
        if not op["response"]:  # a PDF of an object (its behaviour may refuse first)
            handler = handlers().get(op["call"]) if self.stateful else None
            if handler is not None:
                handler(Call(self._state, op, ids, params, dict))
            return _Reply(200, b"%PDF-1.4\n% lattice_stripe fake\n", {"Content-Type": "application/pdf"})
        result = self._perform(op, ids, params)
        expand = params.get("expand") or []
        if expand:
            result = copy.deepcopy(result)  # expanding never changes what the fake holds
        for dotted in expand:
            self._expand(result, dotted.split("."))
        return _Reply(200, json.dumps(result).encode(), {"Content-Type": "application/json"})

    def _require(self, op: dict[str, Any], names: tuple[str, ...], ids: list[str]) -> None:
        """Path ids must name objects the fake holds (the account, the customer, ...); the
        last one is the operation's own business unless it is a parent of a list."""
        response = deref(op["response"]) if op["response"] else {}
        is_list = response.get("properties", {}).get("object", {}).get("enum") in (
            ["list"],
            ["search_result"],
        )
        parents = ids if is_list or not op["path"].endswith("}") else ids[:-1]
        if not op["response"]:
            parents = ids  # a PDF of an object
        for name, object_id in zip(names, parents, strict=False):
            if object_id.startswith("pm_card_") and test_card(object_id) is not None:
                continue  # Stripe makes a payment method from a test card id
            if self._state.held(object_id) is None and object_id not in self._state.deleted:
                segment = op["path"].split("/{" + name + "}")[0].rsplit("/", 1)[-1]
                raise missing(segment.rstrip("s"), object_id, "id" if name == names[-1] else name)

    # -- semantics -------------------------------------------------------------------------

    def _perform(self, op: dict[str, Any], ids: list[str], params: dict[str, Any]) -> dict[str, Any]:
        def generic() -> dict[str, Any]:
            return self._generic(op, ids, params)

        handler = handlers().get(op["call"]) if self.stateful else None
        if handler is not None:
            return handler(Call(self._state, op, ids, params, generic))
        return generic()

    def _generic(self, op: dict[str, Any], ids: list[str], params: dict[str, Any]) -> dict[str, Any]:
        state = self._state
        response = op["response"]
        props = deref(response).get("properties", {})
        page_kind = props.get("object", {}).get("enum")
        last_is_id = op["path"].endswith("}")
        target = ids[-1] if ids else None
        if page_kind in (["list"], ["search_result"]) and "data" in props:
            item_schemas = ref_names(props["data"].get("items", {}))
            parent = target if not last_is_id else None
            if page_kind == ["search_result"]:
                return lists.search(state, op, item_schemas, params)
            return lists.page(state, op, item_schemas, parent, params)
        names = ref_names(response)
        schema = names[0] if names else None
        if schema is None:
            return state.build.value(response, 0, "response") or {}
        if target is not None and last_is_id:
            return self._on_item(op, schema, names, target, params)
        held = state.held(target)
        if held is not None and held.schema in names:
            if self.stateful:
                raise not_modelled(f"{op['call']} ({op['verb'].upper()} {op['path']})")
            state.build.merge({"$ref": held.schema}, held.obj, params)
            return held.obj
        if self.stateful and op["verb"] != "post":
            return state.build.build(schema, params)  # a computed answer (balance, upcoming)
        obj = state.build.build(schema, params)
        if "id" in obj and op["verb"] == "post" and not schema.startswith("deleted_"):
            state.put(schema, obj, target)
            state.emit(f"{event_prefix(object_kind(schema))}.created", obj)
        return obj

    def _on_item(
        self,
        op: dict[str, Any],
        schema: str,
        names: list[str],
        target: str,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        state = self._state
        found = state.held(target)
        if schema.startswith("deleted_") or (op["verb"] == "delete" and found is not None):
            if found is None:
                if self.stateful:
                    raise missing(object_kind(schema), target)
                return {**state.build.build(schema), "id": target}
            state.remove(target)
            state.emit(f"{event_prefix(object_kind(found.schema))}.deleted", found.obj)
            return {**state.build.build(schema), "id": target} if schema.startswith("deleted_") else found.obj
        if found is None or found.schema not in names:
            gone = state.deleted.get(target)
            deleted_form = next((n for n in names if n.startswith("deleted_")), None)
            if gone is not None and deleted_form and op["verb"] == "get" and gone.visible_to(state.account):
                return {**state.build.build(deleted_form), "id": target}  # as Stripe returns it
            if self.stateful:
                raise missing(object_kind(schema), target)
            obj = state.build.build(schema, params if op["verb"] == "post" else None)
            obj["id"] = target
            return obj
        if op["verb"] == "post":
            before = copy.deepcopy(found.obj)
            previous = state.build.merge({"$ref": found.schema}, found.obj, params)
            changed = {k: before.get(k) for k in previous if before.get(k) != found.obj.get(k)}
            if changed:
                state.emit(f"{event_prefix(object_kind(found.schema))}.updated", found.obj, changed)
        return found.obj

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
                stored = self._state.held(value)
                value = stored.obj if stored else {**self._state.build.build(kinds[0]), "id": value}
                obj[head] = value
        self._expand(value, rest)

    # -- routing and decoding ------------------------------------------------------------------

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


def _route(method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
    if not _ROUTES:
        for op in operations().values():
            names = tuple(re.findall(r"\{([^}]+)\}", op["path"]))
            regex = re.sub(r"\{([^}]+)\}", lambda m: f"(?P<{_group(m.group(1))}>[^/]+)", op["path"])
            key = (op["verb"], op["path"].count("/"))
            _ROUTES.setdefault(key, []).append(_Route(op, re.compile(regex + "$"), names))
        for candidates in _ROUTES.values():
            candidates.sort(key=lambda r: len(r.names))  # literal segments win
    for route in _ROUTES.get((method, path.count("/")), ()):
        found = route.pattern.match(path)
        if found:
            return route, {n: unquote(found.group(_group(n))) for n in route.names}
    return None, {}


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


__all__ = ["FakeStripe", "ReceivedRequest", "SignedEvent"]
