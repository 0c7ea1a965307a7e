"""One API operation as the generated code describes it to the client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..errors import InvalidArgumentError

if TYPE_CHECKING:
    from ..objects.shapes import Shape, Structurer

T = TypeVar("T")

# What each parameter kind accepts (bool is refused where only numbers are expected).
_ACCEPTS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "decimal": (str, int),  # and decimal.Decimal, added on first use (see _acceptor)
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "seq": (list, tuple),
    "map": (Mapping,),
    "file": (bytes, bytearray, tuple),
    "any": (object,),
}
_EXPECTED = {
    "str": "a string",
    "decimal": "a decimal string, an int or a Decimal",
    "int": "an integer",
    "float": "a number",
    "bool": "a bool",
    "seq": "a list",
    "map": "a dict",
    "file": "bytes, a binary file or (filename, content)",
    "any": "any value",
}


class ParamCheck(Protocol):
    """A hand-written check of one operation's parameters (a guard in ``overrides/``)."""

    def check(self, params: Mapping[str, Any]) -> object: ...


def _acceptor(names: tuple[str, ...]) -> tuple[tuple[type, ...], bool, str]:
    """(accepted types, whether bool is welcome, description) for a parameter's kinds."""
    types = tuple(t for name in names for t in _ACCEPTS[name])
    if "decimal" in names:  # imported only for operations that take decimal strings
        from decimal import Decimal

        types += (Decimal,)
    return types, "bool" in names or "any" in names, " or ".join(_EXPECTED[n] for n in names)


def _is_file_tuple(value: tuple[Any, ...]) -> bool:
    if len(value) not in (2, 3) or not isinstance(value[0], str):
        return False
    content_ok = isinstance(value[1], (bytes, bytearray)) or hasattr(value[1], "read")
    return content_ok and (len(value) == 2 or isinstance(value[2], str))


class Operation(Generic[T]):
    """Method, path template and response shape of one endpoint (``T`` is its result type)."""

    __slots__ = (
        "_acceptors",
        "_structurer",
        "api",
        "base",
        "call_path",
        "checks",
        "clearable",
        "encoding",
        "kinds",
        "method",
        "operation_id",
        "path_format",
        "required",
        "shape",
    )

    def __init__(
        self,
        operation_id: str,
        call_path: str,
        method: str,
        path_format: str,
        shape: Shape,
        *,
        encoding: str = "form",
        base: str = "api",
        api: str = "v1",
        kinds: Mapping[str, tuple[str, ...]] | None = None,
        required: tuple[str, ...] = (),
        checks: tuple[ParamCheck, ...] = (),
    ) -> None:
        self.operation_id = operation_id
        self.call_path = call_path
        self.method = method
        self.path_format = path_format
        self.shape = shape
        self.encoding = encoding
        self.base = base
        self.api = api
        self.kinds = kinds or {}
        self.required = required
        self.checks = checks
        # Parameters whose spec also takes "" (Stripe's "unset"): an empty dict or list there
        # is sent as that empty value (`metadata={}` clears every key); elsewhere it is left
        # out, since Stripe refuses `expand=` for a plain list.
        self.clearable = frozenset(
            name for name, k in self.kinds.items() if "str" in k and ("map" in k or "seq" in k)
        )
        self._structurer: Structurer | None = None
        self._acceptors: dict[str, tuple[tuple[type, ...], bool, str]] | None = None

    def check(self, params: Mapping[str, Any]) -> None:
        """Refuse wrong parameters before any HTTP: first the operation's guards (amounts in
        minor units), then each parameter's kind (``expand="customer"``, a model object where
        an id belongs); nested fields are left to the type checker. A refused value is named
        by its type only, never quoted: it may be a secret (``client_secret=b"..."``)."""
        for name in self.required:
            if params.get(name) is None:  # None would be left out of the body, not sent
                raise InvalidArgumentError(f"{self.call_path}: {name} is required, got None", param=name)
        for guard in self.checks:
            guard.check(params)
        acceptors = self._acceptors
        if acceptors is None:
            acceptors = self._acceptors = {name: _acceptor(k) for name, k in self.kinds.items()}
        for name, value in params.items():
            if value is None or name not in acceptors:
                continue
            types, bool_ok, expected = acceptors[name]
            if isinstance(value, types) and (bool_ok or type(value) is not bool):
                if isinstance(value, tuple) and "file" in self.kinds[name] and not _is_file_tuple(value):
                    raise InvalidArgumentError(
                        f"{self.call_path}: {name} must be (filename, content) or (filename, content, "
                        f"content_type) with str names and bytes or a binary file, got a tuple of "
                        f"{', '.join(type(v).__name__ for v in value)}",
                        param=name,
                    )
                continue
            if hasattr(value, "read") and "file" in self.kinds[name]:
                continue
            raise InvalidArgumentError(
                f"{self.call_path}: {name} must be {expected}, got {type(value).__name__}",
                param=name,
            )

    def structure(self, data: Any) -> T:
        fn = self._structurer
        if fn is None:
            fn = self._structurer = self.shape.structurer()
        result: T = fn(data)
        return result

    def __repr__(self) -> str:
        return f"Operation({self.operation_id}: {self.method.upper()} {self.path_format})"
