"""Event classes and per-target dispatchers.

Design: every event-bearing object (a Pool, an Engine, a Session, a Mapper)
owns a ``dispatch`` object whose attributes are plain lists of the listeners
currently in force for that object, one list per event name.  The hot path is
therefore ``if self.dispatch.checkout: ...``: one attribute load and a truth
test, no lookup through class hierarchies at event time.

Listening on a *class* (``listen(Pool, "connect", fn)``) records the listener
in a class-level registry and pushes it into the lists of every live
dispatcher whose owner is an instance of that class; dispatchers made later
copy the class-level listeners when they are created.  A dispatcher may have a
*parent* (a Connection's dispatcher joins its Engine's), and changes to the
parent flow to its children the same way.
"""

from __future__ import annotations

import inspect as _inspect
import weakref
from typing import Any, Callable, ClassVar, Generic, Optional, TypeVar

_T = TypeVar("_T")

#: event name -> the Events classes defining an event of that name
_registrars: dict[str, list[type["Events[Any]"]]] = {}


class _Listener:
    """One registered listener: the user's function and how to call it."""

    __slots__ = ("fn", "call", "propagate", "retval", "once")

    def __init__(
        self,
        fn: Callable[..., Any],
        call: Callable[..., Any],
        propagate: bool,
        retval: bool,
        once: bool,
    ) -> None:
        self.fn = fn
        self.call = call
        self.propagate = propagate
        self.retval = retval
        self.once = once


class EventList(list):  # type: ignore[type-arg]
    """The listeners for one event on one target; calling it calls each.

    A ``list`` subclass so that truth testing on the hot path is C-fast.
    Entries are the callables actually invoked (wrapped for ``named=True``
    or ``once=True``).
    """

    __slots__ = ()

    def __call__(self, *args: Any, **kw: Any) -> None:
        for fn in self:
            fn(*args, **kw)


class Dispatch:
    """Holds one :class:`EventList` attribute per event name of an Events class."""

    _events: ClassVar[type["Events[Any]"]]
    _event_names: ClassVar[tuple[str, ...]]
    _event_name_set: ClassVar[frozenset[str]]

    def __init__(self, owner: Any, parent: Optional["Dispatch"] = None) -> None:
        # Listeners registered on this very target, per event name.
        self._own: dict[str, list[_Listener]] = {}
        self._owner_ref = weakref.ref(owner) if owner is not None else None
        self._parent = parent
        # made on first join: most dispatchers (a Session's) never have children
        self._children: "Optional[weakref.WeakSet[Dispatch]]" = None
        if parent is not None:
            if parent._children is None:
                parent._children = weakref.WeakSet()
            parent._children.add(self)
        events = self._events
        # a plain set of weak references whose callback is the set's own
        # discard: registering costs no Python-level call (a WeakSet's does)
        live = events._live
        live.add(weakref.ref(self, live.discard))
        if parent is None and owner is not None:
            # Every list at once from the class-level template (the shared
            # lists __getattr__ would build one by one): a new Session reads
            # about a dozen of its events during one unit of work.
            template = events._template_memo.get(type(owner))
            if template is None:
                template = events._template_memo[type(owner)] = {
                    name: getattr(self, name) for name in self._event_names
                }
            else:
                self.__dict__.update(template)
        # Otherwise lists are built on first access (``__getattr__``).

    @property
    def owner(self) -> Any:
        return self._owner_ref() if self._owner_ref is not None else None

    def _class_listeners(self, name: str) -> list[_Listener]:
        owner = self.owner
        if owner is None:
            return []
        events = self._events
        key = (type(owner), name)
        found = events._class_memo.get(key)
        if found is None:
            # walked once per (class, event) until class-level listeners change
            registry = events._class_level
            found = []
            for cls in key[0].__mro__:
                found.extend(registry.get((cls, name), ()))
            events._class_memo[key] = found
        return list(found)

    def _effective(self, name: str) -> list[_Listener]:
        listeners: list[_Listener] = []
        if self._parent is not None:
            listeners.extend(self._parent._effective(name))
        else:
            listeners.extend(self._class_listeners(name))
        listeners.extend(self._own.get(name, ()))
        return listeners

    def _rebuild(self, name: str) -> None:
        setattr(self, name, EventList(entry.call for entry in self._effective(name)))
        if self._children:
            for child in list(self._children):
                child._rebuild(name)

    def _rebuild_all(self) -> None:
        for name in self._event_names:
            self._rebuild(name)

    def _listeners(self, name: str) -> list[_Listener]:
        return self._effective(name)

    def _add(self, name: str, listener: _Listener, insert: bool = False) -> None:
        bucket = self._own.setdefault(name, [])
        if insert:
            bucket.insert(0, listener)
        else:
            bucket.append(listener)
        self._rebuild(name)

    def _remove(self, name: str, fn: Callable[..., Any]) -> bool:
        bucket = self._own.get(name, [])
        kept = [entry for entry in bucket if entry.fn is not fn]
        if len(kept) == len(bucket):
            return False
        self._own[name] = kept
        self._rebuild(name)
        return True

    def _contains(self, name: str, fn: Callable[..., Any]) -> bool:
        return any(entry.fn is fn for entry in self._effective(name))

    def __getattr__(self, name: str) -> EventList:
        # only reached for a list not built yet (or an unknown name)
        if name in type(self)._event_name_set:
            if self._parent is None and not self._own:
                # The common case (a fresh Session's): class-level listeners
                # only.  Such lists are shared by every dispatcher of the class:
                # lists are never changed in place, only replaced (_rebuild).
                ref = self._owner_ref
                key = (type(ref() if ref is not None else None), name)
                memo = self._events._calls_memo
                lst = memo.get(key)
                if lst is None:
                    lst = memo[key] = EventList(
                        entry.call for entry in self._class_listeners(name)
                    )
                self.__dict__[name] = lst
                return lst
            self._rebuild(name)
            return self.__dict__[name]  # type: ignore[no-any-return]
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    def _join(self, owner: Any) -> "Dispatch":
        """A child dispatcher for ``owner`` that sees this one's listeners too."""
        return type(self)(owner, parent=self)

    def _update(self, other: "Dispatch", only_propagate: bool = True) -> None:
        """Copy ``other``'s own listeners onto this dispatcher.

        By default only listeners registered with ``propagate=True`` are copied;
        ``only_propagate=False`` copies all of them, which is what a Pool made
        by ``recreate()`` needs to keep every listener of the pool it replaces.
        """
        for name, bucket in other._own.items():
            for entry in bucket:
                if entry.propagate or not only_propagate:
                    self._own.setdefault(name, []).append(entry)
        self._rebuild_all()


