"""Thin event notifications: what an event destination with ``event_payload: thin`` delivers.

A thin notification says what happened and to what (``id``, ``type``,
``related_object {id, type, url}``, ``context``) and carries no snapshot: the app fetches
the full event (:meth:`EventNotification.fetch_event`) or the object as it is now
(:meth:`EventNotification.fetch_related_object`). Both calls send the notification's
``context`` as ``Stripe-Context``, so an event from a connected account is read there.

Deliveries are signed like v1 webhooks (the same ``Stripe-Signature`` header), and verified
by the same code (:func:`.events.verify_header`). :func:`parse_delivery` tells the two
payloads apart by their ``object`` (``v2.core.event`` or ``event``), which is how the router
serves both from one endpoint. Event types are kept as sent: the spec lists no thin types,
and a type newer than this SDK is routable like any other.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from ..errors import InvalidArgumentError
from ..objects.models import StripeObject, structurer_for
from ..objects.shapes import Model
from ..times import unix
from . import DEFAULT_WEBHOOK_TOLERANCE
from .events import InvalidPayloadError, WebhookEvent, _raw_bytes, event_from, verify_header
from .ledger import AppliedEvent

if TYPE_CHECKING:
    from typing_extensions import Self

THIN_OBJECT = "v2.core.event"
THIN_PREFIXES = ("v1.", "v2.")  # thin event types name the API they come from


@attrs.define(kw_only=True, weakref_slot=False)
class RelatedObject(StripeObject):
    """The object an event is about: its id, its ``object`` type and the API path to read it."""

    __stripe_fields__ = (
        ("id", "id", True, None),
        ("type", "type", True, None),
        ("url", "url", True, None),
    )

    id: str
    type: str
    """Its ``object`` value (``billing.meter``, ``v2.core.account``)."""
    url: str
    """The API path that retrieves it (``/v1/billing/meters/mtr_123``)."""


@attrs.define(kw_only=True, weakref_slot=False)
class EventNotification(StripeObject):
    """A verified thin event notification. Unknown fields and types are kept as sent.

    ``fetch_*`` call through the client the notification was parsed by (or routed with:
    ``WebhookRouter(client=...)``); the ``*_async`` twins need an ``AsyncStripeClient``.
    """

    __stripe_object__ = THIN_OBJECT
    __stripe_fields__ = (
        ("context", "context", False, None),
        ("created", "created", True, None),
        ("id", "id", True, None),
        ("livemode", "livemode", True, None),
        ("object", "object", True, None),
        ("reason", "reason", False, None),
        ("related_object", "related_object", False, Model(RelatedObject)),
        ("type", "type", True, None),
    )

    context: str | None = None
    """The account the event happened in (``Stripe-Context`` for the fetches), or None."""
    created: str
    """When the event happened (RFC 3339)."""
    id: str
    livemode: bool
    object: str
    reason: dict[str, Any] | None = None
    """Why it happened (``{"type": "request", "request": {"id", "idempotency_key"}}``)."""
    related_object: RelatedObject | None = None
    """What it happened to; None for events about no single object."""
    type: str
    """The event type (``v1.billing.meter.error_report_triggered``), as sent."""
    _client: Any = attrs.field(default=None, init=False, repr=False, eq=False)

    def bind(self, client: Any) -> Self:
        """Fetch through ``client`` (a ``StripeClient`` or ``AsyncStripeClient``) from now on."""
        self._client = client
        return self

    @property
    def created_unix(self) -> int:
        """``created`` as Unix seconds (what the event ledger orders by)."""
        return _unix(self.created)

    def applied(self) -> AppliedEvent:
        """What the event ledger keeps of this notification."""
        related = self.related_object
        return AppliedEvent(self.id, self.type, related.id if related else None, self.created_unix)

    def fetch_event(self) -> StripeObject:
        """The full event, read now by ``client.v2.core.events.retrieve``: a ``V2CoreEvent``
        with ``data``, ``changes`` and ``reason``."""
        event: StripeObject = _events(self._bound(False, "fetch_event")).retrieve(self.id, **self._options())
        return event

    async def fetch_event_async(self) -> StripeObject:
        """:meth:`fetch_event` through an ``AsyncStripeClient``."""
        events = _events(self._bound(True, "fetch_event_async"))
        event: StripeObject = await events.retrieve(self.id, **self._options())
        return event

    def fetch_related_object(self) -> StripeObject | None:
        """The related object as it is now: the model its ``object`` names (``BillingMeter``),
        an ``UnknownObject`` for a type this SDK does not know; None without one."""
        path = self._related_path()
        if path is None:
            return None
        result: StripeObject = self._bound(False, "fetch_related_object").raw_request(
            "get", path, **self._options()
        )
        return result

    async def fetch_related_object_async(self) -> StripeObject | None:
        """:meth:`fetch_related_object` through an ``AsyncStripeClient``."""
        path = self._related_path()
        if path is None:
            return None
        client = self._bound(True, "fetch_related_object_async")
        result: StripeObject = await client.raw_request("get", path, **self._options())
        return result

    def _bound(self, is_async: bool, method: str) -> Any:
        client = getattr(self, "_client", None)  # structured objects leave the slot unset
        if client is None:
            raise InvalidArgumentError(
                f"EventNotification.{method}: no client to fetch with: parse it with "
                "client.parse_event_notification(...), route it with WebhookRouter(client=...), "
                "or call notification.bind(client)"
            )
        if bool(getattr(client, "is_async", False)) is not is_async:
            wanted = "an AsyncStripeClient" if is_async else "a StripeClient"
            other = "fetch_*_async" if not is_async else "the methods without _async"
            raise InvalidArgumentError(f"EventNotification.{method} needs {wanted} (use {other})")
        return client

    def _options(self) -> dict[str, str]:
        return {"stripe_context": self.context} if self.context else {}

    def _related_path(self) -> str | None:
        related = self.related_object
        if related is None:
            return None
        parts = urlsplit(related.url)  # a path; an absolute URL is read on the client's own host
        if not parts.path.startswith("/") or "/../" in parts.path + "/" or parts.query or parts.fragment:
            raise InvalidPayloadError(f"related_object.url is not an API path: {related.url!r:.80}")
        return parts.path


def _events(client: Any) -> Any:
    """``client.v2.core.events``, the generated operations that read v2 events."""
    events = getattr(getattr(getattr(client, "v2", None), "core", None), "events", None)
    if events is None:
        raise InvalidArgumentError(
            f"{type(client).__name__} has no v2 events: this package was generated from an API "
            "version without them"
        )
    return events


def _unix(rfc3339: str) -> int:
    try:
        return int(unix(rfc3339))
    except ValueError:
        return 0  # an unreadable time orders first; the ledger still keeps the id


def notification_from(data: dict[str, Any]) -> EventNotification:
    """Structure a decoded thin notification; :class:`InvalidPayloadError` if it is not one."""
    if not all(isinstance(data.get(key), str) for key in ("id", "type", "created")):
        raise InvalidPayloadError("webhook body is not a Stripe event notification (no id, type or created)")
    related = data.get("related_object")
    if related is not None and not (isinstance(related, dict) and isinstance(related.get("url"), str)):
        raise InvalidPayloadError("event notification's related_object is not {id, type, url}")
    try:
        notification: EventNotification = structurer_for(EventNotification)(data)
    except Exception as exc:  # a field of the wrong kind: a bad delivery, never a raw TypeError
        raise InvalidPayloadError(
            f"webhook body is not a Stripe event notification ({type(exc).__name__})"
        ) from None
    return notification


def parse_delivery(payload: bytes) -> WebhookEvent | EventNotification:
    """A verified body as a snapshot :class:`WebhookEvent` or a thin :class:`EventNotification`."""
    try:
        data = json.loads(_raw_bytes(payload))
    except (ValueError, RecursionError) as exc:
        raise InvalidPayloadError(f"webhook body is not JSON: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise InvalidPayloadError("webhook body is JSON but not an object")
    if data.get("object") == THIN_OBJECT:
        return notification_from(data)
    return event_from(data)


def parse_event_notification(
    payload: bytes,
    sig_header: str | bytes | None,
    secret: str | Sequence[str],
    tolerance: float | None = DEFAULT_WEBHOOK_TOLERANCE,
) -> EventNotification:
    """Verify a thin event delivery and return its :class:`EventNotification` (unbound).

    The signature rules and errors are :func:`.events.construct_event`'s; a snapshot event
    (``object: event``) is refused with :class:`InvalidPayloadError` (use ``construct_event``).
    """
    verify_header(payload, sig_header, secret, tolerance)
    parsed = parse_delivery(payload)
    if not isinstance(parsed, EventNotification):
        raise InvalidPayloadError(
            "webhook body is a snapshot event (object 'event'), not a thin event notification: "
            "use construct_event, or a WebhookRouter for both"
        )
    return parsed
