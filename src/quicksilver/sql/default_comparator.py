"""What each operator builds when applied to a column expression.

``ColumnElement.operate(op, ...)`` lands in ``operate()`` here, which first
gives the expression's type a chance (``ARRAY.Comparator.contains``), then
dispatches on the operator through one dict.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, Callable

from .. import exc
from . import operators as ops
from .coercions import _unwrap, check_literal
from .elements import (
    AsBoolean,
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
    ClauseElement,
    ClauseList,
    CollationClause,
    ColumnElement,
    False_,
    Grouping,
    Null,
    True_,
    UnaryExpression,
    _bool_type,
)
from .special import (
    Cast,
)
from .sqltypes import BOOLEANTYPE
from .type_api import TypeEngine

_TYPE_METHODS: dict[Any, str] = {
    ops.contains_op: "contains",
    ops.getitem: "__getitem__",
    ops.any_op: "any",
    ops.all_op: "all",
}


def operate(expr: ColumnElement, op: Any, *other: Any, **kw: Any) -> Any:
    name = _TYPE_METHODS.get(op)
    if name is not None:
        comp_cls = expr.type.comparator_factory
        if name in _type_comparator_methods(comp_cls):
            return getattr(comp_cls(expr), name)(*other, **kw)
        if op is ops.getitem:
            raise NotImplementedError(
                "Operator 'getitem' is not supported on this expression "
                f"({expr.type!r})"
            )
    if isinstance(op, ops.custom_op):
        return _custom(expr, op, other[0], **kw)
    try:
        impl = _IMPLS[op]
    except KeyError:
        raise exc.ArgumentError(f"Operator {op!r} is not supported") from None
    return impl(expr, op, *other, **kw)


def _type_comparator_methods(comp_cls: type) -> set[str]:
    names: set[str] = set()
    for klass in comp_cls.__mro__:
        if klass is TypeEngine.Comparator or klass is object:
            break
        names.update(klass.__dict__)
    return names


def reverse_operate(expr: ColumnElement, op: Any, other: Any, **kw: Any) -> Any:
    if op in _ARITH:
        return _binary_op(expr, op, other, _reversed=True)
    raise exc.ArgumentError(f"Reverse operator {op!r} is not supported")


def _literal_for(expr: ColumnElement, op: Any, obj: Any, type_: Any = None) -> Any:
    obj = _unwrap(obj)
    if isinstance(obj, ClauseElement):
        if getattr(obj, "_is_select_base", False):
            return obj.scalar_subquery()  # type: ignore[attr-defined]
        if (
            obj.__class__ is BindParameter
            and obj.type._is_null_type
            and not expr.type._is_null_type
        ):
            # an untyped ``bindparam("x")`` takes the type it is compared to
            obj = obj._clone()
            obj.type = expr.type.coerce_compared_value(op, obj.value)
        return obj
    if obj is None:
        return Null()
    return expr._bind_param(op, obj, type_=type_)


#: value classes compared the usual way (``col == 5``): bound, never None
#: or a boolean constant, never a clause
_PLAIN = frozenset({int, str, float, decimal.Decimal, dt.date, dt.datetime, uuid.UUID})


def _boolean_compare(
    expr: ColumnElement, op: Any, obj: Any, negate: Any = None, **kw: Any
) -> Any:
    if obj.__class__ in _PLAIN and not kw:
        return BinaryExpression._make(
            expr.self_group(against=op),
            expr._bind_param(op, obj),
            op,
            BOOLEANTYPE,
            _NEGATE.get(op),
        )
    obj = _unwrap(obj)
    if obj is None or isinstance(obj, Null):
        if op in (ops.eq, ops.is_):
            return BinaryExpression(
                expr, Null(), ops.is_, type_=_bool_type(), negate=ops.is_not
            )
        if op in (ops.ne, ops.is_not):
            return BinaryExpression(
                expr, Null(), ops.is_not, type_=_bool_type(), negate=ops.is_
            )
        if op in (ops.is_distinct_from, ops.is_not_distinct_from):
            return BinaryExpression(
                expr, Null(), op, type_=_bool_type(), negate=ops.negate(op)
            )
        raise exc.ArgumentError(
            "Only '=', '!=', 'is_()', 'is_not()', 'is_distinct_from()', "
            "'is_not_distinct_from()' operators can be used with None/True/False"
        )
    if obj is True or obj is False:
        right: Any = True_() if obj else False_()
    else:
        right = _literal_for(expr, op, obj)
    return BinaryExpression(expr, right, op, type_=_bool_type(), negate=ops.negate(op))


_ARITH = {ops.add, ops.sub, ops.mul, ops.truediv, ops.floordiv, ops.mod}


def _binary_op(expr: Any, op: Any, obj: Any, _reversed: bool = False, **kw: Any) -> Any:
    if _reversed:
        left, right = _literal_for(expr, op, obj), expr
    else:
        left = expr
        right = _literal_for(expr, op, obj)
    adapt = getattr(left.type, "_adapt_expression", None)
    if adapt is not None:
        op, result_type = adapt(op, right.type)
    else:
        result_type = left.type
    from .sqltypes import Integer, Numeric

    if (
        op is ops.truediv
        and isinstance(left.type, Integer)
        and isinstance(right.type, Integer)
    ):
        # SQL integer division truncates; Python's ``/`` does not
        if isinstance(right, BindParameter) and right.unique:
            right = BindParameter(None, right.value, type_=right.type, unique=True)
        right = Cast(right, Numeric())
        right._truediv = True  # type: ignore[attr-defined]
        result_type = Numeric()
    if (
        op is ops.floordiv
        and isinstance(left.type, Integer)
        and isinstance(right.type, Integer)
    ):
        op = ops.truediv
    return BinaryExpression(left, right, op, type_=result_type)


def _concat(expr: ColumnElement, op: Any, obj: Any, **kw: Any) -> Any:
    right = _literal_for(expr, op, obj)
    return BinaryExpression(expr, right, ops.concat_op, type_=expr.type)


def _like(expr: ColumnElement, op: Any, obj: Any, escape: Any = None, **kw: Any) -> Any:
    right = _literal_for(expr, op, obj)
    mods = {"escape": escape} if escape is not None else {}
    return BinaryExpression(
        expr, right, op, type_=_bool_type(), negate=ops.negate(op), modifiers=mods
    )


def _escape_autoescape(value: Any, escape: str) -> str:
    if not isinstance(value, str):
        raise TypeError("String value expected when autoescape=True")
    if escape not in ("%", "_"):
        value = value.replace(escape, escape + escape)
    return value.replace("%", escape + "%").replace("_", escape + "_")


def _pattern(
    expr: ColumnElement,
    op: Any,
    obj: Any,
    escape: Any = None,
    autoescape: bool = False,
    icase: bool = False,
    **kw: Any,
) -> Any:
    from .sqltypes import String

    obj = _unwrap(obj)
    if autoescape:
        if escape is None:
            escape = "/"
        obj = _escape_autoescape(obj, escape)
    right = _literal_for(expr, op, obj)
    left: Any = expr
    pct = _PercentLiteral()
    if op is ops.contains_op:
        parts = [pct, right, pct]
    elif op is ops.startswith_op:
        parts = [right, pct]
    else:
        parts = [pct, right]
    pattern = ClauseList(
        *parts, operator=ops.concat_op, group=False, group_contents=False
    )
    pattern.type = String()  # type: ignore[attr-defined]
    mods = {"escape": escape} if escape is not None else {}
    return Grouping(
        BinaryExpression(
            left,
            _ConcatPattern(pattern),
            ops.ilike_op if icase else ops.like_op,
            type_=_bool_type(),
            negate=ops.not_ilike_op if icase else ops.not_like_op,
            modifiers=mods,
        )
    )


class _PercentLiteral(ColumnElement):
    """The ``'%'`` of a contains/startswith/endswith pattern."""

    __visit_name__ = "percent_literal"

    def __init__(self) -> None:
        from .sqltypes import String

        self.type = String()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("pct",)


class _ConcatPattern(ColumnElement):
    """``'%' || :x || '%'`` rendered without parentheses on the right of LIKE."""

    __visit_name__ = "concat_pattern"

    def __init__(self, clauses: ClauseList) -> None:
        from .sqltypes import String

        self.clauses = clauses
        self.type = String()

    def self_group(self, against: Any = None) -> ClauseElement:
        return self

    @property
    def _from_objects(self) -> list[Any]:
        return self.clauses._from_objects

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.clauses._gen_cache_key(anon_map, binds)
        return None if k is None else ("concat_pattern", k)


def _in(expr: ColumnElement, op: Any, obj: Any, **kw: Any) -> Any:
    obj = _unwrap(obj)
    negate = ops.negate(op)
    if isinstance(obj, BindParameter):
        if not obj.expanding:
            obj = obj._clone()
            obj.expanding = True  # type: ignore[attr-defined]
        right: Any = obj
    elif isinstance(obj, ClauseElement):
        if getattr(obj, "_is_select_base", False):
            right = _InSubquery(obj)
        else:
            right = obj.self_group(against=op)
    elif (
        isinstance(obj, (list, tuple, set, frozenset))
        or hasattr(obj, "__iter__")
        and not isinstance(obj, (str, bytes))
    ):
        values = list(obj)
        if any(isinstance(_unwrap(v), ClauseElement) for v in values):
            items = [_literal_for(expr, op, v) for v in values]
            right = Grouping(ClauseList(*items))
        else:
            for v in values:
                if v is not None:
                    check_literal(v, expr.type, expr)
            right = expr._bind_param(op, values, expanding=True)
    else:
        raise exc.ArgumentError(
            "IN expression list, SELECT construct, or bound parameter object "
            f"expected, got {obj!r}."
        )
    result = BinaryExpression(expr, right, op, type_=_bool_type(), negate=negate)
    return result


class _InSubquery(ColumnElement):
    """``(SELECT ...)`` on the right of IN."""

    __visit_name__ = "in_subquery"

    def __init__(self, select: Any) -> None:
        self.element = select
        self.type = _bool_type()

    def self_group(self, against: Any = None) -> ClauseElement:
        return self

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.element._gen_cache_key(anon_map, binds)
        return None if k is None else ("in_subquery", k)


def _not_in(expr: ColumnElement, op: Any, obj: Any, **kw: Any) -> Any:
    return _in(expr, ops.in_op, obj)._negate()


def _is(expr: ColumnElement, op: Any, obj: Any, **kw: Any) -> Any:
    obj = _unwrap(obj)
    if obj is None or isinstance(obj, Null):
        right: Any = Null()
    elif obj is True or isinstance(obj, True_):
        right = True_()
    elif obj is False or isinstance(obj, False_):
        right = False_()
    elif isinstance(obj, ClauseElement):
        right = obj
    else:
        raise exc.ArgumentError(
            "Only None, True, False or a SQL expression may be used with is_() / "
            "is_not()"
        )
    return BinaryExpression(expr, right, op, type_=_bool_type(), negate=ops.negate(op))


def _between(
    expr: ColumnElement,
    op: Any,
    lower: Any,
    upper: Any,
    symmetric: bool = False,
    **kw: Any,
) -> Any:
    lo = _literal_for(expr, ops.and_, lower)
    hi = _literal_for(expr, ops.and_, upper)
    pair = ClauseList(lo, hi, operator=ops.and_, group=False, group_contents=False)
    return BinaryExpression(
        expr,
        pair,
        op,
        type_=_bool_type(),
        negate=ops.not_between_op,
        modifiers={"symmetric": symmetric} if symmetric else None,
    )


def _collate(expr: ColumnElement, op: Any, collation: str, **kw: Any) -> Any:
    return BinaryExpression(
        expr, CollationClause(collation), ops.collate, type_=expr.type
    )


def _modifier(expr: ColumnElement, op: Any, **kw: Any) -> Any:
    return UnaryExpression(expr, modifier=op, wraps_column_expression=False)


def _distinct(expr: ColumnElement, op: Any, **kw: Any) -> Any:
    return UnaryExpression(expr, operator=ops.distinct_op, type_=expr.type)


def _neg(expr: ColumnElement, op: Any, **kw: Any) -> Any:
    return UnaryExpression(expr, operator=ops.neg, type_=expr.type)


def _inv(expr: ColumnElement, op: Any, **kw: Any) -> Any:
    return expr._negate()


def _conj(expr: ColumnElement, op: Any, other: Any, **kw: Any) -> Any:
    if op is ops.and_:
        return BooleanClauseList.and_(expr, other)
    return BooleanClauseList.or_(expr, other)


def _custom(expr: ColumnElement, op: ops.custom_op, obj: Any, **kw: Any) -> Any:
    right = _literal_for(expr, op, obj)
    if op.return_type is not None:
        from .type_api import to_instance

        type_ = to_instance(op.return_type)
    elif op.is_comparison:
        type_ = _bool_type()
    else:
        type_ = expr.type
    return BinaryExpression(expr, right, op, type_=type_)


def _regexp(
    expr: ColumnElement, op: Any, pattern: Any, flags: Any = None, **kw: Any
) -> Any:
    right = _literal_for(expr, op, pattern)
    return BinaryExpression(
        expr,
        right,
        op,
        type_=_bool_type(),
        modifiers={"flags": flags} if flags else None,
    )


def _any_all(expr: ColumnElement, op: Any, **kw: Any) -> Any:
    from .special import CollectionAggregate

    return CollectionAggregate(expr, op)


def _bitwise(expr: ColumnElement, op: Any, other: Any, **kw: Any) -> Any:
    right = _literal_for(expr, op, other)
    return BinaryExpression(expr, right, op, type_=expr.type)


def _bitwise_not(expr: ColumnElement, op: Any, **kw: Any) -> Any:
    return UnaryExpression(expr, operator=op, type_=expr.type)


def _getitem_unsupported(expr: ColumnElement, op: Any, *a: Any, **kw: Any) -> Any:
    raise NotImplementedError("Operator 'getitem' is not supported on this expression")


_NEGATE = {
    op: ops.negate(op)
    for op in (
        ops.eq,
        ops.ne,
        ops.lt,
        ops.le,
        ops.gt,
        ops.ge,
        ops.is_distinct_from,
        ops.is_not_distinct_from,
    )
}

_IMPLS: dict[Any, Callable[..., Any]] = {
    ops.eq: _boolean_compare,
    ops.ne: _boolean_compare,
    ops.lt: _boolean_compare,
    ops.le: _boolean_compare,
    ops.gt: _boolean_compare,
    ops.ge: _boolean_compare,
    ops.is_distinct_from: _boolean_compare,
    ops.is_not_distinct_from: _boolean_compare,
    ops.add: _binary_op,
    ops.sub: _binary_op,
    ops.mul: _binary_op,
    ops.truediv: _binary_op,
    ops.floordiv: _binary_op,
    ops.mod: _binary_op,
    ops.concat_op: _concat,
    ops.like_op: _like,
    ops.not_like_op: _like,
    ops.ilike_op: _like,
    ops.not_ilike_op: _like,
    ops.contains_op: _pattern,
    ops.startswith_op: _pattern,
    ops.endswith_op: _pattern,
    ops.in_op: _in,
    ops.not_in_op: _not_in,
    ops.is_: _is,
    ops.is_not: _is,
    ops.between_op: _between,
    ops.collate: _collate,
    ops.asc_op: _modifier,
    ops.desc_op: _modifier,
    ops.nulls_first_op: _modifier,
    ops.nulls_last_op: _modifier,
    ops.distinct_op: _distinct,
    ops.neg: _neg,
    ops.inv: _inv,
    ops.and_: _conj,
    ops.or_: _conj,
    ops.regexp_match_op: _regexp,
    ops.any_op: _any_all,
    ops.all_op: _any_all,
    ops.bitwise_and_op: _bitwise,
    ops.bitwise_or_op: _bitwise,
    ops.bitwise_xor_op: _bitwise,
    ops.bitwise_lshift_op: _bitwise,
    ops.bitwise_rshift_op: _bitwise,
    ops.bitwise_not_op: _bitwise_not,
    ops.getitem: _getitem_unsupported,
}

__all__ = ["operate", "reverse_operate", "AsBoolean"]
