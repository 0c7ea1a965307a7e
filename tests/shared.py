"""Data from ``../shared`` (Stripe's published specs and fixtures, tools), under one rule.

Tests reach these files only through the fixtures in ``tests/conftest.py`` (``pinned_spec``,
``old_spec``, ``fixtures3``) or other fixtures that call :func:`need`: a missing file skips the test with
the path it looked for, or fails it when ``LATTICE_STRIPE_REQUIRE_SHARED=1`` (CI, where
``../shared`` is always beside the clone). Nothing here reads a file at import time, so
collection never depends on ``../shared``. ``LATTICE_STRIPE_SHARED`` points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen import spec as spec_mod

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LATTICE_STRIPE_SHARED") or ROOT.parent / "shared")

PINNED_SPEC = "openapi/spec3.2026-05-27.json"
OLD_SPEC = "openapi/spec3.2022-11-15.yaml"
# 2022-11-15 -> 2023-08-16: the real spec update whose counts the shared README publishes
PAIR_SPEC = "openapi/spec3.2023-08-16.yaml"
PAIR_LOCK = spec_mod.ROOT / "spec" / "locks" / "2023-08-16.lock"
FIXTURES3 = "openapi/fixtures3.2026-05-27.json"
STRIPE_MOCK = "tools/stripe-mock-2025/stripe-mock"  # serves the pinned 2026 spec
OLD_STRIPE_MOCK = "tools/stripe-mock/stripe-mock"  # serves 2023-08-16 and older

OLD_COMMIT = "222e640e82c5ce4730948ca8bd3bb97b47f9532b"
OLD_LOCK = spec_mod.Lock(
    api_version="2022-11-15",
    repository="stripe/openapi",
    commit=OLD_COMMIT,
    path="openapi/spec3.yaml",
    canonical_sha256="3460236060869cd83a25386e21e01ec7ac4d60896b4e3345c596651000564b9c",
    url=spec_mod.Lock.upstream_url("stripe/openapi", OLD_COMMIT),
)


def need(name: str) -> Path:
    """The path of ``../shared/<name>``; skips (or fails, in CI) the test if it is missing."""
    path = SHARED / name
    if not path.is_file():
        message = f"needs {path} (Stripe's published files, in ../shared beside the checkout)"
        if os.environ.get("LATTICE_STRIPE_REQUIRE_SHARED") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path
