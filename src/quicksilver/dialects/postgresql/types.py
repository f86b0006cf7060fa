"""PostgreSQL-specific types (mirrors ``sqlalchemy.dialects.postgresql``)."""

from __future__ import annotations

from typing import Any, Optional

from ... import exc
from ...sql import operators as ops
from ...sql import sqltypes
from ...sql.elements import BinaryExpression, ClauseElement
from ...sql.type_api import Processor

__all__ = [
    "ARRAY",
    "BIGINT",
    "BOOLEAN",
    "BYTEA",
    "CHAR",
    "CIDR",
    "DATE",
    "DOUBLE_PRECISION",
    "ENUM",
    "FLOAT",
    "INET",
    "INTEGER",
    "INTERVAL",
    "JSON",
    "JSONB",
    "MONEY",
    "NUMERIC",
    "REAL",
    "SMALLINT",
    "TEXT",
    "TIME",
    "TIMESTAMP",
    "UUID",
    "VARCHAR",
    "CITEXT",
]

BIGINT = sqltypes.BIGINT
BOOLEAN = sqltypes.BOOLEAN
CHAR = sqltypes.CHAR
DATE = sqltypes.DATE
DOUBLE_PRECISION = sqltypes.DOUBLE_PRECISION
FLOAT = sqltypes.FLOAT
INTEGER = sqltypes.INTEGER
NUMERIC = sqltypes.NUMERIC
REAL = sqltypes.REAL
SMALLINT = sqltypes.SMALLINT
TEXT = sqltypes.TEXT
VARCHAR = sqltypes.VARCHAR
UUID = sqltypes.UUID


class ARRAY(sqltypes.ARRAY):
    """PostgreSQL ARRAY: ``col[i]``, ``col.any(x)``, ``col.contains([..])``."""


class JSON(sqltypes.JSON):
    """PostgreSQL JSON; psycopg parses results itself.  Adds ``.astext``
    (``->>``) to index expressions."""

    class Comparator(sqltypes.JSON.Comparator):
        """``col["k"].astext`` reads the element as text (``->>`` / ``#>>``)."""

        __slots__ = ()

        @property
        def astext(self) -> Any:
            expr = self.expr
            if getattr(expr, "operator", None) not in (
                ops.json_getitem_op,
                ops.json_path_getitem_op,
            ):
                raise exc.InvalidRequestError(
                    ".astext is only available on a JSON index expression "
                    "(col['key'].astext)"
                )
            return BinaryExpression(
                expr.left,
                expr.right,
                expr.operator,
                type_=sqltypes.Text(),
                modifiers={"astext": True},
            )

    comparator_factory = Comparator

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        return None


class JSONB(JSON):
    """PostgreSQL JSONB: ``@>``, ``<@``, ``?``, ``?&``, ``?|`` operators."""

    __visit_name__ = "JSONB"

    class Comparator(JSON.Comparator):
        """JSONB containment and key tests (mirrors ``JSONB.Comparator``)."""

        __slots__ = ()

        def _op(self, opstring: str, other: Any, type_: Any) -> Any:
            op = ops.custom_op(opstring, precedence=5, is_comparison=True)
            if hasattr(other, "__clause_element__"):
                other = other.__clause_element__()
            if isinstance(other, ClauseElement):
                right = other
            else:
                right = self.expr._bind_param(op, other, type_=type_)
            return BinaryExpression(self.expr, right, op, type_=sqltypes.Boolean())

        def contains(self, other: Any, **kw: Any) -> Any:
            """``col @> other``: the document contains ``other``."""
            return self._op("@>", other, self.expr.type)

        def contained_by(self, other: Any) -> Any:
            """``col <@ other``."""
            return self._op("<@", other, self.expr.type)

        def has_key(self, other: Any) -> Any:
            """``col ? key``."""
            return self._op("?", other, sqltypes.Text())

        def has_all(self, other: Any) -> Any:
            """``col ?& array``: every key is present."""
            return self._op("?&", other, ARRAY(sqltypes.Text()))

        def has_any(self, other: Any) -> Any:
            """``col ?| array``: some key is present."""
            return self._op("?|", other, ARRAY(sqltypes.Text()))

    comparator_factory = Comparator


class _PGJSONPath(sqltypes.JSONPathType):
    """A JSON path tuple bound as ``text[]`` for ``#>`` / ``#>>``."""

    def bind_processor(self, dialect: Any) -> Optional[Processor]:
        def process(value: Any) -> Any:
            return [str(v) for v in value]

        return process

    def literal_processor(self, dialect: Any) -> Any:
        def process(value: Any) -> str:
            # a text[] literal, '{a, b}', as SQLAlchemy writes it
            inner = ", ".join(str(v) for v in value)
            return "'{" + inner.replace("'", "''") + "}'"

        return process


class BYTEA(sqltypes.LargeBinary):
    __visit_name__ = "BYTEA"


class INTERVAL(sqltypes.Interval):
    """PostgreSQL INTERVAL (``fields``, ``precision``)."""

    __visit_name__ = "INTERVAL"

    def __init__(
        self, precision: Optional[int] = None, fields: Optional[str] = None
    ) -> None:
        super().__init__()
        self.precision = precision
        self.fields = fields


class TIMESTAMP(sqltypes.TIMESTAMP):
    """``TIMESTAMP [(p)] WITH[OUT] TIME ZONE``."""

    def __init__(self, timezone: bool = False, precision: Optional[int] = None) -> None:
        super().__init__(timezone=timezone)
        self.precision = precision


class TIME(sqltypes.TIME):
    def __init__(self, timezone: bool = False, precision: Optional[int] = None) -> None:
        super().__init__(timezone=timezone)
        self.precision = precision


class ENUM(sqltypes.Enum):
    """A named PostgreSQL ENUM type, created before the tables using it.

    ``create_type=False`` leaves creating it to the user.
    """

    native_enum = True

    def __init__(self, *enums: Any, create_type: bool = True, **kw: Any) -> None:
        kw.pop("native_enum", None)
        super().__init__(*enums, native_enum=True, **kw)
        self.create_type = create_type


class INET(sqltypes.TypeEngine):
    __visit_name__ = "INET"

    @property
    def python_type(self) -> type:
        return str


class CIDR(INET):
    __visit_name__ = "CIDR"


class MONEY(sqltypes.TypeEngine):
    __visit_name__ = "MONEY"


class CITEXT(sqltypes.TEXT):
    __visit_name__ = "CITEXT"


class PGUuid(sqltypes.Uuid):
    """Uuid on PostgreSQL: psycopg sends and returns ``uuid.UUID`` natively."""


colspecs: dict[type, type] = {
    sqltypes.JSONPathType: _PGJSONPath,
    sqltypes.JSON: JSON,
    sqltypes.ARRAY: ARRAY,
    sqltypes.Enum: ENUM,
}
