"""What the fake holds: objects by id (and the account each lives in), deleted objects as
Stripe still returns them, the events its actions produced (v1 snapshot events and v2 thin
events), and the clock."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import attrs

from .objects import Builder, Ids, object_kind
from .schema import component, operations

# Event types name an object by a prefix other than its ``object`` for these.
EVENT_PREFIX = {
    "subscription": "customer.subscription",
    "dispute": "charge.dispute",
    "tax_id": "customer.tax_id",
    "discount": "customer.discount",
    "capability": "capability",
    "person": "person",
}


# Objects some event types carry under another name.
_ALSO = {
    "refund": ("charge.refund",),
    "fee_refund": ("application_fee.refund",),
    "card": ("customer.source", "account.external_account"),
    "bank_account": ("customer.source", "account.external_account"),
    "source": ("customer.source",),
    "application": ("account.application",),
    "scheduled_query_run": ("sigma.scheduled_query_run",),
    "source_transaction": ("source.transaction",),
    "entitlements.active_entitlement_summary": ("entitlements.active_entitlement_summary",),
}


@functools.cache
def event_types() -> frozenset[str]:
    """Every event type the pinned spec knows (a webhook endpoint's ``enabled_events``)."""
    props = operations()["webhook_endpoints.create"]["params"].get("properties", {})
    return frozenset(props.get("enabled_events", {}).get("items", {}).get("enum", ())) - {"*"}


def event_prefix(kind: str) -> str:
    """How event types name this kind of object (``issuing.card`` -> ``issuing_card``)."""
    if kind in EVENT_PREFIX:
        return EVENT_PREFIX[kind]
    dotted = any(t.startswith(kind + ".") for t in event_types())
    return kind if dotted else kind.replace(".", "_")


def event_fits(type: str, kind: str) -> bool:
    """Whether an event of this type can carry an object of this kind."""
    prefix = type.rsplit(".", 1)[0]
    return prefix in (event_prefix(kind), *_ALSO.get(kind, ()))


def declared(schema: str) -> dict[str, Any]:
    props: dict[str, Any] = component(schema).get("properties", {})
    return props


@attrs.define
class Held:
    """An object the fake holds, the list it belongs to, and the account it lives in."""

    schema: str
    obj: dict[str, Any]
    parent: str | None = None
    account: str | None = None  # its Stripe-Account; None: the platform

    def visible_to(self, account: str | None) -> bool:
        return self.account == account or self.schema == "account"  # accounts are the platform's


class State:
    """The fake's memory. ``account`` is the Stripe-Account of the request being answered."""

    def __init__(self, seed: int, stateful: bool, api_version: str) -> None:
        self.ids = Ids(seed)
        self.build = Builder(self.ids)
        self.stateful = stateful
        self.api_version = api_version
        self.objects: dict[str, Held] = {}
        self.deleted: dict[str, Held] = {}
        self.events: list[dict[str, Any]] = []
        self.thin_events: list[dict[str, Any]] = []  # v2.core.event, oldest first (see thin.py)
        self.account: str | None = None
        self.request: dict[str, Any] = {"id": None, "idempotency_key": None}
        self.cards: dict[str, str] = {}  # payment method id -> the test card it stands for
        self.on_event: list[Callable[[dict[str, Any]], None]] = []

    # -- objects -----------------------------------------------------------------------

    def held(self, object_id: Any) -> Held | None:
        """The object with this id, if the requesting account can see it."""
        found = self.objects.get(object_id) if isinstance(object_id, str) else None
        return found if found is not None and found.visible_to(self.account) else None

    def put(self, schema: str, obj: dict[str, Any], parent: str | None = None) -> dict[str, Any]:
        self.objects[obj["id"]] = Held(schema, obj, parent, self.account)
        return obj

    def new(
        self,
        schema: str,
        fields: dict[str, Any] | None = None,
        *,
        params: dict[str, Any] | None = None,
        parent: str | None = None,
        event: bool = True,
    ) -> dict[str, Any]:
        """A new object held by the fake: request ``params`` that fit laid on the spec's shape,
        then ``fields`` (only those its schema declares); emits ``<kind>.created``."""
        obj = self.build.build(schema, params)
        fill(schema, obj, fields or {})
        if "id" not in obj:  # a link or a session secret: nothing to hold
            return obj
        self.put(schema, obj, parent)
        if event:
            self.emit(f"{event_prefix(object_kind(schema))}.created", obj)
        return obj

    def remove(self, object_id: str) -> Held | None:
        held = self.objects.pop(object_id, None)
        if held is not None:
            self.deleted[object_id] = held
        return held

    def find_all(self, schema: str, **fields: Any) -> list[dict[str, Any]]:
        """Held objects of a schema whose fields equal these, oldest first (any account)."""
        return [
            h.obj
            for h in list(self.objects.values())
            if h.schema == schema and all(h.obj.get(k) == v for k, v in fields.items())
        ]

    def schema_of(self, obj: dict[str, Any]) -> str:
        held = self.objects.get(obj.get("id"))  # type: ignore[arg-type]
        return held.schema if held else str(obj.get("object"))

    # -- changes and events ----------------------------------------------------------------

    def change(
        self, obj: dict[str, Any], fields: dict[str, Any], event: str | None = "", **more: Any
    ) -> dict[str, Any]:
        """Set the declared ``fields`` that differ; emit ``event`` (default ``<kind>.updated``,
        None for none) with their previous values. Returns those previous values."""
        schema = self.schema_of(obj)
        props = declared(schema)
        previous = {}
        for key, value in {**fields, **more}.items():
            if key in props and obj.get(key) != value:
                previous[key] = copy.deepcopy(obj.get(key))
                obj[key] = value
        if event is not None and (previous or event):
            self.emit(event or f"{event_prefix(object_kind(schema))}.updated", obj, previous)
        return previous

    def emit(
        self, type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """Record the event Stripe sends for this change (when the pinned spec has its type)."""
        if type not in event_types():
            return None
        event = self.build.build("event")
        held = self.objects.get(obj.get("id"))  # type: ignore[arg-type]
        account = held.account if held is not None else self.account
        fill(
            "event",
            event,
            {
                "type": type,
                "api_version": self.api_version,
                "created": self.ids.now(),
                "data": {
                    "object": copy.deepcopy(obj),
                    **({"previous_attributes": copy.deepcopy(previous)} if previous else {}),
                },
                "pending_webhooks": 1,
                "request": dict(self.request),
                "account": account,
            },
        )
        if account is None:
            event.pop("account", None)
        self.objects[event["id"]] = Held("event", event, None, account)
        self.events.append(event)
        for listener in self.on_event:
            listener(event)
        return event

    def now(self) -> int:
        return self.ids.now()


def fill(schema: str, obj: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Set the fields the schema declares (so one behaviour fits every pinned API version)."""
    props = declared(schema)
    for key, value in fields.items():
        if key in props:
            obj[key] = value
    return obj
