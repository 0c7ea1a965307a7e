"""Guards on billing calls whose defaults charge customers: they warn (``GuardWarning``).

- ``invoices.create`` without ``auto_advance``: Stripe finalizes the draft and tries to
  collect payment about an hour later.
- Changing a subscription's items or prices without ``proration_behavior``: Stripe
  prorates by default, creating charges or credits the caller may not expect.
"""

from __future__ import annotations

from typing import Any, cast

from lattice_stripe._runtime.resource import AsyncResource, SyncResource

from .guard import warn

_PRORATION = (
    "without proration_behavior: Stripe prorates by default (create_prorations), adding charges "
    "or credits to the next invoice; pass proration_behavior='create_prorations', "
    "'always_invoice' or 'none' to choose"
)


def _auto_advance(client: Any, kwargs: dict[str, Any]) -> None:
    if kwargs.get("auto_advance") is None:
        warn(
            client,
            "invoices.create without auto_advance: Stripe finalizes the draft and attempts payment "
            "about an hour after creation; pass auto_advance=True to mean that, or False to keep a draft",
        )


def _proration(client: Any, call: str, kwargs: dict[str, Any], changes: tuple[str, ...]) -> None:
    changed = [name for name in changes if kwargs.get(name) is not None]
    if (changed or not changes) and kwargs.get("proration_behavior") is None:
        what = f" ({', '.join(changed)})" if changed else ""
        warn(client, f"{call}{what} {_PRORATION}")


_ITEM_CHANGES = ("price", "price_data", "quantity")


class InvoicesGuards(SyncResource):
    def create(self, *args: Any, **kwargs: Any) -> Any:
        _auto_advance(self._client, kwargs)
        return cast(Any, super()).create(*args, **kwargs)


class AsyncInvoicesGuards(AsyncResource):
    async def create(self, *args: Any, **kwargs: Any) -> Any:
        _auto_advance(self._client, kwargs)
        return await cast(Any, super()).create(*args, **kwargs)


class SubscriptionsGuards(SyncResource):
    def update(self, *args: Any, **kwargs: Any) -> Any:
        _proration(self._client, "subscriptions.update", kwargs, ("items",))
        return cast(Any, super()).update(*args, **kwargs)


class AsyncSubscriptionsGuards(AsyncResource):
    async def update(self, *args: Any, **kwargs: Any) -> Any:
        _proration(self._client, "subscriptions.update", kwargs, ("items",))
        return await cast(Any, super()).update(*args, **kwargs)


class SubscriptionItemsGuards(SyncResource):
    def create(self, *args: Any, **kwargs: Any) -> Any:
        _proration(self._client, "subscription_items.create", kwargs, ())
        return cast(Any, super()).create(*args, **kwargs)

    def update(self, *args: Any, **kwargs: Any) -> Any:
        _proration(self._client, "subscription_items.update", kwargs, _ITEM_CHANGES)
        return cast(Any, super()).update(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _proration(self._client, "subscription_items.delete", kwargs, ())
        return cast(Any, super()).delete(*args, **kwargs)


class AsyncSubscriptionItemsGuards(AsyncResource):
    async def create(self, *args: Any, **kwargs: Any) -> Any:
        _proration(self._client, "subscription_items.create", kwargs, ())
        return await cast(Any, super()).create(*args, **kwargs)

    async def update(self, *args: Any, **kwargs: Any) -> Any:
        _proration(self._client, "subscription_items.update", kwargs, _ITEM_CHANGES)
        return await cast(Any, super()).update(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> Any:
        _proration(self._client, "subscription_items.delete", kwargs, ())
        return await cast(Any, super()).delete(*args, **kwargs)
