"""Schema reflection for PostgreSQL, from ``pg_catalog``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from ...sql import sqltypes

if TYPE_CHECKING:
    from ...engine.base import Connection


def _pg_types() -> dict[str, Any]:
    from . import types as pgtypes

    return {
        "integer": sqltypes.INTEGER,
        "bigint": sqltypes.BIGINT,
        "smallint": sqltypes.SMALLINT,
        "character varying": sqltypes.VARCHAR,
        "character": sqltypes.CHAR,
        "text": sqltypes.TEXT,
        "numeric": sqltypes.NUMERIC,
        "real": sqltypes.REAL,
        "double precision": sqltypes.DOUBLE_PRECISION,
        "boolean": sqltypes.BOOLEAN,
        "date": sqltypes.DATE,
        "time without time zone": sqltypes.TIME,
        "time with time zone": lambda *a: sqltypes.TIME(timezone=True),
        "timestamp without time zone": sqltypes.TIMESTAMP,
        "timestamp with time zone": lambda *a: sqltypes.TIMESTAMP(timezone=True),
        "interval": getattr(pgtypes, "INTERVAL", sqltypes.Interval),
        "bytea": getattr(pgtypes, "BYTEA", sqltypes.LargeBinary),
        "json": sqltypes.JSON,
        "jsonb": getattr(pgtypes, "JSONB", sqltypes.JSON),
        "uuid": sqltypes.UUID,
    }


class PGReflectionMixin:
    """Reflection methods of the PostgreSQL dialect (driver-neutral SQL)."""

    def _schema_or_default(
        self, connection: "Connection", schema: Optional[str]
    ) -> str:
        if schema is not None:
            return schema
        return str(connection.exec_driver_sql("select current_schema()").scalar())

    def _rows(
        self, connection: "Connection", sql: str, params: dict[str, Any]
    ) -> list[Any]:
        return list(
            connection.exec_driver_sql(
                self._convert_named(sql),
                self._convert_params(sql, params),  # type: ignore[attr-defined]
            )
        )

    def get_schema_names(self, connection: "Connection", **kw: Any) -> list[str]:
        rows = connection.exec_driver_sql(
            "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg~_%%' "
            "ESCAPE '~' AND nspname <> 'information_schema' ORDER BY nspname"
            if self.paramstyle == "pyformat"
            # type: ignore[attr-defined]
            else "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname NOT LIKE 'pg~_%' "
            "ESCAPE '~' AND nspname <> 'information_schema' ORDER BY nspname"
        )
        return [r[0] for r in rows]

    def _relnames(
        self, connection: "Connection", schema: Optional[str], kinds: str
    ) -> list[str]:
        sql = (
            "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            f"ON n.oid = c.relnamespace WHERE n.nspname = %(schema)s AND c.relkind IN ({kinds}) "
            "ORDER BY c.relname"
        )
        return [
            r[0]
            for r in self._rows(
                connection, sql, {"schema": self._schema_or_default(connection, schema)}
            )
        ]

    def get_table_names(
        self, connection: "Connection", schema: Optional[str] = None, **kw: Any
    ) -> list[str]:
        return self._relnames(connection, schema, "'r', 'p'")

    def get_view_names(
        self, connection: "Connection", schema: Optional[str] = None, **kw: Any
    ) -> list[str]:
        return self._relnames(connection, schema, "'v', 'm'")

    def get_columns(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        sql = (
            "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
            "a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, "
            "t.typtype, t.typname, pg_catalog.col_description(c.oid, a.attnum), t.oid "
            "FROM pg_catalog.pg_attribute a "
            "JOIN pg_catalog.pg_class c ON a.attrelid = c.oid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
            "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE c.relname = %(name)s AND n.nspname = %(schema)s AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY a.attnum"
        )
        schema_name = self._schema_or_default(connection, schema)
        rows = self._rows(connection, sql, {"name": table_name, "schema": schema_name})
        names = _pg_types()
        columns = []
        for (
            name,
            fmt,
            notnull,
            default,
            identity,
            typtype,
            typname,
            comment,
            typoid,
        ) in rows:
            autoincrement = False
            if default is not None and default.startswith("nextval("):
                autoincrement = True
            if identity:
                autoincrement = True
            if typtype == "e":
                labels = [
                    r[0]
                    for r in self._rows(
                        connection,
                        "SELECT enumlabel FROM pg_catalog.pg_enum WHERE enumtypid = %(oid)s "
                        "ORDER BY enumsortorder",
                        {"oid": typoid},
                    )
                ]
                from .types import ENUM

                coltype: Any = ENUM(*labels, name=typname)
            else:
                coltype = self._parse_type(fmt, names)
            columns.append(
                {
                    "name": name,
                    "type": coltype,
                    "nullable": not notnull,
                    "default": default,
                    "autoincrement": autoincrement,
                    "comment": comment,
                }
            )
        return columns

    def _parse_type(self, fmt: str, names: dict[str, Any]) -> Any:
        is_array = fmt.endswith("[]")
        base = fmt[:-2] if is_array else fmt
        match = re.match(
            r"^([a-z ]+?)(?:\(([\d, ]+)\))?( with(?:out)? time zone)?$", base
        )
        if not match:
            return sqltypes.NullType()
        typename = match.group(1).strip() + (match.group(3) or "")
        args = [int(a) for a in (match.group(2) or "").split(",") if a.strip()]
        if typename.startswith("timestamp") and match.group(3):
            typename = "timestamp" + match.group(3)
        cls = names.get(typename)
        if cls is None:
            coltype: Any = sqltypes.NullType()
        else:
            try:
                coltype = cls(*args)
            except TypeError:
                coltype = cls()
        if is_array:
            from .types import ARRAY

            return ARRAY(coltype)
        return coltype

    def get_pk_constraint(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> dict[str, Any]:
        sql = (
            "SELECT con.conname, a.attname FROM pg_catalog.pg_constraint con "
            "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE con.contype = 'p' AND c.relname = %(name)s AND n.nspname = %(schema)s "
            "ORDER BY k.ord"
        )
        rows = self._rows(
            connection,
            sql,
            {"name": table_name, "schema": self._schema_or_default(connection, schema)},
        )
        return {
            "constrained_columns": [r[1] for r in rows],
            "name": rows[0][0] if rows else None,
        }

    def get_foreign_keys(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        sql = (
            "SELECT con.conname, pg_catalog.pg_get_constraintdef(con.oid, true), "
            "rn.nspname, rc.relname FROM pg_catalog.pg_constraint con "
            "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
            "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
            "WHERE con.contype = 'f' AND c.relname = %(name)s AND n.nspname = %(schema)s "
            "ORDER BY con.conname"
        )
        schema_name = self._schema_or_default(connection, schema)
        default_schema = self._schema_or_default(connection, None)
        result = []
        for conname, definition, ref_schema, ref_table in self._rows(
            connection, sql, {"name": table_name, "schema": schema_name}
        ):
            match = re.match(
                r"FOREIGN KEY \((.*?)\) REFERENCES (?:.*?)\((.*?)\)(.*)", definition
            )
            if not match:
                continue
            local = [c.strip().strip('"') for c in match.group(1).split(",")]
            remote = [c.strip().strip('"') for c in match.group(2).split(",")]
            rest = match.group(3)
            options: dict[str, Any] = {}
            ondelete = re.search(
                r"ON DELETE (CASCADE|SET NULL|SET DEFAULT|RESTRICT)", rest
            )
            onupdate = re.search(
                r"ON UPDATE (CASCADE|SET NULL|SET DEFAULT|RESTRICT)", rest
            )
            if ondelete:
                options["ondelete"] = ondelete.group(1)
            if onupdate:
                options["onupdate"] = onupdate.group(1)
            result.append(
                {
                    "name": conname,
                    "constrained_columns": local,
                    "referred_schema": None
                    if (schema is None and ref_schema == default_schema)
                    else ref_schema,
                    "referred_table": ref_table,
                    "referred_columns": remote,
                    "options": options,
                }
            )
        return result

    def get_indexes(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        sql = (
            "SELECT i.relname, ix.indisunique, a.attname FROM pg_catalog.pg_index ix "
            "JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid "
            "JOIN pg_catalog.pg_class c ON c.oid = ix.indrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE NOT ix.indisprimary AND c.relname = %(name)s AND n.nspname = %(schema)s "
            "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con "
            "WHERE con.conindid = ix.indexrelid AND con.contype = 'u') "
            "ORDER BY i.relname, k.ord"
        )
        indexes: dict[str, dict[str, Any]] = {}
        for name, unique, column in self._rows(
            connection,
            sql,
            {"name": table_name, "schema": self._schema_or_default(connection, schema)},
        ):
            entry = indexes.setdefault(
                name, {"name": name, "column_names": [], "unique": bool(unique)}
            )
            entry["column_names"].append(column)
        return list(indexes.values())

    def get_unique_constraints(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        sql = (
            "SELECT con.conname, a.attname FROM pg_catalog.pg_constraint con "
            "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE con.contype = 'u' AND c.relname = %(name)s AND n.nspname = %(schema)s "
            "ORDER BY con.conname, k.ord"
        )
        found: dict[str, list[str]] = {}
        for name, column in self._rows(
            connection,
            sql,
            {"name": table_name, "schema": self._schema_or_default(connection, schema)},
        ):
            found.setdefault(name, []).append(column)
        return [{"name": n, "column_names": cols} for n, cols in found.items()]

    def get_table_comment(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> dict[str, Any]:
        sql = (
            "SELECT pg_catalog.obj_description(c.oid, 'pg_class') FROM pg_catalog.pg_class c "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = %(name)s AND n.nspname = %(schema)s"
        )
        rows = self._rows(
            connection,
            sql,
            {"name": table_name, "schema": self._schema_or_default(connection, schema)},
        )
        return {"text": rows[0][0] if rows else None}
