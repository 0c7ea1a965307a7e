"""One API operation as the generated code describes it to the client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from .shapes import Shape, Structurer

T = TypeVar("T")


class Operation(Generic[T]):
    """Method, path template and response shape of one endpoint (``T`` is its result type)."""

    __slots__ = ("_structurer", "base", "encoding", "method", "operation_id", "path_format", "shape")

    def __init__(
        self,
        operation_id: str,
        method: str,
        path_format: str,
        shape: Shape,
        *,
        encoding: str = "form",
        base: str = "api",
    ) -> None:
        self.operation_id = operation_id
        self.method = method
        self.path_format = path_format
        self.shape = shape
        self.encoding = encoding
        self.base = base
        self._structurer: Structurer | None = None

    def structure(self, data: Any) -> T:
        fn = self._structurer
        if fn is None:
            fn = self._structurer = self.shape.structurer()
        result: T = fn(data)
        return result

    def __repr__(self) -> str:
        return f"Operation({self.operation_id}: {self.method.upper()} {self.path_format})"
