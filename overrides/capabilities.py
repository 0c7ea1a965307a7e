"""Capability statuses as an enum that never raises: Stripe adds values, code must not crash.

``Capability.status`` and each entry of ``Account.capabilities`` are plain strings (unknown
values are kept); these helpers map them to :class:`CapabilityStatus`, with ``UNKNOWN``
for anything this SDK version has not seen.
"""

from __future__ import annotations

import difflib
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # mixins see the model API; at runtime the model class supplies it
    from lattice_stripe._runtime.objects.models import StripeObject as _Model
else:
    _Model = object


class CapabilityStatus(str, Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    PENDING = "pending"
    UNREQUESTED = "unrequested"
    DISABLED = "disabled"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> CapabilityStatus:
        return cls.UNKNOWN


def capability_status(value: object) -> CapabilityStatus:
    """The status for any value: a known string maps to its member, anything else to ``UNKNOWN``."""
    return CapabilityStatus(value) if isinstance(value, str) else CapabilityStatus.UNKNOWN


class CapabilityMixin(_Model):
    """Helpers on ``lattice_stripe.models.Capability``."""

    __slots__ = ()

    @property
    def typed_status(self) -> CapabilityStatus:
        return capability_status(getattr(self, "status", None))

    @property
    def is_active(self) -> bool:
        return self.typed_status is CapabilityStatus.ACTIVE


class AccountCapabilitiesMixin(_Model):
    """Helpers on ``Account.capabilities`` (``lattice_stripe.models.AccountCapabilities``)."""

    __slots__ = ()

    def statuses(self) -> dict[str, CapabilityStatus]:
        """Every capability the account has, by name, including ones this SDK does not model."""
        data: dict[str, Any] = self.to_dict()
        return {name: capability_status(value) for name, value in sorted(data.items()) if value is not None}

    def status(self, name: str) -> CapabilityStatus:
        """One capability's status; ``UNREQUESTED`` when the account does not list it.

        A name that is neither one the spec knows nor present in the data (a typo such as
        ``"card_payment"``) raises ``InvalidArgumentError`` naming the close matches."""
        try:
            value = self[name]
        except KeyError:
            self._refuse_unknown(name)
            value = None
        return CapabilityStatus.UNREQUESTED if value is None else capability_status(value)

    def _refuse_unknown(self, name: str) -> None:
        known = {json_key for _, json_key, _, _ in self.__stripe_fields__}
        if name in known:
            return
        from lattice_stripe._runtime.errors import InvalidArgumentError

        names = sorted(known | set(self.to_dict()))
        close = difflib.get_close_matches(name, names, n=3)
        hint = (
            f"did you mean {' or '.join(repr(c) for c in close)}?" if close else f"known: {', '.join(names)}"
        )
        raise InvalidArgumentError(f"no capability named {name!r}: {hint}", param="name")

    def is_active(self, name: str) -> bool:
        return self.status(name) is CapabilityStatus.ACTIVE
