"""asyncpg for the PostgreSQL dialect: ``postgresql+asyncpg://`` (async engines).

asyncpg is not a DBAPI; the adapter below makes it look like one:

* **Parameters** use ``numeric_dollar`` (``$1``), asyncpg's native style; the
  compiler renders it, and ``exec_driver_sql`` takes ``$1`` and a tuple.
* **Statements** are prepared once per connection and kept in a small LRU
  (``prepared_statement_cache_size`` URL/connect argument, default 100);
  running one is then a single round trip returning rows, the status line
  (for ``rowcount``) and the column attributes (for ``description``).
* **Transactions**: asyncpg has no implicit BEGIN.  Unless in AUTOCOMMIT, the
  adapter starts ``connection.transaction()`` on the first statement and ends
  it on ``commit()``/``rollback()``.
* **JSON/JSONB** are decoded with ``json.loads`` and accept ``str`` or any
  JSON-able value, as psycopg does.
* **Errors** are re-raised as PEP 249 classes chosen by SQLSTATE class
  (psycopg's mapping).  The raised object is an instance of *both* the
  adapter class (``dbapi.IntegrityError``) and asyncpg's own class
  (``UniqueViolationError``), with ``sqlstate``/``pgcode`` and the asyncpg
  exception as ``__cause__``; so ``err.orig`` satisfies code written against
  either.
* **Cancellation**: when a task is cancelled mid-statement asyncpg sends the
  server a cancel request in the background; the adapter waits briefly for it
  before letting the cancellation through, so the server stops the query, and
  the engine then discards the connection.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Optional, Sequence

from ...connectors.asyncio import (
    AsyncAdaptedConnection,
    AsyncAdaptedDBAPI,
    AsyncAdaptedQueuePool,
)
from ...util.concurrency import require_bridge
from .base import PGDialect, PGExecutionContext

if TYPE_CHECKING:
    from ...engine.url import URL

#: SQLSTATE class -> PEP 249 class name (psycopg's choice, PostgreSQL's classes)
_SQLSTATE_CLASSES = {
    "08": "OperationalError", "0A": "NotSupportedError", "20": "ProgrammingError",
    "21": "ProgrammingError", "22": "DataError", "23": "IntegrityError",
    "24": "InternalError", "25": "InternalError", "26": "InternalError",
    "27": "OperationalError", "28": "OperationalError", "2B": "InternalError",
    "2D": "InternalError", "2F": "OperationalError", "34": "OperationalError",
    "38": "OperationalError", "39": "OperationalError", "3B": "OperationalError",
    "3D": "ProgrammingError", "3F": "ProgrammingError", "40": "OperationalError",
    "42": "ProgrammingError", "44": "ProgrammingError", "53": "OperationalError",
    "54": "OperationalError", "55": "OperationalError", "57": "OperationalError",
    "58": "OperationalError", "F0": "InternalError", "HV": "OperationalError",
    "P0": "InternalError", "XX": "InternalError",
}

_LEVELS = {
    "READ UNCOMMITTED": "read_uncommitted",
    "READ COMMITTED": "read_committed",
    "REPEATABLE READ": "repeatable_read",
    "SERIALIZABLE": "serializable",
}

_STATUS_COUNT = re.compile(
    r"(?:INSERT \d+|UPDATE|DELETE|SELECT|MOVE|FETCH|COPY|MERGE) (\d+)$"
)
_DDL_START = re.compile(r"\s*(CREATE|ALTER|DROP|TRUNCATE|COMMENT)\b", re.I)
_PYFORMAT = re.compile(r"%\((\w+)\)s")


class AsyncAdapt_asyncpg_Error(Exception):
    """Base of the adapter's PEP 249 ``Error`` (see the module docstring)."""

    @property
    def pgcode(self) -> Optional[str]:
        return getattr(self, "sqlstate", None)

    def __str__(self) -> str:
        cause = self.__cause__
        return str(cause) if cause is not None else super().__str__()


def _make_exceptions() -> dict[str, type]:
    module = __name__
    classes: dict[str, type] = {}

    def make(name: str, base: type) -> type:
        cls = type(name, (base,), {"__module__": module})
        classes[name] = cls
        return cls

    make("Warning", Exception)
    error = make("Error", AsyncAdapt_asyncpg_Error)
    make("InterfaceError", error)
    database = make("DatabaseError", error)
    for name in (
        "DataError", "OperationalError", "IntegrityError", "InternalError",
        "ProgrammingError", "NotSupportedError",
    ):
        make(name, database)
    return classes


