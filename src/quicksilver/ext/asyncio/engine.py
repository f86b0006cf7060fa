"""AsyncEngine, AsyncConnection, AsyncTransaction (mirrors
``sqlalchemy.ext.asyncio.engine``).

Each class is a thin proxy of its synchronous twin: an ``await`` on a method
runs the sync method in :func:`~quicksilver.util.concurrency.greenlet_spawn`,
where the async driver's coroutines are awaited on the caller's event loop.
No engine logic lives here; transactions, error wrapping, invalidation and
pooling are the sync engine's.

Results: ``execute()`` returns the sync ``CursorResult`` itself, already
buffered by the driver adapter (no I/O is left to do), as SQLAlchemy does;
``stream()`` returns an :class:`~.AsyncResult` over a server-side cursor.

Closing: ``async with`` blocks close their connection inside
``asyncio.shield`` so that a task cancelled at that moment still returns the
connection to the pool.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, TypeVar, Union

from ... import exc
from ...engine import create_engine, engine_from_config
from ...engine.base import Connection, Engine, NestedTransaction, Transaction
from ...util.concurrency import greenlet_spawn
from . import exc as async_exc
from .base import ENGINE_EVENTS_TARGET, ProxyComparable, StartableContext, refuse_events
from .result import AsyncResult, AsyncScalarResult

if TYPE_CHECKING:
    from ...engine.cursor import CursorResult
    from ...engine.url import URL
    from ...pool import Pool

_T = TypeVar("_T")


def _cooperative(kw: dict[str, Any]) -> None:
    """Swap the pool module's async QueuePool for the cooperative twin."""
    poolclass = kw.get("poolclass")
    if poolclass is not None:
        from ...connectors.asyncio import cooperative_pool_class

        kw["poolclass"] = cooperative_pool_class(poolclass)


def _prepare_async_kw(kw: dict[str, Any]) -> None:
    if kw.get("server_side_cursors", False):
        raise async_exc.AsyncMethodRequired(
            "Can't set server_side_cursors for async engine globally; "
            "use the connection.stream() method for an async "
            "streaming result set"
        )
    kw["_is_async"] = True
    _cooperative(kw)
    async_creator = kw.pop("async_creator", None)
    if async_creator is not None:
        if kw.get("creator") is not None:
            raise exc.ArgumentError(
                "Can only specify one of 'async_creator' or 'creator', not both."
            )
        holder: list[Engine] = []

        def creator() -> Any:
            dbapi = holder[0].dialect.loaded_dbapi
            return dbapi.connect(async_creator_fn=async_creator)

        kw["creator"] = creator
        kw["_qs_creator_holder"] = holder


def create_async_engine(url: Union[str, "URL"], **kw: Any) -> "AsyncEngine":
    """Create an :class:`AsyncEngine`; mirrors
    ``sqlalchemy.ext.asyncio.create_async_engine``.

    Takes every ``create_engine()`` argument, plus ``async_creator`` (a
    coroutine function returning a driver connection).  The URL must name an
    async driver (``sqlite+aiosqlite``, ``postgresql+asyncpg``,
    ``postgresql+psycopg``); the pool defaults to ``AsyncAdaptedQueuePool``.
    """
    _prepare_async_kw(kw)
    holder = kw.pop("_qs_creator_holder", None)
    sync_engine = create_engine(url, **kw)
    if holder is not None:
        holder.append(sync_engine)
    return AsyncEngine(sync_engine)


def async_engine_from_config(
    configuration: Mapping[str, Any], prefix: str = "sqlalchemy.", **kwargs: Any
) -> "AsyncEngine":
    """Create an AsyncEngine from a config dict with prefixed keys; mirrors
    ``sqlalchemy.ext.asyncio.async_engine_from_config``."""
    _prepare_async_kw(kwargs)
    holder = kwargs.pop("_qs_creator_holder", None)
    sync_engine = engine_from_config(dict(configuration), prefix, **kwargs)
    if holder is not None:
        holder.append(sync_engine)
    return AsyncEngine(sync_engine)


