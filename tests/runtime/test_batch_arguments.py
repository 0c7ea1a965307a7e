"""batch() arguments are checked by name before anything runs (class 9 of the second review)."""

from __future__ import annotations

from typing import Any

import pytest

from lattice_stripe import AsyncStripeClient, InvalidArgumentError, StripeClient
from tests.runtime.conftest import API_KEY


@pytest.mark.parametrize("max_workers", ["4", 0, -1, True, 2.0, None])
def test_batch_max_workers_is_checked_by_name(max_workers: Any) -> None:
    client = StripeClient(API_KEY)
    with pytest.raises(InvalidArgumentError, match="batch: max_workers must be an int >= 1") as caught:
        client.batch([lambda: 1], max_workers=max_workers)
    assert caught.value.param == "max_workers"


@pytest.mark.parametrize("concurrency", ["2", 0, -1, True, 1.5])
async def test_async_batch_concurrency_is_checked_by_name(concurrency: Any) -> None:
    client = AsyncStripeClient(API_KEY)

    async def one() -> int:
        return 1

    pending = one()
    with pytest.raises(InvalidArgumentError, match="batch: concurrency must be an int >= 1") as caught:
        await client.batch([pending], concurrency=concurrency)
    assert caught.value.param == "concurrency"
    pending.close()
    assert [o.value for o in await client.batch([one()], concurrency=None)] == [1]
