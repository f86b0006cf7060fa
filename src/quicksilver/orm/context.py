"""ORM statement execution: ``session.execute(select(User))`` returns objects.

How Core learns about entities: every mapped class gets a class-level
``__clause_element__`` returning an *entity FROM*: a stand-in for the
mapper's table (or inheritance join) that renders exactly as the table does
(its ``_from_objects`` is the real table, its columns are the real columns)
but carries ``_annotations["parententity"]``.  ``select(User)`` thus keeps
the entity in its columns clause, and :func:`execute_orm` finds it there,
runs the statement on the Session's connection and turns each row into
objects through :mod:`.loading`.  Core never imports the ORM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .. import exc as sa_exc
from ..sql.select import Select
from ._sql import sql
from .base import _configure_pending, _mappers_pending, opt_manager_of_class

if TYPE_CHECKING:
    from .mapper import Mapper
    from .session import Session


def entity_from(mapper: "Mapper[Any]") -> Any:
    """The annotated FROM standing for ``mapper`` in ``select(User)``."""
    cached = mapper.__dict__.get("_qs_entity_from")
    if cached is not None:
        return cached
    proxy = entity_from_selectable(mapper, mapper.persist_selectable)
    mapper.__dict__["_qs_entity_from"] = proxy
    return proxy


def entity_from_selectable(mapper: "Mapper[Any]", base: Any) -> Any:
    """An entity FROM for ``mapper`` that renders as ``base`` (its table, or
    a join of it: ``with_polymorphic()``)."""
    proxy_cls = _proxy_class(type(base))
    proxy: Any = object.__new__(proxy_cls)
    proxy.__dict__.update(base.__dict__)
    proxy.__dict__["_qs_original"] = base
    proxy.__dict__["_annotations"] = {
        "parententity": mapper,
        "entity_namespace": mapper,
    }
    proxy.__dict__.pop("_qs_key_memo", None)
    return proxy


_proxy_classes: dict[type, type] = {}


def _proxy_class(base_cls: type) -> type:
    cls = _proxy_classes.get(base_cls)
    if cls is None:

        def _from_objects(self: Any) -> list[Any]:
            return list(self.__dict__["_qs_original"]._from_objects)

        def __hash__(self: Any) -> int:
            return hash(self.__dict__["_qs_original"])

        def _gen_cache_key(self: Any, anon_map: Any, binds: Any) -> Any:
            return self.__dict__["_qs_original"]._gen_cache_key(anon_map, binds)

        def _deannotate(self: Any, *a: Any, **kw: Any) -> Any:
            return self.__dict__["_qs_original"]

        def __repr__(self: Any) -> str:
            return repr(self.__dict__["_qs_original"])

        def __eq__(self: Any, other: Any) -> bool:
            return other is self or other is self.__dict__["_qs_original"]

        def __ne__(self: Any, other: Any) -> bool:
            return not __eq__(self, other)

        def entity_namespace(self: Any) -> Any:
            return self.__dict__["_annotations"]["parententity"].class_

        cls = type(
            "Entity" + base_cls.__name__,
            (base_cls,),
            {
                "_from_objects": property(_from_objects),
                "__hash__": __hash__,
                "_gen_cache_key": _gen_cache_key,
                "_deannotate": _deannotate,
                "__repr__": __repr__,
                "__eq__": __eq__,
                "__ne__": __ne__,
                "entity_namespace": property(entity_namespace),
                "_is_orm_entity": True,
            },
        )
        _proxy_classes[base_cls] = cls
    return cls


class ClassClauseElement:
    """Class-level ``User.__clause_element__``: the entity FROM (classes only)."""

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is not None:
            raise AttributeError("__clause_element__")
        manager = opt_manager_of_class(owner)
        if manager is None or manager.mapper is None:
            raise AttributeError("__clause_element__")
        mapper = manager.mapper
        return lambda: entity_from(mapper)


# --------------------------------------------------------------------------
# statement analysis


class _Entity:
    """One entry of a SELECT's columns clause as the ORM sees it."""

    __slots__ = ("mapper", "columns", "start", "width", "key", "load_columns")

    def __init__(
        self, mapper: Optional["Mapper[Any]"], columns: list[Any], start: int, key: str
    ) -> None:
        self.mapper = mapper
        self.columns = columns
        self.start = start
        self.width = len(columns)
        self.key = key
        # the mapper's own columns at the same positions (differ for aliases)
        self.load_columns = columns


