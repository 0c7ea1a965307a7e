"""Webhooks: signature verification and typed events (``events``), the router served as an
ASGI/WSGI app (``router``), one delivery through the ledger (``delivery``), and the event
ledgers on SQLite (``ledger``) and PostgreSQL (``ledger_postgres``).

Imports the top level, ``objects`` and ``observability``; never the HTTP client's internals.
"""

DEFAULT_WEBHOOK_TOLERANCE = 300
"""Seconds a webhook signature's timestamp may be from now (either way) and still verify."""
