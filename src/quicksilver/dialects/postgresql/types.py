"""PostgreSQL-specific types (mirrors ``sqlalchemy.dialects.postgresql``)."""

from __future__ import annotations

from typing import Any, Optional

from ...sql import sqltypes
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
    """PostgreSQL JSON; psycopg parses results itself."""

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        return None


class JSONB(JSON):
    """PostgreSQL JSONB."""

    __visit_name__ = "JSONB"


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
    sqltypes.JSON: JSON,
    sqltypes.ARRAY: ARRAY,
    sqltypes.Enum: ENUM,
}
