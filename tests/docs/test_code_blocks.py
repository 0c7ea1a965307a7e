"""Every ```python block of the README and docs/ runs as written, so none can drift.

The blocks of a page run in order in one namespace against a fresh in-process
``FakeStripe``: a client the page builds the way a user would (``StripeClient("sk_test_...")``)
gets the fake as its connection pool instead of api.stripe.com, and the environment holds
the variables the pages read (``STRIPE_API_KEY``, ``STRIPE_WEBHOOK_SECRET``). Blocks run in
a temporary working directory, with guard warnings as errors (the docs make their choices
explicit). A page's file blocks (``title="test_....py"``) are written to a folder and run
by pytest in a child process, as a reader would run them.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lattice_stripe._runtime.http import transport
from lattice_stripe.overrides import GuardWarning
from lattice_stripe.testing import FakeStripe
from tests.docs.blocks import Block, blocks, pages

PYTHON = ("python", "py")
PAGES = pages()
# Pages whose blocks call the API: each must reach the fake (a block that silently did
# nothing, or went elsewhere, would pass otherwise).
CALLS_STRIPE = {
    "README.md",
    "docs/getting-started.md",
    "docs/guides/payments.md",
    "docs/guides/connect.md",
    "docs/guides/usage-billing.md",
}


def _code(page: str) -> list[Block]:
    return [b for b in blocks(page) if b.lang in PYTHON and not b.is_file]


def _files(page: str) -> list[Block]:
    return [b for b in blocks(page) if b.is_file]


@pytest.fixture
def fake_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    fake = FakeStripe()
    monkeypatch.setattr(transport, "new_sync_http", fake.client)
    monkeypatch.setattr(transport, "new_async_http", fake.async_client)
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_docs")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", fake.webhook_secret)
    monkeypatch.chdir(tmp_path)
    # A page may configure logging as it tells readers to; the rest of the suite must not see it.
    loggers = [logging.getLogger(name) for name in ("", "lattice_stripe", "lattice_stripe.webhooks")]
    saved = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    yield fake
    for lg, level, handlers in saved:
        lg.setLevel(level)
        lg.handlers[:] = handlers


@pytest.mark.parametrize("page", [p for p in PAGES if _code(p)])
def test_python_blocks_run(page: str, fake_world: FakeStripe) -> None:
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", GuardWarning)
        for block in _code(page):
            exec(block.compiled(), namespace)  # a failure's traceback names page and line
    assert fake_world.requests or page not in CALLS_STRIPE, f"{page} made no request to the fake"


@pytest.mark.parametrize("page", [p for p in PAGES if _files(p)])
def test_file_blocks_pass_under_pytest(page: str, tmp_path: Path) -> None:
    files = _files(page)
    assert any(Path(b.title or "").name.startswith("test_") for b in files), f"{page}: no test_*.py block"
    for block in files:
        target = tmp_path / (block.title or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.code)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout


def test_pages_have_blocks_that_run() -> None:
    """The README and the guides hold runnable code; a fence typo (```pyhton) shows up here."""
    languages = {b.lang for p in PAGES for b in blocks(p)}
    assert languages <= {*PYTHON, "text", "sh", "toml", "ini", "yaml", "json"}, languages
    assert _code("README.md") and _files("README.md")
