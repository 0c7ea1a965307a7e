"""Uploads follow ``base_url`` (stripe-mock, a proxy); connection errors name the host they tried."""

from __future__ import annotations

import socket

import pytest

from lattice_stripe import AsyncStripeClient, StripeClient
from lattice_stripe._runtime.errors import APIConnectionError
from tests.stripe_server import Reply, StripeServer

KEY = "sk_test_123456789012345678"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "kwargs, files_url",
    [
        ({}, "https://files.stripe.com"),
        ({"base_url": "https://api.stripe.com/"}, "https://files.stripe.com"),
        ({"base_url": "http://localhost:12111"}, "http://localhost:12111"),
        ({"base_url": "http://proxy/", "files_base_url": "http://uploads"}, "http://uploads"),
        ({"files_base_url": "http://uploads"}, "http://uploads"),
    ],
)
def test_files_host_follows_base_url_unless_given(kwargs: dict[str, str], files_url: str) -> None:
    for cls in (StripeClient, AsyncStripeClient):
        assert cls(KEY, **kwargs).config.files_base_url == files_url  # type: ignore[arg-type]


def test_none_means_follow_only_in_the_constructor() -> None:
    from lattice_stripe import InvalidArgumentError

    assert (
        StripeClient(KEY, base_url="http://mock", files_base_url=None).config.files_base_url == "http://mock"
    )
    with pytest.raises(InvalidArgumentError):  # a derived client changes a URL, it cannot unset one
        StripeClient(KEY).with_options(files_base_url=None)  # type: ignore[arg-type]


def test_with_options_keeps_uploads_following() -> None:
    client = StripeClient(KEY)
    assert client.with_options(base_url="http://mock").config.files_base_url == "http://mock"
    pinned = StripeClient(KEY, files_base_url="http://uploads")
    assert pinned.with_options(base_url="http://mock").config.files_base_url == "http://uploads"
    assert (
        client.with_options(base_url="http://mock", files_base_url="http://f").config.files_base_url
        == "http://f"
    )


def test_uploads_reach_the_base_url_server(server: StripeServer) -> None:
    server.reply(Reply(json={"object": "file", "id": "file_1", "purpose": "dispute_evidence"}))
    with StripeClient(KEY, base_url=server.url) as client:
        created = client.files.create(file=("e.png", b"\x89PNG"), purpose="dispute_evidence")
    assert created.id == "file_1"
    assert (server.last.method, server.last.path) == ("POST", "/v1/files")
    assert (server.last.header("content-type") or "").startswith("multipart/form-data")


async def test_async_uploads_reach_the_base_url_server(server: StripeServer) -> None:
    server.reply(Reply(json={"object": "file", "id": "file_1", "purpose": "dispute_evidence"}))
    async with AsyncStripeClient(KEY, base_url=server.url) as client:
        await client.files.create(file=b"data", purpose="dispute_evidence")
    assert server.last.path == "/v1/files"


@pytest.mark.parametrize("upload", [False, True])
def test_a_connection_error_names_the_host(upload: bool) -> None:
    port = _closed_port()
    with StripeClient(KEY, base_url=f"http://127.0.0.1:{port}", max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            if upload:
                client.files.create(file=b"x", purpose="dispute_evidence")
            else:
                client.customers.retrieve("cus_1")
    where = "POST /v1/files" if upload else "GET /v1/customers/cus_1"
    method, path = where.split()
    assert f"{method} http://127.0.0.1:{port}{path}: " in str(caught.value)
