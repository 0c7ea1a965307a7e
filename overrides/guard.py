"""What every guard shares: the warning category, refusals, and wrapping generated methods.

A guard is one plain check per method, written once (``class AccountsGuards`` with a static
``reject(call)``); :func:`guarded` turns it into the public sync or async method in front of
the generated one, so both clients run the same check.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar, cast

from lattice_stripe._runtime.errors import InvalidArgumentError
from lattice_stripe._runtime.http.options import OPTION_NAMES, refuse_unknown_options

from .registry import PARAM_OVERRIDES, ParamOverride

F = TypeVar("F", bound=Callable[..., Any])


class GuardWarning(UserWarning):
    """A call Stripe accepts but that is often a costly mistake (see docs/guides/guards.md).

    Make these errors with ``warnings.simplefilter("error", GuardWarning)`` (or
    ``-W error::lattice_stripe.overrides.GuardWarning``), or per client with
    ``StripeClient(..., strict_guards=True)``.
    """


class GuardedCall:
    """One call as a check sees it: arguments by parameter name, already bound to the
    generated signature, so a positional mistake never reaches a check."""

    __slots__ = ("args", "call_path", "client", "options", "warnings")

    def __init__(
        self, call_path: str, client: Any, args: Mapping[str, Any], options: Mapping[str, Any]
    ) -> None:
        self.call_path = call_path  # "subscription_items.update"
        self.client = client
        self.args = args  # path and keyword parameters by Python name, as passed
        self.options = options  # request options (stripe_version, ...)
        self.warnings: list[str] = []

    @property
    def api_version(self) -> str:
        return str(self.options.get("stripe_version") or self.client.config.api_version)

    def warn(self, message: str) -> None:
        """Warn at the caller's line once the check has run (or raise for a strict client)."""
        self.warnings.append(message)


Check = Callable[[GuardedCall], None]


def guard(check: Check, call_path: str) -> Callable[[F], F]:
    """:func:`guarded` as a decorator: generated methods are defined in their public class,
    so type checkers and tracebacks name that class."""
    return lambda generated: guarded(generated, check, call_path)


def guarded(generated: F, check: Check, call_path: str) -> F:
    """The public method: bind the arguments to ``generated``'s signature (a ``TypeError``
    naming ``call_path`` comes first), run ``check``, then call ``generated``. It shows the
    generated signature and docstring to type checkers, ``help()`` and ``inspect.signature``."""
    signature = inspect.signature(generated)

    if inspect.iscoroutinefunction(generated):

        @functools.wraps(generated)
        async def guard_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            _run(signature, check, call_path, self, args, kwargs)
            return await generated(self, *args, **kwargs)

        return cast(F, guard_async)

    @functools.wraps(generated)
    def guard(self: Any, *args: Any, **kwargs: Any) -> Any:
        _run(signature, check, call_path, self, args, kwargs)
        return generated(self, *args, **kwargs)

    return cast(F, guard)


def _run(
    signature: inspect.Signature,
    check: Check,
    call_path: str,
    resource: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    try:
        bound = signature.bind(resource, *args, **kwargs).arguments
    except TypeError as exc:
        raise TypeError(_signature_error(signature, call_path, args, exc)) from None
    bound.pop("self", None)
    options = bound.pop("options", {})
    if not OPTION_NAMES.issuperset(options):
        refuse_unknown_options(call_path, options, list(signature.parameters)[1:-1])
    call = GuardedCall(call_path, resource._client, bound, options)
    check(call)
    for message in call.warnings:
        warn(call.client, message, stacklevel=4)  # past warn, _run and the guard: the caller's line


def _signature_error(
    signature: inspect.Signature, call_path: str, args: tuple[Any, ...], exc: TypeError
) -> str:
    positional = [p.name for p in signature.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD][1:]
    if len(args) > len(positional):
        takes = f"{len(positional)} positional argument{'s' if len(positional) != 1 else ''}"
        named = f" ({', '.join(positional)})" if positional else ""
        given = f"{len(args)} {'was' if len(args) == 1 else 'were'} given"
        return f"{call_path}() takes {takes}{named} but {given}; pass the others by keyword"
    return f"{call_path}(): {exc}"


def refuse(call_path: str, param: str, value: object, expected: str) -> NoReturn:
    raise InvalidArgumentError(
        f"{call_path}: {param}={value!r} ({type(value).__name__}) refused before sending: {expected}",
        param=param,
    )


def warn(client: Any, message: str, stacklevel: int = 2) -> None:
    """Warn ``stacklevel`` frames up; raise instead when the client was built with
    ``strict_guards=True``."""
    if getattr(getattr(client, "config", None), "strict_guards", False):
        raise GuardWarning(message)
    warnings.warn(message, GuardWarning, stacklevel=stacklevel)


def param_override(call_path: str, param: str) -> ParamOverride:
    return next(p for p in PARAM_OVERRIDES if p.key == (call_path, param))


def check_allowed(override: ParamOverride, value: object, api_version: str) -> None:
    """Refuse a value outside ``override.allowed`` when the call uses the API version this
    package was generated for (generation checked the spec still says what the set was
    reviewed against); a caller choosing another version gets Stripe's own answer."""
    from lattice_stripe._version import API_VERSION

    if api_version == API_VERSION and value not in override.allowed:
        refuse(
            override.call_path,
            override.param,
            value,
            f"one of {', '.join(repr(v) for v in override.allowed)} (API version {api_version})",
        )
