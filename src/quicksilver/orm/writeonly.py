"""Collections that are never loaded whole: ``lazy="write_only"`` and ``"dynamic"``.

``WriteOnlyMapped[B]`` / ``lazy="write_only"`` (``sqlalchemy.orm.writeonly``):
reading ``a.bs`` gives a :class:`WriteOnlyCollection` that holds no items.
``add()`` / ``add_all()`` / ``remove()`` record pending changes that the
next flush writes (foreign keys set or cleared, association rows, orphans
deleted); ``select()`` / ``insert()`` / ``update()`` / ``delete()`` build
statements limited to the parent's rows.  Iterating it raises ``TypeError``:
the point is never to load a large collection by accident.

``DynamicMapped[B]`` / ``lazy="dynamic"`` (legacy, ``sqlalchemy.orm.dynamic``):
``a.bs`` is an :class:`AppenderQuery`, a legacy ``Query`` filtered to the
parent's rows that also has ``append()`` / ``extend()`` / ``remove()``.
Iterating runs the query (autoflushing the pending changes first); an
object not in a Session iterates its pending additions.

Pending changes live in the state's ``_qs_pending`` entry, the same record
backrefs use for unloaded collections, so :mod:`.dependency` flushes them
with no special case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .. import exc as sa_exc
from ._sql import sql
from .attributes import HISTORY_BLANK, History
from .base import STATE_KEY, PassiveFlag, instance_state
from .collections import (
    RelationshipImpl,
    _backref_add,
    _backref_remove,
    _check_type,
    _pending,
)
from .query import Query
from .relationships import column_value

if TYPE_CHECKING:
    from .state import InstanceState


class WriteOnlyImpl(RelationshipImpl):
    """Attribute implementation of a write-only collection."""

    collection = False
    never_loaded = True

    def _view(self, state: "InstanceState[Any]") -> Any:
        return WriteOnlyCollection(self, state)

    def get(self, state: "InstanceState[Any]", d: dict[str, Any]) -> Any:
        if not self.prop._configured:
            self.prop._check_configured()
        return self._view(state)

    def set(self, obj: Any, value: Any, _initiator: Any = None) -> None:
        state = obj.__dict__.get(STATE_KEY) or instance_state(obj)
        if state.key is not None:
            raise sa_exc.InvalidRequestError(
                f'Collection "{self.prop}" does not support implicit iteration; '
                "collection replacement operations can't be used"
            )
        pending = state.__dict__.get("_qs_pending") or {}
        added = list(pending.get(self.key, ((), ()))[0])
        for item in added:
            self.remove(state, item)
        for item in value:
            self.append(state, item)

    def delete(self, obj: Any) -> None:
        raise sa_exc.InvalidRequestError(
            f'Collection "{self.prop}" does not support implicit iteration; '
            "it can't be deleted"
        )

    def append(
        self, state: "InstanceState[Any]", item: Any, _backref: bool = True
    ) -> None:
        obj = state()
        if self.prop.enable_typechecks:
            _check_type(self, item)
        if self.validator is not None:
            item = self.validator(obj, self.key, item)
        self._change(state, item, added=True)
        reverse = self.prop._reverse_property
        if _backref and reverse is not None:
            _backref_add(reverse, item, obj)
        self._cascade_add(state, item)

    def remove(
        self, state: "InstanceState[Any]", item: Any, _backref: bool = True
    ) -> None:
        self._change(state, item, added=False)
        reverse = self.prop._reverse_property
        if _backref and reverse is not None:
            _backref_remove(reverse, item, state())

    def _change(self, state: "InstanceState[Any]", item: Any, added: bool) -> None:
        _pending(state, self.key, item, added)
        if not state.modified:
            state._modified_event()

    # the reverse side (``b.a = a``) reports here
    def _backref_add(self, state: "InstanceState[Any]", item: Any) -> None:
        self._change(state, item, added=True)

    def _backref_remove(self, state: "InstanceState[Any]", item: Any) -> None:
        self._change(state, item, added=False)

    def pending_added(self, state: "InstanceState[Any]") -> list[Any]:
        pending = state.__dict__.get("_qs_pending") or {}
        return list(pending.get(self.key, ((), ()))[0])

    def get_history(
        self,
        state: "InstanceState[Any]",
        passive: PassiveFlag = PassiveFlag.PASSIVE_OFF,
    ) -> History:
        pending = (state.__dict__.get("_qs_pending") or {}).get(self.key)
        if not pending:
            return HISTORY_BLANK
        return History(list(pending[0]), (), list(pending[1]))

    def load_all(self, state: "InstanceState[Any]") -> list[Any]:
        """Refused: a write-only collection is never loaded whole."""
        raise sa_exc.InvalidRequestError(
            f"Attribute {self.prop} can't load the existing state from the "
            "database for this operation; full iteration is not permitted.  If "
            "this is a delete operation, configure passive_deletes=True on the "
            f"{self.prop} relationship in order to resolve this error."
        )

    def _load_all(self, state: "InstanceState[Any]") -> list[Any]:
        session = state.session
        if session is None or state.key is None:
            return self.pending_added(state)
        with session.no_autoflush:
            return list(session.scalars(_select(self, state)))


class DynamicImpl(WriteOnlyImpl):
    """Attribute implementation of a ``lazy="dynamic"`` collection."""

    def _view(self, state: "InstanceState[Any]") -> Any:
        return AppenderQuery(self, state)

    def load_all(self, state: "InstanceState[Any]") -> list[Any]:
        """Every related object from the database (delete cascades need them)."""
        return self._load_all(state)

    def get_history(
        self,
        state: "InstanceState[Any]",
        passive: PassiveFlag = PassiveFlag.PASSIVE_OFF,
    ) -> History:
        """Pending changes; with SQL allowed, the stored members as unchanged."""
        hist = super().get_history(state, passive)
        if not (passive & PassiveFlag.SQL_OK) or state.key is None:
            return hist
        if state.session is None:
            return hist
        added, deleted = list(hist.added), list(hist.deleted)
        stored = [
            x
            for x in self.load_all(state)
            if all(x is not a for a in added) and all(x is not r for r in deleted)
        ]
        return History(added, stored, deleted)

    def set(self, obj: Any, value: Any, _initiator: Any = None) -> None:
        """Replace the members: pending removals and additions (as SQLAlchemy)."""
        state = obj.__dict__.get(STATE_KEY) or instance_state(obj)
        new = list(value)
        old = self.load_all(state) if state.key is not None else []
        old += [x for x in self.pending_added(state) if all(x is not o for o in old)]
        for item in old:
            if all(item is not n for n in new):
                self.remove(state, item)
        for item in new:
            if all(item is not o for o in old):
                self.append(state, item)


def _select(impl: WriteOnlyImpl, state: "InstanceState[Any]") -> Any:
    prop = impl.prop
    stmt = sql("select")(prop.mapper.class_).where(prop._criterion_for(state()))
    order = prop._order_by_clauses()
    if order:
        stmt = stmt.order_by(*order)
    return stmt


_NO_ITER = (
    "WriteOnly collections don't support iteration in-place; to query for "
    "collection items, use the select() method to produce a SQL statement and "
    "execute it with session.scalars()."
)


class WriteOnlyCollection:
    """``a.bs`` of a write-only relationship (``orm.WriteOnlyCollection``)."""

    __slots__ = ("_impl", "_state")

    def __init__(self, impl: WriteOnlyImpl, state: "InstanceState[Any]") -> None:
        self._impl = impl
        self._state = state

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(_NO_ITER)

    def select(self) -> Any:
        """``SELECT`` of the related rows (with the relationship's order_by)."""
        return _select(self._impl, self._state)

    def add(self, item: Any) -> None:
        """Add ``item``: written by the next flush."""
        self._impl.append(self._state, item)

    def add_all(self, items: Iterable[Any]) -> None:
        for item in items:
            self._impl.append(self._state, item)

    def remove(self, item: Any) -> None:
        """Remove ``item``: its key is cleared (or it is deleted as an orphan)."""
        self._impl.remove(self._state, item)

    def _parent_values(self) -> dict[str, Any]:
        prop = self._impl.prop
        if prop.secondary is not None:
            raise sa_exc.InvalidRequestError(
                f"Write only bulk INSERT only supported for one-to-many collections; "
                f"{prop} is many-to-many"
            )
        state = self._state
        out = {}
        for src, dst in prop.synchronize_pairs:
            key = prop.mapper._columntoproperty[dst].key
            out[key] = column_value(state, state.mapper, src)
        return out

    def insert(self) -> Any:
        """``INSERT`` into the related table with the parent's key filled in."""
        prop = self._impl.prop
        return sql("insert")(prop.mapper.class_).values(**self._parent_values())

    def update(self) -> Any:
        """``UPDATE`` limited to the related rows."""
        prop = self._impl.prop
        return sql("update")(prop.mapper.class_).where(
            prop._criterion_for(self._state())
        )

    def delete(self) -> Any:
        """``DELETE`` limited to the related rows."""
        prop = self._impl.prop
        return sql("delete")(prop.mapper.class_).where(
            prop._criterion_for(self._state())
        )


class AppenderQuery(Query):
    """``a.bs`` of a ``lazy="dynamic"`` relationship (legacy, a ``Query``)."""

    def __init__(self, impl: WriteOnlyImpl, state: "InstanceState[Any]") -> None:
        prop = impl.prop
        super().__init__([prop.mapper.class_], state.session)
        self._stmt = _select(impl, state)
        self._qs_impl = impl
        self._qs_state = state

    def _detached_items(self) -> Any:
        state = self._qs_state
        if state.session is None or state.key is None:
            return self._qs_impl.pending_added(state)
        return None

    def __iter__(self) -> Iterator[Any]:
        items = self._detached_items()
        if items is not None:
            return iter(items)
        return super().__iter__()

    def all(self) -> list[Any]:
        items = self._detached_items()
        return items if items is not None else super().all()

    def count(self) -> int:
        items = self._detached_items()
        return len(items) if items is not None else super().count()

    def __getitem__(self, index: Any) -> Any:
        items = self._detached_items()
        if items is not None:
            return items[index]
        return super().__getitem__(index)

    def append(self, item: Any) -> None:
        self._qs_impl.append(self._qs_state, item)

    def extend(self, items: Iterable[Any]) -> None:
        for item in items:
            self._qs_impl.append(self._qs_state, item)

    def add(self, item: Any) -> None:
        self.append(item)

    def add_all(self, items: Iterable[Any]) -> None:
        self.extend(items)

    def remove(self, item: Any) -> None:
        self._qs_impl.remove(self._qs_state, item)


__all__ = ["WriteOnlyCollection", "AppenderQuery", "WriteOnlyImpl", "DynamicImpl"]