class AsyncAdapt_asyncpg_dbapi(AsyncAdaptedDBAPI):
    """The asyncpg stand-in for a DBAPI module."""

    paramstyle = "numeric_dollar"

    def __init__(self, asyncpg: Any) -> None:
        super().__init__(asyncpg)
        self.asyncpg = asyncpg
        for name, cls in _make_exceptions().items():
            setattr(self, name, cls)
        self._mixed: dict[type, type] = {}

    def connect(self, *args: Any, **kwargs: Any) -> "AsyncAdapt_asyncpg_connection":
        require_bridge()
        async_creator_fn = kwargs.pop("async_creator_fn", None)
        cache_size = int(kwargs.pop("prepared_statement_cache_size", 100))
        if async_creator_fn is not None:
            awaitable = async_creator_fn()
        else:
            awaitable = self.asyncpg.connect(*args, **kwargs)
        conn = AsyncAdapt_asyncpg_connection(self, None, cache_size)
        conn._connection = conn._await(conn._guard(_connect_and_setup(awaitable)))
        return conn

    # -- exceptions -----------------------------------------------------------

    def _pep249_name(self, err: BaseException) -> str:
        asyncpg = self.asyncpg
        sqlstate = getattr(err, "sqlstate", None)
        if isinstance(sqlstate, str) and len(sqlstate) == 5:
            return _SQLSTATE_CLASSES.get(sqlstate[:2], "DatabaseError")
        if isinstance(err, asyncpg.exceptions.DataError):
            return "DataError"
        if isinstance(err, asyncpg.exceptions.InterfaceError):
            return "InterfaceError"
        if isinstance(err, (OSError, asyncio.TimeoutError)):
            return "OperationalError"
        return "Error"

    def translate(self, err: BaseException) -> BaseException:
        """An adapter exception standing for asyncpg's ``err`` (see module doc)."""
        if isinstance(err, AsyncAdapt_asyncpg_Error):
            return err
        base: type = getattr(self, self._pep249_name(err))
        driver_cls = type(err)
        mixed = self._mixed.get(driver_cls)
        if mixed is None:
            try:
                mixed = type(
                    driver_cls.__name__,
                    (base, driver_cls),
                    {"__module__": __name__, "__qualname__": driver_cls.__name__},
                )
            except TypeError:  # incompatible layouts: adapter class only
                mixed = type(driver_cls.__name__, (base,), {"__module__": __name__})
            self._mixed[driver_cls] = mixed
        new = Exception.__new__(mixed)
        new.args = err.args
        try:
            new.__dict__.update(getattr(err, "__dict__", {}))
        except (AttributeError, TypeError):  # pragma: no cover
            pass
        new.__cause__ = err
        return new


async def _connect_and_setup(awaitable: Any) -> Any:
    conn = await awaitable
    try:
        for typename in ("json", "jsonb"):
            await conn.set_type_codec(
                typename,
                encoder=_json_encode,
                decoder=json.loads,
                schema="pg_catalog",
                format="text",
            )
    except BaseException:
        conn.terminate()
        raise
    return conn


