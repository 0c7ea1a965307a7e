"""OpenTelemetry spans for API calls and webhook deliveries (``lattice-stripe[otel]``).

OpenTelemetry is imported on the first traced call or delivery, so ``import lattice_stripe``
and an untraced client never load it. Attributes follow OpenTelemetry's HTTP client
conventions. Span names and attributes hold the URL *template* (``/v1/customers/{customer}``),
never an id from the path, a query string, params, headers or the API key.

Per call: an INTERNAL span ``stripe <call path>`` (``stripe customers.retrieve``) with the
outcome of the whole call, and a CLIENT span ``<METHOD> <template>`` per attempt as its child.
Per webhook delivery: a SERVER span ``stripe webhook <event type>``, current while the
handler runs, so the handler's own calls are its children. A ``raw_request`` path is
templated too (the spec's template it matches, else ids replaced by ``{id}``).
"""

from __future__ import annotations

import functools
import importlib
import re
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


INSTALL_OTEL = "pip install 'lattice-stripe[otel]'"


def check_tracing(where: str, tracing: object) -> None:
    """At construction: a valid setting, and OpenTelemetry importable when tracing is on (not
    a ``ModuleNotFoundError`` from every later call or delivery)."""
    if not (tracing is None or isinstance(tracing, bool) or hasattr(tracing, "get_tracer")):
        raise InvalidArgumentError(
            f"{where}: tracing must be True, False or an OpenTelemetry TracerProvider, "
            f"got {type(tracing).__name__}",
            param="tracing",
        )
    if tracing:
        try:
            import opentelemetry.trace  # noqa: F401  (imported by the first span anyway)
        except ImportError:
            raise InvalidArgumentError(
                f"{where}: tracing is on but OpenTelemetry is not installed: {INSTALL_OTEL}",
                param="tracing",
            ) from None


def tracer_for(tracing: Tracing) -> trace.Tracer:
    from opentelemetry import trace

    provider = None if tracing is True else tracing
    return trace.get_tracer(_SCOPE, SDK_VERSION, tracer_provider=provider)


@functools.cache
def _url_templates() -> dict[str, str]:
    """operationId -> the spec's path template, from the generated manifest (read once)."""
    manifest = importlib.import_module("..._manifest", __package__)
    return {info.operation_id: info.path for info in manifest.OPERATIONS}


@functools.cache
def _templates_by_depth() -> dict[int, list[list[str]]]:
    by_depth: dict[int, list[list[str]]] = {}
    for template in set(_url_templates().values()):
        segments = template.split("/")
        by_depth.setdefault(len(segments), []).append(segments)
    return by_depth


_WORD = re.compile(r"v\d|[a-z_]+").fullmatch  # a resource or action name; anything else is an id


def raw_template(path: str) -> str:
    """The URL template of a ``raw_request`` path, so that no id reaches a span: the spec's
    template it matches (most literal segments wins), else the path with every segment that
    is not a lowercase name (``cus_1``, ``acct_1Nv0…``) replaced by ``{id}``."""
    segments = path.split("/")
    best, literal = None, -1
    for template in _templates_by_depth().get(len(segments), ()):
        matches = [t == s for t, s in zip(template, segments, strict=True)]
        if (
            all(m or t.startswith("{") for m, t in zip(matches, template, strict=True))
            and sum(matches) > literal
        ):
            best, literal = template, sum(matches)
    if best is not None:
        return "/".join(best)
    return "/".join(s if not s or _WORD(s) else "{id}" for s in segments)


def _error_type(status: int | None, error: BaseException | None) -> str | None:
    if status is not None and status >= 400:
        return str(status)
    return type(error).__name__ if error is not None else None


class CallTrace:
    """The spans of one API call: started with the call, one child per attempt."""

    def __init__(
        self,
        tracer: trace.Tracer,
        op: Operation[Any],
        method: str,
        url: str,
        account: str | None,
        path: str = "",
    ):
        from opentelemetry import trace

        parts = urlsplit(url)
        if op.operation_id == "raw_request":
            template = raw_template(path)
            call_name = f"stripe raw_request {method} {template}"
        else:
            template = _url_templates().get(op.operation_id, op.path_format)
            call_name = f"stripe {op.call_path}"
        self._tracer = tracer
        self._name = f"{method} {template}"
        self._attributes: dict[str, Any] = {
            "http.request.method": method,
            "url.template": template,
            "server.address": parts.hostname or "",
            # Required by the conventions, also when the URL leaves it implicit.
            "server.port": parts.port or (443 if parts.scheme == "https" else 80),
            "stripe.operation_id": op.operation_id,
        }
        if account:
            self._attributes["stripe.account"] = account
        self._span = tracer.start_span(call_name, kind=trace.SpanKind.INTERNAL)
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

    def enter(self) -> object:
        """Make the delivery span current (the handler's own calls become its children)."""
        from opentelemetry import context, trace

        return context.attach(trace.set_span_in_context(self._span))

    def leave(self, token: object) -> None:
        from opentelemetry import context

        context.detach(token)  # type: ignore[arg-type]

    def finished(self, status: int, outcome: str, ledger_hit: bool | None) -> None:
        self._span.set_attribute("stripe.webhook.outcome", outcome)
        self._span.set_attribute("http.response.status_code", status)
        if ledger_hit is not None:
            self._span.set_attribute("stripe.webhook.ledger_hit", ledger_hit)
        if status >= 500:
            from opentelemetry import trace

            self._span.set_status(trace.StatusCode.ERROR, outcome)
        self._span.end()
