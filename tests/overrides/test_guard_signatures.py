"""Guarded methods: signature mistakes fail first, as a TypeError naming the public method.

Each check is declared once (``overrides/``) and wrapped for both clients by ``guard.guarded``;
these tests run every guarded method of the package, sync and async.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import pytest

from lattice_stripe._runtime.errors import InvalidArgumentError
from lattice_stripe.overrides.guard import GuardWarning
from overrides.registry import RESOURCE_GUARDS
from tests.overrides.test_guards import call
from tests.stripe_server import Reply, StripeServer


@pytest.fixture(autouse=True)
def _answer(server: StripeServer) -> None:
    server.handler = lambda rec: Reply(json={"id": "obj_1"})


@pytest.fixture(params=["sync", "async"])
def any_client(request: pytest.FixtureRequest, client: Any, aclient: Any) -> Any:
    return client if request.param == "sync" else aclient


def _resource(client: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        client = getattr(client, part)
    return client


def _guarded_methods(client: Any) -> list[tuple[str, Any]]:
    """(call path, bound public method) of every guarded method the package has."""
    found = []
    for entry in RESOURCE_GUARDS:
        resource = _resource(client, entry.resource)
        for name, value in sorted(vars(type(resource)).items()):
            if callable(value) and hasattr(value, "__wrapped__"):
                found.append((f"{entry.resource}.{name}", getattr(resource, name)))
    return found


def test_every_registered_guard_is_found(client: Any, aclient: Any) -> None:
    names = [path for path, _ in _guarded_methods(client)]
    assert names == [
        "accounts.reject",
        "invoices.create",
        "subscriptions.update",
        "subscription_items.create",
        "subscription_items.delete",
        "subscription_items.update",
    ]
    assert [path for path, _ in _guarded_methods(aclient)] == names


def test_guarded_methods_show_the_generated_signature(client: Any, aclient: Any) -> None:
    for any_client in (client, aclient):
        for path, method in _guarded_methods(any_client):
            generated = inspect.unwrap(method)
            unbound = inspect.signature(generated)
            shown = unbound.replace(parameters=list(unbound.parameters.values())[1:])  # no self
            assert inspect.signature(method) == shown, path
            assert method.__doc__ == generated.__doc__ and method.__doc__, path
            is_async = any_client is aclient
            assert inspect.iscoroutinefunction(method) is inspect.iscoroutinefunction(generated) is is_async


async def test_one_positional_too_many_is_a_type_error_naming_the_public_method(
    any_client: Any, server: StripeServer
) -> None:
    for path, method in _guarded_methods(any_client):
        positional = [
            p for p in inspect.signature(method).parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD
        ]
        args = ["x_1"] * (len(positional) + 1)
        with warnings.catch_warnings():
            warnings.simplefilter("error", GuardWarning)  # no guard warning before the TypeError
            with pytest.raises(TypeError) as caught:
                result = method(*args)
                if inspect.isawaitable(result):
                    await result
        message = str(caught.value)
        assert message.startswith(f"{path}() takes {len(positional)} positional argument"), message
        assert "Base" not in message and "refused" not in message
    assert server.requests == []


@pytest.mark.parametrize(
    "method, args, kwargs, expected",
    [
        (
            "accounts.reject",
            ("acct_1", "fraud"),
            {},
            "accounts.reject() takes 1 positional argument (account) but 2 were given",
        ),
        (
            "subscription_items.update",
            ("si_1", "extra"),
            {"price": "price_2"},
            "subscription_items.update() takes 1 positional argument (item) but 2 were given",
        ),
        (
            "subscription_items.create",
            (),
            {"price": "price_2"},
            "subscription_items.create(): missing a required argument: 'subscription'",
        ),
        (
            "accounts.reject",
            (),
            {"reason": "fraud"},
            "accounts.reject(): missing a required argument: 'account'",
        ),
        (
            "accounts.reject",
            ("acct_1",),
            {"account": "acct_1", "reason": "fraud"},
            "accounts.reject(): multiple values for argument 'account'",
        ),
    ],
)
async def test_signature_errors_come_before_guard_checks(
    any_client: Any,
    server: StripeServer,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    expected: str,
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", GuardWarning)
        with pytest.raises(TypeError) as caught:
            await call(any_client, method, *args, **kwargs)
    assert str(caught.value).startswith(expected), str(caught.value)
    assert not isinstance(caught.value, InvalidArgumentError)  # not a refused value: a wrong call
    assert server.requests == []


async def test_an_unknown_keyword_is_refused_before_a_guard_warning(
    any_client: Any, server: StripeServer
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", GuardWarning)
        with pytest.raises(
            InvalidArgumentError, match=r"subscription_items.update: unexpected keyword argument\(s\) pricee"
        ):
            await call(any_client, "subscription_items.update", "si_1", pricee="price_2")
    assert server.requests == []


async def test_a_guard_sees_arguments_by_name_however_they_were_passed(
    any_client: Any, server: StripeServer
) -> None:
    with pytest.warns(GuardWarning, match=r"subscription_items.update \(quantity\)"):
        await call(any_client, "subscription_items.update", "si_1", quantity=2)
    assert server.last.path == "/v1/subscription_items/si_1"
    with pytest.raises(InvalidArgumentError, match="reason='spam'"):
        await call(any_client, "accounts.reject", "acct_1", reason="spam")
    assert len(server.requests) == 1


async def test_raw_response_runs_the_same_guards(any_client: Any, server: StripeServer) -> None:
    with pytest.raises(InvalidArgumentError, match="reason='spam'"):
        await call(any_client.accounts.with_raw_response, "reject", "acct_1", reason="spam")
    raw = await call(any_client.accounts.with_raw_response, "reject", "acct_1", reason="fraud")
    assert raw.status_code == 200
    assert server.last.form_dict == {"reason": "fraud"}
