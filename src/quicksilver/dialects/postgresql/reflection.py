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
        "double precision": lambda *a: sqltypes.DOUBLE_PRECISION(precision=53),
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
            "t.typtype, t.typname, pg_catalog.col_description(c.oid, a.attnum), t.oid, "
            "(SELECT json_build_array(s.seqstart, s.seqincrement, s.seqmin, "
            "s.seqmax, s.seqcycle, s.seqcache) FROM pg_catalog.pg_sequence s "
            "JOIN pg_catalog.pg_depend dep ON dep.objid = s.seqrelid "
            "WHERE dep.refobjid = c.oid AND dep.refobjsubid = a.attnum "
            "AND dep.deptype = 'i') "
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
            seq,
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
            column: dict[str, Any] = {
                "name": name,
                "type": coltype,
                "nullable": not notnull,
                "default": default,
                "autoincrement": autoincrement,
                "comment": comment,
            }
            if identity and seq is not None:
                if isinstance(seq, str):
                    import json

                    seq = json.loads(seq)
                start, increment, minvalue, maxvalue, cycle, cache = seq
                column["identity"] = {
                    "always": identity == "a",
                    "start": start,
                    "increment": increment,
                    "minvalue": minvalue,
                    "maxvalue": maxvalue,
                    "cycle": cycle,
                    "cache": cache,
                }
            columns.append(column)
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

    def _constraint_columns(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str],
        contype: str,
    ) -> list[Any]:
        """(name, column, comment) of the primary key ('p') or unique ('u')
        constraints of a table, in constraint then column order."""
        assert contype in ("p", "u")  # a closed set: written into the SQL
        sql = (
            "SELECT con.conname, a.attname, "
            "pg_catalog.obj_description(con.oid, 'pg_constraint') "
            "FROM pg_catalog.pg_constraint con "
            "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            f"WHERE con.contype = '{contype}' AND c.relname = %(name)s "
            "AND n.nspname = %(schema)s ORDER BY con.conname, k.ord"
        )
        return self._rows(
            connection,
            sql,
            {"name": table_name, "schema": self._schema_or_default(connection, schema)},
        )

    def get_pk_constraint(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> dict[str, Any]:
        rows = self._constraint_columns(connection, table_name, schema, "p")
        return {
            "constrained_columns": [r[1] for r in rows],
            "name": rows[0][0] if rows else None,
            "comment": rows[0][2] if rows else None,
            "dialect_options": {"postgresql_include": []} if rows else {},
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
            "rn.nspname, rc.relname, "
            "pg_catalog.obj_description(con.oid, 'pg_constraint') "
            "FROM pg_catalog.pg_constraint con "
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
        for conname, definition, ref_schema, ref_table, comment in self._rows(
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
            initially = re.search(r"INITIALLY (DEFERRED|IMMEDIATE)", rest)
            if initially:
                options["initially"] = initially.group(1)
            if re.search(r"(?<!NOT )DEFERRABLE", rest):
                options["deferrable"] = True
            match_type = re.search(r"MATCH (FULL|PARTIAL)", rest)
            if match_type:
                options["match"] = match_type.group(1)
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
                    "comment": comment,
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
            "SELECT i.relname, ix.indisunique, a.attname, "
            "(SELECT con.conname FROM pg_catalog.pg_constraint con "
            "WHERE con.conindid = ix.indexrelid AND con.contype = 'u') "
            "FROM pg_catalog.pg_index ix "
            "JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid "
            "JOIN pg_catalog.pg_class c ON c.oid = ix.indrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
            "WHERE NOT ix.indisprimary AND c.relname = %(name)s AND n.nspname = %(schema)s "
            "AND k.ord <= ix.indnkeyatts "
            "ORDER BY i.relname, k.ord"
        )
        indexes: dict[str, dict[str, Any]] = {}
        for name, unique, column, constraint in self._rows(
            connection,
            sql,
            {"name": table_name, "schema": self._schema_or_default(connection, schema)},
        ):
            entry = indexes.get(name)
            if entry is None:
                entry = indexes[name] = {
                    "name": name,
                    "column_names": [],
                    "unique": bool(unique),
                    "dialect_options": {"postgresql_include": []},
                }
                if constraint is not None:
                    # the index behind a UNIQUE constraint (SQLAlchemy's key)
                    entry["duplicates_constraint"] = constraint
            entry["column_names"].append(column)
        return list(indexes.values())

    def get_unique_constraints(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for name, column, comment in self._constraint_columns(
            connection, table_name, schema, "u"
        ):
            entry = found.setdefault(
                name,
                {
                    "name": name,
                    "column_names": [],
                    "comment": comment,
                    "dialect_options": {
                        "postgresql_include": [],
                        "postgresql_nulls_not_distinct": False,
                    },
                },
            )
            entry["column_names"].append(column)
        return list(found.values())

    def get_check_constraints(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        sql = (
            "SELECT con.conname, pg_catalog.pg_get_constraintdef(con.oid, true), "
            "pg_catalog.obj_description(con.oid, 'pg_constraint') "
            "FROM pg_catalog.pg_constraint con "
            "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE con.contype = 'c' AND c.relname = %(name)s "
            "AND n.nspname = %(schema)s ORDER BY con.conname"
        )
        result = []
        for name, definition, comment in self._rows(
            connection,
            sql,
            {"name": table_name, "schema": self._schema_or_default(connection, schema)},
        ):
            # "CHECK ((x > 0)) NOT VALID" -> "x > 0"
            match = re.match(r"^CHECK *\((.+)\)( NOT VALID)?$", definition, re.S)
            text = match.group(1) if match else definition
            if text.startswith("(") and text.endswith(")"):
                text = text[1:-1]
            entry: dict[str, Any] = {"name": name, "sqltext": text, "comment": comment}
            if match and match.group(2):
                entry["dialect_options"] = {"not_valid": True}
            result.append(entry)
        return result

    def get_enums(
        self, connection: "Connection", schema: Optional[str] = None, **kw: Any
    ) -> list[dict[str, Any]]:
        """Enum types (name, schema, visible, labels), as SQLAlchemy's PG
        Inspector gives them; ``schema="*"`` means every schema."""
        sql = (
            "SELECT t.typname, n.nspname, pg_catalog.pg_type_is_visible(t.oid), "
            "coalesce(array_agg(e.enumlabel ORDER BY e.enumsortorder) "
            "FILTER (WHERE e.enumlabel IS NOT NULL), '{}') "
            "FROM pg_catalog.pg_type t "
            "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
            "LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid "
            "WHERE t.typtype = 'e' "
        )
        params: dict[str, Any] = {}
        if schema != "*":
            sql += "AND n.nspname = %(schema)s "
            params["schema"] = self._schema_or_default(connection, schema)
        sql += "GROUP BY t.typname, n.nspname, t.oid ORDER BY n.nspname, t.typname"
        return [
            {"name": name, "schema": nsp, "visible": visible, "labels": list(labels)}
            for name, nsp, visible, labels in self._rows(connection, sql, params)
        ]

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
