"""Flush-time work of relationships: cascades, key syncing, row order, secondary rows.

The unit of work stays one sort by tables (:mod:`.unitofwork`); this module
adds what relationships need around it:

* **cascades** (:func:`cascade_save_update` when objects are attached,
  :func:`cascade_delete` at ``Session.delete()``, orphans at flush):
  ``save-update`` pulls related objects into the Session, ``delete`` marks
  related objects deleted, ``delete-orphan`` deletes children removed from
  their parent; without ``delete`` a deleted parent's loaded or loadable
  children get their foreign key set to NULL (unless ``passive_deletes``);
* **key syncing** (:func:`preflush`, then per batch in :func:`execute_flush`):
  a child's foreign-key attributes are copied from its parent's primary key
  just before the child's INSERT/UPDATE, after the parent's INSERT produced
  the key; children whose key changes are pulled into the flush as UPDATEs;
* **row order**: tables keep their foreign-key order; rows of a
  self-referential table are written level by level (a parent row before its
  children, children deleted first), each level still batched; a cycle no
  order can satisfy raises ``CircularDependencyError`` unless the
  relationship has ``post_update=True``, whose key is written by an UPDATE
  after all rows exist;
* **many-to-many**: association rows are deleted before and inserted after
  the rows they reference are written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc as sa_exc
from ._sql import sql
from .base import NO_VALUE, STATE_KEY, PassiveFlag
from .collections import CollectionImpl, members, resolve_impl
from .relationships import (
    MANYTOMANY,
    MANYTOONE,
    ONETOMANY,
    RelationshipProperty,
    relationships_of,
)

if TYPE_CHECKING:
    from .session import Session
    from .state import InstanceState
    from .unitofwork import UOWTransaction


def _members(value: Any, prop: RelationshipProperty) -> list[Any]:
    if value is None or value is NO_VALUE:
        return []
    never_loaded = getattr(value, "_impl", None) or getattr(value, "_qs_impl", None)
    if never_loaded is not None and getattr(never_loaded, "never_loaded", False):
        # write_only / dynamic: the rows from the database (delete cascades)
        state = getattr(value, "_state", None) or value._qs_state
        return list(never_loaded.load_all(state))
    if prop.uselist:
        return list(members(value))
    return [value]


def _state(obj: Any) -> "InstanceState[Any]":
    return obj.__dict__[STATE_KEY]  # type: ignore[no-any-return]


# --------------------------------------------------------------------------
# cascades


def cascade_save_update(session: "Session", state: "InstanceState[Any]") -> None:
    """Add every object reachable from ``state`` by ``save-update`` cascade."""
    stack = [state]
    while stack:
        current = stack.pop()
        obj = current()
        if obj is None:
            continue
        d = obj.__dict__
        pending = current.__dict__.get("_qs_pending")
        for prop in relationships_of(current.manager.mapper):
            if not prop.cascade.save_update:
                continue
            if prop.key in d:
                items = _members(d[prop.key], prop)
            elif pending and prop.key in pending:
                items = list(pending[prop.key][0])  # added to an unloaded one
            else:
                continue
            for item in items:
                st = _state(item)
                if st.session_id == session.hash_key or st._deleted or st._was_deleted:
                    continue
                session._save_or_update_state(st, item)
                stack.append(st)


def cascade_delete(session: "Session", state: "InstanceState[Any]") -> None:
    """``Session.delete(obj)``: mark ``delete``-cascaded related objects deleted."""
    stack = [state]
    seen = {id(state)}
    while stack:
        current = stack.pop()
        obj = current()
        if obj is None:
            continue
        for prop in relationships_of(current.manager.mapper):
            if not prop.cascade.delete or prop.viewonly:
                continue
            if prop.passive_deletes == "all":
                continue
            if prop.passive_deletes and prop.key not in obj.__dict__:
                continue  # the database's ON DELETE does it: not loaded
            with session.no_autoflush:  # loads, as SQLAlchemy does
                value = getattr(obj, prop.key)
            for item in _members(value, prop):
                st = _state(item)
                if id(st) in seen:
                    continue
                seen.add(id(st))
                if st.key is None:
                    if st in session._new:
                        session.expunge(item)
                    continue
                if st not in session._deleted:
                    session.delete(item)
                stack.append(st)


def _cascade_walk(
    session: "Session", state: "InstanceState[Any]", flag: str
) -> list[Any]:
    """States of this Session reached from ``state`` along cascade ``flag``.

    Followed transitively through loaded values only (nothing is loaded).
    """
    out: list[Any] = []
    stack = [state]
    seen = {id(state)}
    while stack:
        current = stack.pop()
        obj = current()
        if obj is None:
            continue
        d = obj.__dict__
        for prop in relationships_of(current.manager.mapper):
            if not getattr(prop.cascade, flag) or prop.key not in d:
                continue
            for item in _members(d[prop.key], prop):
                st = _state(item)
                if id(st) in seen or st.session_id != session.hash_key:
                    continue
                seen.add(id(st))
                out.append(st)
                stack.append(st)
    return out


def cascade_expunge(session: "Session", state: "InstanceState[Any]") -> list[Any]:
    """States to expunge with ``state`` (``expunge`` cascade)."""
    return _cascade_walk(session, state, "expunge")


def cascade_refresh(session: "Session", state: "InstanceState[Any]") -> list[Any]:
    """States to expire with ``state`` (``refresh-expire`` cascade).

    Pending objects are included: the caller expunges them, as SQLAlchemy.
    """
    return _cascade_walk(session, state, "refresh_expire")


# --------------------------------------------------------------------------
# before the flush computes its lists


def _set_fk(obj: Any, key: str, value: Any) -> None:
    d = obj.__dict__
    if (
        key in d
        and d[key] == value
        and d[key] is not None
        or (key in d and d[key] is None and value is None)
    ):
        return
    setattr(obj, key, value)


def _copy_keys(
    prop: RelationshipProperty, source: Any, dest: Any, clear: bool = False
) -> None:
    """Copy ``source``'s referenced values into ``dest``'s foreign keys."""
    dstate = _state(dest)
    dmapper = dstate.manager.mapper
    smapper = _state(source).manager.mapper if source is not None else None
    for src_col, dst_col in prop.synchronize_pairs:
        dprop = dmapper._columntoproperty.get(dst_col)
        if dprop is None:
            continue
        if clear or source is None:
            if dprop.key in dmapper._pk_keys:
                continue
            _set_fk(dest, dprop.key, None)
            continue
        sprop = smapper._columntoproperty.get(src_col) if smapper else None
        if sprop is None:
            continue
        sd = source.__dict__
        value = sd.get(sprop.key)
        if value is None and _state(source).key is not None:
            value = getattr(source, sprop.key)
        _set_fk(dest, dprop.key, value)


def preflush(session: "Session") -> dict[str, Any]:
    """Cascade orphans, null keys of released children, plan per-row syncing.

    Returns the plan :func:`execute_flush` follows: for each child state the
    (relationship, parent object) pairs its keys come from.
    """
    parent_of: dict[Any, list[tuple[RelationshipProperty, Any]]] = {}
    states = (
        list(session._new)
        + list(session.identity_map._modified)
        + list(session._deleted)
    )
    deleted = session._deleted
    orphans: list[Any] = []
    released: list[tuple[RelationshipProperty, Any]] = []
    for state in states:
        obj = state()
        if obj is None:
            continue
        d = obj.__dict__
        for prop in relationships_of(state.manager.mapper):
            if prop.viewonly or prop.direction is not ONETOMANY:
                continue
            if prop.key not in d and state not in deleted:
                pending = state.__dict__.get("_qs_pending")
                if not pending or prop.key not in pending:
                    continue
            impl = resolve_impl(state.manager.impls[prop.key])
            if state in deleted:
                continue
            hist = impl.get_history(state, PassiveFlag(0))
            # (a one-to-one set to None has None in its history: no child)
            for child in hist.deleted:
                if child is None:
                    continue
                if prop.cascade.delete_orphan:
                    orphans.append(child)
                else:
                    released.append((prop, child))
            for child in list(hist.added) + list(hist.unchanged):
                if child is not None:
                    parent_of.setdefault(_state(child), []).append((prop, obj))
    # deleted parents: children are deleted (cascade) or released
    for state in list(deleted):
        obj = state()
        if obj is None:
            continue
        for prop in relationships_of(state.manager.mapper):
            if prop.viewonly or prop.direction is not ONETOMANY:
                continue
            if prop.cascade.delete or prop.passive_deletes:
                continue
            for child in _members(getattr(obj, prop.key), prop):
                released.append((prop, child))
    for child in orphans:
        cst = _state(child)
        if cst in deleted:
            continue
        if any(_state(p) not in deleted for _, p in parent_of.get(cst, ())):
            continue  # moved to another parent
        if cst.key is None:
            if cst in session._new:
                session.expunge(child)
        else:
            session.delete(child)
    for prop, child in released:
        cst = _state(child)
        if cst in deleted or cst in parent_of:
            continue
        if cst.key is None and cst not in session._new:
            continue
        _copy_keys(prop, None, child, clear=True)
    # many-to-one / one-to-many syncs whose source key is known now
    for cst, parents in parent_of.items():
        child = cst()
        if child is None:
            continue
        for prop, parent in parents:
            if prop.post_update or _state(parent) in deleted:
                continue
            if _state(parent).key is not None:
                _copy_keys(prop, parent, child)
            elif cst.key is not None and not cst.modified:
                cst._modified_event()
    return {"parent_of": parent_of}


def _check_pending_orphans(session: "Session", parent_of: dict[Any, Any]) -> None:
    from . import exc as orm_exc

    for state in list(session._new):
        mapper = state.manager.mapper
        for other in _orphan_rules(mapper):
            prop = other
            obj = state()
            if obj is None:
                continue
            reverse = prop._reverse_property
            has_parent = state in parent_of and any(
                p is prop for p, _ in parent_of[state]
            )
            if not has_parent and reverse is not None:
                has_parent = obj.__dict__.get(reverse.key) is not None
            if not has_parent:
                raise orm_exc.FlushError(
                    f"Instance {orm_exc.state_str(state)} is an unsaved, pending "
                    "instance and is an orphan (is not attached to any parent "
                    f"'{prop.parent.class_.__name__}' instance via that classes' "
                    f"'{prop.key}' attribute)"
                )


def _orphan_rules(mapper: Any) -> list[RelationshipProperty]:
    cache = mapper.__dict__.get("_qs_orphan_rules")
    if cache is None:
        from .mapper import _all_mappers

        cache = []
        for m in list(_all_mappers):
            for prop in m._props.values():
                if (
                    isinstance(prop, RelationshipProperty)
                    and prop._configured
                    and prop.cascade.delete_orphan
                    and prop.direction is ONETOMANY
                    and mapper.isa(prop.mapper)
                ):
                    cache.append(prop)
        mapper.__dict__["_qs_orphan_rules"] = cache
    return cache  # type: ignore[no-any-return]


# --------------------------------------------------------------------------
# the flush


def _sync(plan: dict[str, Any], state: "InstanceState[Any]", deleted: Any) -> None:
    obj = state()
    if obj is None:
        return
    d = obj.__dict__
    for prop in relationships_of(state.manager.mapper):
        if prop.viewonly or prop.post_update or prop.direction is not MANYTOONE:
            continue
        if prop.key not in d:
            continue
        value = d[prop.key]
        if value is None:
            if prop.key in state.committed_state or state.key is None:
                if state.key is not None:
                    _copy_keys(prop, None, obj, clear=True)
            continue
        if _state(value) in deleted:
            continue
        _copy_keys(prop, value, obj)
    for prop, parent in plan["parent_of"].get(state, ()):
        if prop.post_update or _state(parent) in deleted:
            continue
        _copy_keys(prop, parent, obj)


def _dependencies(
    states: list[Any], plan: dict[str, Any], deleted: Any
) -> dict[int, list[Any]]:
    """For each state (by id), the states of ``states`` it must follow."""
    ids = {id(s) for s in states}
    deps: dict[int, list[Any]] = {}
    for state in states:
        obj = state()
        if obj is None:
            continue
        d = obj.__dict__
        found = []
        for prop in relationships_of(state.manager.mapper):
            if prop.viewonly or prop.post_update or prop.direction is not MANYTOONE:
                continue
            value = d.get(prop.key)
            if value is not None and id(_state(value)) in ids:
                found.append(_state(value))
        for prop, parent in plan["parent_of"].get(state, ()):
            if not prop.post_update and id(_state(parent)) in ids:
                found.append(_state(parent))
        if found:
            deps[id(state)] = found
    return deps


def _levels(states: list[Any], deps: dict[int, list[Any]]) -> list[list[Any]]:
    """Group ``states`` so each state's dependencies are in an earlier group."""
    level: dict[int, int] = {}
    for root in states:
        if id(root) in level:
            continue
        stack: list[tuple[Any, int]] = [(root, 0)]
        visiting: set[int] = set()
        while stack:
            state, i = stack.pop()
            sid = id(state)
            if i == 0:
                if sid in level:
                    continue
                visiting.add(sid)
            parents = deps.get(sid, ())
            pending = [p for p in parents if id(p) not in level]
            for p in pending:
                if id(p) in visiting:
                    table = state.manager.mapper.local_table
                    raise sa_exc.CircularDependencyError(
                        "Circular dependency detected: rows of table "
                        f"{getattr(table, 'name', table)} depend on each other; set "
                        "post_update=True on the relationship involved.",
                        cycles=[p, state],
                        edges=[(p, state)],
                    )
            if pending:
                stack.append((state, 1))
                for p in pending:
                    stack.append((p, 0))
                continue
            visiting.discard(sid)
            level[sid] = 1 + max((level[id(p)] for p in parents), default=-1)
    groups: dict[int, list[Any]] = {}
    for state in states:
        groups.setdefault(level[id(state)], []).append(state)
    return [groups[k] for k in sorted(groups)]


