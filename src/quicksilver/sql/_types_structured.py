"""Structured generic SQL types: JSON (with its index types and ``JSON.NULL``)
and ARRAY.

Part of ``quicksilver.sql.sqltypes`` (the public facade re-exports every
name here); split out by concept.
"""

from __future__ import annotations

import json
from typing import Any, Callable, ClassVar, Optional

from .. import exc
from . import operators as ops
from ._types_scalar import (
    Boolean,
    Concatenable,
    Float,
    Indexable,
    Integer,
    Numeric,
    String,
    _quote_string,
)
from .type_api import (
    BindTypeError,
    Processor,
    TypeEngine,
    to_instance,
)


# ---------------------------------------------------------------- JSON
class JSON(Indexable, TypeEngine):
    """A JSON document; binds serialise with ``json.dumps``.

    ``None`` is stored as JSON ``null`` unless ``none_as_null=True`` (as in
    SQLAlchemy); use ``null()`` for a SQL NULL.
    """

    __visit_name__ = "JSON"
    _affinity_root = True
    #: always the JSON value ``null``, even with ``none_as_null=True``
    NULL: ClassVar[Any]

    def __init__(self, none_as_null: bool = False) -> None:
        self.none_as_null = none_as_null

    @property
    def should_evaluate_none(self) -> bool:  # type: ignore[override]
        return not self.none_as_null

    @should_evaluate_none.setter
    def should_evaluate_none(self, value: bool) -> None:
        self.none_as_null = not value

    @property
    def python_type(self) -> type:
        return dict

    class Comparator(TypeEngine.Comparator):
        """JSON index access: ``col["key"]``, ``col[("a", 1)]``; ``.as_string()``."""

        __slots__ = ()

        def __getitem__(self, index: Any) -> Any:
            from .special import _json_getitem

            return _json_getitem(self.expr, index)

        def as_string(self) -> Any:
            """The indexed value as a SQL string (``CAST(... AS VARCHAR)``)."""
            return self._as(String())

        def as_integer(self) -> Any:
            """The indexed value as a SQL integer."""
            return self._as(Integer())

        def as_float(self) -> Any:
            """The indexed value as a SQL float."""
            return self._as(Float())

        def as_numeric(self, precision: int, scale: int, asdecimal: bool = True) -> Any:
            """The indexed value as a SQL ``NUMERIC(precision, scale)``."""
            return self._as(Numeric(precision, scale, asdecimal=asdecimal))

        def as_boolean(self) -> Any:
            """The indexed value as a SQL boolean."""
            return self._as(Boolean())

        def as_json(self) -> Any:
            """The indexed value as JSON (what plain indexing gives)."""
            return self.expr

        def _as(self, type_: TypeEngine) -> Any:
            from .special import _json_as

            return _json_as(self.expr, type_)

    comparator_factory = Comparator

    def _serializer(self, dialect: Any) -> Callable[[Any], str]:
        return getattr(dialect, "_json_serializer", None) or json.dumps

    def bind_processor(self, dialect: Any) -> Optional[Processor]:
        dumps = self._serializer(dialect)
        none_as_null = self.none_as_null

        def process(value: Any) -> Any:
            if value is None:
                return None if none_as_null else dumps(None)
            if value is _JSON_NULL:
                return dumps(None)
            return dumps(value)

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        loads = getattr(dialect, "_json_deserializer", None) or json.loads

        def process(value: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, (str, bytes)):
                return loads(value)
            return value

        return process

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        dumps = self._serializer(dialect)
        return lambda value: _quote_string(dumps(value))


