"""Guards on ``client.accounts``: ``reject`` takes only the reasons the spec lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from lattice_stripe._runtime.resource import AsyncResource, SyncResource

from .guard import check_allowed, param_override

if TYPE_CHECKING:
    from lattice_stripe._runtime.client import AsyncBaseClient, SyncBaseClient

_REASON = param_override("accounts.reject", "reason")


def _check_reason(client: SyncBaseClient | AsyncBaseClient, kwargs: dict[str, Any]) -> None:
    version = kwargs.get("stripe_version") or client.config.api_version
    check_allowed(_REASON, kwargs.get("reason"), version)


class AccountsGuards(SyncResource):
    def reject(self, *args: Any, **kwargs: Any) -> Any:
        _check_reason(self._client, kwargs)
        # The generated class comes next in the MRO (class Accounts(AccountsGuards, _AccountsBase)).
        return cast(Any, super()).reject(*args, **kwargs)


class AsyncAccountsGuards(AsyncResource):
    async def reject(self, *args: Any, **kwargs: Any) -> Any:
        _check_reason(self._client, kwargs)
        return await cast(Any, super()).reject(*args, **kwargs)
