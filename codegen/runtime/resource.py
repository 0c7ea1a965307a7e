"""Base classes of generated resources and namespaces: they only hold the client."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .client import AsyncBaseClient, SyncBaseClient


class SyncResource:
    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client


class AsyncResource:
    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client


class SyncNamespace:
    """A group of resources under a path prefix (``client.checkout``)."""

    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client


class AsyncNamespace:
    """A group of resources under a path prefix (``client.checkout``)."""

    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client
