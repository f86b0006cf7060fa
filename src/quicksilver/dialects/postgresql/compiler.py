"""PostgreSQL statement, DDL and type compilers, and ``colspecs``.

psycopg converts dates, decimals, UUIDs, arrays and JSON results itself, so
few value processors are needed here; the generic types' bind checks still
apply.  ``SERIAL`` / ``BIGSERIAL`` render for integer autoincrement primary
keys, and named ENUM types are created before the tables that use them
(``PGDDLCompiler.pre_create_all``).
"""

from __future__ import annotations

from typing import Any

from ... import exc
from ...sql import operators as ops
from ...sql import sqltypes
from ...sql._on_conflict import OnConflictCompilerMixin
from ...sql.compiler import (
    DDLCompiler,
    GenericTypeCompiler,
    IdentifierPreparer,
    SQLCompiler,
)
from ...sql.compiler.preparer import RESERVED_WORDS
from ...sql.ddl import _CreateDropBase
from ...sql.type_api import TypeDecorator, UserDefinedType
from .types import CITEXT, INTERVAL
from .types import colspecs as colspecs

__all__ = [
    "PGCompiler",
    "PGDDLCompiler",
    "PGIdentifierPreparer",
    "PGTypeCompiler",
    "colspecs",
]


class PGIdentifierPreparer(IdentifierPreparer):
    """PostgreSQL quoting (ANSI double quotes, PostgreSQL reserved words)."""

    reserved_words = RESERVED_WORDS


def _renders_bind_casts(dialect: Any) -> bool:
    """Whether ``dialect`` wants ``::TYPE`` after typed binds.

    A dialect says so with ``render_bind_cast = True`` (SQLAlchemy spells it
    ``bind_typing = BindTyping.RENDER_CASTS``); without the attribute,
    psycopg 3 - which binds server-side and sends strings, JSON and dates
    as "unknown" - is assumed to want them.
    """
    flag = getattr(dialect, "render_bind_cast", None)
    if flag is None:
        return getattr(dialect, "driver", None) == "psycopg"
    return bool(flag)


