"""The PostgreSQL dialect, independent of driver."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Optional

from ...engine.default import DefaultDialect, DefaultExecutionContext
from ...engine.reflection import Inspector
from .compiler import PGCompiler, PGDDLCompiler, PGIdentifierPreparer, PGTypeCompiler
from .compiler import colspecs as _colspecs
from .reflection import PGReflectionMixin

if TYPE_CHECKING:
    from ...engine.base import Connection

#: SQLSTATE classes and codes that mean the connection is gone.
_DISCONNECT_SQLSTATES = frozenset(
    {"57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004", "08007"}
)
_DISCONNECT_MESSAGES = (
    "terminating connection",
    "closed the connection",
    "connection not open",
    "could not receive data from server",
    "could not send data to server",
    "connection already closed",
    "cursor already closed",
    "losed the connection unexpectedly",
    "connection has been closed unexpectedly",
    "SSL SYSCALL error",
    "consuming input failed",
    "the connection is closed",
    "the connection is lost",
    "connection is bad",
    "server conn crashed",
)


class PGExecutionContext(DefaultExecutionContext):
    """Execution context for PostgreSQL."""


class PGInspector(Inspector):
    """The Inspector ``inspect()`` gives for PostgreSQL (SQLAlchemy's class)."""

    def get_enums(self, schema: Optional[str] = None) -> list[dict[str, Any]]:
        """Enum types: name, schema, visible, labels."""
        return self._call("get_enums", schema=schema)  # type: ignore[no-any-return]


class PGDialect(PGReflectionMixin, DefaultDialect):
    """PostgreSQL, mirroring ``sqlalchemy.dialects.postgresql.base.PGDialect``."""

    name = "postgresql"
    supports_native_boolean = True
    supports_native_decimal = True
    supports_native_enum = True
    supports_native_uuid = True
    supports_sequences = True
    supports_comments = True
    supports_for_update = True
    supports_default_values = True
    supports_empty_insert = False
    supports_multivalues_insert = True
    insert_returning = True
    update_returning = True
    delete_returning = True
    postfetch_lastrowid = False
    max_identifier_length = 63
    statement_compiler = PGCompiler
    ddl_compiler = PGDDLCompiler
    type_compiler_cls = PGTypeCompiler
    preparer = PGIdentifierPreparer
    colspecs: ClassVar[Any] = _colspecs
    execution_ctx_cls = PGExecutionContext
    inspector = PGInspector
    _isolation_lookup = frozenset(
        {
            "SERIALIZABLE",
            "READ UNCOMMITTED",
            "READ COMMITTED",
            "REPEATABLE READ",
            "AUTOCOMMIT",
        }
    )

    def _get_server_version_info(self, connection: "Connection") -> tuple[int, ...]:
        version = connection.exec_driver_sql("select pg_catalog.version()").scalar()
        match = re.match(
            r".*(?:PostgreSQL|EnterpriseDB) (\d+)\.?(\d+)?(?:\.(\d+))?", str(version)
        )
        if not match:
            raise AssertionError(f"Could not determine version from string {version!r}")
        return tuple(int(x) for x in match.group(1, 2, 3) if x is not None)

    def _get_default_schema_name(self, connection: "Connection") -> str:
        return str(connection.exec_driver_sql("select current_schema()").scalar())

    #: the server treats backslashes in string literals as escapes
    _backslash_escapes = False

    def initialize(self, connection: "Connection") -> None:
        super().initialize(connection)
        # the same first-connect queries as SQLAlchemy (visible with echo)
        self._backslash_escapes = (
            connection.exec_driver_sql("show standard_conforming_strings").scalar()
            == "off"
        )

    def has_table(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> bool:
        if schema is None:
            sql = (
                "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                "ON n.oid = c.relnamespace WHERE c.relname = %(name)s "
                "AND pg_catalog.pg_table_is_visible(c.oid) "
                "AND c.relkind IN ('r', 'v', 'm', 'f', 'p')"
            )
            params: dict[str, Any] = {"name": table_name}
        else:
            sql = (
                "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                "ON n.oid = c.relnamespace WHERE c.relname = %(name)s "
                "AND n.nspname = %(schema)s AND c.relkind IN ('r', 'v', 'm', 'f', 'p')"
            )
            params = {"name": table_name, "schema": schema}
        return (
            connection.exec_driver_sql(
                self._convert_named(sql), self._convert_params(sql, params)
            ).first()
            is not None
        )

    def has_type(
        self,
        connection: "Connection",
        type_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> bool:
        sql = (
            "SELECT t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
            "ON n.oid = t.typnamespace WHERE t.typname = %(name)s"
        )
        params: dict[str, Any] = {"name": type_name}
        if schema is None:
            sql += " AND pg_catalog.pg_type_is_visible(t.oid)"
        else:
            sql += " AND n.nspname = %(schema)s"
            params["schema"] = schema
        return (
            connection.exec_driver_sql(
                self._convert_named(sql), self._convert_params(sql, params)
            ).first()
            is not None
        )

    def has_schema(self, connection: "Connection", schema: str, **kw: Any) -> bool:
        sql = "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = %(schema)s"
        return (
            connection.exec_driver_sql(
                self._convert_named(sql), self._convert_params(sql, {"schema": schema})
            ).first()
            is not None
        )

    def has_sequence(
        self,
        connection: "Connection",
        sequence_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> bool:
        sql = (
            "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind = 'S' "
            "AND c.relname = %(name)s"
        )
        return (
            connection.exec_driver_sql(
                self._convert_named(sql),
                self._convert_params(sql, {"name": sequence_name}),
            ).first()
            is not None
        )

    # driver-neutral SQL above is written in pyformat; a driver with another
    # paramstyle converts it here
    def _convert_named(self, sql: str) -> str:
        return sql

    def _convert_params(self, sql: str, params: dict[str, Any]) -> Any:
        return params

    def is_disconnect(self, e: BaseException, connection: Any, cursor: Any) -> bool:
        sqlstate = getattr(e, "sqlstate", None)
        if sqlstate in _DISCONNECT_SQLSTATES:
            return True
        if connection is not None and (
            getattr(connection, "closed", False) or getattr(connection, "broken", False)
        ):
            return True
        text = str(e)
        return any(msg in text for msg in _DISCONNECT_MESSAGES)
