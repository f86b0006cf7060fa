"""Async views of a Result (mirrors ``sqlalchemy.ext.asyncio.result``).

An async result wraps the synchronous :class:`~quicksilver.engine.Result`
(or one of its views) that the engine built, and runs each fetching method
through :func:`~quicksilver.util.concurrency.greenlet_spawn`, because fetching
from a server-side cursor is I/O.  All row shaping (``unique()``,
``columns()``, scalars, mappings) is the sync result's own code: the async
classes add no behaviour of their own, only ``await``.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, List, Optional, TypeVar

from ...engine.result import _NO_ROW, FrozenResult, Result
from ...util.concurrency import greenlet_spawn

_T = TypeVar("_T")


def _next_or_no_row(real: Any) -> Any:
    return real._fetch_one_out()


class AsyncCommon:
    """What every async result offers: ``close()``, ``closed``, ``yield_per``."""

    __slots__ = ("_real_result", "_filtered")

    _real_result: Result[Any]

    def __init__(self, real_result: Result[Any], filtered: Any = None) -> None:
        self._real_result = real_result
        self._filtered = filtered if filtered is not None else real_result

    async def close(self) -> None:
        """Close the result (and its server-side cursor)."""
        await greenlet_spawn(self._real_result.close)

    @property
    def closed(self) -> bool:
        """True once the underlying result is closed."""
        return bool(self._real_result.closed)

    def yield_per(self, num: int) -> Any:
        """Fetch ``num`` rows per round trip; returns this result."""
        self._real_result.yield_per(num)
        return self

    def unique(self, strategy: Any = None) -> Any:
        """Skip rows (values) already returned; returns this result."""
        self._filtered.unique(strategy)
        return self

    def __aiter__(self) -> Any:
        return self

    async def __anext__(self) -> Any:
        out = await greenlet_spawn(_next_or_no_row, self._filtered)
        if out is _NO_ROW:
            raise StopAsyncIteration()
        return out

    async def partitions(self, size: Optional[int] = None) -> AsyncIterator[List[Any]]:
        """Lists of up to ``size`` rows, fetched one list per round trip."""
        filtered = self._filtered
        while True:
            part = await greenlet_spawn(filtered._fetch_many_out, size)
            if not part:
                return
            yield part

    async def fetchall(self) -> List[Any]:
        """Every remaining row (same as :meth:`all`)."""
        return await greenlet_spawn(self._filtered.fetchall)  # type: ignore[no-any-return]

    async def fetchmany(self, size: Optional[int] = None) -> List[Any]:
        """Up to ``size`` rows; ``[]`` when there are no more."""
        return await greenlet_spawn(self._filtered.fetchmany, size)  # type: ignore[no-any-return]

    async def all(self) -> List[Any]:
        """Every remaining row, as a list."""
        return await greenlet_spawn(self._filtered.all)  # type: ignore[no-any-return]

    async def first(self) -> Any:
        """The first row or ``None``; closes the result."""
        return await greenlet_spawn(self._filtered.first)

    async def one_or_none(self) -> Any:
        """The only row or ``None``; raises MultipleResultsFound if more."""
        return await greenlet_spawn(self._filtered.one_or_none)

    async def one(self) -> Any:
        """The only row; raises NoResultFound or MultipleResultsFound."""
        return await greenlet_spawn(self._filtered.one)


class AsyncResult(AsyncCommon):
    """Rows, fetched with ``await``; mirrors ``sqlalchemy.ext.asyncio.AsyncResult``.

    From ``AsyncConnection.stream()``; iterate with ``async for``.
    """

    __slots__ = ()

    def __init__(self, real_result: Result[Any]) -> None:
        super().__init__(real_result)

    def keys(self) -> Any:
        """The column names."""
        return self._real_result.keys()

    def columns(self, *col_expressions: Any) -> "AsyncResult":
        """Keep only these columns; returns this result."""
        self._real_result.columns(*col_expressions)
        return self

    def tuples(self) -> "AsyncTupleResult":
        """This result, typed as returning tuples."""
        return self  # type: ignore[return-value]

    @property
    def t(self) -> "AsyncTupleResult":
        """Short for :meth:`tuples`."""
        return self  # type: ignore[return-value]

    def scalars(self, index: Any = 0) -> "AsyncScalarResult[Any]":
        """An async view returning the values of one column."""
        return AsyncScalarResult(self._real_result, index)

    def mappings(self) -> "AsyncMappingResult":
        """An async view returning RowMapping objects."""
        return AsyncMappingResult(self._real_result)

    async def fetchone(self) -> Any:
        """The next row, or ``None`` when there are no more."""
        return await greenlet_spawn(self._real_result.fetchone)

    async def scalar(self) -> Any:
        """The first column of the first row, or ``None``; closes the result."""
        return await greenlet_spawn(self._real_result.scalar)

    async def scalar_one(self) -> Any:
        """The first column of the only row."""
        return await greenlet_spawn(self._real_result.scalar_one)

    async def scalar_one_or_none(self) -> Any:
        """The first column of the only row, or ``None``."""
        return await greenlet_spawn(self._real_result.scalar_one_or_none)

    async def freeze(self) -> FrozenResult[Any]:
        """Read every row into a FrozenResult."""
        return await greenlet_spawn(self._real_result.freeze)  # type: ignore[no-any-return]


class AsyncTupleResult(AsyncResult):
    """An AsyncResult typed as returning tuples (``AsyncResult.tuples()``)."""

    __slots__ = ()


class AsyncScalarResult(AsyncCommon):
    """Values of one column; mirrors ``sqlalchemy.ext.asyncio.AsyncScalarResult``."""

    __slots__ = ()

    def __init__(self, real_result: Result[Any], index: Any = 0) -> None:
        super().__init__(real_result, real_result.scalars(index))

    # Typed as a generic view in SQLAlchemy; subscripting is harmless.
    def __class_getitem__(cls, item: Any) -> Any:
        return cls


class AsyncMappingResult(AsyncCommon):
    """RowMappings; mirrors ``sqlalchemy.ext.asyncio.AsyncMappingResult``."""

    __slots__ = ()

    def __init__(self, real_result: Result[Any]) -> None:
        super().__init__(real_result, real_result.mappings())

    def keys(self) -> Any:
        """The column names."""
        return self._filtered.keys()

    def columns(self, *col_expressions: Any) -> "AsyncMappingResult":
        """Keep only these columns; returns this view."""
        self._filtered.columns(*col_expressions)
        return self

    async def fetchone(self) -> Any:
        """The next mapping, or ``None``."""
        return await greenlet_spawn(self._filtered.fetchone)


__all__ = [
    "AsyncCommon",
    "AsyncResult",
    "AsyncTupleResult",
    "AsyncScalarResult",
    "AsyncMappingResult",
]
