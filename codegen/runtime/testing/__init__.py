"""Testing: the in-process fake Stripe (``fake``), the objects it answers with (``objects``),
its view of the spec and request validation (``schema``), what it holds (``state``), the
behaviours it follows (``behaviours/``, one module per area: payments, billing, usage billing
across v1, v2 and the meter event stream, event destinations, ...), its v2 API (``v2``), the
meter event stream host (``metering``), the thin events it records and delivers through
event destinations (``thin``), and the pytest plugin (``pytest_plugin``).

Sits on top: it may import every other part of the runtime and the generated package.
"""
