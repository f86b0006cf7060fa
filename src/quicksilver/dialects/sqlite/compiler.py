"""SQLite statement, DDL and type compilers, and value conversion (``colspecs``).

Storage formats follow SQLAlchemy's SQLite dialect so databases are
interchangeable: DATETIME as ``'2024-01-02 03:04:05.000006'``, DATE as
``'2024-01-02'``, TIME as ``'03:04:05.000006'``, Uuid as 32 hex digits,
Interval as a DATETIME offset from the epoch, Boolean as 0/1, JSON as text.
Numeric binds a ``Decimal`` as its string and reads back through ``str``,
quantized to the column's scale: exact up to SQLite's 15 significant digits
(NUMERIC affinity stores REAL beyond that); see docs/sql.md.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import uuid
from typing import Any, Optional

from ... import exc
from ...sql import sqltypes
from ...sql._on_conflict import OnConflictCompilerMixin
from ...sql.compiler import (
    DDLCompiler,
    GenericTypeCompiler,
    IdentifierPreparer,
    SQLCompiler,
)
from ...sql.type_api import Processor

SQLITE_RESERVED = frozenset(
    """abort action add after all alter analyze and as asc attach autoincrement before
    begin between by cascade case cast check collate column commit conflict constraint
    create cross current_date current_time current_timestamp database default
    deferrable deferred delete desc detach distinct drop each else end escape except
    exclusive exists explain false fail for foreign from full glob group having if
    ignore immediate in index indexed initially inner insert instead intersect into is
    isnull join key left like limit match natural no not notnull null of offset on or
    order outer plan pragma primary query raise references reindex rename replace
    restrict right rollback row select set table temp temporary then to transaction
    trigger true union unique update using vacuum values view virtual when
    where""".split()
)


#: EXTRACT field -> strftime format (SQLAlchemy's table)
_EXTRACT_FORMATS = {
    "month": "%m",
    "day": "%d",
    "year": "%Y",
    "second": "%S",
    "hour": "%H",
    "doy": "%j",
    "minute": "%M",
    "epoch": "%s",
    "dow": "%w",
    "week": "%W",
}


class SQLiteIdentifierPreparer(IdentifierPreparer):
    """SQLite's reserved words."""

    reserved_words = SQLITE_RESERVED


