"""InstanceState: the ORM's bookkeeping for one mapped object.

``InstanceState`` *is* the weak reference to its object (it subclasses
``weakref.ref``): one allocation per object instead of two, and the weakref
callback receives the state itself, which lets the identity map drop an
unmodified object as soon as user code lets go of it.  The object holds its
state strongly in ``__dict__['_sa_instance_state']``.

Lifecycle predicates follow SQLAlchemy exactly:

============  ==================================================
transient     no identity key, not in a Session
pending       no identity key, added to a Session
persistent    identity key, in a Session, not deleted
deleted       identity key, in a Session, DELETE flushed
detached      identity key, not in a Session
============  ==================================================
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Dict, Generic, Iterator, Optional, TypeVar

from .. import exc as sa_exc
from ..inspection import _self_inspects
from . import exc as orm_exc
from .attributes import _EMPTY_CS, HISTORY_BLANK, History
from .base import NO_VALUE, PASSIVE_NO_INITIALIZE, PASSIVE_OFF, PassiveFlag

if TYPE_CHECKING:
    from .identity import WeakInstanceDict
    from .instrumentation import ClassManager
    from .mapper import Mapper
    from .session import Session

_O = TypeVar("_O")
_EMPTY_SET: frozenset[str] = frozenset()

#: id -> Session, for every live Session (weak): how a state finds its session
#: (a plain dict of weak references whose callbacks pop their own key: unlike
#: a WeakValueDictionary, registering costs no Python-level calls)
_sessions: "dict[int, weakref.ref[Session]]" = {}


def _state_gone(state: "InstanceState[Any]") -> None:
    """Weakref callback: the object was garbage collected."""
    wr = state._instance_dict
    if wr is not None:
        idmap = wr()
        if idmap is not None:
            idmap._fast_discard(state)


@_self_inspects
class InstanceState(weakref.ref, Generic[_O]):  # type: ignore[type-arg]
    """Bookkeeping for one mapped instance (``sqlalchemy.orm.InstanceState``).

    ``inspect(obj)`` returns it.  Calling the state (``state()`` or
    ``state.obj()``) gives the object, or None once it was garbage collected.
    """

    # Only what every state sets on creation is a slot; the rest are class
    # defaults, written to the state's ``__dict__`` the first time they
    # change.  Loading a row then costs four slot writes, not twelve.
    __slots__ = ("manager", "key", "session_id", "_instance_dict", "__dict__")

    manager: "ClassManager"
    key: Optional[tuple[Any, ...]]
    session_id: Optional[int]
    _instance_dict: Optional["weakref.ref[WeakInstanceDict]"]
    committed_state: Dict[str, Any] = _EMPTY_CS
    modified: bool = False
    expired_attributes: Any = _EMPTY_SET
    #: True from a full expire (``Session.expire(obj)``, a commit) until the
    #: next load of the row; a partial expire leaves it alone (SQLAlchemy's
    #: ``InstanceState.expired``)
    expired: bool = False
    _strong_obj: Any = None
    _deleted: bool = False
    _was_deleted: bool = False
    insert_order: Optional[int] = None
    load_options: Any = ()

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    # ------------------------------------------------------------------
    # public accessors

    def obj(self) -> Optional[_O]:
        """The object, or None if it was garbage collected."""
        return self()

    @property
    def object(self) -> Optional[_O]:
        """The mapped object (None if garbage collected)."""
        return self()

    @property
    def class_(self) -> type:
        return self.manager.class_

    @property
    def mapper(self) -> "Mapper[_O]":
        """The Mapper of this object's class."""
        return self.manager.mapper

    @property
    def dict(self) -> dict[str, Any]:
        """The object's ``__dict__`` (empty if the object is gone)."""
        obj = self()
        return obj.__dict__ if obj is not None else {}

    @property
    def _attached(self) -> bool:
        sid = self.session_id
        return sid is not None and sid in _sessions

    @property
    def session(self) -> Optional["Session"]:
        """The Session this object belongs to, or None."""
        sid = self.session_id
        if sid is None:
            return None
        ref = _sessions.get(sid)
        return ref() if ref is not None else None

    @property
    def async_session(self) -> Any:
        session = self.session
        return getattr(session, "_proxied_async", None) if session else None

    @property
    def transient(self) -> bool:
        """Not in a Session and never persisted."""
        return self.key is None and not self._attached

    @property
    def pending(self) -> bool:
        """Added to a Session, not yet flushed."""
        return self.key is None and self._attached

    @property
    def persistent(self) -> bool:
        """In a Session with a database identity."""
        return self.key is not None and self._attached and not self._deleted

    @property
    def deleted(self) -> bool:
        """Its DELETE was flushed; the transaction is not yet committed."""
        return self.key is not None and self._attached and self._deleted

    @property
    def was_deleted(self) -> bool:
        """True if this object was deleted in a flush (even after detaching)."""
        return self._was_deleted

    @property
    def detached(self) -> bool:
        """Has an identity but belongs to no Session."""
        return self.key is not None and not self._attached

    @property
    def has_identity(self) -> bool:
        return self.key is not None

    @property
    def identity(self) -> Optional[tuple[Any, ...]]:
        """The primary key tuple, or None before the first flush."""
        key = self.key
        return None if key is None else key[1]

    @property
    def identity_key(self) -> Optional[tuple[Any, ...]]:
        """``(class, pk tuple, identity_token)``, or None."""
        return self.key

    @property
    def identity_token(self) -> Any:
        key = self.key
        return None if key is None else key[2]

    @property
    def unloaded(self) -> set[str]:
        """Mapped attribute keys with no value loaded in ``__dict__``."""
        d = self.dict
        return {k for k in self.manager.impls if k not in d}

    @property
    def unloaded_expirable(self) -> set[str]:
        return self.unloaded

    @property
    def unmodified(self) -> set[str]:
        return set(self.manager.impls).difference(self.committed_state)

    def unmodified_intersection(self, keys: Any) -> set[str]:
        cs = self.committed_state
        return {k for k in keys if k not in cs}

    @property
    def attrs(self) -> "AttributeStateCollection":
        """Per-attribute views: ``inspect(obj).attrs.name.history``."""
        return AttributeStateCollection(self)

    @property
    def info(self) -> Dict[Any, Any]:
        info = self.__dict__.get("info")
        if info is None:
            info = self.__dict__["info"] = {}
        return info  # type: ignore[no-any-return]

    @property
    def callables(self) -> Dict[str, Any]:
        return {}

    @property
    def is_instance(self) -> bool:
        return True

    @property
    def _pending_mutations(self) -> Dict[str, Any]:
        return {}

    def get_impl(self, key: str) -> Any:
        return self.manager.impls[key]

    def get_history(self, key: str, passive: Any = PASSIVE_OFF) -> History:
        return self.manager.impls[key].get_history(self, passive)  # type: ignore[no-any-return]

    @property
    def parents(self) -> Dict[Any, Any]:
        return {}

    load_path: Any = ()
    runid: Any = None
    is_aliased_class = False
    is_mapper = False
    is_property = False
    is_attribute = False
    is_selectable = False
    is_clause_element = False
    is_bundle = False
    extension_type: Any = None

    # ------------------------------------------------------------------
    # changes

    def _modified_event(self) -> None:
        """First change since the last flush: become dirty, hold the object."""
        self.modified = True
        wr = self._instance_dict
        if wr is not None and self.key is not None:
            idmap = wr()
            if idmap is not None:
                idmap._modified.add(self)
                self._strong_obj = self()

    def _commit_all(self, instance_dict: Optional["WeakInstanceDict"] = None) -> None:
        """Forget history: what is in ``__dict__`` now matches the database."""
        self.committed_state = _EMPTY_CS
        self.modified = False
        if self._strong_obj is not None:
            self._strong_obj = None
        if self.expired:
            self.expired = False
        expired = self.expired_attributes
        if expired:
            obj = self()
            if obj is not None:
                # what __dict__ holds now is loaded: no longer expired
                expired.difference_update(obj.__dict__)
        wr = self._instance_dict
        if wr is not None:
            idmap = wr()
            if idmap is not None:
                idmap._modified.discard(self)

    def _commit(self, keys: Any) -> None:
        cs = self.committed_state
        for key in keys:
            cs.pop(key, None)
        if self.expired:
            self.expired = False
        if self.expired_attributes:
            self.expired_attributes.difference_update(keys)

    def _expire(self, dict_: Dict[str, Any]) -> None:
        """Expire every mapped attribute (``Session.expire(obj)``)."""
        impls = self.manager.impls
        for key in impls:
            dict_.pop(key, None)
        # relationships reload through their own lazy loader, so only column
        # attributes count as expired (as in SQLAlchemy)
        self.expired_attributes = set(self.manager.scalar_loader_keys())
        self.expired = True
        self.committed_state = _EMPTY_CS
        self.modified = False
        if self._strong_obj is not None:
            self._strong_obj = None
        wr = self._instance_dict
        if wr is not None:
            idmap = wr()
            if idmap is not None:
                idmap._modified.discard(self)
        dispatch = self.manager.dispatch
        if dispatch.expire:
            dispatch.expire(self(), None)

    def _expire_attributes(self, dict_: Dict[str, Any], keys: Any) -> None:
        impls = self.manager.impls
        cs = self.committed_state
        expired = self.expired_attributes
        if not isinstance(expired, set):
            expired = self.expired_attributes = set(expired)
        scalar_keys = self.manager.scalar_loader_keys()
        for key in keys:
            if key not in impls:
                raise KeyError(key)  # as SQLAlchemy: not a mapped attribute
            dict_.pop(key, None)
            if key in scalar_keys:
                # a relationship reloads through its own loader: not listed,
                # as in SQLAlchemy
                expired.add(key)
            if key in cs:
                del cs[key]
        dispatch = self.manager.dispatch
        if dispatch.expire:
            dispatch.expire(self(), list(keys))

    def _load_attribute(self, key: str) -> None:
        """Load unloaded attributes from the database (expired or deferred).

        Raises ``DetachedInstanceError`` if there is no Session to load with.
        """
        from .loading import _detached_refresh, load_scalar_attributes

        session = self.session
        if session is None:
            raise _detached_refresh(self, key)
        if session._io_needs_bridge:
            refuse_implicit_async_io(self, key)

        load_scalar_attributes(self.mapper, self, key)

    def _detach(self) -> None:
        self.session_id = None
        if self._strong_obj is not None:
            self._strong_obj = None

    def _cleanup(self) -> None:
        pass

    def __repr__(self) -> str:
        obj = self()
        return "<InstanceState of {} at 0x{:x}>".format(
            orm_exc.instance_str(obj) if obj is not None else "(collected)",
            id(self),
        )