def _json_encode(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _rowcount(status: Optional[str]) -> int:
    if not status:
        return -1
    match = _STATUS_COUNT.search(status)
    return int(match.group(1)) if match else -1


def _description(statement: Any) -> Optional[list[tuple[Any, ...]]]:
    attributes = statement.get_attributes()
    if not attributes:
        return None
    return [(a.name, a.type.oid, None, None, None, None, None) for a in attributes]


class AsyncAdapt_asyncpg_connection(AsyncAdaptedConnection):
    """A PEP 249 connection over ``asyncpg.Connection``."""

    __slots__ = (
        "_cache",
        "_cache_size",
        "_transaction",
        "isolation_level",
        "readonly",
        "deferrable",
        "_autocommit",
    )

    def __init__(self, dbapi: Any, connection: Any, cache_size: int = 100) -> None:
        super().__init__(dbapi, connection)
        self._cache: "OrderedDict[str, Any]" = OrderedDict()
        self._cache_size = cache_size
        self._transaction: Any = None
        self.isolation_level: Optional[str] = None
        self.readonly = False
        self.deferrable = False
        self._autocommit = False

    # -- guarding driver calls ------------------------------------------------

    async def _guard(self, coro: Any) -> Any:
        """Await a driver coroutine: translate errors, handle cancellation."""
        try:
            return await coro
        except asyncio.CancelledError:
            await self._let_cancel_request_out()
            raise
        except Exception as err:
            if isinstance(
                err,
                (
                    self.dbapi.asyncpg.exceptions.InvalidCachedStatementError,
                    self.dbapi.asyncpg.exceptions.OutdatedSchemaCacheError,
                ),
            ):
                self._cache.clear()
            raise self.dbapi.translate(err) from err

    async def _let_cancel_request_out(self) -> None:
        # asyncpg sends the CancelRequest from a background task; terminating
        # the connection right away would cancel that task, leaving the server
        # running the query.  Give it a moment (a local round trip).
        conn = self._connection
        pending = [t for t in getattr(conn, "_cancellations", ()) if not t.done()]
        if pending:
            try:
                await asyncio.wait(pending, timeout=0.25)
            except BaseException:  # cancelled again: give up waiting
                pass

    # -- attributes the dialect uses ------------------------------------------

    @property
    def autocommit(self) -> bool:
        return self._autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        if value and self._transaction is not None:
            self.rollback()
        self._autocommit = bool(value)

    @property
    def closed(self) -> bool:
        conn = self._connection
        return conn is None or bool(conn.is_closed())

    def set_isolation_level(self, level: str) -> None:
        if self._transaction is not None:
            self.rollback()
        if level == "AUTOCOMMIT":
            self._autocommit = True
        else:
            self._autocommit = False
            self.isolation_level = _LEVELS[level]

    # -- statements -------------------------------------------------------------

    async def _prepare(self, operation: str) -> Any:
        cache = self._cache
        statement = cache.get(operation)
        if statement is not None:
            cache.move_to_end(operation)
            return statement
        statement = await self._connection.prepare(operation)
        if self._cache_size:
            cache[operation] = statement
            if len(cache) > self._cache_size:
                cache.popitem(last=False)
        return statement

    async def _begin_if_needed(self) -> None:
        if self._transaction is None and not self._autocommit:
            transaction = self._connection.transaction(
                isolation=self.isolation_level,
                readonly=self.readonly,
                deferrable=self.deferrable,
            )
            await transaction.start()
            self._transaction = transaction

    async def _run_buffered(self, operation: str, parameters: Any) -> Sequence[Any]:
        await self._begin_if_needed()
        if _DDL_START.match(operation):
            self._cache.clear()
            status = await self._connection.execute(operation, *(parameters or ()))
            return None, None, _rowcount(status), None
        statement = await self._prepare(operation)
        rows = await statement.fetch(*(parameters or ()))
        return (
            _description(statement),
            rows,
            _rowcount(statement.get_statusmsg()),
            None,
        )

    async def _execute_buffered(self, operation: str, parameters: Any) -> Sequence[Any]:
        return await self._guard(self._run_buffered(operation, parameters))  # type: ignore[no-any-return]

    async def _run_many(self, operation: str, seq: list[Any]) -> Sequence[Any]:
        await self._begin_if_needed()
        await self._connection.executemany(operation, seq)
        return None, None, -1, None

    async def _executemany(self, operation: str, seq: list[Any]) -> Sequence[Any]:
        return await self._guard(self._run_many(operation, seq))  # type: ignore[no-any-return]

    async def _run_ss(self, operation: str, parameters: Any) -> tuple[Any, Any]:
        await self._begin_if_needed()
        statement = await self._prepare(operation)
        if self._transaction is None:
            # no transaction (AUTOCOMMIT): asyncpg cursors need one; buffer
            rows = await statement.fetch(*(parameters or ()))
            return ("rows", list(rows)), _description(statement)
        cursor = await statement.cursor(*(parameters or ()))
        return ("cursor", cursor), _description(statement)

    async def _ss_execute(self, operation: str, parameters: Any) -> tuple[Any, Any]:
        return await self._guard(self._run_ss(operation, parameters))  # type: ignore[no-any-return]

    async def _ss_fetch(self, state: Any, size: Optional[int]) -> Sequence[Any]:
        kind, source = state
        if kind == "rows":
            if size is None:
                out, source[:] = list(source), []
            else:
                out, source[:] = source[:size], source[size:]
            return out
        if size is None:
            rows: list[Any] = []
            while True:
                batch = await self._guard(source.fetch(1000))
                rows.extend(batch)
                if len(batch) < 1000:
                    return rows
        return await self._guard(source.fetch(size))  # type: ignore[no-any-return]

    # -- transactions -----------------------------------------------------------

    async def _commit(self) -> None:
        transaction, self._transaction = self._transaction, None
        if transaction is not None:
            await self._guard(transaction.commit())

    async def _rollback(self) -> None:
        transaction, self._transaction = self._transaction, None
        if transaction is not None and not self._connection.is_closed():
            await self._guard(transaction.rollback())

    async def _close(self) -> None:
        self._transaction = None
        if self._connection is not None and not self._connection.is_closed():
            await self._guard(self._connection.close(timeout=2))

    def _terminate_now(self) -> None:
        self._transaction = None
        if self._connection is not None:
            self._connection.terminate()

    def terminate(self) -> None:
        # asyncpg's terminate() needs no await and sends nothing: always use it
        self._terminate_now()

    def ping(self) -> None:
        self._await(self._guard(self._ping()))

    async def _ping(self) -> None:
        if self._transaction is None:
            tr = self._connection.transaction()
            await tr.start()
            try:
                await self._connection.fetchval("select 1")
            finally:
                await tr.rollback()
        else:
            await self._connection.fetchval("select 1")

    def show_isolation_level(self) -> str:
        return str(
            self._await(
                self._guard(
                    self._connection.fetchval("show transaction isolation level")
                )
            )
        )


class PGExecutionContext_asyncpg(PGExecutionContext):
    """Opens a server-side (streaming) cursor when ``stream_results`` asks."""

    _is_server_side = False

    def create_cursor(self) -> Any:
        opts = self.execution_options
        if opts.get("stream_results") or opts.get("yield_per"):
            self._is_server_side = True
            return self._dbapi_connection.cursor(server_side=True)
        return self._dbapi_connection.cursor()


class PGDialect_asyncpg(PGDialect):
    """``postgresql+asyncpg://``; mirrors SQLAlchemy's ``PGDialect_asyncpg``."""

    driver = "asyncpg"
    is_async = True
    paramstyle = "numeric_dollar"
    supports_statement_cache = True
    supports_server_side_cursors = True
    supports_sane_multi_rowcount = False
    insert_executemany_returning = False
    execution_ctx_cls = PGExecutionContext_asyncpg

    @classmethod
    def import_dbapi(cls) -> Any:
        import asyncpg

        return AsyncAdapt_asyncpg_dbapi(asyncpg)

    @classmethod
    def get_pool_class(cls, url: "URL") -> type:
        return AsyncAdaptedQueuePool

    def create_connect_args(self, url: "URL") -> tuple[list[Any], dict[str, Any]]:
        opts = url.translate_connect_args(username="user", database="database")
        for key, value in url.query.items():
            opts[key] = value
        if "port" in opts:
            opts["port"] = int(opts["port"])
        if "prepared_statement_cache_size" in opts:
            opts["prepared_statement_cache_size"] = int(
                opts["prepared_statement_cache_size"]
            )
        return [], opts

    def get_driver_connection(self, connection: Any) -> Any:
        return connection._connection

    # driver-neutral SQL in the base dialect is pyformat: convert to $n
    def _convert_named(self, sql: str) -> str:
        names: list[str] = []

        def number(match: "re.Match[str]") -> str:
            name = match.group(1)
            if name not in names:
                names.append(name)
            return "$%d" % (names.index(name) + 1)

        return _PYFORMAT.sub(number, sql)

    def _convert_params(self, sql: str, params: dict[str, Any]) -> Any:
        names: list[str] = []
        for name in _PYFORMAT.findall(sql):
            if name not in names:
                names.append(name)
        return tuple(params[name] for name in names)

    def do_ping(self, dbapi_connection: Any) -> bool:
        dbapi_connection.ping()
        return True

    def do_terminate(self, dbapi_connection: Any) -> None:
        dbapi_connection.terminate()

    def get_isolation_level(self, dbapi_connection: Any) -> str:
        # as SQLAlchemy: the server's level, even in autocommit mode
        level = dbapi_connection.isolation_level
        if not dbapi_connection.autocommit and level is not None:
            return str(dbapi_connection.isolation_level).replace("_", " ").upper()
        return dbapi_connection.show_isolation_level().upper()

    def set_isolation_level(self, dbapi_connection: Any, level: str) -> None:
        dbapi_connection.set_isolation_level(level)

    def reset_isolation_level(self, dbapi_connection: Any) -> None:
        level = self.isolation_level or self.default_isolation_level
        if level is not None:
            self.set_isolation_level(dbapi_connection, level)

    def set_readonly(self, dbapi_connection: Any, value: bool) -> None:
        dbapi_connection.readonly = bool(value)

    def set_deferrable(self, dbapi_connection: Any, value: bool) -> None:
        dbapi_connection.deferrable = bool(value)

    def is_disconnect(self, e: BaseException, connection: Any, cursor: Any) -> bool:
        cause = getattr(e, "__cause__", None)
        dbapi = self.loaded_dbapi
        if cause is not None and dbapi is not None:
            exceptions = dbapi.asyncpg.exceptions
            if isinstance(
                cause,
                (exceptions.ConnectionDoesNotExistError, ConnectionError, OSError),
            ):
                return True
            if isinstance(cause, exceptions.InterfaceError) and (
                "connection is closed" in str(cause)
            ):
                return True
        return super().is_disconnect(e, connection, cursor)


__all__ = [
    "PGDialect_asyncpg",
    "AsyncAdapt_asyncpg_dbapi",
    "AsyncAdapt_asyncpg_connection",
]

dialect = PGDialect_asyncpg