def execute_flush(uow: "UOWTransaction", plan: dict[str, Any]) -> None:
    """The flush's statements with relationship ordering and syncing."""
    from .persistence import _delete_obj, _save_obj, _sorted_base_mappers

    session = uow.session
    deleted = session._deleted
    saves = uow.inserts + uow.updates
    deps = _dependencies(saves, plan, deleted)
    order = _base_order(saves, deps, _sorted_base_mappers(saves))
    for base in order:
        inserts = [s for s in uow.inserts if s.manager.mapper.base_mapper is base]
        updates = [s for s in uow.updates if s.manager.mapper.base_mapper is base]
        conn = session._connection_for_bind(session.get_bind(base))
        own = {id(s) for s in inserts}
        local = {k: [p for p in v if id(p) in own] for k, v in deps.items() if k in own}
        local = {k: v for k, v in local.items() if v}
        batches = _levels(inserts, local) if local else [inserts]
        for batch in batches:
            for state in batch:
                _sync(plan, state, deleted)
            _save_obj(uow, base, conn, batch, [])
        for state in updates:
            _sync(plan, state, deleted)
        if updates:
            _save_obj(uow, base, conn, [], updates)
    _post_updates(uow, plan)
    _secondary_rows(uow, delete=True)
    _secondary_rows(uow, delete=False)
    deletes = uow.deletes
    all_ddeps = _delete_dependencies(deletes, {id(s) for s in deletes})
    delete_order = _base_order(deletes, all_ddeps, _sorted_base_mappers(deletes))
    for base in reversed(delete_order):
        states = [s for s in deletes if s.manager.mapper.base_mapper is base]
        conn = session._connection_for_bind(session.get_bind(base))
        own = {id(s) for s in states}
        ddeps = {
            k: [p for p in v if id(p) in own] for k, v in all_ddeps.items() if k in own
        }
        ddeps = {k: v for k, v in ddeps.items() if v}
        batches = _levels(states, ddeps) if ddeps else [states]
        for batch in reversed(batches):
            _delete_obj(uow, base, conn, batch)
    _forget_written_pending(saves + deletes)


