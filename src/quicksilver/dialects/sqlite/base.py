"""The SQLite dialect, independent of driver.

Transactions follow SQLAlchemy's pysqlite behaviour (the driver begins a
transaction before the first INSERT/UPDATE/DELETE), with one repair: a
SAVEPOINT issued outside a transaction first emits an explicit BEGIN, so that
``begin_nested()`` nests inside the outer transaction instead of becoming it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Optional

from ...engine.default import DefaultDialect, DefaultExecutionContext
from .compiler import (
    SQLiteCompiler,
    SQLiteDDLCompiler,
    SQLiteIdentifierPreparer,
    SQLiteTypeCompiler,
)
from .compiler import colspecs as _colspecs
from .reflection import SQLiteReflectionMixin

if TYPE_CHECKING:
    from ...engine.base import Connection


class SQLiteExecutionContext(DefaultExecutionContext):
    """Execution context for SQLite (nothing special yet)."""


class SQLiteDialect(SQLiteReflectionMixin, DefaultDialect):
    """SQLite, mirroring ``sqlalchemy.dialects.sqlite.base.SQLiteDialect``."""

    name = "sqlite"
    supports_alter = False
    supports_default_values = True
    supports_empty_insert = False
    supports_multivalues_insert = True
    supports_sane_rowcount = True
    supports_sane_multi_rowcount = True
    supports_native_boolean = False
    supports_schemas = True
    supports_comments = False
    supports_for_update = False
    max_identifier_length = 9999
    statement_compiler = SQLiteCompiler
    ddl_compiler = SQLiteDDLCompiler
    type_compiler_cls = SQLiteTypeCompiler
    preparer = SQLiteIdentifierPreparer
    colspecs: ClassVar[Any] = _colspecs
    execution_ctx_cls = SQLiteExecutionContext
    _isolation_lookup = frozenset({"READ UNCOMMITTED", "SERIALIZABLE"})

    def __init__(self, native_datetime: bool = False, **kw: Any) -> None:
        super().__init__(**kw)
        self.native_datetime = native_datetime
        self._set_returning_flags()

    def _set_returning_flags(self) -> None:
        version = self._sqlite_version()
        returning = version >= (3, 35)
        self.insert_returning = returning  # type: ignore[misc]
        self.update_returning = returning  # type: ignore[misc]
        self.delete_returning = returning  # type: ignore[misc]
        self.supports_multivalues_insert = version >= (3, 7, 11)  # type: ignore[misc]

    def _sqlite_version(self) -> tuple[int, ...]:
        if self.loaded_dbapi is not None and hasattr(
            self.loaded_dbapi, "sqlite_version_info"
        ):
            return tuple(self.loaded_dbapi.sqlite_version_info)
        return (3, 35)

    def _get_server_version_info(self, connection: "Connection") -> tuple[int, ...]:
        return self._sqlite_version()

    def _get_default_schema_name(self, connection: "Connection") -> str:
        return "main"

    def has_table(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> bool:
        from ...exc import ArgumentError

        if schema is not None and not str(schema).replace("_", "").isalnum():
            raise ArgumentError(f"Invalid schema name {schema!r}")
        if schema is None:
            sql = (
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name = ? UNION ALL SELECT name FROM sqlite_temp_master "
                "WHERE type IN ('table', 'view') AND name = ?"
            )
            params: tuple[Any, ...] = (table_name, table_name)
        else:
            sql = (
                f'SELECT name FROM "{schema}".sqlite_master '
                "WHERE type IN ('table', 'view') AND name = ?"
            )
            params = (table_name,)
        return connection.exec_driver_sql(sql, params).first() is not None

    def has_index(
        self,
        connection: "Connection",
        table_name: str,
        index_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> bool:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?"
        return connection.exec_driver_sql(sql, (index_name,)).first() is not None

    def get_isolation_level_values(self, dbapi_connection: Any = None) -> list[str]:
        # SQLAlchemy lists them in this order (error messages show it)
        order = ["READ UNCOMMITTED", "SERIALIZABLE", "AUTOCOMMIT"]
        return [level for level in order if level in self._isolation_lookup]

    def get_isolation_level(self, dbapi_connection: Any) -> str:
        # What the database reports: SQLAlchemy does not show the driver's
        # autocommit here (its PRAGMA still says SERIALIZABLE).
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA read_uncommitted")
            row = cursor.fetchone()
        finally:
            cursor.close()
        value = row[0] if row else 0
        return "READ UNCOMMITTED" if value == 1 else "SERIALIZABLE"

    def get_default_isolation_level(self, dbapi_connection: Any) -> str:
        return "SERIALIZABLE"

    def set_isolation_level(self, dbapi_connection: Any, level: str) -> None:
        raise NotImplementedError