class _JSONNull:
    """``JSON.NULL``: the JSON value ``null`` (SQL NULL is ``null()``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "symbol('JSON_NULL')"

    def __reduce__(self) -> str:
        return "_JSON_NULL"


_JSON_NULL = _JSONNull()
JSON.NULL = _JSON_NULL


def _evaluates_json_none(type_: TypeEngine) -> bool:
    """Whether a Python ``None`` bound with ``type_`` means JSON ``null``."""
    return isinstance(type_, JSON) and bool(type_.should_evaluate_none)


class JSONIntIndexType(Integer):
    """The type of an integer JSON index (``col[0]``); mirrors
    ``JSON.JSONIntIndexType``."""


class JSONStrIndexType(String):
    """The type of a string JSON index (``col["key"]``), cast as ``TEXT`` on
    PostgreSQL; mirrors ``JSON.JSONStrIndexType``."""


class JSONPathType(TypeEngine):
    """The type of a JSON path index (``col[("a", 1)]``); dialects turn the
    tuple into their path syntax.  Mirrors ``JSON.JSONPathType``."""

    __visit_name__ = "json_path"


JSON.JSONIntIndexType = JSONIntIndexType  # type: ignore[attr-defined]
JSON.JSONStrIndexType = JSONStrIndexType  # type: ignore[attr-defined]
JSON.JSONPathType = JSONPathType  # type: ignore[attr-defined]


# ---------------------------------------------------------------- ARRAY
class ARRAY(Indexable, Concatenable, TypeEngine):
    """An array of ``item_type`` (generic; PostgreSQL renders it natively)."""

    __visit_name__ = "ARRAY"
    _affinity_root = True

    def __init__(
        self,
        item_type: Any,
        as_tuple: bool = False,
        dimensions: Optional[int] = None,
        zero_indexes: bool = False,
    ) -> None:
        if isinstance(item_type, ARRAY):
            raise exc.ArgumentError(
                "Do not nest ARRAY types; ARRAY(basetype) handles multi-dimensional "
                "arrays of basetype"
            )
        self.item_type = to_instance(item_type)
        self.as_tuple = as_tuple
        self.dimensions = dimensions
        self.zero_indexes = zero_indexes

    @property
    def python_type(self) -> type:
        return list

    class Comparator(TypeEngine.Comparator):
        """Array operators: index access, ``any()``, ``all()``, ``contains()``."""

        __slots__ = ()

        def __getitem__(self, index: Any) -> Any:
            from .special import _array_getitem

            return _array_getitem(self.expr, index)

        def any(self, other: Any, operator: Any = None) -> Any:
            from .special import _array_any_all

            return _array_any_all(self.expr, other, operator, "ANY")

        def all(self, other: Any, operator: Any = None) -> Any:
            from .special import _array_any_all

            return _array_any_all(self.expr, other, operator, "ALL")

        def contains(self, other: Any, **kw: Any) -> Any:
            return self.expr.op("@>", is_comparison=True)(
                self.expr._bind_param(ops.eq, other, type_=self.type)
                if not hasattr(other, "__clause_element__") and not _is_clause(other)
                else other
            )

        def contained_by(self, other: Any) -> Any:
            return self.expr.op("<@", is_comparison=True)(
                self.expr._bind_param(ops.eq, other, type_=self.type)
                if not _is_clause(other)
                else other
            )

        def overlap(self, other: Any) -> Any:
            return self.expr.op("&&", is_comparison=True)(
                self.expr._bind_param(ops.eq, other, type_=self.type)
                if not _is_clause(other)
                else other
            )

    comparator_factory = Comparator

    def bind_processor(self, dialect: Any) -> Optional[Processor]:
        item_proc = self.item_type.dialect_impl(dialect).bind_processor(dialect)

        def process(value: Any) -> Any:
            if value is None:
                return None
            if not isinstance(value, (list, tuple)):
                raise BindTypeError(None, value, self, "a list")
            if item_proc is None:
                return list(value)
            return [_apply_nested(item_proc, v) for v in value]

        return process

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        item_proc = self.item_type.dialect_impl(dialect).literal_processor(dialect)
        if item_proc is None:
            return None

        def process(value: Any) -> str:
            # ARRAY[1, 2] (nested lists: ARRAY[ARRAY[1], ARRAY[2]]), as
            # SQLAlchemy renders arrays with literal_binds
            return (
                "ARRAY["
                + ", ".join(
                    process(v) if isinstance(v, (list, tuple)) else item_proc(v)
                    for v in value
                )
                + "]"
            )

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        item_proc = self.item_type.dialect_impl(dialect).result_processor(
            dialect, coltype
        )
        as_tuple = self.as_tuple

        def process(value: Any) -> Any:
            if value is None:
                return None
            if item_proc is not None:
                value = [_apply_nested(item_proc, v) for v in value]
            return _to_tuple(value) if as_tuple else value

        return process


def _apply_nested(proc: Processor, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_apply_nested(proc, v) for v in value]
    return proc(value)


def _to_tuple(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_to_tuple(v) for v in value)
    return value


def _is_clause(value: Any) -> bool:
    from .elements import ClauseElement

    return isinstance(value, ClauseElement)
