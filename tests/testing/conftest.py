"""Stripe's own mock server, started on 127.0.0.1 for the tests that compare against it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from tests import shared

BINARY = shared.SHARED / shared.STRIPE_MOCK
HEADERS = {"Authorization": "Bearer sk_test_123"}
UNION = "could not validate against any of the constraints"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def stripe_mock() -> Iterator[str]:
    on_path = shutil.which("stripe-mock")
    # ../shared first, then PATH; with neither, need() skips the test (fails it in CI)
    binary = on_path if on_path and not BINARY.is_file() else shared.need(shared.STRIPE_MOCK)
    http, https = _free_port(), _free_port()
    proc = subprocess.Popen(
        [str(binary), "-http-addr", f"127.0.0.1:{http}", "-https-addr", f"127.0.0.1:{https}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http}"
    try:
        with httpx.Client(headers=HEADERS, timeout=1) as http:  # one client: each costs ~150 ms
            for _ in range(1200):  # up to ~2 min for the spec to load on a busy machine (a hang guard)
                if proc.poll() is not None:
                    pytest.fail(f"stripe-mock exited with {proc.returncode}")
                try:
                    http.get(url + "/v1/customers/cus_1")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                pytest.fail("stripe-mock did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
