"""The legacy ``Query`` API, built on ``select()``.

Every generative method returns a new Query wrapping a new Select; results
go through ``Session.execute`` so identity map, autoflush and transactions
behave exactly as for 2.0-style statements.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Iterator, Optional

from .. import exc as sa_exc
from ._sql import sql

if TYPE_CHECKING:
    from .session import Session


def _adapt(clause: Any, sub: Any) -> Any:
    """``clause`` with each column that ``sub`` (a subquery) also selects
    replaced by the subquery's column."""
    from ..sql.coercions import _unwrap
    from .relationships import _replace

    def corresponding(node: Any) -> Any:
        if getattr(node, "table", None) is None:
            return None
        try:
            return sub.corresponding_column(node)
        except Exception:  # noqa: BLE001 - not a column of the subquery
            return None

    return _replace(_unwrap(clause), corresponding)


def _is_single_entity(entities: tuple[Any, ...]) -> bool:
    return len(entities) == 1


class Query:
    """ORM query (``sqlalchemy.orm.Query``); create with ``session.query(User)``."""

    def __init__(self, entities: Any, session: Optional["Session"] = None) -> None:
        if not isinstance(entities, (list, tuple)):
            entities = (entities,)
        self.session = session
        self._entities = tuple(entities)
        stmt: Any = sql("select")(*entities) if entities else None
        self._stmt: Any = stmt
        for ent in entities:
            mapper = _mapper_or_none(ent)
            if mapper is not None and mapper.single:
                crit = mapper._single_table_criterion()
                if crit is not None:
                    self._stmt = self._stmt.where(crit)
        self._populate_existing = False
        self._execution_options: dict[str, Any] = {}
        self._params: dict[str, Any] = {}

    def _clone(self) -> "Query":
        new = Query.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._execution_options = dict(self._execution_options)
        new._params = dict(self._params)
        return new

    def _with(self, stmt: Any) -> "Query":
        new = self._clone()
        new._stmt = stmt
        return new

    # ------------------------------------------------------------------
    # building

    @property
    def statement(self) -> Any:
        """The Select this Query would run."""
        return self._stmt

    def __clause_element__(self) -> Any:
        return self._stmt

    def filter(self, *criterion: Any) -> "Query":
        """Add WHERE criteria (``Query.filter``)."""
        self._no_limit_offset("filter")
        return self._with(self._stmt.where(*self._adapted(criterion)))

    where = filter

    def filter_by(self, **kwargs: Any) -> "Query":
        """WHERE attribute == value for each keyword, on the primary entity."""
        self._no_limit_offset("filter")  # (SQLAlchemy names filter())
        return self._with(self._stmt.filter_by(**kwargs))

    def order_by(self, *clauses: Any) -> "Query":
        self._no_limit_offset("order_by")
        if len(clauses) == 1 and clauses[0] is None:
            return self._with(self._stmt.order_by(None))
        return self._with(self._stmt.order_by(*self._adapted(clauses)))

    def group_by(self, *clauses: Any) -> "Query":
        self._no_limit_offset("group_by")
        return self._with(self._stmt.group_by(*self._adapted(clauses)))

    def having(self, *criterion: Any) -> "Query":
        self._no_limit_offset("having")
        return self._with(self._stmt.having(*self._adapted(criterion)))

    def limit(self, limit: Any) -> "Query":
        return self._with(self._stmt.limit(limit))

    def offset(self, offset: Any) -> "Query":
        return self._with(self._stmt.offset(offset))

    def slice(self, start: Optional[int], stop: Optional[int]) -> "Query":
        return self._with(self._stmt.slice(start, stop))

    def distinct(self, *expr: Any) -> "Query":
        return self._with(self._stmt.distinct(*expr))

    def join(
        self,
        target: Any,
        onclause: Any = None,
        *,
        isouter: bool = False,
        full: bool = False,
    ) -> "Query":
        self._no_limit_offset("join")
        return self._with(self._stmt.join(target, onclause, isouter=isouter, full=full))

    def outerjoin(
        self, target: Any, onclause: Any = None, *, full: bool = False
    ) -> "Query":
        return self.join(target, onclause, isouter=True, full=full)

    def select_from(self, *froms: Any) -> "Query":
        return self._with(self._stmt.select_from(*froms))

    def with_entities(self, *entities: Any) -> "Query":
        new = self._with(self._stmt.with_only_columns(*entities))
        new._entities = entities
        return new

    def add_columns(self, *columns: Any) -> "Query":
        new = self._with(self._stmt.add_columns(*columns))
        new._entities = self._entities + columns
        return new

    add_column = add_columns
    add_entity = add_columns

    def options(self, *args: Any) -> "Query":
        opts = [a for a in args if a is not None]
        if opts and hasattr(self._stmt, "options"):
            try:
                return self._with(self._stmt.options(*opts))
            except Exception:
                return self._clone()
        return self._clone()

    def populate_existing(self) -> "Query":
        new = self._clone()
        new._populate_existing = True
        return new

    def with_for_update(
        self,
        *,
        nowait: bool = False,
        read: bool = False,
        of: Any = None,
        skip_locked: bool = False,
        key_share: bool = False,
    ) -> "Query":
        return self._with(
            self._stmt.with_for_update(
                nowait=nowait,
                read=read,
                of=of,
                skip_locked=skip_locked,
                key_share=key_share,
            )
        )

    def execution_options(self, **kw: Any) -> "Query":
        new = self._clone()
        new._execution_options.update(kw)
        return new

    def params(self, *args: Any, **kw: Any) -> "Query":
        new = self._clone()
        for a in args:
            new._params.update(a)
        new._params.update(kw)
        return new

    def enable_eagerloads(self, value: bool) -> "Query":
        return self._clone()

    def autoflush(self, setting: bool) -> "Query":
        new = self._clone()
        new._execution_options["autoflush"] = setting
        return new

    def yield_per(self, count: int) -> "Query":
        return self.execution_options(yield_per=count)

    def subquery(self, name: Optional[str] = None, **kw: Any) -> Any:
        return self._stmt.subquery(name)

    def cte(
        self, name: Optional[str] = None, recursive: bool = False, **kw: Any
    ) -> Any:
        return self._stmt.cte(name, recursive=recursive)

    def scalar_subquery(self) -> Any:
        return self._stmt.scalar_subquery()

    as_scalar = scalar_subquery

    def label(self, name: Optional[str]) -> Any:
        return self._stmt.label(name)

    def exists(self) -> Any:
        """An EXISTS construct for this query (``session.query(q.exists())``)."""
        return self._stmt.exists()

    def union(self, *q: "Query") -> "Query":
        stmt = self._stmt.union(*[x._stmt for x in q])
        return self._from_compound(stmt)

    def union_all(self, *q: "Query") -> "Query":
        stmt = self._stmt.union_all(*[x._stmt for x in q])
        return self._from_compound(stmt)

    def _from_compound(self, compound: Any) -> "Query":
        """A Query over ``compound`` (a UNION of Queries) as a subquery, with
        the same entities (a class becomes an alias of the subquery, as
        SQLAlchemy's Query does) and later criteria adapted to it."""
        from .util import aliased

        sub = compound.subquery()
        columns = []
        for ent in self._entities:
            if _mapper_or_none(ent) is not None:
                columns.append(aliased(ent, sub))
            else:
                columns.append(_adapt(ent, sub))
        new = self._with(sql("select")(*columns))
        new._qs_compound = sub
        return new

    def _adapted(self, clauses: tuple[Any, ...]) -> tuple[Any, ...]:
        """``clauses`` read from the UNION subquery this Query selects from
        (criteria and orderings written against the original entities)."""
        sub = self.__dict__.get("_qs_compound")
        if sub is None:
            return clauses
        return tuple(_adapt(c, sub) for c in clauses)

    # ------------------------------------------------------------------
    # running

    def _execute(self) -> Any:
        if self.session is None:
            raise sa_exc.InvalidRequestError(
                "This Query is not bound to a Session; create it with "
                "session.query(...)"
            )
        opts = dict(self._execution_options)
        if self._populate_existing:
            opts["populate_existing"] = True
        return self.session.execute(
            self._stmt, self._params or None, execution_options=opts
        )

    def _iter(self) -> Any:
        if self.__dict__.get("_from_statement") is not None:
            result = self._execute_from_statement()
        else:
            result = self._execute()
        if getattr(result, "_qs_requires_unique", False):
            # legacy Query dedups rows when a collection is joined-eager loaded
            result = result.unique()
        if _is_single_entity(self._entities) and _is_entity(self._entities[0]):
            return result.scalars()
        return result

    def __iter__(self) -> Iterator[Any]:
        return iter(self._iter())

    def all(self) -> list[Any]:
        """Every result: objects for a single entity, else Rows."""
        return list(self._iter())

    def first(self) -> Any:
        """The first result or None (applies LIMIT 1)."""
        limited = (
            self
            if getattr(self._stmt, "_limit_clause", None) is not None
            else self.limit(1)
        )
        return limited._iter().first()

    def one(self) -> Any:
        """Exactly one result, else NoResultFound / MultipleResultsFound."""
        return self._iter().one()

    def one_or_none(self) -> Any:
        return self._iter().one_or_none()

    def scalar(self) -> Any:
        """First column of the one result, or None (MultipleResultsFound if more)."""
        try:
            row = self.one()
        except sa_exc.NoResultFound:
            return None
        if isinstance(row, tuple) and hasattr(row, "_fields"):
            return row[0]
        return row

    def count(self) -> int:
        """``SELECT count(*) FROM (<this query>)``."""
        select = sql("select")
        func = sql("func")
        if func is not None:
            count = func.count()
        else:
            count = sql("literal_column")("count(*)")
        stmt = select(count).select_from(self._stmt.subquery())
        assert self.session is not None
        return int(self.session.execute(stmt, self._params or None).scalar() or 0)

    def get(self, ident: Any) -> Any:
        """Legacy ``Query.get()``: ``Session.get()`` for the query's entity."""
        from ..exc import LegacyAPIWarning

        warnings.warn(
            LegacyAPIWarning(
                "The Query.get() method is considered legacy as of the 1.x series "
                "of SQLAlchemy and becomes a legacy construct in 2.0. The method "
                "is now available as Session.get() (deprecated since: 2.0)",
                code="b8d9",
            ),
            stacklevel=2,
        )
        assert self.session is not None
        return self.session.get(
            self._entities[0], ident, populate_existing=self._populate_existing
        )

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, slice):
            start, stop, step = item.start, item.stop, item.step
            if step not in (None, 1):
                return list(self)[item]
            if (start is not None and start < 0) or (stop is not None and stop < 0):
                return list(self)[item]
            return self.slice(start, stop).all()
        if item == -1:
            return list(self)[-1]
        return self.offset(item).limit(1).all()[0]

    def update(
        self,
        values: dict[Any, Any],
        synchronize_session: Any = "auto",
        update_args: Optional[dict[str, Any]] = None,
    ) -> int:
        """Bulk UPDATE of the rows this query matches; returns the row count."""
        from .bulk_persistence import query_update

        return query_update(self, values, synchronize_session)

    def delete(
        self,
        synchronize_session: Any = "auto",
        delete_args: Optional[dict[str, Any]] = None,
    ) -> int:
        """Bulk DELETE of the rows this query matches; returns the row count."""
        from .bulk_persistence import query_delete

        return query_delete(self, synchronize_session)

    # ------------------------------------------------------------------
    # less common legacy API

    def from_statement(self, statement: Any) -> "Query":
        """Load this Query's entities from a textual or Core statement.

        Result columns are matched to mapped columns by name, as SQLAlchemy
        does for ``query(User).from_statement(text("SELECT * FROM users"))``.
        """
        if isinstance(statement, str):
            statement = sql("text")(statement)
        new = self._clone()
        new.__dict__["_from_statement"] = statement
        return new

    def _execute_from_statement(self) -> Any:
        from .context import _Entity
        from .loading import orm_result

        assert self.session is not None
        statement = self.__dict__["_from_statement"]
        session = self.session
        mapper = _mapper_or_none(self._entities[0])
        if mapper is None:
            return session.execute(statement, self._params or None)
        session._autoflush()
        conn = session._connection_for_bind(session.get_bind(mapper))
        result = conn.execute(statement, self._params or None)
        by_name: dict[str, Any] = {}
        for col in mapper.local_table.c:
            by_name.setdefault(col.name, col)
            by_name.setdefault(col.key, col)
        columns = []
        for i, key in enumerate(result.keys()):
            col = by_name.get(key)
            columns.append(col if col is not None else _placeholder(i))
        ent = _Entity(mapper, columns, 0, mapper.class_.__name__)
        return orm_result(session, result, [ent], self._populate_existing)

    def value(self, column: Any) -> Any:
        """The first column of the first row for ``column`` (legacy)."""
        row = self.with_entities(column).first()
        return row[0] if row is not None else None

    def values(self, *columns: Any) -> Iterator[Any]:
        """Rows of just ``columns`` (legacy)."""
        return iter(self.with_entities(*columns).all())

    def tuples(self) -> "Query":
        return self._clone()

    def only_return_tuples(self, value: bool) -> "Query":
        return self._clone()

    def with_session(self, session: "Session") -> "Query":
        new = self._clone()
        new.session = session
        return new

    def prefix_with(self, *prefixes: Any, **kw: Any) -> "Query":
        return self._with(self._stmt.prefix_with(*prefixes, **kw))

    def suffix_with(self, *suffixes: Any, **kw: Any) -> "Query":
        return self._with(self._stmt.suffix_with(*suffixes, **kw))

    def with_hint(self, *args: Any, **kw: Any) -> "Query":
        return self._clone()

    def with_statement_hint(self, *args: Any, **kw: Any) -> "Query":
        return self._clone()

    def correlate(self, *froms: Any) -> "Query":
        return self._with(self._stmt.correlate(*froms))

    def intersect(self, *q: "Query") -> "Query":
        return self._from_compound(self._stmt.intersect(*[x._stmt for x in q]))

    def intersect_all(self, *q: "Query") -> "Query":
        return self._from_compound(self._stmt.intersect_all(*[x._stmt for x in q]))

    def except_(self, *q: "Query") -> "Query":
        return self._from_compound(self._stmt.except_(*[x._stmt for x in q]))

    def except_all(self, *q: "Query") -> "Query":
        return self._from_compound(self._stmt.except_all(*[x._stmt for x in q]))

    def set_label_style(self, style: Any) -> "Query":
        return self._with(self._stmt.set_label_style(style))

    def get_label_style(self) -> Any:
        return self._stmt.get_label_style()

    def with_labels(self) -> "Query":
        return self._clone()

    apply_labels = with_labels

    def reset_joinpoint(self) -> "Query":
        return self._clone()

    def enable_assertions(self, value: bool) -> "Query":
        """``False`` lets criteria be added after LIMIT/OFFSET (they then
        apply to the limited SELECT, as in SQLAlchemy)."""
        new = self._clone()
        new._qs_no_assertions = not value
        return new

    def _no_limit_offset(self, meth: str) -> None:
        """SQLAlchemy's legacy-Query assertion: criteria added after LIMIT
        or OFFSET would silently change what was limited."""
        stmt = self._stmt
        if (
            stmt is not None
            and (stmt._limit_clause is not None or stmt._offset_clause is not None)
            and not self.__dict__.get("_qs_no_assertions")
        ):
            raise sa_exc.InvalidRequestError(
                f"Query.{meth}() being called on a Query which already has LIMIT "
                f"or OFFSET applied.  Call {meth}() before limit() or offset() "
                "are applied."
            )

    def get_execution_options(self) -> dict[str, Any]:
        return dict(self._execution_options)

    @property
    def whereclause(self) -> Any:
        return self._stmt.whereclause

    @property
    def selectable(self) -> Any:
        return self._stmt

    @property
    def is_single_entity(self) -> bool:
        return _is_single_entity(self._entities) and _is_entity(self._entities[0])

    @property
    def column_descriptions(self) -> list[dict[str, Any]]:
        """One dict per entity/column: name, type, aliased, expr, entity."""
        out = []
        for ent in self._entities:
            mapper = _mapper_or_none(ent)
            if mapper is not None:
                out.append(
                    {
                        "name": mapper.class_.__name__,
                        "type": mapper.class_,
                        "aliased": False,
                        "expr": ent,
                        "entity": mapper.class_,
                    }
                )
                continue
            parent = getattr(ent, "class_", None)
            key = getattr(ent, "key", None) or getattr(ent, "name", None)
            expr_type = getattr(getattr(ent, "expression", ent), "type", None)
            out.append(
                {
                    "name": key,
                    "type": expr_type,
                    "aliased": False,
                    "expr": ent,
                    "entity": parent,
                }
            )
        return out

    def __str__(self) -> str:
        return str(self._stmt)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} at 0x{id(self):x}>"


class _Placeholder:
    """A result column no mapped column answers to (``from_statement``)."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


_PLACEHOLDERS: list[_Placeholder] = []


def _placeholder(index: int) -> _Placeholder:
    # one long-lived object per position: row layouts are cached by the
    # identity of their columns, so these must not be recreated per query
    while len(_PLACEHOLDERS) <= index:
        _PLACEHOLDERS.append(_Placeholder(len(_PLACEHOLDERS)))
    return _PLACEHOLDERS[index]


def _mapper_or_none(obj: Any) -> Any:
    from .base import opt_manager_of_class
    from .mapper import Mapper

    if isinstance(obj, Mapper):
        return obj
    manager = opt_manager_of_class(obj) if isinstance(obj, type) else None
    return manager.mapper if manager is not None else None


def _is_entity(obj: Any) -> bool:
    from .base import opt_manager_of_class
    from .mapper import Mapper

    if isinstance(obj, Mapper):
        return True
    manager = opt_manager_of_class(obj) if isinstance(obj, type) else None
    return manager is not None and manager.mapper is not None
