"""What every guard shares: the warning category, refusals, and keeping generated signatures."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar, cast

from lattice_stripe._runtime.errors import InvalidArgumentError

from .registry import PARAM_OVERRIDES, ParamOverride

F = TypeVar("F", bound=Callable[..., Any])


class GuardWarning(UserWarning):
    """A call Stripe accepts but that is often a costly mistake (see README, "Guards").

    Make these errors with ``warnings.simplefilter("error", GuardWarning)`` (or
    ``-W error::lattice_stripe.overrides.GuardWarning``), or per client with
    ``StripeClient(..., strict_guards=True)``.
    """


def guarded(generated: F, guard: Callable[..., Any]) -> F:
    """``guard`` as the public method, showing the generated signature and docstring
    to type checkers, ``help()`` and ``inspect.signature`` (the guard takes ``*args, **kwargs``)."""
    guard.__wrapped__ = generated  # type: ignore[attr-defined]
    guard.__doc__ = generated.__doc__
    return cast(F, guard)


def refuse(call_path: str, param: str, value: object, expected: str) -> NoReturn:
    raise InvalidArgumentError(
        f"{call_path}: {param}={value!r} ({type(value).__name__}) refused before sending: {expected}",
        param=param,
    )


def warn(client: Any, message: str, stacklevel: int = 4) -> None:
    """Warn at the caller's line (by default past a check helper and the guard method);
    raise instead when the client was built with ``strict_guards=True``."""
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
