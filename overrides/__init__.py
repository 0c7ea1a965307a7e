"""Hand-written guards layered over generated resources, shipped as ``lattice_stripe.overrides``.

``registry`` lists what this folder provides; the generator reads it. This file imports
nothing, so the generator can read ``registry`` without the SDK runtime; the names below load
on first use (for precise types, import them from their modules).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

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