def analyze_returning(statement: Any) -> Optional[list[_Entity]]:
    """Entities of an ORM DML statement's RETURNING, or None if it names none.

    ``insert(User).returning(User)`` yields ``User`` objects, as a SELECT of
    the entity would; plain columns stay values.
    """
    entities: list[_Entity] = []
    found_orm = False
    pos = 0
    for elem in statement._returning:
        annotations = getattr(elem, "_annotations", None) or {}
        mapper = annotations.get("parententity")
        if getattr(elem, "_is_from_clause", False):
            cols = list(elem.c)
            if mapper is not None:
                entities.append(_Entity(mapper, cols, pos, mapper.class_.__name__))
                found_orm = True
            else:
                entities.extend(
                    _Entity(None, [c], pos + i, c.key) for i, c in enumerate(cols)
                )
            pos += len(cols)
        else:
            entities.append(_Entity(None, [elem], pos, getattr(elem, "key", "")))
            pos += 1
    return entities if found_orm else None


def analyze(statement: Any) -> Optional[list[_Entity]]:
    """Entities of an ORM-enabled SELECT, or None for a plain Core statement."""
    raw = getattr(statement, "_raw_columns", None)
    if raw is None or not getattr(statement, "_is_select_statement", True):
        return None
    entities: list[_Entity] = []
    found_orm = False
    pos = 0
    naming = None
    for elem in raw:
        annotations = getattr(elem, "_annotations", None) or {}
        mapper = annotations.get("parententity")
        if mapper is not None and getattr(elem, "_is_from_clause", False):
            cols = list(elem.c)
            ent = _Entity(mapper, cols, pos, mapper.class_.__name__)
            insp = annotations.get("aliased_insp")
            if insp is not None:
                ent.load_columns = [insp._original(c) for c in cols]
            entities.append(ent)
            pos += len(cols)
            found_orm = True
        elif getattr(elem, "_is_from_clause", False):
            cols = list(elem.c)
            for c in cols:
                entities.append(_Entity(None, [c], pos, ""))
                pos += 1
        else:
            entities.append(_Entity(None, [elem], pos, ""))
            pos += 1
    if not found_orm:
        return None
    plain = [ent for ent in entities if ent.mapper is None]
    if plain and hasattr(statement, "with_only_columns"):
        # keys as if the plain columns were selected alone: entity columns
        # do not take names from them (``select(User, User.name)`` -> "name")
        alone = statement.with_only_columns(*[ent.columns[0] for ent in plain])
        naming = alone._column_naming() if hasattr(alone, "_column_naming") else None
        if naming is not None:
            for ent, named in zip(plain, naming, strict=False):
                ent.key = named[0]
    return entities


def _orm_enabled_columns(statement: Any) -> Optional["Mapper[Any]"]:
    """A mapper whose table a Core SELECT reads (for autoflush and binds)."""
    from .mapper import _all_mappers

    froms = getattr(statement, "columns_clause_froms", None)
    tables = []
    try:
        tables = list(froms) if froms is not None else []
    except Exception:
        tables = []
    for m in list(_all_mappers):
        if any(t is m.local_table for t in tables):
            return m
    return None


#: columns clause (as ids) -> (the columns, entities, first mapper) of plain
#: entity SELECTs: no options, no rewrite, no relationship loading to plan.
#: Analysing ``select(User)`` again for every new statement object was the
#: largest ORM cost of short queries.
_Plan = tuple[tuple[Any, ...], list[_Entity], Any, Any]
_plain_plans: dict[tuple[int, ...], _Plan] = {}


