"""The stdlib ``sqlite3`` driver for the SQLite dialect."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any, Callable, Optional

from ... import exc
from .base import SQLiteDialect

if TYPE_CHECKING:
    from ...engine.base import Connection
    from ...engine.url import URL

_BOOL_QUERY_ARGS = ("check_same_thread", "uri")


class SQLiteDialect_pysqlite(SQLiteDialect):
    """``sqlite`` / ``sqlite+pysqlite`` URLs."""

    driver = "pysqlite"
    paramstyle = "qmark"
    supports_statement_cache = True
    _isolation_lookup = frozenset({"READ UNCOMMITTED", "SERIALIZABLE", "AUTOCOMMIT"})

    @classmethod
    def import_dbapi(cls) -> Any:
        import sqlite3

        return sqlite3

    @classmethod
    def _is_memory_url(cls, url: "URL") -> bool:
        database = url.database or ""
        if not database or database == ":memory:":
            return True
        if database.startswith("file:") and "mode=memory" in database:
            return True
        return url.query.get("mode") == "memory"

    def on_connect(self) -> Optional[Callable[[Any], None]]:
        """Register ``regexp()`` (what ``REGEXP`` calls) on each connection.

        SQLite parses ``x REGEXP y`` but ships no function for it; like
        SQLAlchemy's pysqlite dialect, Python's ``re.search`` supplies it so
        ``col.regexp_match(pattern)`` works.
        """
        base = super().on_connect()

        def connect(dbapi_connection: Any) -> None:
            dbapi_connection.create_function("regexp", 2, _regexp, deterministic=True)
            if base is not None:
                base(dbapi_connection)

        return connect

    @classmethod
    def get_pool_class(cls, url: "URL") -> type:
        from ...pool import QueuePool, SingletonThreadPool

        return SingletonThreadPool if cls._is_memory_url(url) else QueuePool

    def create_connect_args(self, url: "URL") -> tuple[list[Any], dict[str, Any]]:
        if url.username or url.password or url.host or url.port:
            raise exc.ArgumentError(
                "Invalid SQLite URL: %s\nValid SQLite URL forms are:\n"
                " sqlite:///:memory: (or, sqlite://)\n"
                " sqlite:///relative/path/to/file.db\n"
                " sqlite:////absolute/path/to/file.db" % (url,)
            )
        query = dict(url.query)
        opts: dict[str, Any] = {}
        pysqlite_args = [
            ("uri", bool),
            ("timeout", float),
            ("isolation_level", str),
            ("detect_types", int),
            ("check_same_thread", bool),
            ("cached_statements", int),
        ]
        for key, type_ in pysqlite_args:
            if key in query:
                raw = query.pop(key)
                if type_ is bool:
                    opts[key] = str(raw).lower() in ("1", "true", "yes", "on")
                else:
                    try:
                        opts[key] = type_(raw)
                    except (TypeError, ValueError) as err:
                        raise exc.ArgumentError(
                            f"Invalid value {raw!r} for SQLite URL option {key!r}"
                        ) from err
        database = url.database or ":memory:"
        if opts.get("uri"):
            # remaining query arguments belong to the SQLite URI itself
            if query:
                sep = "&" if "?" in database else "?"
                database += sep + "&".join(f"{k}={v}" for k, v in query.items())
        elif query:
            raise exc.ArgumentError(
                "Unknown SQLite URL query argument(s): %s" % ", ".join(sorted(query))
            )
        elif database != ":memory:":
            database = (
                os.path.abspath(database) if not os.path.isabs(database) else database
            )
        if "check_same_thread" not in opts:
            opts["check_same_thread"] = self._is_memory_url(url)
        return [database], opts

    def set_isolation_level(self, dbapi_connection: Any, level: str) -> None:
        if level == "AUTOCOMMIT":
            dbapi_connection.isolation_level = None
            return
        if dbapi_connection.isolation_level is None:
            dbapi_connection.isolation_level = ""
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(
                "PRAGMA read_uncommitted = %d"
                % (1 if level == "READ UNCOMMITTED" else 0)
            )
        finally:
            cursor.close()

    def do_savepoint(self, connection: "Connection", name: str) -> None:
        raw = connection._fairy().dbapi_connection
        if raw.isolation_level is not None and not raw.in_transaction:
            # sqlite3 only BEGINs before DML: without this the SAVEPOINT
            # would become the outer transaction.  Issued on the driver
            # directly so that events and echo match SQLAlchemy's.
            try:
                raw.execute("BEGIN")
            except self.loaded_dbapi.Error as err:
                connection._handle_dbapi_exception(err, "BEGIN", (), None, None)
        super().do_savepoint(connection, name)

    def is_disconnect(self, e: BaseException, connection: Any, cursor: Any) -> bool:
        dbapi = self.loaded_dbapi
        return isinstance(e, dbapi.ProgrammingError) and (
            "Cannot operate on a closed database." in str(e)
        )

    def do_ping(self, dbapi_connection: Any) -> bool:
        try:
            dbapi_connection.execute("SELECT 1").close()
        except self.loaded_dbapi.ProgrammingError:
            return False
        return True

    def _sqlite_version(self) -> tuple[int, ...]:
        import sqlite3

        return tuple(sqlite3.sqlite_version_info)


dialect = SQLiteDialect_pysqlite


def _regexp(pattern: Optional[str], value: Optional[str]) -> Optional[bool]:
    # SQLite calls regexp(pattern, value) for ``value REGEXP pattern``
    if pattern is None or value is None:
        return None
    return re.search(pattern, value) is not None
