"""aiosqlite for the SQLite dialect: ``sqlite+aiosqlite://`` (async engines only).

aiosqlite runs one ``sqlite3`` connection in a worker thread and returns
futures.  The adapter sends whole units of work to that thread (execute *and*
fetch every row, or set an attribute) through aiosqlite's queue, so a
statement costs one hop between threads, and every access to the ``sqlite3``
object happens on the thread that owns it.

Cancellation: every call sent to the worker carries a :class:`_Call` token.
When the awaiting task is cancelled the adapter sets the token's
``cancelled`` flag and calls the ``sqlite3`` connection's ``interrupt()``
(safe from any thread).  ``interrupt()`` alone is not enough: it only stops a
statement that is already running, and aiosqlite's worker runs a queued call
even when its future was cancelled, so a task cancelled just as its query was
handed over used to leave the query running (an endless one forever).  The
flag closes that gap twice: the worker skips a call whose token is already
cancelled, and a progress handler installed on the connection (called every
:data:`PROGRESS_OPS` virtual-machine instructions) aborts the statement of a
cancelled token, whatever the timing.  The connection can then be closed or
reused at once.

Exceptions are ``sqlite3``'s own, as with pysqlite.
"""

from __future__ import annotations

import asyncio
import threading
import warnings
from typing import TYPE_CHECKING, Any, Optional, Sequence

from ...connectors.asyncio import (
    AsyncAdaptedConnection,
    AsyncAdaptedDBAPI,
)
from ...util.concurrency import await_only
from .base import SQLiteExecutionContext
from .pysqlite import SQLiteDialect_pysqlite

if TYPE_CHECKING:
    from ...engine.url import URL


#: VM instructions between two calls of the cancellation check (a cheap
#: Python callback; a short primary-key select never reaches it).
PROGRESS_OPS = 1000


class _Call:
    """One unit of work sent to aiosqlite's worker, cancellable at any time."""

    __slots__ = ("cancelled",)

    def __init__(self) -> None:
        self.cancelled = False


class _CallSkipped(Exception):
    """Raised in the worker for a call whose task was cancelled before it ran
    (nobody reads it: the future is already cancelled)."""


class _Worker:
    """Runs calls in aiosqlite's thread with the cancellation check in place.

    ``current`` is the token of the call running now; the progress handler
    (installed on first use, from the worker thread) reads it.
    """

    __slots__ = ("current", "installed")

    def __init__(self) -> None:
        self.current: Optional[_Call] = None
        self.installed = False

    def _progress(self) -> int:
        # non-zero aborts the running statement ("interrupted")
        call = self.current
        return 1 if call is not None and call.cancelled else 0

    def run(self, raw: Any, call: _Call, fn: Any, args: tuple[Any, ...]) -> Any:
        if call.cancelled:
            raise _CallSkipped()
        if not self.installed and raw is not None:
            raw.set_progress_handler(self._progress, PROGRESS_OPS)
            self.installed = True
        self.current = call
        try:
            return fn(*args)
        finally:
            self.current = None


def _run_statement(raw: Any, operation: str, parameters: Any, many: bool) -> Any:
    """Runs in aiosqlite's worker thread: execute, read everything, close."""
    cursor = raw.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description is not None else None
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _open_cursor(raw: Any, operation: str, parameters: Any) -> Any:
    cursor = raw.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
    except BaseException:
        cursor.close()
        raise
    return cursor, cursor.description


def _fetch(cursor: Any, size: Optional[int]) -> Any:
    if size is None:
        return cursor.fetchall()
    return cursor.fetchmany(size)


class AsyncAdapt_aiosqlite_connection(AsyncAdaptedConnection):
    """A PEP 249 connection over ``aiosqlite.Connection``."""

    __slots__ = ("_worker",)

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._worker = _Worker()

    def _raw(self) -> Any:
        return self._connection._conn

    async def _in_worker(self, fn: Any, *args: Any) -> Any:
        conn = self._connection
        call = _Call()
        try:
            return await conn._execute(
                self._worker.run, conn._connection, call, fn, args
            )
        except asyncio.CancelledError:
            # see the module docstring: the flag stops the call whether it is
            # queued, starting or running; interrupt() stops a running one now
            call.cancelled = True
            self._interrupt_running()
            raise
        except ValueError as err:
            # aiosqlite's "Connection closed" / "no active connection"
            raise self.dbapi.ProgrammingError(
                "Cannot operate on a closed database."
            ) from err

    def _call(self, fn: Any, *args: Any) -> Any:
        return self._await(self._in_worker(fn, *args))

    # -- attributes the SQLite dialect reads and writes ---------------------

    @property
    def isolation_level(self) -> Optional[str]:
        return self._call(getattr, self._raw(), "isolation_level")  # type: ignore[no-any-return]

    @isolation_level.setter
    def isolation_level(self, value: Optional[str]) -> None:
        self._call(setattr, self._raw(), "isolation_level", value)

    @property
    def in_transaction(self) -> bool:
        return bool(self._call(getattr, self._raw(), "in_transaction"))

    def execute(self, operation: str, parameters: Any = None) -> Any:
        cursor = self.cursor()
        cursor.execute(operation, parameters)
        return cursor

    def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._call(lambda: self._raw().create_function(*args, **kwargs))

    def interrupt(self) -> None:
        """Interrupt the statement running in the worker (any thread)."""
        self._interrupt_running()

    def _interrupt_running(self) -> None:
        raw = self._connection._connection
        if raw is not None:
            raw.interrupt()

    # -- the adapter protocol -----------------------------------------------

    async def _execute_buffered(self, operation: str, parameters: Any) -> Sequence[Any]:
        return await self._in_worker(  # type: ignore[no-any-return]
            _run_statement, self._raw(), operation, parameters, False
        )

    async def _executemany(self, operation: str, seq: list[Any]) -> Sequence[Any]:
        return await self._in_worker(  # type: ignore[no-any-return]
            _run_statement, self._raw(), operation, seq, True
        )

    async def _ss_execute(self, operation: str, parameters: Any) -> tuple[Any, Any]:
        return await self._in_worker(  # type: ignore[no-any-return]
            _open_cursor, self._raw(), operation, parameters
        )

    async def _ss_fetch(self, state: Any, size: Optional[int]) -> Sequence[Any]:
        return await self._in_worker(_fetch, state, size)  # type: ignore[no-any-return]

    async def _ss_close(self, state: Any) -> None:
        await self._in_worker(state.close)

    async def _commit(self) -> None:
        await self._in_worker(self._raw().commit)

    async def _rollback(self) -> None:
        await self._in_worker(self._raw().rollback)

    async def _close(self) -> None:
        await self._connection.close()

    def _terminate_now(self) -> None:
        conn = self._connection
        if conn._connection is None:
            return
        # Outside the bridge there may be no loop to await on: ask the worker
        # thread to close and stop, without waiting.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            conn.stop()