def _forget_written_pending(states: list[Any]) -> None:
    """Drop pending changes this flush wrote (write-only, many-to-many rows).

    Pending one-to-many changes of an unloaded collection stay: they are
    merged into the collection when it loads, which the rows now agree with.
    """
    for state in states:
        pending = state.__dict__.get("_qs_pending")
        if not pending:
            continue
        impls = state.manager.impls
        for key in list(pending):
            impl = resolve_impl(impls.get(key))
            prop = getattr(impl, "prop", None)
            if getattr(impl, "never_loaded", False) or (
                prop is not None and prop.direction is MANYTOMANY
            ):
                del pending[key]


def _base_order(
    states: list[Any], deps: dict[int, list[Any]], table_order: list[Any]
) -> list[Any]:
    """Base mappers in an order where each row follows the rows it depends on.

    ``table_order`` (foreign-key order of the tables) breaks ties, so without
    relationship dependencies across mappers it is kept as is.  Dependencies
    left out for ``post_update`` relationships are what lets two tables that
    reference each other be ordered; a cycle that remains raises
    ``CircularDependencyError`` naming the tables.
    """
    if len(table_order) <= 1:
        return table_order
    by_id = {id(s): s for s in states}
    after: dict[int, set[int]] = {id(b): set() for b in table_order}
    for sid, parents in deps.items():
        state = by_id.get(sid)
        if state is None:
            continue
        sb = state.manager.mapper.base_mapper
        for parent in parents:
            pb = parent.manager.mapper.base_mapper
            if pb is not sb and id(pb) in after:
                after[id(sb)].add(id(pb))
    order: list[Any] = []
    placed: set[int] = set()
    todo = list(table_order)
    while todo:
        for base in todo:
            if after[id(base)] <= placed:
                break
        else:
            names = sorted(t.name for b in todo for t in b.tables)
            raise sa_exc.CircularDependencyError(
                "Circular dependency detected: rows of tables "
                f"{', '.join(names)} depend on each other; set post_update=True "
                "on one of the relationships involved so its foreign key is "
                "written by a separate UPDATE.",
                cycles=todo,
                edges=[],
            )
        todo.remove(base)
        order.append(base)
        placed.add(id(base))
    return order