class SQLiteCompiler(OnConflictCompilerMixin, SQLCompiler):
    """SQLite SQL: no FOR UPDATE, ``LIMIT -1 OFFSET``, unqualified RETURNING."""

    returning_qualified = False
    supports_on_conflict_constraint = False

    def limit_clause(self, select: Any, **kw: Any) -> str:
        return self._limit_offset(select._limit_clause, select._offset_clause, **kw)

    def _limit_offset(self, limit: Any, offset: Any, **kw: Any) -> str:
        from ...sql.constructors import literal

        text = ""
        if limit is not None:
            text += "\n LIMIT " + self.process(limit, **kw)
        if offset is not None:
            if limit is None:
                text += "\n LIMIT " + self.process(literal(-1), **kw)
            text += " OFFSET " + self.process(offset, **kw)
        else:
            text += " OFFSET " + self.process(literal(0), **kw)
        return text

    def fetch_clause(self, select: Any, **kw: Any) -> str:
        """SQLite has no ``FETCH FIRST``: a plain count becomes ``LIMIT``.

        SQLAlchemy writes ``FETCH FIRST`` here, which SQLite rejects; PERCENT
        and WITH TIES have no LIMIT spelling and keep the standard text.
        """
        opts = select._fetch_clause_options or {}
        if opts.get("percent") or opts.get("with_ties"):
            return super().fetch_clause(select, **kw)
        return self._limit_offset(select._fetch_clause, select._offset_clause, **kw)

    def visit_values(self, element: Any, asfrom: bool = False, **kw: Any) -> str:
        """SQLite has no ``AS name (col, ...)``: name VALUES' ``columnN``.

        SQLAlchemy writes the standard form, which SQLite rejects; this
        selects ``column1 AS a, ...`` from the bare VALUES instead.
        """
        if not asfrom or element._is_lateral:
            return super().visit_values(element, asfrom=asfrom, **kw)
        cols = ", ".join(
            f"column{i} AS {self.preparer.quote(c.name)}"
            for i, c in enumerate(element._column_args, 1)
        )
        text = f"(SELECT {cols} FROM ({self._values_rows(element, **kw)}))"
        if element._unnamed:
            return text
        return text + " AS " + self.preparer.quote(self._anon(element.name))

    def _bitwise_xor_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        # SQLite has no XOR operator: (a | b) - (a & b).  SQLAlchemy leaves
        # out the inner parentheses, which SQLite's precedence (+/- before
        # |/&) turns into a different, wrong, expression
        left = self.process(binary.left, **kw)
        right = self.process(binary.right, **kw)
        return f"(({left} | {right}) - ({left} & {right}))"

    def visit_extract(self, extract: Any, **kw: Any) -> str:
        """SQLite has no EXTRACT: ``CAST(STRFTIME('%Y', x) AS INTEGER)``."""
        try:
            fmt = _EXTRACT_FORMATS[extract.field.lower()]
        except KeyError:
            raise exc.CompileError(
                f"{extract.field} is not a valid extract argument."
            ) from None
        inner = self.process(extract.expr, **kw)
        return f"CAST(STRFTIME('{fmt}', {inner}) AS INTEGER)".replace("%", self._pct)

    def visit_cast(self, cast: Any, **kw: Any) -> str:
        if getattr(cast, "_truediv", False):
            # integer true division: SQLite has no NUMERIC cast semantics
            return "(" + self.process(cast.clause, **kw) + " + 0.0)"
        return super().visit_cast(cast, **kw)

    def for_update_clause(self, select: Any, **kw: Any) -> str:
        return ""  # SQLite locks the whole database; silently omitted as in SQLAlchemy

    def visit_now_func(self, fn: Any, **kw: Any) -> str:
        return "CURRENT_TIMESTAMP"

    def visit_char_length_func(self, fn: Any, **kw: Any) -> str:
        return "length" + "(" + self.process(fn.clause_expr, **kw) + ")"

    def _regexp_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        return (
            self.process(binary.left, **kw)
            + " REGEXP "
            + self.process(binary.right, **kw)
        )

    def _json_getitem_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        # the index bind's SQLite type (colspecs) formats it as a ``$`` path
        left = self.process(binary.left, **kw)
        extract = f"JSON_EXTRACT({left}, {self.process(binary.right, **kw)})"
        if binary.modifiers.get("json_as"):
            type_name = self.dialect.type_compiler_instance.process(binary.type)
            return f"CAST({extract} AS {type_name})"
        return f"JSON_QUOTE({extract})"

    def visit_is_distinct_from_binary(self, binary: Any, **kw: Any) -> str:
        return (
            self.process(binary.left, **kw)
            + " IS NOT "
            + self.process(binary.right, **kw)
        )

    def visit_sequence(self, seq: Any, **kw: Any) -> str:
        raise exc.CompileError("SQLite has no sequences")

    def _set_implicit_returning(
        self, stmt: Any, toplevel: bool, missing_pk: list[Any]
    ) -> None:
        # SQLite reports the new rowid through cursor.lastrowid; RETURNING is used
        # for it only when the dialect asks (as SQLAlchemy does).
        if getattr(self.dialect, "favor_returning_over_lastrowid", False):
            super()._set_implicit_returning(stmt, toplevel, missing_pk)

    def delete_extra_from_clause(self, stmt: Any, extra: list[Any], **kw: Any) -> str:
        raise exc.CompileNotImplementedError(
            "This backend does not support multiple-table criteria within "
            "DELETE: SQLite's DELETE cannot reference other tables; select the "
            "rows in a subquery instead (WHERE ... IN (SELECT ...))"
        )


class SQLiteDDLCompiler(DDLCompiler):
    """SQLite DDL: ``AUTOINCREMENT`` only with ``sqlite_autoincrement=True``."""

    def get_column_specification(
        self, column: Any, first_pk: bool = False, **kw: Any
    ) -> str:
        coltype = self.dialect.type_compiler_instance.process(
            column.type, type_expression=column
        )
        colspec = self.preparer.format_column(column) + " " + coltype
        default = self.get_column_default_string(column)
        if default is not None:
            if not re.match(r"""^\s*[\'\"\(]""", default) and re.match(
                r".*\W.*", default
            ):
                colspec += f" DEFAULT ({default})"
            else:
                colspec += f" DEFAULT {default}"
        if column.computed is not None:
            colspec += " " + self.process(column.computed)
        if not column.nullable:
            colspec += " NOT NULL"
        table = column.table
        if (
            column.primary_key
            and table.dialect_kwargs.get("sqlite_autoincrement")
            and len(table.primary_key.columns) == 1
            and issubclass(column.type._type_affinity, sqltypes.Integer)
            and not column.foreign_keys
        ):
            colspec += " PRIMARY KEY AUTOINCREMENT"
        return colspec

    def _render_pk_constraint(self, table: Any) -> bool:
        if (
            table.dialect_kwargs.get("sqlite_autoincrement")
            and len(table.primary_key.columns) == 1
        ):
            col = list(table.primary_key.columns)[0]
            if (
                issubclass(col.type._type_affinity, sqltypes.Integer)
                and not col.foreign_keys
            ):
                return False
        return True

    def get_column_default_string(self, column: Any) -> Optional[str]:
        text = super().get_column_default_string(column)
        return text


