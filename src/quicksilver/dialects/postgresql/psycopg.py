"""psycopg 3 (sync) for the PostgreSQL dialect: ``postgresql+psycopg://``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import PGDialect, PGExecutionContext

if TYPE_CHECKING:
    from ...engine.url import URL

_LEVELS = {
    "READ UNCOMMITTED": "READ_UNCOMMITTED",
    "READ COMMITTED": "READ_COMMITTED",
    "REPEATABLE READ": "REPEATABLE_READ",
    "SERIALIZABLE": "SERIALIZABLE",
}


class PGExecutionContext_psycopg(PGExecutionContext):
    """Execution context of the psycopg dialect (SQLAlchemy's class name)."""


class PGDialect_psycopg(PGDialect):
    """psycopg 3, the default PostgreSQL driver (as in SQLAlchemy 2.1)."""

    execution_ctx_cls = PGExecutionContext_psycopg
    driver = "psycopg"
    paramstyle = "pyformat"
    supports_statement_cache = True
    insert_executemany_returning = True
    supports_server_side_cursors = True

    @classmethod
    def import_dbapi(cls) -> Any:
        import psycopg

        return psycopg

    @classmethod
    def get_async_dialect_cls(cls, url: "URL") -> type:
        """The asyncio twin, for ``create_async_engine`` (see psycopg_async)."""
        from .psycopg_async import PGDialectAsync_psycopg

        return PGDialectAsync_psycopg

    def create_connect_args(self, url: "URL") -> tuple[list[Any], dict[str, Any]]:
        opts = url.translate_connect_args(username="user", database="dbname")
        multihosts = url.query.get("host")
        for key, value in url.query.items():
            opts[key] = value
        if isinstance(multihosts, tuple):
            opts["host"] = ",".join(multihosts)
        if "port" in opts:
            opts["port"] = int(opts["port"])
        return [], opts

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        return self.loaded_dbapi.connect(*cargs, **cparams)

    def do_executemany_returning(
        self, cursor: Any, statement: str, parameters: Any, context: Any = None
    ) -> Any:
        """psycopg returns one result set per parameter set (pipelined)."""
        from ...engine.default import _BufferedCursor

        cursor.executemany(statement, parameters, returning=True)
        rows: list[Any] = []
        rowcount = 0
        description = None
        while True:
            if cursor.description is not None:
                description = cursor.description
                rows.extend(cursor.fetchall())
            if cursor.rowcount and cursor.rowcount > 0:
                rowcount += cursor.rowcount
            if not cursor.nextset():
                break
        buffered = _BufferedCursor(cursor, rows, rowcount)
        if description is not None:
            buffered.description = description
        return buffered

    def do_ping(self, dbapi_connection: Any) -> bool:
        was_idle = self._is_idle(dbapi_connection)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("select 1")
        finally:
            cursor.close()
        if was_idle and not dbapi_connection.autocommit:
            dbapi_connection.rollback()
        return True

    def _is_idle(self, dbapi_connection: Any) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(dbapi_connection.info.transaction_status == TransactionStatus.IDLE)

    def get_isolation_level(self, dbapi_connection: Any) -> str:
        # the server's level, also under driver autocommit (as SQLAlchemy)
        was_idle = self._is_idle(dbapi_connection) and not dbapi_connection.autocommit
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("show transaction isolation level")
            value = cursor.fetchone()[0]
        finally:
            cursor.close()
        if was_idle:
            dbapi_connection.rollback()
        return str(value).upper()

    def get_default_isolation_level(self, dbapi_connection: Any) -> str:
        return self.get_isolation_level(dbapi_connection)

    def set_isolation_level(self, dbapi_connection: Any, level: str) -> None:
        if level == "AUTOCOMMIT":
            dbapi_connection.autocommit = True
            return
        if not self._is_idle(dbapi_connection):
            dbapi_connection.rollback()
        dbapi_connection.autocommit = False
        dbapi_connection.isolation_level = getattr(
            self.loaded_dbapi.IsolationLevel, _LEVELS[level]
        )

    def reset_isolation_level(self, dbapi_connection: Any) -> None:
        level = self.isolation_level or self.default_isolation_level
        if level is not None:
            self.set_isolation_level(dbapi_connection, level)


dialect = PGDialect_psycopg
