"""OpenTelemetry spans for API calls and webhook deliveries (``lattice-stripe[otel]``).

OpenTelemetry is imported on the first traced call or delivery, so ``import lattice_stripe``
and an untraced client never load it. Attributes follow OpenTelemetry's HTTP client
conventions. Span names and attributes hold the URL *template* (``/v1/customers/{customer}``),
never an id from the path, a query string, params, headers or the API key.

Per call: an INTERNAL span ``stripe <call path>`` (``stripe customers.retrieve``) with the
outcome of the whole call, and a CLIENT span ``<METHOD> <template>`` per attempt as its child.
Per webhook delivery: a SERVER span ``stripe webhook <event type>``.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import InvalidArgumentError
from ..version import SDK_VERSION

if TYPE_CHECKING:
    from collections.abc import Mapping

    from opentelemetry import trace

    from ..http.operation import Operation

Tracing = Any
"""What ``tracing=`` accepts: True (the global tracer provider) or a ``TracerProvider``."""

_SCOPE = "lattice_stripe"


def check_tracing(where: str, tracing: object) -> None:
    if not (tracing is None or isinstance(tracing, bool) or hasattr(tracing, "get_tracer")):
        raise InvalidArgumentError(
            f"{where}: tracing must be True, False or an OpenTelemetry TracerProvider, "
            f"got {type(tracing).__name__}"
        )


def tracer_for(tracing: Tracing) -> trace.Tracer:
    from opentelemetry import trace

    provider = None if tracing is True else tracing
    return trace.get_tracer(_SCOPE, SDK_VERSION, tracer_provider=provider)


@functools.cache
def _url_templates() -> dict[str, str]:
    """operationId -> the spec's path template, from the generated manifest (read once)."""
    manifest = importlib.import_module("..._manifest", __package__)
    return {info.operation_id: info.path for info in manifest.OPERATIONS}


def _error_type(status: int | None, error: BaseException | None) -> str | None:
    if status is not None and status >= 400:
        return str(status)
    return type(error).__name__ if error is not None else None


class CallTrace:
    """The spans of one API call: started with the call, one child per attempt."""

    def __init__(self, tracer: trace.Tracer, op: Operation[Any], method: str, url: str, account: str | None):
        from opentelemetry import trace

        parts = urlsplit(url)
        template = _url_templates().get(op.operation_id, op.path_format)
        self._tracer = tracer
        self._name = f"{method} {template}"
        self._attributes: dict[str, Any] = {
            "http.request.method": method,
            "url.template": template,
            "server.address": parts.hostname or "",
            "stripe.operation_id": op.operation_id,
        }
        if parts.port:
            self._attributes["server.port"] = parts.port
        if account:
            self._attributes["stripe.account"] = account
        self._span = tracer.start_span(f"stripe {op.call_path}", kind=trace.SpanKind.INTERNAL)
        self._span.set_attributes(self._attributes)
        self._context = trace.set_span_in_context(self._span)
        self._attempt: trace.Span | None = None

    def attempt(self, number: int) -> None:
        from opentelemetry import trace

        self._attempt = self._tracer.start_span(
            self._name, context=self._context, kind=trace.SpanKind.CLIENT, attributes=self._attributes
        )
        if number > 1:
            self._attempt.set_attribute("http.request.resend_count", number - 1)

    def attempted(
        self, status: int | None, headers: Mapping[str, str] | None, error: BaseException | None
    ) -> None:
        span, self._attempt = self._attempt, None
        if span is not None:
            _outcome(span, status, headers, error)
            span.end()

    def finished(
        self,
        attempts: int,
        status: int | None,
        headers: Mapping[str, str] | None,
        error: BaseException | None,
    ) -> None:
        self.attempted(status, headers, error)
        self._span.set_attribute("stripe.retry_count", attempts - 1)
        _outcome(self._span, status, headers, error)
        self._span.end()


def _outcome(
    span: trace.Span, status: int | None, headers: Mapping[str, str] | None, error: BaseException | None
) -> None:
    if status is not None:
        span.set_attribute("http.response.status_code", status)
    request_id = headers.get("request-id") if headers is not None else None
    if request_id:
        span.set_attribute("stripe.request_id", request_id)
    from opentelemetry import trace

    error_type = _error_type(status, error)
    if error_type is not None:
        span.set_attribute("error.type", error_type)
        span.set_status(trace.StatusCode.ERROR, error_type)


class DeliveryTrace:
    """The span of one webhook delivery: its event, whether the ledger had it, the outcome."""

    def __init__(self, tracer: trace.Tracer, event_type: str, event_id: str) -> None:
        from opentelemetry import trace

        self._span = tracer.start_span(
            f"stripe webhook {event_type}",
            kind=trace.SpanKind.SERVER,
            attributes={"stripe.event.type": event_type, "stripe.event.id": event_id},
        )

    def finished(self, status: int, outcome: str, ledger_hit: bool | None) -> None:
        self._span.set_attribute("stripe.webhook.outcome", outcome)
        self._span.set_attribute("http.response.status_code", status)
        if ledger_hit is not None:
            self._span.set_attribute("stripe.webhook.ledger_hit", ledger_hit)
        if status >= 500:
            from opentelemetry import trace

            self._span.set_status(trace.StatusCode.ERROR, outcome)
        self._span.end()
