"""What a caller's text may become on the wire, the same for every transport (real sockets).

One rule (``check_no_controls``): no control character in what becomes a URL path or a header
line, refused before anything is sent; ``.``/``..`` segments of a raw path refused (the path is
sent as given); JSON params nested past the encoder refused by name; log lines that data
(an event id, a path) cannot split.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from lattice_stripe import AsyncStripeClient, InvalidArgumentError, StripeClient, WebhookRouter
from lattice_stripe._runtime.http import transport
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Reply, StripeServer
from tests.webhooks.helpers import SECRET, charge_event, signed

OK = {"id": "cus_1", "object": "customer"}
CONTROLS = ["\r\nX-Forged: 1", "\n", "\r", "\x00", "\t", "\x1b", "\x7f"]


@pytest.fixture(params=["sync-httpx", "async-aiohttp", "async-httpx"])
async def client(
    request: pytest.FixtureRequest, server: StripeServer, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[StripeClient | AsyncStripeClient]:
    server.handler = lambda rec: Reply(json=OK)
    if request.param == "sync-httpx":
        with StripeClient(API_KEY, base_url=server.url, retry_policy=FAST) as sync:
            yield sync
        return
    monkeypatch.setattr(transport, "aiohttp_installed", lambda: request.param == "async-aiohttp")
    async with AsyncStripeClient(API_KEY, base_url=server.url, retry_policy=FAST) as aclient:
        yield aclient


async def call(result: Any) -> Any:
    return await result if not isinstance(result, (dict, list)) and hasattr(result, "__await__") else result


@pytest.mark.parametrize("control", CONTROLS, ids=repr)
async def test_a_raw_path_with_a_control_character_is_refused_before_sending(
    client: Any, server: StripeServer, control: str
) -> None:
    with pytest.raises(
        InvalidArgumentError, match="raw_request: path may not contain control characters"
    ) as caught:
        await call(client.raw_request("get", f"/v1/customers{control}"))
    assert caught.value.param == "raw_request: path"
    assert server.requests == []


@pytest.mark.parametrize(
    "path",
    ["/v1/customers/../charges", "/v1/./customers", "/v1/customers/%2e%2e/charges", "/v1/customers/%2E"],
)
async def test_a_raw_path_with_dot_segments_is_refused_not_normalised(
    client: Any, server: StripeServer, path: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"may not contain '\.' or '\.\.' segments"):
        await call(client.raw_request("get", path))
    assert server.requests == []


async def test_a_raw_path_is_sent_as_given(client: Any, server: StripeServer) -> None:
    await call(client.raw_request("get", "/v1/customers/cus_1..2/a.b"))
    assert server.last.path == "/v1/customers/cus_1..2/a.b"


@pytest.mark.parametrize("control", ["\r\n", "\n", "\x00"], ids=repr)
@pytest.mark.parametrize("where", ["filename", "metadata key"])
async def test_multipart_names_with_control_characters_are_refused_before_sending(
    client: Any, server: StripeServer, control: str, where: str
) -> None:
    name, metadata = ("a.pdf", {"order": "1"})
    if where == "filename":
        name = f"a{control}Content-Type: text/html.pdf"
    else:
        metadata = {f"order{control}X": "1"}
    with pytest.raises(InvalidArgumentError, match="may not contain control characters"):
        await call(
            client.files.create(
                file=(name, b"%PDF-1.4"),
                purpose="dispute_evidence",
                file_link_data={"create": True, "metadata": metadata},
            )
        )
    assert server.requests == []


def _nested(depth: int) -> dict[str, Any]:
    params: dict[str, Any] = {"leaf": 1}
    for _ in range(depth):
        params = {"a": params}
    return params


async def test_json_params_nested_too_deep_are_refused_by_name(client: Any, server: StripeServer) -> None:
    with pytest.raises(InvalidArgumentError, match="params nest too deep") as caught:
        await call(client.raw_request("post", "/v2/core/things", params=_nested(100_000)))
    assert caught.value.param == "params"
    assert server.requests == []


async def test_a_log_line_is_one_line_whatever_the_data(
    client: Any, server: StripeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "lattice_stripe")
    await call(client.customers.retrieve("cus_1\r\nlattice_stripe INFO forged"))
    router = WebhookRouter(SECRET)

    @router.fallback
    def fails(event: Any) -> None:
        raise RuntimeError("handler failed")

    event = charge_event()
    event["id"] = "evt_1\nlattice_stripe.webhooks ERROR forged"
    assert router.handle(*signed(event)).status == 500
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("lattice_stripe")]
    assert len(messages) == 2
    assert not [m for m in messages if "\n" in m or "\r" in m]
