"""What a cold process pays: constructing a client loads no attrs, and a sync call loads
only what it uses. Also the plain classes that made that possible (``ClientConfig``, the
models' shared ``__repr__``/``__eq__``) behave as the attrs classes they replace."""

from __future__ import annotations

import copy
import functools
import json
import logging
import pickle
import subprocess
import sys
from typing import Any

import attrs
import pytest

from lattice_stripe import InvalidArgumentError, RetryPolicy, StripeClient, models
from lattice_stripe._runtime.http import client as client_module
from lattice_stripe._runtime.http.client import ClientConfig
from lattice_stripe._runtime.objects.models import StripeObject
from lattice_stripe._runtime.observability import observe
from tests.stripe_server import Reply, StripeServer

KEY = "sk_test_51HsEcRetKeyValue0000abcd"

LOADED = """
import json, sys
{code}
print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))
"""


def loaded_after(code: str, modules: tuple[str, ...], *args: str) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``code``."""
    script = LOADED.format(code=code, modules=modules)
    out = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, timeout=60
    )
    found: list[str] = json.loads(out.stdout)
    return found


RUNTIME = "lattice_stripe._runtime."


def test_constructing_a_client_loads_no_attrs_models_or_asyncio() -> None:
    code = f"from lattice_stripe import StripeClient\nStripeClient({KEY!r}).with_options(max_retries=0)"
    heavy = ("attrs", "attr", "asyncio", "uuid", "lattice_stripe.models")
    runtime = tuple(RUNTIME + m for m in ("models", "shapes", "pages", "observe", "retry", "response"))
    assert loaded_after(code, heavy + runtime) == []


def test_a_sync_call_loads_no_asyncio_hooks_or_retry_module(server: StripeServer) -> None:
    server.reply(Reply(json={"id": "cus_1", "object": "customer"}))
    code = (
        "from lattice_stripe import StripeClient\n"
        f"c = StripeClient({KEY!r}, base_url=sys.argv[1])\n"
        "assert c.customers.retrieve('cus_1').id == 'cus_1'\n"
    )
    unused = ("asyncio", RUNTIME + "observe", RUNTIME + "retry", RUNTIME + "aiohttp_client")
    assert loaded_after(code, unused, server.url) == []
    assert len(server.requests) == 1


def test_the_logger_alone_gets_each_attempt_logged(server: StripeServer, caplog: Any) -> None:
    # No hook registered: the client asks the logger itself before loading observe.
    assert observe.logger.name == client_module.OBSERVE_LOGGER
    server.reply(Reply(json={"id": "cus_1", "object": "customer"}))
    with StripeClient(KEY, base_url=server.url) as c, caplog.at_level(logging.INFO, "lattice_stripe"):
        c.customers.retrieve("cus_1")
    assert "GET /v1/customers/cus_1 -> 200" in caplog.text


def test_a_hook_registered_on_a_derived_client_sees_the_parents_calls(server: StripeServer) -> None:
    server.reply(*[Reply(json={"id": "cus_1", "object": "customer"}) for _ in range(2)])
    seen: list[str] = []
    with StripeClient(KEY, base_url=server.url) as parent:
        child = parent.with_options(max_retries=0)  # derived before any hook exists
        child.on_response(lambda event: seen.append(event.path))
        parent.customers.retrieve("cus_1")
        child.customers.retrieve("cus_1")
    assert seen == ["/v1/customers/cus_1"] * 2


# -- ClientConfig: a frozen value, as the attrs class was ------------------------------------


def test_client_config_is_a_frozen_value() -> None:
    config = ClientConfig(KEY, timeout=5)
    same = ClientConfig(api_key=KEY, timeout=5.0)
    assert config == same and hash(config) == hash(same)
    assert config != ClientConfig(KEY, timeout=6) and config != object()
    for name in ("api_key", "retry_policy", "timeout", "anything"):
        with pytest.raises(AttributeError):
            setattr(config, name, 1)
    with pytest.raises(AttributeError):
        del config.timeout
    assert config.retry_policy == RetryPolicy() and config.api_version
    assert pickle.loads(pickle.dumps(config)) == config == copy.deepcopy(config)


def test_client_config_repr_masks_the_key_and_shows_every_setting() -> None:
    text = repr(ClientConfig(KEY, stripe_account="acct_1"))
    assert KEY not in text and "api_key='sk_***abcd'" in text
    for name in ClientConfig.FIELDS:
        assert f"{name}=" in text
    assert "stripe_account='acct_1'" in text


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"api_key": "sk test"}, "api_key"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"max_retries": -1}, "max_retries"),
        ({"timeout": 0}, "timeout"),
        ({"retry_policy": 3}, "retry_policy"),
        ({"strict_guards": "yes"}, "strict_guards"),
        ({"retry_strategy": 3}, "retry_strategy"),
    ],
)
def test_client_config_replace_checks_like_a_new_one(changes: dict[str, Any], param: str) -> None:
    config = ClientConfig(KEY)
    with pytest.raises(InvalidArgumentError) as info:
        config.replace(**changes)
    assert info.value.param == param
    assert config.replace(timeout=3).timeout == 3 and config.timeout != 3


def test_client_config_replace_refuses_an_unknown_setting() -> None:
    with pytest.raises(TypeError, match="colour"):
        ClientConfig(KEY).replace(colour="blue")


# -- models: the shared __repr__/__eq__ match what attrs generates per class ---------------


@functools.cache
def attrs_twin(cls: type[StripeObject]) -> type:
    """A class with ``cls``'s public fields whose repr and eq attrs generates itself."""
    fields = [a for a in attrs.fields(cls) if not a.name.startswith("_")]
    body: dict[str, Any] = {"__annotations__": {a.name: "Any" for a in fields}}
    body.update({a.name: attrs.field(default=None, repr=a.repr, eq=a.eq) for a in fields})
    return attrs.define(kw_only=True)(type(cls.__name__, (), body))


