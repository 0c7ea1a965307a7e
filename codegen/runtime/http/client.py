"""The request pipeline shared by every generated resource: build, send (with retries), parse.

``SyncBaseClient`` and ``AsyncBaseClient`` differ only in how they send and sleep; request
building, the retry decision, error mapping and response handling are shared, so both
clients behave identically.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload
from urllib.parse import quote, unquote, urlsplit

from ..errors import (
    APIConnectionError,
    InvalidArgumentError,
    StripeError,
    error_from_response,
    unreadable_body,
)
from ..flows import drive, drive_async
from ..objects.secrets import mask, printable
from ..version import SDK_VERSION
from ..webhooks import DEFAULT_WEBHOOK_TOLERANCE
from .config import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    ClientConfig,
    PreparedRequest,
    _api_version,
    _files_url_for,
    _meter_events_url_for,
)
from .encoding import encode, encode_v2_query, flatten
from .options import check_no_controls, check_request_options

# Importing this module (what `from lattice_stripe import StripeClient` does) and building a
# client load neither attrs nor the models, shapes, pages, hooks or retry modules: those are
# imported by the calls that need them (the first request loads them once).
if TYPE_CHECKING:
    import httpx
    from typing_extensions import Self, Unpack

    from ..objects.models import StripeObject
    from ..objects.pages import (
        AsyncListObject,
        AsyncSearchResult,
        AsyncV2ListObject,
        ListObject,
        SearchResult,
        V2ListObject,
    )
    from ..objects.response import Call, RawResponse
    from ..observability.observe import Hooks, Observer, RequestHook, ResponseHook
    from ..observability.tracing import CallTrace
    from ..webhooks.events import WebhookEvent
    from ..webhooks.notifications import EventNotification
    from .batch import Outcome
    from .meter_stream import AsyncMeterEventStream, FailedBatch, MeterEventStream
    from .operation import Operation
    from .options import ClientOptions, RequestOptions
    from .retry import RetryPolicy, RetryStrategy

T = TypeVar("T")
HttpT = TypeVar("HttpT")  # httpx.Client or httpx.AsyncClient

_DOT_SEGMENTS = frozenset({".", ".."})
OBSERVE_LOGGER = "lattice_stripe"  # observe.logger's name, checked here without loading observe
MAX_URL_LENGTH = 16_384  # far above any real call; httpx refuses 65,536 only while sending


_observe_logger: Any = None


def _logging_on() -> bool:
    global _observe_logger
    if _observe_logger is None:
        import logging  # loaded by httpx anyway; not by constructing a client

        _observe_logger = logging.getLogger(OBSERVE_LOGGER)
    return bool(_observe_logger.isEnabledFor(20))  # logging.INFO


def _idempotency_key() -> str:
    from uuid import uuid4

    return str(uuid4())


def _user_agent() -> str:
    return f"lattice-stripe/{SDK_VERSION} python/{'.'.join(map(str, sys.version_info[:3]))}"


class _Pool:
    """What a client and every client derived from it share: the one httpx client, and the
    hooks (made on first use, so a client nobody observes never loads them)."""

    def __init__(self, http: Any, owned: bool) -> None:
        self.http = http
        self.owned = owned  # a caller-supplied httpx client is the caller's to close
        self.lock = threading.Lock()
        self.loop: object = None  # async: the event loop a caller's http_client belongs to
        self.loops: dict[Any, tuple[Any, Any]] = {}  # async, owned: loop -> (its pool, its closer)
        self.hooks: Hooks | None = None

    def shared_hooks(self) -> Hooks:
        hooks = self.hooks
        if hooks is None:
            from ..observability.observe import Hooks

            with self.lock:
                if self.hooks is None:
                    self.hooks = Hooks()
                hooks = self.hooks
        return hooks


class _ClientCore(Generic[HttpT]):
    """Configuration, request building and response handling shared by both clients.

    Args:
        api_key: secret or restricted key; shown masked in every repr.
        stripe_account: default ``Stripe-Account`` (a per-request ``stripe_account`` wins).
        stripe_context: default ``Stripe-Context``, v2's connected-account header (a
            per-request ``stripe_context`` wins).
        api_version: ``Stripe-Version``; defaults to the version the package was generated for.
        base_url / files_base_url: API host and upload host; uploads follow ``base_url``
            unless it is Stripe's own (``files.stripe.com``) or ``files_base_url`` is given.
        meter_events_base_url: the host of ``v2.billing.meter_event_stream``; follows
            ``base_url`` as uploads do (Stripe's own: ``meter-events.stripe.com``).
        max_retries: retries after the first attempt (per request: ``max_retries=``).
        timeout: seconds per attempt (per request: ``timeout=``).
        retry_policy: backoff settings (:class:`~.retry.RetryPolicy`).
        retry_strategy: decides retries instead of ``retry_policy`` (per request:
            ``retry_strategy=``); see :data:`~.retry.RetryStrategy`.
        strict_guards: raise guard warnings (``GuardWarning``) as errors.
        tracing: True (the global tracer provider) or a ``TracerProvider``: OpenTelemetry
            spans per call and attempt (needs ``lattice-stripe[otel]``).
        http_client: an ``httpx.Client`` / ``httpx.AsyncClient`` to send with; the caller
            keeps ownership (closing this client leaves it open).
    """

    is_async = False

    def __init__(
        self,
        api_key: str,
        *,
        stripe_account: str | None = None,
        api_version: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        files_base_url: str | None = None,
        meter_events_base_url: str | None = None,
        stripe_context: str | None = None,
        max_retries: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        retry_policy: RetryPolicy | None = None,
        strict_guards: bool = False,
        http_client: HttpT | None = None,
        retry_strategy: RetryStrategy | None = None,
        tracing: Any = False,
    ) -> None:
        self._config = ClientConfig(
            api_key=api_key,
            stripe_account=stripe_account,
            api_version=api_version or _api_version(),
            base_url=base_url,
            files_base_url=_files_url_for(base_url) if files_base_url is None else files_base_url,
            meter_events_base_url=(
                _meter_events_url_for(base_url) if meter_events_base_url is None else meter_events_base_url
            ),
            stripe_context=stripe_context,
            max_retries=max_retries,
            timeout=timeout,
            retry_policy=retry_policy,
            strict_guards=strict_guards,
            retry_strategy=retry_strategy,
            tracing=tracing,
        )
        self._user_agent = _user_agent()
        self._pool = _Pool(http_client, owned=http_client is None)
        self._owns_pool = True

    if not TYPE_CHECKING:  # a type checker must still refuse unknown names

        def __getattr__(self, name: str) -> Any:
            """Runs only when the attribute is missing: it names what was probably meant."""
            from .resource import no_attribute

            no_attribute(self, name)

    @property
    def config(self) -> ClientConfig:
        return self._config

    def construct_event(
        self,
        payload: bytes,
        sig_header: str | None,
        secret: str | Sequence[str],
        tolerance: float | None = DEFAULT_WEBHOOK_TOLERANCE,
    ) -> WebhookEvent:
        """Verify a webhook delivery and return its typed event (see ``webhooks.construct_event``)."""
        from ..webhooks.events import construct_event

        return construct_event(payload, sig_header, secret, tolerance)

    def parse_event_notification(
        self,
        payload: bytes,
        sig_header: str | None,
        secret: str | Sequence[str],
        tolerance: float | None = DEFAULT_WEBHOOK_TOLERANCE,
    ) -> EventNotification:
        """Verify a thin event delivery and return its notification, whose ``fetch_event`` and
        ``fetch_related_object`` go through this client (see ``webhooks.notifications``)."""
        from ..webhooks.notifications import parse_event_notification

        return parse_event_notification(payload, sig_header, secret, tolerance).bind(self)

    def __repr__(self) -> str:
        c = self._config
        account = f", stripe_account={c.stripe_account!r}" if c.stripe_account else ""
        return (
            f"{type(self).__name__}(api_key={mask(c.api_key)}, base_url={c.base_url!r}, "
            f"api_version={c.api_version!r}{account})"
        )

    # -- configuration ------------------------------------------------------------------

    def with_options(self, **changes: Unpack[ClientOptions]) -> Self:
        """A client with some settings changed that shares this one's connection pool and
        hooks (closing the derived client leaves the pool open)."""
        old = self._config
        if (
            "base_url" in changes
            and "files_base_url" not in changes
            and (old.files_base_url == _files_url_for(old.base_url))
        ):  # uploads kept following base_url: keep following it
            changes["files_base_url"] = _files_url_for(changes["base_url"])
        if (
            "base_url" in changes
            and "meter_events_base_url" not in changes
            and (old.meter_events_base_url == _meter_events_url_for(old.base_url))
        ):  # the same for the meter event stream
            changes["meter_events_base_url"] = _meter_events_url_for(changes["base_url"])
        try:
            config = self._config.replace(**changes)
        except InvalidArgumentError:
            raise
        except TypeError as exc:
            raise InvalidArgumentError(f"with_options: {exc}") from None
        derived = object.__new__(type(self))
        # Copy the client's state but not resources cached on it: they hold the old client.
        cls = type(self)
        derived.__dict__.update(
            (name, value)
            for name, value in self.__dict__.items()
            if not isinstance(getattr(cls, name, None), functools.cached_property)
        )
        derived._config = config
        derived._owns_pool = False
        return derived

    def on_request(self, hook: RequestHook) -> RequestHook:
        """Call ``hook(RequestEvent)`` before every attempt (usable as a decorator)."""
        self._pool.shared_hooks().on_request.append(hook)
        return hook

    def on_response(self, hook: ResponseHook) -> ResponseHook:
        """Call ``hook(ResponseEvent)`` after every attempt (usable as a decorator)."""
        self._pool.shared_hooks().on_response.append(hook)
        return hook

    # -- building ----------------------------------------------------------------------

    def prepare(
        self,
        op: Operation[Any],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> PreparedRequest:
        """Everything needed to send a call; raises before any HTTP if an argument is wrong."""
        op.check(params)
        if options:
            check_request_options(op.call_path, options, op.kinds)
        config = self._config
        segments = []
        for index, value in enumerate(path_args):
            # "." and ".." are refused, not escaped: URL normalisation would turn
            # POST /v1/customers/. into POST /v1/customers (a create).
            if not isinstance(value, str) or not value or value in _DOT_SEGMENTS:
                name = self._path_param(op.call_path, index)
                shown = "an empty string or a dot segment" if isinstance(value, str) else type(value).__name__
                raise InvalidArgumentError(
                    f"{op.call_path}: {name} must be a non-empty id string, got {shown}", param=name
                )
            # safe="" escapes "/", "?", "#" and "%": an id can never leave its path segment.
            segments.append(quote(value, safe=""))
        path = op.path_format.format(*segments)
        base = op.base
        host = (
            config.base_url
            if base == "api"
            else config.files_base_url
            if base == "files"
            else config.meter_events_base_url
        )
        url = host + path
        headers = {
            "Authorization": f"Bearer {config.api_key}",
            "Stripe-Version": options.get("stripe_version") or config.api_version,
            "User-Agent": self._user_agent,
            "Accept": "application/json",
        }
        account = options.get("stripe_account") or config.stripe_account
        if account:
            headers["Stripe-Account"] = account
        context = options.get("stripe_context") or config.stripe_context
        if context:
            headers["Stripe-Context"] = context
        content: bytes | None = None
        files: list[tuple[str, Any]] | None = None
        data: dict[str, str] | None = None
        try:
            if op.method == "post" or (op.api == "v2" and op.method == "delete"):
                # Generated once here, so every retry of this request replays the same key.
                headers["Idempotency-Key"] = options.get("idempotency_key") or _idempotency_key()
            if op.method == "post":
                if op.encoding == "multipart":
                    files, data = _multipart(params)
                elif op.encoding == "json":  # the v2 API (raw_request)
                    content = _json_body(params)
                    headers["Content-Type"] = "application/json"
                else:
                    content = encode(params, op.clearable).encode("ascii")
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                if options.get("idempotency_key"):
                    headers["Idempotency-Key"] = options["idempotency_key"]
                query = encode_v2_query(params) if op.api == "v2" else encode(params, op.clearable)
                if query:
                    url += "?" + query
        except InvalidArgumentError as exc:
            raise InvalidArgumentError(f"{op.call_path}: {exc.message}", param=exc.param) from None
        if len(url) > MAX_URL_LENGTH:
            raise InvalidArgumentError(
                f"{op.call_path}: the request URL would be {len(url)} characters, over "
                f"{MAX_URL_LENGTH}: an id or query parameter (expand?) is far too long"
            )
        return PreparedRequest(
            method=op.method.upper(),
            url=url,
            path=path,
            headers=headers,
            content=content,
            files=files,
            data=data,
            timeout=float(options.get("timeout", config.timeout)),
            max_retries=options.get("max_retries", config.max_retries),
            retry_strategy=options.get("retry_strategy") or config.retry_strategy,
        )

    # -- raw requests ------------------------------------------------------------------

    def _path_param(self, call_path: str, index: int) -> str:
        """The name of a method's ``index``-th path parameter, read from its signature (only
        for an error: operations carry their paths without names)."""
        import inspect

        method: Any = self
        for part in call_path.split("."):
            method = getattr(method, part, None)
        if not callable(method):
            return "path parameter"
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        names = [p.name for p in inspect.signature(method).parameters.values() if p.kind in kinds]
        return names[index] if index < len(names) else "path parameter"

    def _raw_call(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        encoding: str | None,
        base_url: str | None,
        api_key: str | None,
    ) -> tuple[Self, Operation[Any]]:
        """The client and the ad-hoc operation ``raw_request`` sends through the usual pipeline."""
        from ..objects.shapes import RAW_RESULT
        from .operation import Operation

        verb = method.lower() if isinstance(method, str) else method
        if verb not in ("get", "post", "delete"):
            raise InvalidArgumentError(
                f"raw_request: method must be 'get', 'post' or 'delete', got {method!r}"
            )
        if not isinstance(path, str) or not path.startswith("/") or "?" in path or "#" in path:
            raise InvalidArgumentError(
                "raw_request: path must start with '/' and carry no query (pass params=), got "
                f"{printable(path) if isinstance(path, str) else type(path).__name__}",
                param="path",
            )
        check_no_controls("raw_request: path", path)
        # The path is sent as given: a "." or ".." segment (also percent-encoded) would be
        # resolved by the transport into another endpoint, so it is refused instead.
        if any(unquote(segment) in _DOT_SEGMENTS for segment in path.split("/")):
            raise InvalidArgumentError(
                "raw_request: path may not contain '.' or '..' segments (they would send the "
                f"request to another path), got {path}",
                param="path",
            )
        if params is not None and not isinstance(params, Mapping):
            raise InvalidArgumentError(f"raw_request: params must be a dict, got {type(params).__name__}")
        if encoding is None:
            encoding = "json" if path.startswith("/v2/") else "form"
        if encoding not in ("form", "json"):
            raise InvalidArgumentError(f"raw_request: encoding must be 'form' or 'json', got {encoding!r}")
        changes: dict[str, Any] = {}
        if base_url is not None:
            changes["base_url"] = base_url
        if api_key is not None:
            changes["api_key"] = api_key
        client = self.with_options(**changes) if changes else self
        # Braces are doubled: the path is sent as given, never formatted.
        path_format = path.replace("{", "{{").replace("}", "}}")
        op: Operation[Any] = Operation(
            "raw_request",
            f"raw_request {verb.upper()} {path}",
            verb,
            path_format,
            RAW_RESULT,
            encoding=encoding,
            api="v2" if path.startswith("/v2/") else "v1",
        )
        return client, op

    # -- deciding ----------------------------------------------------------------------

    def _observer(self, op: Operation[Any], prepared: PreparedRequest) -> Observer | None:
        if self._pool.hooks is None and not _logging_on():
            return None  # nobody listens: the observe module (attrs events) is never loaded
        from ..observability.observe import observer_for

        headers = prepared.headers
        return observer_for(
            self._pool.shared_hooks(),
            op.operation_id,
            prepared.method,
            prepared.path,
            headers.get("Idempotency-Key"),
            headers.get("Stripe-Account"),
        )

    def _connection_error(
        self, exc: Exception, prepared: PreparedRequest, attempt: int
    ) -> tuple[StripeError, bool, BaseException | None]:
        """The SDK error for a transport failure (see :func:`transport.transport_error`)."""
        from .transport import transport_error

        host = urlsplit(prepared.url)
        where = f"{prepared.method} {host.scheme}://{host.netloc}{prepared.path}"  # which host failed
        return transport_error(exc, where, prepared.timeout, prepared.headers, prepared.url, attempt)

    def _attempts(
        self, call: Call, finish: Callable[[Call, int, Any, bytes, int], Any]
    ) -> Generator[PreparedRequest | float, Any, Any]:
        """The retry loop without I/O: yields the request to send (and is sent the
        ``httpx.Response``, or has the ``httpx.RequestError`` or attempt timeout thrown in) or
        the seconds to sleep; returns ``finish(...)``. The sync and async clients only carry
        out the steps."""
        import httpx

        from .transport import attempt_timeouts, release

        failed_attempt: tuple[type[Exception], ...] = (httpx.RequestError, *attempt_timeouts())
        op = call.op
        prepared = self.prepare(op, call.path_args, call.params, call.options)
        observer = self._observer(op, prepared)
        traced = self._trace(op, prepared)
        attempt, status, headers = 0, None, None
        failure: BaseException | None = None
        try:
            while True:
                attempt += 1
                if observer is not None:
                    observer.sending(attempt)
                if traced is not None:
                    traced.attempt(attempt)
                error: StripeError | None = None
                status = headers = delay = None
                broken: Exception | None = None  # the retry strategy's failure, if it failed
                try:
                    response = yield prepared
                except failed_attempt as exc:
                    error, transient, cause = self._connection_error(exc, prepared, attempt)
                    delay, broken = self._retry_delay(prepared, op, attempt, error=error, transient=transient)
                    if delay is None:
                        raise error from broken or cause
                else:
                    status, headers = response.status_code, response.headers
                    if status >= 300:
                        delay, broken = self._retry_delay(
                            prepared, op, attempt, status=status, headers=headers
                        )
                    if delay is None:
                        body = response.content
                        release(response)
                        del response
                        try:
                            return finish(call, status, headers, body, attempt)
                        except StripeError as failed:
                            if broken is None:
                                raise
                            raise failed from broken  # the answer it was asked about, not lost
                finally:
                    if observer is not None and (error is not None or status is not None):
                        observer.received(attempt, status, headers, error, delay)
                if traced is not None:
                    traced.attempted(status, headers, error)
                yield delay
        except BaseException as exc:
            failure = exc
            raise
        finally:
            if traced is not None:
                traced.finished(attempt, status, headers, failure)

    def _retry_delay(
        self, prepared: PreparedRequest, op: Operation[Any], attempt: int, **outcome: Any
    ) -> tuple[float | None, Exception | None]:
        """The strategy's answer while the budget lasts, and the strategy's failure if it
        raised or answered anything but 0 to ``MAX_RETRY_DELAY`` seconds or None (then no
        retry: the caller gets this attempt's error, caused by the failure)."""
        if attempt > prepared.max_retries:
            return None, None
        from .retry import RetryAttempt, checked_delay

        failed = RetryAttempt(attempt, prepared.max_retries, op.operation_id, prepared.method, **outcome)
        try:
            return checked_delay((prepared.retry_strategy or self._config.retry_policy)(failed)), None
        except Exception as exc:
            import logging

            logging.getLogger(OBSERVE_LOGGER).error(
                "%s %s: the retry strategy failed (%s); not retrying",
                prepared.method,
                prepared.path,
                type(exc).__name__,
                exc_info=True,
            )
            return None, exc

    def _trace(self, op: Operation[Any], prepared: PreparedRequest) -> CallTrace | None:
        if not self._config.tracing:
            return None
        from ..observability.tracing import CallTrace, tracer_for

        account = prepared.headers.get("Stripe-Account")
        tracer = tracer_for(self._config.tracing)
        return CallTrace(tracer, op, prepared.method, prepared.url, account, prepared.path)

    # -- parsing -----------------------------------------------------------------------

    @staticmethod
    def parse(op: Operation[T], status: int, headers: Mapping[str, str], body: bytes, attempts: int = 1) -> T:
        if status >= 300:
            raise error_from_response(status, headers, body, attempts, op.api)
        from ..objects.shapes import Binary

        if isinstance(op.shape, Binary):
            return body  # type: ignore[return-value]
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise error_from_response(status, headers, body, attempts, op.api) from exc
        except RecursionError:
            raise unreadable_body(status, headers, body, attempts, "with JSON nested too deep") from None
        if not isinstance(data, dict):  # every Stripe answer is an object; quoting it is safe
            raise unreadable_body(
                status, headers, body, attempts, "with a JSON body that is not an object", True
            )
        try:
            return op.structure(data)
        except RecursionError:
            raise unreadable_body(status, headers, body, attempts, "with JSON nested too deep") from None
        except Exception as exc:  # a body no Stripe version sends: an APIError, never a raw TypeError
            # Neither the body nor the exception is quoted: both may hold a client_secret.
            why = f"with an object that does not fit {op.call_path}'s result ({type(exc).__name__})"
            raise unreadable_body(status, headers, body, attempts, why) from None

    def _result(self, call: Call, status: int, headers: Mapping[str, str], body: bytes, attempts: int) -> Any:
        from ..objects.models import StripeObject
        from ..objects.response import ResponseMeta

        result = self.parse(call.op, status, headers, body, attempts)
        if isinstance(result, StripeObject):
            result._last_response = ResponseMeta(status, headers, attempts, call)
        return result

    def _raw(
        self, call: Call, status: int, headers: Mapping[str, str], body: bytes, attempts: int
    ) -> RawResponse[Any]:
        from ..objects.response import RawResponse

        if status >= 300:
            raise error_from_response(status, headers, body, attempts, call.op.api)
        return RawResponse(
            status, headers, body, attempts, lambda: self._result(call, status, headers, body, attempts)
        )


def _json_body(params: Mapping[str, Any]) -> bytes:
    """A JSON object of the parameters given (a top-level None is a parameter not given; a
    nested None is sent as null). Decimals are sent as decimal strings, as v2 writes them;
    a bodiless POST sends ``{}``, as Stripe's SDKs do."""
    given = {key: value for key, value in params.items() if value is not None}
    try:
        return json.dumps(given, separators=(",", ":"), allow_nan=False, default=_json_value).encode("utf-8")
    except (TypeError, ValueError) as exc:  # a datetime, NaN: say so before sending
        raise InvalidArgumentError(f"params must be JSON values: {exc}", param="params") from None
    except RecursionError:  # as the form encoder refuses depth, not with a raw RecursionError
        raise InvalidArgumentError(
            "params nest too deep to encode as JSON (a dict or list containing itself?)", param="params"
        ) from None


def _json_value(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _multipart(params: Mapping[str, Any]) -> tuple[list[tuple[str, Any]], dict[str, str]]:
    """Multipart fields; file contents are read now so that a retry resends the same bytes."""
    files: list[tuple[str, Any]] = []
    rest: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (bytes, bytearray)):
            files.append((key, (key, bytes(value))))
        elif hasattr(value, "read"):
            name = str(getattr(value, "name", key)).replace("\\", "/").rsplit("/", 1)[-1]
            files.append((key, (check_no_controls(f"{key} filename", name), value.read())))
        elif isinstance(value, tuple):
            name, content, *content_type = value
            if hasattr(content, "read"):
                content = content.read()
            files.append((key, (check_no_controls(f"{key} filename", name), content, *content_type)))
        else:
            rest[key] = value
    fields = dict(flatten(rest))
    for name in (*fields, *(key for key, _ in files)):  # each becomes a Content-Disposition line
        check_no_controls("multipart field name", name)
    return files, fields


class SyncBaseClient(_ClientCore["httpx.Client"]):
    """Sends requests with one pooled ``httpx.Client``, created on first use."""

    def _http_client(self) -> httpx.Client:
        pool = self._pool
        if pool.http is None:
            with pool.lock:  # batch() threads may race to create it
                if pool.http is None:
                    from .transport import new_sync_http

                    pool.http = new_sync_http()
        http: httpx.Client = pool.http
        return http

    def _request(
        self,
        op: Operation[T],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> T:
        from ..objects.response import Call

        call = Call(self, op, path_args, params, options)
        result: T = self._exchange(call, self._result)
        return result

    def _request_raw(
        self,
        op: Operation[T],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> RawResponse[T]:
        from ..objects.response import Call

        call = Call(self, op, path_args, params, options)
        raw: RawResponse[T] = self._exchange(call, self._raw)
        return raw

    def _exchange(self, call: Call, finish: Callable[[Call, int, Any, bytes, int], Any]) -> Any:
        return drive(self._attempts(call, finish), self._perform)

    def _perform(self, step: PreparedRequest | float) -> Any:
        """Send one attempt, or sleep before the next one."""
        from .transport import end_attempt, start_attempt

        if not isinstance(step, PreparedRequest):
            time.sleep(step)
            return None
        deadline = start_attempt(step.timeout)
        try:
            return self._http_client().request(step.method, step.url, **step.send_args)
        finally:
            end_attempt(deadline)

    def raw_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        encoding: Literal["form", "json"] | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> StripeObject:
        """Call an endpoint this package does not generate (newer than its API version, or v2).

        It goes through the same pipeline as generated methods: auth, ``Stripe-Version``,
        retries with one idempotency key, errors, hooks, logging and masking. ``params`` is
        the query string of a GET or DELETE and the body of a POST, form-encoded for ``/v1``
        paths and sent as JSON for ``/v2`` ones (``encoding=`` decides otherwise).
        ``base_url`` and ``api_key`` apply to this call only. The result is the model its
        ``object`` names, or an :class:`UnknownObject` holding all the data; a list is a
        ``ListObject`` of those that auto-pages by re-sending this call.
        """
        client, op = self._raw_call(method, path, params, encoding, base_url, api_key)
        result: StripeObject = client._request(op, (), dict(params or {}), options)
        return result

    def meter_event_stream(
        self,
        *,
        batch_size: int = 100,
        max_buffered: int = 10_000,
        flush_interval: float = 0.2,
        full_timeout: float | None = 30.0,
        renew_before: float = 60.0,
        max_in_flight: int = 4,
        on_error: Callable[[FailedBatch], object] | None = None,
        meter_events_base_url: str | None = None,
    ) -> MeterEventStream:
        """Usage events for the v2 meter event stream, batched, on a renewed session, with
        bounded memory; use it as a context manager (see ``http.meter_stream``)."""
        from .meter_stream import MeterEventStream

        return MeterEventStream(
            self,
            batch_size=batch_size,
            max_buffered=max_buffered,
            flush_interval=flush_interval,
            full_timeout=full_timeout,
            renew_before=renew_before,
            max_in_flight=max_in_flight,
            on_error=on_error,
            meter_events_base_url=meter_events_base_url,
        )

    def batch(self, calls: Iterable[Callable[[], T]], *, max_workers: int = 8) -> list[Outcome[T]]:
        """Run calls (zero-argument callables) on a thread pool; see :func:`batch.run_threaded`."""
        from .batch import run_threaded

        return run_threaded(calls, max_workers=max_workers)

    def close(self) -> None:
        """Close the connection pool (not a caller-supplied ``http_client``, nor a shared one)."""
        pool = self._pool
        if self._owns_pool and pool.owned and pool.http is not None:
            pool.http.close()
            pool.http = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncBaseClient(_ClientCore["httpx.AsyncClient"]):
    """Sends requests with one pooled ``httpx.AsyncClient``, created on first use."""

    is_async = True

    def _http_client(self) -> httpx.AsyncClient:
        """The pool for the running event loop. Connections belong to the loop that opened
        them, so each event loop gets a pool of its own (a client used across ``asyncio.run()``
        calls, or by threads each running a loop), closed when that loop shuts down; a caller's
        own ``http_client`` cannot be rebuilt, so another loop is refused before anything is sent."""
        import asyncio

        pool = self._pool
        loop = asyncio.get_running_loop()
        if not pool.owned:
            if pool.loop is None:
                pool.loop = loop
            elif pool.loop is not loop:
                raise APIConnectionError(
                    "the http_client given to this AsyncStripeClient was first used on another event "
                    "loop and cannot be used on this one; nothing was sent (create the client, or "
                    "pass an httpx.AsyncClient created, inside each asyncio.run())"
                )
            http: httpx.AsyncClient = pool.http
            return http
        entry = pool.loops.get(loop)
        if entry is None:
            from .transport import close_with_loop, new_async_http

            with pool.lock:  # threads running loops of their own share the table
                for old in [old for old in pool.loops if old.is_closed()]:
                    del pool.loops[old]  # closed at its loop's shutdown (or died with it)
                made = new_async_http()
                entry = pool.loops[loop] = (made, close_with_loop(made))
        return entry[0]  # type: ignore[no-any-return]

    @overload
    async def _request(
        self,
        op: Operation[ListObject[T]],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> AsyncListObject[T]: ...

    @overload
    async def _request(
        self,
        op: Operation[SearchResult[T]],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> AsyncSearchResult[T]: ...

    @overload
    async def _request(
        self,
        op: Operation[V2ListObject[T]],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> AsyncV2ListObject[T]: ...

    @overload
    async def _request(
        self,
        op: Operation[T],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> T: ...

    async def _request(
        self,
        op: Operation[Any],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> Any:
        from ..objects.response import Call

        call = Call(self, op, path_args, params, options)
        return await self._exchange(call, self._result)

    def _result(self, call: Call, status: int, headers: Mapping[str, str], body: bytes, attempts: int) -> Any:
        from ..objects.pages import as_async

        return as_async(super()._result(call, status, headers, body, attempts))

    async def _request_raw(
        self,
        op: Operation[T],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> RawResponse[T]:
        from ..objects.response import Call

        call = Call(self, op, path_args, params, options)
        raw: RawResponse[T] = await self._exchange(call, self._raw)
        return raw

    async def _exchange(self, call: Call, finish: Callable[[Call, int, Any, bytes, int], Any]) -> Any:
        return await drive_async(self._attempts(call, finish), self._perform)

    async def _perform(self, step: PreparedRequest | float) -> Any:
        """Send one attempt, or sleep before the next one."""
        import asyncio

        from .transport import end_attempt, start_attempt

        if not isinstance(step, PreparedRequest):
            await asyncio.sleep(step)
            return None
        deadline = start_attempt(step.timeout)
        try:
            # wait_for bounds the whole attempt; httpx's timeout bounds each read.
            # aiohttp's pool bounds the attempt itself (no extra task per request).
            http = self._http_client()
            send = http.request(step.method, step.url, **step.send_args)
            if getattr(http, "bounds_attempts", False):
                return await send
            return await asyncio.wait_for(send, step.timeout)
        finally:
            end_attempt(deadline)

    async def raw_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        encoding: Literal["form", "json"] | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> StripeObject:
        """Call an endpoint this package does not generate; see ``StripeClient.raw_request``."""
        client, op = self._raw_call(method, path, params, encoding, base_url, api_key)
        result: StripeObject = await client._request(op, (), dict(params or {}), options)
        return result

    def meter_event_stream(
        self,
        *,
        batch_size: int = 100,
        max_buffered: int = 10_000,
        flush_interval: float = 0.2,
        full_timeout: float | None = 30.0,
        renew_before: float = 60.0,
        max_in_flight: int = 4,
        on_error: Callable[[FailedBatch], object] | None = None,
        meter_events_base_url: str | None = None,
    ) -> AsyncMeterEventStream:
        """``StripeClient.meter_event_stream`` for this client: ``async with``, ``await send(...)``."""
        from .meter_stream import AsyncMeterEventStream

        return AsyncMeterEventStream(
            self,
            batch_size=batch_size,
            max_buffered=max_buffered,
            flush_interval=flush_interval,
            full_timeout=full_timeout,
            renew_before=renew_before,
            max_in_flight=max_in_flight,
            on_error=on_error,
            meter_events_base_url=meter_events_base_url,
        )

    async def batch(
        self, calls: Iterable[Awaitable[T] | Callable[[], Awaitable[T]]], *, concurrency: int | None = None
    ) -> list[Outcome[T]]:
        """Await calls concurrently; see :func:`batch.run_gathered`."""
        from .batch import run_gathered

        return await run_gathered(calls, concurrency=concurrency)

    async def aclose(self) -> None:
        """Close the connection pool (not a caller-supplied ``http_client``, nor a shared one)."""
        import asyncio

        pool = self._pool
        if self._owns_pool and pool.owned:
            entry = pool.loops.pop(asyncio.get_running_loop(), None)
            if entry is not None:
                await entry[1].aclose()  # the closer closes this loop's pool
            # Other loops' pools close when their loop shuts down.

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