class Events(Generic[_T]):
    """Base of every events class (PoolEvents, ConnectionEvents, SessionEvents...).

    Subclasses define one method per event; the method's signature documents
    the arguments a listener receives.  Targets call :meth:`_create_dispatch`
    once, on construction.
    """

    _dispatch_class: ClassVar[type[Dispatch]]
    _event_names: ClassVar[tuple[str, ...]] = ()
    _arg_names: ClassVar[dict[str, tuple[str, ...]]] = {}
    _class_level: ClassVar[dict[tuple[type, str], list[_Listener]]]
    #: (owner class, event name) -> class-level listeners along its MRO
    _class_memo: ClassVar[dict[tuple[type, str], list[_Listener]]]
    #: the same as shared EventLists, for dispatchers with no listeners of their own
    _calls_memo: ClassVar[dict[tuple[type, str], EventList]]
    #: owner class -> every event's shared list
    _template_memo: ClassVar[dict[type, dict[str, EventList]]]
    _live: ClassVar["set[weakref.ref[Dispatch]]"]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        names: list[str] = []
        arg_names: dict[str, tuple[str, ...]] = {}
        for attr, value in vars(cls).items():
            if attr.startswith("_") or not callable(value):
                continue
            names.append(attr)
            params = list(_inspect.signature(value).parameters)[1:]
            arg_names[attr] = tuple(p for p in params if p not in ("kw",))
        inherited = [n for n in getattr(cls, "_event_names", ()) if n not in names]
        cls._event_names = tuple(inherited + names)
        cls._arg_names = {**getattr(cls, "_arg_names", {}), **arg_names}
        cls._class_level = {}
        cls._class_memo = {}
        cls._calls_memo = {}
        cls._template_memo = {}
        cls._live = set()
        cls._dispatch_class = type(
            f"{cls.__name__}Dispatch",
            (Dispatch,),
            {
                "_events": cls,
                "_event_names": cls._event_names,
                "_event_name_set": frozenset(cls._event_names),
            },
        )
        for name in names:
            _registrars.setdefault(name, []).append(cls)

    @classmethod
    def _create_dispatch(
        cls, owner: Any, parent: Optional[Dispatch] = None
    ) -> Dispatch:
        return cls._dispatch_class(owner, parent)

    @classmethod
    def _accept_with(cls, target: Any, identifier: str) -> Any:
        """Return the object (instance or class) listeners attach to, or None.

        The default accepts instances that own a dispatcher of this class and
        classes whose instances would; subclasses widen this (an Engine for
        pool events, a mapped class for mapper events).
        """
        dispatch = getattr(target, "dispatch", None)
        if isinstance(dispatch, cls._dispatch_class):
            return target
        if isinstance(target, type) and _is_dispatch_descriptor(target, cls):
            return target
        return None

    @classmethod
    def _listen(
        cls,
        target: Any,
        identifier: str,
        fn: Callable[..., Any],
        *,
        named: bool = False,
        retval: bool = False,
        propagate: bool = False,
        once: bool = False,
        insert: bool = False,
        **kw: Any,
    ) -> None:
        call = cls._wrap(identifier, fn, named=named, retval=retval, **kw)
        if once:
            call = _once(call)
        listener = _Listener(fn, call, propagate, retval, once)
        if isinstance(target, type):
            bucket = cls._class_level.setdefault((target, identifier), [])
            cls._class_memo.clear()
            cls._calls_memo.clear()
            cls._template_memo.clear()
            if insert:
                bucket.insert(0, listener)
            else:
                bucket.append(listener)
            for dispatch in _alive(cls._live):
                owner = dispatch.owner
                if dispatch._parent is None and isinstance(owner, target):
                    dispatch._rebuild(identifier)
        else:
            target.dispatch._add(identifier, listener, insert=insert)

    @classmethod
    def _wrap(
        cls,
        identifier: str,
        fn: Callable[..., Any],
        *,
        named: bool,
        retval: bool,
        **kw: Any,
    ) -> Callable[..., Any]:
        """Adapt the user's function to the positional calling convention."""
        if not named:
            return fn
        arg_names = cls._arg_names.get(identifier, ())

        def named_call(*args: Any) -> Any:
            return fn(**dict(zip(arg_names, args, strict=False)))

        return named_call

    @classmethod
    def _remove(cls, target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
        if isinstance(target, type):
            bucket = cls._class_level.get((target, identifier), [])
            kept = [entry for entry in bucket if entry.fn is not fn]
            if len(kept) == len(bucket):
                return False
            cls._class_level[(target, identifier)] = kept
            cls._class_memo.clear()
            cls._calls_memo.clear()
            cls._template_memo.clear()
            for dispatch in _alive(cls._live):
                if dispatch._parent is None and isinstance(dispatch.owner, target):
                    dispatch._rebuild(identifier)
            return True
        return bool(target.dispatch._remove(identifier, fn))

    @classmethod
    def _contains(cls, target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
        if isinstance(target, type):
            return any(
                entry.fn is fn
                for entry in cls._class_level.get((target, identifier), ())
            )
        return bool(target.dispatch._contains(identifier, fn))

    @classmethod
    def _clear(cls) -> None:
        """Drop every class-level listener (used by test teardown)."""
        cls._class_level.clear()
        cls._class_memo.clear()
        cls._calls_memo.clear()
        cls._template_memo.clear()
        for dispatch in _alive(cls._live):
            if dispatch._parent is None:
                dispatch._rebuild_all()


def _alive(refs: "set[weakref.ref[Dispatch]]") -> list[Dispatch]:
    """The live dispatchers of a registry (a snapshot: listeners may add more)."""
    return [d for d in (r() for r in list(refs)) if d is not None]


def _is_dispatch_descriptor(target: type, events: type[Events[Any]]) -> bool:
    dispatch_cls = getattr(target, "_dispatch_events", None)
    return dispatch_cls is not None and issubclass(dispatch_cls, events)


def _once(fn: Callable[..., Any]) -> Callable[..., Any]:
    done = False

    def call_once(*args: Any, **kw: Any) -> Any:
        nonlocal done
        if done:
            return None
        done = True
        return fn(*args, **kw)

    return call_once