class PGCompiler(OnConflictCompilerMixin, SQLCompiler):
    """PostgreSQL SQL: ILIKE, ``~``, FOR UPDATE options, DISTINCT ON, ``[i]``,
    ``->``, and bind casts (``%(x)s::INTEGER``) for server-side binding."""

    def __init__(self, dialect: Any, statement: Any, **kw: Any) -> None:
        self._render_bind_casts = _renders_bind_casts(dialect)
        self._cast_memo: dict[Any, str] = {}
        super().__init__(dialect, statement, **kw)

    def bind_cast_suffix(self, type_: Any) -> str:
        """``::TYPE`` for types the driver cannot (or may wrongly) type.

        The same choice as SQLAlchemy's psycopg / asyncpg dialects: psycopg
        types numbers, booleans and bytes itself, so they go uncast;
        asyncpg (``driver == "asyncpg"``) casts those too.
        """
        try:
            return self._cast_memo[type_]
        except (KeyError, TypeError):
            pass
        text = _bind_cast(self, type_)
        suffix = "::" + text if text else ""
        try:
            self._cast_memo[type_] = suffix
        except TypeError:  # pragma: no cover - unhashable type object
            pass
        return suffix

    def _ilike_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        escape = binary.modifiers.get("escape")
        word = " ILIKE " if op is ops.ilike_op else " NOT ILIKE "
        text = self.process(binary.left, **kw) + word + self.process(binary.right, **kw)
        if escape is not None:
            text += " ESCAPE " + self.render_literal_value(escape, sqltypes.String())
        return text

    def _bitwise_xor_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        return (
            self.process(binary.left, **kw) + " # " + self.process(binary.right, **kw)
        )

    def _regexp_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        flags = binary.modifiers.get("flags")
        word = " ~* " if flags and "i" in flags else " ~ "
        return self.process(binary.left, **kw) + word + self.process(binary.right, **kw)

    def _getitem_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        return f"{self.process(binary.left, **kw)}[{self.process(binary.right, **kw)}]"

    def _json_getitem_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        path = op is ops.json_path_getitem_op
        left = self.process(binary.left, **kw)
        right = self.process(binary.right, **kw)
        if binary.modifiers.get("json_as"):
            type_name = self.dialect.type_compiler_instance.process(binary.type)
            word = " #>> " if path else " ->> "
            return f"CAST({left}{word}{right} AS {type_name})"
        if binary.modifiers.get("astext"):
            return left + (" #>> " if path else " ->> ") + right
        if not path and binary.left.type.__visit_name__ == "JSONB":
            # JSONB subscripting (PostgreSQL 14+), as SQLAlchemy 2.1 renders it
            return f"{left}[{right}]"
        return left + (" #> " if path else " -> ") + right

    def get_select_precolumns(self, select: Any, **kw: Any) -> str:
        if select._distinct_on:
            return (
                "DISTINCT ON ("
                + ", ".join(self.process(c, **kw) for c in select._distinct_on)
                + ") "
            )
        return "DISTINCT " if select._distinct else ""

    def limit_clause(self, select: Any, **kw: Any) -> str:
        text = ""
        if select._limit_clause is not None:
            text += " \n LIMIT " + self.process(select._limit_clause, **kw)
        if select._offset_clause is not None:
            if select._limit_clause is None:
                text += " \n LIMIT ALL"
            text += " OFFSET " + self.process(select._offset_clause, **kw)
        return text

    def visit_array(self, element: Any, **kw: Any) -> str:
        return render_array(self, element, **kw)

    def visit_slice(self, element: Any, **kw: Any) -> str:
        return (
            self.process(element.start, **kw) + ":" + self.process(element.stop, **kw)
        )

    def _fetch_operand(self, clause: Any, **kw: Any) -> str:
        # PostgreSQL needs a parenthesized expression for a bound FETCH count
        return "(" + self.process(clause, **kw) + ")"

    def for_update_clause(self, select: Any, **kw: Any) -> str:
        arg = select._for_update_arg
        if arg.read:
            text = " FOR KEY SHARE" if arg.key_share else " FOR SHARE"
        else:
            text = " FOR NO KEY UPDATE" if arg.key_share else " FOR UPDATE"
        if arg.of:
            tables = []
            for o in arg.of:
                t = (
                    o.table
                    if getattr(o, "table", None) is not None
                    and not getattr(o, "_is_from_clause", False)
                    else o
                )
                tables.append(
                    self.process(t, asfrom=False, **kw)
                    if not t._is_table
                    else self.preparer.quote(t.name)
                )
            text += " OF " + ", ".join(dict.fromkeys(tables))
        if arg.nowait:
            text += " NOWAIT"
        if arg.skip_locked:
            text += " SKIP LOCKED"
        return text

    def _empty_set_expr(self, type_: Any) -> str:
        tc = self.dialect.type_compiler_instance
        if self._is_tuple_type(type_):
            cols = ", ".join(f"CAST(NULL AS {tc.process(t)})" for t in type_.types)
        else:
            name = "INTEGER" if type_._is_null_type else tc.process(type_)
            cols = f"CAST(NULL AS {name})"
        return f"SELECT {cols} WHERE 1!=1"

    def visit_sequence(self, seq: Any, **kw: Any) -> str:
        return f"nextval('{self.preparer.format_sequence(seq)}')"

    def visit_next_value(self, func: Any, **kw: Any) -> str:
        return self.visit_sequence(func.sequence)

    def update_from_clause(self, stmt: Any, extra_froms: list[Any], **kw: Any) -> str:
        return " FROM " + ", ".join(
            self.process(f, asfrom=True, **kw) for f in extra_froms
        )

    def delete_extra_from_clause(self, stmt: Any, extra: list[Any], **kw: Any) -> str:
        return " USING " + ", ".join(self.process(f, asfrom=True, **kw) for f in extra)

    def bindparam_string(self, name: str, expanding: bool = False, **kw: Any) -> str:
        return super().bindparam_string(name, expanding=expanding, **kw)


def render_array(compiler: Any, element: Any, **kw: Any) -> str:
    """``ARRAY[a, b]``; an empty one is cast (``ARRAY[]::INTEGER[]``) since
    PostgreSQL cannot infer its type."""
    if not element.clauses:
        tc = compiler.dialect.type_compiler_instance
        return "ARRAY[]::" + tc.process(element.type)
    return (
        "ARRAY[" + ", ".join(compiler.process(c, **kw) for c in element.clauses) + "]"
    )


