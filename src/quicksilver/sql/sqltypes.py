"""The generic SQL types (mirrors ``sqlalchemy.sql.sqltypes``).

Generic types (``Integer``, ``String``...) describe data independently of any
database; uppercase types (``VARCHAR``, ``TIMESTAMP``) render exactly that DDL
name.  Dialects adapt generic types to their own implementation classes for
value conversion (``colspecs``).

Bind processors here check each value's Python type cheaply and raise
``BindTypeError`` for a wrong one; the fast path is one ``__class__`` test.
"""

from __future__ import annotations

from typing import Any

from ._types_scalar import (
    _ARITH as _ARITH,
)
from ._types_scalar import (
    _VALUE_TYPES as _VALUE_TYPES,
)
from ._types_scalar import (
    BOOLEANTYPE as BOOLEANTYPE,
)
from ._types_scalar import (
    INTEGERTYPE as INTEGERTYPE,
)
from ._types_scalar import (
    NULLTYPE as NULLTYPE,
)
from ._types_scalar import (
    NUMERICTYPE as NUMERICTYPE,
)
from ._types_scalar import (
    STRINGTYPE as STRINGTYPE,
)
from ._types_scalar import (
    TABLEVALUE as TABLEVALUE,
)
from ._types_scalar import (
    BigInteger as BigInteger,
)
from ._types_scalar import (
    Boolean as Boolean,
)
from ._types_scalar import (
    Concatenable as Concatenable,
)
from ._types_scalar import (
    Date as Date,
)
from ._types_scalar import (
    DateTime as DateTime,
)
from ._types_scalar import (
    Double as Double,
)
from ._types_scalar import (
    Enum as Enum,
)
from ._types_scalar import (
    Float as Float,
)
from ._types_scalar import (
    Indexable as Indexable,
)
from ._types_scalar import (
    Integer as Integer,
)
from ._types_scalar import (
    Interval as Interval,
)
from ._types_scalar import (
    LargeBinary as LargeBinary,
)
from ._types_scalar import (
    NullType as NullType,
)
from ._types_scalar import (
    Numeric as Numeric,
)
from ._types_scalar import (
    SmallInteger as SmallInteger,
)
from ._types_scalar import (
    String as String,
)
from ._types_scalar import (
    Text as Text,
)
from ._types_scalar import (
    Time as Time,
)
from ._types_scalar import (
    Unicode as Unicode,
)
from ._types_scalar import (
    UnicodeText as UnicodeText,
)
from ._types_scalar import (
    Uuid as Uuid,
)
from ._types_scalar import (
    _Binary as _Binary,
)
from ._types_scalar import (
    _Checked as _Checked,
)
from ._types_scalar import (
    _class_check as _class_check,
)
from ._types_scalar import (
    _DateAffinity as _DateAffinity,
)
from ._types_scalar import (
    _Decimal as _Decimal,
)
from ._types_scalar import (
    _number_check as _number_check,
)
from ._types_scalar import (
    _NumericCommon as _NumericCommon,
)
from ._types_scalar import (
    _quote_string as _quote_string,
)
from ._types_scalar import (
    _resolve_value_to_type as _resolve_value_to_type,
)
from ._types_scalar import (
    _to_decimal as _to_decimal,
)
from ._types_scalar import (
    _to_float as _to_float,
)
from ._types_structured import (
    _JSON_NULL as _JSON_NULL,
)
from ._types_structured import (
    ARRAY as ARRAY,
)
from ._types_structured import (
    JSON as JSON,
)
from ._types_structured import (
    JSONIntIndexType as JSONIntIndexType,
)
from ._types_structured import (
    JSONPathType as JSONPathType,
)
from ._types_structured import (
    JSONStrIndexType as JSONStrIndexType,
)
from ._types_structured import (
    _apply_nested as _apply_nested,
)
from ._types_structured import (
    _evaluates_json_none as _evaluates_json_none,
)
from ._types_structured import (
    _is_clause as _is_clause,
)
from ._types_structured import (
    _JSONNull as _JSONNull,
)
from ._types_structured import (
    _to_tuple as _to_tuple,
)
from .type_api import (
    TypeDecorator,
    TypeEngine,
    UserDefinedType,
    to_instance,
)

__all__ = ["TypeDecorator", "UserDefinedType"]


class TupleType(TypeEngine):
    """The type of a ``tuple_()`` expression; holds one type per element."""

    __visit_name__ = "tuple_type"

    def __init__(self, *types: Any) -> None:
        self.types = [to_instance(t) for t in types]

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        return self


class MatchType(Boolean):
    """The type returned by ``match()``."""


class PickleType(TypeDecorator):
    """Python objects stored with ``pickle`` in a binary column."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, protocol: int = 5, pickler: Any = None) -> None:
        import pickle

        self.protocol = protocol
        self.pickler = pickler or pickle
        super().__init__()

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.pickler.dumps(value, self.protocol)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else self.pickler.loads(value)


# ---------------------------------------------------------------- uppercase
class INTEGER(Integer):
    """The SQL ``INTEGER`` type."""

    __visit_name__ = "INTEGER"


INT = INTEGER


class SMALLINT(SmallInteger):
    __visit_name__ = "SMALLINT"


class BIGINT(BigInteger):
    __visit_name__ = "BIGINT"


class NUMERIC(Numeric):
    __visit_name__ = "NUMERIC"


class DECIMAL(Numeric):
    __visit_name__ = "DECIMAL"


class FLOAT(Float):
    __visit_name__ = "FLOAT"


class REAL(Float):
    __visit_name__ = "REAL"


class DOUBLE(Double):
    __visit_name__ = "DOUBLE"


class DOUBLE_PRECISION(Double):
    __visit_name__ = "DOUBLE_PRECISION"


class VARCHAR(String):
    __visit_name__ = "VARCHAR"


class NVARCHAR(Unicode):
    __visit_name__ = "NVARCHAR"


class CHAR(String):
    __visit_name__ = "CHAR"


class NCHAR(Unicode):
    __visit_name__ = "NCHAR"


class TEXT(Text):
    __visit_name__ = "TEXT"


class CLOB(Text):
    __visit_name__ = "CLOB"


class BOOLEAN(Boolean):
    __visit_name__ = "BOOLEAN"


class DATE(Date):
    __visit_name__ = "DATE"


class DATETIME(DateTime):
    __visit_name__ = "DATETIME"


class TIME(Time):
    __visit_name__ = "TIME"


class TIMESTAMP(DateTime):
    """The SQL ``TIMESTAMP`` type."""

    __visit_name__ = "TIMESTAMP"


class BLOB(LargeBinary):
    __visit_name__ = "BLOB"


class BINARY(_Binary):
    __visit_name__ = "BINARY"


class VARBINARY(_Binary):
    __visit_name__ = "VARBINARY"


class UUID(Uuid):
    """The SQL ``UUID`` type."""

    __visit_name__ = "UUID"


MATCHTYPE = MatchType()
