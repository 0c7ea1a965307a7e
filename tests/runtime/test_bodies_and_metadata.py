"""Multipart upload to the files host, binary downloads, and response metadata."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP

import pytest

from lattice_stripe import AsyncStripeClient, StripeClient
from lattice_stripe._runtime.objects.response import RawResponse
from lattice_stripe.models import Customer, File
from tests.runtime.conftest import API_KEY, FAST
from tests.stripe_server import Recorded, Reply, StripeServer

FILE = {"id": "file_1", "object": "file", "purpose": "dispute_evidence", "size": 9}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF"


@pytest.fixture
def files_server() -> Iterator[StripeServer]:
    srv = StripeServer().start()
    yield srv
    srv.stop()


def multipart_fields(req: Recorded) -> dict[str, tuple[str | None, bytes]]:
    head = f"Content-Type: {req.header('content-type')}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + req.body)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    }


def test_file_upload_is_multipart_to_the_files_host(server: StripeServer, files_server: StripeServer) -> None:
    files_server.reply(Reply(500, {"error": {"type": "api_error", "message": "x"}}), Reply(json=FILE))
    upload = io.BytesIO(b"evidence!")
    upload.name = "/tmp/receipt.pdf"
    with StripeClient(API_KEY, base_url=server.url, files_base_url=files_server.url, retry_policy=FAST) as c:
        result = c.files.create(file=upload, purpose="dispute_evidence", file_link_data={"create": True})
    assert isinstance(result, File) and result.id == "file_1"
    assert server.requests == []  # nothing went to the API host
    first, retry = files_server.requests
    assert first.path == "/v1/files" and first.header("content-type").startswith(
        "multipart/form-data; boundary="
    )
    # the retry resends the same bytes even though the file object was read once
    for req in (first, retry):
        fields = multipart_fields(req)
        assert fields["file"] == ("receipt.pdf", b"evidence!")
        assert fields["purpose"] == (None, b"dispute_evidence")
        assert fields["file_link_data[create]"] == (None, b"true")
    assert first.header("idempotency-key") == retry.header("idempotency-key")


def test_file_upload_accepts_bytes_and_tuples(client, server: StripeServer) -> None:
    server.reply(Reply(json=FILE), Reply(json=FILE))
    client.files.create(file=b"raw bytes", purpose="identity_document")
    assert multipart_fields(server.last)["file"] == ("file", b"raw bytes")
    client.files.create(file=("id.png", io.BytesIO(b"\x89PNG"), "image/png"), purpose="identity_document")
    assert multipart_fields(server.last)["file"] == ("id.png", b"\x89PNG")
    assert b"Content-Type: image/png" in server.last.body


def test_quote_pdf_comes_back_as_bytes(client, server: StripeServer) -> None:
    server.reply(Reply(body=PDF, headers={"Content-Type": "application/pdf"}))
    pdf = client.quotes.pdf("qt_1")
    assert pdf == PDF and isinstance(pdf, bytes)
    assert server.last.path == "/v1/quotes/qt_1/pdf"


async def test_async_quote_pdf_and_upload(aclient, server: StripeServer) -> None:
    server.reply(Reply(body=PDF, headers={"Content-Type": "application/pdf"}), Reply(json=FILE))
    assert await aclient.quotes.pdf("qt_1") == PDF
    assert (await aclient.files.create(file=b"abc", purpose="dispute_evidence")).id == "file_1"


def test_last_response_on_the_result_keeps_the_model_typed(client, server: StripeServer) -> None:
    server.reply(
        Reply(500, {"error": {"type": "api_error", "message": "x"}}),
        Reply(json={"id": "cus_1", "object": "customer"}, headers={"Request-Id": "req_meta"}),
    )
    customer = client.customers.create(email="a@b.c")
    assert isinstance(customer, Customer)
    meta = customer.last_response
    assert (meta.status_code, meta.request_id, meta.attempts) == (200, "req_meta", 2)
    assert meta.headers["content-type"] == "application/json"
    assert customer.to_dict() == {"id": "cus_1", "object": "customer"}  # metadata is not data
    assert Customer.from_dict({"id": "cus_2"}).last_response is None


def test_with_raw_response(client, server: StripeServer) -> None:
    server.reply(
        Reply(json={"id": "cus_1", "object": "customer"}, headers={"Request-Id": "req_raw"}),
        Reply(body=PDF, headers={"Content-Type": "application/pdf", "Request-Id": "req_pdf"}),
        Reply(
            json={
                "object": "list",
                "data": [],
                "has_more": False,
                "url": "/v1/customers/cus_1/balance_transactions",
            }
        ),
    )
    raw = client.customers.with_raw_response.create(email="a@b.c")
    assert isinstance(raw, RawResponse)
    assert (raw.status_code, raw.request_id, raw.attempts) == (200, "req_raw", 1)
    assert raw.content == b'{"id": "cus_1", "object": "customer"}'
    customer = raw.parse()
    assert isinstance(customer, Customer) and raw.parse() is customer
    assert customer.last_response.request_id == "req_raw"
    pdf = client.quotes.with_raw_response.pdf("qt_1")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.parse() == PDF
    nested = client.customers.with_raw_response.balance_transactions.list("cus_1")
    assert nested.parse().data == []


async def test_async_with_raw_response(aclient, server: StripeServer) -> None:
    server.reply(Reply(json={"id": "cus_1", "object": "customer"}, headers={"Request-Id": "req_async"}))
    raw = await aclient.customers.with_raw_response.retrieve("cus_1")
    assert raw.request_id == "req_async" and raw.parse().id == "cus_1"


def test_raw_response_still_raises_stripe_errors(client, server: StripeServer) -> None:
    from lattice_stripe import InvalidRequestError

    server.reply(Reply(404, {"error": {"type": "invalid_request_error", "message": "No such customer"}}))
    with pytest.raises(InvalidRequestError):
        client.customers.with_raw_response.retrieve("cus_x")


def test_async_client_shares_the_surface() -> None:
    import inspect

    sync, asyn = StripeClient(API_KEY), AsyncStripeClient(API_KEY)
    for name in ("with_options", "on_request", "on_response"):
        a, b = inspect.signature(getattr(sync, name)), inspect.signature(getattr(asyn, name))
        assert list(a.parameters) == list(b.parameters), name
    # batch differs by design: a thread pool's max_workers, or a gather's concurrency
    assert list(inspect.signature(sync.batch).parameters) == ["calls", "max_workers"]
    assert list(inspect.signature(asyn.batch).parameters) == ["calls", "concurrency"]
    assert inspect.iscoroutinefunction(asyn.batch) and not inspect.iscoroutinefunction(sync.batch)
    assert sync.config == asyn.config
    derived = asyn.with_options(stripe_account="acct_9", max_retries=0)
    assert type(derived) is AsyncStripeClient
    assert (derived.config.stripe_account, derived.config.max_retries) == ("acct_9", 0)
    assert asyn.config.stripe_account is None  # the original is unchanged
