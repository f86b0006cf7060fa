"""``INSERT ... ON CONFLICT`` shared by the PostgreSQL and SQLite dialects.

The dialect modules (``dialects/postgresql/dml.py``, ``dialects/sqlite/dml.py``)
expose ``insert()``; rendering is ``OnConflictCompilerMixin`` in their compilers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .. import exc
from .base import ColumnCollection
from .coercions import _unwrap, check_literal, expect_where
from .dml import Insert as StandardInsert
from .elements import (
    BinaryExpression,
    BindParameter,
    ClauseElement,
    ColumnClause,
    Grouping,
)
from .select import SelectBase

if TYPE_CHECKING:
    # typed as the compiler it is mixed into; plain object at run time
    from .compiler.sql import SQLCompiler as _CompilerBase
else:
    _CompilerBase = object


class OnConflictClause(ClauseElement):
    """Base of ``ON CONFLICT`` clauses."""

    def __init__(
        self,
        constraint: Any = None,
        index_elements: Any = None,
        index_where: Any = None,
    ) -> None:
        if constraint is not None and not isinstance(constraint, str):
            name = getattr(constraint, "name", None)
            if name is None:
                cols = list(getattr(constraint, "columns", []))
                if cols:
                    index_elements = cols
                    constraint = None
                    index_where = getattr(constraint, "dialect_kwargs", {}).get(
                        "postgresql_where"
                    )
                else:
                    raise exc.ArgumentError("constraint has no name and no columns")
            else:
                constraint = name
        if constraint is not None and index_elements is not None:
            raise exc.ArgumentError(
                "'constraint' and 'index_elements' are mutually exclusive"
            )
        self.constraint_target = constraint
        self.inferred_target_elements = (
            [_unwrap(e) for e in index_elements] if index_elements is not None else None
        )
        self.inferred_target_whereclause = (
            expect_where(index_where) if index_where is not None else None
        )

    def _target_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        els: tuple[Any, ...] = ()
        if self.inferred_target_elements is not None:
            els = tuple(
                e if isinstance(e, str) else e._gen_cache_key(anon_map, binds)
                for e in self.inferred_target_elements
            )
        wk = (
            self.inferred_target_whereclause._gen_cache_key(anon_map, binds)
            if self.inferred_target_whereclause is not None
            else None
        )
        return (self.constraint_target, els, wk)


class OnConflictDoNothing(OnConflictClause):
    __visit_name__ = "on_conflict_do_nothing"

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("do_nothing", self._target_key(anon_map, binds))


class OnConflictDoUpdate(OnConflictClause):
    __visit_name__ = "on_conflict_do_update"

    def __init__(
        self,
        constraint: Any = None,
        index_elements: Any = None,
        index_where: Any = None,
        set_: Any = None,
        where: Any = None,
        table: Any = None,
    ) -> None:
        super().__init__(constraint, index_elements, index_where)
        if self.inferred_target_elements is None and self.constraint_target is None:
            raise exc.ArgumentError(
                "Either constraint or index_elements, but not both, must be specified "
                "unless DO NOTHING"
            )
        if not isinstance(set_, dict) and not (
            set_ is not None and hasattr(set_, "items")
        ):
            raise exc.ArgumentError("set parameter dictionary must not be empty")
        if not set_:
            raise exc.ArgumentError("set parameter dictionary must not be empty")
        self.update_values_to_set = []
        for k, v in set_.items():
            k = _unwrap(k)
            v = _unwrap(v)
            col = table.c.get(k) if isinstance(k, str) else k
            if col is None:
                raise exc.ArgumentError(f"Unconsumed column name in set_: {k!r}")
            if not isinstance(v, ClauseElement):
                check_literal(v, col.type, col)
                v = BindParameter(
                    None, v, type_=col.type, unique=True, _key_seed="param"
                )
            elif isinstance(v, SelectBase):
                v = v.scalar_subquery()
            self.update_values_to_set.append((col, v))
        self.update_whereclause = expect_where(where) if where is not None else None

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        parts = []
        for col, v in self.update_values_to_set:
            kk = col._gen_cache_key(anon_map, binds)
            vk = v._gen_cache_key(anon_map, binds)
            if vk is None:
                return None
            parts.append((kk, vk))
        wk = (
            self.update_whereclause._gen_cache_key(anon_map, binds)
            if self.update_whereclause is not None
            else None
        )
        return ("do_update", self._target_key(anon_map, binds), tuple(parts), wk)


class Insert(StandardInsert):
    """INSERT with ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""

    @property
    def excluded(self) -> ColumnCollection:
        """The ``excluded`` pseudo-table: the row proposed for insertion."""
        memo = self.__dict__.get("_qs_excluded")
        if memo is None:
            from .selectable import TableClause

            ex = TableClause("excluded")
            for c in self.table.c:
                ex.append_column(ColumnClause(c.name, c.type))
            cols = ColumnCollection([(c.key, ex.c[c.name]) for c in self.table.c])
            memo = self.__dict__["_qs_excluded"] = cols
        return memo

    def on_conflict_do_nothing(
        self,
        constraint: Any = None,
        index_elements: Any = None,
        index_where: Any = None,
    ) -> "Insert":
        new = self._generate()
        new._post_values_clause = OnConflictDoNothing(
            constraint, index_elements, index_where
        )
        return new  # type: ignore[no-any-return]

    def on_conflict_do_update(
        self,
        constraint: Any = None,
        index_elements: Any = None,
        index_where: Any = None,
        set_: Optional[dict[Any, Any]] = None,
        where: Any = None,
    ) -> "Insert":
        new = self._generate()
        new._post_values_clause = OnConflictDoUpdate(
            constraint, index_elements, index_where, set_, where, table=self.table
        )
        return new  # type: ignore[no-any-return]


