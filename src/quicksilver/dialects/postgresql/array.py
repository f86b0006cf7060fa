"""``array([...])``: a PostgreSQL ``ARRAY[...]`` literal (mirrors
``sqlalchemy.dialects.postgresql.array``).

Its type is ``ARRAY`` of the elements' type, so the ARRAY comparator applies:
``array([1, 2])[1]``, ``col == any_(array([1, 2]))``, ``.contains()``.
The ``ARRAY[...]`` text is PostgreSQL's; ``PGCompiler.visit_array`` renders
it and the ``str()`` compiler borrows the same form.  SQLite cannot render
it (``UnsupportedCompilationError``, as in SQLAlchemy).
"""

from __future__ import annotations

from typing import Any, Iterable

from ...sql import operators as ops
from ...sql import sqltypes
from ...sql.coercions import expect_column_or_literal
from ...sql.elements import ClauseElement, ColumnElement, Grouping, _key_of_all
from ...sql.type_api import to_instance
from .types import ARRAY

__all__ = ["array"]


class array(ColumnElement):  # noqa: N801 - SQLAlchemy's public spelling
    """``ARRAY[a, b, ...]``; ``type_`` is the element type (inferred from
    the first element when omitted)."""

    __visit_name__ = "array"

    def __init__(self, clauses: Iterable[Any], type_: Any = None) -> None:
        item_type = to_instance(type_) if type_ is not None else None
        self.clauses = [expect_column_or_literal(c, item_type) for c in clauses]
        if item_type is None:
            item_type = self.clauses[0].type if self.clauses else sqltypes.NULLTYPE
        if isinstance(item_type, sqltypes.ARRAY):
            # ``array([array([1]), ...])``: one multi-dimensional type
            self.type = ARRAY(
                item_type.item_type, dimensions=(item_type.dimensions or 1) + 1
            )
        else:
            self.type = ARRAY(item_type)

    def get_children(self, **kw: Any) -> Iterable[Any]:
        return tuple(self.clauses)

    @property
    def _from_objects(self) -> list[Any]:
        return [f for c in self.clauses for f in c._from_objects]

    def self_group(self, against: Any = None) -> ClauseElement:
        # ``(ARRAY[1, 2])[1]``: PostgreSQL needs the parentheses to index it
        if against in (ops.any_op, ops.all_op, ops.getitem):
            return Grouping(self)
        return self

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        items = _key_of_all(self.clauses, anon_map, binds)
        tk = self.type._static_cache_key
        if items is None or tk is None:
            return None
        return ("pg_array", items, tk)

    def __repr__(self) -> str:
        return f"array({self.clauses!r})"
