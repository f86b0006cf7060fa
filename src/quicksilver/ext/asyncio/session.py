"""AsyncSession and friends (mirrors ``sqlalchemy.ext.asyncio.session``).

An :class:`AsyncSession` is a thin proxy of an ordinary ORM
:class:`~quicksilver.orm.Session` (its ``sync_session``).  Nothing of the
unit of work is rewritten here: every operation that may do I/O (execute,
flush, commit, get, refresh, merge, delete, close ...) is the sync method
run through :func:`~quicksilver.util.concurrency.greenlet_spawn`, so that
the async driver's coroutines are awaited on the caller's event loop.
Operations that only touch memory (``add``, ``expunge``, ``expire``,
``new``/``dirty``/``deleted`` ...) are plain calls.

Design notes
------------

* **Binds.**  An ``AsyncSession`` takes ``AsyncEngine`` / ``AsyncConnection``
  binds and hands the sync Session their ``sync_engine`` /
  ``sync_connection``; ``bind`` and ``binds`` keep the async objects, and
  :meth:`AsyncSession.get_bind` returns the sync one (SQLAlchemy's split).
* **Implicit I/O.**  The sync Session is flagged ``_io_needs_bridge``; the
  ORM checks that flag before loading an expired or deferred attribute and,
  outside the bridge, raises :class:`~quicksilver.exc.MissingGreenlet`
  naming the attribute and the object and pointing at the awaitable ways
  (``await session.refresh(obj)``, ``awaitable_attrs``, eager loading).
  Raising before any connection is touched means the failed access leaves no
  transaction begun and no connection checked out (SQLAlchemy gets as far as
  the driver call and leaves both).
* **Results.**  ``execute()`` builds ORM objects inside the bridge (the ORM
  result is buffered there), so that loading rows never needs I/O later,
  which is what SQLAlchemy's ``prebuffer_rows`` gives; ``stream()`` returns
  an :class:`~.AsyncResult` whose fetches run in the bridge.
* **Closing.**  ``async with`` blocks close their session inside
  ``asyncio.shield`` so that a task cancelled at that moment still gives its
  connection back to the pool.
* **Proxies.**  An AsyncSession registers itself as the proxy of its sync
  Session (:class:`~.base.ReversibleProxy`), which is how
  :func:`async_session` and :func:`async_object_session` find it again.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Generic,
    Iterable,
    Iterator,
    Optional,
    Sequence,
    Type,
    TypeVar,
)

from typing_extensions import Concatenate, ParamSpec

from ... import exc
from ...engine.base import Connection, Engine
from ...engine.result import ChunkedIteratorResult, IteratorResult
from ...orm.session import Session, object_session
from ...orm.session import close_all_sessions as _sync_close_all_sessions
from ...util import immutabledict
from ...util.concurrency import greenlet_spawn
from . import exc as async_exc
from .base import (
    SESSION_EVENTS_TARGET,
    ReversibleProxy,
    StartableContext,
    refuse_events,
)
from .engine import AsyncConnection, AsyncEngine
from .result import AsyncResult, AsyncScalarResult

if TYPE_CHECKING:
    from ...orm.identity import IdentitySet
    from ...orm.session_transaction import SessionTransaction

_T = TypeVar("_T")
_O = TypeVar("_O")
_P = ParamSpec("_P")
_AS = TypeVar("_AS", bound="AsyncSession")
_CHUNK = 1000

__all__ = [
    "AsyncAttrs",
    "AsyncSession",
    "AsyncSessionTransaction",
    "async_object_session",
    "async_session",
    "async_sessionmaker",
    "close_all_sessions",
]


# --------------------------------------------------------------------------
# binds


def _sync_bind(bind: Any) -> Any:
    """The sync Engine/Connection behind an async bind (None stays None)."""
    if bind is None:
        return None
    if isinstance(bind, AsyncEngine):
        return bind.sync_engine
    if isinstance(bind, AsyncConnection):
        return bind._proxied
    raise exc.ArgumentError(f"AsyncEngine expected, got {bind!r}")


def _async_bind(bind: Any) -> Any:
    """The async proxy of a sync Engine/Connection (made if there is none)."""
    if isinstance(bind, Engine):
        return AsyncEngine._retrieve_proxy_for_target(bind)
    if isinstance(bind, Connection):
        return AsyncConnection._retrieve_proxy_for_target(bind)
    raise async_exc.AsyncBindNotFound(
        f"Bind {bind!r} has no asyncio proxy; bind the AsyncSession to an "
        "AsyncEngine or AsyncConnection."
    )


# --------------------------------------------------------------------------
# executing inside the bridge


def _refuse_server_side(result: Any) -> None:
    """Close a result read through a server-side cursor and refuse it.

    Runs inside the bridge: fetching from such a result later would be I/O
    outside it.  The ORM keeps the cursor result as ``_qs_source``.
    """
    source = getattr(result, "_qs_source", result)
    context = getattr(source, "context", None)
    if context is not None and getattr(context, "_is_server_side", False):
        result.close()
        raise async_exc.AsyncMethodRequired(
            "Can't use the AsyncSession.execute() method with a server-side "
            "cursor. Use the AsyncSession.stream() method for an async "
            "streaming result set."
        )


def _execute_buffered(
    session: Session,
    statement: Any,
    params: Any,
    execution_options: Any,
    bind_arguments: Any,
    kw: dict[str, Any],
) -> Any:
    """``Session.execute`` with every ORM object built before returning."""
    result = session.execute(
        statement,
        params,
        execution_options=execution_options,
        bind_arguments=bind_arguments,
        **kw,
    )
    _refuse_server_side(result)
    if isinstance(result, IteratorResult) and not result._soft_closed:
        _prebuffer(result)
    return result


def _prebuffer(result: IteratorResult[Any]) -> None:
    """Build every ORM object of ``result`` now, inside the bridge.

    ORM rows become objects lazily, chunk by chunk; doing it here keeps
    identity-map work and load events inside the bridge, as SQLAlchemy's
    ``prebuffer_rows`` does.  A ChunkedIteratorResult's ``chunks`` is
    replaced too, so that ``yield_per()`` / ``partitions()`` afterwards read
    the buffered objects instead of the (exhausted) cursor.
    """
    buffered = iter(list(result.iterator))
    result.iterator = buffered
    if isinstance(result, ChunkedIteratorResult):

        def chunks(size: Optional[int]) -> Iterator[list[Any]]:
            while True:
                chunk = list(itertools.islice(buffered, size or _CHUNK))
                if not chunk:
                    return
                yield chunk

        result.chunks = chunks


def _run_each(fn: Callable[..., _T], items: Iterable[Any], **kw: Any) -> list[_T]:
    return [fn(item, **kw) for item in items]


# --------------------------------------------------------------------------
# AsyncSession


class AsyncSession(ReversibleProxy[Session]):
    """Asyncio version of :class:`~quicksilver.orm.Session`; mirrors
    ``sqlalchemy.ext.asyncio.AsyncSession``.

    ``AsyncSession(bind=None, *, binds=None, sync_session_class=None, **kw)``:
    ``bind`` / ``binds`` values are ``AsyncEngine`` or ``AsyncConnection``
    objects, the other keyword arguments go to the sync Session
    (``autoflush``, ``expire_on_commit``, ``info`` ...).  Like a Session, one
    AsyncSession belongs to one task at a time.
    """

    _is_asyncio = True

    sync_session_class: Type[Session] = Session
    """The class of :attr:`sync_session`; set per instance, per subclass, or
    by ``sync_session_class=``."""

    sync_session: Session
    """The :class:`~quicksilver.orm.Session` this AsyncSession proxies.

    Event listeners attach to it (or to :attr:`sync_session_class`); its
    methods may be called directly only for in-memory work or from
    :meth:`run_sync`."""

    bind: Any = None
    """The ``AsyncEngine`` / ``AsyncConnection`` given as ``bind``."""

    def __init__(
        self,
        bind: Any = None,
        *,
        binds: Optional[dict[Any, Any]] = None,
        sync_session_class: Optional[Type[Session]] = None,
        **kw: Any,
    ) -> None:
        self.bind = bind
        self._binds: dict[Any, Any] = dict(binds) if binds else {}
        sync_binds = (
            {key: _sync_bind(value) for key, value in binds.items()} if binds else None
        )
        if sync_session_class is not None:
            self.sync_session_class = sync_session_class
        sync_session = self.sync_session_class(
            bind=_sync_bind(bind), binds=sync_binds, **kw
        )
        # tells the ORM that implicit loads must fail clearly outside the bridge
        sync_session._io_needs_bridge = True
        self.sync_session = self._assign_proxied(sync_session)

    @property
    def _proxied(self) -> Session:
        return self.sync_session

    @staticmethod
    def _refuse_events(target: Any, events: type) -> None:
        # event.listen(async_session, ...): SQLAlchemy's NotImplementedError
        refuse_events(target, events, SESSION_EVENTS_TARGET)

    # -- context manager ------------------------------------------------------

    async def __aenter__(self: _AS) -> _AS:
        return self

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await asyncio.shield(self.close())

    def _maker_context_manager(self: _AS) -> "_AsyncSessionContextManager[_AS]":
        return _AsyncSessionContextManager(self)

    # -- binds ------------------------------------------------------------------

    @property
    def binds(self) -> "immutabledict[Any, Any]":
        """The ``binds`` given (and added by :meth:`bind_mapper` /
        :meth:`bind_table`), with their async values."""
        return immutabledict(self._binds)

    def bind_mapper(self, mapper: Any, bind: Any) -> None:
        """Route statements for ``mapper`` to the async ``bind``."""
        self.sync_session.bind_mapper(mapper, _sync_bind(bind))
        self._binds[mapper] = bind

    def bind_table(self, table: Any, bind: Any) -> None:
        """Route statements on ``table`` to the async ``bind``."""
        self.sync_session.bind_table(table, _sync_bind(bind))
        self._binds[table] = bind

    def get_bind(
        self,
        mapper: Any = None,
        clause: Any = None,
        bind: Any = None,
        **kw: Any,
    ) -> Any:
        """The *sync* Engine or Connection a statement would use.

        Mirrors ``AsyncSession.get_bind``; see :meth:`get_async_bind` for its
        async proxy.  Override it on :attr:`sync_session_class` for custom
        routing (SQLAlchemy's advice too): it runs inside the sync Session.
        """
        if bind is not None and isinstance(bind, (AsyncEngine, AsyncConnection)):
            bind = _sync_bind(bind)
        return self.sync_session.get_bind(mapper, clause=clause, bind=bind, **kw)

    def get_async_bind(
        self,
        mapper: Any = None,
        clause: Any = None,
        bind: Any = None,
        **kw: Any,
    ) -> Any:
        """:meth:`get_bind`, returned as an AsyncEngine or AsyncConnection."""
        return _async_bind(self.get_bind(mapper, clause=clause, bind=bind, **kw))

    async def connection(
        self,
        bind_arguments: Optional[dict[str, Any]] = None,
        execution_options: Any = None,
        **kw: Any,
    ) -> AsyncConnection:
        """The :class:`AsyncConnection` of the current transaction (begun if
        needed); mirrors ``AsyncSession.connection``."""
        if bind_arguments and bind_arguments.get("bind") is not None:
            bind_arguments = dict(bind_arguments)
            bind_arguments["bind"] = _sync_bind(bind_arguments["bind"])
        sync_connection = await greenlet_spawn(
            self.sync_session.connection,
            bind_arguments=bind_arguments,
            execution_options=execution_options,
            **kw,
        )
        proxy = AsyncConnection._retrieve_proxy_for_target(sync_connection)
        assert proxy is not None
        return proxy  # type: ignore[no-any-return]

    # -- execution --------------------------------------------------------------

    async def execute(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> Any:
        """Execute a statement and return a buffered Result (ORM objects for
        ``select(User)``); mirrors ``AsyncSession.execute``."""
        return await greenlet_spawn(
            _execute_buffered,
            self.sync_session,
            statement,
            params,
            execution_options,
            bind_arguments,
            kw,
        )

    async def scalars(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> Any:
        """``(await execute(...)).scalars()``: a ScalarResult."""
        result = await self.execute(
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
            **kw,
        )
        return result.scalars()

    async def scalar(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> Any:
        """The first column of the first row, or None."""
        result = await self.execute(
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
            **kw,
        )
        return result.scalar()

    async def stream(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> AsyncResult:
        """Execute with a server-side cursor and return an :class:`AsyncResult`
        (``async for row in result``); mirrors ``AsyncSession.stream``."""
        opts = dict(execution_options or {})
        opts["stream_results"] = True
        result = await greenlet_spawn(
            self.sync_session.execute,
            statement,
            params,
            execution_options=opts,
            bind_arguments=bind_arguments,
            **kw,
        )
        return AsyncResult(result)

    async def stream_scalars(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> AsyncScalarResult:
        """:meth:`stream`, returning an :class:`AsyncScalarResult`."""
        result = await self.stream(
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
            **kw,
        )
        return result.scalars()

    async def get(
        self,
        entity: Any,
        ident: Any,
        *,
        options: Optional[Sequence[Any]] = None,
        populate_existing: bool = False,
        with_for_update: Any = None,
        identity_token: Any = None,
        execution_options: Any = None,
        bind_arguments: Any = None,
    ) -> Any:
        """The object with primary key ``ident`` (identity map, then database),
        or None; mirrors ``AsyncSession.get``."""
        return await greenlet_spawn(
            self.sync_session.get,
            entity,
            ident,
            options=options,
            populate_existing=populate_existing,
            with_for_update=with_for_update,
            identity_token=identity_token,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
        )

    async def get_one(
        self,
        entity: Any,
        ident: Any,
        *,
        options: Optional[Sequence[Any]] = None,
        populate_existing: bool = False,
        with_for_update: Any = None,
        identity_token: Any = None,
        execution_options: Any = None,
        bind_arguments: Any = None,
    ) -> Any:
        """Like :meth:`get`, raising ``NoResultFound`` when there is no row."""
        return await greenlet_spawn(
            self.sync_session.get_one,
            entity,
            ident,
            options=options,
            populate_existing=populate_existing,
            with_for_update=with_for_update,
            identity_token=identity_token,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
        )

    async def refresh(
        self,
        instance: object,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: Any = None,
    ) -> None:
        """Reload ``instance``'s attributes now; the awaitable way to read
        expired attributes (after ``commit()`` with ``expire_on_commit``)."""
        await greenlet_spawn(
            self.sync_session.refresh,
            instance,
            attribute_names=attribute_names,
            with_for_update=with_for_update,
        )

    async def run_sync(
        self, fn: Callable[Concatenate[Session, _P], _T], *arg: _P.args, **kw: _P.kwargs
    ) -> _T:
        """Call ``fn(sync_session, *arg, **kw)`` inside the bridge.

        ``fn`` is ordinary sync ORM code; lazy loads and other implicit I/O
        work there, their queries awaited on this task's event loop.
        """
        sync_session = self.sync_session

        def call() -> _T:
            # a closure, so that no keyword of fn can clash with greenlet_spawn's
            return fn(sync_session, *arg, **kw)

        return await greenlet_spawn(call)

    # -- unit of work -----------------------------------------------------------

    def add(self, instance: object, *, _warn: bool = True) -> None:
        """Place ``instance`` in the session (no I/O)."""
        self.sync_session.add(instance, _warn=_warn)

    def add_all(self, instances: Iterable[object]) -> None:
        """``add()`` each instance."""
        self.sync_session.add_all(instances)

    async def delete(self, instance: object) -> None:
        """Mark ``instance`` for deletion at the next flush.

        A coroutine because deleting may have to load what cascades from the
        object.
        """
        await greenlet_spawn(self.sync_session.delete, instance)

    async def delete_all(self, instances: Iterable[object]) -> None:
        """:meth:`delete` each instance."""
        await greenlet_spawn(_run_each, self.sync_session.delete, list(instances))

    async def merge(
        self,
        instance: _O,
        *,
        load: bool = True,
        options: Optional[Sequence[Any]] = None,
    ) -> _O:
        """Copy ``instance``'s state onto this session's object with the same
        identity (loading it if needed) and return that object."""
        return await greenlet_spawn(
            self.sync_session.merge, instance, load=load, options=options
        )

    async def merge_all(
        self,
        instances: Iterable[_O],
        *,
        load: bool = True,
        options: Optional[Sequence[Any]] = None,
    ) -> Sequence[_O]:
        """:meth:`merge` each instance; returns the merged objects."""
        return await greenlet_spawn(
            _run_each,
            self.sync_session.merge,
            list(instances),
            load=load,
            options=options,
        )

    async def flush(self, objects: Optional[Sequence[Any]] = None) -> None:
        """Write pending changes inside the current transaction."""
        await greenlet_spawn(self.sync_session.flush, objects=objects)

    def expunge(self, instance: object) -> None:
        """Remove ``instance`` from the session."""
        self.sync_session.expunge(instance)

    def expunge_all(self) -> None:
        """Remove every object from the session."""
        self.sync_session.expunge_all()

    def expire(
        self, instance: object, attribute_names: Optional[Iterable[str]] = None
    ) -> None:
        """Expire attributes (no I/O); read them back with :meth:`refresh`
        or ``awaitable_attrs``, not by plain attribute access."""
        self.sync_session.expire(instance, attribute_names)

    def expire_all(self) -> None:
        """Expire every persistent object (no I/O)."""
        self.sync_session.expire_all()

    def is_modified(self, instance: object, include_collections: bool = True) -> bool:
        """True if ``instance`` has net attribute changes not yet flushed."""
        return self.sync_session.is_modified(
            instance, include_collections=include_collections
        )

    def __contains__(self, instance: object) -> bool:
        return instance in self.sync_session

    def __iter__(self) -> Iterator[object]:
        return iter(self.sync_session)

    # -- transactions -----------------------------------------------------------

    def begin(self) -> "AsyncSessionTransaction":
        """A transaction: ``async with session.begin():`` commits at the end,
        or ``await session.begin()`` starts it."""
        return AsyncSessionTransaction(self)

    def begin_nested(self) -> "AsyncSessionTransaction":
        """A SAVEPOINT, used like :meth:`begin`."""
        return AsyncSessionTransaction(self, nested=True)

    async def commit(self) -> None:
        """Flush and commit the current transaction."""
        await greenlet_spawn(self.sync_session.commit)

    async def rollback(self) -> None:
        """Roll back the current transaction."""
        await greenlet_spawn(self.sync_session.rollback)

    async def close(self) -> None:
        """Expunge everything and give connections back to the pool (rolling
        back); the session can be used again afterwards."""
        await greenlet_spawn(self.sync_session.close)

    async def aclose(self) -> None:
        """Same as :meth:`close` (for ``contextlib.aclosing``)."""
        await self.close()

    async def reset(self) -> None:
        """Like :meth:`close`: back to a clean, reusable state."""
        await greenlet_spawn(self.sync_session.reset)

    async def invalidate(self) -> None:
        """Close, invalidating (not returning) the connections in use."""
        await greenlet_spawn(self.sync_session.invalidate)

    @classmethod
    async def close_all(cls) -> None:
        """Close every session in memory (see :func:`close_all_sessions`)."""
        await close_all_sessions()

    def in_transaction(self) -> bool:
        """True if a transaction (possibly autobegun) is in progress."""
        return self.sync_session.in_transaction()

    def in_nested_transaction(self) -> bool:
        """True if a SAVEPOINT is in progress."""
        return self.sync_session.in_nested_transaction()

    def get_transaction(self) -> Optional["AsyncSessionTransaction"]:
        """The root transaction's :class:`AsyncSessionTransaction`, or None."""
        trans = self.sync_session.get_transaction()
        if trans is None:
            return None
        return AsyncSessionTransaction._for_sync(trans, self)

    def get_nested_transaction(self) -> Optional["AsyncSessionTransaction"]:
        """The current SAVEPOINT's :class:`AsyncSessionTransaction`, or None."""
        trans = self.sync_session.get_nested_transaction()
        if trans is None:
            return None
        return AsyncSessionTransaction._for_sync(trans, self)

    # -- proxied state ----------------------------------------------------------

    @property
    def new(self) -> "IdentitySet":
        """Objects added and not yet flushed."""
        return self.sync_session.new

    @property
    def dirty(self) -> "IdentitySet":
        """Persistent objects with unflushed attribute changes."""
        return self.sync_session.dirty

    @property
    def deleted(self) -> "IdentitySet":
        """Objects marked for deletion and not yet flushed."""
        return self.sync_session.deleted

    @property
    def identity_map(self) -> Any:
        """The sync session's identity map."""
        return self.sync_session.identity_map

    @identity_map.setter
    def identity_map(self, value: Any) -> None:
        self.sync_session.identity_map = value

    @property
    def is_active(self) -> bool:
        """False only while a failed flush awaits ``rollback()``."""
        return self.sync_session.is_active

    @property
    def autoflush(self) -> bool:
        """Flush before queries; settable."""
        return self.sync_session.autoflush

    @autoflush.setter
    def autoflush(self, value: bool) -> None:
        self.sync_session.autoflush = value

    @property
    def no_autoflush(self) -> Any:
        """``with session.no_autoflush:`` turns autoflush off in the block."""
        return self.sync_session.no_autoflush

    @property
    def info(self) -> dict[Any, Any]:
        """A user dictionary, the sync session's ``info``."""
        return self.sync_session.info

    @property
    def execution_options(self) -> Any:
        """The sync session's default execution options (empty if it has
        none)."""
        return getattr(self.sync_session, "execution_options", immutabledict())

    @classmethod
    def object_session(cls, instance: object) -> Optional[Session]:
        """The *sync* Session of ``instance`` (as SQLAlchemy); see
        :func:`async_object_session` for the AsyncSession."""
        return Session.object_session(instance)

    @classmethod
    def identity_key(cls, *args: Any, **kw: Any) -> Any:
        """An identity key (``Session.identity_key``)."""
        return Session.identity_key(*args, **kw)


class _AsyncSessionContextManager(Generic[_AS]):
    """``async with maker.begin() as session``: a new session, begun;
    committed (or rolled back) then closed at the end of the block."""

    __slots__ = ("async_session", "trans")

    def __init__(self, async_session: _AS) -> None:
        self.async_session = async_session
        self.trans: Optional[AsyncSessionTransaction] = None

    async def __aenter__(self) -> _AS:
        self.trans = self.async_session.begin()
        await self.trans.start(is_ctxmanager=True)
        return self.async_session

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        async def finish() -> None:
            try:
                assert self.trans is not None
                await self.trans.__aexit__(type_, value, traceback)
            finally:
                await self.async_session.close()

        # The commit/rollback and the close run to the end even if this task
        # is cancelled meanwhile, so the connection goes back to the pool.
        await asyncio.shield(finish())


class AsyncSessionTransaction(
    ReversibleProxy["SessionTransaction"], StartableContext["AsyncSessionTransaction"]
):
    """A transaction of an :class:`AsyncSession`; mirrors
    ``sqlalchemy.ext.asyncio.AsyncSessionTransaction``.

    Made by ``session.begin()`` / ``begin_nested()``; started by ``await``
    or ``async with`` (which commits at the end, or rolls back on error).
    """

    __slots__ = ("session", "sync_transaction", "nested")

    def __init__(self, session: AsyncSession, nested: bool = False) -> None:
        self.session = session
        self.nested = nested
        self.sync_transaction: Optional[SessionTransaction] = None

    @classmethod
    def _for_sync(
        cls, target: "SessionTransaction", session: AsyncSession
    ) -> "AsyncSessionTransaction":
        """The proxy of ``target``, made if it has none (an autobegun one)."""
        proxy = cls._retrieve_proxy_for_target(target, regenerate=False)
        if proxy is None:
            proxy = cls(session, nested=bool(target.nested))
            proxy.sync_transaction = proxy._assign_proxied(target)
        return proxy

    @classmethod
    def _regenerate_proxy_for_target(
        cls, target: "SessionTransaction"
    ) -> "AsyncSessionTransaction":
        session = async_session(target.session)
        if session is None:
            raise async_exc.AsyncBindNotFound(
                f"Session {target.session!r} has no AsyncSession"
            )
        return cls._for_sync(target, session)

    @property
    def _proxied(self) -> "SessionTransaction":
        return self._sync_transaction()

    def _sync_transaction(self) -> "SessionTransaction":
        trans = self.sync_transaction
        if trans is None:
            self._raise_for_not_started()
        return trans

    def __repr__(self) -> str:
        state = "not started" if self.sync_transaction is None else "started"
        kind = "nested " if self.nested else ""
        return f"<AsyncSessionTransaction {kind}{state} of {self.session!r}>"

    @property
    def is_active(self) -> bool:
        """True until committed, rolled back or failed."""
        return self._sync_transaction().is_active

    @property
    def connections(self) -> frozenset[AsyncConnection]:
        """The :class:`AsyncConnection` objects this transaction has acquired
        so far (a savepoint: those it used itself); mirrors
        ``AsyncSessionTransaction.connections`` (SQLAlchemy 2.1.7)."""
        seen: dict[int, AsyncConnection] = {}
        for conn, *_ in self._sync_transaction()._connections.values():
            if id(conn) not in seen:
                seen[id(conn)] = AsyncConnection._retrieve_proxy_for_target(conn)
        return frozenset(seen.values())

    def bound_connection(self, bindkey: Any = None, **kw: Any) -> AsyncConnection:
        """The :class:`AsyncConnection` already acquired for ``bindkey`` (a
        mapped class or mapper, resolved as :meth:`AsyncSession.connection`
        does; ``bind=`` / ``clause=`` go to ``get_bind``).

        Acquires nothing: raises ``InvalidRequestError`` when the transaction
        holds no connection for that bind.  Mirrors
        ``AsyncSessionTransaction.bound_connection`` (SQLAlchemy 2.1.7).
        """
        trans = self._sync_transaction()
        bind = self.session.get_bind(bindkey, **kw)
        entry = trans._connections.get(bind)
        if entry is None:
            raise exc.InvalidRequestError(
                f"This transaction has not acquired a connection for bind {bind!r}"
            )
        return AsyncConnection._retrieve_proxy_for_target(entry[0])  # type: ignore[no-any-return]

    async def start(self, is_ctxmanager: bool = False) -> "AsyncSessionTransaction":
        """Begin (what ``await trans`` and ``async with trans`` do)."""
        sync_session = self.session.sync_session
        begin = sync_session.begin_nested if self.nested else sync_session.begin
        self.sync_transaction = self._assign_proxied(await greenlet_spawn(begin))
        if is_ctxmanager:
            self.sync_transaction.__enter__()
        return self

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await greenlet_spawn(self._sync_transaction().__exit__, type_, value, traceback)

    async def commit(self) -> None:
        """Commit (RELEASE SAVEPOINT when nested)."""
        await greenlet_spawn(self._sync_transaction().commit)

    async def rollback(self) -> None:
        """Roll back (to the SAVEPOINT when nested)."""
        await greenlet_spawn(self._sync_transaction().rollback)


# --------------------------------------------------------------------------
# async_sessionmaker


class async_sessionmaker(Generic[_AS]):
    """A configurable :class:`AsyncSession` factory; mirrors
    ``sqlalchemy.ext.asyncio.async_sessionmaker``.

    ``maker()`` makes a session; ``async with maker.begin() as session``
    makes one inside a transaction that commits at the end of the block.
    """

    class_: Type[_AS]

    def __init__(
        self,
        bind: Any = None,
        *,
        class_: Type[_AS] = AsyncSession,  # type: ignore[assignment]
        autoflush: bool = True,
        expire_on_commit: bool = True,
        info: Optional[dict[Any, Any]] = None,
        **kw: Any,
    ) -> None:
        kw["bind"] = bind
        kw["autoflush"] = autoflush
        kw["expire_on_commit"] = expire_on_commit
        if info is not None:
            kw["info"] = info
        self.kw = kw
        self.class_ = class_

    def begin(self) -> _AsyncSessionContextManager[_AS]:
        """``async with maker.begin() as session``: commit at the end of the
        block (or roll back on error), then close."""
        return self()._maker_context_manager()

    def __call__(self, **local_kw: Any) -> _AS:
        """A new session; ``local_kw`` overrides this factory's arguments
        (``info`` dictionaries are merged)."""
        for key, value in self.kw.items():
            if key == "info" and "info" in local_kw:
                merged = dict(value)
                merged.update(local_kw["info"])
                local_kw["info"] = merged
            else:
                local_kw.setdefault(key, value)
        return self.class_(**local_kw)

    def configure(self, **new_kw: Any) -> None:
        """Change the arguments of sessions made from now on."""
        self.kw.update(new_kw)

    def __repr__(self) -> str:
        return "{}(class_={!r}, {})".format(
            type(self).__name__,
            self.class_.__name__,
            ", ".join(f"{k}={v!r}" for k, v in self.kw.items()),
        )


# --------------------------------------------------------------------------
# module functions


def async_object_session(instance: object) -> Optional[AsyncSession]:
    """The :class:`AsyncSession` ``instance`` belongs to, or None; mirrors
    ``sqlalchemy.ext.asyncio.async_object_session``."""
    session = object_session(instance)
    if session is None:
        return None
    return async_session(session)


def async_session(session: Session) -> Optional[AsyncSession]:
    """The :class:`AsyncSession` proxying the sync ``session``, or None;
    mirrors ``sqlalchemy.ext.asyncio.async_session``."""
    return AsyncSession._retrieve_proxy_for_target(session, regenerate=False)


async def close_all_sessions() -> None:
    """Close every session in memory, sync and async; mirrors
    ``sqlalchemy.ext.asyncio.close_all_sessions``."""
    await greenlet_spawn(_sync_close_all_sessions)


# --------------------------------------------------------------------------
# AsyncAttrs


class _AwaitableAttrs:
    """``obj.awaitable_attrs``: ``await obj.awaitable_attrs.name`` reads the
    attribute inside the bridge, loading it if it is expired or lazy."""

    __slots__ = ("_instance",)

    def __init__(self, instance: Any) -> None:
        self._instance = instance

    def __getattr__(self, name: str) -> Awaitable[Any]:
        return greenlet_spawn(getattr, self._instance, name)

    def __repr__(self) -> str:
        return f"<awaitable_attrs of {self._instance!r}>"


class AsyncAttrs:
    """Mixin for mapped classes adding :attr:`awaitable_attrs`; mirrors
    ``sqlalchemy.ext.asyncio.AsyncAttrs``.

    ``await user.awaitable_attrs.addresses`` loads a lazy (or expired,
    deferred) attribute without blocking and returns its value; reading an
    already loaded attribute this way costs one bridge hop and no SQL.
    """

    __slots__ = ()

    _AsyncAttrGetitem = _AwaitableAttrs

    @property
    def awaitable_attrs(self) -> Any:
        """Awaitable access to this object's attributes."""
        return _AwaitableAttrs(self)
