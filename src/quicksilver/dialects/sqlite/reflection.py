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
    """SQLite declared type -> a quicksilver type, by name then by affinity."""
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


class SQLiteReflectionMixin:
    """Reflection methods of the SQLite dialect."""

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

    def get_schema_names(self, connection: "Connection", **kw: Any) -> list[str]:
        return [row[1] for row in connection.exec_driver_sql("PRAGMA database_list")]

    def get_table_names(
        self, connection: "Connection", schema: Optional[str] = None, **kw: Any
    ) -> list[str]:
        sql = (
            f"SELECT name FROM {self._master(schema)} WHERE type='table' "
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
        rows = self._pragma(connection, "table_info", table_name, schema)
        pk_count = sum(1 for r in rows if r[5])
        columns = []
        for _cid, name, type_, notnull, default, pk in rows:
            columns.append(
                {
                    "name": name,
                    "type": _resolve_type(type_),
                    "nullable": not notnull,
                    "default": default,
                    "primary_key": bool(pk),
                    "autoincrement": "auto" if (pk and pk_count == 1) else False,
                }
            )
        return columns

    def get_pk_constraint(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> dict[str, Any]:
        rows = self._pragma(connection, "table_info", table_name, schema)
        pk = sorted((r[5], r[1]) for r in rows if r[5])
        return {"constrained_columns": [name for _, name in pk], "name": None}

    def get_foreign_keys(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
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
        return [by_id[k] for k in sorted(by_id)]

    def get_indexes(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        indexes = []
        for row in self._pragma(connection, "index_list", table_name, schema):
            name, unique = row[1], bool(row[2])
            origin = row[3] if len(row) > 3 else "c"
            if origin != "c" or name.startswith("sqlite_autoindex"):
                continue
            cols = [r[2] for r in self._pragma(connection, "index_info", name, schema)]
            indexes.append({"name": name, "column_names": cols, "unique": unique})
        return sorted(indexes, key=lambda ix: ix["name"])

    def get_unique_constraints(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> list[dict[str, Any]]:
        result = []
        for row in self._pragma(connection, "index_list", table_name, schema):
            if len(row) > 3 and row[3] == "u":
                cols = [
                    r[2] for r in self._pragma(connection, "index_info", row[1], schema)
                ]
                result.append({"name": None, "column_names": cols})
        return result

    def _no_such_table(self, table_name: str) -> exc.NoSuchTableError:
        return exc.NoSuchTableError(table_name)