class SQLiteTypeCompiler(GenericTypeCompiler):
    """SQLite type names (as SQLAlchemy renders them)."""

    def visit_large_binary(self, t: Any, **kw: Any) -> str:
        return "BLOB"

    def visit_DATETIME(self, t: Any, **kw: Any) -> str:
        return "DATETIME"

    def visit_uuid(self, t: Any, **kw: Any) -> str:
        return "CHAR(32)"

    def visit_JSON(self, t: Any, **kw: Any) -> str:
        return "JSON"

    def visit_ARRAY(self, t: Any, **kw: Any) -> str:
        raise exc.CompileError("SQLite has no ARRAY type")


# ---------------------------------------------------------------- processors
_DT_RE = re.compile(r"(\d+)-(\d+)-(\d+)(?:[ T](\d+):(\d+):(\d+)(?:\.(\d{1,6}))?)?")
_TIME_RE = re.compile(r"(\d+):(\d+):(\d+)(?:\.(\d{1,6}))?")


def _fmt_datetime(value: dt.datetime) -> str:
    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def _parse_datetime(value: Any) -> Any:
    if value is None or isinstance(value, dt.datetime):
        return value
    m = _DT_RE.match(str(value))
    if m is None:
        raise ValueError(f"Couldn't parse datetime string: {value!r}")
    y, mo, d, h, mi, s, us = m.groups()
    return dt.datetime(
        int(y),
        int(mo),
        int(d),
        int(h or 0),
        int(mi or 0),
        int(s or 0),
        int((us or "0").ljust(6, "0")),
    )


class SQLiteDateTime(sqltypes.DateTime):
    """DATETIME stored as ``'YYYY-MM-DD HH:MM:SS.ffffff'`` text."""

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        check = super()._checked_proc(dialect, key)
        assert check is not None

        def process(value: Any) -> Any:
            if value is None:
                return None
            return _fmt_datetime(check(value))

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        return _parse_datetime

    def literal_processor(self, dialect: Any) -> Any:
        return lambda value: "'" + _fmt_datetime(value) + "'"


class SQLiteDate(sqltypes.Date):
    """DATE stored as ``'YYYY-MM-DD'`` text."""

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        check = super()._checked_proc(dialect, key)
        assert check is not None

        def process(value: Any) -> Any:
            if value is None:
                return None
            v = check(value)
            return "%04d-%02d-%02d" % (v.year, v.month, v.day)

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        def process(value: Any) -> Any:
            if value is None or isinstance(value, dt.date):
                return value
            return _parse_datetime(value).date()

        return process


class SQLiteTime(sqltypes.Time):
    """TIME stored as ``'HH:MM:SS.ffffff'`` text."""

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        check = super()._checked_proc(dialect, key)
        assert check is not None

        def process(value: Any) -> Any:
            if value is None:
                return None
            v = check(value)
            return "%02d:%02d:%02d.%06d" % (v.hour, v.minute, v.second, v.microsecond)

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        def process(value: Any) -> Any:
            if value is None or isinstance(value, dt.time):
                return value
            m = _TIME_RE.match(str(value))
            if m is None:
                raise ValueError(f"Couldn't parse time string: {value!r}")
            h, mi, s, us = m.groups()
            return dt.time(int(h), int(mi), int(s), int((us or "0").ljust(6, "0")))

        return process


_EPOCH = dt.datetime(1970, 1, 1)


