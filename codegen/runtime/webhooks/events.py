"""Webhook signature verification and typed events.

Stripe signs each delivery with ``Stripe-Signature: t=<unix time>,v1=<hex>[,v1=<hex>...]``
where each ``v1`` is ``HMAC-SHA256(secret, f"{t}.{raw body}")``. :func:`construct_event`
checks that header against the raw body bytes and returns a :class:`WebhookEvent` whose
``data.object`` is the generated model named by its ``object`` field.

Errors (all :class:`WebhookError`, so one ``except`` catches every bad delivery):

- :class:`MissingSignatureError`: no header, or an empty one.
- :class:`MalformedSignatureError`: not ``key=value`` pairs, no ``t``, several ``t``, or a
  ``t`` that is not a plain integer.
- :class:`NoMatchingSignatureError`: no ``v1`` signature matches any of the secrets
  (including a header with only ``v0`` or other schemes).
- :class:`TimestampOutsideToleranceError`: ``t`` further than ``tolerance`` seconds from
  now, in the past or in the future.
- :class:`InvalidPayloadError`: the signature is good but the body is not a JSON event.

The first four are :class:`SignatureVerificationError`: the request cannot be trusted.
Passing something other than bytes as the payload (a parsed dict, a decoded ``str``) is a
programming error and raises :class:`~.errors.InvalidArgumentError` before anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ..errors import InvalidArgumentError, StripeError
from ..objects.models import StripeObject, structurer_for
from ..objects.secrets import mask
from ..objects.shapes import AnyObject, Model
from . import DEFAULT_WEBHOOK_TOLERANCE

if TYPE_CHECKING:
    from ..._events import EventFamily, EventType
    from ...models import NotificationEventRequest


class UnknownEventType(str):
    """An event type this SDK version's spec does not list, spelt out on purpose:
    ``hooks.on(UnknownEventType("invoice.new_thing"))``. A plain string must be one the spec
    lists (``EventType``), so a type checker refuses a misspelt one."""

    __slots__ = ()


# Bounds, not unions, in the signatures below: mypy then reports a wrong name in one short
# line ("Value of type variable ... cannot be "Literal['invoice.payed']"") where a union
# parameter would print every event type the spec lists.
ListedType = TypeVar("ListedType", bound="EventType | UnknownEventType")
TypePattern = TypeVar("TypePattern", bound="EventType | EventFamily | UnknownEventType")

SCHEME = "v1"
_TIMESTAMP = re.compile(r"[0-9]{1,15}")  # ASCII digits only; 15 digits is far beyond any real date


class WebhookError(StripeError):
    """Base of every error :func:`construct_event` raises for a bad delivery (answer 400)."""


class SignatureVerificationError(WebhookError):
    """The ``Stripe-Signature`` header does not prove that Stripe sent this body."""


class MissingSignatureError(SignatureVerificationError):
    """No ``Stripe-Signature`` header, or an empty one."""


class MalformedSignatureError(SignatureVerificationError):
    """The header is not ``t=<integer>,v1=<hex>...``."""


class NoMatchingSignatureError(SignatureVerificationError):
    """No ``v1`` signature in the header matches the body under any of the secrets."""


class TimestampOutsideToleranceError(SignatureVerificationError):
    """The signed timestamp is too old (a replay) or too far in the future (clock skew)."""

    def __init__(self, message: str, *, timestamp: int, now: int, tolerance: float) -> None:
        super().__init__(message)
        self.timestamp = timestamp
        self.now = now
        self.tolerance = tolerance


class InvalidPayloadError(WebhookError, ValueError):
    """The signature is valid but the body is not a JSON Stripe event."""


# -- typed events ---------------------------------------------------------------------------


@attrs.define(kw_only=True, weakref_slot=False)
class WebhookEventData(StripeObject):
    """The event's ``data``: the typed object, and what changed for ``*.updated`` events."""

    __stripe_fields__ = (
        ("object", "object", True, AnyObject()),
        ("previous_attributes", "previous_attributes", False, None),
    )

    object: StripeObject
    """The resource as a generated model (``Charge``, ``Invoice``, ``DeletedCustomer``...);
    an :class:`UnknownObject` when this SDK version does not know its ``object`` type."""

    previous_attributes: dict[str, Any] | None = attrs.field(default=None, repr=mask)
    """For ``*.updated`` events: the changed fields' previous values, as sent (any may be a
    secret, an old ``client_secret``: the repr shows the keys only)."""