class OnConflictCompilerMixin(_CompilerBase):
    """Renders ``ON CONFLICT`` clauses; mixed into the PG and SQLite compilers."""

    supports_on_conflict_constraint = True

    def _on_conflict_target(self, clause: Any, **kw: Any) -> str:
        if clause.constraint_target is not None:
            if not self.supports_on_conflict_constraint:
                raise exc.CompileError(
                    "ON CONFLICT ON CONSTRAINT is not supported by this dialect; "
                    "use index_elements"
                )
            return "ON CONSTRAINT " + self.preparer.quote(clause.constraint_target)
        if clause.inferred_target_elements is None:
            return ""
        cols = []
        for e in clause.inferred_target_elements:
            if isinstance(e, str):
                cols.append(self.preparer.quote(e))
            else:
                cols.append(self.process(e, include_table=False, **kw))
        text = "(" + ", ".join(cols) + ")"
        if clause.inferred_target_whereclause is not None:
            text += " WHERE " + self.process(
                clause.inferred_target_whereclause,
                include_table=False,
                **kw,
            )
        return text

    def visit_on_conflict_do_nothing(self, clause: Any, **kw: Any) -> str:
        target = self._on_conflict_target(clause, **kw)
        return "ON CONFLICT " + (target + " " if target else "") + "DO NOTHING"

    def visit_on_conflict_do_update(self, clause: Any, **kw: Any) -> str:
        target = self._on_conflict_target(clause, **kw)
        sets = []
        for col, value in clause.update_values_to_set:
            if isinstance(value, BinaryExpression):
                # SET x = (a || b), parenthesized as SQLAlchemy writes it
                value = Grouping(value)
            sets.append(
                self.preparer.quote(col.name)
                + " = "
                + self.process(value.self_group(), **kw)
            )
        text = "ON CONFLICT " + target + " DO UPDATE SET " + ", ".join(sets)
        if clause.update_whereclause is not None:
            text += " WHERE " + self.process(clause.update_whereclause, **kw)
        return text
