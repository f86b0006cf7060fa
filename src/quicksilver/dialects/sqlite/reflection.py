"""Schema reflection for SQLite, from ``sqlite_master`` and the PRAGMAs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from ... import exc
from ...sql import sqltypes

if TYPE_CHECKING:
    from ...engine.base import Connection

ischema_names: dict[str, Any] = {
    "BIGINT": sqltypes.BIGINT,
    "BLOB": sqltypes.BLOB,
    "BOOL": sqltypes.BOOLEAN,
    "BOOLEAN": sqltypes.BOOLEAN,
    "CHAR": sqltypes.CHAR,
    "DATE": sqltypes.DATE,
    "DATE_CHAR": sqltypes.DATE,
    "DATETIME": sqltypes.DATETIME,
    "DECIMAL": sqltypes.DECIMAL,
    "DOUBLE": sqltypes.DOUBLE,
    "DOUBLE_PRECISION": sqltypes.DOUBLE_PRECISION,
    "FLOAT": sqltypes.FLOAT,
    "INT": sqltypes.INTEGER,
    "INTEGER": sqltypes.INTEGER,
    "JSON": sqltypes.JSON,
    "NUMERIC": sqltypes.NUMERIC,
    "REAL": sqltypes.REAL,
    "SMALLINT": sqltypes.SMALLINT,
    "TEXT": sqltypes.TEXT,
    "TIME": sqltypes.TIME,
    "TIMESTAMP": sqltypes.TIMESTAMP,
    "VARCHAR": sqltypes.VARCHAR,
    "NVARCHAR": sqltypes.NVARCHAR,
    "NCHAR": sqltypes.NCHAR,
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _resolve_type(type_: str) -> Any:
    """SQLite declared type -> a quicksilver type, by name then by affinity
    (the rules of https://www.sqlite.org/datatype3.html, as SQLAlchemy)."""
    match = re.match(r"([\w ]+)(\(.*?\))?", type_ or "")
    if not match:
        return sqltypes.NullType()
    coltype = match.group(1).strip().upper()
    args = re.findall(r"(\d+)", match.group(2) or "")
    cls = ischema_names.get(coltype)
    if cls is None:
        if "INT" in coltype:
            cls = sqltypes.INTEGER
        elif "CHAR" in coltype or "CLOB" in coltype or "TEXT" in coltype:
            cls = sqltypes.TEXT
        elif "BLOB" in coltype or not coltype:
            cls = sqltypes.NullType
        elif "REAL" in coltype or "FLOA" in coltype or "DOUB" in coltype:
            cls = sqltypes.REAL
        else:
            cls = sqltypes.NUMERIC
    try:
        return cls(*[int(a) for a in args])
    except TypeError:
        return cls()


def _strip_parens(text: Optional[str]) -> Optional[str]:
    """``(1+2)`` -> ``1+2``: SQLite keeps a default expression's parentheses."""
    if text is not None and text.startswith("(") and text.endswith(")"):
        return text[1:-1]
    return text


def _split_columns(text: str) -> list[str]:
    return [c.strip().strip('"`[]') for c in text.split(",") if c.strip()]


_NAME = r'(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|\w+)'


def _unquote(name: Optional[str]) -> Optional[str]:
    if name is None:
        return None
    if name[:1] in ('"', "`", "[") and len(name) > 1:
        return name[1:-1].replace('""', '"')
    return name


def _table_body(sql: str) -> str:
    start = sql.find("(")
    end = sql.rfind(")")
    return sql[start + 1 : end] if start != -1 and end > start else ""


def _top_level_parts(body: str) -> list[str]:
    """The comma-separated items of a CREATE TABLE body (columns, constraints)."""
    parts: list[str] = []
    depth = 0
    quote = ""
    current: list[str] = []
    for ch in body:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in ("'", '"', "`"):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if current:
        parts.append("".join(current).strip())
    return parts


def _balanced(text: str, start: int) -> str:
    """The text inside the parenthesis opening at ``text[start]``."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
    return text[start + 1 :]


class SQLiteReflectionMixin:
    """Reflection methods of the SQLite dialect.

    The PRAGMAs give columns, keys and indexes; constraint names, UNIQUE and
    CHECK constraints are only in the table's CREATE statement, which is
    parsed the way SQLAlchemy does (table-level constraints only).
    """

    def _master(self, schema: Optional[str]) -> str:
        if schema is None:
            return "main.sqlite_master"
        if schema == "temp":
            return "sqlite_temp_master"
        return f"{_quote(schema)}.sqlite_master"

    def _pragma(
        self, connection: "Connection", pragma: str, table: str, schema: Optional[str]
    ) -> list[Any]:
        prefix = f"{_quote(schema)}." if schema else ""
        return list(
            connection.exec_driver_sql(f"PRAGMA {prefix}{pragma}({_quote(table)})")
        )

    def _table_sql(
        self, connection: "Connection", table_name: str, schema: Optional[str]
    ) -> str:
        if schema is None:
            sql = (
                "SELECT sql FROM (SELECT * FROM sqlite_master UNION ALL "
                "SELECT * FROM sqlite_temp_master) WHERE name = ? "
                "AND type IN ('table', 'view')"
            )
        else:
            sql = (
                f"SELECT sql FROM {self._master(schema)} WHERE name = ? "
                "AND type IN ('table', 'view')"
            )
        value = connection.exec_driver_sql(sql, (table_name,)).scalar()
        if value is None:
            raise self._no_such_table(table_name, schema)
        return str(value)

    def get_schema_names(self, connection: "Connection", **kw: Any) -> list[str]:
        return [
            row[1]
            for row in connection.exec_driver_sql("PRAGMA database_list")
            if row[1] != "temp"
        ]

    def get_table_names(
        self, connection: "Connection", schema: Optional[str] = None, **kw: Any
    ) -> list[str]:
        sql = (
            f"SELECT name FROM {self._master(schema)} WHERE type='table' "
            "AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name"
        )
        return [row[0] for row in connection.exec_driver_sql(sql)]

    def get_temp_table_names(self, connection: "Connection", **kw: Any) -> list[str]:
        sql = (
            "SELECT name FROM sqlite_temp_master WHERE type='table' "
            "AND name NOT LIKE 'sqlite~_%' ESCAPE '~' ORDER BY name"
        )
        return [row[0] for row in connection.exec_driver_sql(sql)]

    def get_view_names(
        self, connection: "Connection", schema: Optional[str] = None, **kw: Any
    ) -> list[str]:
        sql = f"SELECT name FROM {self._master(schema)} WHERE type='view' ORDER BY name"
        return [row[0] for row in connection.exec_driver_sql(sql)]

    def get_columns(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        rows = self._pragma(connection, "table_xinfo", table_name, schema)
        if not rows:
            raise self._no_such_table(table_name, schema)
        columns = []
        for row in rows:
            _cid, name, type_, notnull, default, pk = row[:6]
            hidden = row[6] if len(row) > 6 else 0
            if hidden == 1:  # a virtual table's hidden column
                continue
            column: dict[str, Any] = {
                "name": name,
                "type": _resolve_type(type_),
                "nullable": not notnull,
                "default": _strip_parens(default),
                "primary_key": pk,
            }
            if hidden in (2, 3):  # generated: VIRTUAL (2) or STORED (3)
                column["type"] = sqltypes.NullType()
                column["computed"] = {"sqltext": "", "persisted": hidden == 3}
            columns.append(column)
        return columns

    def get_pk_constraint(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> dict[str, Any]:
        rows = self._pragma(connection, "table_info", table_name, schema)
        if not rows:
            raise self._no_such_table(table_name, schema)
        pk = sorted((r[5], r[1]) for r in rows if r[5])
        name = None
        if pk:
            match = re.search(
                rf"CONSTRAINT\s+({_NAME})\s+PRIMARY\s+KEY",
                self._table_sql(connection, table_name, schema),
                re.I,
            )
            name = _unquote(match.group(1)) if match else None
        return {"constrained_columns": [name_ for _, name_ in pk], "name": name}

    def get_foreign_keys(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        table_sql = self._table_sql(connection, table_name, schema)
        names: dict[tuple[Any, ...], str] = {}
        pattern = (
            rf"CONSTRAINT\s+({_NAME})\s+FOREIGN\s+KEY\s*\(([^)]*)\)\s*"
            rf"REFERENCES\s+({_NAME})"
        )
        for m in re.finditer(pattern, table_sql, re.I):
            key = (tuple(_split_columns(m.group(2))), _unquote(m.group(3)))
            names[key] = str(_unquote(m.group(1)))
        rows = self._pragma(connection, "foreign_key_list", table_name, schema)
        by_id: dict[int, dict[str, Any]] = {}
        for fk_id, _seq, target, local, remote, on_update, on_delete, _match in rows:
            entry = by_id.setdefault(
                fk_id,
                {
                    "name": None,
                    "constrained_columns": [],
                    "referred_schema": schema,
                    "referred_table": target,
                    "referred_columns": [],
                    "options": {},
                },
            )
            entry["constrained_columns"].append(local)
            if remote is None:  # references the target's primary key implicitly
                target_pk = self.get_pk_constraint(connection, target, schema)
                remote = target_pk["constrained_columns"][
                    len(entry["referred_columns"])
                ]
            entry["referred_columns"].append(remote)
            if on_delete and on_delete.upper() != "NO ACTION":
                entry["options"]["ondelete"] = on_delete
            if on_update and on_update.upper() != "NO ACTION":
                entry["options"]["onupdate"] = on_update
        result = [by_id[k] for k in sorted(by_id)]
        for entry in result:
            key = (tuple(entry["constrained_columns"]), entry["referred_table"])
            entry["name"] = names.get(key)
        return result

    def get_indexes(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        indexes = []
        rows = self._pragma(connection, "index_list", table_name, schema)
        if not rows:
            self._table_sql(connection, table_name, schema)  # raises if missing
        for row in rows:
            name, unique = row[1], row[2]
            origin = row[3] if len(row) > 3 else "c"
            if origin != "c" or name.startswith("sqlite_autoindex"):
                continue
            cols = [r[2] for r in self._pragma(connection, "index_info", name, schema)]
            indexes.append(
                {
                    "name": name,
                    "column_names": cols,
                    "unique": unique,
                    "dialect_options": {},
                }
            )
        return sorted(indexes, key=lambda ix: ix["name"])

    def get_unique_constraints(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        body = _table_body(self._table_sql(connection, table_name, schema))
        result = []
        pattern = rf"^(?:CONSTRAINT\s+({_NAME})\s+)?UNIQUE\s*\(([^)]*)\)"
        for part in _top_level_parts(body):
            match = re.match(pattern, part, re.I)
            if match:
                result.append(
                    {
                        "name": _unquote(match.group(1)),
                        "column_names": _split_columns(match.group(2)),
                    }
                )
        return result

    def get_check_constraints(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        body = _table_body(self._table_sql(connection, table_name, schema))
        named: list[dict[str, Any]] = []
        unnamed: list[dict[str, Any]] = []
        pattern = re.compile(rf"(?:CONSTRAINT\s+({_NAME})\s+)?CHECK\s*\(", re.I)
        for part in _top_level_parts(body):
            for match in pattern.finditer(part):
                text = _balanced(part, match.end() - 1).strip()
                name = _unquote(match.group(1))
                entry = {"sqltext": text, "name": name}
                (named if name else unnamed).append(entry)
        return sorted(named, key=lambda c: c["name"]) + unnamed

    def get_table_comment(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> dict[str, Any]:
        raise NotImplementedError()

    def _no_such_table(
        self, table_name: str, schema: Optional[str] = None
    ) -> exc.NoSuchTableError:
        return exc.NoSuchTableError(f"{schema}.{table_name}" if schema else table_name)
