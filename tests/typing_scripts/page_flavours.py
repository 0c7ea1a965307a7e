"""Pages from each client page with their own loop; every line marked ``# error`` is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lattice_stripe import (
    AsyncListObject,
    AsyncSearchResult,
    AsyncStripeClient,
    ListObject,
    SearchResult,
    StripeClient,
)

if TYPE_CHECKING:
    from lattice_stripe.models import Customer


def sync_pages(client: StripeClient) -> None:
    page: ListObject[Customer] = client.customers.list(limit=2)
    found: SearchResult[Customer] = client.customers.search(query="email:'a@b.c'")
    for customer in page.auto_paging_iter():
        print(customer.email)
    following = page.fetch_next_page()
    print(following.data[0].id if following is not None else None, found.next_page)
    for customer in client.customers.list().data:
        print(customer.id)
    wrong: AsyncListObject[Customer] = client.customers.list()  # error
    print(wrong)


async def sync_pages_in_async_code(client: StripeClient) -> None:
    async for customer in client.customers.list().auto_paging_iter():  # error
        print(customer.id)
    await client.customers.list().fetch_next_page()  # error


async def async_pages(client: AsyncStripeClient) -> None:
    page: AsyncListObject[Customer] = await client.customers.list(limit=2)
    found: AsyncSearchResult[Customer] = await client.customers.search(query="email:'a@b.c'")
    async for customer in page.auto_paging_iter():
        print(customer.email)
    following = await page.fetch_next_page()
    again = await page.afetch_next_page()
    print(following, again, found.next_page, [c.id for c in page.data], len(page))
    async for match in found.auto_paging_iter():
        print(match.id)
    for customer in page.auto_paging_iter():  # error
        print(customer.id)
    for match in found.auto_paging_iter():  # error
        print(match.id)
    page.fetch_next_page()  # error
    stale: AsyncListObject[Customer] | None = page.fetch_next_page()  # error
    print(stale)
    for customer in page:  # iterating the page's own data is the same for both
        print(customer.id)