def _plain_plan(statement: Any) -> Any:
    """The memoized plan of a plain entity SELECT, or None (take the full path)."""
    raw = statement.__dict__.get("_raw_columns")
    if raw is None or statement.__dict__.get("_with_options"):
        return None
    key = tuple(map(id, raw))
    plan = _plain_plans.get(key)
    if plan is not None:
        cols = plan[0]
        # ids are only reused once an object is gone; the plan keeps its
        # columns alive, so equal ids mean the same objects
        return plan if len(cols) == len(raw) else None
    if not getattr(statement, "_is_select_statement", False):
        return None
    entities = analyze(statement)
    if entities is None:
        return None
    mapper = None
    for ent in entities:
        m = ent.mapper
        if m is None:
            continue
        if mapper is None:
            mapper = m
        if m.single or _loading_columns(m, ent.columns) is not None:
            return None
        if ent.load_columns is not ent.columns:
            return None
    from .strategies import needs_eager

    if needs_eager(statement, entities):
        return None
    if len(_plain_plans) > 2000:
        _plain_plans.clear()
    from .loading import _orm_metadata

    metadata = _orm_metadata([ent.key for ent in entities], entities)
    plan = _plain_plans[key] = (tuple(raw), entities, mapper, metadata)
    return plan


def execute_orm(
    session: "Session",
    statement: Any,
    params: Any,
    execution_options: dict[str, Any],
    bind_arguments: dict[str, Any],
) -> Any:
    """Run ``statement`` inside the Session's transaction (``Session.execute``)."""
    if _mappers_pending[0]:
        _configure_pending()
    plan = (
        _plain_plan(statement)
        if not execution_options
        and not bind_arguments
        and not session.execution_options
        and statement.__class__ is Select
        and not statement._execution_options
        else None
    )
    if plan is not None:
        # the common ``session.execute(select(User).where(...))``
        session._check_active()
        entities = plan[1]
        if session.autoflush and not session._flushing:
            session._autoflush()
        conn = session._connection_for_bind(
            session.get_bind(plan[2], clause=statement)
        )
        if params is None:
            result = conn.execute(statement)
        else:
            result = conn.execute(statement, params)
        return _orm_result(session, result, entities, False, plan[3])
    return _execute_orm_full(
        session, statement, params, execution_options, bind_arguments
    )


def _execute_orm_full(
    session: "Session",
    statement: Any,
    params: Any,
    execution_options: dict[str, Any],
    bind_arguments: dict[str, Any],
) -> Any:
    if isinstance(statement, str):
        statement = sql("text")(statement)
    session._check_active()
    entities = analyze(statement)
    mapper = None
    eager = None
    if entities is not None:
        statement, entities = _apply_column_loading(statement, entities)
        mapper = next(e.mapper for e in entities if e.mapper is not None)
        for ent in entities:
            if ent.mapper is not None and ent.mapper.single:
                crit = ent.mapper._single_table_criterion()
                if crit is not None and not _has_criterion(statement, crit):
                    statement = statement.where(crit)
        from .strategies import needs_eager, prepare_eager  # issue 5: eager loads

        if needs_eager(statement, entities):
            statement, eager = prepare_eager(session, statement, entities)
    else:
        mapper = _dml_mapper(statement) or (
            _orm_enabled_columns(statement)
            if getattr(statement, "_raw_columns", None) is not None
            else None
        )
        if mapper is not None and _is_dml(statement):
            from .bulk_persistence import execute_dml

            return execute_dml(
                session, statement, mapper, params, execution_options, bind_arguments
            )
    opts = dict(session.execution_options)
    opts.update(getattr(statement, "_execution_options", None) or {})
    opts.update(execution_options)
    populate_existing = bool(opts.pop("populate_existing", False))
    autoflush = opts.pop("autoflush", True)
    opts.pop("synchronize_session", None)
    opts.pop("identity_token", None)
    if autoflush:
        # every statement, Core and text() included, sees pending changes:
        # SQLAlchemy 2.0.16+ autoflushes unconditionally (its issue 9809)
        session._autoflush()
    bind = bind_arguments.get("bind") or session.get_bind(
        bind_arguments.get("mapper", mapper), clause=statement
    )
    conn = session._connection_for_bind(bind)
    if params is None:
        result = conn.execute(statement, execution_options=opts or None)
    else:
        result = conn.execute(statement, params, execution_options=opts or None)
    if entities is None:
        return result
    from .loading import orm_result

    if eager is not None:
        return eager.result(
            session, result, entities, populate_existing, opts.get("yield_per")
        )
    out = orm_result(session, result, entities, populate_existing)
    yield_per = opts.get("yield_per")
    if yield_per:
        # objects are built yield_per rows at a time; partitions() default
        # to that size, as SQLAlchemy's
        out = out.yield_per(yield_per)
    return out


