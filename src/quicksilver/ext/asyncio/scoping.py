"""``async_scoped_session`` (mirrors ``sqlalchemy.ext.asyncio.scoping``).

One :class:`~.AsyncSession` per scope, the scope being whatever hashable
token ``scopefunc`` returns, typically ``asyncio.current_task``.  There is no
default scope: a thread-local one would hand the same session to every task
of an event loop, which is exactly what a session must not be shared by.

Design notes
------------

* The registry is the sync scoped session's :class:`~quicksilver.orm.scoping.
  ScopedRegistry`: a dict keyed by the token.  Entries are not dropped when a
  task ends, so whoever opens a scope must ``await scoped.remove()`` at its
  end (typically in a ``finally`` or a middleware).
* The proxies are written out as methods rather than generated: coroutine
  methods of ``AsyncSession`` stay coroutine functions here (``await
  scoped.commit()``, ``inspect.iscoroutinefunction`` is true), sync ones stay
  sync, and type checkers see real signatures.  Each one looks the session up
  when called, so a proxy fetched once still follows the current task.
  The list is SQLAlchemy's (no ``run_sync`` or ``in_transaction`` proxies:
  call those on ``scoped()``).
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Generic,
    Iterable,
    Optional,
    Sequence,
    TypeVar,
)

from ... import exc
from ...orm.scoping import ScopedRegistry
from ...util import warn
from .session import AsyncSession, async_sessionmaker

if TYPE_CHECKING:
    from ...orm.identity import IdentitySet
    from ...orm.session import Session
    from .engine import AsyncConnection
    from .result import AsyncResult, AsyncScalarResult
    from .session import AsyncSessionTransaction

_O = TypeVar("_O")
_AS = TypeVar("_AS", bound=AsyncSession)

__all__ = ["async_scoped_session"]


class async_scoped_session(Generic[_AS]):
    """A registry of one :class:`AsyncSession` per scope, usable as that
    session; mirrors ``sqlalchemy.ext.asyncio.async_scoped_session``.

    ``async_scoped_session(session_factory, scopefunc)``: ``session_factory``
    is usually an :class:`async_sessionmaker`; ``scopefunc`` (required)
    returns the current scope's token, e.g. ``asyncio.current_task``.
    ``await scoped.remove()`` closes and forgets the scope's session.
    """

    _support_async = True

    session_factory: async_sessionmaker[_AS]
    """The factory that makes this registry's sessions."""

    registry: ScopedRegistry[_AS]
    """The :class:`~quicksilver.orm.scoping.ScopedRegistry` in use."""

    def __init__(
        self,
        session_factory: async_sessionmaker[_AS],
        scopefunc: Callable[[], Any],
    ) -> None:
        self.session_factory = session_factory
        self.registry = ScopedRegistry(session_factory, scopefunc)

    @property
    def _proxied(self) -> _AS:
        return self.registry()

    def __call__(self, **kw: Any) -> _AS:
        """The current scope's session, created on first use.

        Keyword arguments go to the factory and are accepted only while the
        scope has no session yet.
        """
        if not kw:
            return self.registry()
        if self.registry.has():
            raise exc.InvalidRequestError(
                "Scoped session is already present; no new arguments may be specified."
            )
        session = self.session_factory(**kw)
        self.registry.set(session)
        return session

    def configure(self, **kwargs: Any) -> None:
        """Reconfigure the factory; warns if the current scope already has a
        session (it keeps its old configuration)."""
        if self.registry.has():
            warn(
                "At least one scoped session is already present.  "
                "configure() can not affect sessions that have already been "
                "created."
            )
        self.session_factory.configure(**kwargs)

    async def remove(self) -> None:
        """Close the current scope's session, if any, and forget it (even if
        closing fails)."""
        if self.registry.has():
            try:
                await self.registry().close()
            finally:
                self.registry.clear()

    def __repr__(self) -> str:
        return (
            f"async_scoped_session({self.session_factory!r}, "
            f"scopefunc={self.registry.scopefunc!r})"
        )

    # -- AsyncSession methods, on the current scope's session -----------------

    async def aclose(self) -> None:
        """Proxy for :meth:`AsyncSession.aclose`."""
        await self._proxied.aclose()

    def add(self, instance: object, *, _warn: bool = True) -> None:
        """Proxy for :meth:`AsyncSession.add`."""
        self._proxied.add(instance, _warn=_warn)

    def add_all(self, instances: Iterable[object]) -> None:
        """Proxy for :meth:`AsyncSession.add_all`."""
        self._proxied.add_all(instances)

    def begin(self) -> "AsyncSessionTransaction":
        """Proxy for :meth:`AsyncSession.begin`."""
        return self._proxied.begin()

    def begin_nested(self) -> "AsyncSessionTransaction":
        """Proxy for :meth:`AsyncSession.begin_nested`."""
        return self._proxied.begin_nested()

    async def close(self) -> None:
        """Proxy for :meth:`AsyncSession.close` (the session stays in the
        registry; :meth:`remove` also forgets it)."""
        await self._proxied.close()

    async def reset(self) -> None:
        """Proxy for :meth:`AsyncSession.reset`."""
        await self._proxied.reset()

    async def commit(self) -> None:
        """Proxy for :meth:`AsyncSession.commit`."""
        await self._proxied.commit()

    async def connection(
        self,
        bind_arguments: Optional[dict[str, Any]] = None,
        execution_options: Any = None,
        **kw: Any,
    ) -> "AsyncConnection":
        """Proxy for :meth:`AsyncSession.connection`."""
        return await self._proxied.connection(
            bind_arguments=bind_arguments, execution_options=execution_options, **kw
        )

    async def delete(self, instance: object) -> None:
        """Proxy for :meth:`AsyncSession.delete`."""
        await self._proxied.delete(instance)

    async def delete_all(self, instances: Iterable[object]) -> None:
        """Proxy for :meth:`AsyncSession.delete_all`."""
        await self._proxied.delete_all(instances)

    async def execute(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> Any:
        """Proxy for :meth:`AsyncSession.execute`."""
        return await self._proxied.execute(
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
            **kw,
        )

    def expire(
        self, instance: object, attribute_names: Optional[Iterable[str]] = None
    ) -> None:
        """Proxy for :meth:`AsyncSession.expire`."""
        self._proxied.expire(instance, attribute_names)

    def expire_all(self) -> None:
        """Proxy for :meth:`AsyncSession.expire_all`."""
        self._proxied.expire_all()

    def expunge(self, instance: object) -> None:
        """Proxy for :meth:`AsyncSession.expunge`."""
        self._proxied.expunge(instance)

    def expunge_all(self) -> None:
        """Proxy for :meth:`AsyncSession.expunge_all`."""
        self._proxied.expunge_all()

    async def flush(self, objects: Optional[Sequence[Any]] = None) -> None:
        """Proxy for :meth:`AsyncSession.flush`."""
        await self._proxied.flush(objects)

    def get_bind(
        self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any
    ) -> Any:
        """Proxy for :meth:`AsyncSession.get_bind`."""
        return self._proxied.get_bind(mapper, clause=clause, bind=bind, **kw)

    def get_async_bind(
        self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any
    ) -> Any:
        """Proxy for :meth:`AsyncSession.get_async_bind`."""
        return self._proxied.get_async_bind(mapper, clause=clause, bind=bind, **kw)

    def is_modified(self, instance: object, include_collections: bool = True) -> bool:
        """Proxy for :meth:`AsyncSession.is_modified`."""
        return self._proxied.is_modified(
            instance, include_collections=include_collections
        )

    async def invalidate(self) -> None:
        """Proxy for :meth:`AsyncSession.invalidate`."""
        await self._proxied.invalidate()

    async def merge(
        self,
        instance: _O,
        *,
        load: bool = True,
        options: Optional[Sequence[Any]] = None,
    ) -> _O:
        """Proxy for :meth:`AsyncSession.merge`."""
        return await self._proxied.merge(instance, load=load, options=options)

    async def merge_all(
        self,
        instances: Iterable[_O],
        *,
        load: bool = True,
        options: Optional[Sequence[Any]] = None,
    ) -> Sequence[_O]:
        """Proxy for :meth:`AsyncSession.merge_all`."""
        return await self._proxied.merge_all(instances, load=load, options=options)

    async def refresh(
        self,
        instance: object,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: Any = None,
    ) -> None:
        """Proxy for :meth:`AsyncSession.refresh`."""
        await self._proxied.refresh(
            instance, attribute_names=attribute_names, with_for_update=with_for_update
        )

    async def rollback(self) -> None:
        """Proxy for :meth:`AsyncSession.rollback`."""
        await self._proxied.rollback()

    async def scalar(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> Any:
        """Proxy for :meth:`AsyncSession.scalar`."""
        return await self._proxied.scalar(
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
            **kw,
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
        """Proxy for :meth:`AsyncSession.scalars`."""
        return await self._proxied.scalars(
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
            **kw,
        )

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
        """Proxy for :meth:`AsyncSession.get`."""
        return await self._proxied.get(
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
        """Proxy for :meth:`AsyncSession.get_one`."""
        return await self._proxied.get_one(
            entity,
            ident,
            options=options,
            populate_existing=populate_existing,
            with_for_update=with_for_update,
            identity_token=identity_token,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
        )

    async def stream(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> "AsyncResult":
        """Proxy for :meth:`AsyncSession.stream`."""
        return await self._proxied.stream(
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
            **kw,
        )

    async def stream_scalars(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> "AsyncScalarResult":
        """Proxy for :meth:`AsyncSession.stream_scalars`."""
        return await self._proxied.stream_scalars(
            statement,
            params,
            execution_options=execution_options,
            bind_arguments=bind_arguments,
            **kw,
        )

    # -- AsyncSession attributes ----------------------------------------------

    @property
    def bind(self) -> Any:
        """Proxy for :attr:`AsyncSession.bind`."""
        return self._proxied.bind

    @bind.setter
    def bind(self, value: Any) -> None:
        self._proxied.bind = value

    @property
    def binds(self) -> Any:
        """Proxy for :attr:`AsyncSession.binds`."""
        return self._proxied.binds

    @property
    def dirty(self) -> "IdentitySet":
        """Proxy for :attr:`AsyncSession.dirty`."""
        return self._proxied.dirty

    @property
    def deleted(self) -> "IdentitySet":
        """Proxy for :attr:`AsyncSession.deleted`."""
        return self._proxied.deleted

    @property
    def new(self) -> "IdentitySet":
        """Proxy for :attr:`AsyncSession.new`."""
        return self._proxied.new

    @property
    def identity_map(self) -> Any:
        """Proxy for :attr:`AsyncSession.identity_map`."""
        return self._proxied.identity_map

    @identity_map.setter
    def identity_map(self, value: Any) -> None:
        self._proxied.identity_map = value

    @property
    def is_active(self) -> bool:
        """Proxy for :attr:`AsyncSession.is_active`."""
        return self._proxied.is_active

    @property
    def autoflush(self) -> bool:
        """Proxy for :attr:`AsyncSession.autoflush`."""
        return self._proxied.autoflush

    @autoflush.setter
    def autoflush(self, value: bool) -> None:
        self._proxied.autoflush = value

    @property
    def no_autoflush(self) -> Any:
        """Proxy for :attr:`AsyncSession.no_autoflush`."""
        return self._proxied.no_autoflush

    @property
    def info(self) -> dict[Any, Any]:
        """Proxy for :attr:`AsyncSession.info`."""
        return self._proxied.info

    @property
    def execution_options(self) -> Any:
        """Proxy for :attr:`AsyncSession.execution_options`."""
        return self._proxied.execution_options

    # -- class methods ----------------------------------------------------------

    @classmethod
    async def close_all(cls) -> None:
        """Proxy for :meth:`AsyncSession.close_all`: close every session."""
        await AsyncSession.close_all()

    @classmethod
    def object_session(cls, instance: object) -> "Optional[Session]":
        """Proxy for :meth:`AsyncSession.object_session` (the sync Session)."""
        return AsyncSession.object_session(instance)

    @classmethod
    def identity_key(cls, *args: Any, **kw: Any) -> Any:
        """Proxy for :meth:`AsyncSession.identity_key`."""
        return AsyncSession.identity_key(*args, **kw)
