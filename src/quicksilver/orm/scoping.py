"""Contextual sessions: ``scoped_session``, as ``sqlalchemy.orm.scoping``.

A :class:`scoped_session` is a registry holding at most one :class:`.Session`
per *scope*.  The scope is the current thread by default
(:class:`ThreadLocalRegistry`), or whatever hashable token a ``scopefunc``
returns (:class:`ScopedRegistry`, a plain dict keyed by that token); the web
middleware in :mod:`quicksilver.ext.web` uses the latter with one token per
request.  Calling the registry returns the scope's session, creating it on
first use; ``remove()`` closes and forgets it, which is what returns its
connection to the pool at the end of a unit of work.

Design notes
------------

* The Session API is proxied from three name tables (methods, attributes,
  class methods) rather than written out by hand: every proxy looks the
  attribute up on the *current* session at call time, so a proxy fetched once
  (``add = Session.add``) and called from another thread or request still
  reaches that thread's or request's session, as in SQLAlchemy.
* Method proxies keep their signatures visible to type checkers: the class
  body names each method as ``_ProxyMethod(_spec.add)``; for a type checker
  ``_spec`` *is* the Session class, so ``_ProxyMethod`` captures the real
  parameter and return types, while at run time ``_spec`` is a stand-in whose
  attributes are just names.  The ORM's Session is therefore not imported at
  run time by this module until a class-level proxy needs it.
* The registries live here rather than in ``quicksilver.util`` because only
  the scoped sessions (sync and asyncio) use them.
"""

from __future__ import annotations

import threading
import types
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Generic,
    Optional,
    Protocol,
    Type,
    TypeVar,
    overload,
)

from typing_extensions import Concatenate, ParamSpec

from .. import exc as sa_exc
from ..util import warn, warn_deprecated

if TYPE_CHECKING:
    from .query import Query
    from .session import Session

__all__ = [
    "QueryPropertyDescriptor",
    "ScopedRegistry",
    "ScopedSession",
    "ThreadLocalRegistry",
    "scoped_session",
]

_T = TypeVar("_T")
_R = TypeVar("_R")
_P = ParamSpec("_P")
_S = TypeVar("_S", bound="Session")


class ScopedRegistry(Generic[_T]):
    """One object per scope token, created on demand; mirrors
    ``sqlalchemy.util.ScopedRegistry``.

    ``scopefunc`` returns a hashable token naming the current scope; the
    object for that token is made by ``createfunc`` the first time it is asked
    for.  Tokens are kept until :meth:`clear`, so whoever opens a scope must
    also clear it (the web middleware does, at the end of each request).
    """

    __slots__ = ("createfunc", "scopefunc", "registry")

    createfunc: Callable[[], _T]
    scopefunc: Callable[[], Any]
    registry: Any

    def __init__(
        self, createfunc: Callable[[], _T], scopefunc: Callable[[], Any]
    ) -> None:
        self.createfunc = createfunc
        self.scopefunc = scopefunc
        self.registry = {}

    def __call__(self) -> _T:
        """Return the current scope's object, creating it if there is none."""
        key = self.scopefunc()
        try:
            return self.registry[key]  # type: ignore[no-any-return]
        except KeyError:
            # setdefault: if two callers race for one token, both get one object.
            return self.registry.setdefault(key, self.createfunc())  # type: ignore[no-any-return]

    def has(self) -> bool:
        """True if the current scope already holds an object."""
        return self.scopefunc() in self.registry

    def set(self, obj: _T) -> None:
        """Make ``obj`` the current scope's object."""
        self.registry[self.scopefunc()] = obj

    def clear(self) -> None:
        """Forget the current scope's object (no error if there is none)."""
        self.registry.pop(self.scopefunc(), None)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} scopefunc={self.scopefunc!r} "
            f"scopes={len(self.registry)}>"
        )


