"""The HTTP client: configuration and per-request options, request building and encoding,
the retry loop and strategies, the httpx and aiohttp transports, idempotency keys, batch
fan-out, and the base classes generated resources render against.

Imports the top level, ``objects``, ``observability`` and ``webhooks`` (for
``construct_event``); only ``testing`` sits above it.
"""
