"""Base classes of generated resources and namespaces: they only hold the client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..objects.response import RawResponse
    from .client import AsyncBaseClient, SyncBaseClient
    from .operation import Operation


class _RawSync:
    """Stands in for a sync client so that generated methods return ``RawResponse``."""

    __slots__ = ("_client",)

    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client

    def request(
        self,
        op: Operation[Any],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> RawResponse[Any]:
        return self._client.request_raw(op, path_args, params, options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _RawAsync(_RawSync):
    __slots__ = ()

    async def request(  # type: ignore[override]
        self,
        op: Operation[Any],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> RawResponse[Any]:
        client: AsyncBaseClient = self._client  # type: ignore[assignment]
        return await client.request_raw(op, path_args, params, options)


class SyncResource:
    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> Any:
        """This resource with every method returning a ``RawResponse`` (status, headers,
        request id, bytes; ``.parse()`` gives the usual typed result)."""
        return type(self)(_RawSync(self._client))  # type: ignore[arg-type]


class AsyncResource:
    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> Any:
        """This resource with every method returning a ``RawResponse`` (status, headers,
        request id, bytes; ``await``-ed as usual; ``.parse()`` gives the typed result)."""
        return type(self)(_RawAsync(self._client))  # type: ignore[arg-type]


class SyncNamespace:
    """A group of resources under a path prefix (``client.checkout``)."""

    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client


class AsyncNamespace:
    """A group of resources under a path prefix (``client.checkout``)."""

    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client