class ThreadLocalRegistry(ScopedRegistry[_T]):
    """A :class:`ScopedRegistry` whose scope is the current thread; mirrors
    ``sqlalchemy.util.ThreadLocalRegistry``.

    Backed by :class:`threading.local`, so an object disappears with its
    thread even if nobody clears it, and a reused thread id never sees a dead
    thread's object (a dict keyed by ``threading.get_ident()`` would).
    """

    def __init__(self, createfunc: Callable[[], _T]) -> None:
        self.createfunc = createfunc
        self.scopefunc = threading.get_ident
        self.registry = threading.local()

    def __call__(self) -> _T:
        try:
            return self.registry.value  # type: ignore[no-any-return]
        except AttributeError:
            value = self.registry.value = self.createfunc()
            return value

    def has(self) -> bool:
        return hasattr(self.registry, "value")

    def set(self, obj: _T) -> None:
        self.registry.value = obj

    def clear(self) -> None:
        try:
            del self.registry.value
        except AttributeError:
            pass

    def __repr__(self) -> str:
        return f"<{type(self).__name__} has={self.has()}>"


_S_co = TypeVar("_S_co", bound="Session", covariant=True)


class _SessionFactory(Protocol[_S_co]):
    """What scoped_session needs of its factory: a :class:`.sessionmaker`,
    or anything called like one that can also be reconfigured."""

    def __call__(self, **kw: Any) -> _S_co: ...

    def configure(self, **kw: Any) -> None: ...


class QueryPropertyDescriptor(Protocol):
    """What :meth:`scoped_session.query_property` returns: a class attribute
    whose value is a Query against the owning class; mirrors
    ``sqlalchemy.orm.scoping.QueryPropertyDescriptor``."""

    def __get__(self, instance: Any, owner: Type[_T]) -> Query: ...


class _QueryProperty:
    """``Model.query``: a new Query for ``Model`` on the current session.

    A descriptor rather than a property so that it works on the class itself
    (``Model.query.filter_by(...)``), which is how it is used.
    """

    __slots__ = ("_scoped", "_query_cls")

    def __init__(self, scoped: scoped_session[Any], query_cls: Any) -> None:
        self._scoped = scoped
        self._query_cls = query_cls

    def __get__(self, instance: Any, owner: Type[_T]) -> Query:
        session = self._scoped.registry()
        if self._query_cls is not None:
            return self._query_cls(owner, session=session)  # type: ignore[no-any-return]
        return session.query(owner)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"<query_property of {self._scoped!r}>"


class _Named:
    """Run-time stand-in for a Session attribute: just its name (see _spec)."""

    __slots__ = ("__name__",)

    def __init__(self, name: str) -> None:
        self.__name__ = name


class _NameSpec:
    """``_spec.add`` is ``_Named("add")`` at run time (see the module notes)."""

    def __getattr__(self, name: str) -> _Named:
        return _Named(name)


if TYPE_CHECKING:
    from .session import Session as _spec
else:
    _spec = _NameSpec()


class _ProxyMethod(Generic[_P, _R]):
    """A Session method, called on the current scope's session.

    On an instance it returns a bound method that resolves the session when
    called, not when fetched, so a stored ``scoped.add`` follows the scope.
    """

    def __init__(self, method: Callable[Concatenate[Any, _P], _R]) -> None:
        self.__name__: str = method.__name__
        self.__qualname__ = f"scoped_session.{self.__name__}"
        self.__doc__ = (
            f"Proxy for :meth:`.Session.{self.__name__}` on behalf of "
            ":class:`.scoped_session`: calls it on the current scope's Session."
        )

    def __set_name__(self, owner: type, name: str) -> None:
        if name != self.__name__:  # pragma: no cover - a typo in the table
            raise TypeError(f"proxy {self.__name__!r} bound to attribute {name!r}")

    @overload
    def __get__(self, instance: None, owner: type) -> _ProxyMethod[_P, _R]: ...

    @overload
    def __get__(self, instance: object, owner: type) -> Callable[_P, _R]: ...

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self
        return types.MethodType(self, instance)

    def __call__(self, scoped: scoped_session[Any], /, *args: Any, **kw: Any) -> Any:
        return getattr(scoped.registry(), self.__name__)(*args, **kw)

    def __repr__(self) -> str:
        return f"<scoped_session proxy for Session.{self.__name__}>"


