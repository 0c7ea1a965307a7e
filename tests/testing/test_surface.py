"""Every operation of the surface goes through the fake and comes back typed, sync and async;
a sample of operations gets each kind of mistake back as ``InvalidRequestError`` with ``param``."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from lattice_stripe import AsyncStripeClient, InvalidRequestError, StripeClient
from lattice_stripe._runtime.http.operation import Operation
from lattice_stripe._runtime.objects.models import StripeObject
from lattice_stripe._runtime.objects.pages import ListObject, SearchResult
from lattice_stripe._runtime.testing.objects import object_kind, ref_names
from lattice_stripe._runtime.testing.schema import operations
from lattice_stripe.overrides import GuardWarning
from lattice_stripe.testing import FakeStripe

from .probes import probes
from .surface import arguments, calls, method


@pytest.fixture(autouse=True)
def _quiet_guards() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GuardWarning)  # invoices.create without auto_advance, ...
        yield


def _assert_typed(call: str, result: Any) -> None:
    response = operations()[call]["response"]
    if not response:
        assert isinstance(result, bytes) and result.startswith(b"%PDF"), call
        return
    assert isinstance(result, StripeObject), call
    kind = result.to_dict().get("object")
    if kind == "list":
        assert isinstance(result, ListObject), call
    elif kind == "search_result":
        assert isinstance(result, SearchResult), call
    else:
        kinds = {object_kind(n) for n in ref_names(response)}
        # a schema without an `object` field (terminal.refund) is typed by the operation alone
        assert kind in kinds or (kind is None and kinds <= set(ref_names(response))), (call, kind)
        assert type(result).__name__ != "UnknownObject", call


def test_the_surface_is_every_operation() -> None:
    assert len(calls()) == 587


def test_every_operation_sync() -> None:
    fake = FakeStripe(stateful=False)
    with fake.stripe_client() as client:
        for call in calls():
            ids, kwargs = arguments(call)
            _assert_typed(call, method(client, call)(*ids, **kwargs))
    assert {r.call_path for r in fake.requests} == set(calls())
    assert all(r.path.startswith("/v1/") for r in fake.requests)


async def test_every_operation_async() -> None:
    fake = FakeStripe(stateful=False)
    async with fake.async_stripe_client() as client:
        for call in calls():
            ids, kwargs = arguments(call)
            _assert_typed(call, await method(client, call)(*ids, **kwargs))
    assert {r.call_path for r in fake.requests} == set(calls())


def _loose(client: StripeClient | AsyncStripeClient, call: str) -> Operation[Any]:
    """The generated operation without the SDK's own pre-HTTP checks, so the fake judges."""
    bound = method(client, call)
    module = sys.modules[type(bound.__self__).__mro__[0].__module__]
    op = next(v for v in vars(module).values() if isinstance(v, Operation) and v.call_path == call)
    return Operation(op.operation_id, op.call_path, op.method, op.path_format, op.shape, base=op.base)


KINDS = ("unknown", "missing", "type", "enum")
SAMPLE = sorted(c for c in calls() if set(KINDS) <= set(probes(c)))


def test_sample_is_wide_enough() -> None:
    assert len(SAMPLE) >= 60
    assert len({c.split(".")[0] for c in SAMPLE}) >= 20


@pytest.mark.parametrize("kind", KINDS)
def test_each_mistake_raises_invalid_request_error_naming_the_param(kind: str) -> None:
    fake = FakeStripe(stateful=False)
    with fake.stripe_client(max_retries=0) as client:
        for call in SAMPLE:
            params, param = probes(call)[kind]
            ids, _ = arguments(call)
            with pytest.raises(InvalidRequestError) as caught:
                client._request(_loose(client, call), tuple(ids), params, {})
            assert caught.value.param == param, call
            assert caught.value.http_status == 400
            assert param in str(caught.value)
