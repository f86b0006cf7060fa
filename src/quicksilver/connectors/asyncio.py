"""Async drivers seen through PEP 249: the adapter classes every async dialect uses.

An async driver (aiosqlite, asyncpg, psycopg's AsyncConnection) offers
coroutines.  quicksilver's engine is synchronous and talks PEP 249, so each
async dialect wraps its driver in the small classes below, whose methods call
:func:`~quicksilver.util.concurrency.await_only` on the driver's coroutines.
Under :func:`~quicksilver.util.concurrency.greenlet_spawn` (which every
``quicksilver.ext.asyncio`` method uses) those calls suspend the task, not the
thread, and the engine runs unchanged.

Design points:

* **One round trip per statement.**  A plain cursor runs the statement *and*
  fetches its rows in one coroutine (``_execute_buffered``), then serves
  ``fetch*()`` from memory.  So a ``CursorResult`` returned by
  ``AsyncConnection.execute()`` is fully usable from async code without the
  bridge, as in SQLAlchemy.
* **Server-side cursors** (``stream()``) fetch in batches through the bridge.
* **Exceptions** are the driver's own when they already follow PEP 249
  (sqlite3, psycopg); otherwise the dialect maps them (asyncpg).
* **Cooperative pool waiting.**  ``QueuePool`` waits on a thread lock, which
  would freeze the event loop.  :class:`AsyncAdaptedQueuePool` here keeps all
  of QueuePool's bookkeeping and only replaces the sleep: a waiter inside the
  bridge awaits an asyncio future that the returning connection resolves.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from typing import Any, Deque, Iterator, Optional, Sequence

from ..pool import impl as _pool_impl
from ..pool.base import _ConnectionRecord
from ..util.concurrency import await_only, in_greenlet

_PEP249_NAMES = (
    "Warning",
    "Error",
    "InterfaceError",
    "DatabaseError",
    "DataError",
    "OperationalError",
    "IntegrityError",
    "InternalError",
    "ProgrammingError",
    "NotSupportedError",
)


class AsyncAdaptedDBAPI:
    """A stand-in for a DBAPI module: ``paramstyle``, exceptions, ``connect``.

    Subclasses set the PEP 249 exception classes as attributes (the engine
    reads ``dialect.loaded_dbapi.Error`` and friends) and implement
    ``connect()`` returning an :class:`AsyncAdaptedConnection`.
    """

    apilevel = "2.0"
    threadsafety = 1
    paramstyle = "qmark"

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def connect(self, *args: Any, **kwargs: Any) -> "AsyncAdaptedConnection":
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} for {getattr(self.driver, '__name__', '?')}>"


class AsyncAdaptedCursor:
    """A buffered PEP 249 cursor over an async driver.

    ``execute()`` runs the statement and reads every row in one awaited
    coroutine; fetches are then served from memory, without I/O.
    """

    __slots__ = (
        "_adapt_connection",
        "_rows",
        "description",
        "rowcount",
        "lastrowid",
        "arraysize",
        "_closed",
    )

    server_side = False

    def __init__(self, adapt_connection: "AsyncAdaptedConnection") -> None:
        self._adapt_connection = adapt_connection
        self._rows: Deque[Any] = deque()
        self.description: Optional[Sequence[Any]] = None
        self.rowcount = -1
        self.lastrowid: Any = None
        self.arraysize = 1
        self._closed = False

    def _set_outcome(self, outcome: Sequence[Any]) -> None:
        description, rows, rowcount, lastrowid = outcome
        self.description = description
        self._rows = deque(rows) if rows else deque()
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def execute(self, operation: str, parameters: Any = None) -> None:
        self._set_outcome(
            self._adapt_connection._await(
                self._adapt_connection._execute_buffered(operation, parameters)
            )
        )

    def executemany(self, operation: str, seq_of_parameters: Any) -> None:
        self._set_outcome(
            self._adapt_connection._await(
                self._adapt_connection._executemany(operation, list(seq_of_parameters))
            )
        )

    def setinputsizes(self, *args: Any) -> None:
        """PEP 249 says drivers may ignore it; we do."""

    def setoutputsize(self, *args: Any) -> None:
        """PEP 249 says drivers may ignore it; we do."""

    def fetchone(self) -> Optional[Any]:
        try:
            return self._rows.popleft()
        except IndexError:
            return None

    def fetchmany(self, size: Optional[int] = None) -> list[Any]:
        if size is None:
            size = self.arraysize
        rows = self._rows
        if size >= len(rows):
            out = list(rows)
            rows.clear()
            return out
        return [rows.popleft() for _ in range(size)]

    def fetchall(self) -> list[Any]:
        out = list(self._rows)
        self._rows.clear()
        return out

    def __iter__(self) -> Iterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    def close(self) -> None:
        self._rows.clear()
        self._closed = True


class AsyncAdaptedServerSideCursor:
    """A PEP 249 cursor whose rows stay on the server until fetched.

    Every fetch is a round trip through the bridge; the driver-specific part
    is the ``_ss_*`` coroutines of the adapted connection.
    """

    __slots__ = (
        "_adapt_connection",
        "_state",
        "description",
        "rowcount",
        "lastrowid",
        "arraysize",
        "_exhausted",
    )

    server_side = True

    def __init__(self, adapt_connection: "AsyncAdaptedConnection") -> None:
        self._adapt_connection = adapt_connection
        self._state: Any = None
        self.description: Optional[Sequence[Any]] = None
        self.rowcount = -1
        self.lastrowid: Any = None
        self.arraysize = 100
        self._exhausted = False

    def execute(self, operation: str, parameters: Any = None) -> None:
        conn = self._adapt_connection
        self._state, self.description = conn._await(
            conn._ss_execute(operation, parameters)
        )

    def executemany(self, operation: str, seq_of_parameters: Any) -> None:
        raise self._adapt_connection.dbapi.NotSupportedError(
            "executemany() is not available on a server-side cursor"
        )

    def setinputsizes(self, *args: Any) -> None:
        """Ignored, as PEP 249 allows."""

    def _fetch(self, size: Optional[int]) -> list[Any]:
        if self._exhausted or self._state is None:
            return []
        conn = self._adapt_connection
        rows = list(conn._await(conn._ss_fetch(self._state, size)))
        if size is None or len(rows) < size:
            self._exhausted = True
        return rows

    def fetchone(self) -> Optional[Any]:
        rows = self._fetch(1)
        return rows[0] if rows else None

    def fetchmany(self, size: Optional[int] = None) -> list[Any]:
        return self._fetch(self.arraysize if size is None else size)

    def fetchall(self) -> list[Any]:
        return self._fetch(None)

    def __iter__(self) -> Iterator[Any]:
        while True:
            rows = self.fetchmany()
            if not rows:
                return
            yield from rows

    def close(self) -> None:
        state, self._state = self._state, None
        if state is not None:
            conn = self._adapt_connection
            if in_greenlet():
                conn._await(conn._ss_close(state))


class AsyncAdaptedConnection:
    """A PEP 249 connection over an async driver connection.

    Subclasses implement the coroutines ``_execute_buffered``,
    ``_executemany``, ``_commit``, ``_rollback``, ``_close`` and, for
    streaming, ``_ss_execute`` / ``_ss_fetch`` / ``_ss_close``; this class
    turns them into the blocking-looking PEP 249 methods.
    """

    __slots__ = ("dbapi", "_connection", "__weakref__")

    cursor_cls = AsyncAdaptedCursor
    ss_cursor_cls = AsyncAdaptedServerSideCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        self.dbapi = dbapi
        self._connection = connection

    def __repr__(self) -> str:
        return f"<AdaptedConnection {self._connection!r}>"

    @property
    def driver_connection(self) -> Any:
        """The driver's own (async) connection object."""
        return self._connection

    @staticmethod
    def _await(awaitable: Any) -> Any:
        return await_only(awaitable)

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:
            return self.ss_cursor_cls(self)
        return self.cursor_cls(self)

    def commit(self) -> None:
        self._await(self._commit())

    def rollback(self) -> None:
        self._await(self._rollback())

    def close(self) -> None:
        self._await(self._close())

    def terminate(self) -> None:
        """Close without a goodbye to the server; safe outside the bridge."""
        if in_greenlet():
            try:
                self._await(self._close())
                return
            except Exception:
                pass
        self._terminate_now()

    # -- driver-specific ------------------------------------------------------

    async def _execute_buffered(self, operation: str, parameters: Any) -> Sequence[Any]:
        raise NotImplementedError

    async def _executemany(self, operation: str, seq: list[Any]) -> Sequence[Any]:
        raise NotImplementedError

    async def _ss_execute(self, operation: str, parameters: Any) -> tuple[Any, Any]:
        raise NotImplementedError

    async def _ss_fetch(self, state: Any, size: Optional[int]) -> Sequence[Any]:
        raise NotImplementedError

    async def _ss_close(self, state: Any) -> None:
        """Most drivers close a server-side cursor with the transaction."""

    async def _commit(self) -> None:
        raise NotImplementedError

    async def _rollback(self) -> None:
        raise NotImplementedError

    async def _close(self) -> None:
        raise NotImplementedError

    def _terminate_now(self) -> None:
        raise NotImplementedError


