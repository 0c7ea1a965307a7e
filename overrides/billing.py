"""Guards on billing calls whose defaults charge customers: they warn (``GuardWarning``).

- ``invoices.create`` without ``auto_advance``: Stripe finalizes the draft and tries to
  collect payment about an hour later.
- Changing a subscription's items or prices without ``proration_behavior``: Stripe
  prorates by default, creating charges or credits the caller may not expect.
"""

from __future__ import annotations

from .guard import GuardedCall

_PRORATION = (
    "without proration_behavior: Stripe prorates by default (create_prorations), adding charges "
    "or credits to the next invoice; pass proration_behavior='create_prorations', "
    "'always_invoice' or 'none' to choose"
)


def _proration(call: GuardedCall, changes: tuple[str, ...]) -> None:
    """Warn when ``changes`` (or, if empty, the call itself) alter items with no proration choice."""
    changed = [name for name in changes if call.args.get(name) is not None]
    if (changed or not changes) and call.args.get("proration_behavior") is None:
        what = f" ({', '.join(changed)})" if changed else ""
        call.warn(f"{call.call_path}{what} {_PRORATION}")


_ITEM_CHANGES = ("price", "price_data", "quantity")


class InvoicesGuards:
    """Checks run before ``client.invoices`` methods, sync and async."""

    @staticmethod
    def create(call: GuardedCall) -> None:
        if call.args.get("auto_advance") is None:
            call.warn(
                "invoices.create without auto_advance: Stripe finalizes the draft and attempts payment "
                "about an hour after creation; pass auto_advance=True to mean that, or False to keep a draft"
            )


class SubscriptionsGuards:
    """Checks run before ``client.subscriptions`` methods, sync and async."""

    @staticmethod
    def update(call: GuardedCall) -> None:
        _proration(call, ("items",))


class SubscriptionItemsGuards:
    """Checks run before ``client.subscription_items`` methods, sync and async."""

    @staticmethod
    def create(call: GuardedCall) -> None:
        _proration(call, ())

    @staticmethod
    def update(call: GuardedCall) -> None:
        _proration(call, _ITEM_CHANGES)

    @staticmethod
    def delete(call: GuardedCall) -> None:
        _proration(call, ())
