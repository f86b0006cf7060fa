"""SELECT statements: ``Select``, compound selects, scalar subqueries, EXISTS.

A ``Select`` keeps what the user gave (raw columns, criteria, joins to set
up) and works out its FROM list at compile time, so ``select(t.c.a)``
needs no ``select_from``.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .. import exc
from . import operators as ops
from .base import ColumnCollection, Executable, HasPrefixes, HasSuffixes
from .coercions import (
    _unwrap,
    expect_column,
    expect_columns_clause,
    expect_from,
    expect_order_by,
    expect_where,
)
from .elements import (
    BindParameter,
    BooleanClauseList,
    ClauseElement,
    ColumnElement,
    Grouping,
    Label,
    TextClause,
    UnaryExpression,
    _anonymous_label,
    _bool_type,
    _key_of_all,
)
from .selectable import (
    CTE,
    Alias,
    ForUpdateArg,
    FromClause,
    Join,
    Lateral,
    Selectable,
    Subquery,
)

LABEL_STYLE_NONE = "LABEL_STYLE_NONE"
LABEL_STYLE_TABLENAME_PLUS_COL = "LABEL_STYLE_TABLENAME_PLUS_COL"
LABEL_STYLE_DISAMBIGUATE_ONLY = "LABEL_STYLE_DISAMBIGUATE_ONLY"
LABEL_STYLE_DEFAULT = LABEL_STYLE_DISAMBIGUATE_ONLY


def _offset_or_limit(value: Any, name: str) -> Any:
    if value is None:
        return None
    value = _unwrap(value)
    if isinstance(value, ClauseElement):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise exc.ArgumentError(
                f"Query {name} must be an integer, got {value!r}"
            ) from None
    from .sqltypes import Integer

    return BindParameter(None, value, type_=Integer(), unique=True)


class SelectBase(Executable, Selectable):
    """Base of SELECT-like statements (mirrors ``sqlalchemy.sql.SelectBase``)."""

    _is_select_base = True
    _is_select_statement = True
    is_select = True
    _order_by_clauses: tuple[Any, ...] = ()
    _group_by_clauses: tuple[Any, ...] = ()
    _limit_clause: Any = None
    _offset_clause: Any = None
    _fetch_clause: Any = None
    _fetch_clause_options: Optional[dict[str, bool]] = None
    _for_update_arg: Any = None
    _label_style = LABEL_STYLE_DEFAULT

    def subquery(self, name: Optional[str] = None) -> Subquery:
        """This SELECT as a named FROM clause, ``(SELECT ...) AS name``."""
        return Subquery(self, name)

    def alias(self, name: Optional[str] = None, flat: bool = False) -> Subquery:
        return self.subquery(name)

    def cte(
        self, name: Optional[str] = None, recursive: bool = False, nesting: bool = False
    ) -> CTE:
        """This SELECT as a common table expression."""
        return CTE(self, name, recursive, nesting)

    def lateral(self, name: Optional[str] = None) -> Lateral:
        return Lateral(self, name)

    def scalar_subquery(self) -> "ScalarSelect":
        """This SELECT as a column expression, ``(SELECT ...)``."""
        return ScalarSelect(self)

    def label(self, name: Optional[str]) -> Label:
        return self.scalar_subquery().label(name)

    def exists(self) -> "Exists":
        return Exists(self)

    def is_derived_from(self, fromclause: Any) -> bool:
        return False

    @property
    def exported_columns(self) -> ColumnCollection:
        return self.selected_columns  # type: ignore[attr-defined,no-any-return]

    def set_label_style(self, style: str) -> Any:
        new = self._generate()
        new._label_style = style
        return new

    def get_label_style(self) -> str:
        return self._label_style

    # -- GenerativeSelect ------------------------------------------------
    def order_by(self, *clauses: Any) -> Any:
        """Add ORDER BY criteria; ``order_by(None)`` clears them."""
        new = self._generate()
        if len(clauses) == 1 and clauses[0] is None:
            new._order_by_clauses = ()
        else:
            new._order_by_clauses = self._order_by_clauses + tuple(
                expect_order_by(c) for c in clauses
            )
        return new

    def group_by(self, *clauses: Any) -> Any:
        new = self._generate()
        if len(clauses) == 1 and clauses[0] is None:
            new._group_by_clauses = ()
        else:
            new._group_by_clauses = self._group_by_clauses + tuple(
                expect_order_by(c) for c in clauses
            )
        return new

    def limit(self, limit: Any) -> Any:
        """``LIMIT n``; replaces a ``fetch()`` given before, as in SQLAlchemy."""
        new = self._generate()
        new._fetch_clause = new._fetch_clause_options = None
        new._limit_clause = _offset_or_limit(limit, "limit")
        return new

    def offset(self, offset: Any) -> Any:
        new = self._generate()
        new._offset_clause = _offset_or_limit(offset, "offset")
        return new

    def slice(self, start: Optional[int], stop: Optional[int]) -> Any:
        """LIMIT/OFFSET from Python slice bounds."""
        start = start or 0
        new = self._generate()
        if stop is not None:
            new._limit_clause = _offset_or_limit(max(stop - start, 0), "limit")
        new._offset_clause = _offset_or_limit(start, "offset") if start else None
        return new

    def fetch(self, count: Any, with_ties: bool = False, percent: bool = False) -> Any:
        """``FETCH FIRST n [PERCENT] ROWS ONLY|WITH TIES`` (replaces ``limit()``).

        Rendered as SQL:2008 ``FETCH`` where the dialect has it; SQLite, which
        has not, gets the equivalent ``LIMIT`` for a plain count.
        ``fetch(None)`` removes it.
        """
        new = self._generate()
        new._limit_clause = None
        if count is None:
            new._fetch_clause = new._fetch_clause_options = None
        else:
            new._fetch_clause = _offset_or_limit(count, "fetch")
            new._fetch_clause_options = {"with_ties": with_ties, "percent": percent}
        return new

    def with_for_update(
        self,
        *,
        nowait: bool = False,
        read: bool = False,
        of: Any = None,
        skip_locked: bool = False,
        key_share: bool = False,
    ) -> Any:
        """``FOR UPDATE`` (PostgreSQL); omitted by SQLite as in SQLAlchemy."""
        new = self._generate()
        new._for_update_arg = ForUpdateArg(
            nowait=nowait,
            read=read,
            of=of,
            skip_locked=skip_locked,
            key_share=key_share,
        )
        return new

    def _gen_limit_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        parts: list[Any] = []
        for item in (self._limit_clause, self._offset_clause, self._fetch_clause):
            parts.append(None if item is None else item._gen_cache_key(anon_map, binds))
        if self._fetch_clause_options:
            parts.append(tuple(sorted(self._fetch_clause_options.items())))
        ob = _key_of_all(self._order_by_clauses, anon_map, binds)
        gb = _key_of_all(self._group_by_clauses, anon_map, binds)
        fu = (
            self._for_update_arg._gen_cache_key(anon_map, binds)
            if self._for_update_arg is not None
            else None
        )
        return (tuple(parts), ob, gb, fu, self._label_style)


class Select(HasPrefixes, HasSuffixes, SelectBase):
    """``SELECT`` (mirrors ``sqlalchemy.sql.Select``); build it with ``select()``."""

    __visit_name__ = "select"
    _where_criteria: tuple[Any, ...] = ()
    _having_criteria: tuple[Any, ...] = ()
    _from_obj: tuple[Any, ...] = ()
    _setup_joins: tuple[Any, ...] = ()
    _distinct = False
    _distinct_on: tuple[Any, ...] = ()
    _correlate: tuple[Any, ...] = ()
    _correlate_except: Optional[tuple[Any, ...]] = None
    _auto_correlate = True

    def __init__(self, *entities: Any) -> None:
        self._raw_columns = [expect_columns_clause(e) for e in entities]
        for e in entities:
            attrs = getattr(e, "_propagate_attrs", None)
            if attrs:
                self._propagate_attrs = attrs
                break
        for e in entities:
            # a column of a single-table-inheritance subclass (an ORM
            # attribute, duck-typed: Core knows no ORM) brings the subclass's
            # discriminator criterion, as SQLAlchemy's ORM compilation adds it.
            # Classes are skipped: a missing class attribute is a slow lookup,
            # and an entity's criterion comes from the ORM execution path
            if isinstance(e, type):
                continue
            crit = getattr(e, "_qs_single_criterion", None)
            if crit is not None and not any(w is crit for w in self._where_criteria):
                self._where_criteria = self._where_criteria + (crit,)

    @classmethod
    def _create_raw(cls, raw_columns: list[Any]) -> "Select":
        new = cls.__new__(cls)
        new._raw_columns = raw_columns
        return new

    # -- columns -----------------------------------------------------------
    def _expanded_columns(self) -> list[Any]:
        out: list[Any] = []
        for c in self._raw_columns:
            if getattr(c, "_is_from_clause", False):
                out.extend(c.c)
            else:
                out.append(c)
        return out

    def _column_naming(self) -> list[tuple[str, Any, Any]]:
        """(key, name, column) per selected column, names made unique."""
        memo = self.__dict__.get("_qs_naming")
        if memo is not None:
            return memo  # type: ignore[no-any-return]
        out: list[tuple[str, Any, Any]] = []
        seen_names: set[str] = set()
        seen_keys: set[str] = set()
        tablename_plus = self._label_style == LABEL_STYLE_TABLENAME_PLUS_COL
        for col in self._expanded_columns():
            name = col._non_anon_label if isinstance(col, ColumnElement) else None
            if (
                tablename_plus
                and name
                and getattr(col, "table", None) is not None
                and getattr(col.table, "named_with_column", False)
                and not isinstance(col, Label)
            ):
                name = f"{col.table.name}_{name}"
            if name is None or name in seen_names:
                # the same column repeated is labelled ``id__1`` (SQLAlchemy's
                # dedupe label), another column of the same name ``id_1``
                repeated = any(prev is col for _k, _n, prev in out)
                name = (
                    col._anon_name_label
                    if name is None
                    else _anonymous_label.make(
                        id(col) ^ len(out), name + "_" if repeated else name
                    )
                )
            seen_names.add(name)
            key = getattr(col, "key", None) or name
            if (
                tablename_plus
                and isinstance(name, str)
                and not isinstance(name, _anonymous_label)
            ):
                key = name
            if key in seen_keys or isinstance(key, _anonymous_label):
                key = _dedupe(
                    key if not isinstance(key, _anonymous_label) else _simple_name(key),
                    seen_keys,
                )
            seen_keys.add(key)
            out.append((key, name, col))
        self.__dict__["_qs_naming"] = out
        return out

    @property
    def selected_columns(self) -> ColumnCollection:
        """The columns this SELECT returns, by key."""
        return ColumnCollection([(k, c) for k, _, c in self._column_naming()])

    @property
    def column_descriptions(self) -> list[dict[str, Any]]:
        return [
            {"name": k, "type": c.type, "expr": c, "aliased": False, "entity": None}
            for k, _, c in self._column_naming()
        ]

    @property
    def c(self) -> ColumnCollection:
        return self.selected_columns

    def with_only_columns(
        self, *entities: Any, maintain_column_froms: bool = False
    ) -> "Select":
        new = self._generate()
        if maintain_column_froms:
            new._from_obj = self._from_obj + tuple(self.columns_clause_froms)
        new._raw_columns = [expect_columns_clause(e) for e in entities]
        new.__dict__.pop("_qs_naming", None)
        return new  # type: ignore[no-any-return]

    @property
    def columns_clause_froms(self) -> list[Any]:
        out: list[Any] = []
        for c in self._raw_columns:
            for f in c._from_objects:
                if f not in out:
                    out.append(f)
        return out

    def add_columns(self, *entities: Any) -> "Select":
        new = self._generate()
        new._raw_columns = self._raw_columns + [
            expect_columns_clause(e) for e in entities
        ]
        new.__dict__.pop("_qs_naming", None)
        return new  # type: ignore[no-any-return]

    def column(self, column: Any) -> "Select":
        return self.add_columns(column)

    def _generate(self) -> Any:
        new = super()._generate()
        new.__dict__.pop("_qs_naming", None)
        return new

    # -- criteria ----------------------------------------------------------
    def where(self, *whereclause: Any) -> "Select":
        """Add WHERE criteria, joined by AND."""
        new = self._generate()
        new._where_criteria = self._where_criteria + tuple(
            expect_where(w) for w in whereclause
        )
        return new  # type: ignore[no-any-return]

    filter = where

    def filter_by(self, **kwargs: Any) -> "Select":
        """WHERE ``col == value`` per keyword, against the last joined entity."""
        ns = self._filter_by_zero()
        crit = []
        for key, value in kwargs.items():
            try:
                col = (
                    getattr(ns, key)
                    if not isinstance(ns, ColumnCollection)
                    else ns[key]
                )
            except (AttributeError, KeyError):
                # a mapped class is named by its table, as SQLAlchemy does
                named = getattr(ns, "__table__", ns)
                raise exc.InvalidRequestError(
                    f'Entity namespace for "{getattr(named, "description", named)}" '
                    f'has no property "{key}"'
                ) from None
            crit.append(col == value)
        return self.where(*crit)

    def _filter_by_zero(self) -> Any:
        if self._setup_joins:
            return _entity_namespace(self._setup_joins[-1][0])
        if self._from_obj:
            return _entity_namespace(self._from_obj[-1])
        for c in self._raw_columns:
            if getattr(c, "_is_from_clause", False):
                return _entity_namespace(c)
            if getattr(c, "table", None) is not None:
                return _entity_namespace(c.table)
        raise exc.InvalidRequestError("Can't use filter_by() on a SELECT with no FROM")

    def having(self, *having: Any) -> "Select":
        new = self._generate()
        new._having_criteria = self._having_criteria + tuple(
            expect_where(h) for h in having
        )
        return new  # type: ignore[no-any-return]

    def distinct(self, *expr: Any) -> "Select":
        """``SELECT DISTINCT``; with expressions, PostgreSQL ``DISTINCT ON``."""
        new = self._generate()
        new._distinct = True
        if expr:
            new._distinct_on = self._distinct_on + tuple(expect_column(e) for e in expr)
        return new  # type: ignore[no-any-return]

    def select_from(self, *froms: Any) -> "Select":
        new = self._generate()
        new._from_obj = self._from_obj + tuple(expect_from(f) for f in froms)
        return new  # type: ignore[no-any-return]

    def join(
        self,
        target: Any,
        onclause: Any = None,
        *,
        isouter: bool = False,
        full: bool = False,
    ) -> "Select":
        """JOIN ``target`` to the FROM it relates to (ON inferred from foreign keys)."""
        via = onclause if onclause is not None else target
        hook = getattr(via, "_qs_join_steps", None)
        if hook is not None:  # an ORM relationship (A.bs) gives its ON clause(s)
            # join(target, A.bs): the hook adapts ON to an aliased target
            steps = hook(target) if onclause is not None else hook()
            joined = self
            for step_target, step_on in steps:
                joined = joined.join(step_target, step_on, isouter=isouter, full=full)
            return joined
        new = self._generate()
        target = expect_from(target)
        on = expect_where(onclause) if onclause is not None else None
        new._setup_joins = self._setup_joins + ((target, on, None, isouter, full),)
        return new  # type: ignore[no-any-return]

    def outerjoin(
        self, target: Any, onclause: Any = None, *, full: bool = False
    ) -> "Select":
        return self.join(target, onclause, isouter=True, full=full)

    def join_from(
        self,
        from_: Any,
        target: Any,
        onclause: Any = None,
        *,
        isouter: bool = False,
        full: bool = False,
    ) -> "Select":
        new = self._generate()
        target = expect_from(target)
        from_ = expect_from(from_)
        on = expect_where(onclause) if onclause is not None else None
        new._setup_joins = self._setup_joins + ((target, on, from_, isouter, full),)
        return new  # type: ignore[no-any-return]

    def outerjoin_from(
        self, from_: Any, target: Any, onclause: Any = None, *, full: bool = False
    ) -> "Select":
        return self.join_from(from_, target, onclause, isouter=True, full=full)

    def correlate(self, *fromclauses: Any) -> "Select":
        new = self._generate()
        new._auto_correlate = False
        if fromclauses and fromclauses[0] is None:
            new._correlate = ()
        else:
            new._correlate = self._correlate + tuple(
                expect_from(f) for f in fromclauses
            )
        return new  # type: ignore[no-any-return]

    def correlate_except(self, *fromclauses: Any) -> "Select":
        new = self._generate()
        new._auto_correlate = False
        new._correlate_except = (self._correlate_except or ()) + tuple(
            expect_from(f) for f in fromclauses if f is not None
        )
        return new  # type: ignore[no-any-return]

    @property
    def whereclause(self) -> Optional[ColumnElement]:
        if not self._where_criteria:
            return None
        return BooleanClauseList.and_(*self._where_criteria)

    # -- set operations ----------------------------------------------------
    def union(self, *other: Any) -> "CompoundSelect":
        return CompoundSelect._union(self, *other)

    def union_all(self, *other: Any) -> "CompoundSelect":
        return CompoundSelect._union_all(self, *other)

    def intersect(self, *other: Any) -> "CompoundSelect":
        return CompoundSelect("INTERSECT", self, *other)

    def intersect_all(self, *other: Any) -> "CompoundSelect":
        return CompoundSelect("INTERSECT ALL", self, *other)

    def except_(self, *other: Any) -> "CompoundSelect":
        return CompoundSelect("EXCEPT", self, *other)

    def except_all(self, *other: Any) -> "CompoundSelect":
        return CompoundSelect("EXCEPT ALL", self, *other)

    # -- FROM computation ----------------------------------------------------
    def _raw_froms(self) -> list[Any]:
        froms: list[Any] = []
        seen: set[int] = set()

        def add(items: Iterable[Any]) -> None:
            for f in items:
                # an ORM entity's FROM stands in for its table: one FROM for both
                key = id(getattr(f, "__dict__", {}).get("_qs_original", f))
                if key not in seen:
                    seen.add(key)
                    froms.append(f)

        # select_from() targets first, then the columns', then WHERE's: the
        # order SQLAlchemy 2.x writes them in
        add(self._from_obj)
        for c in self._raw_columns:
            add(
                c._from_objects[:1]
                if getattr(c, "_is_from_clause", False)
                else c._from_objects
            )
        for w in self._where_criteria:
            add(w._from_objects)
        return froms

    def _froms_with_joins(self) -> list[Any]:
        froms = self._raw_froms()
        for target, on, from_, isouter, full in self._setup_joins:
            left_idx = self._find_join_left(froms, target, on, from_)
            left = froms[left_idx] if left_idx is not None else from_
            joined = Join(left, target, on, isouter, full)
            if left_idx is None:
                froms.append(joined)
            else:
                froms[left_idx] = joined
            hidden = {id(h) for h in joined._hide_froms}
            froms = [
                f for i, f in enumerate(froms) if f is joined or id(f) not in hidden
            ]
        return froms

    def _find_join_left(
        self, froms: list[Any], target: Any, on: Any, from_: Any
    ) -> Optional[int]:
        if from_ is not None:
            for i, f in enumerate(froms):
                if f is from_ or any(h is from_ for h in f._hide_froms):
                    return i
            return None
        candidates = [
            i
            for i, f in enumerate(froms)
            if f is not target and not any(h is target for h in f._hide_froms)
        ]
        if on is not None:
            on_froms = {id(x) for x in on._from_objects}
            for i in candidates:
                f = froms[i]
                if id(f) in on_froms or any(id(h) in on_froms for h in f._hide_froms):
                    return i
        if len(candidates) == 1:
            return candidates[0]
        linked = []
        for i in candidates:
            try:
                from .selectable import join_condition

                join_condition(froms[i], target)
                linked.append(i)
            except exc.ArgumentError:
                continue
        if len(linked) == 1:
            return linked[0]
        if not candidates:
            raise exc.InvalidRequestError(
                "No FROM clause to join from; use join_from() or select_from()"
            )
        if len(linked) > 1:
            raise exc.InvalidRequestError(
                "Can't determine which FROM clause to join from, there are multiple "
                "FROMS which can join to this entity. Please use the .select_from() "
                "method to establish an explicit left side, as well as providing an "
                "explicit ON clause if not present already to help resolve the "
                "ambiguity."
            )
        return candidates[0]

    def _display_froms(self, enclosing: Optional[list[Any]] = None) -> list[Any]:
        froms = self._froms_with_joins()
        hidden: set[int] = set()
        for f in froms:
            hidden.update(id(h) for h in f._hide_froms)
        froms = [f for f in froms if id(f) not in hidden]
        if self._correlate_except is not None:
            except_ids = {id(f) for f in self._correlate_except}
            if enclosing:
                enc = {id(f) for f in enclosing}
                froms = [f for f in froms if id(f) not in enc or id(f) in except_ids]
        elif self._correlate:
            corr = {id(f) for f in self._correlate}
            if enclosing is not None:
                enc = {id(f) for f in enclosing}
                froms = [f for f in froms if not (id(f) in corr and id(f) in enc)]
        elif self._auto_correlate and enclosing:
            enc = {id(f) for f in enclosing}
            remaining = [f for f in froms if id(f) not in enc]
            if remaining:
                froms = remaining
        return froms

    def get_final_froms(self) -> list[Any]:
        return self._display_froms()

    @property
    def froms(self) -> list[Any]:
        return self._display_froms()

    # -- cache key -----------------------------------------------------------
    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        # only the parts a statement uses are visited: a typical
        # ``select(cols).where(x)`` touches two lists, not ten
        cols = _key_of_all(self._raw_columns, anon_map, binds)
        if cols is None:
            return None
        key: list[Any] = ["select", cols]
        for tag, items in (
            ("where", self._where_criteria),
            ("having", self._having_criteria),
            ("from", self._from_obj),
            ("distinct_on", self._distinct_on),
            ("correlate", self._correlate),
        ):
            if items:
                k = _key_of_all(items, anon_map, binds)
                if k is None:
                    return None
                key += (tag, k)
        if self._correlate_except is not None:
            k = _key_of_all(self._correlate_except, anon_map, binds)
            if k is None:
                return None
            key += ("correlate_except", k)
        if self._setup_joins:
            joins = []
            for target, on, from_, isouter, full in self._setup_joins:
                tk = target._gen_cache_key(anon_map, binds)
                ok = on._gen_cache_key(anon_map, binds) if on is not None else ()
                fk = from_._gen_cache_key(anon_map, binds) if from_ is not None else ()
                if tk is None or ok is None or fk is None:
                    return None
                joins.append((tk, ok, fk, isouter, full))
            key += ("joins", tuple(joins))
        if (
            self._limit_clause is not None
            or self._offset_clause is not None
            or self._fetch_clause is not None
            or self._order_by_clauses
            or self._group_by_clauses
            or self._for_update_arg is not None
        ):
            rest = self._gen_limit_key(anon_map, binds)
            if rest[1] is None or rest[2] is None:
                return None
            key += ("rest", rest)
        key += (
            self._distinct,
            self._auto_correlate,
            self._label_style,
            self._prefixes,
            self._suffixes,
            self._propagate_attrs.get("plugin_key") if self._propagate_attrs else None,
        )
        return tuple(key)

    def __repr__(self) -> str:
        return f"<Select at {id(self):#x}>"


def _simple_name(name: str) -> str:
    m = str(name).rsplit(" ", 1)
    return m[-1].rstrip(")s") if len(m) > 1 else str(name)


def _dedupe(key: str, seen: set[str]) -> str:
    if key not in seen:
        return key
    i = 1
    while f"{key}_{i}" in seen:
        i += 1
    return f"{key}_{i}"


def _entity_namespace(obj: Any) -> Any:
    ns = getattr(obj, "entity_namespace", None)
    if ns is not None:
        return ns
    return obj.c


class CompoundSelect(SelectBase):
    """``SELECT ... UNION SELECT ...`` (mirrors ``sqlalchemy.sql.CompoundSelect``)."""

    __visit_name__ = "compound_select"

    def __init__(self, keyword: str, *selects: Any) -> None:
        self.keyword = keyword
        self.selects = [
            s.self_group(against=self) if isinstance(s, CompoundSelect) else s
            for s in (_unwrap(x) for x in selects)
        ]
        n = None
        for s in self.selects:
            cols = len(s.selected_columns)
            if n is not None and cols != n:
                raise exc.ArgumentError(
                    "All selectables passed to CompoundSelect must have identical "
                    "numbers "
                    f"of columns; select #1 has {n} columns, select #"
                    f"{self.selects.index(s) + 1} has {cols}"
                )
            n = cols

    @classmethod
    def _union(cls, *selects: Any) -> "CompoundSelect":
        return cls("UNION", *selects)

    @classmethod
    def _union_all(cls, *selects: Any) -> "CompoundSelect":
        return cls("UNION ALL", *selects)

    def _column_naming(self) -> list[tuple[str, Any, Any]]:
        return self.selects[0]._column_naming()  # type: ignore[no-any-return]

    @property
    def selected_columns(self) -> ColumnCollection:
        return self.selects[0].selected_columns  # type: ignore[no-any-return]

    def self_group(self, against: Any = None) -> Any:
        return self

    def union(self, *other: Any) -> "CompoundSelect":
        return CompoundSelect("UNION", self, *other)

    def union_all(self, *other: Any) -> "CompoundSelect":
        return CompoundSelect("UNION ALL", self, *other)

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        sk = _key_of_all(self.selects, anon_map, binds)
        rest = self._gen_limit_key(anon_map, binds)
        if sk is None or rest[1] is None:
            return None
        return ("compound", self.keyword, sk, rest)


class TextualSelect(SelectBase):
    """``text(...).columns(...)``: a text statement with known result columns."""

    __visit_name__ = "textual_select"
    _is_textual = True

    def __init__(self, text: TextClause, columns: list[Any]) -> None:
        self.element = text
        self.column_args = columns

    def _column_naming(self) -> list[tuple[str, Any, Any]]:
        return [(c.key, c.name, c) for c in self.column_args]

    @property
    def selected_columns(self) -> ColumnCollection:
        return ColumnCollection([(c.key, c) for c in self.column_args])

    def bindparams(self, *binds: Any, **kw: Any) -> "TextualSelect":
        new = self._generate()
        new.element = self.element.bindparams(*binds, **kw)
        return new  # type: ignore[no-any-return]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        tk = self.element._gen_cache_key(anon_map, binds)
        ck = _key_of_all(self.column_args, anon_map, binds)
        if tk is None or ck is None:
            return None
        return ("textual_select", tk, ck)


class ScalarSelect(ColumnElement):
    """A SELECT used as a column expression, ``(SELECT ...)``."""

    __visit_name__ = "scalar_select"
    _is_select_base = False

    def __init__(self, element: Any) -> None:
        self.element = element
        cols = list(element.selected_columns)
        from .sqltypes import NULLTYPE

        self.type = cols[0].type if cols else NULLTYPE

    def self_group(self, against: Any = None) -> Any:
        return self

    @property
    def _from_objects(self) -> list[Any]:
        return []

    def where(self, *crit: Any) -> "ScalarSelect":
        return ScalarSelect(self.element.where(*crit))

    def correlate(self, *froms: Any) -> "ScalarSelect":
        return ScalarSelect(self.element.correlate(*froms))

    def correlate_except(self, *froms: Any) -> "ScalarSelect":
        return ScalarSelect(self.element.correlate_except(*froms))

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.element._gen_cache_key(anon_map, binds)
        return None if k is None else ("scalar_select", k)


class Exists(UnaryExpression):
    """``EXISTS (SELECT ...)`` (``exists()`` / ``select.exists()``)."""

    __visit_name__ = "exists"

    def __init__(self, __argument: Any = None) -> None:
        if __argument is None:
            s = Select._create_raw([_star()])
        elif getattr(__argument, "_is_select_base", False):
            s = __argument
        else:
            s = Select(__argument)
        self.element = ScalarSelect(s)
        self.operator = ops.exists
        self.modifier = None
        self.type = _bool_type()
        self.wraps_column_expression = True

    def _regroup(self, fn: Any) -> "Exists":
        new = Exists.__new__(Exists)
        new.__dict__ = dict(self.__dict__)
        new.element = ScalarSelect(fn(self.element.element))
        return new

    def where(self, *clause: Any) -> "Exists":
        return self._regroup(lambda s: s.where(*clause))

    def select_from(self, *froms: Any) -> "Exists":
        return self._regroup(lambda s: s.select_from(*froms))

    def correlate(self, *froms: Any) -> "Exists":
        return self._regroup(lambda s: s.correlate(*froms))

    def correlate_except(self, *froms: Any) -> "Exists":
        return self._regroup(lambda s: s.correlate_except(*froms))

    def select(self) -> Select:
        return Select(self)

    def self_group(self, against: Any = None) -> Any:
        return self

    def _negate(self) -> Any:
        return UnaryExpression(Grouping(self), operator=ops.inv)

    @property
    def _from_objects(self) -> list[Any]:
        return []

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.element._gen_cache_key(anon_map, binds)
        return None if k is None else ("exists", k)


def _star() -> Any:
    from .elements import ColumnClause

    return ColumnClause("*", is_literal=True)


def select(*entities: Any, **kw: Any) -> Select:
    """``SELECT`` the given columns / tables (mirrors ``sqlalchemy.select``)."""
    if kw:
        raise exc.ArgumentError(
            "select() takes the columns positionally in 2.0 style; "
            f"unexpected keyword arguments {sorted(kw)}"
        )
    if len(entities) == 1 and isinstance(entities[0], (list, tuple)):
        raise exc.ArgumentError(
            "select() construct created in legacy mode, i.e. with keyword arguments, "
            "must provide the columns clause as a list; pass columns positionally"
        )
    return Select(*entities)


def exists(__argument: Any = None) -> Exists:
    """``EXISTS (SELECT ...)``; ``exists().where(...)`` selects ``*``."""
    return Exists(__argument)


def union(*selects: Any) -> CompoundSelect:
    return CompoundSelect("UNION", *selects)


def union_all(*selects: Any) -> CompoundSelect:
    return CompoundSelect("UNION ALL", *selects)


def intersect(*selects: Any) -> CompoundSelect:
    return CompoundSelect("INTERSECT", *selects)


def intersect_all(*selects: Any) -> CompoundSelect:
    return CompoundSelect("INTERSECT ALL", *selects)


def except_(*selects: Any) -> CompoundSelect:
    return CompoundSelect("EXCEPT", *selects)


def except_all(*selects: Any) -> CompoundSelect:
    return CompoundSelect("EXCEPT ALL", *selects)


__all__ = ["Alias", "FromClause", "Subquery"]