_POOL_KEYS = {
    "logging_name": "pool_logging_name",
    "echo": "echo_pool",
    "timeout": "pool_timeout",
    "recycle": "pool_recycle",
    "events": "pool_events",
    "reset_on_return": "pool_reset_on_return",
    "pre_ping": "pool_pre_ping",
    "use_lifo": "pool_use_lifo",
}


def create_async_pool_from_url(url: Union[str, "URL"], **kwargs: Any) -> "Pool":
    """A pool for an async driver, configured from a URL; mirrors
    ``sqlalchemy.ext.asyncio.create_async_pool_from_url``.

    Pool arguments are given without the ``pool_`` prefix (``timeout=``).
    """
    for key, engine_key in _POOL_KEYS.items():
        if key in kwargs:
            kwargs[engine_key] = kwargs.pop(key)
    return create_async_engine(url, **kwargs).sync_engine.pool


class AsyncEngine(ProxyComparable[Engine]):
    """An asyncio proxy for an :class:`~quicksilver.engine.Engine`; mirrors
    ``sqlalchemy.ext.asyncio.AsyncEngine``.  Made by :func:`create_async_engine`.
    """

    __slots__ = ("sync_engine",)

    def __init__(self, sync_engine: Engine) -> None:
        if not sync_engine.dialect.is_async:
            raise exc.InvalidRequestError(
                "The asyncio extension requires an async driver to be used. "
                f"The loaded {sync_engine.dialect.driver!r} is not async."
            )
        self.sync_engine = self._assign_proxied(sync_engine)

    @classmethod
    def _regenerate_proxy_for_target(cls, target: Engine) -> "AsyncEngine":
        return AsyncEngine(target)

    @staticmethod
    def _refuse_events(target: Any, events: type) -> None:
        # event.listen(async_engine, ...): SQLAlchemy's NotImplementedError
        refuse_events(target, events, ENGINE_EVENTS_TARGET)

    @property
    def _proxied(self) -> Engine:
        return self.sync_engine

    def __repr__(self) -> str:
        return f"AsyncEngine({self.sync_engine.url!r})"

    # -- proxied attributes ---------------------------------------------------

    @property
    def pool(self) -> "Pool":
        """The connection pool."""
        return self.sync_engine.pool

    @pool.setter
    def pool(self, value: "Pool") -> None:
        self.sync_engine.pool = value

    @property
    def dialect(self) -> Any:
        """The dialect in use."""
        return self.sync_engine.dialect

    @property
    def url(self) -> "URL":
        """The database URL."""
        return self.sync_engine.url

    @property
    def echo(self) -> Any:
        """Log SQL (``True``/``"debug"``); settable."""
        return self.sync_engine.echo

    @echo.setter
    def echo(self, value: Any) -> None:
        self.sync_engine.echo = value

    @property
    def name(self) -> str:
        return self.sync_engine.name

    @property
    def driver(self) -> str:
        return self.sync_engine.driver

    @property
    def engine(self) -> Engine:
        """The sync Engine (as ``AsyncConnection.engine`` is the AsyncEngine)."""
        return self.sync_engine

    def clear_compiled_cache(self) -> None:
        """Empty the compiled-statement cache."""
        self.sync_engine.clear_compiled_cache()

    def update_execution_options(self, **opt: Any) -> None:
        """Change this engine's default execution options in place."""
        self.sync_engine.update_execution_options(**opt)

    def get_execution_options(self) -> Any:
        """The engine's default execution options."""
        return self.sync_engine.get_execution_options()

    def execution_options(self, **opt: Any) -> "AsyncEngine":
        """A copy of this engine (same pool) with extra execution options."""
        return AsyncEngine(self.sync_engine.execution_options(**opt))

    # -- connecting -----------------------------------------------------------

    def connect(self) -> "AsyncConnection":
        """An AsyncConnection; use ``async with`` or ``await`` it to check out."""
        return AsyncConnection(self)

    def begin(self) -> "_AsyncEngineBegin":
        """``async with engine.begin() as conn``: commit at the end, or roll
        back on error."""
        return _AsyncEngineBegin(self)

    async def raw_connection(self) -> Any:
        """A pooled DBAPI-level connection (the pool's proxied connection)."""
        return await greenlet_spawn(self.sync_engine.raw_connection)

    async def dispose(self, close: bool = True) -> None:
        """Close the pool's idle connections and start a fresh pool."""
        await greenlet_spawn(self.sync_engine.dispose, close=close)