@attrs.define(kw_only=True, weakref_slot=False)
class WebhookEvent(StripeObject):
    """A verified event, as delivered to a webhook endpoint (``Event`` with a typed object)."""

    __stripe_object__ = "event"
    __stripe_fields__ = (
        ("account", "account", False, None),
        ("api_version", "api_version", False, None),
        ("created", "created", True, None),
        ("data", "data", True, Model(WebhookEventData)),
        ("id", "id", True, None),
        ("livemode", "livemode", True, None),
        ("object", "object", True, None),
        ("pending_webhooks", "pending_webhooks", True, None),
        ("request", "request", False, Model("NotificationEventRequest")),
        ("type", "type", True, None),
    )

    account: str | None = None
    api_version: str | None = None
    created: int
    data: WebhookEventData
    id: str
    livemode: bool
    object: str
    pending_webhooks: int
    request: NotificationEventRequest | None = None
    type: EventType | str
    """The event type; one of :data:`EventType` unless Stripe added it after this version."""

    @property
    def known_type(self) -> bool:
        """Whether this SDK version's spec lists the event type."""
        from ..._events import EVENT_TYPES

        return self.type in EVENT_TYPES

    def is_type(self, *types: ListedType) -> bool:
        """Whether the event is one of ``types``; a type checker refuses a misspelt type
        (``event.type == "..."`` cannot: ``EventType | str`` accepts any string). A type
        newer than this SDK version: ``UnknownEventType("...")``."""
        return self.type in types


def _structure_event(data: dict[str, Any]) -> WebhookEvent:
    event: WebhookEvent = structurer_for(WebhookEvent)(data)
    return event


# -- signatures -----------------------------------------------------------------------------


def compute_signature(payload: bytes, secret: str, timestamp: int | str) -> str:
    """The ``v1`` signature Stripe computes: hex HMAC-SHA256 of ``f"{timestamp}.{payload}"``."""
    signed = str(timestamp).encode("ascii") + b"." + payload
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def generate_test_header(
    payload: bytes | str,
    secret: str,
    timestamp: int | None = None,
    *,
    scheme: str = SCHEME,
) -> str:
    """A ``Stripe-Signature`` header for ``payload``, for testing your own handlers.

    ``timestamp`` defaults to now; a ``str`` payload is signed as its UTF-8 bytes.
    """
    raw = payload.encode("utf-8") if isinstance(payload, str) else _raw_bytes(payload)
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={ts},{scheme}={compute_signature(raw, check_secrets(secret)[0], ts)}"


def _raw_bytes(payload: object) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, (bytearray, memoryview)):
        return bytes(payload)
    if isinstance(payload, str):
        raise InvalidArgumentError(
            "construct_event needs the raw request body as bytes, not a decoded str: "
            "decoding and re-encoding can change the bytes Stripe signed "
            "(use request.body / await request.body() / request.get_data())"
        )
    raise InvalidArgumentError(
        f"construct_event needs the raw request body as bytes, got {type(payload).__name__}: "
        "a parsed body cannot be verified, because Stripe signs the exact bytes it sent"
    )


def check_secrets(secret: str | Sequence[str]) -> list[str]:
    secrets = [secret] if isinstance(secret, str) else list(secret) if isinstance(secret, Sequence) else []
    if not secrets or not all(isinstance(s, str) and s for s in secrets):
        raise InvalidArgumentError(
            "secret must be a non-empty endpoint signing secret (whsec_...) or a list of them"
        )
    return secrets


def check_tolerance(tolerance: float | None) -> None:
    """A tolerance is a non-negative number of seconds (or None: no timestamp check)."""
    if tolerance is not None and (
        isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance
    ):
        raise InvalidArgumentError("tolerance must be a non-negative number of seconds, or None")


