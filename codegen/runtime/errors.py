"""One exception hierarchy for everything a Stripe call can raise.

``StripeError`` carries what Stripe said (type, code, decline code, param, message, doc
URL), what HTTP said (status, headers, request id) and the raw body, so nothing is lost
when the body is not the JSON a caller expected.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from ..models import ApiErrors  # type: ignore[import-not-found, unused-ignore]  # as codegen.runtime


class StripeError(Exception):
    """Base of every error raised by this SDK."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        type: str | None = None,
        code: str | None = None,
        decline_code: str | None = None,
        param: str | None = None,
        doc_url: str | None = None,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        error: dict[str, Any] | None = None,
        attempts: int = 1,
        api: str = "v1",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.type = type
        self.code = code
        self.decline_code = decline_code
        self.param = param
        self.doc_url = doc_url
        self.request_id = request_id
        self.headers = dict(headers or {})
        self.body = body
        self.error = error or {}
        self.attempts = attempts
        self.api = api  # "v2": the error has v2's shape, typed from the spec's v2.error* schemas

    @property
    def typed_error(self) -> ApiErrors | Any | None:  # type: ignore[valid-type, unused-ignore]  # a spec without api_errors
        """``error`` as the spec's error object, or None when the body held no error object
        (``error`` keeps the decoded dict). v1: ``lattice_stripe.models.ApiErrors``, with
        ``payment_intent``, ``payment_method``, ``setup_intent`` and ``source`` typed. v2: the
        ``error`` of the ``v2.error.<code>`` schema its ``code`` names (``V2ErrorIdempotencyErrorError``
        for ``idempotency_error``), else of the generic ``v2.error`` (``V2ErrorError``)."""
        if not self.error:
            return None
        models = importlib.import_module("..models", __package__)  # the generated ones
        if self.api == "v2":
            name = models.V2_ERROR_CLASSES.get(self.code) or models.V2_ERROR_CLASSES.get("")
            if name is None:  # a spec without v2 errors
                return None
            return getattr(models, name).from_dict({"error": self.error}).error
        return cast("ApiErrors", models.ApiErrors.from_dict(self.error))  # type: ignore[valid-type, unused-ignore]

    def __str__(self) -> str:
        parts = []
        if self.http_status is not None:
            parts.append(str(self.http_status))
        if self.type:
            parts.append(self.type)
        if self.code:
            parts.append(f"code={self.code}")
        if self.decline_code:
            parts.append(f"decline_code={self.decline_code}")
        if self.param:
            parts.append(f"param={self.param}")
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        if self.attempts > 1:
            parts.append(f"after {self.attempts} attempts")
        prefix = f"[{' '.join(parts)}] " if parts else ""
        return prefix + self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's default re-calls __init__ with the message alone, which fails for
        # subclasses with required keywords; rebuild from the attributes instead.
        return _restore, (type(self), self.message, dict(self.__dict__))


def _restore(cls: type[StripeError], message: str, state: dict[str, Any]) -> StripeError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class APIError(StripeError):
    """Stripe failed (5xx, or an ``api_error``); safe to retry with the same idempotency key."""


class InvalidRequestError(StripeError):
    """The request was wrong: a missing or invalid parameter, or an unknown id (400, 404)."""


class IdempotencyError(InvalidRequestError):
    """An idempotency key was reused with different parameters."""


class CardError(StripeError):
    """The card was declined or cannot be charged (402); see ``decline_code``, and
    ``typed_error.payment_intent`` for the intent it happened on."""


class AuthenticationError(StripeError):
    """The API key is missing, wrong or revoked (401)."""


class PermissionDeniedError(StripeError):
    """The key may not do this (403)."""


class TemporarySessionExpiredError(AuthenticationError):
    """A v2 session token expired (``temporary_session_expired``: the meter event stream's
    session): create a new session (``client.v2.billing.meter_event_session.create()``) and
    send again with its token."""


class RateLimitError(StripeError):
    """Too many requests (429, v2's ``rate_limit``), or a lock timeout (409 ``lock_timeout``)."""