class AsyncAdapt_aiosqlite_dbapi(AsyncAdaptedDBAPI):
    """The aiosqlite stand-in for a DBAPI module (sqlite3's exceptions)."""

    paramstyle = "qmark"

    def __init__(self, aiosqlite: Any, sqlite3: Any) -> None:
        super().__init__(aiosqlite)
        self.sqlite = sqlite3
        for name in (
            "Warning", "Error", "InterfaceError", "DatabaseError", "DataError",
            "OperationalError", "IntegrityError", "InternalError",
            "ProgrammingError", "NotSupportedError",
        ):
            setattr(self, name, getattr(sqlite3, name))
        self.sqlite_version_info = sqlite3.sqlite_version_info
        self.sqlite_version = sqlite3.sqlite_version
        self.version_info = getattr(aiosqlite, "__version__", "")
        self.Binary = sqlite3.Binary

    def connect(self, *args: Any, **kwargs: Any) -> AsyncAdapt_aiosqlite_connection:
        # The worker thread owns the sqlite3 object; interrupt() comes from
        # the loop thread, which sqlite3 allows only without the thread check.
        kwargs["check_same_thread"] = False
        # an aiosqlite Connection is awaitable: awaiting starts its thread
        pending = self.driver.connect(*args, **kwargs)
        # The worker thread must not keep the interpreter alive: a script that
        # never disposes its async engine would hang at exit (SQLAlchemy marks
        # it daemon too).  aiosqlite < 0.22 is the thread, later ones hold it.
        thread = pending if isinstance(pending, threading.Thread) else None
        if thread is None:
            thread = getattr(pending, "_thread", None)
        if isinstance(thread, threading.Thread):
            thread.daemon = True
        return AsyncAdapt_aiosqlite_connection(self, await_only(pending))


class SQLiteExecutionContext_aiosqlite(SQLiteExecutionContext):
    """Opens a server-side (streaming) cursor when ``stream_results`` asks."""

    def create_cursor(self) -> Any:
        if self.execution_options.get("stream_results") or self.execution_options.get(
            "yield_per"
        ):
            self._is_server_side = True
            return self._dbapi_connection.cursor(server_side=True)
        self._is_server_side = False
        return self._dbapi_connection.cursor()

    _is_server_side = False


class SQLiteDialect_aiosqlite(SQLiteDialect_pysqlite):
    """``sqlite+aiosqlite://``; mirrors SQLAlchemy's ``SQLiteDialect_aiosqlite``."""

    driver = "aiosqlite"
    is_async = True
    supports_statement_cache = True
    supports_server_side_cursors = True
    execution_ctx_cls = SQLiteExecutionContext_aiosqlite

    @classmethod
    def import_dbapi(cls) -> Any:
        import sqlite3

        import aiosqlite

        return AsyncAdapt_aiosqlite_dbapi(aiosqlite, sqlite3)

    @classmethod
    def get_pool_class(cls, url: "URL") -> type:
        from ...connectors.asyncio import AsyncAdaptedQueuePool
        from ...pool import StaticPool

        return StaticPool if cls._is_memory_url(url) else AsyncAdaptedQueuePool

    def create_connect_args(self, url: "URL") -> tuple[list[Any], dict[str, Any]]:
        cargs, cparams = super().create_connect_args(url)
        cparams.pop("check_same_thread", None)
        return cargs, cparams

    def get_driver_connection(self, connection: Any) -> Any:
        return connection._connection

    def do_terminate(self, dbapi_connection: Any) -> None:
        dbapi_connection.terminate()

    def do_close(self, dbapi_connection: Any) -> None:
        dbapi_connection.close()

    def do_ping(self, dbapi_connection: Any) -> bool:
        try:
            dbapi_connection.execute("SELECT 1").close()
        except self.loaded_dbapi.ProgrammingError:
            return False
        return True

    def is_disconnect(self, e: BaseException, connection: Any, cursor: Any) -> bool:
        if isinstance(e, self.loaded_dbapi.ProgrammingError) and (
            "Cannot operate on a closed database." in str(e)
        ):
            return True
        return False


__all__ = [
    "SQLiteDialect_aiosqlite",
    "AsyncAdapt_aiosqlite_connection",
    "AsyncAdapt_aiosqlite_dbapi",
]

dialect = SQLiteDialect_aiosqlite