def _delete_dependencies(states: list[Any], own: set[int]) -> dict[int, list[Any]]:
    deps: dict[int, list[Any]] = {}
    for state in states:
        obj = state()
        if obj is None:
            continue
        for prop in relationships_of(state.manager.mapper):
            if prop.viewonly or prop.post_update:
                continue
            if prop.direction is ONETOMANY:
                # children (as loaded) are deleted before their parent
                members = obj.__dict__.get(prop.key)
                if members is None and state.key is not None:
                    members = state.committed_state.get(prop.key)
                for child in _members(members, prop):
                    if id(_state(child)) in own:
                        deps.setdefault(id(_state(child)), []).append(state)
                continue
            if prop.direction is not MANYTOONE:
                continue
            value = obj.__dict__.get(prop.key)
            if value is None and state.key is not None:
                value = state.committed_state.get(prop.key)
            if value is not None and value is not NO_VALUE and id(_state(value)) in own:
                deps.setdefault(id(state), []).append(_state(value))
    return deps


def _post_updates(uow: "UOWTransaction", plan: dict[str, Any]) -> None:
    """Write ``post_update`` keys once every row exists."""
    update = sql("update")
    session = uow.session
    for state in uow.inserts + uow.updates:
        obj = state()
        if obj is None:
            continue
        d = obj.__dict__
        mapper = state.manager.mapper
        todo: list[tuple[RelationshipProperty, Any, Any]] = []
        for prop in relationships_of(mapper):
            if not prop.post_update or prop.viewonly:
                continue
            if prop.direction is MANYTOONE and prop.key in d:
                todo.append((prop, d[prop.key], obj))
        for prop, parent in plan["parent_of"].get(state, ()):
            if prop.post_update:
                todo.append((prop, parent, obj))
        for prop, source, dest in todo:
            values = {}
            smapper = _state(source).manager.mapper if source is not None else None
            for src_col, dst_col in prop.synchronize_pairs:
                dkey = mapper._columntoproperty[dst_col].key
                value = None
                if source is not None and smapper is not None:
                    value = source.__dict__.get(smapper._columntoproperty[src_col].key)
                if dest.__dict__.get(dkey) != value or state in uow.inserts:
                    values[dst_col] = value
                    dest.__dict__[dkey] = value
            if not values:
                continue
            table = next(iter(values)).table
            pk = [
                c == v
                for c, v in zip(
                    mapper.primary_key,
                    state.key[1] if state.key else [d[k] for k in mapper._pk_keys],
                    strict=False,
                )
            ]
            stmt = (
                update(table).where(*pk).values({c.key: v for c, v in values.items()})
            )
            session._connection_for_bind(session.get_bind(mapper)).execute(stmt)