class _ProxyAttribute:
    """A Session attribute read (and, if writable, set) on the current session."""

    def __init__(self, *, writable: bool = False) -> None:
        self._writable = writable
        self.__name__ = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.__name__ = name
        self.__doc__ = (
            f"Proxy for the :attr:`.Session.{name}` attribute on behalf of "
            ":class:`.scoped_session`: the current scope's Session's value."
        )

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self
        return getattr(instance.registry(), self.__name__)

    def __set__(self, instance: Any, value: Any) -> None:
        if not self._writable:
            raise AttributeError(
                f"attribute {self.__name__!r} of 'scoped_session' is read-only"
            )
        setattr(instance.registry(), self.__name__, value)

    def __repr__(self) -> str:
        return f"<scoped_session proxy for Session.{self.__name__}>"


class _ProxyClassMethod:
    """A Session class method, reachable from the scoped_session class too."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.__name__ = name

    def __get__(self, instance: Any, owner: type) -> Any:
        from .session import Session

        return getattr(Session, self.__name__)


class scoped_session(Generic[_S]):
    """A registry of one Session per scope, usable as that Session; mirrors
    ``sqlalchemy.orm.scoped_session``.

    ``scoped_session(session_factory, scopefunc=None)``: ``session_factory``
    (usually a :class:`.sessionmaker`) makes sessions; ``scopefunc`` returns a
    hashable token for the current scope, the thread being the scope when it
    is omitted.  ``scoped()`` returns the scope's session, and every public
    Session method and attribute is also available on the scoped_session
    itself, acting on that session.  Call :meth:`remove` when the scope ends.
    """

    session_factory: _SessionFactory[_S]
    """The factory that makes this registry's sessions."""

    registry: ScopedRegistry[_S]
    """The :class:`ScopedRegistry` (or :class:`ThreadLocalRegistry`) in use."""

    # The asyncio twin sets this; a sync scoped_session handing out an
    # AsyncSession is a mistake SQLAlchemy 2.1 deprecates, so it warns too.
    _support_async: bool = False

    def __init__(
        self,
        session_factory: _SessionFactory[_S],
        scopefunc: Optional[Callable[[], Any]] = None,
    ) -> None:
        self.session_factory = session_factory
        if scopefunc is not None:
            self.registry = ScopedRegistry(session_factory, scopefunc)
        else:
            self.registry = ThreadLocalRegistry(session_factory)

    @property
    def _proxied(self) -> _S:
        return self.registry()

    def __call__(self, **kw: Any) -> _S:
        """Return the current scope's Session, creating it if needed.

        Keyword arguments go to the factory and are only accepted when the
        scope has no session yet: an existing session cannot be reconfigured.
        """
        if not kw:
            session = self.registry()
        elif self.registry.has():
            raise sa_exc.InvalidRequestError(
                "Scoped session is already present; no new arguments may be specified."
            )
        else:
            session = self.session_factory(**kw)
            self.registry.set(session)
        if not self._support_async and getattr(session, "_is_asyncio", False):
            warn_deprecated(
                "Using `scoped_session` with asyncio is deprecated and will raise "
                "an error in a future version. Please use `async_scoped_session` "
                "instead.",
                "2.1",
            )
        return session

    def configure(self, **kwargs: Any) -> None:
        """Reconfigure the factory (``sessionmaker.configure``).

        Only sessions created afterwards see the change, so it warns when the
        current scope already has one.
        """
        if self.registry.has():
            warn(
                "At least one scoped session is already present.  "
                "configure() can not affect sessions that have already been "
                "created."
            )
        self.session_factory.configure(**kwargs)

    def remove(self) -> None:
        """Close the current scope's Session, if any, and forget it.

        Closing releases its connection to the pool and rolls back anything
        uncommitted; the next use of the registry in this scope starts a new
        session.  The session is forgotten even if closing it fails.
        """
        if self.registry.has():
            try:
                self.registry().close()
            finally:
                self.registry.clear()

    def query_property(
        self, query_cls: Optional[Type[Query]] = None
    ) -> QueryPropertyDescriptor:
        """Return a class attribute giving a Query for its class on the
        current session: ``Model.query = Session.query_property()`` makes
        ``Model.query`` equal ``Session.query(Model)``.  ``query_cls``, if
        given, is called as ``query_cls(Model, session=session)`` instead.
        """
        return _QueryProperty(self, query_cls)

    def __repr__(self) -> str:
        scopefunc = (
            None
            if isinstance(self.registry, ThreadLocalRegistry)
            else self.registry.scopefunc
        )
        return f"scoped_session({self.session_factory!r}, scopefunc={scopefunc!r})"

    # -- Session methods, called on the current scope's session --------------
    add = _ProxyMethod(_spec.add)
    add_all = _ProxyMethod(_spec.add_all)
    begin = _ProxyMethod(_spec.begin)
    begin_nested = _ProxyMethod(_spec.begin_nested)
    bulk_insert_mappings = _ProxyMethod(_spec.bulk_insert_mappings)
    bulk_save_objects = _ProxyMethod(_spec.bulk_save_objects)
    bulk_update_mappings = _ProxyMethod(_spec.bulk_update_mappings)
    close = _ProxyMethod(_spec.close)
    commit = _ProxyMethod(_spec.commit)
    connection = _ProxyMethod(_spec.connection)
    delete = _ProxyMethod(_spec.delete)
    delete_all = _ProxyMethod(_spec.delete_all)  # type: ignore[attr-defined]
    execute = _ProxyMethod(_spec.execute)
    expire = _ProxyMethod(_spec.expire)
    expire_all = _ProxyMethod(_spec.expire_all)
    expunge = _ProxyMethod(_spec.expunge)
    expunge_all = _ProxyMethod(_spec.expunge_all)
    flush = _ProxyMethod(_spec.flush)
    get = _ProxyMethod(_spec.get)
    get_bind = _ProxyMethod(_spec.get_bind)
    get_one = _ProxyMethod(_spec.get_one)
    is_modified = _ProxyMethod(_spec.is_modified)
    merge = _ProxyMethod(_spec.merge)
    merge_all = _ProxyMethod(_spec.merge_all)  # type: ignore[attr-defined]
    query = _ProxyMethod(_spec.query)
    refresh = _ProxyMethod(_spec.refresh)
    reset = _ProxyMethod(_spec.reset)
    rollback = _ProxyMethod(_spec.rollback)
    scalar = _ProxyMethod(_spec.scalar)
    scalars = _ProxyMethod(_spec.scalars)

    # -- Session attributes ----------------------------------------------------
    autoflush = _ProxyAttribute(writable=True)
    bind = _ProxyAttribute(writable=True)
    binds = _ProxyAttribute(writable=True)
    execution_options = _ProxyAttribute(writable=True)
    identity_map = _ProxyAttribute(writable=True)
    deleted = _ProxyAttribute()
    dirty = _ProxyAttribute()
    info = _ProxyAttribute()
    is_active = _ProxyAttribute()
    new = _ProxyAttribute()
    no_autoflush = _ProxyAttribute()

    # -- Session class methods -------------------------------------------------
    identity_key = _ProxyClassMethod()
    object_session = _ProxyClassMethod()


ScopedSession = scoped_session
"""Old name for :class:`scoped_session`, kept as SQLAlchemy keeps it."""
