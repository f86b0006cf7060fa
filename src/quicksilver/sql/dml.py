"""INSERT, UPDATE and DELETE statements (mirrors ``sqlalchemy.sql.dml``).

Literal values given to ``.values()`` become bound parameters named after the
column key right away, so they take part in cache keys and can be
overridden by execution parameters of the same name.
"""

from __future__ import annotations

from typing import Any, Optional

from .. import exc
from .base import ColumnCollection, Executable, HasPrefixes
from .coercions import (
    _unwrap,
    check_literal,
    expect_columns_clause,
    expect_dml_table,
    expect_where,
)
from .elements import (
    BindParameter,
    BooleanClauseList,
    ClauseElement,
    ColumnElement,
    _key_of_all,
)
from .select import SelectBase


class UpdateBase(HasPrefixes, Executable, ClauseElement):
    """Base of INSERT / UPDATE / DELETE."""

    is_dml = True
    _returning: tuple[Any, ...] = ()
    _return_defaults = False
    _return_defaults_columns: tuple[Any, ...] = ()
    _hints: Any = ()
    _post_values_clause: Any = None
    _inline = False

    def __init__(self, table: Any) -> None:
        self.table = expect_dml_table(table)

    def returning(self, *cols: Any, sort_by_parameter_order: bool = False) -> Any:
        """Add ``RETURNING`` columns; the result has rows of them."""
        if self._return_defaults:
            raise exc.InvalidRequestError(
                "return_defaults() is already configured on this statement"
            )
        new = self._generate()
        items: list[Any] = []
        for c in cols:
            c = expect_columns_clause(c)
            items.append(c)
        new._returning = self._returning + tuple(items)
        return new

    def return_defaults(
        self,
        *cols: Any,
        supplemental_cols: Any = None,
        sort_by_parameter_order: bool = False,
    ) -> Any:
        if self._returning:
            raise exc.InvalidRequestError(
                "RETURNING is already configured on this statement"
            )
        new = self._generate()
        new._return_defaults = True
        new._return_defaults_columns = tuple(cols)
        return new

    def _returning_columns(self) -> list[Any]:
        out: list[Any] = []
        for c in self._returning:
            if getattr(c, "_is_from_clause", False):
                out.extend(c.c)
            else:
                out.append(c)
        return out

    @property
    def exported_columns(self) -> ColumnCollection:
        return ColumnCollection(
            [
                (getattr(c, "key", None) or str(i), c)
                for i, c in enumerate(self._returning_columns())
            ]
        )

    @property
    def selected_columns(self) -> ColumnCollection:
        return self.exported_columns

    def with_hint(
        self, text: str, selectable: Any = None, dialect_name: str = "*"
    ) -> Any:
        return self

    def _gen_returning_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return _key_of_all(self._returning, anon_map, binds)