# ---------------------------------------------------------------------------
# Cooperative waiting for QueuePool


class _LoopSignal:
    """Stands in for a waiter's thread lock: ``release()`` wakes a future.

    QueuePool hands a connection to a waiter by setting ``waiter.record`` and
    calling ``waiter.lock.release()`` (always under the pool lock).  This
    object turns that call into resolving an asyncio future, from whichever
    thread returns the connection.
    """

    __slots__ = ("future", "loop", "thread_id")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[None] = loop.create_future()
        self.thread_id = threading.get_ident()

    def _wake(self) -> None:
        if not self.future.done():
            self.future.set_result(None)

    def release(self) -> None:
        if threading.get_ident() == self.thread_id:
            self._wake()
        else:
            self.loop.call_soon_threadsafe(self._wake)


async def _wait_signal(signal: _LoopSignal, timeout: Optional[float]) -> None:
    await asyncio.wait((signal.future,), timeout=timeout)


class AsyncAdaptedQueuePool(_pool_impl.AsyncAdaptedQueuePool):
    """``AsyncAdaptedQueuePool`` whose waiters await instead of blocking.

    Used by every async dialect (and by ``create_async_engine`` in place of
    ``quicksilver.pool.AsyncAdaptedQueuePool``).  Outside the bridge it
    behaves exactly as its parent.  A task cancelled while waiting leaves the
    queue; if a connection (or a permit to open one) was handed to it at that
    very moment, it is given back, so nothing leaks.
    """

    def _wait(self, waiter: Any) -> _ConnectionRecord:
        if not in_greenlet():
            return super()._wait(waiter)
        signal: Optional[_LoopSignal] = None
        with self._lock:
            if waiter.record is None:
                signal = _LoopSignal(asyncio.get_running_loop())
                waiter.lock = signal
        if signal is not None:
            try:
                await_only(_wait_signal(signal, self._timeout))
            except BaseException:
                self._abandon(waiter)
                raise
            with self._lock:
                if waiter.record is None:
                    try:
                        self._waiters.remove(waiter)
                    except ValueError:  # pragma: no cover - fork reset
                        pass
                    raise self._timeout_error()
        record = waiter.record
        if record is _pool_impl._PERMIT:
            return self._open_permitted()
        return record  # type: ignore[no-any-return]

    def _abandon(self, waiter: Any) -> None:
        """A waiting task was cancelled: leave the queue, return what it got."""
        excess: list[_ConnectionRecord] = []
        with self._lock:
            record = waiter.record
            if record is None:
                try:
                    self._waiters.remove(waiter)
                except ValueError:  # pragma: no cover
                    pass
                return
            if record is _pool_impl._PERMIT:
                self._overflow -= 1
                excess = self._settle_locked()
                record = None
        self._close_excess(excess)
        if record is not None:
            self._return_conn(record)


class FallbackAsyncAdaptedQueuePool(AsyncAdaptedQueuePool):
    """Compatibility alias, as in ``quicksilver.pool``."""


def cooperative_pool_class(poolclass: type) -> type:
    """The cooperative twin of the pool module's async QueuePool classes."""
    if poolclass is _pool_impl.AsyncAdaptedQueuePool:
        return AsyncAdaptedQueuePool
    if poolclass is _pool_impl.FallbackAsyncAdaptedQueuePool:
        return FallbackAsyncAdaptedQueuePool
    return poolclass


def pep249_exception_names() -> tuple[str, ...]:
    return _PEP249_NAMES


__all__ = [
    "AsyncAdaptedDBAPI",
    "AsyncAdaptedCursor",
    "AsyncAdaptedServerSideCursor",
    "AsyncAdaptedConnection",
    "AsyncAdaptedQueuePool",
    "FallbackAsyncAdaptedQueuePool",
    "cooperative_pool_class",
]