def _bind_cast(compiler: PGCompiler, type_: Any) -> str:
    """The SQL type name a bind of ``type_`` is cast to, or ``""``."""
    dialect = compiler.dialect
    t = type_
    while isinstance(t, TypeDecorator):
        t = t.load_dialect_impl(dialect)
    if t._is_null_type or isinstance(t, (UserDefinedType, sqltypes.TupleType)):
        return ""
    impl = t.dialect_impl(dialect)
    if getattr(impl, "_no_bind_cast", False):
        return ""
    asyncpg = getattr(dialect, "driver", None) == "asyncpg"
    tc = dialect.type_compiler_instance
    if isinstance(impl, sqltypes.JSONStrIndexType):
        return "TEXT"
    if isinstance(impl, sqltypes.JSONIntIndexType):
        return "INT"
    if isinstance(impl, sqltypes.Integer):
        if isinstance(impl, sqltypes.BigInteger):
            return "BIGINT"
        if isinstance(impl, sqltypes.SmallInteger):
            return "SMALLINT"
        return "INTEGER"
    if isinstance(impl, sqltypes.Enum):
        if asyncpg and impl.native_enum and impl.name:
            return str(tc.process(impl))
        return ""
    if isinstance(impl, CITEXT):
        return ""
    if isinstance(impl, sqltypes.String):
        return "VARCHAR"
    if isinstance(
        impl,
        (
            sqltypes.JSON,
            sqltypes.ARRAY,
            sqltypes.Date,
            sqltypes.DateTime,
            sqltypes.Time,
            sqltypes.Uuid,
            INTERVAL,
        ),
    ):
        return str(tc.process(impl))
    if not asyncpg:
        return ""
    if isinstance(impl, sqltypes.Float):
        return "FLOAT"
    if isinstance(impl, (sqltypes.Numeric, sqltypes.Boolean, sqltypes.Interval)):
        return str(tc.process(impl))
    if isinstance(impl, sqltypes.LargeBinary):
        return "BYTEA"
    return ""


class CreateEnumType(_CreateDropBase):
    """``CREATE TYPE name AS ENUM (...)``."""

    __visit_name__ = "create_enum_type"


class DropEnumType(_CreateDropBase):
    """``DROP TYPE name``."""

    __visit_name__ = "drop_enum_type"


def _enums_of(tables: list[Any]) -> list[Any]:
    found: dict[Any, Any] = {}
    for t in tables:
        for c in t.columns:
            typ = c.type
            if isinstance(typ, sqltypes.ARRAY):
                typ = typ.item_type
            if (
                isinstance(typ, sqltypes.Enum)
                and typ.native_enum
                and typ.name
                and getattr(typ, "create_type", True)
            ):
                found.setdefault((typ.schema, typ.name), typ)
    return list(found.values())


class PGDDLCompiler(DDLCompiler):
    """PostgreSQL DDL: SERIAL, ENUM types, comments."""

    supports_comments = True

    @staticmethod
    def pre_create_all(conn: Any, tables: list[Any], checkfirst: bool) -> None:
        """CREATE the named ENUM types the tables use, before the tables."""
        has_type = getattr(conn.dialect, "has_type", None)
        for enum in _enums_of(tables):
            if (
                checkfirst
                and has_type is not None
                and has_type(conn, enum.name, schema=enum.schema)
            ):
                continue
            conn.execute(CreateEnumType(enum))

    @staticmethod
    def post_drop_all(conn: Any, tables: list[Any], checkfirst: bool) -> None:
        """DROP the named ENUM types of dropped tables."""
        has_type = getattr(conn.dialect, "has_type", None)
        for enum in _enums_of(tables):
            if (
                checkfirst
                and has_type is not None
                and not has_type(conn, enum.name, schema=enum.schema)
            ):
                continue
            conn.execute(DropEnumType(enum))

    def visit_create_enum_type(self, create: Any, **kw: Any) -> str:
        enum = create.element
        return "CREATE TYPE {} AS ENUM ({})".format(
            self.preparer.format_type(enum),
            ", ".join("'" + e.replace("'", "''") + "'" for e in enum.enums),
        )

    def visit_drop_enum_type(self, drop: Any, **kw: Any) -> str:
        return f"DROP TYPE {self.preparer.format_type(drop.element)}"

    def get_column_specification(
        self, column: Any, first_pk: bool = False, **kw: Any
    ) -> str:
        colspec = self.preparer.format_column(column)
        impl = column.type.dialect_impl(self.dialect)
        table = column.table
        is_serial = (
            table is not None
            and column is table.autoincrement_column
            and column.identity is None
            and (
                column.default is None
                or (
                    getattr(column.default, "is_sequence", False)
                    and column.default.optional
                )
            )
            and column.server_default is None
            and issubclass(impl._type_affinity, sqltypes.Integer)
        )
        if is_serial:
            if isinstance(impl, sqltypes.BigInteger):
                colspec += " BIGSERIAL"
            elif isinstance(impl, sqltypes.SmallInteger):
                colspec += " SMALLSERIAL"
            else:
                colspec += " SERIAL"
        else:
            colspec += " " + self.dialect.type_compiler_instance.process(
                column.type, type_expression=column
            )
            default = self.get_column_default_string(column)
            if default is not None:
                colspec += " DEFAULT " + default
        if column.computed is not None:
            colspec += " " + self.process(column.computed)
        if column.identity is not None:
            colspec += " " + self.process(column.identity)
        if not column.nullable and column.identity is None:
            colspec += " NOT NULL"
        elif column.nullable and column.identity is not None:
            colspec += " NULL"
        return colspec

    def post_create_index(self, index: Any) -> str:
        where = index.dialect_kwargs.get("postgresql_where")
        if where is not None:
            return " WHERE " + self._literal_sql(where)
        return ""

    def visit_create_index(
        self, create: Any, include_schema: bool = False, **kw: Any
    ) -> str:
        text = super().visit_create_index(create, include_schema, **kw)
        using = create.element.dialect_kwargs.get("postgresql_using")
        if using:
            table = self._table_name(create.element.table)
            text = text.replace(f" ON {table} (", f" ON {table} USING {using} (", 1)
        return text

    def visit_drop_table_comment(self, drop: Any, **kw: Any) -> str:
        return f"COMMENT ON TABLE {self._table_name(drop.element)} IS NULL"


