"""psycopg 3's ``AsyncConnection`` for async engines.

``create_async_engine("postgresql+psycopg://...")`` selects this dialect
through ``PGDialect_psycopg.get_async_dialect_cls``; the URL
``postgresql+psycopg_async://`` names it directly.  It mirrors SQLAlchemy's
``PGDialectAsync_psycopg``.

psycopg already follows PEP 249 (exceptions, paramstyle, transactions that
begin implicitly), so the adapter only turns coroutines into calls: one
coroutine per statement executes and reads the rows.  Streaming uses a named
(server-side) cursor.  On cancellation psycopg itself asks the server to
cancel the query and waits for it, so the connection is left idle (in a failed
transaction) before the engine discards it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Optional, Sequence

from ...connectors.asyncio import (
    AsyncAdaptedConnection,
    AsyncAdaptedDBAPI,
    AsyncAdaptedQueuePool,
)
from ...util.concurrency import require_bridge
from .base import PGExecutionContext
from .psycopg import PGDialect_psycopg

if TYPE_CHECKING:
    from ...engine.url import URL

_cursor_names = itertools.count(1)


class AsyncAdapt_psycopg_connection(AsyncAdaptedConnection):
    """A PEP 249 connection over ``psycopg.AsyncConnection``."""

    __slots__ = ()

    # -- attributes read and written by the psycopg dialect ---------------------

    @property
    def info(self) -> Any:
        return self._connection.info

    @property
    def closed(self) -> bool:
        return bool(self._connection.closed)

    @property
    def broken(self) -> bool:
        return bool(getattr(self._connection, "broken", False))

    @property
    def autocommit(self) -> bool:
        return bool(self._connection.autocommit)

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        self._await(self._connection.set_autocommit(value))

    @property
    def isolation_level(self) -> Any:
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Any) -> None:
        self._await(self._connection.set_isolation_level(value))

    @property
    def read_only(self) -> Any:
        return self._connection.read_only

    @read_only.setter
    def read_only(self, value: Any) -> None:
        self._await(self._connection.set_read_only(value))

    @property
    def deferrable(self) -> Any:
        return self._connection.deferrable

    @deferrable.setter
    def deferrable(self, value: Any) -> None:
        self._await(self._connection.set_deferrable(value))

    # -- the adapter protocol -----------------------------------------------------

    async def _execute_buffered(self, operation: str, parameters: Any) -> Sequence[Any]:
        cursor = self._connection.cursor()
        try:
            if parameters is None:
                await cursor.execute(operation)
            else:
                await cursor.execute(operation, parameters)
            description = cursor.description
            rows = await cursor.fetchall() if description is not None else None
            return description, rows, cursor.rowcount, None
        finally:
            await cursor.close()

    async def _executemany(self, operation: str, seq: list[Any]) -> Sequence[Any]:
        cursor = self._connection.cursor()
        try:
            returning = " returning " in operation.lower()
            await cursor.executemany(operation, seq, returning=returning)
            if not returning:
                return None, None, cursor.rowcount, None
            rows: list[Any] = []
            description = cursor.description
            while True:
                if cursor.description is not None:
                    rows.extend(await cursor.fetchall())
                if not cursor.nextset():
                    break
            return description, rows, len(rows), None
        finally:
            await cursor.close()

    async def _ss_execute(self, operation: str, parameters: Any) -> tuple[Any, Any]:
        if self._connection.autocommit:
            # a server-side cursor needs a transaction; buffer instead
            cursor = self._connection.cursor()
        else:
            cursor = self._connection.cursor(name="qs_c%d" % next(_cursor_names))
        try:
            if parameters is None:
                await cursor.execute(operation)
            else:
                await cursor.execute(operation, parameters)
        except BaseException:
            await cursor.close()
            raise
        return cursor, cursor.description

    async def _ss_fetch(self, state: Any, size: Optional[int]) -> Sequence[Any]:
        if size is None:
            return await state.fetchall()  # type: ignore[no-any-return]
        return await state.fetchmany(size)  # type: ignore[no-any-return]

    async def _ss_close(self, state: Any) -> None:
        if not self._connection.closed:
            await state.close()

    async def _commit(self) -> None:
        await self._connection.commit()

    async def _rollback(self) -> None:
        await self._connection.rollback()

    async def _close(self) -> None:
        await self._connection.close()

    def _terminate_now(self) -> None:
        # no await: drop the socket (libpq's PQfinish)
        self._connection.pgconn.finish()


class PsycopgAsyncAdaptDBAPI(AsyncAdaptedDBAPI):
    """psycopg, with ``connect()`` returning an adapted AsyncConnection."""

    paramstyle = "pyformat"

    def __init__(self, psycopg: Any) -> None:
        super().__init__(psycopg)
        self.psycopg = psycopg
        for name in (
            "Warning", "Error", "InterfaceError", "DatabaseError", "DataError",
            "OperationalError", "IntegrityError", "InternalError",
            "ProgrammingError", "NotSupportedError",
        ):
            setattr(self, name, getattr(psycopg, name))
        self.IsolationLevel = psycopg.IsolationLevel
        self.errors = psycopg.errors
        self.pq = psycopg.pq

    def connect(self, *args: Any, **kwargs: Any) -> AsyncAdapt_psycopg_connection:
        require_bridge()
        async_creator_fn = kwargs.pop("async_creator_fn", None)
        if async_creator_fn is not None:
            awaitable = async_creator_fn()
        else:
            awaitable = self.psycopg.AsyncConnection.connect(*args, **kwargs)
        adapted = AsyncAdapt_psycopg_connection(self, None)
        adapted._connection = adapted._await(awaitable)
        return adapted


class PGExecutionContextAsync_psycopg(PGExecutionContext):
    """Opens a named (server-side) cursor when ``stream_results`` asks."""

    _is_server_side = False

    def create_cursor(self) -> Any:
        opts = self.execution_options
        if opts.get("stream_results") or opts.get("yield_per"):
            self._is_server_side = True
            return self._dbapi_connection.cursor(server_side=True)
        return self._dbapi_connection.cursor()


class PGDialectAsync_psycopg(PGDialect_psycopg):
    """psycopg 3 under asyncio; mirrors SQLAlchemy's ``PGDialectAsync_psycopg``."""

    is_async = True
    supports_statement_cache = True
    supports_server_side_cursors = True
    execution_ctx_cls = PGExecutionContextAsync_psycopg

    @classmethod
    def import_dbapi(cls) -> Any:
        import psycopg

        return PsycopgAsyncAdaptDBAPI(psycopg)

    @classmethod
    def get_pool_class(cls, url: "URL") -> type:
        return AsyncAdaptedQueuePool

    @classmethod
    def get_async_dialect_cls(cls, url: "URL") -> type:
        return cls

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        return self.loaded_dbapi.connect(*cargs, **cparams)

    def get_driver_connection(self, connection: Any) -> Any:
        return connection._connection

    def do_terminate(self, dbapi_connection: Any) -> None:
        dbapi_connection.terminate()


__all__ = ["PGDialectAsync_psycopg", "AsyncAdapt_psycopg_connection"]

dialect = PGDialectAsync_psycopg