def _secondary_rows(uow: "UOWTransaction", delete: bool) -> None:
    """Association-table rows of many-to-many changes (deduplicated by value)."""
    insert_, delete_, and_ = sql("insert"), sql("delete"), sql("and_")
    session = uow.session
    done: set[Any] = set()
    by_table: dict[Any, list[dict[str, Any]]] = {}
    states = uow.inserts + uow.updates + (uow.deletes if delete else [])
    for state in states:
        obj = state()
        if obj is None:
            continue
        d = obj.__dict__
        is_deleted = state in uow.deletes
        for prop in relationships_of(state.manager.mapper):
            if prop.direction is not MANYTOMANY or prop.viewonly:
                continue
            if is_deleted:
                if not delete or prop.passive_deletes:
                    continue
                if prop.key in d:
                    impl = resolve_impl(state.manager.impls[prop.key])
                    hist = impl.get_history(state, PassiveFlag(0))
                    items = list(hist.unchanged) + list(hist.deleted)
                else:
                    items = _members(getattr(obj, prop.key), prop)
            else:
                if prop.key not in d:
                    # an unloaded collection's pending changes came through
                    # backrefs from the other side, which writes the rows;
                    # only a write-only collection's own record counts here
                    impl = resolve_impl(state.manager.impls[prop.key])
                    if not getattr(impl, "never_loaded", False):
                        continue
                    pending = state.__dict__.get("_qs_pending", {}).get(prop.key)
                    if not pending:
                        continue
                    items = list(pending[1] if delete else pending[0])
                else:
                    impl = resolve_impl(state.manager.impls[prop.key])
                    if not isinstance(impl, CollectionImpl):
                        continue
                    hist = impl.get_history(state, PassiveFlag(0))
                    items = list(hist.deleted if delete else hist.added)
            for item in items:
                row = _association_row(prop, obj, item)
                key = (id(prop.secondary), tuple(sorted(row.items())))
                if key in done:
                    continue
                done.add(key)
                by_table.setdefault(prop.secondary, []).append(row)
    for table, rows in by_table.items():
        conn = session._connection_for_bind(session.get_bind(None, clause=table))
        if delete:
            cols = list(rows[0])
            stmt = delete_(table).where(
                and_(*[table.c[c] == sql("bindparam")("_qs_" + c) for c in cols])
            )
            conn.execute(stmt, [{"_qs_" + k: v for k, v in r.items()} for r in rows])
        else:
            conn.execute(insert_(table), rows)


def _association_row(
    prop: RelationshipProperty, parent: Any, child: Any
) -> dict[str, Any]:
    row = {}
    for pairs, obj in (
        (prop.synchronize_pairs, parent),
        (prop.secondary_synchronize_pairs, child),
    ):
        st = _state(obj)
        mapper = st.manager.mapper
        for src_col, sec_col in pairs:
            key = mapper._columntoproperty[src_col].key
            value = obj.__dict__.get(key)
            if value is None and st.key is not None:
                value = getattr(obj, key)
            row[sec_col.key] = value
    return row


def has_relationships(session: "Session") -> bool:
    """True when an object in ``session``'s flush belongs to a mapper that a
    relationship touches (the flush then needs this module)."""
    from .relationships import in_relationship

    mappers = {
        s.manager.mapper
        for group in (session._new, session.identity_map._modified, session._deleted)
        for s in group
    }
    return any(in_relationship(m) for m in mappers)


__all__ = [
    "cascade_save_update",
    "cascade_delete",
    "preflush",
    "execute_flush",
    "has_relationships",
]
