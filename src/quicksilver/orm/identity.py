"""The identity map: one object per primary key per Session.

``WeakInstanceDict`` maps identity keys ``(class, pk_tuple, token)`` to
InstanceStates.  States refer to their objects weakly, so an unmodified
object vanishes from the map when user code drops it (the state's weakref
callback removes it).  A modified object is held strongly
(``state._strong_obj``) from its first change until the flush that persists
it, so changes are never lost to garbage collection.  Pending and deleted
objects are held strongly by the Session itself.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Iterator, Optional

from . import exc as orm_exc

if TYPE_CHECKING:
    from .state import InstanceState

_Key = tuple[Any, ...]


class IdentityMap:
    """Base of identity maps (``sqlalchemy.orm.identity.IdentityMap``)."""

    def __init__(self) -> None:
        self._dict: dict[_Key, "InstanceState[Any]"] = {}
        self._modified: set["InstanceState[Any]"] = set()
        self._wr: Any = weakref.ref(self)
        #: row -> object loaders bound to this map (orm.loading), reused by
        #: every query of the Session until the map is replaced
        self._loaders: dict[Any, Any] = {}

    def _modified_states(self) -> set["InstanceState[Any]"]:
        return self._modified

    def check_modified(self) -> bool:
        """True if any object in the map has unflushed changes."""
        return bool(self._modified)

    def has_key(self, key: _Key) -> bool:
        return key in self

    def __len__(self) -> int:
        return len(self._dict)

    def keys(self) -> Any:
        return self._dict.keys()

    def __iter__(self) -> Iterator[_Key]:
        return iter(list(self._dict))


class WeakInstanceDict(IdentityMap):
    """Identity map holding unmodified objects weakly (SQLAlchemy's default)."""

    def __getitem__(self, key: _Key) -> Any:
        state = self._dict[key]
        obj = state()
        if obj is None:
            raise KeyError(key)
        return obj

    def __contains__(self, key: Any) -> bool:
        state = self._dict.get(key)
        return state is not None and state() is not None

    def contains_state(self, state: "InstanceState[Any]") -> bool:
        key = state.key
        return key is not None and self._dict.get(key) is state

    def get(self, key: _Key, default: Any = None) -> Any:
        state = self._dict.get(key)
        if state is None:
            return default
        obj = state()
        return default if obj is None else obj

    def fast_get_state(self, key: _Key) -> Optional["InstanceState[Any]"]:
        return self._dict.get(key)

    def replace(self, state: "InstanceState[Any]") -> Optional["InstanceState[Any]"]:
        """Put ``state`` under its key, returning the state it displaced."""
        key = state.key
        assert key is not None
        existing = self._dict.get(key)
        if existing is state:
            return None
        if existing is not None:
            self._remove_state(existing)
        else:
            existing = None
        self._dict[key] = state
        self._manage(state)
        return existing

    def add(self, state: "InstanceState[Any]") -> bool:
        """Add ``state``; False if it is already there.

        Raises if a different live object holds the same key: two objects
        for one row would make the Session's view of that row ambiguous.
        """
        key = state.key
        assert key is not None
        existing = self._dict.get(key)
        if existing is not None:
            if existing is state:
                return False
            if existing() is not None:
                raise AssertionError(
                    "A conflicting state is already present in the identity map "
                    f"for key {key!r}"
                )
            self._remove_state(existing)
        self._dict[key] = state
        self._manage(state)
        return True

    def _add_unpresent(self, state: "InstanceState[Any]", key: _Key) -> None:
        """Add a state known to be absent (loading's hot path)."""
        self._dict[key] = state
        state._instance_dict = self._wr

    def _manage(self, state: "InstanceState[Any]") -> None:
        state._instance_dict = self._wr
        if state.modified:
            self._modified.add(state)
            state._strong_obj = state()

    def _remove_state(self, state: "InstanceState[Any]") -> None:
        state._instance_dict = None
        self._modified.discard(state)
        if state._strong_obj is not None:
            state._strong_obj = None

    def discard(self, state: "InstanceState[Any]") -> None:
        """Remove ``state`` if it is the one stored under its key."""
        key = state.key
        if key is not None and self._dict.get(key) is state:
            del self._dict[key]
        self._remove_state(state)

    def safe_discard(self, state: "InstanceState[Any]") -> None:
        self.discard(state)

    def _fast_discard(self, state: "InstanceState[Any]") -> None:
        key = state.key
        if key is not None and self._dict.get(key) is state:
            del self._dict[key]
        self._modified.discard(state)

    def items(self) -> list[tuple[_Key, Any]]:
        result = []
        for key, state in list(self._dict.items()):
            obj = state()
            if obj is not None:
                result.append((key, obj))
        return result

    def values(self) -> list[Any]:
        return [
            obj for obj in (s() for s in list(self._dict.values())) if obj is not None
        ]

    def all_states(self) -> list["InstanceState[Any]"]:
        return list(self._dict.values())

    def __iter__(self) -> Iterator[_Key]:
        return iter([k for k, s in list(self._dict.items()) if s() is not None])

    def __len__(self) -> int:
        return len(self._dict)

    def copy(self) -> dict[_Key, Any]:
        return dict(self.items())

    def __repr__(self) -> str:
        return f"<WeakInstanceDict with {len(self._dict)} entries>"

    def _unexpected(self) -> None:  # pragma: no cover
        raise orm_exc.FlushError("identity map corrupted")


_WeakInstanceDict = WeakInstanceDict


class IdentitySet:
    """A set compared by object identity (``Session.new`` / ``dirty`` / ``deleted``).

    Mapped objects may define ``__eq__``/``__hash__`` of their own; membership
    here must not depend on them.
    """

    __slots__ = ("_members",)

    def __init__(self, iterable: Any = None) -> None:
        self._members: dict[int, Any] = {}
        if iterable:
            for obj in iterable:
                self._members[id(obj)] = obj

    def add(self, value: Any) -> None:
        self._members[id(value)] = value

    def discard(self, value: Any) -> None:
        self._members.pop(id(value), None)

    def remove(self, value: Any) -> None:
        del self._members[id(value)]

    def __contains__(self, value: object) -> bool:
        return id(value) in self._members

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._members.values()))

    def __len__(self) -> int:
        return len(self._members)

    def __bool__(self) -> bool:
        return bool(self._members)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdentitySet):
            return self._members.keys() == other._members.keys()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def union(self, other: Any) -> "IdentitySet":
        new = IdentitySet(self)
        for obj in other:
            new.add(obj)
        return new

    __or__ = union

    def issubset(self, other: Any) -> bool:
        other_ids = {id(o) for o in other}
        return all(k in other_ids for k in self._members)

    def copy(self) -> "IdentitySet":
        return IdentitySet(self)

    def __repr__(self) -> str:
        return f"IdentitySet({list(self._members.values())!r})"
