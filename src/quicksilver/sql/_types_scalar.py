"""Scalar generic SQL types: numbers, strings, booleans, dates, binary, Enum,
Uuid, NullType, and how a bare Python value gets its type.

Part of ``quicksilver.sql.sqltypes`` (the public facade, which re-exports
every name here); split out by concept.  Bind processors check each value's
Python type cheaply and raise ``BindTypeError`` for a wrong one; the fast path
is one ``__class__`` test.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import operator
import uuid
from typing import Any, Callable, Optional, Sequence

from . import operators as ops
from .type_api import (
    BindTypeError,
    Processor,
    TypeEngine,
)

_Decimal = decimal.Decimal
_ARITH = {ops.add, ops.sub, ops.mul, ops.truediv, ops.floordiv, ops.mod}


def _quote_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class _Checked(TypeEngine):
    """A type whose bind processor checks the Python type of each value."""

    def bind_processor(self, dialect: Any) -> Optional[Processor]:
        return self._checked_proc(dialect, None)

    def _bind_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        if type(self).bind_processor is not _Checked.bind_processor:
            return self.bind_processor(dialect)  # a user override wins
        return self._checked_proc(dialect, key)

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        return None

    def _adapt_expression(self, op: Any, other: TypeEngine) -> tuple[Any, TypeEngine]:
        return op, self


class Concatenable:
    """Mixin: ``+`` between two of these renders SQL concatenation (``||``)."""

    _concatenable = True


class Indexable:
    """Mixin: ``expr[index]`` is supported (ARRAY, JSON)."""

    _indexable = True


# ---------------------------------------------------------------- numbers
class _NumericCommon(_Checked):
    def _adapt_expression(self, op: Any, other: TypeEngine) -> tuple[Any, TypeEngine]:
        if op in _ARITH and isinstance(other, _NumericCommon):
            if isinstance(self, Integer) and not isinstance(other, Integer):
                return op, other
            return op, self
        if op in (ops.add, ops.sub) and isinstance(other, (Date, DateTime)):
            return op, other
        return op, self


class Integer(_NumericCommon):
    """An integer (mirrors ``sqlalchemy.Integer``); binds reject non-integers."""

    __visit_name__ = "integer"
    _affinity_root = True

    @property
    def python_type(self) -> type:
        return int

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        type_ = self

        def slow(value: Any) -> Any:
            if isinstance(value, bool):
                raise BindTypeError(key, value, type_, "an int")
            if isinstance(value, int):
                return int(value)
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, _Decimal) and value == value.to_integral_value():
                return int(value)
            if hasattr(value, "__index__") and not isinstance(value, (str, bytes)):
                return operator.index(value)
            raise BindTypeError(key, value, type_, "an int")

        def process(value: Any) -> Any:
            if value.__class__ is int or value is None:
                return value
            return slow(value)

        # values of this class pass unchanged: a hot caller may test the
        # class itself instead of calling (engine's memo path)
        process._qs_passthrough = int  # type: ignore[attr-defined]
        return process

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: str(int(value))


class SmallInteger(Integer):
    """A small integer (``SMALLINT``)."""

    __visit_name__ = "small_integer"


class BigInteger(Integer):
    """A big integer (``BIGINT``)."""

    __visit_name__ = "big_integer"


def _number_check(key: Optional[str], type_: TypeEngine, expected: str) -> Processor:
    def process(value: Any) -> Any:
        cls = value.__class__
        if cls is float or cls is int or cls is _Decimal or value is None:
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, _Decimal)):
            raise BindTypeError(key, value, type_, expected)
        return value

    return process


class Numeric(_NumericCommon):
    """A fixed-precision number, returned as ``Decimal`` when ``asdecimal``."""

    __visit_name__ = "numeric"
    _affinity_root = True
    _default_decimal_return_scale = 10

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        """An ``int`` next to a Numeric binds as Integer, as in SQLAlchemy."""
        if value.__class__ is int:
            return Integer()
        return self

    def __init__(
        self,
        precision: Optional[int] = None,
        scale: Optional[int] = None,
        decimal_return_scale: Optional[int] = None,
        asdecimal: bool = True,
    ) -> None:
        self.precision = precision
        self.scale = scale
        self.decimal_return_scale = decimal_return_scale
        self.asdecimal = asdecimal

    @property
    def python_type(self) -> type:
        return _Decimal if self.asdecimal else float

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        return _number_check(key, self, "a number (int, float or Decimal)")

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        if self.asdecimal:
            return _to_decimal
        return _to_float

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: str(value)


def _to_decimal(value: Any) -> Any:
    if value is None or value.__class__ is _Decimal:
        return value
    if isinstance(value, float):
        return _Decimal(repr(value))
    return _Decimal(value)


def _to_float(value: Any) -> Any:
    if value is None or value.__class__ is float:
        return value
    return float(value)


class Float(Numeric):
    """A floating point number, returned as ``float`` unless ``asdecimal``."""

    __visit_name__ = "float"
    _affinity_root = True

    def __init__(
        self,
        precision: Optional[int] = None,
        asdecimal: bool = False,
        decimal_return_scale: Optional[int] = None,
    ) -> None:
        self.precision = precision
        self.asdecimal = asdecimal
        self.decimal_return_scale = decimal_return_scale

    @property
    def scale(self) -> None:  # type: ignore[override]
        return None

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        if self.asdecimal:
            return _to_decimal
        return _to_float

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: repr(float(value))


class Double(Float):
    """A double-precision float (``DOUBLE`` / ``DOUBLE PRECISION``)."""

    __visit_name__ = "double"


# ---------------------------------------------------------------- strings
class String(Concatenable, _Checked):
    """A string; binds reject non-``str`` values and strings over ``length``."""

    __visit_name__ = "string"
    _affinity_root = True

    def __init__(self, length: Optional[int] = None, collation: Optional[str] = None):
        self.length = length
        self.collation = collation

    @property
    def python_type(self) -> type:
        return str

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        type_ = self
        length = self.length

        if length is None:

            def process(value: Any) -> Any:
                if value.__class__ is str or value is None or isinstance(value, str):
                    return value
                raise BindTypeError(key, value, type_, "a str")

            return process

        def process_len(value: Any) -> Any:
            if value is None:
                return value
            if not isinstance(value, str):
                raise BindTypeError(key, value, type_, "a str")
            if len(value) > length:
                raise BindTypeError(
                    key, value, type_, f"a str of at most {length} characters"
                )
            return value

        return process_len

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: _quote_string(str(value))

    def _adapt_expression(self, op: Any, other: TypeEngine) -> tuple[Any, TypeEngine]:
        if op is ops.add and isinstance(other, (String, NullType)):
            return ops.concat_op, self
        if op is ops.concat_op:
            return op, self
        return op, self


class Text(String):
    """Unbounded text (``TEXT``)."""

    __visit_name__ = "text"


class Unicode(String):
    """A Unicode string (same as ``String`` in Python 3)."""

    __visit_name__ = "unicode"


class UnicodeText(Text):
    """Unbounded Unicode text."""

    __visit_name__ = "unicode_text"


# ---------------------------------------------------------------- boolean
class Boolean(_Checked):
    """A boolean; binds accept ``bool`` and the integers 0 and 1."""

    __visit_name__ = "boolean"
    _affinity_root = True

    def __init__(self, create_constraint: bool = False, name: Optional[str] = None):
        self.create_constraint = create_constraint
        self.name = name

    @property
    def python_type(self) -> type:
        return bool

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        type_ = self

        def process(value: Any) -> Any:
            if value is None or value.__class__ is bool:
                return value
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise BindTypeError(key, value, type_, "a bool")

        return process

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        if getattr(dialect, "supports_native_boolean", True):
            return lambda value: "true" if value else "false"
        return lambda value: "1" if value else "0"


# ---------------------------------------------------------------- dates
def _class_check(
    key: Optional[str], type_: TypeEngine, classes: tuple[type, ...], expected: str
) -> Processor:
    first = classes[0]

    def process(value: Any) -> Any:
        if value is None or value.__class__ is first or isinstance(value, classes):
            return value
        raise BindTypeError(key, value, type_, expected)

    return process


class _DateAffinity(_Checked):
    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        """``ts + timedelta`` binds an Interval, ``iv + datetime`` a DateTime."""
        if op is ops.add or op is ops.sub:
            own = _resolve_value_to_type(value)
            if isinstance(own, _DateAffinity) and not isinstance(
                own, self._type_affinity
            ):
                return own
        return self

    def _adapt_expression(self, op: Any, other: TypeEngine) -> tuple[Any, TypeEngine]:
        if (
            op is ops.sub
            and isinstance(other, (DateTime, Date))
            and not isinstance(other, Interval)
        ):
            return op, Interval()
        if op in (ops.add, ops.sub) and isinstance(other, Interval):
            return op, DateTime() if isinstance(self, Date) else self
        return op, self


class DateTime(_DateAffinity):
    """A date and time (``datetime.datetime``); ``timezone=True`` keeps the offset."""

    __visit_name__ = "datetime"
    _affinity_root = True

    def __init__(self, timezone: bool = False) -> None:
        self.timezone = timezone

    @property
    def python_type(self) -> type:
        return dt.datetime

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        type_ = self

        def process(value: Any) -> Any:
            if value is None or value.__class__ is dt.datetime:
                return value
            if isinstance(value, dt.datetime):
                return value
            if isinstance(value, dt.date):
                return dt.datetime(value.year, value.month, value.day)
            raise BindTypeError(key, value, type_, "a datetime.datetime")

        return process

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: _quote_string(value.isoformat(" "))


class Date(_DateAffinity):
    """A calendar date (``datetime.date``)."""

    __visit_name__ = "date"
    _affinity_root = True

    @property
    def python_type(self) -> type:
        return dt.date

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        return _class_check(key, self, (dt.date,), "a datetime.date")

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: _quote_string(value.isoformat())


class Time(_DateAffinity):
    """A time of day (``datetime.time``)."""

    __visit_name__ = "time"
    _affinity_root = True

    def __init__(self, timezone: bool = False) -> None:
        self.timezone = timezone

    @property
    def python_type(self) -> type:
        return dt.time

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        return _class_check(key, self, (dt.time,), "a datetime.time")

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: _quote_string(value.isoformat())


class Interval(_DateAffinity):
    """A span of time (``datetime.timedelta``)."""

    __visit_name__ = "interval"
    _affinity_root = True

    def __init__(
        self,
        native: bool = True,
        second_precision: Optional[int] = None,
        day_precision: Optional[int] = None,
    ) -> None:
        self.native = native
        self.second_precision = second_precision
        self.day_precision = day_precision

    @property
    def python_type(self) -> type:
        return dt.timedelta

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        return _class_check(key, self, (dt.timedelta,), "a datetime.timedelta")

    def _adapt_expression(self, op: Any, other: TypeEngine) -> tuple[Any, TypeEngine]:
        if op in (ops.add,) and isinstance(other, (DateTime, Date)):
            return op, DateTime()
        return op, self


# ---------------------------------------------------------------- binary
class _Binary(_Checked):
    _affinity_root = True

    def __init__(self, length: Optional[int] = None) -> None:
        self.length = length

    @property
    def python_type(self) -> type:
        return bytes

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        type_ = self

        def process(value: Any) -> Any:
            if value is None or value.__class__ is bytes:
                return value
            if isinstance(value, (bytes, bytearray, memoryview)):
                return bytes(value)
            raise BindTypeError(key, value, type_, "bytes")

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        def process(value: Any) -> Any:
            if value is None or value.__class__ is bytes:
                return value
            return bytes(value)

        return process

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: "X'" + bytes(value).hex().upper() + "'"


class LargeBinary(_Binary):
    """Binary data (``bytes``); ``BLOB`` / ``BYTEA``."""

    __visit_name__ = "large_binary"


# ---------------------------------------------------------------- enum
class Enum(String):
    """A fixed set of values, from a Python ``enum.Enum`` class or strings.

    Like SQLAlchemy, a Python enum is stored by member *name* (or by the
    strings ``values_callable`` returns).  ``native_enum`` renders a named
    ``ENUM`` type on PostgreSQL; elsewhere a ``VARCHAR`` of the longest value.
    """

    __visit_name__ = "enum"

    def __init__(
        self,
        *enums: Any,
        name: Optional[str] = None,
        native_enum: bool = True,
        create_constraint: bool = False,
        length: Optional[int] = None,
        schema: Optional[str] = None,
        values_callable: Optional[Callable[[Any], Sequence[str]]] = None,
        validate_strings: bool = False,
        inherit_schema: bool = False,
        metadata: Any = None,
        quote: Any = None,
        sort_key_function: Any = None,
        omit_aliases: bool = True,
        **kw: Any,
    ) -> None:
        self.enum_class: Optional[type] = None
        if (
            len(enums) == 1
            and isinstance(enums[0], type)
            and issubclass(enums[0], enum.Enum)
        ):
            self.enum_class = enums[0]
            members = list(self.enum_class.__members__.values())
            if values_callable is not None:
                self.enums = list(values_callable(self.enum_class))
            else:
                self.enums = [m.name for m in members]
            self._object_lookup: dict[Any, Any] = dict(
                zip(self.enums, members, strict=False)
            )
            self._valid_lookup = {m: v for v, m in self._object_lookup.items()}
            if name is None:
                name = self.enum_class.__name__.lower()
        else:
            self.enums = list(enums)
            self._object_lookup = {e: e for e in self.enums}
            self._valid_lookup = dict(self._object_lookup)
        self.values_callable = values_callable
        self.name = name
        self.native_enum = native_enum
        self.native = native_enum
        self.create_constraint = create_constraint
        self.schema = schema
        self.validate_strings = validate_strings
        self.inherit_schema = inherit_schema
        self.metadata = metadata
        longest = max((len(e) for e in self.enums), default=0)
        self.length = length if length is not None else longest
        self.collation = None
        self._user_length = length

    @property
    def python_type(self) -> type:
        return self.enum_class if self.enum_class is not None else str

    @property
    def _static_cache_key(self) -> Any:
        return (Enum, tuple(self.enums), self.name, self.native_enum, self.enum_class)

    def adapt(self, cls: type[TypeEngine], **kw: Any) -> TypeEngine:
        if issubclass(cls, Enum):
            args = tuple(self.enums) if self.enum_class is None else (self.enum_class,)
            kw.setdefault("name", self.name)
            kw.setdefault("native_enum", self.native_enum)
            kw.setdefault("create_constraint", self.create_constraint)
            kw.setdefault("schema", self.schema)
            kw.setdefault("values_callable", self.values_callable)
            kw.setdefault("metadata", self.metadata)
            kw.setdefault("length", self._user_length)
            return cls(*args, **kw)  # type: ignore[no-any-return]
        return super().adapt(cls, **kw)

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        lookup = self._valid_lookup
        type_ = self
        expected = "one of " + ", ".join(repr(e) for e in self.enums[:8])

        def process(value: Any) -> Any:
            if value is None:
                return value
            try:
                return lookup[value]
            except (KeyError, TypeError):
                pass
            if isinstance(value, str) and value in self._object_lookup:
                return value
            raise BindTypeError(key, value, type_, expected)

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        if self.enum_class is None:
            return None
        lookup = self._object_lookup

        def process(value: Any) -> Any:
            if value is None:
                return None
            try:
                return lookup[value]
            except KeyError:
                raise LookupError(
                    f"'{value}' is not among the defined enum values. Enum name: "
                    f"{self.name}. Possible values: {', '.join(self.enums)}"
                )

        return process

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        lookup = self._valid_lookup
        return lambda value: _quote_string(lookup.get(value, value))

    def __repr__(self) -> str:
        parts = [repr(e) for e in self.enums]
        if self.enum_class is not None:
            parts = [self.enum_class.__name__]
        elif self.name:
            parts.append(f"name={self.name!r}")
        return f"Enum({', '.join(parts)})"


# ---------------------------------------------------------------- UUID
class Uuid(_Checked):
    """A UUID; ``as_uuid=True`` gives ``uuid.UUID`` objects, else strings."""

    __visit_name__ = "uuid"
    _affinity_root = True

    def __init__(self, as_uuid: bool = True, native_uuid: bool = True) -> None:
        self.as_uuid = as_uuid
        self.native_uuid = native_uuid

    @property
    def python_type(self) -> type:
        return uuid.UUID if self.as_uuid else str

    def _coerce(self, key: Optional[str]) -> Processor:
        type_ = self
        as_uuid = self.as_uuid

        def process(value: Any) -> Any:
            if value is None:
                return None
            if value.__class__ is uuid.UUID:
                return value if as_uuid else str(value)
            if isinstance(value, str):
                try:
                    parsed = uuid.UUID(value)
                except ValueError:
                    raise BindTypeError(key, value, type_, "a UUID") from None
                return parsed if as_uuid else str(parsed)
            if isinstance(value, uuid.UUID):
                return value if as_uuid else str(value)
            raise BindTypeError(key, value, type_, "a uuid.UUID")

        return process

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        return self._coerce(key)

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        if self.as_uuid:

            def to_uuid(value: Any) -> Any:
                if value is None or value.__class__ is uuid.UUID:
                    return value
                return uuid.UUID(str(value))

            return to_uuid

        def to_str(value: Any) -> Any:
            if value is None or value.__class__ is str:
                return value
            return str(value)

        return to_str

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return lambda value: _quote_string(str(value))


# ---------------------------------------------------------------- misc
class NullType(TypeEngine):
    """The type of an expression whose type is unknown (mirrors SQLAlchemy)."""

    __visit_name__ = "null"
    _affinity_root = True
    _is_null_type = True

    @property
    def python_type(self) -> type:
        return object

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        return None

    def _adapt_expression(self, op: Any, other: TypeEngine) -> tuple[Any, TypeEngine]:
        if isinstance(other, (NullType, Integer)) or other is None:
            return op, self
        return op, other


NULLTYPE = NullType()
BOOLEANTYPE = Boolean()
STRINGTYPE = String()
INTEGERTYPE = Integer()
NUMERICTYPE = Numeric()
TABLEVALUE = NullType()

_VALUE_TYPES: dict[type, TypeEngine] = {
    int: INTEGERTYPE,
    float: Float(),
    bool: BOOLEANTYPE,
    _Decimal: NUMERICTYPE,
    str: STRINGTYPE,
    bytes: LargeBinary(),
    bytearray: LargeBinary(),
    dt.date: Date(),
    dt.datetime: DateTime(),
    dt.time: Time(),
    dt.timedelta: Interval(),
    uuid.UUID: Uuid(),
    type(None): NULLTYPE,
}


def _resolve_value_to_type(value: Any) -> TypeEngine:
    cls = value.__class__
    found = _VALUE_TYPES.get(cls)
    if found is not None:
        if cls is dt.datetime and value.tzinfo is not None:
            return DateTime(timezone=True)
        return found
    if isinstance(value, enum.Enum):
        return Enum(cls)
    for base in cls.__mro__[1:]:
        found = _VALUE_TYPES.get(base)
        if found is not None:
            return found
    return NULLTYPE