class AttributeState:
    """One attribute of one instance (``inspect(obj).attrs.name``)."""

    __slots__ = ("state", "key")

    def __init__(self, state: InstanceState[Any], key: str) -> None:
        self.state = state
        self.key = key

    @property
    def loaded_value(self) -> Any:
        """The current value if loaded, else ``NO_VALUE``; never emits SQL."""
        return self.state.dict.get(self.key, NO_VALUE)

    @property
    def value(self) -> Any:
        """The current value, loading it if needed."""
        obj = self.state()
        return self.state.manager.attributes[self.key].__get__(obj, type(obj))

    @property
    def history(self) -> History:
        """History without loading anything (as SQLAlchemy's ``.history``)."""
        impl = self.state.manager.impls[self.key]
        return impl.get_history(self.state, PASSIVE_NO_INITIALIZE)  # type: ignore[no-any-return]

    def load_history(self) -> History:
        """History, loading the committed value first if needed."""
        impl = self.state.manager.impls[self.key]
        return impl.get_history(self.state, PASSIVE_OFF)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"<AttributeState {self.key!r} of {self.state!r}>"


class AttributeStateCollection:
    """Read-only mapping key -> AttributeState, also iterable over its values."""

    __slots__ = ("_state",)

    def __init__(self, state: InstanceState[Any]) -> None:
        self._state = state

    def __getattr__(self, key: str) -> AttributeState:
        if key.startswith("__") or key not in self._state.manager.impls:
            raise AttributeError(key)
        return AttributeState(self._state, key)

    def __getitem__(self, key: str) -> AttributeState:
        if key not in self._state.manager.impls:
            raise KeyError(key)
        return AttributeState(self._state, key)

    def __contains__(self, key: object) -> bool:
        return key in self._state.manager.impls

    def __iter__(self) -> Iterator[AttributeState]:
        return (AttributeState(self._state, k) for k in self._state.manager.impls)

    def __len__(self) -> int:
        return len(self._state.manager.impls)

    def keys(self) -> list[str]:
        return list(self._state.manager.impls)

    def values(self) -> list[AttributeState]:
        return list(self)

    def items(self) -> list[tuple[str, AttributeState]]:
        return [(a.key, a) for a in self]


def refuse_implicit_async_io(state: "InstanceState[Any]", key: str) -> None:
    """Raise MissingGreenlet if loading ``key`` would do I/O outside the bridge.

    Called before an implicit load (expired or deferred attribute, lazy
    relationship) on an object of an ``AsyncSession``: from plain async code
    the load cannot await the driver, and failing here, before a connection
    is checked out, names the attribute and the awaitable alternatives.
    """
    from ..util.concurrency import in_greenlet

    if in_greenlet():
        return
    obj = state()
    raise sa_exc._ImplicitIOError(
        "greenlet_spawn has not been called; can't call await_only() here. "
        "Was IO attempted in an unexpected place? Loading attribute "
        f"'{key}' of {orm_exc.instance_str(obj)} needs a query, which async "
        "code cannot run implicitly; load it with selectinload() (relationships), "
        f"read it with 'await obj.awaitable_attrs.{key}' (AsyncAttrs mixin), or "
        "call 'await session.refresh(obj)' first."
    )


__all__ = ["InstanceState", "AttributeState", "HISTORY_BLANK", "PassiveFlag", "sa_exc"]