SAMPLES = [
    (models.Charge, {"id": "ch_1", "object": "charge", "amount": 100, "metadata": {"a": "b"}}),
    (models.PaymentIntent, {"id": "pi_1", "client_secret": "pi_1_secret_TOPSECRET", "amount": 5}),
    (models.Customer, {"id": "cus_1", "address": {"city": "Lyon", "line1": "1 rue"}, "new_key": 1}),
    (models.Address, {}),
]


def twin_of(obj: StripeObject) -> Any:
    twin = attrs_twin(type(obj))
    return twin(**{a.name: getattr(obj, a.name) for a in attrs.fields(twin)})


@pytest.mark.parametrize(("cls", "data"), SAMPLES, ids=[c.__name__ for c, _ in SAMPLES])
def test_model_repr_is_the_one_attrs_would_generate(cls: type[StripeObject], data: dict[str, Any]) -> None:
    obj = cls.from_dict(data)
    assert repr(obj) == repr(twin_of(obj))
    assert "TOPSECRET" not in repr(obj)


@pytest.mark.parametrize(("cls", "data"), SAMPLES, ids=[c.__name__ for c, _ in SAMPLES])
def test_model_eq_compares_the_fields_attrs_would(cls: type[StripeObject], data: dict[str, Any]) -> None:
    obj = cls.from_dict(data)
    assert obj == cls.from_dict(data) == copy.deepcopy(obj) == pickle.loads(pickle.dumps(obj))
    first = next(a.name for a in attrs.fields(cls) if not a.name.startswith("_"))
    changed = cls.from_dict(data)
    setattr(changed, first, "changed")
    assert obj != changed and twin_of(obj) != twin_of(changed)
    # Unknown keys and absent ones are not fields (eq=False), as before: equal data, equal models.
    more = cls.from_dict({**data, "not_modelled": 1})
    assert (obj == more) is (twin_of(obj) == twin_of(more)) is True
    assert obj.__eq__(data) is NotImplemented and obj != data


def test_a_model_inside_itself_shows_as_an_ellipsis() -> None:
    customer = models.Customer.from_dict({"id": "cus_1"})
    customer.metadata = {"self": customer}
    assert "metadata={'self': ...}" in repr(customer)


def test_models_are_unhashable_as_attrs_mutable_classes_are() -> None:
    with pytest.raises(TypeError):
        hash(models.Charge.from_dict({"id": "ch_1"}))