def _parse_header(sig_header: str | bytes | None) -> tuple[str, list[str]]:
    """``(timestamp digits, v1 signatures)``; other schemes (``v0``) are ignored."""
    if isinstance(sig_header, bytes):
        sig_header = sig_header.decode("latin-1")
    if sig_header is None or not isinstance(sig_header, str) or not sig_header.strip():
        raise MissingSignatureError("no Stripe-Signature header")
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in sig_header.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise MalformedSignatureError("Stripe-Signature is not a list of key=value pairs")
        if key == "t":
            timestamps.append(value)
        elif key == SCHEME:
            signatures.append(value)
    if len(timestamps) != 1:
        what = "no timestamp (t=)" if not timestamps else "more than one timestamp (t=)"
        raise MalformedSignatureError(f"Stripe-Signature has {what}")
    if not _TIMESTAMP.fullmatch(timestamps[0]):
        raise MalformedSignatureError("Stripe-Signature timestamp (t=) is not a Unix time in seconds")
    return timestamps[0], signatures


def verify_header(
    payload: bytes,
    sig_header: str | bytes | None,
    secret: str | Sequence[str],
    tolerance: float | None = DEFAULT_WEBHOOK_TOLERANCE,
) -> None:
    """Raise a :class:`SignatureVerificationError` unless the header signs ``payload``."""
    raw = _raw_bytes(payload)
    secrets = check_secrets(secret)
    check_tolerance(tolerance)
    timestamp, signatures = _parse_header(sig_header)
    if not signatures:
        raise NoMatchingSignatureError(f"Stripe-Signature has no {SCHEME} signature")
    candidates = [s.encode("ascii") for s in signatures if s.isascii()]
    matched = False
    for key in secrets:
        expected = compute_signature(raw, key, timestamp).encode("ascii")
        for candidate in candidates:  # compare all: no early exit that timing could reveal
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise NoMatchingSignatureError(
            "no signature in Stripe-Signature matches the payload: is this the endpoint's "
            "signing secret, and is the payload the raw, unmodified request body?"
        )
    now = int(time.time())
    if tolerance is not None and abs(now - int(timestamp)) > tolerance:
        raise TimestampOutsideToleranceError(
            f"Stripe-Signature timestamp {timestamp} is {now - int(timestamp)}s from now "
            f"(tolerance {tolerance}s): a replayed delivery, or a wrong clock",
            timestamp=int(timestamp),
            now=now,
            tolerance=tolerance,
        )


def parse_event(payload: bytes) -> WebhookEvent:
    """Decode a (verified) body into a :class:`WebhookEvent`; :class:`InvalidPayloadError` if not one."""
    try:
        data = json.loads(_raw_bytes(payload))
    except (ValueError, RecursionError) as exc:
        raise InvalidPayloadError(f"webhook body is not JSON: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise InvalidPayloadError("webhook body is JSON but not an object")
    return event_from(data)


def event_from(data: dict[str, Any]) -> WebhookEvent:
    """Structure a decoded snapshot event; :class:`InvalidPayloadError` if it is not one."""
    body = data.get("data")
    if not isinstance(data.get("type"), str) or not isinstance(body, dict):
        raise InvalidPayloadError("webhook body is not a Stripe event (no type or data)")
    if not isinstance(body.get("object"), dict):
        raise InvalidPayloadError("webhook body is not a Stripe event (data.object is not an object)")
    return _structure_event(data)


def construct_event(
    payload: bytes,
    sig_header: str | bytes | None,
    secret: str | Sequence[str],
    tolerance: float | None = DEFAULT_WEBHOOK_TOLERANCE,
) -> WebhookEvent:
    """Verify a webhook delivery and return its typed event.

    ``payload`` is the raw request body (bytes, exactly as received); ``sig_header`` the
    ``Stripe-Signature`` header; ``secret`` the endpoint's signing secret, or a list of them
    while rotating. ``tolerance`` is the largest accepted distance in seconds between the
    signed timestamp and now, in either direction (``None``: no check).
    """
    verify_header(payload, sig_header, secret, tolerance)
    return parse_event(payload)
