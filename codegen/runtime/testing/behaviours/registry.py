"""The registry of behaviours: each resource module registers handlers by call path
(``payment_intents.confirm``) with :func:`behaviour`; the fake finds them with
:func:`handlers`.

A handler gets a :class:`Call` (the operation, path ids, validated params and the fake's
:class:`~..state.State`) and returns the object to answer with. References are already
checked (:mod:`..references`); refusals come from :mod:`..refusals`; state changes go
through ``State.change``/``State.new`` so each emits its event.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import attrs

from ..objects import object_kind
from ..refusals import missing
from ..state import Held, State

Handler = Callable[["Call"], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}
_MODULES = (
    "customers",
    "catalog",
    "payments",
    "billing",
    "subscriptions",
    "checkout",
    "connect",
    "clocks",
    "others",
    "usage",
    "destinations",
)


def behaviour(*calls: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for call in calls:
            _HANDLERS[call] = handler
        return handler

    return register


@functools.cache
def handlers() -> dict[str, Handler]:
    """Every registered behaviour (the modules load on first use)."""
    for name in _MODULES:
        importlib.import_module(f"{__package__}.{name}")
    return _HANDLERS


@attrs.define
class Call:
    """One request a behaviour answers."""

    state: State
    op: dict[str, Any]
    ids: list[str]
    params: dict[str, Any]
    generic: Callable[[], dict[str, Any]]  # what the fake answers without a behaviour

    @property
    def path(self) -> str:
        return str(self.op["call"])

    def target(self, *schemas: str) -> dict[str, Any]:
        """The object the path names (its last id)."""
        return self.find(self.ids[-1], *schemas, param="id")

    def find(self, object_id: Any, *schemas: str, param: str | None = "id") -> dict[str, Any]:
        held = self.state.held(object_id)
        if held is None or (schemas and held.schema not in schemas):
            raise missing(object_kind(schemas[0]) if schemas else "object", str(object_id), param)
        return held.obj

    def maybe(self, object_id: Any) -> dict[str, Any] | None:
        held = self.state.held(object_id)
        return held.obj if held is not None else None

    def held(self, object_id: str) -> Held | None:
        return self.state.held(object_id)
