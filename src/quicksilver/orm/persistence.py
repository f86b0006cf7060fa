"""Emit the INSERT / UPDATE / DELETE statements of a flush.

Work is grouped per inheritance hierarchy (base mapper), hierarchies are
ordered by the foreign keys between their tables, and inside a hierarchy
each table is written in dependency order (the parent table of a
joined-inheritance subclass first).  Rows of one table that bind the same
set of columns share one ``executemany``; a row whose primary key the
database generates is inserted on its own so ``inserted_primary_key`` can be
read back.  UPDATE sets only the columns whose value changed and checks the
matched row count (``StaleDataError``).  Statements are built once per
(table, column set) and reused, so the SQL compile cache stays hot.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Iterable, Optional

from .. import exc as sa_exc
from ..util import warn
from . import exc as orm_exc
from ._sql import column_bind, sql
from .base import NO_VALUE
from .loading import load_scalar_attributes
from .mapper import _NO_DEFAULT
from .unitofwork import sort_tables

if TYPE_CHECKING:
    from .mapper import Mapper, _TablePlan
    from .state import InstanceState
    from .unitofwork import UOWTransaction

_PK_PREFIX = "_qs_pk_"
_VERSION_BIND = "_qs_version"
_stmt_cache: "weakref.WeakKeyDictionary[Any, dict[Any, Any]]" = (
    weakref.WeakKeyDictionary()
)


def _cached(table: Any, key: Any, build: Any) -> Any:
    try:
        per_table = _stmt_cache[table]
    except KeyError:
        per_table = _stmt_cache[table] = {}
    except TypeError:  # table not weak-referenceable: no cache
        return build()
    stmt = per_table.get(key)
    if stmt is None:
        stmt = per_table[key] = build()
    return stmt


def _sorted_base_mappers(states: Iterable["InstanceState[Any]"]) -> list["Mapper[Any]"]:
    bases: dict[int, Any] = {}
    for state in states:
        bm = state.manager.mapper.base_mapper
        bases.setdefault(id(bm), bm)
    if len(bases) <= 1:
        return list(bases.values())
    table_owner: dict[int, Any] = {}
    all_tables = []
    for bm in bases.values():
        for m in bm.self_and_descendants:
            for t in m.tables:
                if id(t) not in table_owner:
                    table_owner[id(t)] = bm
                    all_tables.append(t)
    order: list[Any] = []
    for t in sort_tables(all_tables):
        bm = table_owner[id(t)]
        if bm not in order:
            order.append(bm)
    return order


def execute_flush(uow: "UOWTransaction") -> None:
    session = uow.session
    saves = uow.inserts + uow.updates
    save_order = _sorted_base_mappers(saves)
    delete_order = list(reversed(_sorted_base_mappers(uow.deletes)))
    for base in save_order:
        inserts = [s for s in uow.inserts if s.manager.mapper.base_mapper is base]
        updates = [s for s in uow.updates if s.manager.mapper.base_mapper is base]
        conn = session._connection_for_bind(session.get_bind(base))
        _save_obj(uow, base, conn, inserts, updates)
    for base in delete_order:
        deletes = [s for s in uow.deletes if s.manager.mapper.base_mapper is base]
        conn = session._connection_for_bind(session.get_bind(base))
        _delete_obj(uow, base, conn, deletes)


# --------------------------------------------------------------------------
# INSERT / UPDATE


def _hierarchy_tables(base: "Mapper[Any]") -> list[Any]:
    key = len(base._inheriting_mappers), len(base.self_and_descendants)
    cached = base.__dict__.get("_qs_hier_tables")
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    tables = _compute_hierarchy_tables(base)
    base.__dict__["_qs_hier_tables"] = (key, tables)
    return tables


def _compute_hierarchy_tables(base: "Mapper[Any]") -> list[Any]:
    tables: list[Any] = []
    for m in base.self_and_descendants:
        for t in m.tables:
            if t not in tables:
                tables.append(t)
    return sort_tables(tables)


def _save_obj(
    uow: "UOWTransaction",
    base: "Mapper[Any]",
    conn: Any,
    inserts: list["InstanceState[Any]"],
    updates: list["InstanceState[Any]"],
) -> None:
    for state in updates:
        mapper = state.manager.mapper
        if mapper.dispatch.before_update:
            mapper.dispatch.before_update(mapper, conn, state())
    for state in inserts:
        mapper = state.manager.mapper
        if mapper.dispatch.before_insert:
            mapper.dispatch.before_insert(mapper, conn, state())
        obj = state()
        d = obj.__dict__
        poly_key = mapper.class_manager._poly_key
        if poly_key is not None and d.get(poly_key) is None:
            d[poly_key] = mapper.class_manager._poly_identity
        vcol = mapper.version_id_col
        if vcol is not None:
            vkey = mapper._columntoproperty[vcol].key
            if d.get(vkey) is None:
                d[vkey] = mapper.version_id_generator(None)
    update_versions: dict[Any, Any] = {}
    for state in updates:
        mapper = state.manager.mapper
        vcol = mapper.version_id_col
        if vcol is not None and state.modified:
            vkey = mapper._columntoproperty[vcol].key
            d = state.dict
            old = state.committed_state.get(vkey, d.get(vkey))
            if old is NO_VALUE:
                old = None
            update_versions[state] = (vkey, old)
            if vkey not in state.committed_state:
                d[vkey] = mapper.version_id_generator(old)
    for table in _hierarchy_tables(base):
        table_updates = [s for s in updates if table in s.manager.mapper.tables]
        if table_updates:
            _emit_updates(uow, conn, table, table_updates, update_versions)
        table_inserts = [s for s in inserts if table in s.manager.mapper.tables]
        if table_inserts:
            _emit_inserts(uow, conn, table, table_inserts)
    for state in updates:
        mapper = state.manager.mapper
        if mapper.dispatch.after_update:
            mapper.dispatch.after_update(mapper, conn, state())
    for state in inserts:
        mapper = state.manager.mapper
        if mapper.dispatch.after_insert:
            mapper.dispatch.after_insert(mapper, conn, state())


def _plan_for(state: "InstanceState[Any]", table: Any) -> "_TablePlan":
    for plan in state.manager.mapper._table_plans:
        if plan.table is table:
            return plan
    raise AssertionError(f"table {table} not mapped by {state.manager.mapper}")


class _DefaultContext:
    """The ``context`` a context-taking column default receives during flush."""

    __slots__ = ("connection", "current_parameters")

    def __init__(self, connection: Any, params: dict[str, Any]) -> None:
        self.connection = connection
        self.current_parameters = params

    @property
    def engine(self) -> Any:
        return getattr(self.connection, "engine", None)

    @property
    def dialect(self) -> Any:
        return getattr(self.connection, "dialect", None)

    def get_current_parameters(
        self, isolate_multiinsert_groups: bool = True
    ) -> dict[str, Any]:
        return self.current_parameters


def _scalar_default(col: Any) -> Any:
    default = getattr(col, "default", None)
    if default is None:
        return NO_VALUE
    if getattr(default, "is_scalar", False):
        return default.arg
    return NO_VALUE


def _emit_inserts(
    uow: "UOWTransaction", conn: Any, table: Any, states: list["InstanceState[Any]"]
) -> None:
    insert = sql("insert")

    stmt = _cached(table, "insert", lambda: insert(table))
    # rows whose primary key is known: executemany per run of equal key sets
    batch: list[tuple[Any, dict[str, Any]]] = []
    batch_keys: Optional[tuple[str, ...]] = None
    # rows needing a generated key: multi-row INSERT .. RETURNING when possible
    fetch: list[tuple[Any, dict[str, Any]]] = []
    fetch_keys: Optional[tuple[str, ...]] = None
    dialect = getattr(conn, "dialect", None)
    can_return = bool(getattr(dialect, "insert_returning", False))
    plan0 = _plan_for(states[0], table)
    callable_defaults = [
        (c, k)
        for c, k in zip(plan0.cols, plan0.col_keys, strict=False)
        if getattr(getattr(c, "default", None), "is_callable", False)
    ]
    if any(
        getattr(c, "default", None) is not None
        and _scalar_default(c) is NO_VALUE
        and not getattr(c.default, "is_callable", False)
        for c in plan0.cols
    ):
        can_return = False  # SQL-expression / sequence defaults: the engine's

    def run_batch() -> None:
        if not batch:
            return
        if len(batch) == 1:
            _insert_one(
                uow, conn, stmt, table, batch[0][0], batch[0][1], fetch_pk=False
            )
        else:
            conn.execute(stmt, [params for _, params in batch])
            for state, params in batch:
                _after_insert_row(uow, table, state, params, None)
        batch.clear()

    def run_fetch() -> None:
        if not fetch:
            return
        if not can_return or not fetch[0][1]:
            # no RETURNING (or DEFAULT VALUES): one statement per row
            for state, params in fetch:
                _insert_one(uow, conn, stmt, table, state, params, fetch_pk=True)
        else:
            _insert_returning(uow, conn, table, fetch)
        fetch.clear()

    plans: dict[Any, Any] = {}
    for state in states:
        manager = state.manager
        plan = plans.get(manager)
        if plan is None:
            plan = plans[manager] = _plan_for(state, table)
        obj = state()
        d = obj.__dict__ if obj is not None else {}
        params: dict[str, Any] = {}
        pending_callables = []
        for col_key, key, scalar, is_callable in plan.insert_spec:
            value = d.get(key)
            if value is None:
                if scalar is _NO_DEFAULT:
                    if is_callable and callable_defaults:
                        pending_callables.append((table.c[col_key], key))
                    continue
                value = d[key] = scalar
            params[col_key] = value
        if pending_callables:
            # Python callables run here, after the row's own values, with a
            # context offering get_current_parameters() as the engine's does;
            # the row can then join a multi-row INSERT .. RETURNING
            context = _DefaultContext(conn, params)
            for col, key in pending_callables:
                value = col.default.arg(context)
                d[key] = value
                params[col.key] = value
        keys = tuple(params)
        if None in map(d.get, plan.pk_keys) or (
            can_return
            and plan.server_default_keys
            and any(
                d.get(k) is None
                for k in plan.server_default_keys
                if k not in plan.pk_keys
            )
        ):
            if batch:
                run_batch()
            batch_keys = None
            if keys != fetch_keys:
                run_fetch()
                fetch_keys = keys
            fetch.append((state, params))
            continue
        run_fetch()
        fetch_keys = None
        if keys != batch_keys:
            run_batch()
            batch_keys = keys
        batch.append((state, params))
    run_batch()
    run_fetch()


_MAX_BINDS = 30000


def _insert_returning(
    uow: "UOWTransaction",
    conn: Any,
    table: Any,
    rows: list[tuple[Any, dict[str, Any]]],
) -> None:
    """Multi-row ``INSERT .. VALUES (..), (..) RETURNING pk`` in chunks.

    The database returns the rows of a VALUES list in order on SQLite and
    PostgreSQL; the provided columns come back too and are compared, so a
    reordering would be noticed and resolved by matching values (rows with
    equal values are interchangeable, so any match among them is right).
    """
    plan = _plan_for(rows[0][0], table)
    pk_cols = list(table.primary_key)
    keys = tuple(rows[0][1])
    value_cols = [table.c[k] for k in keys]
    expanded = _expanded_insert(conn, table, keys, pk_cols, value_cols, plan)
    if expanded is not None and _insert_expanded(
        uow, conn, table, rows, plan, pk_cols, value_cols, expanded
    ):
        return
    ncols = max(1, len(value_cols))
    limit = max(1, min(1024, _MAX_BINDS // ncols))
    chunk = 1 << (limit.bit_length() - 1)  # a power of two
    start = 0
    while start < len(rows):
        # remainders go out in power-of-two pieces: few statement shapes,
        # each built and compiled once, reused with fresh values
        size = chunk
        while size > len(rows) - start:
            size >>= 1
        part = rows[start : start + size]
        start += size
        stmt, names, sd_cols = _cached(
            table,
            ("insert-returning", keys, size),
            lambda size=size: _multi_insert(
                table, keys, size, pk_cols, value_cols, plan
            ),
        )
        params: dict[str, Any] = {}
        for row_names, (_, row_params) in zip(names, part, strict=False):
            for name, col_key in zip(row_names, keys, strict=False):
                params[name] = row_params[col_key]
        returned = conn.execute(stmt, params).all()
        _take_returned(uow, table, plan, part, returned, pk_cols, value_cols, sd_cols)


def _take_returned(
    uow: "UOWTransaction",
    table: Any,
    plan: "_TablePlan",
    part: list[tuple[Any, dict[str, Any]]],
    returned: list[Any],
    pk_cols: list[Any],
    value_cols: list[Any],
    sd_cols: list[Any],
) -> None:
    """Give each object of ``part`` its generated key and server defaults
    from the RETURNING rows of its multi-row INSERT."""
    if len(returned) != len(part):
        raise orm_exc.FlushError(
            "INSERT .. RETURNING into %s returned %d rows for %d objects"
            % (table, len(returned), len(part))
        )
    order = _match_returned(part, returned, len(pk_cols), value_cols)
    sd_start = len(pk_cols) + len(value_cols)
    pk_targets = [(plan.key_for_col.get(col), col.key) for col in pk_cols]
    sd_targets = [(plan.key_for_col.get(col), col.key) for col in sd_cols]
    for (state, row_params), row in zip(part, order, strict=False):
        obj = state()
        d = obj.__dict__ if obj is not None else {}
        for (key, col_key), value in zip(pk_targets, row, strict=False):
            if key is not None and d.get(key) is None:
                d[key] = value
                row_params[col_key] = value
        # server defaults came back with the row (SQLAlchemy's
        # eager_defaults="auto" when RETURNING is in use)
        for i, (key, col_key) in enumerate(sd_targets):
            if key is not None and d.get(key) is None:
                d[key] = row[sd_start + i]
                row_params[col_key] = d[key]
        _after_insert_row(uow, table, state, row_params, None)


class _Expanded:
    """A one-row ``INSERT .. VALUES (..) RETURNING ..`` split around its VALUES
    tuple, to repeat that tuple for many rows (SQLAlchemy's "insertmanyvalues").

    Compiling one row and repeating its text is far cheaper than compiling a
    statement with thousands of binds; the values go to the driver as one flat
    tuple, run through the one-row statement's bind processors.
    """

    __slots__ = ("compiled", "prefix", "values", "suffix", "binds", "texts", "sd_cols")

    def __init__(
        self,
        compiled: Any,
        prefix: str,
        values: str,
        suffix: str,
        binds: tuple[Any, ...],
        sd_cols: list[Any],
    ) -> None:
        self.compiled = compiled
        self.prefix = prefix
        self.values = values
        self.suffix = suffix
        self.binds = binds
        self.texts: dict[int, str] = {}
        self.sd_cols = sd_cols

    def text(self, n: int) -> str:
        found = self.texts.get(n)
        if found is None:
            found = self.texts[n] = (
                self.prefix + ", ".join([self.values] * n) + self.suffix
            )
        return found


_NOT_EXPANDABLE: Any = object()


def _expanded_insert(
    conn: Any,
    table: Any,
    keys: tuple[str, ...],
    pk_cols: list[Any],
    value_cols: list[Any],
    plan: "_TablePlan",
) -> Optional[_Expanded]:
    """The :class:`_Expanded` form of this INSERT for ``conn``'s dialect, or
    None when its paramstyle cannot simply repeat a VALUES tuple (named or
    numbered placeholders) -- the multi-row statement is compiled instead."""
    dialect = getattr(conn, "dialect", None)
    if dialect is None or getattr(dialect, "paramstyle", None) not in (
        "qmark",
        "format",
    ):
        return None
    if getattr(conn, "_execute_expanded", None) is None:
        return None
    cache = dialect.__dict__.get("_qs_expanded_inserts")
    if cache is None:
        cache = dialect._qs_expanded_inserts = {}
    ckey = (table, keys)
    found = cache.get(ckey)
    if found is None:
        found = cache[ckey] = (
            _build_expanded(dialect, table, keys, pk_cols, value_cols, plan)
            or _NOT_EXPANDABLE
        )
    return None if found is _NOT_EXPANDABLE else found  # type: ignore[no-any-return]


def _build_expanded(
    dialect: Any,
    table: Any,
    keys: tuple[str, ...],
    pk_cols: list[Any],
    value_cols: list[Any],
    plan: "_TablePlan",
) -> Optional[_Expanded]:
    sd_cols = [
        c
        for c in plan.cols
        if getattr(c, "server_default", None) is not None
        and c.key not in keys
        and c not in pk_cols
    ]
    stmt = sql("insert")(table).returning(*pk_cols, *value_cols, *sd_cols)
    compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
    if compiled.prefetch or getattr(compiled, "has_expanding", False):
        return None
    text = compiled.string
    marker = " VALUES ("
    at = text.find(marker)
    if at < 0 or text.find(marker, at + 1) >= 0:
        return None
    start = at + len(marker) - 1
    depth = 0
    end = -1
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                end = i
                break
    positions = compiled.positiontup or ()
    if end < 0 or set(positions) != set(keys) or len(positions) != len(keys):
        return None
    processors = compiled.bind_processors or {}
    binds = tuple((name, processors.get(name)) for name in positions)
    return _Expanded(
        compiled, text[:start], text[start : end + 1], text[end + 1 :], binds, sd_cols
    )


def _insert_expanded(
    uow: "UOWTransaction",
    conn: Any,
    table: Any,
    rows: list[tuple[Any, dict[str, Any]]],
    plan: "_TablePlan",
    pk_cols: list[Any],
    value_cols: list[Any],
    expanded: _Expanded,
) -> bool:
    """Insert ``rows`` with repeated-VALUES statements; False (nothing sent)
    if a value fails its bind check, so the general path reports it."""
    binds = expanded.binds
    per_row = max(1, len(binds))
    limit = max(1, min(1000, _MAX_BINDS // per_row))
    chunks = []
    try:
        for start in range(0, len(rows), limit):
            part = rows[start : start + limit]
            flat: list[Any] = []
            append = flat.append
            for _, params in part:
                for name, proc in binds:
                    value = params[name]
                    if proc is not None and value is not None:
                        value = proc(value)
                    append(value)
            chunks.append((part, tuple(flat)))
    except Exception:
        return False
    total = len(chunks)
    for number, (part, flat_values) in enumerate(chunks, 1):
        returned = conn._execute_expanded(
            expanded.compiled,
            expanded.text(len(part)),
            flat_values,
            f"insertmanyvalues {number}/{total}",
        ).all()
        _take_returned(
            uow, table, plan, part, returned, pk_cols, value_cols, expanded.sd_cols
        )
    return True


def _multi_insert(
    table: Any,
    keys: tuple[str, ...],
    size: int,
    pk_cols: list[Any],
    value_cols: list[Any],
    plan: "_TablePlan",
) -> tuple[Any, list[list[str]], list[Any]]:
    """``INSERT .. VALUES`` with ``size`` rows of named binds, ``RETURNING``
    the primary key, the values sent and the server-generated defaults."""
    names = [[f"_qs_r{i}_{j}" for j in range(len(keys))] for i in range(size)]
    rows = [
        {
            key: column_bind(name, col)
            for key, name, col in zip(keys, row_names, value_cols, strict=False)
        }
        for row_names in names
    ]
    sd_cols = [
        c
        for c in plan.cols
        if getattr(c, "server_default", None) is not None
        and c.key not in keys
        and c not in pk_cols
    ]
    stmt = sql("insert")(table).values(rows).returning(*pk_cols, *value_cols, *sd_cols)
    return stmt, names, sd_cols


def _match_returned(
    part: list[tuple[Any, dict[str, Any]]],
    returned: list[Any],
    npk: int,
    value_cols: list[Any],
) -> list[Any]:
    keys = [c.key for c in value_cols]
    end = npk + len(keys)

    def values_of(params: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(map(params.__getitem__, keys))

    for (_, params), row in zip(part, returned, strict=False):
        if tuple(row[npk:end]) != tuple(map(params.__getitem__, keys)):
            break
    else:
        return returned
    pool: dict[tuple[Any, ...], list[Any]] = {}
    for row in returned:
        try:
            pool.setdefault(tuple(row[npk:end]), []).append(row)
        except TypeError:  # unhashable values: trust the order
            return returned
    out = []
    for _, params in part:
        bucket = pool.get(values_of(params))
        if not bucket:
            return returned  # values changed in the round trip: trust the order
        out.append(bucket.pop(0))
    return out


def _insert_one(
    uow: "UOWTransaction",
    conn: Any,
    stmt: Any,
    table: Any,
    state: "InstanceState[Any]",
    params: dict[str, Any],
    fetch_pk: bool,
) -> None:
    result = conn.execute(stmt, params)
    if fetch_pk:
        plan = _plan_for(state, table)
        d = state.dict
        inserted = getattr(result, "inserted_primary_key", None)
        if inserted is not None:
            for col, value in zip(table.primary_key, inserted, strict=False):
                key = plan.key_for_col.get(col)
                if key is not None and d.get(key) is None and value is not None:
                    d[key] = value
                    params[col.key] = value
    _after_insert_row(uow, table, state, params, result)


def _after_insert_row(
    uow: "UOWTransaction",
    table: Any,
    state: "InstanceState[Any]",
    params: dict[str, Any],
    result: Any,
) -> None:
    """Columns the database or the engine filled in: take or expire them."""
    plan = _plan_for(state, table)
    obj = state()
    d = obj.__dict__ if obj is not None else {}
    sent = params
    filled: Optional[dict[str, Any]] = None
    if result is not None:
        getter = getattr(result, "last_inserted_params", None)
        if getter is not None:
            try:
                filled = getter()
            except Exception:
                filled = None
            if isinstance(filled, list):
                filled = filled[0] if filled else None
    to_expire = []
    for col_key, key, has_default in plan.insert_fill:
        if col_key in sent or d.get(key) is not None:
            continue
        if filled and filled.get(col_key) is not None:
            d[key] = filled[col_key]
        elif has_default:
            to_expire.append(key)
    if to_expire:
        uow.post_expire.append((state, to_expire))


def _emit_updates(
    uow: "UOWTransaction",
    conn: Any,
    table: Any,
    states: list["InstanceState[Any]"],
    update_versions: dict[Any, Any],
) -> None:
    and_, bindparam, update = sql("and_"), sql("bindparam"), sql("update")

    groups: dict[tuple[Any, ...], list[tuple[Any, dict[str, Any]]]] = {}
    # per mapper, once: the table plan, the version column if this table
    # carries it, and (WHERE bind name, position in the identity) per key
    plans: dict[Any, Any] = {}
    for state in states:
        manager = state.manager
        per_mapper = plans.get(manager)
        if per_mapper is None:
            plan = _plan_for(state, table)
            mapper = manager.mapper
            vcol = mapper.version_id_col
            pk_binds = tuple(
                (_PK_PREFIX + col.key, mapper._pk_keys.index(key), key)
                for col, key in zip(plan.pk_cols, plan.pk_keys, strict=False)
            )
            per_mapper = plans[manager] = (
                plan,
                plan.cols_for_key,
                vcol if vcol is not None and vcol.table is table else None,
                pk_binds,
            )
        plan, cols_for_key, vcol, pk_binds = per_mapper
        if state.expired_attributes and not state.expired_attributes.isdisjoint(
            manager.mapper._pk_keys
        ):
            # changed after a full expire (a commit): as SQLAlchemy, load the
            # row first, so a row deleted meanwhile is an ObjectDeletedError
            # rather than an UPDATE that matches nothing
            load_scalar_attributes(manager.mapper, state, None)
        obj = state()
        d = obj.__dict__ if obj is not None else {}
        params: dict[str, Any] = {}
        for key, orig in state.committed_state.items():
            cols = cols_for_key.get(key)
            if cols is None:
                continue
            cur = d.get(key, NO_VALUE)
            if cur is NO_VALUE:
                if orig is NO_VALUE or orig is None:
                    continue
                cur = None
            elif orig is not NO_VALUE:
                if orig is cur:
                    continue
                try:  # _same(), inlined: one call less per changed attribute
                    if orig == cur:
                        continue
                except Exception:
                    pass
            for col in cols:
                params[col.key] = cur
        if not params:
            continue
        if plan.has_onupdate:
            _apply_onupdate(conn, plan, d, params)
        version = (
            update_versions.get(state) if update_versions and vcol is not None else None
        )
        if version is not None and vcol is not None and vcol.key not in params:
            params[vcol.key] = d[version[0]]
        identity = state.key
        if identity is not None:
            ident = identity[1]
            for bind_name, index, _key in pk_binds:
                params[bind_name] = ident[index]
        else:
            for bind_name, _index, key in pk_binds:
                params[bind_name] = _pk_where_value(state, key)
        if version is not None:
            params[_VERSION_BIND] = version[1]
            keys = tuple(sorted(params)) + ("version",)
        else:
            keys = tuple(sorted(params))
        group = groups.get(keys)
        if group is None:
            groups[keys] = [(state, params)]
        else:
            group.append((state, params))

    for keys, rows in groups.items():
        has_version = keys[-1] == "version"
        first_state = rows[0][0]
        plan = _plan_for(first_state, table)
        vcol = first_state.manager.mapper.version_id_col

        def build(
            plan: Any = plan, has_version: bool = has_version, vcol: Any = vcol
        ) -> Any:
            crit = [c == bindparam(_PK_PREFIX + c.key) for c in plan.pk_cols]
            if has_version:
                crit.append(vcol == bindparam(_VERSION_BIND))
            return update(table).where(and_(*crit))

        stmt = _cached(table, ("update", has_version), build)
        params_list = [p for _, p in rows]
        _execute_checked(
            conn,
            stmt,
            params_list,
            table,
            "UPDATE",
            "update",
            has_version,
            rows,
        )
        if plan.expire_after_update:
            for state, params in rows:
                _after_update_row(uow, table, state, params)


def _apply_onupdate(
    conn: Any, plan: "_TablePlan", d: dict[str, Any], params: dict[str, Any]
) -> None:
    """Python-side ``onupdate`` values, computed here so the object has them."""
    context = None
    for col, key in zip(plan.cols, plan.col_keys, strict=False):
        onupdate = getattr(col, "onupdate", None)
        if onupdate is None or col.key in params:
            continue
        if getattr(onupdate, "is_scalar", False):
            value = onupdate.arg
        elif getattr(onupdate, "is_callable", False):
            if context is None:
                context = _DefaultContext(conn, params)
            value = onupdate.arg(context)
        else:
            continue  # a SQL expression: the engine renders it, we expire it
        params[col.key] = value
        d[key] = value


def _after_update_row(
    uow: "UOWTransaction",
    table: Any,
    state: "InstanceState[Any]",
    params: dict[str, Any],
) -> None:
    plan = _plan_for(state, table)
    if not plan.expire_after_update:
        return
    to_expire = [key for col, key in plan.expire_after_update if col.key not in params]
    if to_expire:
        uow.post_expire.append((state, to_expire))


def _pk_where_value(state: "InstanceState[Any]", key: str) -> Any:
    """The primary key value identifying the row now (before this flush)."""
    identity = state.key
    pk_keys = state.manager.mapper._pk_keys
    if identity is not None and key in pk_keys:
        return identity[1][pk_keys.index(key)]
    value = state.committed_state.get(key, NO_VALUE)
    if value is NO_VALUE or value is None:
        value = state.dict.get(key)
    return value


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


def _execute_checked(
    conn: Any,
    stmt: Any,
    params_list: list[dict[str, Any]],
    table: Any,
    verb: str,
    verb_lower: str,
    has_version: bool,
    rows: list[Any],
) -> None:
    dialect = getattr(conn, "dialect", None)
    expected = len(params_list)
    if expected == 1:
        result = conn.execute(stmt, params_list[0])
        check = getattr(dialect, "supports_sane_rowcount", True)
        matched = getattr(result, "rowcount", -1)
    elif has_version and not getattr(dialect, "supports_sane_multi_rowcount", True):
        # The driver cannot count an executemany (asyncpg): one statement per
        # row, as SQLAlchemy does, so that a stale version is still caught on
        # UPDATE (SQLAlchemy checks no DELETE count in this case).
        matched = 0
        for params in params_list:
            matched += conn.execute(stmt, params).rowcount
        check = verb == "UPDATE"
    else:
        result = conn.execute(stmt, params_list)
        check = getattr(dialect, "supports_sane_multi_rowcount", True)
        matched = getattr(result, "rowcount", -1)
    if not check:
        return
    if matched is None or matched < 0 or matched == expected:
        return
    name = getattr(table, "description", None) or getattr(table, "name", table)
    if verb == "UPDATE":
        raise orm_exc.StaleDataError(
            "%s statement on table '%s' expected to %s %d row(s); %d were matched."
            % (verb, name, verb_lower, expected, matched)
        )
    message = (
        "DELETE statement on table '%s' expected to delete %d row(s); %d were "
        "matched.  Please set confirm_deleted_rows=False within the mapper "
        "configuration to prevent this warning." % (name, expected, matched)
    )
    if has_version:
        # SQLAlchemy raises with the warning's wording
        raise orm_exc.StaleDataError(message)
    if rows and rows[0][0].manager.mapper.confirm_deleted_rows:
        warn(message)


# --------------------------------------------------------------------------
# DELETE


def _delete_obj(
    uow: "UOWTransaction",
    base: "Mapper[Any]",
    conn: Any,
    states: list["InstanceState[Any]"],
) -> None:
    and_, bindparam, delete = sql("and_"), sql("bindparam"), sql("delete")

    for state in states:
        mapper = state.manager.mapper
        if mapper.dispatch.before_delete:
            mapper.dispatch.before_delete(mapper, conn, state())
    for table in reversed(_hierarchy_tables(base)):
        groups: dict[bool, list[tuple[Any, dict[str, Any]]]] = {}
        for state in states:
            mapper = state.manager.mapper
            if table not in mapper.tables:
                continue
            plan = _plan_for(state, table)
            d = state.dict
            cs = state.committed_state
            params: dict[str, Any] = {}
            for col, key in zip(plan.pk_cols, plan.pk_keys, strict=False):
                value = _pk_where_value(state, key)
                if value is None:
                    raise orm_exc.FlushError(
                        f"Can't delete from table {table} using NULL for primary key "
                        f"value on column {col}"
                    )
                params[_PK_PREFIX + col.key] = value
            vcol = mapper.version_id_col
            has_version = vcol is not None and vcol.table is table
            if has_version:
                vkey = mapper._columntoproperty[vcol].key
                value = cs.get(vkey, NO_VALUE)
                if value is NO_VALUE:
                    value = d.get(vkey)
                params[_VERSION_BIND] = value
            groups.setdefault(has_version, []).append((state, params))
        for has_version, rows in groups.items():
            plan = _plan_for(rows[0][0], table)
            vcol = rows[0][0].manager.mapper.version_id_col

            def build(
                plan: Any = plan,
                has_version: bool = has_version,
                vcol: Any = vcol,
                table: Any = table,
            ) -> Any:
                crit = [c == bindparam(_PK_PREFIX + c.key) for c in plan.pk_cols]
                if has_version:
                    crit.append(vcol == bindparam(_VERSION_BIND))
                return delete(table).where(and_(*crit))

            stmt = _cached(table, ("delete", has_version), build)
            _execute_checked(
                conn,
                stmt,
                [p for _, p in rows],
                table,
                "DELETE",
                "delete",
                has_version,
                rows,
            )
    for state in states:
        mapper = state.manager.mapper
        if mapper.dispatch.after_delete:
            mapper.dispatch.after_delete(mapper, conn, state())


__all__ = ["execute_flush", "sa_exc"]
