"""The ``VALUES`` construct: literal rows used as a FROM clause.

``values(column("a", Integer), column("b", String), name="v").data(rows)``
renders ``(VALUES (:param_1, :param_2), ...) AS v (a, b)`` and exposes
``.c.a`` / ``.c.b`` like a table (mirrors ``sqlalchemy.values``).

Each value becomes a unique bound parameter when ``data()`` is called, not
at compile time: the cache key then collects them in traversal order like
any other bind, so one cached statement serves other rows of the same
shape.  ``literal_binds=True`` writes the values into the SQL instead and
makes the statement uncacheable (the values are part of the text).
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .. import exc
from .base import ColumnCollection, Generative
from .elements import (
    BindParameter,
    ClauseElement,
    ColumnClause,
    ColumnElement,
    _anon_key,
    _anonymous_label,
)
from .selectable import FromClause


class Values(FromClause, Generative):
    """``(VALUES (...), (...)) AS name (col, ...)`` (mirrors
    ``sqlalchemy.sql.expression.Values``)."""

    __visit_name__ = "values"
    _is_lateral = False

    def __init__(
        self,
        *columns: ColumnClause,
        name: Optional[str] = None,
        literal_binds: bool = False,
    ) -> None:
        for c in columns:
            if not isinstance(c, ColumnClause):
                raise exc.ArgumentError(
                    f"values() takes column() objects, got {c!r}; use "
                    "column('name', Type) for each column"
                )
        self._column_args = tuple(columns)
        self._unnamed = name is None
        self.name = _anonymous_label.make(id(self), "anon") if name is None else name
        self.literal_binds = literal_binds
        self._data: tuple[tuple[tuple[Any, ...], ...], ...] = ()

    @property
    def named_with_column(self) -> bool:  # type: ignore[override]
        return not self._unnamed

    @property
    def description(self) -> str:  # type: ignore[override]
        return str(self.name)

    def _populate_column_collection(self, cols: ColumnCollection) -> None:
        for c in self._column_args:
            cols._append(
                c.key or c.name, ColumnClause(c.name, c.type, _selectable=self)
            )

    def data(self, values: Iterable[Iterable[Any]]) -> "Values":
        """A copy with ``values`` (a list of row tuples) added to its rows.

        Called more than once, the rows accumulate, as in SQLAlchemy.
        """
        width = len(self._column_args)
        rows = []
        for row in values:
            row = tuple(row)
            if width and len(row) != width:
                raise exc.ArgumentError(
                    f"VALUES row {row!r} has {len(row)} values; the construct "
                    f"has {width} columns"
                )
            rows.append(tuple(self._bind(v, i) for i, v in enumerate(row)))
        new = self._generate()
        new._data = self._data + (tuple(rows),)
        return new  # type: ignore[no-any-return]

    def _bind(self, value: Any, index: int) -> Any:
        if isinstance(value, ClauseElement):
            return value
        type_ = self._column_args[index].type if self._column_args else None
        if type_ is not None and type_._is_null_type:
            type_ = None
        return BindParameter(None, value, type_=type_, unique=True)

    def alias(self, name: Optional[str] = None, flat: bool = False) -> "Values":  # type: ignore[override]
        """A copy named ``name`` (``AS name (cols)``)."""
        new = self._generate()
        new.__dict__.pop("_columns", None)
        new.name = _anonymous_label.make(id(new), "anon") if name is None else name
        new._unnamed = False
        return new  # type: ignore[no-any-return]

    def lateral(self, name: Optional[str] = None) -> "Values":  # type: ignore[override]
        """A copy rendered ``LATERAL (VALUES ...)``."""
        new = self.alias(name) if name is not None else self._generate()
        new.__dict__.pop("_columns", None)
        new._is_lateral = True
        return new

    def scalar_values(self) -> "ScalarValues":
        """This VALUES as a column expression, e.g. for ``col.in_(...)``."""
        return ScalarValues(self)

    def _rows(self) -> list[tuple[Any, ...]]:
        return [row for chunk in self._data for row in chunk]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        if self.literal_binds:
            return None
        cols = []
        for c in self._column_args:
            tk = c.type._static_cache_key
            if tk is None:
                return None
            cols.append((c.name, tk))
        rows = []
        for row in self._rows():
            keys = []
            for v in row:
                k = v._gen_cache_key(anon_map, binds)
                if k is None:
                    return None
                keys.append(k)
            rows.append(tuple(keys))
        return (
            "values",
            _anon_key(self.name, anon_map),
            self._unnamed,
            self._is_lateral,
            tuple(cols),
            tuple(rows),
        )

    def __repr__(self) -> str:
        return f"<Values {self.name!r}>"


class ScalarValues(ColumnElement):
    """``(VALUES ...)`` as a column expression (mirrors ``ScalarValues``)."""

    __visit_name__ = "scalar_values"

    def __init__(self, values: Values) -> None:
        self.element = values
        cols = values._column_args
        self.type = cols[0].type if cols else ColumnClause("x").type

    @property
    def _from_objects(self) -> list[Any]:
        return []

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        inner = self.element._gen_cache_key(anon_map, binds)
        return None if inner is None else ("scalar_values", inner)


def values(
    *columns: ColumnClause, name: Optional[str] = None, literal_binds: bool = False
) -> Values:
    """A ``VALUES`` FROM clause with the given columns; add rows with
    ``.data([...])`` (mirrors ``sqlalchemy.values``)."""
    return Values(*columns, name=name, literal_binds=literal_binds)
