"""Client configuration and per-request options, asserted on the wire."""

from __future__ import annotations

import httpx
import pytest

from lattice_stripe import API_VERSION, AsyncStripeClient, InvalidArgumentError, StripeClient
from lattice_stripe.models import Charge, Customer
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Reply, StripeServer

CUSTOMER = {"id": "cus_1", "object": "customer"}


def make(server: StripeServer, **config) -> StripeClient:
    return StripeClient(API_KEY, base_url=server.url, files_base_url=server.url, retry_policy=FAST, **config)


def test_stripe_account_per_client_per_request_and_request_wins(server: StripeServer) -> None:
    server.handler = lambda req: Reply(json=CUSTOMER)
    with make(server, stripe_account="acct_client") as c:
        c.customers.retrieve("cus_1")
        c.customers.retrieve("cus_1", stripe_account="acct_request")
        c.customers.create(stripe_account="acct_request")
    with make(server) as c:
        c.customers.retrieve("cus_1")
        c.customers.retrieve("cus_1", stripe_account="acct_only_request")
    assert [r.header("stripe-account") for r in server.requests] == [
        "acct_client",
        "acct_request",
        "acct_request",
        None,
        "acct_only_request",
    ]


def test_api_version_defaults_to_the_spec_and_can_be_overridden(server: StripeServer) -> None:
    server.handler = lambda req: Reply(json=CUSTOMER)
    with make(server) as c:
        c.customers.retrieve("cus_1")
        c.customers.retrieve("cus_1", stripe_version="2024-04-10")
    with make(server, api_version="2023-10-16") as c:
        c.customers.retrieve("cus_1")
    assert [r.header("stripe-version") for r in server.requests] == [API_VERSION, "2024-04-10", "2023-10-16"]


def test_with_options_shares_the_pool_and_leaves_the_parent_alone(server: StripeServer) -> None:
    server.handler = lambda req: Reply(json=CUSTOMER)
    with make(server) as parent:
        parent.customers.retrieve("cus_1")
        child = parent.with_options(stripe_account="acct_child", max_retries=0)
        assert type(child) is StripeClient
        assert child._http_client() is parent._http_client()
        child.customers.retrieve("cus_1")
        assert child.customers is not parent.customers  # resources bound to the derived client
        parent.customers.retrieve("cus_1")
        child.close()  # a derived client does not close the shared pool
        parent.customers.retrieve("cus_1")
        assert child.config.max_retries == 0 and parent.config.max_retries == 2
    assert [r.header("stripe-account") for r in server.requests] == [None, "acct_child", None, None]


def test_with_options_rejects_unknown_settings(client) -> None:
    with pytest.raises(InvalidArgumentError):
        client.with_options(stripe_acount="acct_1")
    with pytest.raises(InvalidArgumentError):
        client.with_options(max_retries=-1)


def test_unknown_request_option_is_refused_before_http(client, server: StripeServer) -> None:
    with pytest.raises(InvalidArgumentError, match="stripe_acount"):
        client.customers.retrieve("cus_1", stripe_acount="acct_1")
    assert server.requests == []


def test_caller_supplied_http_client_is_used_and_not_closed(server: StripeServer) -> None:
    seen = []
    http = httpx.Client(event_hooks={"request": [seen.append]})
    server.reply(Reply(json=CUSTOMER))
    with StripeClient(API_KEY, base_url=server.url, http_client=http) as c:
        c.customers.retrieve("cus_1")
    assert len(seen) == 1 and not http.is_closed
    http.close()


def test_context_manager_closes_the_pool(server: StripeServer) -> None:
    server.reply(Reply(json=CUSTOMER))
    with make(server) as c:
        c.customers.retrieve("cus_1")
        http = c._http_client()
    assert http.is_closed


async def test_async_context_manager_closes_the_pool(server: StripeServer) -> None:
    server.reply(Reply(json=CUSTOMER))
    async with AsyncStripeClient(API_KEY, base_url=server.url, stripe_account="acct_a") as c:
        await c.with_options(stripe_account="acct_b").customers.retrieve("cus_1")
        http = c._http_client()
    assert http.is_closed
    assert server.last.header("stripe-account") == "acct_b"


def test_per_request_timeout_is_applied(client, server: StripeServer) -> None:
    from lattice_stripe import APITimeoutError

    server.reply(Reply(json=CUSTOMER, delay=5))  # long past the deadline, however busy the machine
    with pytest.raises(APITimeoutError):
        client.customers.retrieve("cus_1", timeout=0.05, max_retries=0)


