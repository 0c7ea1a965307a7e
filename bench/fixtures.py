"""The response body every benchmark uses: Stripe's own charge fixture, customer expanded."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
API_VERSION = "2026-05-27"  # the pinned spec's fixtures (2026-05-27.dahlia)
FIXTURES_SHA256 = "8e518ab1eb90182e3e45df7bb8600e26407b8e17386a002b4de6b8f8e08ca567"
FIXTURES_URL = "https://raw.githubusercontent.com/stripe/openapi/eebb74e2089c37baf2d3ccf322e7a30927dd4abf/openapi/fixtures3.json"
ENV_VAR = "LATTICE_STRIPE_FIXTURES"


def _fixtures_bytes() -> bytes:
    """``$LATTICE_STRIPE_FIXTURES``, the ``../shared/openapi`` mirror, the cache, or a download."""
    cache = ROOT / ".cache" / "bench" / f"fixtures3.{API_VERSION}.json"
    mirror = ROOT.parent / "shared" / "openapi" / f"fixtures3.{API_VERSION}.json"
    for path in (os.environ.get(ENV_VAR), mirror, cache):
        if path and Path(path).is_file():
            data = Path(path).read_bytes()
            break
    else:
        with urllib.request.urlopen(FIXTURES_URL, timeout=60) as response:
            data = response.read()
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(data)
    if hashlib.sha256(data).hexdigest() != FIXTURES_SHA256:
        raise SystemExit(f"fixtures file does not match sha256 {FIXTURES_SHA256[:12]}…")
    return data


@functools.cache
def charge() -> dict[str, Any]:
    resources = json.loads(_fixtures_bytes())["resources"]
    return {**resources["charge"], "customer": resources["customer"]}


def charge_bytes() -> bytes:
    return json.dumps(charge()).encode()


@functools.cache
def _plain_charge() -> dict[str, Any]:
    return dict(json.loads(_fixtures_bytes())["resources"]["charge"])


def list_charges(start: int, count: int) -> list[dict[str, Any]]:
    """``count`` charges (the fixture, unexpanded) with ids ``ch_<start>`` onwards."""
    template = _plain_charge()
    return [{**template, "id": f"ch_{n:05d}"} for n in range(start, start + count)]


def list_page(start: int, count: int, total: int) -> bytes:
    """A list object holding charges ``start..start+count`` of ``total``."""
    data = list_charges(start, count)
    body = {"object": "list", "data": data, "has_more": start + count < total, "url": "/v1/charges"}
    return json.dumps(body).encode()
