"""FROM clauses: tables, joins, aliases, subqueries and CTEs.

SELECT statements themselves live in ``select.py``.  A FROM clause exposes its
columns as ``.c``; derived FROM clauses (aliases, subqueries) hold *proxy*
columns whose ``_proxies`` point back at the originals, which is how
``corresponding_column`` and join-condition inference find their way.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .. import exc
from ..util import memoized_property
from .base import ColumnCollection, DedupeColumnCollection, Executable, Generative
from .elements import (
    BooleanClauseList,
    ClauseElement,
    ColumnClause,
    ColumnElement,
    TextClause,
    _anon_key,
    _anonymous_label,
    _key_of_all,
)

_serial = iter(range(1, 1 << 62))


class Selectable(ClauseElement):
    """Something that returns rows (mirrors ``sqlalchemy.sql.Selectable``)."""

    is_selectable = True

    @property
    def exported_columns(self) -> ColumnCollection:
        return self.c  # type: ignore[attr-defined,no-any-return]

    def corresponding_column(self, column: Any, require_embedded: bool = False) -> Any:
        """The column of this selectable derived from ``column``, or None."""
        return self.exported_columns.corresponding_column(column, require_embedded)


class FromClause(Selectable):
    """Something that can appear in a FROM clause (mirrors SQLAlchemy's class)."""

    __visit_name__ = "fromclause"
    _is_from_clause = True
    named_with_column = False
    schema: Optional[str] = None
    _is_join = False
    _is_table = False
    description = "fromclause"

    @property
    def _from_objects(self) -> list[Any]:
        return [self]

    @property
    def _hide_froms(self) -> Iterable[Any]:
        return ()

    @memoized_property
    def _columns(self) -> ColumnCollection:
        cols = ColumnCollection()
        self._populate_column_collection(cols)
        return cols

    def _populate_column_collection(self, cols: ColumnCollection) -> None:
        pass

    @property
    def c(self) -> ColumnCollection:
        """The columns of this FROM clause by key."""
        return self._columns

    columns = c

    @property
    def entity_namespace(self) -> ColumnCollection:
        return self.c

    @property
    def primary_key(self) -> Any:
        return [c for c in self.c if c.primary_key]

    @property
    def foreign_keys(self) -> set[Any]:
        return {fk for c in self.c for fk in c.foreign_keys}

    def select(self) -> Any:
        """``SELECT`` of all columns from this FROM clause."""
        from .select import Select

        return Select(self)

    def join(
        self,
        right: Any,
        onclause: Any = None,
        isouter: bool = False,
        full: bool = False,
    ) -> "Join":
        """``self JOIN right ON onclause`` (the ON clause inferred from foreign
        keys)."""
        return Join(self, right, onclause, isouter, full)

    def outerjoin(self, right: Any, onclause: Any = None, full: bool = False) -> "Join":
        return Join(self, right, onclause, True, full)

    def alias(self, name: Optional[str] = None, flat: bool = False) -> "Alias":
        """An aliased form of this FROM clause (``t AS name``)."""
        return Alias(self, name)

    def lateral(self, name: Optional[str] = None) -> "Lateral":
        return Lateral(self, name)

    def tablesample(
        self, sampling: Any, name: Optional[str] = None, seed: Any = None
    ) -> "TableSample":
        """``self AS name TABLESAMPLE method(arg) [REPEATABLE (seed)]``."""
        return TableSample(self, sampling, name=name, seed=seed)

    def is_derived_from(self, fromclause: Any) -> bool:
        return fromclause is self

    def _refresh_columns(self) -> None:
        self.__dict__.pop("_columns", None)


class TableClause(FromClause):
    """A lightweight table (``table("t", column("a"))``); ``Table`` extends it."""

    __visit_name__ = "table"
    named_with_column = True
    _is_table = True
    implicit_returning = True

    def __init__(self, name: str, *columns: Any, **kw: Any) -> None:
        self.name = name
        self.schema = kw.pop("schema", None)
        if kw:
            raise exc.ArgumentError(f"Unsupported argument(s): {', '.join(kw)}")
        self._qs_serial = next(_serial)
        self._columns_coll = DedupeColumnCollection()
        for c in columns:
            self.append_column(c)

    @property
    def _columns(self) -> ColumnCollection:  # type: ignore[override]
        return self._columns_coll

    @property
    def c(self) -> ColumnCollection:
        return self._columns_coll

    columns = c

    @property
    def fullname(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def description(self) -> str:  # type: ignore[override]
        return self.name

    def append_column(self, c: ColumnClause, **kw: Any) -> None:
        existing = c.table
        if existing is not None and existing is not self:
            raise exc.ArgumentError(
                f"column object {c.key!r} already assigned to table "
                f"{existing.description!r}"
            )
        c.table = self
        self._columns_coll.add(c)

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("table", self._qs_serial, len(self._columns_coll))

    def insert(self) -> Any:
        from .dml import Insert

        return Insert(self)

    def update(self) -> Any:
        from .dml import Update

        return Update(self)

    def delete(self) -> Any:
        from .dml import Delete

        return Delete(self)

    def __repr__(self) -> str:
        return f"<TableClause {self.name!r}>"

    def __str__(self) -> str:
        return self.fullname


class Join(FromClause):
    """``left JOIN right ON onclause`` (mirrors ``sqlalchemy.sql.Join``)."""

    __visit_name__ = "join"
    _is_join = True

    def __init__(
        self,
        left: Any,
        right: Any,
        onclause: Any = None,
        isouter: bool = False,
        full: bool = False,
    ) -> None:
        from .coercions import expect_from, expect_where

        self.left = expect_from(left)
        self.right = expect_from(right).self_group()
        if onclause is None:
            self.onclause = join_condition(self.left, self.right)
        else:
            self.onclause = expect_where(onclause)
        self.isouter = isouter
        self.full = full

    @property
    def description(self) -> str:  # type: ignore[override]
        return "Join object on %s(%d) and %s(%d)" % (
            self.left.description,
            id(self.left),
            self.right.description,
            id(self.right),
        )

    def _populate_column_collection(self, cols: ColumnCollection) -> None:
        for side in (self.left, self.right):
            for c in side.c:
                tname = getattr(c.table, "name", None)
                key = (
                    f"{tname}_{c.key}"
                    if tname and not isinstance(tname, _anonymous_label)
                    else c.key
                )
                cols._append(key, c)

    @property
    def _from_objects(self) -> list[Any]:
        return [self] + self.left._from_objects + self.right._from_objects

    @property
    def _hide_froms(self) -> Iterable[Any]:
        return [f for side in (self.left, self.right) for f in side._from_objects]

    def self_group(self, against: Any = None) -> Any:
        return self

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        lk = self.left._gen_cache_key(anon_map, binds)
        rk = self.right._gen_cache_key(anon_map, binds)
        ok = self.onclause._gen_cache_key(anon_map, binds)
        if lk is None or rk is None or ok is None:
            return None
        return ("join", lk, rk, ok, self.isouter, self.full)

    def select(self) -> Any:
        from .select import Select

        return Select(self)

    def is_derived_from(self, fromclause: Any) -> bool:
        return (
            fromclause is self
            or self.left.is_derived_from(fromclause)
            or self.right.is_derived_from(fromclause)
        )


def _tables_of(fromclause: Any) -> list[Any]:
    out = []
    for f in fromclause._from_objects:
        if f._is_join:
            continue
        out.append(f)
    return out


def _fks_between(a: Any, b: Any) -> list[tuple[Any, Any, Any]]:
    """(foreign key column, referenced column) pairs linking ``a`` and ``b``."""
    pairs = []
    for fk in sorted(b.foreign_keys, key=lambda fk: fk.parent._qs_order):
        col = fk.get_referent(a)
        if col is not None:
            pairs.append((fk, col, fk.parent_in(b)))
    if a is not b:
        for fk in sorted(a.foreign_keys, key=lambda fk: fk.parent._qs_order):
            col = fk.get_referent(b)
            if col is not None:
                pairs.append((fk, col, fk.parent_in(a)))
    return pairs


def join_condition(a: Any, b: Any, a_subset: Any = None) -> ColumnElement:
    """The ON clause joining ``a`` to ``b``, inferred from foreign keys.

    Raises ``NoForeignKeysError`` when no foreign key links them and
    ``AmbiguousForeignKeysError`` when more than one constraint could.
    """
    candidates = []
    if a._is_join:
        candidates.append(a.right)
    candidates.append(a)
    for left in candidates:
        found = _fks_between(left, b)
        if found:
            break
    else:
        raise exc.NoForeignKeysError(
            "Can't find any foreign key relationships between "
            f"'{a.description}' and '{b.description}'."
        )
    constraints: dict[Any, list[Any]] = {}
    for fk, col, parent in found:
        constraints.setdefault(fk.constraint, []).append((col, parent))
    if len(constraints) > 1:
        raise exc.AmbiguousForeignKeysError(
            f"Can't determine join between '{a.description}' and '{b.description}'; "
            "tables have more than one foreign key constraint relationship between "
            "them. Please specify the 'onclause' of this join explicitly."
        )
    (pairs,) = constraints.values()
    crit = [col == parent for col, parent in pairs]
    if len(crit) == 1:
        return crit[0]  # type: ignore[no-any-return]
    return BooleanClauseList.and_(*crit)


class AliasedReturnsRows(FromClause):
    """Base of ``Alias``, ``Subquery``, ``CTE``: a named FROM over an element."""

    named_with_column = True
    _proxy_all_labels = False

    def __init__(self, selectable: Any, name: Optional[str] = None) -> None:
        self.element = selectable
        if name is None:
            # an unnamed table alias is ``t AS t_1``, anything else ``anon_1``
            base = selectable.name if getattr(selectable, "_is_table", False) else None
            if not isinstance(base, str) or isinstance(base, _anonymous_label):
                base = "anon"
            name = _anonymous_label.make(id(self), base)
        self.name = name

    @property
    def description(self) -> str:  # type: ignore[override]
        return self.name

    @property
    def original(self) -> Any:
        return self.element

    def _populate_column_collection(self, cols: ColumnCollection) -> None:
        source = self.element
        if getattr(source, "_is_select_base", False):
            for key, name, col in source._column_naming():
                proxy = col._make_proxy(self, name=name, key=key)
                cols._append(key, proxy)
        else:
            for c in source.c:
                proxy = c._make_proxy(self, name=c.name, key=c.key)
                cols._append(c.key, proxy)

    @property
    def _hide_froms(self) -> Iterable[Any]:
        return ()

    def is_derived_from(self, fromclause: Any) -> bool:
        return (
            fromclause is self or self.element.is_derived_from(fromclause)
            if hasattr(self.element, "is_derived_from")
            else fromclause is self
        )

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        ek = self.element._gen_cache_key(anon_map, binds)
        if ek is None:
            return None
        return (self.__visit_name__, _anon_key(self.name, anon_map), ek)


class Alias(AliasedReturnsRows):
    """``table AS name`` (``table.alias()``)."""

    __visit_name__ = "alias"

    @property
    def _is_table_alias(self) -> bool:
        return not getattr(self.element, "_is_select_base", False)

    @property
    def foreign_keys(self) -> set[Any]:
        return {fk for c in self.c for fk in c.foreign_keys}


class TableSample(Alias):
    """``t AS name TABLESAMPLE system(10) REPEATABLE (seed)`` (mirrors
    ``sqlalchemy.sql.expression.TableSample``).

    A number as ``sampling`` means ``func.system(number)``, as in
    SQLAlchemy; a function (``func.bernoulli(5)``) names the method.
    """

    __visit_name__ = "tablesample"

    def __init__(
        self,
        selectable: Any,
        sampling: Any,
        name: Optional[str] = None,
        seed: Any = None,
    ) -> None:
        from .coercions import expect_column_or_literal
        from .functions import FunctionElement, func

        super().__init__(selectable, name)
        if not isinstance(sampling, FunctionElement):
            sampling = func.system(sampling)
        self.sampling = sampling
        self.seed = None if seed is None else expect_column_or_literal(seed)

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        base = super()._gen_cache_key(anon_map, binds)
        sk = self.sampling._gen_cache_key(anon_map, binds)
        seed = () if self.seed is None else self.seed._gen_cache_key(anon_map, binds)
        if base is None or sk is None or seed is None:
            return None
        return base + (sk, seed)


class Subquery(AliasedReturnsRows):
    """``(SELECT ...) AS name`` (``select.subquery()``)."""

    __visit_name__ = "subquery"

    def _refresh_for_new_column(self, column: Any) -> None:  # pragma: no cover
        pass


class Lateral(AliasedReturnsRows):
    """``LATERAL (SELECT ...) AS name``."""

    __visit_name__ = "lateral"


class TableValuedAlias(AliasedReturnsRows):
    """A table-valued function in FROM (``func.json_each(x).alias()``)."""

    __visit_name__ = "table_valued_alias"

    def __init__(
        self, fn: Any, name: Optional[str] = None, names: Iterable[Any] = ()
    ) -> None:
        super().__init__(fn, name)
        self._names = list(names)

    def _populate_column_collection(self, cols: ColumnCollection) -> None:
        for n in self._names or ["value"]:
            col = n if isinstance(n, ColumnClause) else ColumnClause(str(n))
            proxy = ColumnClause(col.name, col.type, _selectable=self)
            cols._append(col.name, proxy)

    @property
    def column(self) -> Any:
        return ColumnClause(self.name, self.element.type, _selectable=None)


class CTE(AliasedReturnsRows, Generative):
    """A common table expression, ``WITH name AS (SELECT ...)``."""

    __visit_name__ = "cte"

    def __init__(
        self,
        selectable: Any,
        name: Optional[str] = None,
        recursive: bool = False,
        nesting: bool = False,
    ) -> None:
        super().__init__(selectable, name)
        self.recursive = recursive
        self.nesting = nesting
        self._cte_alias: Optional[CTE] = None
        self._restates: Optional[CTE] = None

    def alias(self, name: Optional[str] = None, flat: bool = False) -> "CTE":  # type: ignore[override]
        new = CTE(self.element, name, self.recursive)
        new._cte_alias = self
        return new

    def union(self, *other: Any) -> "CTE":
        return self._compound("union", other)

    def union_all(self, *other: Any) -> "CTE":
        return self._compound("union_all", other)

    def _compound(self, kind: str, other: Any) -> "CTE":
        from .select import CompoundSelect

        sel = getattr(CompoundSelect, "_" + kind)(self.element, *other)
        new = CTE(sel, self.name, self.recursive)
        new._restates = self
        return new

    def _gen_cache_key(self, anon_map: dict[Any, Any], binds: list[Any]) -> Any:
        # the CTEs seen so far ride along in anon_map under a tuple key
        seen: dict[int, int] = anon_map.setdefault(("cte",), {})
        if id(self) in seen:
            return ("cte_ref", seen[id(self)])
        seen[id(self)] = len(seen)
        ek = self.element._gen_cache_key(anon_map, binds)
        if ek is None:
            return None
        ak = (
            self._cte_alias._gen_cache_key(anon_map, binds)
            if self._cte_alias is not None
            else None
        )
        return ("cte", _anon_key(self.name, anon_map), ek, self.recursive, ak)


class TextFromClause(FromClause):
    """``text()`` used in FROM."""

    __visit_name__ = "text_from"

    def __init__(self, text: TextClause) -> None:
        self.text = text

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return self.text._gen_cache_key(anon_map, binds)


class ForUpdateArg(ClauseElement):
    """The options of ``with_for_update()``."""

    __visit_name__ = "for_update"

    def __init__(
        self,
        nowait: bool = False,
        read: bool = False,
        of: Any = None,
        skip_locked: bool = False,
        key_share: bool = False,
    ) -> None:
        from .coercions import _unwrap

        self.nowait = nowait
        self.read = read
        self.skip_locked = skip_locked
        self.key_share = key_share
        if of is None:
            self.of = None
        else:
            items = of if isinstance(of, (list, tuple)) else [of]
            self.of = [_unwrap(o) for o in items]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        ok = _key_of_all(self.of, anon_map, binds) if self.of else ()
        return (
            "for_update",
            self.nowait,
            self.read,
            self.skip_locked,
            self.key_share,
            ok,
        )


def table(name: str, *columns: ColumnClause, **kw: Any) -> TableClause:
    """A lightweight table for ad-hoc statements (mirrors ``sqlalchemy.table``)."""
    return TableClause(name, *columns, **kw)


def join(
    left: Any,
    right: Any,
    onclause: Any = None,
    isouter: bool = False,
    full: bool = False,
) -> Join:
    """``left JOIN right`` (mirrors ``sqlalchemy.join``)."""
    return Join(left, right, onclause, isouter, full)


def outerjoin(left: Any, right: Any, onclause: Any = None, full: bool = False) -> Join:
    """``left LEFT OUTER JOIN right``."""
    return Join(left, right, onclause, True, full)


def alias(selectable: Any, name: Optional[str] = None, flat: bool = False) -> Any:
    return selectable.alias(name=name)


def lateral(selectable: Any, name: Optional[str] = None) -> Any:
    return selectable.lateral(name)


def tablesample(
    selectable: Any, sampling: Any, name: Optional[str] = None, seed: Any = None
) -> TableSample:
    """``selectable TABLESAMPLE ...`` (mirrors ``sqlalchemy.tablesample``)."""
    return TableSample(selectable, sampling, name=name, seed=seed)


__all__ = ["Executable"]
