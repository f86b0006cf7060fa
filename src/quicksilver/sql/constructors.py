"""The public expression constructors: ``and_``, ``or_``, ``literal``, ``case``...

Each mirrors the same-named function of ``sqlalchemy.sql.expression``.
"""

from __future__ import annotations

from typing import Any, Optional

from .. import exc
from . import operators as ops
from .coercions import _unwrap, check_literal, expect_column, expect_where
from .elements import (
    _NO_ARG,
    BindParameter,
    BooleanClauseList,
    ColumnClause,
    ColumnElement,
    False_,
    Label,
    Null,
    TextClause,
    True_,
    Tuple,
)
from .special import (
    Case,
    Cast,
    Extract,
    Over,
    TypeCoerce,
)


def and_(*clauses: Any) -> ColumnElement:
    """``a AND b AND ...``; ``and_()`` with no arguments renders nothing."""
    return BooleanClauseList.and_(*clauses)


def or_(*clauses: Any) -> ColumnElement:
    """``a OR b OR ...``."""
    return BooleanClauseList.or_(*clauses)


def not_(clause: Any) -> Any:
    """``NOT clause`` (or the negated operator, ``a != b`` for ``a == b``)."""
    return ~expect_where(clause)


def literal(
    value: Any, type_: Any = None, literal_execute: bool = False
) -> BindParameter:
    """A bound parameter with a value, not compared to any column."""
    check_literal(value, None if type_ is None else _to_type(type_))
    return BindParameter(
        None, value, type_=type_, unique=True, literal_execute=literal_execute
    )


def _to_type(t: Any) -> Any:
    from .type_api import to_instance

    return to_instance(t)


def literal_column(text: str, type_: Any = None) -> ColumnClause:
    """Literal SQL text usable as a column (rendered as is)."""
    return ColumnClause(text, type_=type_, is_literal=True)


def column(
    text: str, type_: Any = None, is_literal: bool = False, _selectable: Any = None
) -> ColumnClause:
    """A named column not tied to a ``Table`` (``sqlalchemy.column``)."""
    return ColumnClause(
        text, type_=type_, is_literal=is_literal, _selectable=_selectable
    )


def bindparam(
    key: Optional[str],
    value: Any = _NO_ARG,
    type_: Any = None,
    unique: bool = False,
    required: Any = None,
    quote: Any = None,
    callable_: Any = None,
    expanding: bool = False,
    isoutparam: bool = False,
    literal_execute: bool = False,
) -> BindParameter:
    """A named bound parameter, filled at execution (``bindparam("name")``).

    Required (a value must come with the execution) unless ``value`` or
    ``callable_`` is given; an explicit ``value=None`` counts as given.
    """
    if isinstance(key, ColumnClause):
        type_ = type_ if type_ is not None else key.type
        key = key.key
    return BindParameter(
        key,
        value,
        type_=type_,
        unique=unique,
        required=required,
        callable_=callable_,
        expanding=expanding,
        isoutparam=isoutparam,
        literal_execute=literal_execute,
    )


def null() -> Null:
    return Null()


def true() -> True_:
    return True_()


def false() -> False_:
    return False_()


def case(*whens: Any, value: Any = None, else_: Any = None) -> Case:
    """``CASE WHEN cond THEN result ... ELSE else_ END``."""
    return Case(*whens, value=value, else_=else_)


def cast(expression: Any, type_: Any) -> Cast:
    return Cast(expression, type_)


def try_cast(expression: Any, type_: Any) -> Cast:
    return Cast(expression, type_)


def type_coerce(expression: Any, type_: Any) -> TypeCoerce:
    """Treat ``expression`` as ``type_`` on the Python side only (no SQL CAST)."""
    return TypeCoerce(expression, type_)


def tuple_(*clauses: Any, types: Any = None) -> Tuple:
    return Tuple(*clauses, types=types)


def text(text: str) -> TextClause:
    """Literal SQL with ``:name`` bound parameters (mirrors ``sqlalchemy.text``)."""
    if not isinstance(text, str):
        raise exc.ArgumentError(f"text() expects a string, got {text!r}")
    return TextClause(text)


def _order_element(column: Any) -> Any:
    # a string names a label of the SELECT list: desc("n") -> ORDER BY n DESC
    if isinstance(column, str):
        from .special import _label_reference

        return _label_reference(column)
    return expect_column(column)


def asc(column: Any) -> Any:
    """``column ASC``; a string names a SELECT label (``sqlalchemy.asc``)."""
    return _order_element(column).asc()


def desc(column: Any) -> Any:
    """``column DESC``; a string names a SELECT label (``sqlalchemy.desc``)."""
    return _order_element(column).desc()


def nulls_first(column: Any) -> Any:
    return _order_element(column).nulls_first()


def nulls_last(column: Any) -> Any:
    return _order_element(column).nulls_last()


nullsfirst = nulls_first
nullslast = nulls_last


def distinct(expr: Any) -> Any:
    return expect_column(expr).distinct()


def between(
    expr: Any, lower_bound: Any, upper_bound: Any, symmetric: bool = False
) -> Any:
    return expect_column(expr).between(lower_bound, upper_bound, symmetric=symmetric)


def collate(expression: Any, collation: str) -> Any:
    return expect_column(expression).collate(collation)


def extract(field: str, expr: Any) -> Extract:
    return Extract(field, expr)


def over(
    element: Any,
    partition_by: Any = None,
    order_by: Any = None,
    rows: Any = None,
    range_: Any = None,
) -> Over:
    return Over(
        element, partition_by=partition_by, order_by=order_by, rows=rows, range_=range_
    )


def label(name: str, element: Any, type_: Any = None) -> Label:
    return Label(name, element, type_)


def any_(expr: Any) -> Any:
    """``ANY (expr)``, e.g. ``col == any_(array_col)`` (mirrors ``sqlalchemy.any_``)."""
    from .special import CollectionAggregate

    return CollectionAggregate(expr, ops.any_op)


def all_(expr: Any) -> Any:
    """``ALL (expr)`` (mirrors ``sqlalchemy.all_``)."""
    from .special import CollectionAggregate

    return CollectionAggregate(expr, ops.all_op)


def outparam(key: str, type_: Any = None) -> BindParameter:
    return BindParameter(key, None, type_=type_, unique=False, isoutparam=True)


def within_group(element: Any, *order_by: Any) -> Any:
    return element.within_group(*order_by)


def funcfilter(func: Any, *criterion: Any) -> Any:
    return func.filter(*criterion)


def _unwrap_value(v: Any) -> Any:
    return _unwrap(v)
