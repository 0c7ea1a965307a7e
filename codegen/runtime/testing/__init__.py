"""Testing: the in-process fake Stripe (``fake``), the objects it answers with (``objects``),
its view of the spec and request validation (``schema``), and the pytest plugin
(``pytest_plugin``).

Sits on top: it may import every other part of the runtime and the generated package.
"""