def test_expand_on_retrieve_list_and_search_returns_typed_objects(client, server: StripeServer) -> None:
    charge = {
        "id": "ch_1",
        "object": "charge",
        "customer": {"id": "cus_1", "object": "customer", "email": "a@b.c"},
    }
    server.reply(
        Reply(json=charge),
        Reply(json={"object": "list", "data": [charge], "has_more": False, "url": "/v1/charges"}),
        Reply(
            json={
                "object": "search_result",
                "data": [charge],
                "has_more": False,
                "next_page": None,
                "url": "/v1/charges/search",
            }
        ),
    )
    one = client.charges.retrieve("ch_1", expand=["customer"])
    page = client.charges.list(expand=["data.customer"])
    found = client.charges.search(query="amount>1", expand=["data.customer"])
    for result in (one, page.data[0], found.data[0]):
        assert isinstance(result, Charge) and isinstance(result.customer, Customer)
        assert result.customer.email == "a@b.c"
    assert [r.query for r in server.requests] == [
        [("expand[]", "customer")],
        [("expand[]", "data.customer")],
        [("query", "amount>1"), ("expand[]", "data.customer")],
    ]


def test_unexpanded_field_stays_an_id(client, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "ch_1", "object": "charge", "customer": "cus_1"}))
    assert client.charges.retrieve("ch_1").customer == "cus_1"


# -- path parameters ---------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", None, 42, ".", ".."])
def test_empty_or_non_string_id_is_refused_before_http(client, server: StripeServer, bad) -> None:
    with pytest.raises(InvalidArgumentError, match=r"customers\.retrieve: customer must be a non-empty id"):
        client.customers.retrieve(bad)
    with pytest.raises(InvalidArgumentError, match=": transaction must be a non-empty id") as caught:
        client.customers.balance_transactions.retrieve("cus_1", bad)
    assert caught.value.param == "transaction"
    assert server.requests == []


@pytest.mark.parametrize(
    ("evil", "wire"),
    [
        ("cus_1/../../v1/charges", "/v1/customers/cus_1%2F..%2F..%2Fv1%2Fcharges"),
        ("cus_1?expand[]=secret", "/v1/customers/cus_1%3Fexpand%5B%5D%3Dsecret"),
        ("cus_1#frag", "/v1/customers/cus_1%23frag"),
        ("...", "/v1/customers/..."),
        ("%2E%2E", "/v1/customers/%252E%252E"),
        ("cus 1%2F", "/v1/customers/cus%201%252F"),
    ],
)
def test_ids_cannot_leave_their_path_segment(client, server: StripeServer, evil: str, wire: str) -> None:
    server.reply(Reply(json=CUSTOMER))
    client.customers.retrieve(evil)
    req = server.last
    assert req.method == "GET" and req.path == wire and req.query == []


def test_traversal_in_a_post_still_hits_the_intended_endpoint(client, server: StripeServer) -> None:
    server.reply(Reply(json=CUSTOMER))
    client.customers.update("cus_1/../../v1/charges", email="a@b.c")
    assert server.last.method == "POST"
    assert server.last.path == "/v1/customers/cus_1%2F..%2F..%2Fv1%2Fcharges"


def test_dot_ids_cannot_turn_an_update_into_a_create(client, server: StripeServer) -> None:
    # Without the check, httpx would normalise POST /v1/customers/. to POST /v1/customers.
    for dots in (".", ".."):
        with pytest.raises(InvalidArgumentError):
            client.customers.update(dots, email="a@b.c")
    assert server.requests == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"api_key": ""}, "api_key must be non-empty"),
        ({"api_key": "   "}, "api_key must be non-empty"),
        ({"api_key": None}, "api_key must be a string"),
        ({"timeout": 0}, "timeout must be a finite number of seconds > 0, got 0"),
        ({"timeout": -1.5}, "timeout must be a finite number of seconds > 0, got -1.5"),
    ],
)
def test_client_config_refuses_an_empty_key_and_a_timeout_not_above_zero(
    config: dict[str, object], message: str
) -> None:
    from lattice_stripe._runtime.http.client import ClientConfig

    args: dict[str, object] = {"api_key": API_KEY, **config}
    for make in (
        lambda: ClientConfig(**args),
        lambda: StripeClient(**args),
        lambda: AsyncStripeClient(**args),
    ):
        with pytest.raises(InvalidArgumentError, match=message) as info:
            make()
        assert info.value.param == next(iter(config))


def test_a_callers_idempotency_key_on_a_get_is_sent(server: StripeServer) -> None:
    server.reply(*[Reply(json={"id": "cus_1", "object": "customer"}) for _ in range(2)])
    with make(server) as c:
        c.customers.retrieve("cus_1", idempotency_key="get-key-1")
        c.customers.retrieve("cus_1")
    first, second = server.requests
    assert (first.method, first.header("idempotency-key")) == ("GET", "get-key-1")
    assert second.header("idempotency-key") is None  # a GET never gets a generated one
