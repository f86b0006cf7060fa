"""The unit of work: decide what a flush writes, and in which order.

A flush collects three groups of states: pending (INSERT), dirty persistent
(UPDATE) and marked-for-deletion (DELETE).  The order of statements comes
from dependencies between *tables*: a table whose foreign key points at
another is written after it (INSERT/UPDATE) and deleted before it (DELETE).
Joined-inheritance subclasses fall out of the same rule, their table
referencing the parent's.  Within one table, rows keep the order in which
objects were added (``state.insert_order``), which is also how SQLAlchemy
orders them; row-level dependencies (self-referential foreign keys,
relationships) are the job of the relationship unit of work (issue 5),
which adds edges between rows to the same sort.

Failure handling: any exception during the flush rolls the database work
back (the transaction, or the SAVEPOINT of ``begin_nested()``), restores the
Session's objects, and leaves the transaction *deactivated* so every later
use raises ``PendingRollbackError`` until ``Session.rollback()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from .. import exc as sa_exc
from ..util import warn
from ..util._gc import gc_paused
from . import exc as orm_exc
from .attributes import _EMPTY_CS
from .base import _configure_pending, _mappers_pending, object_state

if TYPE_CHECKING:
    from .session import Session
    from .state import InstanceState


class UOWTransaction:
    """The flush in progress (``flush_context`` in flush events)."""

    def __init__(self, session: "Session") -> None:
        self.session = session
        self.transaction = session._transaction
        self.attributes: dict[Any, Any] = {}
        self.inserts: list[InstanceState[Any]] = []
        self.updates: list[InstanceState[Any]] = []
        self.deletes: list[InstanceState[Any]] = []
        # states whose columns were expired by server-side values
        self.post_expire: list[tuple[InstanceState[Any], list[str]]] = []

    def is_deleted(self, state: "InstanceState[Any]") -> bool:
        return state in self.session._deleted

    def was_already_deleted(self, state: "InstanceState[Any]") -> bool:
        return state._deleted


def sort_tables(tables: Iterable[Any]) -> list[Any]:
    """Tables ordered so that referenced tables come before referencing ones.

    A cycle between tables (possible with mutually referencing foreign keys)
    is broken by keeping the tables of the cycle in their given order, which
    is what a flush without row dependencies can do best; the relationship
    unit of work resolves such cycles at the row level.
    """
    tables = list(dict.fromkeys(tables))
    index = {id(t): i for i, t in enumerate(tables)}
    deps: dict[int, set[int]] = {id(t): set() for t in tables}
    for t in tables:
        for fk in getattr(t, "foreign_keys", ()) or ():
            try:
                target = fk.column.table
            except Exception:  # unresolvable FK: no ordering constraint
                continue
            if id(target) in deps and target is not t:
                deps[id(t)].add(id(target))
    ordered: list[Any] = []
    done: set[int] = set()
    visiting: set[int] = set()
    by_id = {id(t): t for t in tables}

    def visit(tid: int) -> None:
        if tid in done or tid in visiting:
            return
        visiting.add(tid)
        for dep in sorted(deps[tid], key=index.__getitem__):
            visit(dep)
        visiting.discard(tid)
        done.add(tid)
        ordered.append(by_id[tid])

    for t in tables:
        visit(id(t))
    return ordered


_late: dict[str, Any] = {}


def _late_modules() -> dict[str, Any]:
    """persistence and dependency import this module: bind them on first use."""
    if not _late:
        from . import dependency, persistence, relationships

        _late["persistence"] = persistence
        _late["dependency"] = dependency
        _late["relationships"] = relationships
    return _late


def flush_session(session: "Session", objects: Optional[Sequence[Any]]) -> None:
    """Flush ``session`` (or only ``objects``); called by ``Session.flush``."""
    late = _late or _late_modules()
    execute_flush = late["persistence"].execute_flush
    dispatch = session.dispatch
    uow = UOWTransaction(session)
    if dispatch.before_flush:
        dispatch.before_flush(session, uow, objects)

    if _mappers_pending[0]:
        _configure_pending()
    dependency = late["dependency"]  # relationships (issue 5): cascades, keys

    rel_plan = (
        dependency.preflush(session) if dependency.has_relationships(session) else None
    )
    deleted = session._deleted
    new_states = list(session._new)
    delete_states = list(deleted)
    dirty_states = [s for s in session.identity_map._modified if s not in deleted]
    if objects is not None:
        wanted = {object_state(o) for o in objects}
        new_states = [s for s in new_states if s in wanted]
        delete_states = [s for s in delete_states if s in wanted]
        dirty_states = [s for s in dirty_states if s in wanted]
    if not (new_states or delete_states or dirty_states):
        return
    new_states.sort(key=lambda s: s.insert_order or 0)
    uow.inserts = new_states
    uow.updates = [s for s in dirty_states if s() is not None]
    uow.deletes = delete_states

    trans = session._autobegin_t()
    if not trans.is_active:
        trans._raise_pending_rollback()
    uow.transaction = trans
    session._warn_on_events = True
    # The cyclic GC is paused for the flush: it allocates parameter rows for
    # every object while holding them all alive, so collections in between
    # only re-traverse live objects (a third of a 50,000-object flush).
    # Collection resumes at the end; the pause never outlives this call.
    with gc_paused():
        try:
            _check_identity_conflicts(session, uow)
            if rel_plan is not None:
                dependency.execute_flush(uow, rel_plan)
            else:
                execute_flush(uow)
            if dispatch.after_flush:
                dispatch.after_flush(session, uow)
            _finalize(session, uow, trans)
            if dispatch.after_flush_postexec:
                dispatch.after_flush_postexec(session, uow)
        except BaseException as err:
            trans._deactivate_for_failed_flush(err)
            raise
        finally:
            session._warn_on_events = False


def _check_identity_conflicts(session: "Session", uow: UOWTransaction) -> None:
    """Refuse, before any SQL, a new object whose key another object holds."""
    idmap = session.identity_map
    for state in uow.inserts:
        mapper = state.mapper
        obj = state()
        if obj is None:
            continue
        d = obj.__dict__
        pk = tuple(map(d.get, mapper._pk_keys))
        if None in pk:
            continue
        key = mapper.identity_key_from_primary_key(pk)
        existing = idmap.fast_get_state(key)
        if existing is None or existing is state or existing() is None:
            continue
        if existing in session._deleted or existing._deleted:
            continue
        raise _identity_conflict(
            f"New instance {orm_exc.state_str(state)} with identity key {key} "
            "conflicts with persistent "
            f"instance {orm_exc.state_str(existing)}"
        )


class IdentityConflictError(orm_exc.FlushError, sa_exc.IntegrityError):
    """A new object's primary key is already taken by a persistent object.

    quicksilver raises this before any SQL is sent.  It is a ``FlushError``
    and also an ``IntegrityError``, which is what SQLAlchemy code sees when the
    database rejects the duplicate row, so either ``except`` clause catches it.
    """

    def __init__(self, message: str) -> None:
        orig = _DuplicateKey(message)
        sa_exc.IntegrityError.__init__(self, None, None, orig)
        self.args = (message,)

    def _sql_message(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> Any:
        return self.__class__, (self.args[0],)


class _DuplicateKey(Exception):
    pass


def _identity_conflict(message: str) -> IdentityConflictError:
    return IdentityConflictError(message)


def _finalize(session: "Session", uow: UOWTransaction, trans: Any) -> None:
    """Bring states up to date with what the flush wrote."""
    idmap = session.identity_map
    idmap_dict, idmap_wr = idmap._dict, idmap._wr
    session_new, sid = session._new, session.hash_key
    pending_to_persistent = session.dispatch.pending_to_persistent
    trans_new = trans._new
    for state in uow.inserts:
        obj = state()
        if obj is None:
            continue
        mapper = state.mapper
        d = obj.__dict__
        pk = tuple(map(d.get, mapper._pk_keys))
        if None in pk and (
            not mapper.allow_partial_pks or all(v is None for v in pk)
        ):
            raise orm_exc.FlushError(
                f"Instance {orm_exc.state_str(state)} has a NULL identity key.  If "
                "this is an auto-generated "
                "value, check that the database table allows generation of new "
                "primary key values, and that the mapped Column object is "
                "configured to expect these generated values.  Ensure also that "
                "this flush() is not occurring at an inappropriate time, such as "
                "within a load() event."
            )
        state.key = key = (mapper._identity_class, pk, None)
        # inlined _commit_all / _register_persistent / identity_map.replace for
        # the common case (a new key, no events): once per new object
        state.committed_state = _EMPTY_CS
        state.modified = False
        if state._strong_obj is not None:
            state._strong_obj = None
        if state.expired_attributes:
            state._commit_all()
        if idmap_dict.get(key) is None and not pending_to_persistent:
            session_new.pop(state, None)
            idmap_dict[key] = state
            state._instance_dict = idmap_wr
            state.session_id = sid
        else:
            session._register_persistent(state, obj)
        trans_new[state] = True
    session_deleted = session._deleted
    trans_dirty = trans._dirty
    for state in uow.updates:
        if state in session_deleted:
            continue
        old_key = state.key
        mapper = state.manager.mapper
        obj = state()
        if (
            obj is not None
            and old_key is not None
            # only a changed primary key attribute can switch the identity
            and not state.committed_state.keys().isdisjoint(mapper._pk_keys)
        ):
            d = obj.__dict__
            if all(k in d for k in mapper._pk_keys):
                new_key = mapper.identity_key_from_primary_key(
                    tuple(d[k] for k in mapper._pk_keys), old_key[2]
                )
                if new_key != old_key:  # primary key switch
                    idmap.discard(state)
                    state.key = new_key
                    idmap.replace(state)
                    trans._key_switches[state] = (old_key, new_key)
        state._commit_all()
        trans_dirty[state] = True  # trans._note_dirty(state), inlined
    for state in uow.deletes:
        obj = state()
        session._deleted.pop(state, None)
        idmap.discard(state)
        state._deleted = True
        state._was_deleted = True
        trans._note_deleted(state)
        if obj is not None and session.dispatch.persistent_to_deleted:
            session.dispatch.persistent_to_deleted(session, obj)
    for state, keys in uow.post_expire:
        obj = state()
        if obj is not None and state.key is not None:
            state._expire_attributes(obj.__dict__, keys)
    if idmap._modified:
        leftovers = [s for s in idmap._modified if not s.modified]
        for s in leftovers:
            idmap._modified.discard(s)


__all__ = ["UOWTransaction", "flush_session", "sort_tables", "warn"]