class SQLiteInterval(sqltypes.Interval):
    """Interval stored as the DATETIME ``epoch + value`` (as SQLAlchemy does)."""

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        check = super()._checked_proc(dialect, key)
        assert check is not None

        def process(value: Any) -> Any:
            if value is None:
                return None
            return _fmt_datetime(_EPOCH + check(value))

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        def process(value: Any) -> Any:
            if value is None:
                return None
            return _parse_datetime(value) - _EPOCH

        return process


class SQLiteNumeric(sqltypes.Numeric):
    """Numeric bound as text; read back as ``Decimal`` quantized to ``scale``."""

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        check = super()._checked_proc(dialect, key)
        assert check is not None

        def process(value: Any) -> Any:
            value = check(value)
            if isinstance(value, decimal.Decimal):
                return str(value)
            return value

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        if not self.asdecimal:
            return sqltypes._to_float
        scale = self.scale
        quantum = decimal.Decimal(1).scaleb(-scale) if scale is not None else None

        def process(value: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, float):
                d = decimal.Decimal(repr(value))
            else:
                d = decimal.Decimal(str(value))
            if quantum is not None:
                d = d.quantize(quantum)
            return d

        return process


class SQLiteFloat(sqltypes.Float):
    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        check = super()._checked_proc(dialect, key)
        assert check is not None

        def process(value: Any) -> Any:
            value = check(value)
            if isinstance(value, decimal.Decimal):
                return float(value)
            return value

        return process


class SQLiteBoolean(sqltypes.Boolean):
    """Boolean stored as 0/1."""

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        check = super()._checked_proc(dialect, key)
        assert check is not None

        def process(value: Any) -> Any:
            value = check(value)
            return None if value is None else int(value)

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        def process(value: Any) -> Any:
            return None if value is None else bool(value)

        return process

    def literal_processor(self, dialect: Any) -> Any:
        return lambda value: "1" if value else "0"


class SQLiteUuid(sqltypes.Uuid):
    """Uuid stored as 32 hex digits."""

    def _checked_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        coerce = self._coerce(key)

        def process(value: Any) -> Any:
            value = coerce(value)
            if value is None:
                return None
            return value.hex if isinstance(value, uuid.UUID) else uuid.UUID(value).hex

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        as_uuid = self.as_uuid

        def process(value: Any) -> Any:
            if value is None:
                return None
            u = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
            return u if as_uuid else str(u)

        return process

    def literal_processor(self, dialect: Any) -> Any:
        return lambda value: (
            "'"
            + (value.hex if isinstance(value, uuid.UUID) else uuid.UUID(value).hex)
            + "'"
        )


class SQLiteJSON(sqltypes.JSON):
    """JSON as text: dumps on the way in, loads on the way out."""

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        loads = getattr(dialect, "_json_deserializer", None) or json.loads

        def process(value: Any) -> Any:
            if value is None:
                return None
            return loads(value)

        return process


class _SQLiteJSONIndex(sqltypes.TypeEngine):
    """A JSON index bound as a SQLite path: ``$."key"`` or ``$[0]``."""

    def bind_processor(self, dialect: Any) -> Optional[Processor]:
        return _json_path_text

    def literal_processor(self, dialect: Any) -> Any:
        return _json_path_literal


class _SQLiteJSONPath(_SQLiteJSONIndex):
    """A JSON path tuple bound as a SQLite path: ``$."a"[1]``."""


def _json_path_literal(value: Any) -> str:
    return "'" + _json_path_text(value).replace("'", "''") + "'"


def _json_path_text(value: Any) -> str:
    items = value if isinstance(value, (tuple, list)) else (value,)
    return "$" + "".join(
        f"[{i}]" if isinstance(i, int) else '."' + str(i).replace('"', '\\"') + '"'
        for i in items
    )


colspecs: dict[type, type] = {
    sqltypes.JSONIntIndexType: _SQLiteJSONIndex,
    sqltypes.JSONStrIndexType: _SQLiteJSONIndex,
    sqltypes.JSONPathType: _SQLiteJSONPath,
    sqltypes.DateTime: SQLiteDateTime,
    sqltypes.Date: SQLiteDate,
    sqltypes.Time: SQLiteTime,
    sqltypes.Interval: SQLiteInterval,
    sqltypes.Numeric: SQLiteNumeric,
    sqltypes.Float: SQLiteFloat,
    sqltypes.Boolean: SQLiteBoolean,
    sqltypes.Uuid: SQLiteUuid,
    sqltypes.JSON: SQLiteJSON,
}
