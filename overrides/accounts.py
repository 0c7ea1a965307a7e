"""Guards on ``client.accounts``: ``reject`` takes only the reasons the spec lists."""

from __future__ import annotations

from .guard import GuardedCall, check_allowed, param_override

_REASON = param_override("accounts.reject", "reason")


class AccountsGuards:
    """Checks run before ``client.accounts`` methods, sync and async (see ``guard.guarded``)."""

    @staticmethod
    def reject(call: GuardedCall) -> None:
        check_allowed(_REASON, call.args.get("reason"), call.api_version)
