"""Hand-written guards layered over generated resources, shipped as ``lattice_stripe.overrides``.

``registry`` lists what this folder provides; the generator reads it. This file imports
nothing, so the generator can read ``registry`` without the SDK runtime; the names below load
on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .capabilities import AccountCapabilitiesMixin as AccountCapabilitiesMixin
    from .capabilities import CapabilityMixin as CapabilityMixin
    from .capabilities import CapabilityStatus as CapabilityStatus
    from .capabilities import capability_status as capability_status
    from .guard import GuardWarning as GuardWarning

__all__ = [
    "AccountCapabilitiesMixin",
    "CapabilityMixin",
    "CapabilityStatus",
    "GuardWarning",
    "capability_status",
]

_HOMES = {
    "AccountCapabilitiesMixin": "capabilities",
    "CapabilityMixin": "capabilities",
    "CapabilityStatus": "capabilities",
    "capability_status": "capabilities",
    "GuardWarning": "guard",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