def _loading_columns(
    mapper: "Mapper[Any]", table_cols: list[Any]
) -> Optional[list[Any]]:
    """The SELECT columns for an entity, or None when the table's are right.

    Deferred columns are left out (loaded on first access) and SQL
    expression properties (``column_property(a + b)``) are added, labelled.
    """
    # per column layout: an aliased() entity passes its alias's columns
    cache = mapper.__dict__.setdefault("_qs_load_cols", {})
    key = tuple(map(id, table_cols))
    hit = cache.get(key)
    if hit is not None:
        return hit[1]  # type: ignore[no-any-return]
    from .properties import ColumnProperty
    from .strategy_options import expression_label

    deferred_cols = set()
    extra: list[tuple[Any, Any]] = []
    table_set = set(table_cols)
    for m in mapper.self_and_descendants if mapper.single else [mapper]:
        for prop in m._props.values():
            if not isinstance(prop, ColumnProperty):
                continue
            col = prop.columns[0]
            if prop.deferred:
                deferred_cols.update(prop.columns)
            elif col not in table_set and all(c not in table_set for c in prop.columns):
                if not any(e[0] is prop for e in extra):
                    extra.append((prop, col))
    result: Optional[list[Any]] = None
    if deferred_cols or extra:
        result = [c for c in table_cols if c not in deferred_cols]
        result += [expression_label(mapper, p.key, col) for p, col in extra]
    if len(cache) > 64:  # many throwaway aliases
        cache.clear()
    # the columns are kept alive with the entry, so their ids stay theirs
    cache[key] = (tuple(table_cols), result)
    return result


def _apply_column_loading(
    statement: Any, entities: list[_Entity]
) -> tuple[Any, list[_Entity]]:
    from .strategy_options import apply_column_options

    options = getattr(statement, "_with_options", ())
    plans: list[Any] = []
    for e in entities:
        if e.mapper is None or e.load_columns is not e.columns:
            plans.append(None)  # plain columns, or an alias: its own columns
            continue
        plan = _loading_columns(e.mapper, e.columns)
        if options:
            base_cols = e.columns
            opt_plan = apply_column_options(e.mapper, base_cols, options)
            if opt_plan is not None:
                plan = opt_plan
        plans.append(plan)
    if not any(p is not None for p in plans):
        return statement, entities
    new_cols: list[Any] = []
    new_entities: list[_Entity] = []
    pos = 0
    for ent, plan in zip(entities, plans, strict=False):
        if ent.mapper is not None:
            cols = plan if plan is not None else ent.columns
            new_cols.extend(cols)
            new_ent = _Entity(ent.mapper, list(cols), pos, ent.key)
            if plan is None and ent.load_columns is not ent.columns:
                new_ent.load_columns = list(ent.load_columns)
            new_entities.append(new_ent)
            pos += len(cols)
        else:
            new_cols.extend(ent.columns)
            new_entities.append(_Entity(None, ent.columns, pos, ent.key))
            pos += len(ent.columns)
    return statement.with_only_columns(*new_cols), new_entities


def _has_criterion(statement: Any, crit: Any) -> bool:
    """True if ``statement`` already carries a criterion equal to ``crit``.

    Query adds the single-table discriminator itself (the mapper caches the
    criterion object, so identity tells) and it must not be added twice.
    """
    existing = getattr(statement, "_where_criteria", ())
    return any(w is crit for w in existing)


def _is_dml(statement: Any) -> bool:
    return bool(getattr(statement, "is_dml", False))


def _dml_mapper(statement: Any) -> Optional["Mapper[Any]"]:
    if not _is_dml(statement):
        return None
    table = getattr(statement, "table", None)
    annotations = getattr(table, "_annotations", None) or {}
    mapper = annotations.get("parententity")
    return mapper  # type: ignore[no-any-return]


def _late_imports() -> None:
    global _orm_result
    from .loading import orm_result

    _orm_result = orm_result


def _orm_result(*args: Any) -> Any:
    _late_imports()
    return _orm_result(*args)


__all__ = ["entity_from", "execute_orm", "analyze", "sa_exc"]
