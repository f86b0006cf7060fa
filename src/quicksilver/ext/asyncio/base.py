"""Building blocks of the async proxies (mirrors ``sqlalchemy.ext.asyncio.base``).

* :class:`ReversibleProxy` remembers, weakly, which async proxy wraps which
  sync object, so that code holding a sync ``Connection`` (an event listener,
  ``run_sync``) can find its ``AsyncConnection`` again and one sync object
  never gets two proxies with diverging state.
* :class:`StartableContext` is an object that is "started" either by
  ``await obj`` or by ``async with obj``: ``engine.connect()`` returns one, so
  both ``conn = await engine.connect()`` and ``async with engine.connect() as
  conn`` work, as in SQLAlchemy.
* :class:`ProxyComparable`: two proxies of the same sync object are equal.
"""

from __future__ import annotations

import weakref
from typing import Any, ClassVar, Generator, Generic, NoReturn, Optional, TypeVar

from . import exc as async_exc

_T = TypeVar("_T")
_PT = TypeVar("_PT")


class ReversibleProxy(Generic[_PT]):
    """A proxy that can be found again from the object it proxies."""

    _proxy_objects: ClassVar["weakref.WeakKeyDictionary[Any, weakref.ref[Any]]"] = (
        weakref.WeakKeyDictionary()
    )
    _proxy_by_id: ClassVar["weakref.WeakValueDictionary[int, Any]"] = (
        weakref.WeakValueDictionary()
    )
    __slots__ = ("__weakref__",)

    def _assign_proxied(self, target: _PT) -> _PT:
        if target is not None:
            try:
                ReversibleProxy._proxy_objects[target] = weakref.ref(self)
            except TypeError:
                # not weak-referenceable (a __slots__ class): index by id and
                # check identity on lookup
                ReversibleProxy._proxy_by_id[id(target)] = self
        return target

    @classmethod
    def _retrieve_proxy_for_target(
        cls, target: Any, regenerate: bool = True
    ) -> Optional[Any]:
        try:
            ref = ReversibleProxy._proxy_objects.get(target)
            proxy = ref() if ref is not None else None
        except TypeError:
            proxy = ReversibleProxy._proxy_by_id.get(id(target))
            if proxy is not None and getattr(proxy, "_proxied", None) is not target:
                proxy = None
        if proxy is not None and isinstance(proxy, cls):
            return proxy
        if regenerate:
            return cls._regenerate_proxy_for_target(target)
        return None

    @classmethod
    def _regenerate_proxy_for_target(cls, target: Any) -> Any:
        raise NotImplementedError


class StartableContext(Generic[_T]):
    """Started by ``await`` or by ``async with``; see the module docstring."""

    __slots__ = ()

    async def start(self, is_ctxmanager: bool = False) -> _T:
        raise NotImplementedError

    def __await__(self) -> Generator[Any, Any, _T]:
        return self.start().__await__()

    async def __aenter__(self) -> _T:
        return await self.start(is_ctxmanager=True)

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> Optional[bool]:
        return None

    def _raise_for_not_started(self) -> NoReturn:
        raise async_exc.AsyncContextNotStarted(
            "%s context has not been started and object has not been awaited."
            % type(self).__name__
        )


_NO_ASYNC_EVENTS = (
    "asynchronous events are not implemented at this time.  Apply "
    "synchronous listeners to the %s."
)
ENGINE_EVENTS_TARGET = (
    "AsyncEngine.sync_engine or AsyncConnection.sync_connection attributes"
)
SESSION_EVENTS_TARGET = "AsyncSession.sync_session"


def _sync_event_classes(target: Any) -> tuple[type, ...]:
    """The event classes an async proxy refuses, as SQLAlchemy does.

    An instance refuses the engine, pool and session events (its listeners
    belong on the sync object); a class only the connection events.
    """
    from ...engine.events import ConnectionEvents, DialectEvents
    from ...orm.events import SessionEvents
    from ...pool.events import PoolEvents

    if isinstance(target, type):
        return (ConnectionEvents,)
    return (ConnectionEvents, DialectEvents, PoolEvents, SessionEvents)


def refuse_events(target: Any, events: type, where: str) -> None:
    """Raise NotImplementedError (SQLAlchemy's message) for ``event.listen``
    on an async proxy with an event the sync object would take."""
    if issubclass(events, _sync_event_classes(target)):
        raise NotImplementedError(_NO_ASYNC_EVENTS % where)


class ProxyComparable(ReversibleProxy[_PT]):
    """Equality and hash follow the proxied sync object."""

    __slots__ = ()

    @property
    def _proxied(self) -> _PT:
        raise NotImplementedError

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, type(self)) and self._proxied == other._proxied

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)


__all__ = ["ReversibleProxy", "StartableContext", "ProxyComparable", "refuse_events"]