class ValuesBase(UpdateBase):
    """INSERT / UPDATE: statements with ``.values()``."""

    _values: Optional[dict[Any, Any]] = None
    _multi_values: tuple[list[dict[Any, Any]], ...] = ()
    _ordered_values: Optional[list[tuple[Any, Any]]] = None
    _select_names: Optional[list[Any]] = None
    _select: Any = None

    def _coerce_value(self, key: Any, value: Any, suffix: str = "") -> tuple[Any, Any]:
        value = _unwrap(value)
        col = None
        if isinstance(key, str):
            col = self.table.c.get(key)
        else:
            key = _unwrap(key)
            if isinstance(key, ColumnElement):
                col = key
                key = key.key
        if isinstance(value, ClauseElement):
            if isinstance(value, SelectBase):
                value = value.scalar_subquery()
            return key, value
        if col is None:
            return key, value  # reported at compile: "Unconsumed column names"
        check_literal(value, col.type, col)
        return key, BindParameter(
            key + suffix, value, type_=col.type, required=False, _is_crud=True
        )

    def values(self, *args: Any, **kwargs: Any) -> Any:
        """Set the VALUES / SET clause: keywords, a dict, or a list of dicts."""
        if self._select is not None:
            raise exc.InvalidRequestError(
                "This construct already inserts from a SELECT"
            )
        new = self._generate()
        if args:
            arg = args[0]
            if len(args) > 1:
                raise exc.ArgumentError(
                    "Only a single dictionary/tuple or list is accepted"
                )
            if (
                isinstance(arg, (list,))
                and arg
                and isinstance(arg[0], (dict, tuple, list))
            ):
                if not isinstance(self, Insert):
                    raise exc.InvalidRequestError(
                        "This construct does not support multiple parameter sets."
                    )
                rows = [self._row_dict(r) for r in arg]
                if len(rows) == 1:
                    return new.values(rows[0])
                new._multi_values = self._multi_values + (rows,)
                return new
            if isinstance(arg, (tuple, list)):
                arg = self._row_dict(arg)
            if not isinstance(arg, dict):
                raise exc.ArgumentError(f"values() expected a dict, got {arg!r}")
            kwargs = {**arg, **kwargs}
        if self._multi_values:
            raise exc.InvalidRequestError(
                "This construct already has multiple parameter sets."
            )
        merged = dict(self._values or {})
        for k, v in kwargs.items():
            key, val = self._coerce_value(k, v)
            merged[key] = val
        new._values = merged
        return new

    def _row_dict(self, row: Any) -> dict[Any, Any]:
        if isinstance(row, dict):
            return row
        cols = list(self.table.c)
        if len(row) > len(cols):
            raise exc.ArgumentError(
                "values() got more values than the table has columns"
            )
        return {c.key: v for c, v in zip(cols, row, strict=False)}

    def _gen_values_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        parts: list[Any] = []
        if self._values:
            for k, v in self._values.items():
                vk = (
                    v._gen_cache_key(anon_map, binds)
                    if isinstance(v, ClauseElement)
                    else ("raw", repr(v))
                )
                if vk is None:
                    return None
                parts.append((k, vk))
        multi = []
        for rows in self._multi_values:
            for i, row in enumerate(rows):
                for k, v in row.items():
                    v = _unwrap(v)
                    if isinstance(v, ClauseElement):
                        vk = v._gen_cache_key(anon_map, binds)
                        if vk is None:
                            return None
                        multi.append((i, k, vk))
                    else:
                        multi.append((i, k, "v"))
        return (tuple(parts), tuple(multi))


class Insert(ValuesBase):
    """``INSERT`` (mirrors ``sqlalchemy.sql.Insert``); build it with ``insert()``."""

    __visit_name__ = "insert"
    is_insert = True
    _include_insert_from_select_defaults = True

    def inline(self) -> "Insert":
        """Do not fetch server-generated primary keys after the insert."""
        new = self._generate()
        new._inline = True
        return new  # type: ignore[no-any-return]

    def from_select(
        self, names: Any, select: Any, include_defaults: bool = True
    ) -> "Insert":
        """``INSERT INTO t (names) SELECT ...``."""
        if self._values or self._multi_values:
            raise exc.InvalidRequestError(
                "This construct already inserts value expressions"
            )
        new = self._generate()
        new._select_names = [n if isinstance(n, str) else _unwrap(n).key for n in names]
        new._select = _unwrap(select)
        new._include_insert_from_select_defaults = include_defaults
        return new  # type: ignore[no-any-return]

    def _multi_bind(self) -> list[dict[str, Any]]:
        """The rows of a multi-VALUES insert with literals made into binds."""
        memo = self.__dict__.get("_qs_multi")
        if memo is not None:
            return memo  # type: ignore[no-any-return]
        rows: list[dict[str, Any]] = []
        for group in self._multi_values:
            for row in group:
                out = {}
                for k, v in row.items():
                    key, val = self._coerce_value(k, v, suffix=f"_m{len(rows)}")
                    out[key] = val
                rows.append(out)
        self.__dict__["_qs_multi"] = rows
        return rows

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        tk = self.table._gen_cache_key(anon_map, binds)
        vk = self._gen_values_key(anon_map, binds)
        if self._multi_values:
            for row in self._multi_bind():
                for v in row.values():
                    if isinstance(v, BindParameter):
                        binds.append(v)
        rk = self._gen_returning_key(anon_map, binds)
        sk = None
        if self._select is not None:
            sk = self._select._gen_cache_key(anon_map, binds)
            if sk is None:
                return None
        pk = None
        if self._post_values_clause is not None:
            pk = self._post_values_clause._gen_cache_key(anon_map, binds)
            if pk is None:
                return None
        if vk is None or rk is None:
            return None
        return (
            "insert",
            self._prefixes,
            tk,
            vk,
            rk,
            sk,
            tuple(self._select_names or ()),
            self._inline,
            self._return_defaults,
            pk,
        )


