"""One mixin for everything that holds a resource until closed (stores, archives, executors)."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closeable:
    """Context-manager methods over ``close()``: ``with X(...) as x:`` closes ``x`` on exit."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


__all__ = ["Closeable"]