class PGTypeCompiler(GenericTypeCompiler):
    """PostgreSQL type names."""

    def _tz(self, word: str, t: Any) -> str:
        precision = getattr(t, "precision", None)
        p = f"({precision})" if precision is not None else ""
        return f"{word}{p} {'WITH' if t.timezone else 'WITHOUT'} TIME ZONE"

    def visit_TIMESTAMP(self, t: Any, **kw: Any) -> str:
        return self._tz("TIMESTAMP", t)

    def visit_datetime(self, t: Any, **kw: Any) -> str:
        return self._tz("TIMESTAMP", t)

    def visit_TIME(self, t: Any, **kw: Any) -> str:
        return self._tz("TIME", t)

    def visit_time(self, t: Any, **kw: Any) -> str:
        return self._tz("TIME", t)

    def visit_large_binary(self, t: Any, **kw: Any) -> str:
        return "BYTEA"

    def visit_BYTEA(self, t: Any, **kw: Any) -> str:
        return "BYTEA"

    def visit_BLOB(self, t: Any, **kw: Any) -> str:
        return "BYTEA"

    def visit_double(self, t: Any, **kw: Any) -> str:
        return "DOUBLE PRECISION"

    def visit_DOUBLE(self, t: Any, **kw: Any) -> str:
        return "DOUBLE PRECISION"

    def visit_uuid(self, t: Any, **kw: Any) -> str:
        return "UUID" if t.native_uuid else "CHAR(32)"

    def visit_JSONB(self, t: Any, **kw: Any) -> str:
        return "JSONB"

    def visit_interval(self, t: Any, **kw: Any) -> str:
        return "INTERVAL"

    def visit_INTERVAL(self, t: Any, **kw: Any) -> str:
        text = "INTERVAL"
        if getattr(t, "fields", None):
            text += " " + t.fields
        if getattr(t, "precision", None) is not None:
            text += f" ({t.precision})"
        return text

    def visit_enum(self, t: Any, **kw: Any) -> str:
        if not t.native_enum or not t.name:
            return super().visit_enum(t, **kw)
        return self.dialect.identifier_preparer.format_type(t)

    def visit_datetime_dt(self, t: Any, **kw: Any) -> str:  # pragma: no cover
        return "TIMESTAMP"

    def visit_INET(self, t: Any, **kw: Any) -> str:
        return "INET"

    def visit_CIDR(self, t: Any, **kw: Any) -> str:
        return "CIDR"

    def visit_MONEY(self, t: Any, **kw: Any) -> str:
        return "MONEY"

    def visit_CITEXT(self, t: Any, **kw: Any) -> str:
        return "CITEXT"

    def visit_ARRAY(self, t: Any, **kw: Any) -> str:
        inner = self.process(t.item_type)
        return inner + "[]" * (t.dimensions or 1)


def _unused() -> None:  # pragma: no cover - keeps exc imported for subclasses
    raise exc.CompileError("unused")