class DMLWhereBase:
    """``.where()`` / ``.filter()`` / ``.filter_by()`` for UPDATE and DELETE."""

    _where_criteria: tuple[Any, ...] = ()
    _extra_froms: tuple[Any, ...] = ()

    def where(self, *whereclause: Any) -> Any:
        new = self._generate()  # type: ignore[attr-defined]
        new._where_criteria = self._where_criteria + tuple(
            expect_where(w) for w in whereclause
        )
        return new

    filter = where

    def filter_by(self, **kwargs: Any) -> Any:
        table = self.table  # type: ignore[attr-defined]
        ns = getattr(table, "entity_namespace", table.c)
        crit = []
        for k, v in kwargs.items():
            try:
                col = ns[k] if isinstance(ns, ColumnCollection) else getattr(ns, k)
            except (KeyError, AttributeError):
                raise exc.InvalidRequestError(
                    f'Entity namespace for "{table.description}" has no property "{k}"'
                ) from None
            crit.append(col == v)
        return self.where(*crit)

    @property
    def whereclause(self) -> Any:
        if not self._where_criteria:
            return None
        return BooleanClauseList.and_(*self._where_criteria)


class Update(DMLWhereBase, ValuesBase):
    """``UPDATE`` (mirrors ``sqlalchemy.sql.Update``); build it with ``update()``."""

    __visit_name__ = "update"
    is_update = True

    def ordered_values(self, *args: tuple[Any, Any]) -> "Update":
        new = self.values(dict(args))
        new._ordered_values = [
            k if isinstance(k, str) else _unwrap(k).key for k, _ in args
        ]
        return new  # type: ignore[no-any-return]

    def inline(self) -> "Update":
        new = self._generate()
        new._inline = True
        return new  # type: ignore[no-any-return]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        tk = self.table._gen_cache_key(anon_map, binds)
        vk = self._gen_values_key(anon_map, binds)
        wk = _key_of_all(self._where_criteria, anon_map, binds)
        rk = self._gen_returning_key(anon_map, binds)
        if vk is None or wk is None or rk is None:
            return None
        return (
            "update",
            self._prefixes,
            tk,
            vk,
            wk,
            rk,
            tuple(self._ordered_values or ()),
            self._inline,
            self._return_defaults,
        )


class Delete(DMLWhereBase, UpdateBase):
    """``DELETE`` (mirrors ``sqlalchemy.sql.Delete``); build it with ``delete()``."""

    __visit_name__ = "delete"
    is_delete = True

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        tk = self.table._gen_cache_key(anon_map, binds)
        wk = _key_of_all(self._where_criteria, anon_map, binds)
        rk = self._gen_returning_key(anon_map, binds)
        if wk is None or rk is None:
            return None
        return ("delete", self._prefixes, tk, wk, rk, self._return_defaults)


def insert(table: Any) -> Insert:
    """``INSERT INTO table`` (mirrors ``sqlalchemy.insert``)."""
    return Insert(table)


def update(table: Any) -> Update:
    """``UPDATE table`` (mirrors ``sqlalchemy.update``)."""
    return Update(table)


def delete(table: Any) -> Delete:
    """``DELETE FROM table`` (mirrors ``sqlalchemy.delete``)."""
    return Delete(table)
