"""ORM-enabled INSERT / UPDATE / DELETE statements and their session sync.

``session.execute(update(User).where(...).values(...))`` runs the statement
and then brings the objects already in the identity map in line with it,
as chosen by the ``synchronize_session`` execution option (as SQLAlchemy):

* ``'evaluate'``: evaluate the WHERE criteria in Python against each object
  of the mapped class in the identity map; raises if the criteria cannot be
  evaluated;
* ``'fetch'``: SELECT the primary keys of the matched rows first;
* ``'auto'`` (default): ``'evaluate'``, falling back to ``'fetch'``;
* ``False``: leave the objects alone.

Matched objects get the new literal values set as their committed values
(SQL-expression values are expired instead); deleted rows' objects leave the
identity map and are marked deleted.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, Optional

from .. import exc as sa_exc
from ..sql import operators as ops
from ._sql import sql
from .base import NO_VALUE

if TYPE_CHECKING:
    from .mapper import Mapper
    from .query import Query
    from .session import Session

_VALID = ("auto", "evaluate", "fetch", False, None)


class UnevaluatableError(sa_exc.InvalidRequestError):
    """The criteria of a bulk statement cannot be evaluated in Python."""


def _check_strategy(strategy: Any) -> Any:
    if strategy not in _VALID:
        raise sa_exc.ArgumentError(
            "Valid strategies for session synchronization are 'auto', 'evaluate', "
            "'fetch', False"
        )
    return False if strategy is None else strategy


def execute_dml(
    session: "Session",
    statement: Any,
    mapper: "Mapper[Any]",
    params: Any,
    execution_options: dict[str, Any],
    bind_arguments: dict[str, Any],
) -> Any:
    # the option may be given to execute() or set on the statement itself
    # (``update(User).execution_options(synchronize_session=False)``)
    opts = dict(getattr(statement, "_execution_options", None) or {})
    opts.update(execution_options)
    strategy = _check_strategy(opts.pop("synchronize_session", "auto"))
    statement = _against_real_table(statement)
    session._autoflush()
    conn = session._connection_for_bind(
        bind_arguments.get("bind") or session.get_bind(mapper, clause=statement)
    )
    is_update = bool(getattr(statement, "is_update", False))
    is_delete = bool(getattr(statement, "is_delete", False))
    if isinstance(params, list) and params and (is_update or is_delete):
        if is_delete:
            raise sa_exc.InvalidRequestError(
                "Bulk ORM DELETE not supported right now. Statement may be invoked "
                "at the Core level using session.connection().execute(stmt, "
                "parameters)"
            )
        return _update_by_primary_key(
            session, conn, statement, mapper, params, strategy, opts
        )
    if not (is_update or is_delete) or params is not None and isinstance(params, list):
        result = conn.execute(statement, params, execution_options=opts or None)
        if statement._returning:
            return _orm_returning(session, statement, result, False)
        return result
    where = getattr(statement, "whereclause", None)
    matched: Optional[list[Any]] = None
    unknown: list[Any] = []
    if strategy in ("auto", "evaluate"):
        try:
            matcher = _evaluator(mapper, where)
        except UnevaluatableError as err:
            if strategy == "evaluate":
                # SQLAlchemy raises the plain class here, which callers catch
                raise sa_exc.InvalidRequestError(str(err)) from err
            strategy = "fetch"
        else:
            candidates = [
                s
                for s in session.identity_map.all_states()
                if s() is not None and s.mapper.isa(mapper)
            ]
            matched = [
                s
                for s in candidates
                if not s.expired_attributes and _safe_match(matcher, s)
            ]
            # partly expired objects cannot be evaluated: their updated
            # attributes are expired so the next access reads the new values
            unknown = [s for s in candidates if s.expired_attributes]
    if strategy == "fetch":
        select = sql("select")
        pk_stmt = select(*mapper.primary_key)
        if where is not None:
            pk_stmt = pk_stmt.where(where)
        keys = {
            mapper.identity_key_from_primary_key(tuple(row))
            for row in conn.execute(pk_stmt, params)
        }
        matched = [
            s
            for s in session.identity_map.all_states()
            if s.key in keys and s() is not None
        ]
    result = conn.execute(statement, params, execution_options=opts or None)
    if is_update and strategy != "fetch" and strategy is not False:
        _expire_updated(mapper, statement, unknown)
    if matched:
        if is_update:
            _apply_update(mapper, statement, matched)
        else:
            _apply_delete(session, matched)
    if is_update and session.dispatch.after_bulk_update:
        session.dispatch.after_bulk_update(_BulkContext(session, statement, result))
    if is_delete and session.dispatch.after_bulk_delete:
        session.dispatch.after_bulk_delete(_BulkContext(session, statement, result))
    if statement._returning:
        return _orm_returning(session, statement, result, is_update)
    return result


def _orm_returning(
    session: "Session", statement: Any, result: Any, refresh: bool
) -> Any:
    """``returning(User)``: rows carry ``User`` objects, from the identity map
    when already there (refreshed with the UPDATE's values), as SQLAlchemy."""
    from .context import analyze_returning
    from .loading import orm_result

    entities = analyze_returning(statement)
    if entities is None:
        return result
    return orm_result(session, result, entities, refresh)


_PK_BIND = "_qs_bulk_pk_"


def _update_by_primary_key(
    session: "Session",
    conn: Any,
    statement: Any,
    mapper: "Mapper[Any]",
    rows: list[dict[str, Any]],
    strategy: Any,
    opts: dict[str, Any],
) -> Any:
    """ORM bulk UPDATE by primary key: ``session.execute(update(User), [...])``.

    Each dict names attributes; its primary key attributes pick the row (they
    go to the WHERE clause, never to SET).  Rows with the same keys share one
    executemany.  Objects of the identity map take the new values (unless
    ``synchronize_session`` is False/None), as in SQLAlchemy.
    """
    if statement.whereclause is not None and strategy is not False:
        raise sa_exc.InvalidRequestError(
            "bulk synchronize of persistent objects not supported when using bulk "
            "update with additional WHERE criteria right now.  add "
            "synchronize_session=None execution option to bypass synchronize of "
            "persistent objects."
        )
    and_, bindparam = sql("and_"), sql("bindparam")
    table = statement.table
    plan = next(p for p in mapper._table_plans if p.table is table)
    pk_keys = plan.pk_keys
    pk_set = set(pk_keys)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        missing = [
            c for c, k in zip(plan.pk_cols, pk_keys, strict=False) if k not in row
        ]
        if missing:
            raise sa_exc.InvalidRequestError(
                "No primary key value supplied for column(s) %s; per-row ORM Bulk "
                "UPDATE by Primary Key requires that records contain primary key "
                "values" % ", ".join(f"{c.table.name}.{c.key}" for c in missing),
                code="bupq",
            )
        params: dict[str, Any] = {}
        for key, value in row.items():
            if key in pk_set:
                continue
            cols = plan.cols_for_key.get(key)
            if cols is None:
                raise sa_exc.InvalidRequestError(
                    f"Attribute name not found, can't be synchronized back to "
                    f"objects: '{key}'"
                )
            for col in cols:
                params[col.key] = value
        for col, key in zip(plan.pk_cols, pk_keys, strict=False):
            params[_PK_BIND + col.key] = row[key]
        groups.setdefault(tuple(sorted(params)), []).append(params)
    crit = and_(*[c == bindparam(_PK_BIND + c.key) for c in plan.pk_cols])
    stmt = statement.where(crit)
    for batch in groups.values():
        conn.execute(stmt, batch, execution_options=opts or None)
    if strategy is not False:
        for row in rows:
            ident = mapper.identity_key_from_primary_key(
                tuple(row[k] for k in pk_keys)
            )
            state = session.identity_map.fast_get_state(ident)
            obj = state() if state is not None else None
            if obj is None:
                continue
            d = obj.__dict__
            for key, value in row.items():
                if key not in pk_set:
                    d[key] = value
                    state.committed_state.pop(key, None)
    from ..engine.result import IteratorResult, SimpleResultMetaData

    return IteratorResult(SimpleResultMetaData([]), iter(()))


def _against_real_table(statement: Any) -> Any:
    """The statement aimed at the mapper's real table, not the entity stand-in.

    Core compares DML targets with WHERE-clause tables by identity; the
    stand-in that lets ``update(User)`` find its mapper must not look like a
    second table (``UPDATE ... FROM``) to the compiler.
    """
    table = getattr(statement, "table", None)
    original = getattr(table, "__dict__", {}).get("_qs_original")
    if original is None:
        return statement
    new = statement._generate()
    new.table = original
    return new


class _BulkContext:
    def __init__(self, session: "Session", statement: Any, result: Any) -> None:
        self.session = session
        self.statement = statement
        self.result = result


def _safe_match(matcher: Callable[[Any], Any], state: Any) -> bool:
    try:
        return bool(matcher(state()))
    except UnevaluatableError:
        return False


def _apply_update(mapper: "Mapper[Any]", statement: Any, states: list[Any]) -> None:
    values = getattr(statement, "_values", None) or {}
    literal: dict[str, Any] = {}
    computed: dict[str, Callable[[Any], Any]] = {}
    expire: list[str] = []
    for key, value in values.items():
        col = (
            mapper.local_table.c.get(key)
            if hasattr(mapper.local_table.c, "get")
            else None
        )
        prop = mapper._columntoproperty.get(col) if col is not None else None
        if prop is None:
            continue
        if getattr(value, "_is_crud", False) or type(value).__name__ == "BindParameter":
            literal[prop.key] = value.value
            continue
        # a SQL expression of the row's own columns (``User.age + 1``) is
        # evaluated on each object, as SQLAlchemy does; anything else expires
        try:
            computed[prop.key] = _operand(mapper, value)
        except UnevaluatableError:
            expire.append(prop.key)
    for state in states:
        obj = state()
        if obj is None:
            continue
        d = obj.__dict__
        news = dict(literal)
        to_expire = list(expire)
        for k, fn in computed.items():
            try:
                news[k] = fn(obj)
            except (UnevaluatableError, TypeError, ArithmeticError):
                to_expire.append(k)
        for k, v in news.items():
            if k in state.committed_state:
                continue  # an unflushed change of the user's wins
            d[k] = v
        if to_expire:
            state._expire_attributes(d, to_expire)


def _expire_updated(mapper: "Mapper[Any]", statement: Any, states: list[Any]) -> None:
    values = getattr(statement, "_values", None) or {}
    keys = []
    for key in values:
        col = mapper.local_table.c.get(key)
        prop = mapper._columntoproperty.get(col) if col is not None else None
        if prop is not None:
            keys.append(prop.key)
    for state in states:
        obj = state()
        if obj is not None and keys:
            state._expire_attributes(obj.__dict__, keys)


def _apply_delete(session: "Session", states: list[Any]) -> None:
    for state in states:
        session.identity_map.discard(state)
        session._deleted.pop(state, None)
        state._deleted = True
        trans = session._transaction
        if trans is not None:
            trans._note_deleted(state)


# --------------------------------------------------------------------------
# a small evaluator of WHERE criteria against objects

_BINARY: dict[Any, Callable[[Any, Any], Any]] = {
    ops.eq: operator.eq,
    ops.ne: operator.ne,
    ops.lt: operator.lt,
    ops.le: operator.le,
    ops.gt: operator.gt,
    ops.ge: operator.ge,
}


_ARITHMETIC: dict[Any, Callable[[Any, Any], Any]] = {
    ops.add: operator.add,
    ops.sub: operator.sub,
    ops.mul: operator.mul,
    ops.truediv: operator.truediv,
    ops.mod: operator.mod,
    ops.concat_op: operator.add,
}


def _evaluator(mapper: "Mapper[Any]", clause: Any) -> Callable[[Any], Any]:
    if clause is None:
        return lambda obj: True
    return _compile(mapper, clause)


def _compile(mapper: "Mapper[Any]", clause: Any) -> Callable[[Any], Any]:
    name = type(clause).__name__
    if name == "BooleanClauseList" or name == "ClauseList":
        subs = [_compile(mapper, c) for c in getattr(clause, "clauses", ())]
        op = getattr(clause, "operator", None)
        if op is ops.or_:
            return lambda obj: any(s(obj) for s in subs)
        return lambda obj: all(s(obj) for s in subs)
    if name == "Grouping":
        return _compile(mapper, clause.element)
    if name in ("BinaryExpression",):
        op = clause.operator
        fn = _BINARY.get(op)
        left = _operand(mapper, clause.left)
        right = _operand(mapper, clause.right)
        if fn is not None:

            def binary(obj: Any) -> Any:
                a, b = left(obj), right(obj)
                if a is None or b is None:
                    return None
                return fn(a, b)

            return binary
        if op in (getattr(ops, "is_", None), getattr(ops, "is_not", None)):
            negate = op is getattr(ops, "is_not", None)
            return lambda obj: (left(obj) is right(obj)) != negate
        if op is getattr(ops, "in_op", None):
            return lambda obj: left(obj) in right(obj)
        if op is getattr(ops, "not_in_op", None):
            return lambda obj: left(obj) not in right(obj)
    if name in ("True_",):
        return lambda obj: True
    if name in ("False_",):
        return lambda obj: False
    raise UnevaluatableError(
        f"Could not evaluate current criteria in Python: {clause!r}. Specify "
        "'fetch' or False for the synchronize_session execution option."
    )


def _operand(mapper: "Mapper[Any]", elem: Any) -> Callable[[Any], Any]:
    name = type(elem).__name__
    if name == "Grouping":
        return _operand(mapper, elem.element)
    prop = mapper._columntoproperty.get(elem) if hasattr(elem, "table") else None
    if prop is not None:
        key = prop.key

        def attr(obj: Any) -> Any:
            value = obj.__dict__.get(key, NO_VALUE)
            if value is NO_VALUE:
                raise UnevaluatableError(f"attribute {key} not loaded")
            return value

        return attr
    if name == "BindParameter":
        value = elem.effective_value if hasattr(elem, "effective_value") else elem.value
        if callable(value):
            value = value()
        return lambda obj: value
    if name in ("ClauseList", "Tuple") and hasattr(elem, "clauses"):
        subs = [_operand(mapper, c) for c in elem.clauses]
        return lambda obj: tuple(s(obj) for s in subs)
    if name == "Null":
        return lambda obj: None
    if name == "BinaryExpression" and elem.operator in _ARITHMETIC:
        fn = _ARITHMETIC[elem.operator]
        left, right = _operand(mapper, elem.left), _operand(mapper, elem.right)

        def arithmetic(obj: Any) -> Any:
            a, b = left(obj), right(obj)
            if a is None or b is None:
                return None  # NULL arithmetic stays NULL, as in SQL
            return fn(a, b)

        return arithmetic
    if name == "UnaryExpression" and getattr(elem, "operator", None) is ops.neg:
        inner = _operand(mapper, elem.element)
        return lambda obj: None if inner(obj) is None else -inner(obj)
    raise UnevaluatableError(
        f"Could not evaluate current criteria in Python: {elem!r}. Specify 'fetch' or "
        "False for the synchronize_session execution option."
    )


# --------------------------------------------------------------------------
# Query.update / Query.delete and the legacy bulk_* methods


def _query_target(query: "Query") -> "Mapper[Any]":
    from .loading import _mapper_of

    return _mapper_of(query._entities[0])


def query_update(
    query: "Query", values: dict[Any, Any], synchronize_session: Any
) -> int:
    mapper = _query_target(query)
    from .context import entity_from

    stmt = sql("update")(entity_from(mapper)).values(values)
    where = query._stmt.whereclause
    if where is not None:
        stmt = stmt.where(where)
    assert query.session is not None
    result = query.session.execute(
        stmt,
        query._params or None,
        execution_options={"synchronize_session": synchronize_session},
    )
    return int(result.rowcount)


def query_delete(query: "Query", synchronize_session: Any) -> int:
    mapper = _query_target(query)
    from .context import entity_from

    stmt = sql("delete")(entity_from(mapper))
    where = query._stmt.whereclause
    if where is not None:
        stmt = stmt.where(where)
    assert query.session is not None
    result = query.session.execute(
        stmt,
        query._params or None,
        execution_options={"synchronize_session": synchronize_session},
    )
    return int(result.rowcount)


def bulk_insert(
    session: "Session", mapper: Any, mappings: list[dict[str, Any]]
) -> None:
    from .loading import _mapper_of

    m = _mapper_of(mapper)
    if not mappings:
        return
    conn = session._connection_for_bind(session.get_bind(m))
    for table in m.tables:
        plan = next(p for p in m._table_plans if p.table is table)
        rows = [
            {
                col.key: row[key]
                for col, key in zip(plan.cols, plan.col_keys, strict=False)
                if key in row
            }
            for row in mappings
        ]
        conn.execute(sql("insert")(table), rows)


def bulk_update(
    session: "Session", mapper: Any, mappings: list[dict[str, Any]]
) -> None:
    from .loading import _mapper_of

    m = _mapper_of(mapper)
    if not mappings:
        return
    conn = session._connection_for_bind(session.get_bind(m))
    and_, bindparam, update = sql("and_"), sql("bindparam"), sql("update")
    for plan in m._table_plans:
        stmt = update(plan.table).where(
            and_(*[c == bindparam("_qs_pk_" + c.key) for c in plan.pk_cols])
        )
        rows = []
        for row in mappings:
            params = {
                col.key: row[key]
                for col, key in zip(plan.cols, plan.col_keys, strict=False)
                if key in row and key not in plan.pk_keys
            }
            if not params:
                continue
            for col, key in zip(plan.pk_cols, plan.pk_keys, strict=False):
                params["_qs_pk_" + col.key] = row[key]
            rows.append(params)
        if rows:
            conn.execute(stmt, rows)