class _AsyncEngineBegin:
    """The async context manager returned by ``AsyncEngine.begin()``."""

    __slots__ = ("engine", "conn", "trans")

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def __aenter__(self) -> "AsyncConnection":
        conn = await self.engine.connect().start(is_ctxmanager=True)
        try:
            self.trans = await conn.begin().start(is_ctxmanager=True)
        except BaseException:
            await asyncio.shield(conn.close())
            raise
        self.conn = conn
        return conn

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        try:
            await self.trans.__aexit__(type_, value, traceback)
        finally:
            await asyncio.shield(self.conn.close())


class AsyncConnection(ProxyComparable[Connection], StartableContext["AsyncConnection"]):
    """An asyncio proxy for a :class:`~quicksilver.engine.Connection`; mirrors
    ``sqlalchemy.ext.asyncio.AsyncConnection``.

    Made by ``AsyncEngine.connect()``; checked out by ``await`` or
    ``async with``.  Not safe to share between concurrent tasks.
    """

    __slots__ = ("engine", "sync_engine", "sync_connection")

    def __init__(
        self, async_engine: AsyncEngine, sync_connection: Optional[Connection] = None
    ) -> None:
        self.engine = async_engine
        self.sync_engine = async_engine.sync_engine
        self.sync_connection = self._assign_proxied(sync_connection)

    @classmethod
    def _regenerate_proxy_for_target(cls, target: Connection) -> "AsyncConnection":
        return AsyncConnection(
            AsyncEngine._retrieve_proxy_for_target(target.engine), target
        )

    @staticmethod
    def _refuse_events(target: Any, events: type) -> None:
        # event.listen(async_engine, ...): SQLAlchemy's NotImplementedError
        refuse_events(target, events, ENGINE_EVENTS_TARGET)

    async def start(self, is_ctxmanager: bool = False) -> "AsyncConnection":
        """Check a connection out of the pool (what ``await conn`` does)."""
        if self.sync_connection is not None:
            raise exc.InvalidRequestError("connection is already started")
        self.sync_connection = self._assign_proxied(
            await greenlet_spawn(self.sync_engine.connect)
        )
        return self

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await asyncio.shield(self.close())

    def __repr__(self) -> str:
        return f"<AsyncConnection {self.sync_connection!r}>"

    @property
    def _proxied(self) -> Connection:
        conn = self.sync_connection
        if conn is None:
            self._raise_for_not_started()
        return conn

    def _check_started(self) -> None:
        if self.sync_connection is None:
            self._raise_for_not_started()

    # -- state ----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once closed (or never started)."""
        return self._proxied.closed

    @property
    def invalidated(self) -> bool:
        """True if the DBAPI connection was invalidated."""
        return self._proxied.invalidated

    @property
    def dialect(self) -> Any:
        return self._proxied.dialect

    @property
    def default_isolation_level(self) -> Optional[str]:
        return self._proxied.default_isolation_level

    @property
    def info(self) -> dict[str, Any]:
        """A dict living as long as the DBAPI connection."""
        return self._proxied.info

    @property
    def connection(self) -> Any:
        """Not available: it may need to reconnect (I/O); use
        :meth:`get_raw_connection`."""
        raise exc.InvalidRequestError(
            "AsyncConnection.connection accessor is not implemented as the "
            "attribute may need to reconnect on an invalidated connection.  "
            "Use the get_raw_connection() method."
        )

    async def get_raw_connection(self) -> Any:
        """The pool's proxied DBAPI connection in use."""
        return await greenlet_spawn(getattr, self._proxied, "connection")

    async def get_isolation_level(self) -> str:
        """The isolation level the database reports for this connection."""
        return await greenlet_spawn(self._proxied.get_isolation_level)

    def in_transaction(self) -> bool:
        return self._proxied.in_transaction()

    def in_nested_transaction(self) -> bool:
        return self._proxied.in_nested_transaction()

    def get_transaction(self) -> Optional["AsyncTransaction"]:
        """The current root transaction's async proxy, or None."""
        trans = self._proxied.get_transaction()
        if trans is None:
            return None
        return AsyncTransaction._retrieve_proxy_for_target(trans)

    def get_nested_transaction(self) -> Optional["AsyncTransaction"]:
        """The current SAVEPOINT's async proxy, or None."""
        trans = self._proxied.get_nested_transaction()
        if trans is None:
            return None
        return AsyncTransaction._retrieve_proxy_for_target(trans)

    async def execution_options(self, **opt: Any) -> "AsyncConnection":
        """Set execution options on this connection; returns self."""
        conn = self._proxied
        result = await greenlet_spawn(conn.execution_options, **opt)
        assert result is conn
        return self

    def get_execution_options(self) -> Any:
        """The execution options in force on this connection (plain, no I/O)."""
        return self._proxied.get_execution_options()

    # -- transactions ---------------------------------------------------------

    def begin(self) -> "AsyncTransaction":
        """A transaction; ``async with conn.begin():`` commits at the end."""
        self._check_started()
        return AsyncTransaction(self)

    def begin_nested(self) -> "AsyncTransaction":
        """A SAVEPOINT, usable the same way as :meth:`begin`."""
        self._check_started()
        return AsyncTransaction(self, nested=True)

    async def commit(self) -> None:
        """Commit the transaction in progress (commit-as-you-go)."""
        await greenlet_spawn(self._proxied.commit)

    async def rollback(self) -> None:
        """Roll back the transaction in progress."""
        await greenlet_spawn(self._proxied.rollback)

    async def close(self) -> None:
        """Roll back and return the connection to the pool."""
        conn = self.sync_connection
        if conn is None:
            return
        await greenlet_spawn(conn.close)

    async def aclose(self) -> None:
        """Same as :meth:`close` (for ``contextlib.aclosing``)."""
        await self.close()

    async def invalidate(self, exception: Optional[BaseException] = None) -> None:
        """Invalidate the DBAPI connection; the next use reconnects."""
        await greenlet_spawn(self._proxied.invalidate, exception=exception)

    # -- execution ------------------------------------------------------------

    async def exec_driver_sql(
        self,
        statement: str,
        parameters: Any = None,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> "CursorResult[Any]":
        """Run SQL in the driver's own paramstyle (``$1`` for asyncpg)."""
        result = await greenlet_spawn(
            self._proxied.exec_driver_sql, statement, parameters, execution_options
        )
        return await _ensure_sync_result(result, "exec_driver_sql")

    async def execute(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> "CursorResult[Any]":
        """Execute a statement; the result is buffered (no I/O left)."""
        result = await greenlet_spawn(
            self._proxied.execute,
            statement,
            parameters,
            execution_options=execution_options,
        )
        return await _ensure_sync_result(result, "execute")

    async def scalar(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        """The first column of the first row."""
        result = await self.execute(
            statement, parameters, execution_options=execution_options
        )
        return result.scalar()

    async def scalars(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        """A ScalarResult over the first column."""
        result = await self.execute(
            statement, parameters, execution_options=execution_options
        )
        return result.scalars()

    def stream(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> "_StreamContext[AsyncResult]":
        """Execute with a server-side cursor; ``await`` it or ``async with`` it
        for an :class:`AsyncResult`."""
        return _StreamContext(self, statement, parameters, execution_options, None)

    def stream_scalars(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> "_StreamContext[AsyncScalarResult[Any]]":
        """:meth:`stream`, returning an :class:`AsyncScalarResult`."""
        return _StreamContext(self, statement, parameters, execution_options, 0)

    async def _stream(
        self,
        statement: Any,
        parameters: Any,
        execution_options: Optional[Mapping[str, Any]],
    ) -> AsyncResult:
        if not self.dialect.supports_server_side_cursors:
            raise exc.InvalidRequestError(
                "Can't use `stream` or `stream_scalars` with the current "
                "dialect since it does not support server side cursors."
            )
        opts = dict(execution_options or {})
        opts["stream_results"] = True
        result = await greenlet_spawn(
            self._proxied.execute, statement, parameters, execution_options=opts
        )
        return AsyncResult(result)

    async def run_sync(self, fn: Callable[..., _T], *arg: Any, **kw: Any) -> _T:
        """Call ``fn(sync_connection, *arg, **kw)`` inside the bridge.

        ``fn`` is ordinary sync code (``metadata.create_all``, an inspector):
        its I/O is awaited on this task's event loop.
        """
        return await greenlet_spawn(fn, self._proxied, *arg, **kw)


class _StreamContext(StartableContext[_T]):
    """What ``stream()`` returns: awaitable, or an ``async with`` that closes
    the result (and its server-side cursor) at the end of the block."""

    __slots__ = ("conn", "args", "scalars_index", "result")

    def __init__(
        self,
        conn: AsyncConnection,
        statement: Any,
        parameters: Any,
        execution_options: Optional[Mapping[str, Any]],
        scalars_index: Any,
    ) -> None:
        self.conn = conn
        self.args = (statement, parameters, execution_options)
        self.scalars_index = scalars_index
        self.result: Any = None

    async def start(self, is_ctxmanager: bool = False) -> _T:
        result = await self.conn._stream(*self.args)
        self.result = result
        if self.scalars_index is not None:
            return result.scalars(self.scalars_index)  # type: ignore[return-value]
        return result  # type: ignore[return-value]

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if self.result is not None:
            await asyncio.shield(self.result.close())


async def _ensure_sync_result(result: Any, method: str) -> Any:
    """A streaming result cannot be used without ``await``: refuse it."""
    context = getattr(result, "context", None)
    if context is not None and getattr(context, "_is_server_side", False):
        await greenlet_spawn(result.close)
        raise async_exc.AsyncMethodRequired(
            f"Can't use the AsyncConnection.{method}() method with a "
            "server-side cursor. Use the AsyncConnection.stream() method for "
            "an async streaming result set."
        )
    return result


class AsyncTransaction(
    ProxyComparable[Transaction], StartableContext["AsyncTransaction"]
):
    """An asyncio proxy for a :class:`~quicksilver.engine.Transaction`; mirrors
    ``sqlalchemy.ext.asyncio.AsyncTransaction``."""

    __slots__ = ("connection", "sync_transaction", "nested")

    def __init__(self, connection: AsyncConnection, nested: bool = False) -> None:
        self.connection = connection
        self.sync_transaction: Optional[Transaction] = None
        self.nested = nested

    @classmethod
    def _regenerate_proxy_for_target(cls, target: Transaction) -> "AsyncTransaction":
        sync_connection = target.connection
        async_connection = AsyncConnection._retrieve_proxy_for_target(sync_connection)
        nested = isinstance(target, NestedTransaction)
        obj = cls.__new__(cls)
        obj.connection = async_connection
        obj.sync_transaction = obj._assign_proxied(target)
        obj.nested = nested
        return obj

    @property
    def _proxied(self) -> Transaction:
        trans = self.sync_transaction
        if trans is None:
            self._raise_for_not_started()
        return trans

    @property
    def is_valid(self) -> bool:
        return self._proxied.is_valid

    @property
    def is_active(self) -> bool:
        return self._proxied.is_active

    async def start(self, is_ctxmanager: bool = False) -> "AsyncTransaction":
        """Begin (what ``await trans`` / ``async with`` does)."""
        conn = self.connection._proxied
        begin = conn.begin_nested if self.nested else conn.begin
        self.sync_transaction = self._assign_proxied(await greenlet_spawn(begin))
        if is_ctxmanager:
            self.sync_transaction.__enter__()
        return self

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await greenlet_spawn(self._proxied.__exit__, type_, value, traceback)

    async def commit(self) -> None:
        """Commit (RELEASE SAVEPOINT when nested)."""
        await greenlet_spawn(self._proxied.commit)

    async def rollback(self) -> None:
        """Roll back (to the SAVEPOINT when nested)."""
        await greenlet_spawn(self._proxied.rollback)

    async def close(self) -> None:
        """Roll back if still active."""
        await greenlet_spawn(self._proxied.close)


__all__ = [
    "create_async_engine",
    "async_engine_from_config",
    "create_async_pool_from_url",
    "AsyncEngine",
    "AsyncConnection",
    "AsyncTransaction",
]
