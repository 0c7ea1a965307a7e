"""Objects users keep: events typed through the one `object` dispatch, pages that are
empty or repeat themselves, and models, events and errors that pickle and copy."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

import lattice_stripe
from lattice_stripe import (
    APIError,
    InvalidArgumentError,
    StripeError,
    TimestampOutsideToleranceError,
    UnknownObject,
    WebhookEvent,
    construct_event,
    generate_test_header,
)
from lattice_stripe.models import Customer, DeletedCustomer, Invoice, PaymentIntent
from tests.stripe_server import Recorded, Reply, StripeServer

SECRET = "pi_1_secret_EVENTSECRETVALUE1234"
INTENT = {"id": "pi_1", "object": "payment_intent", "amount": 100, "client_secret": SECRET}


def event(obj: dict[str, Any], event_id: str = "evt_1") -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1,
        "livemode": False,
        "pending_webhooks": 0,
        "type": "payment_intent.created",
        "data": {"object": obj},
    }


def page(data: Any, *, has_more: bool = False, url: str = "/v1/events") -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


# -- Event.data.object from the API: the model its `object` names, so masking applies ---------

DISPATCH = [
    (INTENT, PaymentIntent),
    ({"id": "cus_1", "object": "customer", "deleted": True}, DeletedCustomer),
    ({"id": "cus_1", "object": "customer", "email": "a@b.c"}, Customer),
    ({"id": "nw_1", "object": "brand_new_thing", "x": 1}, UnknownObject),
]


@pytest.mark.parametrize(("obj", "cls"), DISPATCH)
def test_event_retrieve_types_data_object(client, server: StripeServer, obj, cls) -> None:
    server.reply(Reply(json=event(obj)))
    got = client.events.retrieve("evt_1")
    assert type(got.data.object) is cls
    assert got.to_dict() == event(obj)
    # The same model as the webhook path gives for the same object.
    payload = json.dumps(event(obj)).encode()
    hooked = construct_event(payload, generate_test_header(payload, "whsec_x"), "whsec_x")
    assert type(hooked.data.object) is cls
    assert hooked.data.object == got.data.object


async def test_async_event_list_types_and_masks(aclient, server: StripeServer) -> None:
    server.reply(Reply(json=page([event(INTENT)])))
    events = await aclient.events.list()
    assert isinstance(events.data[0].data.object, PaymentIntent)
    assert SECRET not in repr(events) and SECRET not in str(events)
    assert events.data[0].data.object.client_secret == SECRET


def test_event_secrets_never_print(client, server: StripeServer) -> None:
    server.reply(Reply(json=event(INTENT)), Reply(json=page([event(INTENT)])))
    got = client.events.retrieve("evt_1")
    assert SECRET not in repr(got) and SECRET not in str(got.data)
    assert SECRET not in repr(client.events.list())


# -- `data: null` in a page: an empty page, for lists, searches and embedded lists -------------


def test_data_null_is_an_empty_page(client, server: StripeServer) -> None:
    server.reply(Reply(json=page(None, has_more=True)))
    result = client.events.list()
    assert (list(result), len(result), list(result.auto_paging_iter())) == ([], 0, [])
    assert result.fetch_next_page() is None
    assert len(server.requests) == 1


async def test_async_data_null_is_an_empty_page(aclient, server: StripeServer) -> None:
    server.reply(Reply(json={"object": "search_result", "data": None, "has_more": True, "url": "/v1/x"}))
    result = await aclient.customers.search(query="email:'a'")
    assert [c async for c in result.auto_paging_iter()] == []
    assert await result.afetch_next_page() is None


def test_embedded_list_with_data_null_is_empty(client, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "in_1", "object": "invoice", "lines": page(None, url="/v1/x")}))
    invoice = client.invoices.retrieve("in_1")
    assert isinstance(invoice, Invoice)
    assert list(invoice.lines) == [] and len(invoice.lines) == 0
    assert list(invoice.lines.auto_paging_iter()) == []


def test_data_that_is_not_a_list_is_an_api_error(client, server: StripeServer) -> None:
    server.reply(Reply(json=page({"oops": 1})))
    result = client.events.list()
    with pytest.raises(APIError, match="data is dict, not a list"):
        list(result.auto_paging_iter())


# -- auto-paging raises when the cursor does not advance -----------------------------------------


def repeating(search: bool = False) -> Any:
    """A server that repeats the same page. It gives up after five (``has_more: false``), so
    a client that does not notice fails on the missing error instead of looping forever."""
    served: list[Recorded] = []

    def handler(req: Recorded) -> Reply:
        served.append(req)
        more = len(served) < 5
        data = [{"id": "cus_a", "object": "customer"}]
        if search:
            body = {
                "object": "search_result",
                "data": data,
                "has_more": more,
                "next_page": "p2",
                "url": "/v1/x",
            }
            return Reply(json=body)
        return Reply(json=page(data, has_more=more, url="/v1/customers"))

    return handler


@pytest.mark.parametrize(
    ("search", "call", "cursor"),
    [
        (False, lambda c: c.customers.list(), "starting_after"),
        (False, lambda c: c.customers.list(ending_before="cus_z"), "ending_before"),
        (True, lambda c: c.customers.search(query="x"), "page"),
    ],
)
def test_a_cursor_that_does_not_advance_raises(client, server: StripeServer, search, call, cursor) -> None:
    server.handler = repeating(search)
    seen = []
    with pytest.raises(APIError, match=f"did not advance.*{cursor}"):
        for customer in call(client).auto_paging_iter():
            seen.append(customer.id)
    assert seen == ["cus_a", "cus_a"]  # the first page, and the repeat that gave it away
    assert len(server.requests) == 2


async def test_async_cursor_that_does_not_advance_raises(aclient, server: StripeServer) -> None:
    server.handler = repeating()
    first = await aclient.customers.list()
    second = await first.afetch_next_page()
    with pytest.raises(APIError, match="did not advance"):
        await second.afetch_next_page()
    with pytest.raises(APIError, match="did not advance"):
        async for _ in first.auto_paging_iter():
            pass
    assert len(server.requests) == 3


def test_a_cursor_that_advances_is_followed(client, server: StripeServer) -> None:
    server.reply(
        Reply(json=page([{"id": "cus_b", "object": "customer"}], has_more=True)),
        Reply(json=page([{"id": "cus_a", "object": "customer"}], has_more=False)),
    )
    assert [c.id for c in client.customers.list(starting_after="cus_c").auto_paging_iter()] == [
        "cus_b",
        "cus_a",
    ]


async def test_sync_and_async_pagers_refuse_the_other_loop(client, aclient, server: StripeServer) -> None:
    server.handler = repeating()
    async_pager = (await aclient.customers.list()).auto_paging_iter()
    with pytest.raises(InvalidArgumentError, match="use `async for`"):
        iter(async_pager)
    sync_pager = client.customers.list().auto_paging_iter()
    with pytest.raises(InvalidArgumentError, match="not `async for`"):
        sync_pager.__aiter__()


# -- pickle and copy: the data survives, last_response and the client do not ------------------

ROUND_TRIPS = [
    ("pickle", lambda o: pickle.loads(pickle.dumps(o))),
    ("copy", copy.copy),
    ("deepcopy", copy.deepcopy),
]


@pytest.mark.parametrize(("how", "round_trip"), ROUND_TRIPS)
def test_returned_models_round_trip_without_the_client(client, server: StripeServer, how, round_trip) -> None:
    body = {
        "id": "cus_1",
        "object": "customer",
        "email": "a@b.c",
        "brand_new_field": {"kept": True},
        "sources": page([{"id": "card_1", "object": "card", "last4": "4242"}], url="/v1/x"),
    }
    server.reply(Reply(json=body), Reply(json=page([body])))
    for original in (client.customers.retrieve("cus_1"), client.customers.list()):
        assert original.last_response is not None
        clone = round_trip(original)
        assert clone == original and clone.to_dict() == original.to_dict()
        assert type(clone) is type(original) and clone is not original
        assert clone.last_response is None
    assert clone.data[0]["brand_new_field"] == {"kept": True}


@pytest.mark.parametrize(("how", "round_trip"), ROUND_TRIPS)
def test_webhook_events_round_trip(how, round_trip) -> None:
    payload = json.dumps(event(INTENT)).encode()
    original = construct_event(payload, generate_test_header(payload, "whsec_x"), "whsec_x")
    clone = round_trip(original)
    assert isinstance(clone, WebhookEvent) and isinstance(clone.data.object, PaymentIntent)
    assert clone == original and clone.to_dict() == event(INTENT)
    assert SECRET not in repr(clone)


def test_unknown_objects_round_trip() -> None:
    original = UnknownObject.from_dict({"object": "future", "x": [1, {"y": 2}]})
    for _, round_trip in ROUND_TRIPS:
        clone = round_trip(original)
        assert clone.to_dict() == original.to_dict() and clone.x == [1, {"y": 2}]


ERRORS = [
    getattr(lattice_stripe, name)
    for name in dir(lattice_stripe)
    if isinstance(getattr(lattice_stripe, name, None), type)
    and issubclass(getattr(lattice_stripe, name), StripeError)
]


def test_every_exported_error_class_is_listed() -> None:
    assert len(ERRORS) >= 15 and TimestampOutsideToleranceError in ERRORS


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(("how", "round_trip"), ROUND_TRIPS)
def test_errors_round_trip(cls, how, round_trip) -> None:
    kwargs: dict[str, Any] = (
        {"timestamp": 1, "now": 400, "tolerance": 300.0}
        if cls is TimestampOutsideToleranceError
        else {
            "http_status": 402,
            "code": "card_declined",
            "request_id": "req_1",
            "body": b"{}",
            "attempts": 2,
        }
    )
    original = cls("it failed", **kwargs)
    clone = round_trip(original)
    assert type(clone) is cls and str(clone) == str(original) and clone.args == original.args
    assert vars(clone) == vars(original)


def test_an_error_from_a_response_round_trips(client, server: StripeServer) -> None:
    server.reply(Reply(402, {"error": {"type": "card_error", "code": "card_declined", "message": "No."}}))
    with pytest.raises(StripeError) as caught:
        client.customers.retrieve("cus_1")
    clone = pickle.loads(pickle.dumps(caught.value))
    assert (type(clone), str(clone), clone.error, clone.body) == (
        type(caught.value),
        str(caught.value),
        caught.value.error,
        caught.value.body,
    )
