"""Building a client must not pull in the transport or the converter: they load on first use."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from lattice_stripe import StripeClient, AsyncStripeClient
c = StripeClient("sk_test_x").with_options(stripe_account="acct_1")
AsyncStripeClient("sk_test_x")
c.customers  # resolving a resource is fine too
heavy = sorted(m for m in ("httpx", "httpcore", "cattrs", "anyio") if m in sys.modules)
print(",".join(heavy))
"""


def test_constructing_clients_imports_nothing_heavy() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == ""
