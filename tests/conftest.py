from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from codegen import spec as spec_mod
from lattice_stripe import AsyncStripeClient, StripeClient
from tests import shared
from tests.stripe_server import StripeServer

# No property depends on how busy the machine is: no per-example deadline, no too_slow health
# check (a test's own settings that list health checks to suppress name too_slow as well).
settings.register_profile("lattice", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("lattice")


# Test files sharing a session fixture too costly to build twice, each group run by one worker.
SHARED_SESSION = {
    "postgres": ("tests/ledger/",),  # the PostgreSQL server
    "stripe-mock": tuple(f"tests/testing/test_{n}.py" for n in ("examples", "notebook", "stripe_mock")),
    "mypy": ("tests/test_first_hour_typing.py", "tests/test_page_flavours.py"),  # mypy_cache
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``make test`` runs pytest-xdist workers with ``--dist loadfile``: each is handed a test
    file at a time (its module fixtures are built once), or a whole SHARED_SESSION group."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileOrGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return next((name for name, files in SHARED_SESSION.items() if path.startswith(files)), path)

    return FileOrGroup(config, log)


@pytest.fixture
def server() -> Iterator[StripeServer]:
    srv = StripeServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def client(server: StripeServer) -> Iterator[StripeClient]:
    with StripeClient("sk_test_123456789012345678", base_url=server.url, files_base_url=server.url) as c:
        yield c


@pytest.fixture
async def aclient(server: StripeServer) -> AsyncStripeClient:
    c = AsyncStripeClient("sk_test_123456789012345678", base_url=server.url, files_base_url=server.url)
    yield c
    await c.aclose()


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the runs that check scripts against the dev install: the first one
    analyses lattice_stripe, the others only their scripts (one worker runs them all)."""
    return tmp_path_factory.mktemp("mypy-cache")


# -- data from ../shared (see tests/shared.py): the only way tests reach it ----------------


@pytest.fixture(scope="session")
def pinned_spec() -> spec_mod.LoadedSpec:
    """The pinned spec (``spec/stripe.lock``), parsed."""
    return spec_mod.load(spec_mod.Lock.read(), shared.need(shared.PINNED_SPEC), download=False)


@pytest.fixture(scope="session")
def old_spec() -> Path:
    """The 2022-11-15 spec file (its lock is ``shared.OLD_LOCK``)."""
    return shared.need(shared.OLD_SPEC)


@pytest.fixture(scope="session")
def fixtures3() -> dict[str, dict[str, Any]]:
    """Stripe's example objects for the pinned version, by resource name."""
    resources: dict[str, dict[str, Any]] = json.loads(shared.need(shared.FIXTURES3).read_text())["resources"]
    return resources