class APIConnectionError(StripeError):
    """No HTTP answer: the connection failed or broke before a response arrived."""


class APITimeoutError(APIConnectionError):
    """The request took longer than its timeout."""


class InvalidArgumentError(StripeError, TypeError):
    """A call was refused before any HTTP: a wrong argument, named with what was expected."""


_BY_TYPE: dict[str, type[StripeError]] = {
    "card_error": CardError,
    "idempotency_error": IdempotencyError,
    "invalid_request_error": InvalidRequestError,
    "api_error": APIError,
    "authentication_error": AuthenticationError,
    "rate_limit_error": RateLimitError,
}
# v2 errors name their class by `type` (a few) or `code`; the rest go by HTTP status.
_BY_V2_KIND: dict[str, type[StripeError]] = {
    "temporary_session_expired": TemporarySessionExpiredError,
    "rate_limit": RateLimitError,
    "idempotency_error": IdempotencyError,
}
_BY_STATUS: dict[int, type[StripeError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: CardError,
    403: PermissionDeniedError,
    404: InvalidRequestError,
    429: RateLimitError,
}


def error_from_response(
    status: int, headers: Mapping[str, str], body: bytes, attempts: int = 1, api: str = "v1"
) -> StripeError:
    """The right exception for a non-2xx answer of a v1 or v2 call, whatever the body holds."""
    error: dict[str, Any] = {}
    try:
        decoded = json.loads(body)
        if isinstance(decoded, dict) and isinstance(decoded.get("error"), dict):
            error = decoded["error"]
    except (ValueError, RecursionError):  # not JSON, or nested too deep to decode
        pass
    kind = error.get("type")
    code = error.get("code")
    v2_kind = _BY_V2_KIND.get(kind if isinstance(kind, str) else "") or _BY_V2_KIND.get(
        code if isinstance(code, str) else ""
    )
    if api == "v2" and v2_kind is not None:
        cls: type[StripeError] = v2_kind
    elif (status == 409 and code == "lock_timeout") or (status == 400 and code == "rate_limit"):
        cls = RateLimitError
    elif status in (401, 403, 429):
        cls = _BY_STATUS[status]
    elif isinstance(kind, str) and kind in _BY_TYPE:
        cls = _BY_TYPE[kind]
    elif status >= 500:
        cls = APIError
    else:
        cls = _BY_STATUS.get(status, InvalidRequestError if 400 <= status < 500 else APIError)
    message = error.get("message")
    if not isinstance(message, str):
        message = _quoting(f"HTTP {status} with a non-Stripe body", body)
    code, decline_code, param, doc_url = (
        _text(error.get(k)) for k in ("code", "decline_code", "param", "doc_url")
    )
    return cls(
        message,
        http_status=status,
        type=kind if isinstance(kind, str) else None,
        code=code,
        decline_code=decline_code,
        param=param,
        doc_url=doc_url,
        request_id=headers.get("request-id") or headers.get("Request-Id"),
        headers=headers,
        body=body,
        error=error,
        attempts=attempts,
        api=api,
    )


def _text(value: Any) -> str | None:
    # A hostile error body may put anything where Stripe puts strings.
    return value if isinstance(value, str) else None


def _quoting(what: str, body: bytes) -> str:
    snippet = body[:200].decode("utf-8", "replace").strip()
    return f"{what}: {snippet!r}" if snippet else what


def unreadable_body(
    status: int, headers: Mapping[str, str], body: bytes, attempts: int, why: str, quote: bool = False
) -> APIError:
    """A 2xx whose body is not the JSON object the operation returns (the body is on ``.body``;
    ``quote`` puts its start in the message, for bodies that cannot hold an object's secrets)."""
    return APIError(
        _quoting(f"HTTP {status} {why}", body) if quote else f"HTTP {status} {why}",
        http_status=status,
        request_id=headers.get("request-id") or headers.get("Request-Id"),
        headers=headers,
        body=body,
        attempts=attempts,
    )
