"""Turning user input into expression elements, by the role it plays.

Each ``expect_*`` function accepts what SQLAlchemy accepts in that position
(a column, an object with ``__clause_element__()``, a Python literal where a
value makes sense) and raises ``ArgumentError`` with SQLAlchemy's wording for
anything else.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Any, Optional

from .. import exc
from .elements import (
    BindParameter,
    ClauseElement,
    ColumnElement,
    False_,
    Null,
    TextClause,
    True_,
)
from .sqltypes import JSON
from .type_api import TypeDecorator, TypeEngine, UserDefinedType

_LITERAL_TYPES: tuple[type, ...] = (
    str,
    int,
    float,
    decimal.Decimal,
    bytes,
    bytearray,
    memoryview,
    bool,
    dt.date,
    dt.datetime,
    dt.time,
    dt.timedelta,
    uuid.UUID,
    enum.Enum,
    list,
    tuple,
    dict,
    set,
    frozenset,
    type(None),
)


def _unwrap(value: Any) -> Any:
    while not isinstance(value, ClauseElement):
        ce = getattr(value, "__clause_element__", None)
        if ce is None:
            return value
        value = ce()
    return value


def check_literal(value: Any, type_: Optional[TypeEngine], expr: Any = None) -> None:
    """Refuse Python objects that no built-in SQL type can bind.

    Values for ``TypeDecorator`` / user-defined types pass: those types
    convert arbitrary objects themselves.
    """
    if isinstance(value, _LITERAL_TYPES):
        return
    if value is JSON.NULL and isinstance(type_, JSON):
        return
    if isinstance(type_, (TypeDecorator, UserDefinedType)):
        return
    if type_ is not None and not type_._is_null_type:
        try:
            if isinstance(value, type_.python_type):
                return
        except NotImplementedError:
            return
    if type_ is not None and type(type_).__module__.split(".")[0] != "quicksilver":
        return  # a user's own TypeEngine subclass knows its values
    raise exc.ArgumentError(
        f"Object {value!r} (Python type {type(value).__name__}) is not a SQL literal "
        f"value for {expr if expr is not None else 'this expression'!s}; pass a "
        "value of a supported type, or give the column a TypeDecorator that "
        "converts it"
    )


def expect_column(value: Any) -> ColumnElement:
    """A column expression; no Python literals."""
    value = _unwrap(value)
    if isinstance(value, ColumnElement):
        return value
    if isinstance(value, ClauseElement):
        sq = getattr(value, "scalar_subquery", None)
        if sq is not None and getattr(value, "_is_select_base", False):
            return sq()  # type: ignore[no-any-return]
    raise exc.ArgumentError(f"SQL expression element expected, got {value!r}.")


def expect_column_or_literal(value: Any, type_: Any = None) -> ColumnElement:
    """A column expression, or a Python value turned into a bound parameter."""
    value = _unwrap(value)
    if isinstance(value, ColumnElement):
        return value
    if isinstance(value, ClauseElement):
        return expect_column(value)
    if value is None:
        return Null()
    check_literal(value, type_)
    return BindParameter(None, value, type_=type_, unique=True)


def expect_where(value: Any) -> ColumnElement:
    """A WHERE / HAVING / ON criterion."""
    value = _unwrap(value)
    if isinstance(value, ColumnElement):
        return value
    if value is True:
        return True_()
    if value is False:
        return False_()
    if isinstance(value, ClauseElement) and getattr(value, "_is_select_base", False):
        return value.scalar_subquery()  # type: ignore[attr-defined,no-any-return]
    raise exc.ArgumentError(
        f"SQL expression for WHERE/HAVING role expected, got {value!r}."
    )


def expect_columns_clause(value: Any) -> Any:
    """An entry of a SELECT list: a column expression or a FROM clause."""
    value = _unwrap(value)
    if isinstance(value, ColumnElement) or getattr(value, "_is_from_clause", False):
        return value
    # ``select(1)``, ``select(None)``: constants render inline, as SQLAlchemy's
    # columns-clause coercion does (numbers as literal text, None as NULL)
    if value is None:
        return Null()
    if value is True:
        return True_()
    if value is False:
        return False_()
    if isinstance(value, (int, float, decimal.Decimal)):
        from .elements import ColumnClause

        return ColumnClause(str(value), is_literal=True)
    if isinstance(value, str):
        raise exc.ArgumentError(
            f"Textual column expression {value!r} should be explicitly declared "
            f"with text({value!r}), or use column({value!r}) for more specificity"
        )
    if isinstance(value, ClauseElement) and getattr(value, "_is_select_base", False):
        return value.scalar_subquery()  # type: ignore[attr-defined]
    raise exc.ArgumentError(
        "Column expression, FROM clause, or other columns clause element expected, "
        f"got {value!r}."
    )


def expect_from(value: Any) -> Any:
    """A FROM clause (table, alias, join, subquery, text)."""
    value = _unwrap(value)
    if getattr(value, "_is_from_clause", False):
        return value
    if isinstance(value, TextClause):
        from .selectable import TextFromClause

        return TextFromClause(value)
    if isinstance(value, ClauseElement) and getattr(value, "_is_select_base", False):
        return value.subquery()  # type: ignore[attr-defined]
    raise exc.ArgumentError(
        f"FROM expression, such as a Table or alias() object expected, got {value!r}."
    )


def expect_dml_table(value: Any) -> Any:
    value = _unwrap(value)
    if getattr(value, "_is_from_clause", False):
        return value
    raise exc.ArgumentError(
        f"subject table for an INSERT, UPDATE or DELETE expected, got {value!r}."
    )


def expect_order_by(value: Any) -> ColumnElement:
    from .special import _expect_order_by

    return _expect_order_by(_unwrap(value))


def expect_statement(value: Any) -> Any:
    value = _unwrap(value)
    if getattr(value, "supports_execution", False):
        return value
    raise exc.ArgumentError(
        f"Executable SQL or text() construct expected, got {value!r}."
    )
