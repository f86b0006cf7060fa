"""Relationship loading: lazy loads on access and eager loaders per statement.

Lazy (``lazy="select"``, the default): reading a relationship that is not in
the instance ``__dict__`` runs :func:`load_relationship`.  A many-to-one
whose foreign key is the target's primary key looks in the identity map
first and costs no SQL when the target is there; everything else runs one
SELECT with the parent's key values bound (the statement is built once per
relationship and reused, so the compile cache stays hot).

Eager loaders (options or ``lazy=`` defaults) are planned per ORM statement
by :func:`prepare_eager`:

* ``joined``: the statement gets a LEFT OUTER JOIN to an anonymous alias of
  the target table and its columns; each row fills the collection of the
  parent it belongs to.  Collections require ``Result.unique()`` as in
  SQLAlchemy 2.x.
* ``selectin`` / ``subquery``: after a batch of parents is loaded, one
  SELECT per 500 parent keys (``WHERE child.fk IN (...)``; the parent table
  is not joined when the foreign key is enough) fills every parent's
  collection.  ``subquery`` uses the same statements (the result graph is
  identical; the SQL differs from SQLAlchemy's).
* ``immediate``: a lazy load per parent, right after loading.

Nested options (``selectinload(A.bs).selectinload(B.cs)``) ride on the
statements that load each level (a private :class:`_PlanOption`), so every
level is processed by the same code.  Options that change later lazy loads
(``raiseload``, ``noload``, ``lazyload(...).joinedload(...)``) are kept on
the loaded objects' states.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Iterator, Optional

from .. import exc as sa_exc
from ..util import warn
from . import exc as orm_exc
from ._relationship_options import Load, LoadNode, compile_options
from ._sql import sql
from .base import NO_VALUE, STATE_KEY
from .collections import _raw_add, members
from .loading import load_scalar_attributes
from .relationships import (
    MANYTOONE,
    RelationshipProperty,
    column_value,
    relationships_of,
)

if TYPE_CHECKING:
    from .session import Session
    from .state import InstanceState

_BATCH = 500
# keys per statement for lazy="subquery": below SQLite's 32766 and
# PostgreSQL's 65535 bound parameters even with composite keys
_SUBQUERY_BATCH = 10000
_EAGER = ("joined", "selectin", "subquery", "immediate")
_NODE_KEY = "_qs_node"


# --------------------------------------------------------------------------
# lazy loading


def _state_node(state: "InstanceState[Any]", key: str) -> Optional[LoadNode]:
    node = state.__dict__.get(_NODE_KEY)
    if node is None:
        return None
    child = node.children.get(key)
    if child is None and node.wildcard is not None:
        child = LoadNode()
        child.strategy = node.wildcard
    return child


def _detached(state: "InstanceState[Any]", key: str) -> Exception:
    obj = state()
    return orm_exc.DetachedInstanceError(
        f"Parent instance {orm_exc.instance_str(obj)} is not bound to a Session; "
        f"lazy load operation of attribute '{key}' cannot proceed. Keep the "
        "Session open while the object is used, or load the relationship "
        f"eagerly (selectinload({type(obj).__name__}.{key}) or joinedload())."
    )


def _raise_for(prop: RelationshipProperty, strategy: str) -> Exception:
    return sa_exc.InvalidRequestError(
        f"'{prop}' is not available due to lazy='{strategy}'"
    )


def use_get(prop: RelationshipProperty) -> bool:
    """True if a many-to-one can be answered by primary key (identity map)."""
    cached = prop.__dict__.get("_qs_use_get")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from .relationships import _eq_pairs

    ok = False
    if prop.direction is MANYTOONE and prop.secondary is None:
        remote = [rc for _, rc in prop.local_remote_pairs]
        pk = list(prop.mapper.primary_key)
        ok = (
            len(remote) == len(pk)
            and {id(c) for c in remote} == {id(c) for c in pk}
            and len(_eq_pairs(prop.primaryjoin)) == len(pk)
            and _only_eq(prop.primaryjoin)
        )
    prop.__dict__["_qs_use_get"] = ok
    return ok


def _only_eq(expr: Any) -> bool:
    from ..sql import elements as el

    if isinstance(expr, el.BinaryExpression):
        return isinstance(expr.left, el.ColumnClause) and isinstance(
            expr.right, el.ColumnClause
        )
    if isinstance(expr, el.ClauseList):
        return all(_only_eq(c) for c in expr.clauses)
    if isinstance(expr, el.Grouping):
        return _only_eq(expr.element)
    return False


def _m2o_identity(
    prop: RelationshipProperty, state: "InstanceState[Any]", d: dict[str, Any]
) -> tuple[Any, Optional[tuple[Any, ...]]]:
    """(identity key or None, pk values) of a many-to-one target, no SQL."""
    mapper = state.mapper
    by_remote = {id(rc): lc for lc, rc in prop.local_remote_pairs}
    values = []
    for col in prop.mapper.primary_key:
        lc = by_remote[id(col)]
        p = mapper._columntoproperty.get(lc)
        if p is None:
            return None, None
        if p.key in d:
            values.append(d[p.key])
        else:
            return NO_VALUE, None
    if any(v is None for v in values):
        return None, None
    ident = tuple(values)
    return (prop.mapper._identity_class, ident, None), ident


def passive_scalar(impl: Any, state: "InstanceState[Any]", d: dict[str, Any]) -> Any:
    """The current value of a scalar relationship without emitting SQL if possible.

    Many-to-one through the primary key: the identity map.  A one-to-one
    (the foreign key on the other side) must be loaded so a replacement can
    null the old row's foreign key, as SQLAlchemy does (``active_history``).
    """
    prop = impl.prop
    session = state.session
    if prop.direction is MANYTOONE:
        if not use_get(prop):
            return (
                None if not prop.active_history else _load_if_possible(impl, state, d)
            )
        key, _ = _m2o_identity(prop, state, d)
        if key is None:
            return None
        if key is NO_VALUE or session is None:
            return None
        found = session.identity_map._dict.get(key)
        if found is not None:
            obj = found()
            if obj is not None:
                return obj
        if prop.active_history:
            return _load_if_possible(impl, state, d)
        return None
    return _load_if_possible(impl, state, d)


def _load_if_possible(impl: Any, state: "InstanceState[Any]", d: dict[str, Any]) -> Any:
    if state.key is None or state.session is None:
        return None
    with state.session.no_autoflush:
        return load_relationship(impl, state, d)


def load_relationship(
    impl: Any, state: "InstanceState[Any]", d: dict[str, Any], refresh: bool = False
) -> Any:
    """Produce the value of an unloaded relationship attribute (lazy load).

    ``refresh``: the attribute was named in ``Session.refresh()``, which loads
    it whatever its loader ("raise" included), as SQLAlchemy does.
    """
    prop: RelationshipProperty = impl.prop
    key = prop.key
    node = _state_node(state, key) if _NODE_KEY in state.__dict__ else None
    strategy = prop.lazy
    if node is not None and node.strategy is not None:
        strategy = node.strategy
    if strategy in _EAGER or strategy == "contains_eager":
        strategy = "select"
    elif refresh and strategy != "noload":
        strategy = "select"
    collection = impl.collection
    if strategy == "noload":
        if collection:
            return impl.initialize(state, d)
        return None
    if state.key is None:
        if collection:
            return impl.initialize(state, d)
        return None
    session = state.session
    if session is None:
        raise _detached(state, key)
    if strategy == "raise":
        raise _raise_for(prop, "raise")
    if not collection and use_get(prop):
        ident_key, ident = _m2o_identity(prop, state, d)
        if ident_key is NO_VALUE:
            # the foreign key itself is unloaded (expired): load it first
            for lc, _ in prop.local_remote_pairs:
                p = state.mapper._columntoproperty.get(lc)
                if p is not None and p.key not in d:
                    getattr(state(), p.key)
            ident_key, ident = _m2o_identity(prop, state, d)
        if ident_key is None or ident is None:
            return None
        found = session.identity_map._dict.get(ident_key)
        if found is not None:
            obj = found()
            if obj is not None and not found._deleted:
                d[key] = obj
                return obj
        if strategy == "raise_on_sql":
            raise _raise_for(prop, "raise_on_sql")
        _check_async(session, state, key)
        obj = session.get(prop.mapper.class_, ident if len(ident) > 1 else ident[0])
        if key not in d:
            d[key] = obj
        return obj
    if strategy == "raise_on_sql":
        raise _raise_for(prop, "raise_on_sql")
    _check_async(session, state, key)
    if state.expired_attributes and not state.expired_attributes.isdisjoint(
        _local_keys(prop)
    ):
        # the parent's own columns in the lazy clause are expired (after a
        # commit): as SQLAlchemy, load the parent row first -- which also
        # raises ObjectDeletedError if another transaction deleted it
        load_scalar_attributes(state.mapper, state, None)
    items = _lazy_query(prop, state, session, node)
    if key in d:  # loaded meanwhile (autoflush, backref)
        return d[key]
    if collection:
        return impl.set_committed(state, items)
    if len(items) > 1:
        warn(
            f"Multiple rows returned with uselist=False for lazily-loaded attribute "
            f"'{prop}' "
        )
    value = items[0] if items else None
    d[key] = value
    return value


def _local_keys(prop: RelationshipProperty) -> frozenset[str]:
    """Attribute keys of the parent's columns in ``prop``'s lazy clause."""
    keys = prop.__dict__.get("_qs_local_keys")
    if keys is None:
        to_prop = prop.parent._columntoproperty
        keys = prop.__dict__["_qs_local_keys"] = frozenset(
            p.key
            for p in (to_prop.get(lc) for lc, _ in prop.local_remote_pairs)
            if p is not None
        )
    return keys  # type: ignore[no-any-return]


def _check_async(session: Any, state: "InstanceState[Any]", key: str) -> None:
    if getattr(session, "_io_needs_bridge", False):
        from . import state as state_mod

        refuse = getattr(state_mod, "refuse_implicit_async_io", None)
        if refuse is not None:
            refuse(state, key)


def _lazy_statement(prop: RelationshipProperty) -> tuple[Any, list[tuple[Any, Any]]]:
    cached = prop.__dict__.get("_qs_lazy_stmt")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    select = sql("select")
    crit, binds = prop._lazy_criterion(named=True)
    stmt = select(prop._target_entity()).where(crit)
    order = prop._order_by_clauses()
    if order:
        stmt = stmt.order_by(*order)
    cached = (stmt, binds)
    prop.__dict__["_qs_lazy_stmt"] = cached
    return cached


def _lazy_query(
    prop: RelationshipProperty,
    state: "InstanceState[Any]",
    session: "Session",
    node: Optional[LoadNode],
) -> list[Any]:
    stmt, binds = _lazy_statement(prop)
    mapper = state.mapper
    params = {}
    for bp, col in binds:
        value = column_value(state, mapper, col)
        if value is None:
            return []
        params[bp.key] = value
    if node is not None and (node.children or node.col_options or node.wildcard):
        stmt = stmt.options(_PlanOption(prop.mapper, node), *node.col_options)
    result = session.execute(stmt, params)
    if getattr(result, "_qs_requires_unique", False):
        result = result.unique()
    return list(result.scalars())


def eager_by_default(mapper: Any) -> bool:
    """True if some relationship of ``mapper`` has an eager ``lazy=`` default."""
    return any(p.lazy in _EAGER for p in relationships_of(mapper))


def get_with_options(
    session: "Session",
    mapper: Any,
    pk: tuple[Any, ...],
    options: Any,
    populate_existing: bool,
    with_for_update: Any,
) -> Any:
    """``Session.get()`` through an ORM SELECT so loader options take effect."""
    stmt = sql("select")(mapper.class_).where(
        *[col == value for col, value in zip(mapper.primary_key, pk, strict=True)]
    )
    if options:
        stmt = stmt.options(*options)
    if with_for_update is not None:
        if isinstance(with_for_update, dict):
            stmt = stmt.with_for_update(**with_for_update)
        else:
            stmt = stmt.with_for_update()
    opts = {"populate_existing": True} if populate_existing else {}
    result = session.execute(stmt, execution_options=opts)
    return result.unique().scalars().one_or_none()


# --------------------------------------------------------------------------
# eager loading: planning


class _PlanOption:
    """A LoadNode handed to the statement loading one level of a path."""

    _is_column_option = False
    _is_loader_option = True
    propagate_to_loaders = False

    def __init__(self, mapper: Any, node: LoadNode, path: tuple[Any, ...] = ()) -> None:
        self.mapper = mapper
        self.node = node
        self.path = path


def _has_rel_keys(mapper: Any) -> bool:
    return bool(mapper.class_manager.__dict__.get("_qs_rel_keys"))


def needs_eager(statement: Any, entities: list[Any]) -> bool:
    """Cheap test: could this statement involve relationship loading at all?"""
    if getattr(statement, "_with_options", None):
        return True
    for ent in entities:
        mapper = ent.mapper
        if mapper is not None and _has_rel_keys(mapper):
            return True
    return False


class _Level:
    """What to do for the objects of one entity at one path."""

    def __init__(
        self, mapper: Any, node: Optional[LoadNode], path: tuple[Any, ...]
    ) -> None:
        self.mapper = mapper
        self.node = node
        self.path = path
        self.rels: list[tuple[RelationshipProperty, str, Optional[LoadNode]]] = []
        for prop in relationships_of(mapper):
            child = node.children.get(prop.key) if node is not None else None
            strategy = None
            explicit = False
            if child is not None and child.strategy is not None:
                strategy, explicit = child.strategy, True
            elif node is not None and node.wildcard is not None:
                strategy, explicit = node.wildcard, True
            else:
                strategy = prop.lazy
            if strategy not in _EAGER and strategy != "contains_eager":
                continue
            if not explicit and not _may_recurse(prop, path):
                continue
            if (
                node is not None
                and node.wildcard in _LAZY_WILDCARDS
                and (child is None or child.wildcard is None)
            ):
                # raiseload("*") & co. reach the eagerly loaded objects too
                child = _copy_node(child)
                child.wildcard = node.wildcard
            self.rels.append((prop, strategy, child))
        self.keep_node = node is not None and bool(node.children or node.wildcard)
        self.joined: list[_Joined] = []

    @property
    def has_work(self) -> bool:
        return bool(self.rels) or self.keep_node

    def process(self, session: "Session", objs: list[Any], populate: bool) -> None:
        if not objs:
            return
        if self.keep_node:
            node = self.node
            for obj in objs:
                obj.__dict__[STATE_KEY].__dict__[_NODE_KEY] = node
        for prop, strategy, child in self.rels:
            sub_path = self.path + (prop,)
            if strategy in ("joined", "contains_eager"):
                spec = next((j for j in self.joined if j.prop is prop), None)
                if spec is None:
                    # not joinable in this statement: load with a second SELECT
                    _selectin(session, prop, objs, child, populate, sub_path)
                    continue
                if spec.level.has_work:
                    related = _collect_related(prop, objs)
                    spec.level.process(session, related, populate)
            elif strategy in ("selectin", "subquery"):
                # subquery: one statement for all parents (as SQLAlchemy's
                # single subquery-joined SELECT), up to bound-parameter limits
                batch = _SUBQUERY_BATCH if strategy == "subquery" else _BATCH
                _selectin(session, prop, objs, child, populate, sub_path, batch)
            elif strategy == "immediate":
                for obj in objs:
                    getattr(obj, prop.key)


_LAZY_WILDCARDS = ("raise", "raise_on_sql", "noload", "select")


def _copy_node(node: Optional[LoadNode]) -> LoadNode:
    new = LoadNode()
    if node is not None:
        new.strategy = node.strategy
        new.children = dict(node.children)
        new.col_options = list(node.col_options)
        new.wildcard = node.wildcard
        new.alias = node.alias
        new.innerjoin = node.innerjoin
        new.depth = node.depth
    return new


def _may_recurse(prop: RelationshipProperty, path: tuple[Any, ...]) -> bool:
    """Default eager strategies stop at a relationship already on the path."""
    count = sum(1 for p in path if p is prop or p is prop._reverse_property)
    if prop.join_depth is not None:
        return sum(1 for p in path if p is prop) < prop.join_depth
    return count == 0


def _collect_related(prop: RelationshipProperty, objs: list[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[int] = set()
    key = prop.key
    for obj in objs:
        value = obj.__dict__.get(key)
        if value is None:
            continue
        items = members(value) if prop.uselist else (value,)
        for item in items:
            if id(item) not in seen:
                seen.add(id(item))
                out.append(item)
    return out


class _Joined:
    """One joined eager load (or contains_eager) in a statement."""

    def __init__(
        self,
        prop: RelationshipProperty,
        parent: Any,
        columns: list[Any],
        start: int,
        level: _Level,
    ) -> None:
        self.prop = prop
        self.key = prop.key
        self.parent = parent  # entity index (int) or parent _Joined
        self.columns = columns
        self.start = start
        self.level = level
        self.collection = bool(prop.uselist)
        self.loader: Any = None


class EagerPlan:
    """The eager work of one statement: joins added, levels to post-process."""

    def __init__(self) -> None:
        self.levels: dict[int, _Level] = {}
        self.joined: list[_Joined] = []
        self.requires_unique = False

    def result(
        self,
        session: "Session",
        result: Any,
        entities: list[Any],
        populate_existing: bool,
        yield_per: Optional[int] = None,
    ) -> Any:
        from .loading import _entity_loader, orm_result

        capture = _Capture(result) if self.joined else result
        out = orm_result(session, capture, entities, populate_existing)
        inner = out.iterator
        if self.joined:
            for spec in self.joined:
                spec.loader = _entity_loader(
                    session,
                    spec.prop.mapper,
                    spec.columns,
                    spec.start,
                    populate_existing,
                )
            inner = _joined_rows(self, inner, capture, populate_existing)
        if self.requires_unique or any(s.collection for s in self.joined):
            out._unique_filter_state = (set(), _require_unique)
            out._qs_requires_unique = True
        levels = self.levels

        def gen() -> Iterator[Any]:
            while True:
                chunk = list(itertools.islice(inner, yield_per) if yield_per else inner)
                if not chunk:
                    return
                for index, level in levels.items():
                    objs = [row[index] for row in chunk if row[index] is not None]
                    level.process(session, objs, populate_existing)
                yield from chunk
                if not yield_per:
                    return

        if levels:
            out.iterator = gen()
        else:
            out.iterator = inner
        return out


def _require_unique(row: Any) -> Any:
    raise sa_exc.InvalidRequestError(
        "The unique() method must be invoked on this Result, as it contains "
        "results that include joined eager loads against collections"
    )


class _Capture:
    """A cursor result proxy remembering the raw rows handed to the loader."""

    def __init__(self, result: Any) -> None:
        self._result = result
        self.raw: list[Any] = []

    def fetchmany(self, size: Any = None) -> Any:
        chunk = self._result.fetchmany(size)
        self.raw.extend(chunk)
        return chunk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


def _joined_rows(
    plan: EagerPlan, inner: Iterator[Any], capture: _Capture, populate: bool
) -> Iterator[Any]:
    acc: dict[tuple[int, str], Any] = {}
    skip = object()
    specs = plan.joined
    raw = capture.raw
    pos = 0
    for objs in inner:
        row = raw[pos]
        pos += 1
        if pos > 5000:
            del raw[:pos]
            pos = 0
        made: dict[int, Any] = {}
        for spec in specs:
            parent = (
                objs[spec.parent]
                if isinstance(spec.parent, int)
                else made.get(id(spec.parent))
            )
            child = spec.loader(row)
            made[id(spec)] = child
            if parent is None:
                continue
            pd = parent.__dict__
            pstate = pd[STATE_KEY]
            k = (id(pstate), spec.key)
            entry = acc.get(k)
            if entry is None:
                if spec.key in pd and not populate:
                    entry = skip
                elif spec.collection:
                    impl = pstate.manager.impls[spec.key]
                    from .collections import resolve_impl

                    impl = resolve_impl(impl)
                    coll = impl.new_collection(pstate)
                    pd[spec.key] = coll
                    pending = pstate.__dict__.get("_qs_pending")
                    if pending:
                        pending.pop(spec.key, None)
                    entry = (coll, set())
                else:
                    pd[spec.key] = child
                    entry = skip
                acc[k] = entry
            if entry is skip or child is None:
                continue
            coll, ids = entry  # type: ignore[misc]
            if id(child) not in ids:
                ids.add(id(child))
                _raw_add(coll, child)
        yield objs


def _target_load_columns(mapper: Any) -> list[Any]:
    from .context import _loading_columns, entity_from

    base = list(entity_from(mapper).c)
    cols = _loading_columns(mapper, base)
    return list(cols) if cols is not None else base


def prepare_eager(
    session: "Session", statement: Any, entities: list[Any]
) -> tuple[Any, Optional[EagerPlan]]:
    """Plan eager loading for an ORM SELECT; may add joins and columns."""
    options = getattr(statement, "_with_options", None) or ()
    mappers = [e.mapper for e in entities]
    nodes: dict[int, LoadNode] = {}
    paths: dict[int, tuple[Any, ...]] = {}
    plans = [o for o in options if isinstance(o, _PlanOption)]
    for opt in plans:
        for i, m in enumerate(mappers):
            if m is not None and (m is opt.mapper or m.isa(opt.mapper)):
                nodes[i] = _copy_node(opt.node)  # merged into below: a copy
                paths[i] = opt.path
                break
    loads = [o for o in options if isinstance(o, Load)]
    if loads:
        for i, node in compile_options(loads, mappers).items():
            if i in nodes:
                _merge_nodes(nodes[i], node)
            else:
                nodes[i] = node
    plan = EagerPlan()
    width = sum(e.width for e in entities)
    for i, ent in enumerate(entities):
        if ent.mapper is None:
            continue
        level = _Level(ent.mapper, nodes.get(i), paths.get(i, ()))
        if not level.has_work:
            continue
        plan.levels[i] = level
        statement, width = _plan_joins(statement, level, i, None, None, plan, width)
    if not plan.levels:
        return statement, None
    return statement, plan


def _merge_nodes(into: LoadNode, other: LoadNode) -> None:
    if other.strategy is not None:
        into.strategy = other.strategy
    into.col_options.extend(other.col_options)
    if other.wildcard is not None:
        into.wildcard = other.wildcard
    for key, child in other.children.items():
        if key in into.children:
            # copy on write: nodes of options and plans are shared
            mine = into.children[key] = _copy_node(into.children[key])
            _merge_nodes(mine, child)
        else:
            into.children[key] = child


def _plan_joins(
    statement: Any,
    level: _Level,
    entity_index: int,
    parent_spec: Optional[_Joined],
    parent_alias: Any,
    plan: EagerPlan,
    width: int,
) -> tuple[Any, int]:
    for prop, strategy, child in level.rels:
        if strategy not in ("joined", "contains_eager"):
            continue
        target = prop.mapper
        if len(target.tables) > 1 or (
            len(prop.parent.tables) > 1 and parent_alias is not None
        ):
            continue  # joined inheritance: loaded by selectin instead
        if strategy == "joined" and prop.uselist and _limits_rows(statement):
            # LIMIT/OFFSET would count joined child rows, not parents:
            # SQLAlchemy wraps the statement in a subquery, we load the
            # collection with a second SELECT (same objects, one more query)
            plan.requires_unique = True  # still, as SQLAlchemy
            continue
        if strategy == "contains_eager":
            alias = child.alias if child is not None else None
            target_from = _alias_from(alias) if alias is not None else None
            source_cols = _target_load_columns(target)
            if target_from is None:
                cols = source_cols
            else:
                cols = [target_from.corresponding_column(c) for c in source_cols]
            statement = statement.add_columns(*cols)
        else:
            alias = target.local_table.alias()
            onclause = _join_onclause(prop, parent_alias, alias)
            innerjoin = (
                child.innerjoin if child is not None else None
            ) or prop.innerjoin
            if prop.secondary is not None:
                sec_alias, on1, on2 = onclause
                statement = statement.join(sec_alias, on1, isouter=not innerjoin)
                statement = statement.join(alias, on2, isouter=not innerjoin)
            else:
                statement = statement.join(alias, onclause, isouter=not innerjoin)
            source_cols = _target_load_columns(target)
            cols = [alias.corresponding_column(c) for c in source_cols]
            statement = statement.add_columns(*cols)
            target_from = alias
            if prop.order_by and prop.uselist:
                # the collection's order_by follows the statement's own
                from .relationships import _corresponding

                statement = statement.order_by(
                    *[
                        _adapt_to(o, alias, _corresponding)
                        for o in prop._order_by_clauses()
                    ]
                )
        sub_level = _Level(target, child, level.path + (prop,))
        spec = _Joined(
            prop,
            entity_index if parent_spec is None else parent_spec,
            source_cols,
            width,
            sub_level,
        )
        width += len(cols)
        plan.joined.append(spec)
        level.joined.append(spec)
        statement, width = _plan_joins(
            statement, sub_level, entity_index, spec, target_from, plan, width
        )
    return statement, width


def _limits_rows(statement: Any) -> bool:
    return (
        getattr(statement, "_limit_clause", None) is not None
        or getattr(statement, "_offset_clause", None) is not None
        or getattr(statement, "_fetch_clause", None) is not None
    )


def _adapt_to(expr: Any, alias: Any, corresponding: Any) -> Any:
    """``expr`` (an order_by of the target) with its columns read from ``alias``."""
    from .relationships import _replace

    table = getattr(alias, "element", None)

    def fn(node: Any) -> Any:
        if table is not None and getattr(node, "table", None) is table:
            return corresponding(alias, node)
        return None

    return _replace(expr, fn)


def _alias_from(alias: Any) -> Any:
    """The Core FROM of ``contains_eager(alias=...)`` / ``.of_type(alias)``."""
    from .relationships import _aliased_insp

    insp = _aliased_insp(alias)
    if insp is not None:
        return insp.selectable
    return alias if getattr(alias, "_is_from_clause", False) else None


def _join_onclause(prop: RelationshipProperty, parent_alias: Any, alias: Any) -> Any:
    """ON clause(s) of a joined eager load to ``alias`` (secondary aliased too)."""
    from .relationships import adapt_join

    if prop.secondary is not None:
        sec_alias = prop.secondary.alias()
        on1, on2 = adapt_join(prop, parent_alias, alias, sec_alias)
        return sec_alias, on1, on2
    return adapt_join(prop, parent_alias, alias)[0]


# --------------------------------------------------------------------------
# selectin


def _selectin(
    session: "Session",
    prop: RelationshipProperty,
    objs: list[Any],
    node: Optional[LoadNode],
    populate: bool,
    path: tuple[Any, ...],
    batch: int = _BATCH,
) -> None:
    key = prop.key
    todo = []
    seen: set[int] = set()
    for obj in objs:
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        d = obj.__dict__
        if key in d and not populate:
            continue
        st = d[STATE_KEY]
        if st.key is None:
            continue
        todo.append(st)
    if not todo:
        return
    if prop.direction is MANYTOONE and prop.secondary is None:
        _selectin_m2o(session, prop, todo, node, path, batch)
        return
    _selectin_collection(session, prop, todo, node, path, batch)


def _child_options(
    prop: RelationshipProperty, node: Optional[LoadNode], path: Any
) -> list[Any]:
    sub = LoadNode() if node is None else node
    # the path travels with the plan so default eager strategies deeper down
    # stop at cycles
    opts: list[Any] = [_PlanOption(prop.mapper, sub, path)]
    if node is not None:
        opts.extend(node.col_options)
    return opts


def _execute_child(
    session: "Session",
    stmt: Any,
    prop: RelationshipProperty,
    node: Optional[LoadNode],
    path: Any,
) -> list[Any]:
    stmt = stmt.options(*_child_options(prop, node, path))
    with session.no_autoflush:
        result = session.execute(stmt)
        if getattr(result, "_qs_requires_unique", False):
            result = result.unique()
        return list(result)


def _selectin_m2o(
    session: "Session",
    prop: RelationshipProperty,
    states: list["InstanceState[Any]"],
    node: Optional[LoadNode],
    path: Any,
    batch: int,
) -> None:
    key = prop.key
    target = prop.mapper
    idmap = session.identity_map._dict
    wanted: dict[tuple[Any, ...], list[Any]] = {}
    for st in states:
        d = st.dict
        if not use_get(prop):
            getattr(st(), key)  # not by primary key: a lazy load each
            continue
        values = []
        for col in target.primary_key:
            lc = next(lc for lc, rc in prop.local_remote_pairs if rc is col)
            values.append(column_value(st, st.mapper, lc))
        if any(v is None for v in values):
            d[key] = None
            continue
        ident = tuple(values)
        found = idmap.get((target._identity_class, ident, None))
        if found is not None and found() is not None and not (node and node.children):
            d[key] = found()
            continue
        wanted.setdefault(ident, []).append(st)
    if not wanted:
        return
    select = sql("select")
    pk = list(target.primary_key)
    idents = list(wanted)
    by_ident: dict[tuple[Any, ...], Any] = {}
    for start in range(0, len(idents), batch):
        chunk = idents[start : start + batch]
        crit = _in(pk, chunk)
        stmt = select(prop._target_entity()).where(crit)
        for (obj,) in _execute_child(session, stmt, prop, node, path):
            ident = tuple(column_value(obj.__dict__[STATE_KEY], target, c) for c in pk)
            by_ident[ident] = obj
    for ident, sts in wanted.items():
        obj = by_ident.get(ident)
        for st in sts:
            st.dict[key] = obj


def _in(cols: list[Any], values: list[tuple[Any, ...]]) -> Any:
    if len(cols) == 1:
        return cols[0].in_([v[0] for v in values])
    return sql("tuple_")(*cols).in_(values)


def _selectin_collection(
    session: "Session",
    prop: RelationshipProperty,
    states: list["InstanceState[Any]"],
    node: Optional[LoadNode],
    path: Any,
    batch: int,
) -> None:
    from .collections import resolve_impl

    key = prop.key
    select = sql("select")
    parent_cols = [pc for pc, _ in prop.synchronize_pairs]
    key_cols = [kc for _, kc in prop.synchronize_pairs]
    by_key: dict[tuple[Any, ...], list[Any]] = {}
    for st in states:
        values = tuple(column_value(st, st.mapper, pc) for pc in parent_cols)
        by_key.setdefault(values, []).append(st)
    keys = [k for k in by_key if None not in k]
    found: dict[tuple[Any, ...], list[Any]] = {}
    extra = _extra_criteria(prop)
    order = prop._order_by_clauses()
    for start in range(0, len(keys), batch):
        chunk = keys[start : start + batch]
        stmt = select(*key_cols, prop._target_entity()).where(_in(key_cols, chunk))
        if prop.secondary is not None:
            stmt = stmt.where(prop.secondaryjoin)
        if extra is not None:
            stmt = stmt.where(extra)
        if order:
            stmt = stmt.order_by(*order)
        n = len(key_cols)
        for row in _execute_child(session, stmt, prop, node, path):
            found.setdefault(tuple(row[:n]), []).append(row[n])
    for values, sts in by_key.items():
        items = found.get(values, [])
        for st in sts:
            impl = resolve_impl(st.manager.impls[key])
            if prop.uselist:
                impl.set_committed(st, _dedupe(items))
            else:
                st.dict[key] = items[0] if items else None


def _dedupe(items: list[Any]) -> list[Any]:
    seen: set[int] = set()
    out = []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


def _extra_criteria(prop: RelationshipProperty) -> Any:
    """Non-equality parts of a custom primaryjoin, bound to the target only."""
    cached = prop.__dict__.get("_qs_extra_crit", NO_VALUE)
    if cached is not NO_VALUE:
        return cached
    from ..sql import elements as el
    from ..sql import operators as ops

    extra = []
    pj = prop.primaryjoin
    parts = pj.clauses if isinstance(pj, el.ClauseList) else [pj]
    parent_tables = {id(t) for t in prop._parent_tables()}
    target_tables = {id(t) for t in prop._target_tables()}
    for part in parts:
        inner = part.element if isinstance(part, el.Grouping) else part
        if (
            isinstance(inner, el.BinaryExpression)
            and inner.operator is ops.eq
            and isinstance(inner.left, el.ColumnClause)
            and isinstance(inner.right, el.ColumnClause)
        ):
            continue
        from .relationships import _columns_in

        tables = {id(getattr(c, "table", None)) for c in _columns_in(part)}
        if tables & parent_tables and not (parent_tables & target_tables):
            continue
        extra.append(part)
    result = sql("and_")(*extra) if extra else None
    prop.__dict__["_qs_extra_crit"] = result
    return result


__all__ = ["load_relationship", "prepare_eager", "needs_eager", "EagerPlan"]
