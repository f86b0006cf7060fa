"""Special SQL forms: CAST, CASE, EXTRACT, window functions, FILTER, WITHIN GROUP.

Split from ``elements.py`` by concept; also the helpers behind ``col[i]`` for
ARRAY and JSON and ``ARRAY.any()`` / ``all()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Optional, cast

from .. import exc
from . import operators as ops
from .elements import (
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
    ClauseElement,
    ColumnElement,
    Grouping,
    TypeClause,
    UnaryExpression,
    _bool_type,
    _key_of_all,
    _null_type,
)
from .type_api import to_instance

if TYPE_CHECKING:
    from ._types_structured import ARRAY


class Cast(ColumnElement):
    """``CAST(expr AS type)``."""

    __visit_name__ = "cast"

    def __init__(self, expression: Any, type_: Any) -> None:
        from .coercions import expect_column_or_literal

        self.type = to_instance(type_)
        bind_type = self.type
        if not hasattr(expression, "__clause_element__") and not isinstance(
            expression, ClauseElement
        ):
            # CAST converts: a literal of another Python type keeps its own
            # type so the bind type check accepts it (``cast(5, String)``)
            from .sqltypes import _resolve_value_to_type

            own = _resolve_value_to_type(expression)
            if not own._is_null_type and not isinstance(own, self.type._type_affinity):
                bind_type = own
        self.clause = expect_column_or_literal(expression, bind_type)
        self.typeclause = TypeClause(self.type)

    def get_children(self, **kw: Any) -> Iterable[Any]:
        return (self.clause,)

    @property
    def _from_objects(self) -> list[Any]:
        return self.clause._from_objects  # type: ignore[no-any-return]

    @property
    def _non_anon_label(self) -> Optional[str]:
        return self.clause._non_anon_label  # type: ignore[no-any-return]

    @property
    def _anon_name_label(self) -> str:
        return self.clause._anon_name_label  # type: ignore[no-any-return]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.clause._gen_cache_key(anon_map, binds)
        tk = self.type._static_cache_key
        if k is None or tk is None:
            return None
        return ("cast", k, tk)


class TypeCoerce(ColumnElement):
    """An expression treated as ``type_`` in Python only (``type_coerce()``)."""

    __visit_name__ = "type_coerce"

    def __init__(self, expression: Any, type_: Any) -> None:
        from .coercions import expect_column_or_literal

        self.type = to_instance(type_)
        self.clause = expect_column_or_literal(expression, self.type)

    def get_children(self, **kw: Any) -> Iterable[Any]:
        return (self.clause,)

    @property
    def _from_objects(self) -> list[Any]:
        return self.clause._from_objects  # type: ignore[no-any-return]

    @property
    def _non_anon_label(self) -> Optional[str]:
        return self.clause._non_anon_label  # type: ignore[no-any-return]

    @property
    def _anon_name_label(self) -> str:
        return self.clause._anon_name_label  # type: ignore[no-any-return]

    def self_group(self, against: Any = None) -> ClauseElement:
        grouped = self.clause.self_group(against=against)
        if grouped is not self.clause:
            return TypeCoerce(grouped, self.type)
        return self

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.clause._gen_cache_key(anon_map, binds)
        tk = self.type._static_cache_key
        if k is None or tk is None:
            return None
        return ("type_coerce", k, tk)


class Case(ColumnElement):
    """``CASE WHEN ... THEN ... ELSE ... END`` (``case()``)."""

    __visit_name__ = "case"

    def __init__(self, *whens: Any, value: Any = None, else_: Any = None) -> None:
        from .coercions import expect_column, expect_column_or_literal, expect_where

        if len(whens) == 1 and isinstance(whens[0], dict):
            pairs = list(whens[0].items())
        elif len(whens) == 1 and isinstance(whens[0], list):
            pairs = list(whens[0])
        else:
            pairs = list(whens)
        self.value = expect_column(value) if value is not None else None
        self.whens = []
        result_type = None
        for cond, result in pairs:
            if self.value is not None:
                c = expect_column_or_literal(cond, self.value.type)
            else:
                c = expect_where(cond)
                if isinstance(c, (BinaryExpression, BooleanClauseList)):
                    c = Grouping(c)
            r = expect_column_or_literal(result)
            if result_type is None and not r.type._is_null_type:
                result_type = r.type
            self.whens.append((c, r))
        self.else_ = expect_column_or_literal(else_) if else_ is not None else None
        if result_type is None and self.else_ is not None:
            result_type = self.else_.type
        self.type = result_type if result_type is not None else _null_type()

    @property
    def _from_objects(self) -> list[Any]:
        out = list(self.value._from_objects) if self.value is not None else []
        for c, r in self.whens:
            out.extend(c._from_objects)
            out.extend(r._from_objects)
        return out

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        parts: list[Any] = []
        if self.value is not None:
            parts.append(self.value._gen_cache_key(anon_map, binds))
        for c, r in self.whens:
            parts.append(c._gen_cache_key(anon_map, binds))
            parts.append(r._gen_cache_key(anon_map, binds))
        if self.else_ is not None:
            parts.append(self.else_._gen_cache_key(anon_map, binds))
        if any(p is None for p in parts):
            return None
        return ("case", self.value is not None, self.else_ is not None, tuple(parts))


class Extract(ColumnElement):
    """``EXTRACT(field FROM expr)``."""

    __visit_name__ = "extract"

    def __init__(self, field: str, expr: Any) -> None:
        from .coercions import expect_column
        from .sqltypes import Integer

        self.field = field
        self.expr = expect_column(expr)
        self.type = Integer()

    @property
    def _from_objects(self) -> list[Any]:
        return self.expr._from_objects  # type: ignore[no-any-return]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.expr._gen_cache_key(anon_map, binds)
        return None if k is None else ("extract", self.field, k)


class Over(ColumnElement):
    """A window function call, ``fn() OVER (PARTITION BY ... ORDER BY ...)``."""

    __visit_name__ = "over"

    def __init__(
        self,
        element: Any,
        partition_by: Any = None,
        order_by: Any = None,
        rows: Any = None,
        range_: Any = None,
    ) -> None:
        from .coercions import expect_column

        self.element = element
        self.type = element.type
        self.partition_by = _as_list(partition_by, expect_column)
        self.order_by = _as_list(order_by, _expect_order_by)
        self.rows = rows
        self.range_ = range_

    @property
    def _from_objects(self) -> list[Any]:
        out = list(self.element._from_objects)
        for c in self.partition_by + self.order_by:
            out.extend(c._from_objects)
        return out

    @property
    def _anon_name_label(self) -> str:
        return ColumnElement._anon_name_label.fget(self)  # type: ignore[attr-defined,no-any-return]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        ek = self.element._gen_cache_key(anon_map, binds)
        pk = _key_of_all(self.partition_by, anon_map, binds)
        ok = _key_of_all(self.order_by, anon_map, binds)
        if ek is None or pk is None or ok is None:
            return None
        return ("over", ek, pk, ok, self.rows, self.range_)


class FunctionFilter(ColumnElement):
    """``fn(...) FILTER (WHERE ...)`` (``func.count().filter(...)``)."""

    __visit_name__ = "funcfilter"

    def __init__(self, func: Any, *criterion: Any) -> None:
        self.func = func
        self.type = func.type
        self.criterion = BooleanClauseList.and_(*criterion)

    def over(self, **kw: Any) -> Over:
        return Over(self, **kw)

    @property
    def _from_objects(self) -> list[Any]:
        return self.func._from_objects + self.criterion._from_objects  # type: ignore[no-any-return]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        fk = self.func._gen_cache_key(anon_map, binds)
        ck = self.criterion._gen_cache_key(anon_map, binds)
        if fk is None or ck is None:
            return None
        return ("funcfilter", fk, ck)


class WithinGroup(ColumnElement):
    """``fn(...) WITHIN GROUP (ORDER BY ...)``."""

    __visit_name__ = "withingroup"

    def __init__(self, element: Any, *order_by: Any) -> None:
        self.element = element
        self.type = element.type
        self.order_by = [_expect_order_by(o) for o in order_by]

    def over(self, **kw: Any) -> Over:
        return Over(self, **kw)

    @property
    def _from_objects(self) -> list[Any]:
        return self.element._from_objects  # type: ignore[no-any-return]

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        ek = self.element._gen_cache_key(anon_map, binds)
        ok = _key_of_all(self.order_by, anon_map, binds)
        if ek is None or ok is None:
            return None
        return ("withingroup", ek, ok)


class _label_reference(ColumnElement):
    """A string in ORDER BY / GROUP BY naming a label of the SELECT list."""

    __visit_name__ = "label_reference"

    def __init__(self, name: str) -> None:
        self.name = name
        self.type = _null_type()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("labelref", self.name)


def _expect_order_by(value: Any) -> ColumnElement:
    if isinstance(value, str):
        return _label_reference(value)
    if isinstance(value, UnaryExpression) and isinstance(
        value.element, _label_reference
    ):
        return value
    from .coercions import expect_column

    return expect_column(value)


def _as_list(value: Any, conv: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [conv(v) for v in value]
    return [conv(value)]


def _json_getitem(expr: ColumnElement, index: Any) -> ColumnElement:
    from .sqltypes import JSONPathType

    if isinstance(index, ColumnElement):
        right = index
    elif isinstance(index, (tuple, list)):
        # the path stays the bind's value; each dialect's JSONPathType bind
        # processor formats it, so a cached statement takes new paths
        right = BindParameter(
            None, tuple(index), type_=JSONPathType(), unique=True, _key_seed=expr.key
        )
        return _JSONPathElement(expr, right)
    else:
        from .sqltypes import JSONIntIndexType, JSONStrIndexType

        right = BindParameter(
            None,
            index,
            type_=JSONIntIndexType() if isinstance(index, int) else JSONStrIndexType(),
            unique=True,
            _key_seed=expr.key,
            _compared_to_operator=ops.json_getitem_op,
        )
    return BinaryExpression(expr, right, ops.json_getitem_op, type_=expr.type)


def _json_as(expr: Any, type_: Any) -> ColumnElement:
    """``expr`` (a JSON index) read as a SQL scalar of ``type_``."""
    if not isinstance(expr, BinaryExpression) or expr.operator not in (
        ops.json_getitem_op,
        ops.json_path_getitem_op,
    ):
        raise exc.InvalidRequestError(
            "The JSON cast operator JSON.as_<type>() only works with a JSON index "
            "expression e.g. col['q'].as_<type>()"
        )
    # the modifier (part of the cache key) tells compilers to extract a
    # scalar and CAST it to the expression's type
    return BinaryExpression(
        expr.left, expr.right, expr.operator, type_=type_, modifiers={"json_as": True}
    )


class _JSONPathElement(BinaryExpression):
    __visit_name__ = "binary"

    def __init__(self, expr: Any, right: Any) -> None:
        super().__init__(expr, right, ops.json_path_getitem_op, type_=expr.type)


class Slice(ColumnElement):
    """``start:stop`` inside an ARRAY index, ``col[1:3]`` (mirrors
    ``sqlalchemy.sql.expression.Slice``)."""

    __visit_name__ = "slice"

    def __init__(self, start: Any, stop: Any, key: Optional[str] = None) -> None:
        self.start = _array_index(start, key)
        self.stop = _array_index(stop, key)
        self.type = _null_type()

    @property
    def _from_objects(self) -> list[Any]:
        return [f for e in (self.start, self.stop) for f in e._from_objects]

    def self_group(self, against: Any = None) -> ClauseElement:
        return self

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        a = self.start._gen_cache_key(anon_map, binds)
        b = self.stop._gen_cache_key(anon_map, binds)
        return None if a is None or b is None else ("slice", a, b)


def _array_index(index: Any, key: Optional[str]) -> ColumnElement:
    from .sqltypes import Integer

    if isinstance(index, ColumnElement):
        return index
    return BindParameter(
        None,
        index,
        type_=Integer(),
        unique=True,
        _key_seed=key,
        _compared_to_operator=ops.getitem,
    )


def _array_getitem(expr: ColumnElement, index: Any) -> ColumnElement:
    """``expr[index]`` / ``expr[a:b]``; ``zero_indexes`` shifts Python's
    0-based numbers to SQL's 1-based ones, as in SQLAlchemy."""
    shift = 1 if getattr(expr.type, "zero_indexes", False) else 0
    if isinstance(index, slice):
        if index.step is not None:
            raise exc.ArgumentError("ARRAY slices take no step")
        start, stop = index.start, index.stop
        if shift:
            start, stop = start + shift, stop + shift
        right: ColumnElement = Slice(start, stop, expr.key)
        return BinaryExpression(expr, right, ops.getitem, type_=expr.type)
    if shift and isinstance(index, int):
        index += shift
    right = _array_index(index, expr.key)
    return BinaryExpression(expr, right, ops.getitem, type_=_item_type(expr))


