"""Base classes of generated resources and namespaces: they only hold the client, and
answer an unknown attribute with the names that were probably meant."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ..objects.response import RawResponse
    from .client import AsyncBaseClient, SyncBaseClient
    from .operation import Operation


class _RawSync:
    """Stands in for a sync client so that generated methods return ``RawResponse``."""

    __slots__ = ("_client",)

    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client

    def _request(
        self,
        op: Operation[Any],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> RawResponse[Any]:
        return self._client._request_raw(op, path_args, params, options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _RawAsync(_RawSync):
    __slots__ = ()

    async def _request(  # type: ignore[override]
        self,
        op: Operation[Any],
        path_args: tuple[str, ...],
        params: Mapping[str, Any],
        options: Mapping[str, Any],
    ) -> RawResponse[Any]:
        client: AsyncBaseClient = self._client  # type: ignore[assignment]
        return await client._request_raw(op, path_args, params, options)


# The official SDK's names that ours spell differently, beyond the rules in `_official`.
OFFICIAL_NAMES = {"modify": "update", "payment_sources": "sources", "line_items": "lines"}
_VERBS = {"list": "list", "create": "create", "retrieve": "retrieve", "delete": "delete", "modify": "update"}


def _official(owner: object, name: str) -> str | None:
    """Our name for the official SDK's ``name``, if ``owner`` has it: the table above, else
    its two rules: an action named after the resource (``invoices.finalize_invoice``:
    ``finalize``) and a verb on a nested resource (``Customer.list_sources``: ``sources.list``)."""
    candidates = [OFFICIAL_NAMES[name]] if name in OFFICIAL_NAMES else []
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", type(owner).__name__.removeprefix("Async")).lower()
    singular = "_" + snake.removesuffix("s")
    if name.endswith(singular):
        candidates.append(name.removesuffix(singular))
    verb, _, child = name.partition("_")
    if verb in _VERBS and child:
        candidates += [f"{child}.{_VERBS[verb]}", f"{child}s.{_VERBS[verb]}"]
    for candidate in candidates:
        target: object = owner
        for part in candidate.split("."):
            if not part or part.startswith("_") or not hasattr(type(target), part):
                break
            target = getattr(target, part)
        else:
            return candidate
    return None


def no_attribute(owner: object, name: str) -> NoReturn:
    """The ``AttributeError`` for a missing public name, with what was probably meant."""
    what = f"{type(owner).__name__!r} object has no attribute {name!r}"
    if name.startswith("_"):
        raise AttributeError(what)
    ours = _official(owner, name)
    if ours is not None:
        raise AttributeError(f"{what}: the official SDK's {name} is {ours} here")
    import difflib  # only when a name is missing

    public = [n for n in dir(type(owner)) if not n.startswith("_")]
    close = difflib.get_close_matches(name, public, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    listing = f" (it has: {', '.join(public)})" if len(public) <= 20 else ""  # a client has ~100
    raise AttributeError(f"{what}{hint}{listing}")


class _Named:
    __slots__ = ()

    if not TYPE_CHECKING:  # a type checker must still refuse unknown names

        def __getattr__(self, name: str) -> Any:
            """Runs only when the attribute is missing: it explains the miss."""
            no_attribute(self, name)


class SyncResource(_Named):
    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> Any:
        """This resource with every method returning a ``RawResponse`` (status, headers,
        request id, bytes; ``.parse()`` gives the usual typed result)."""
        return type(self)(_RawSync(self._client))  # type: ignore[arg-type]


class AsyncResource(_Named):
    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> Any:
        """This resource with every method returning a ``RawResponse`` (status, headers,
        request id, bytes; ``await``-ed as usual; ``.parse()`` gives the typed result)."""
        return type(self)(_RawAsync(self._client))  # type: ignore[arg-type]


class SyncNamespace(_Named):
    """A group of resources under a path prefix (``client.checkout``)."""

    def __init__(self, client: SyncBaseClient) -> None:
        self._client = client


class AsyncNamespace(_Named):
    """A group of resources under a path prefix (``client.checkout``)."""

    def __init__(self, client: AsyncBaseClient) -> None:
        self._client = client