def _item_type(expr: ColumnElement) -> Any:
    """The element type of an ARRAY expression (the comparator ensured it)."""
    return cast("ARRAY", expr.type).item_type


class CollectionAggregate(UnaryExpression):
    """``ANY (expr)`` / ``ALL (expr)`` (mirrors SQLAlchemy's class).

    Only comparisons apply, and the aggregate always goes on the right:
    ``any_(col) == 5`` is written ``5 = ANY (col)``, with ``<`` and ``>``
    mirrored, as SQL requires.  The other side's bind takes the array's
    element type.
    """

    def __init__(self, expr: Any, operator: Any) -> None:
        from .coercions import expect_column

        expr = expect_column(expr)
        item_type = getattr(expr.type, "item_type", None)
        super().__init__(Grouping(expr), operator=operator, type_=item_type)

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        from .default_comparator import _literal_for
        from .sqltypes import Boolean

        if not ops.is_comparison(op):
            raise exc.ArgumentError(
                "Only comparison operators may be used with ANY/ALL"
            )
        mirrored = _MIRROR.get(op, op)
        left = _literal_for(self, mirrored, other[0])
        return BinaryExpression(left, self, mirrored, type_=Boolean())

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("ANY/ALL must be compared from the aggregate's side")


_MIRROR = {ops.lt: ops.gt, ops.gt: ops.lt, ops.le: ops.ge, ops.ge: ops.le}


def _array_any_all(
    expr: ColumnElement, other: Any, operator: Any, kind: str
) -> ColumnElement:
    operator = operator or ops.eq
    from .coercions import expect_column_or_literal

    item_type = _item_type(expr)
    if isinstance(other, ClauseElement) or hasattr(other, "__clause_element__"):
        left = expect_column_or_literal(other, item_type)
    else:
        left = BindParameter(
            None, other, type_=item_type, unique=True, _key_seed=expr.key
        )
    right = UnaryExpression(
        Grouping(expr),
        operator=ops.any_op if kind == "ANY" else ops.all_op,
        type_=item_type,
    )
    return BinaryExpression(left, right, operator, type_=_bool_type())
