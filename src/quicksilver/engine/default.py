"""DefaultDialect and DefaultExecutionContext: the execution half of a dialect.

A Dialect knows how to talk to one DBAPI (connect, begin, commit, execute,
recognise a dead connection) and which compilers render SQL for its database.
The compilers live in ``quicksilver.sql`` and the dialect packages; this module
only wires them.  The execution context is built once per ``execute()`` and
turns a ``Compiled`` plus user parameters into what the DBAPI cursor takes:
Python-side defaults evaluated, bind processors applied, positional order
produced.  It is on the hot path, so it is written as straight-line code.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Optional, Sequence

from .. import exc
from ..util import EMPTY_DICT, immutabledict
from .cursor import CursorResult

if TYPE_CHECKING:
    from .base import Connection
    from .url import URL


class DefaultDialect:
    """Base of every dialect; mirrors ``sqlalchemy.engine.default.DefaultDialect``."""

    name: ClassVar[str] = "default"
    driver: ClassVar[str] = "default"
    paramstyle: str = "named"
    positional: bool = False
    is_async: ClassVar[bool] = False
    supports_statement_cache: ClassVar[bool] = True
    supports_native_boolean: ClassVar[bool] = False
    supports_native_decimal: ClassVar[bool] = False
    supports_native_enum: ClassVar[bool] = False
    supports_native_uuid: ClassVar[bool] = False
    supports_sequences: ClassVar[bool] = False
    supports_alter: ClassVar[bool] = True
    supports_comments: ClassVar[bool] = False
    supports_schemas: ClassVar[bool] = True
    supports_multivalues_insert: ClassVar[bool] = True
    supports_default_values: ClassVar[bool] = True
    supports_empty_insert: ClassVar[bool] = True
    supports_sane_rowcount: ClassVar[bool] = True
    supports_sane_multi_rowcount: ClassVar[bool] = True
    supports_server_side_cursors: ClassVar[bool] = False
    supports_for_update: ClassVar[bool] = False
    supports_savepoints: ClassVar[bool] = True
    insert_returning: ClassVar[bool] = False
    update_returning: ClassVar[bool] = False
    delete_returning: ClassVar[bool] = False
    #: RETURNING can be used with executemany (psycopg 3 can, sqlite3 cannot)
    insert_executemany_returning: ClassVar[bool] = False
    postfetch_lastrowid: ClassVar[bool] = True
    max_identifier_length: int = 9999
    default_schema_name: Optional[str] = None
    default_isolation_level: Optional[str] = None
    server_version_info: Optional[tuple[Any, ...]] = None
    _isolation_lookup: ClassVar[frozenset[str]] = frozenset()
    colspecs: ClassVar[Mapping[type, type]] = {}
    execution_ctx_cls: ClassVar[type["DefaultExecutionContext"]]

    # Compiler classes, filled by subclasses from quicksilver.sql / dialect modules.
    statement_compiler: ClassVar[Any] = None
    ddl_compiler: ClassVar[Any] = None
    type_compiler_cls: ClassVar[Any] = None
    preparer: ClassVar[Any] = None

    loaded_dbapi: Any = None
    #: ``create_engine(skip_autocommit_rollback=True)``: under AUTOCOMMIT,
    #: don't call the DBAPI's rollback() at all
    skip_autocommit_rollback: bool = False

    @property
    def dbapi(self) -> Any:
        """The DBAPI module (SQLAlchemy's older name for ``loaded_dbapi``)."""
        return self.loaded_dbapi

    def __init__(
        self,
        paramstyle: Optional[str] = None,
        isolation_level: Optional[str] = None,
        dbapi: Any = None,
        label_length: Optional[int] = None,
        skip_autocommit_rollback: bool = False,
        **kw: Any,
    ) -> None:
        if kw:
            raise TypeError(
                "Invalid argument(s) %s sent to %s()"
                % (", ".join(repr(k) for k in kw), type(self).__name__)
            )
        self.loaded_dbapi = dbapi
        if skip_autocommit_rollback:
            self.skip_autocommit_rollback = True
        if paramstyle is not None:
            self.paramstyle = paramstyle
        elif dbapi is not None and hasattr(dbapi, "paramstyle"):
            self.paramstyle = self.default_paramstyle_for(dbapi)
        self.positional = self.paramstyle in (
            "qmark",
            "format",
            "numeric",
            "numeric_dollar",
        )
        # checked at the first connect, as SQLAlchemy does
        self.isolation_level = isolation_level
        self.label_length = label_length
        self._type_memos: dict[Any, Any] = {}
        self.identifier_preparer = self.preparer(self) if self.preparer else None
        self.type_compiler_instance = (
            self.type_compiler_cls(self) if self.type_compiler_cls else None
        )
        # alias used by SQLAlchemy code: dialect.type_compiler
        self.type_compiler = self.type_compiler_instance
        self._initialized = False

    def default_paramstyle_for(self, dbapi: Any) -> str:
        return str(dbapi.paramstyle)

    # -- the driver ---------------------------------------------------------

    @classmethod
    def import_dbapi(cls) -> Any:
        """Import and return the DBAPI module; called on first use only."""
        raise NotImplementedError

    @classmethod
    def get_pool_class(cls, url: "URL") -> type:
        from ..pool import QueuePool

        return QueuePool

    def create_connect_args(self, url: "URL") -> tuple[list[Any], dict[str, Any]]:
        opts = url.translate_connect_args()
        opts.update(url.query)
        return [], opts

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        return self.loaded_dbapi.connect(*cargs, **cparams)

    def on_connect(self) -> Optional[Callable[[Any], None]]:
        """A function run on every new DBAPI connection, or None."""
        if self.isolation_level is None:
            return None
        level = self.isolation_level

        def set_level(dbapi_connection: Any) -> None:
            self._check_isolation_level(level)
            self.set_isolation_level(dbapi_connection, level)

        return set_level

    def initialize(self, connection: "Connection") -> None:
        """Learn facts from the first connection (server version, defaults)."""
        dbapi_conn = connection.connection.dbapi_connection
        self.server_version_info = self._get_server_version_info(connection)
        self.default_schema_name = self._get_default_schema_name(connection)
        try:
            self.default_isolation_level = self.get_default_isolation_level(dbapi_conn)
        except NotImplementedError:
            self.default_isolation_level = None
        self._initialized = True

    def _get_server_version_info(
        self, connection: "Connection"
    ) -> Optional[tuple[Any, ...]]:
        return None

    def _get_default_schema_name(self, connection: "Connection") -> Optional[str]:
        return None

    # -- transactions ---------------------------------------------------------

    def do_begin(self, dbapi_connection: Any) -> None:
        """Most DBAPIs begin implicitly; nothing to do."""

    def do_commit(self, dbapi_connection: Any) -> None:
        dbapi_connection.commit()

    def do_rollback(self, dbapi_connection: Any) -> None:
        dbapi_connection.rollback()

    def do_close(self, dbapi_connection: Any) -> None:
        dbapi_connection.close()

    def do_terminate(self, dbapi_connection: Any) -> None:
        self.do_close(dbapi_connection)

    def do_ping(self, dbapi_connection: Any) -> bool:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        return True

    def do_savepoint(self, connection: "Connection", name: str) -> None:
        connection._exec_savepoint_sql(f"SAVEPOINT {name}")

    def do_release_savepoint(self, connection: "Connection", name: str) -> None:
        connection._exec_savepoint_sql(f"RELEASE SAVEPOINT {name}")

    def do_rollback_to_savepoint(self, connection: "Connection", name: str) -> None:
        connection._exec_savepoint_sql(f"ROLLBACK TO SAVEPOINT {name}")

    # -- execution ------------------------------------------------------------

    def do_execute(
        self, cursor: Any, statement: str, parameters: Any, context: Any = None
    ) -> None:
        cursor.execute(statement, parameters)

    def do_execute_no_params(
        self, cursor: Any, statement: str, context: Any = None
    ) -> None:
        cursor.execute(statement)

    def do_executemany(
        self, cursor: Any, statement: str, parameters: Any, context: Any = None
    ) -> None:
        cursor.executemany(statement, parameters)

    def do_executemany_returning(
        self, cursor: Any, statement: str, parameters: Any, context: Any = None
    ) -> Any:
        """executemany() of a statement with RETURNING: a cursor-like object
        holding the rows of every parameter set, in parameter order.

        PEP 249 leaves the rows of ``executemany()`` undefined (sqlite3 refuses
        RETURNING there), so the default runs ``execute()`` once per set.
        """
        rows: list[Any] = []
        rowcount = 0
        for params in parameters:
            self.do_execute(cursor, statement, params, context)
            rows.extend(cursor.fetchall())
            count = cursor.rowcount
            rowcount += count if count and count > 0 else 0
        return _BufferedCursor(cursor, rows, rowcount)

    def is_disconnect(self, e: BaseException, connection: Any, cursor: Any) -> bool:
        return False

    # -- isolation levels -----------------------------------------------------

    def get_isolation_level_values(self, dbapi_connection: Any = None) -> list[str]:
        return sorted(self._isolation_lookup)

    def _check_isolation_level(self, level: str) -> None:
        if level not in self._isolation_lookup:
            raise exc.ArgumentError(
                "Invalid value '%s' for isolation_level. Valid isolation levels for "
                "'%s' are %s"
                % (level, self.name, ", ".join(self.get_isolation_level_values()))
            )

    def set_isolation_level(self, dbapi_connection: Any, level: str) -> None:
        raise NotImplementedError

    def get_isolation_level(self, dbapi_connection: Any) -> str:
        raise NotImplementedError

    def get_default_isolation_level(self, dbapi_connection: Any) -> str:
        return self.get_isolation_level(dbapi_connection)

    def reset_isolation_level(self, dbapi_connection: Any) -> None:
        level = self.isolation_level or self.default_isolation_level
        if level is not None:
            self.set_isolation_level(dbapi_connection, level)

    # -- types and schema -----------------------------------------------------

    def type_descriptor(self, typeobj: Any) -> Any:
        """The dialect's implementation of a generic type (memoised)."""
        try:
            return self._type_memos[typeobj]
        except (KeyError, TypeError):
            pass
        from ..sql.type_api import adapt_type

        impl = adapt_type(typeobj, self.colspecs)
        try:
            self._type_memos[typeobj] = impl
        except TypeError:
            pass
        return impl

    def has_table(
        self,
        connection: "Connection",
        table_name: str,
        schema: Optional[str] = None,
        **kw: Any,
    ) -> bool:
        raise NotImplementedError

    def _compiler_dispatch_repr(self) -> str:
        return f"{type(self).__name__}"

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} object>"


_NO_PLAN: Any = object()


def _positional_plan(compiled: Any, dialect: DefaultDialect) -> Any:
    """``((bind name, processor or None), ...)`` in driver order, or None when
    the statement needs the general path (named paramstyle, IN expansion)."""
    if not dialect.positional or getattr(compiled, "has_expanding", False):
        return None
    processors = compiled.bind_processors or {}
    return tuple((key, processors.get(key)) for key in compiled.positiontup or ())


def _positional_rows(plan: Any, compiled_params: list[Any]) -> Optional[list[Any]]:
    """Driver tuples for ``compiled_params``; None if a processor failed (the
    general path then reports it as a StatementError)."""
    rows = []
    try:
        for params in compiled_params:
            row = []
            for key, proc in plan:
                value = params[key]
                if proc is not None and value is not None:
                    value = proc(value)
                row.append(value)
            rows.append(tuple(row))
    except Exception:
        return None
    return rows


def _exec_flags(compiled: Any) -> tuple[bool, bool, bool, bool, bool, bool]:
    implicit = bool(compiled.implicit_returning)
    return (
        bool(compiled.isinsert),
        bool(compiled.isupdate),
        bool(compiled.isdelete),
        bool(compiled.is_text),
        bool(compiled.returning) and not implicit,
        implicit,
    )


class _BufferedCursor:
    """Rows already read from a DBAPI cursor, served through the cursor API."""

    __slots__ = ("_cursor", "_rows", "_pos", "description", "rowcount", "lastrowid")

    def __init__(self, cursor: Any, rows: list[Any], rowcount: int) -> None:
        self._cursor = cursor
        self._rows = rows
        self._pos = 0
        self.description = cursor.description
        self.rowcount = rowcount
        self.lastrowid = getattr(cursor, "lastrowid", None)

    def fetchone(self) -> Any:
        if self._pos >= len(self._rows):
            return None
        row = self._rows[self._pos]
        self._pos += 1
        return row

    def fetchmany(self, size: Optional[int] = None) -> list[Any]:
        size = size or 1
        chunk = self._rows[self._pos : self._pos + size]
        self._pos += len(chunk)
        return chunk

    def fetchall(self) -> list[Any]:
        chunk = self._rows[self._pos :]
        self._pos = len(self._rows)
        return chunk

    def close(self) -> None:
        self._rows = []
        self._cursor.close()


_PARAM_RE = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)")


class DefaultExecutionContext:
    """State of one statement execution; built from a Compiled or driver SQL."""

    isinsert = False
    isupdate = False
    isdelete = False
    is_text = False
    isddl = False
    executemany = False
    compiled: Any = None
    result_column_struct: Any = None
    returned_default_rows: Optional[Sequence[Any]] = None
    _is_implicit_returning = False
    _is_explicit_returning = False
    _rowcount: Optional[int] = None
    invoked_statement: Any = None
    extracted_parameters: Any = None
    cache_hit: str = ""
    inserted_primary_key_rows: Optional[list[Any]] = None

    dialect: DefaultDialect
    root_connection: "Connection"
    _dbapi_connection: Any
    cursor: Any
    statement: str
    parameters: Any
    compiled_parameters: list[dict[str, Any]]
    execution_options: Mapping[str, Any]

    @classmethod
    def _init_ddl(
        cls,
        dialect: DefaultDialect,
        connection: "Connection",
        dbapi_connection: Any,
        execution_options: Mapping[str, Any],
        compiled_ddl: Any,
    ) -> "DefaultExecutionContext":
        self = cls.__new__(cls)
        self.dialect = dialect
        self.root_connection = connection
        self._dbapi_connection = dbapi_connection
        self.execution_options = execution_options
        self.compiled = compiled_ddl
        self.isddl = True
        self.statement = compiled_ddl.string
        self.compiled_parameters = []
        self.parameters = [] if dialect.positional else [{}]
        self.parameters = [()] if dialect.positional else [{}]
        self._no_params = True
        self.cursor = self.create_cursor()
        return self

    @classmethod
    def _init_compiled(
        cls,
        dialect: DefaultDialect,
        connection: "Connection",
        dbapi_connection: Any,
        execution_options: Mapping[str, Any],
        compiled: Any,
        parameters: list[Mapping[str, Any]],
        invoked_statement: Any,
        extracted_parameters: Any,
        cache_hit: str = "",
    ) -> "DefaultExecutionContext":
        self = cls.__new__(cls)
        self.dialect = dialect
        self.root_connection = connection
        self._dbapi_connection = dbapi_connection
        self.execution_options = execution_options
        self.compiled = compiled
        self.invoked_statement = invoked_statement
        self.extracted_parameters = extracted_parameters
        self.cache_hit = cache_hit
        # facts of the (cached, shared) Compiled, worked out once per Compiled
        try:
            flags = compiled._qs_exec_flags
        except AttributeError:
            flags = compiled._qs_exec_flags = _exec_flags(compiled)
        (
            self.isinsert,
            self.isupdate,
            self.isdelete,
            self.is_text,
            self._is_explicit_returning,
            self._is_implicit_returning,
        ) = flags
        self._no_params = False

        construct = compiled.construct_params
        if not parameters:
            compiled_params = [construct(None, extracted_parameters)]
        else:
            compiled_params = [construct(p, extracted_parameters) for p in parameters]
        self.compiled_parameters = compiled_params
        self.executemany = len(compiled_params) > 1

        if compiled.prefetch:
            self._process_prefetch(compiled_params)

        plan = flags_plan = compiled.__dict__.get("_qs_positional_plan", _NO_PLAN)
        if plan is _NO_PLAN:
            flags_plan = compiled._qs_positional_plan = _positional_plan(
                compiled, dialect
            )
        if flags_plan is not None:
            # the common case: positional driver, no IN expansion -- one pass
            # from compiled parameters to the driver's tuples
            rows = _positional_rows(flags_plan, compiled_params)
            if rows is not None:
                self.statement = compiled.string
                self.parameters = rows
                self.cursor = self.create_cursor()
                return self

        processors = compiled.bind_processors
        if processors:
            processed = [self._apply_processors(processors, p) for p in compiled_params]
        else:
            processed = compiled_params
        string = compiled.string
        positiontup = compiled.positiontup
        if getattr(compiled, "has_expanding", False):
            # IN lists: render per execution from the processed values; the
            # cached Compiled itself is never modified (it is shared)
            expanded = [compiled._render_expanding_one(p) for p in processed]
            string, _, positiontup = expanded[0]
            processed = [e[1] for e in expanded]
        self.statement = string

        if dialect.positional:
            n = len(positiontup) if positiontup else 0
            if n == 0:
                self.parameters = [() for _ in processed]
            elif n == 1:
                key = positiontup[0]
                self.parameters = [(p[key],) for p in processed]
            else:
                getter = itemgetter(*positiontup)
                self.parameters = [getter(p) for p in processed]
        else:
            self.parameters = processed
        self.cursor = self.create_cursor()
        return self

    def _apply_processors(
        self, processors: Mapping[str, Callable[[Any], Any]], params: Mapping[str, Any]
    ) -> dict[str, Any]:
        out = dict(params)
        for key, fn in processors.items():
            if key in out:
                value = out[key]
                if value is None:
                    continue
                try:
                    out[key] = fn(value)
                except exc.SQLAlchemyError:
                    raise
                except Exception as err:
                    raise exc.StatementError(
                        "(%s.%s) %s" % (type(err).__module__, type(err).__name__, err),
                        self.compiled.string,
                        dict(params),
                        err,
                        hide_parameters=self.root_connection.engine.hide_parameters,
                    ) from err
        return out

    def _process_prefetch(self, compiled_params: list[dict[str, Any]]) -> None:
        # Prefetch columns are those absent from the first parameter set (the
        # compiled column set); as in SQLAlchemy, a value for one in a later
        # set is ignored and the default is used.
        for params in compiled_params:
            self.current_parameters = params
            for bind_name, column, is_insert in self.compiled.prefetch:
                default = column.default if is_insert else column.onupdate
                if default is None:
                    params[bind_name] = None
                    continue
                params[bind_name] = self._exec_default(column, default)
        self.current_parameters = None

    def _exec_default(self, column: Any, default: Any) -> Any:
        if getattr(default, "is_sequence", False):
            return self.root_connection._execute_default_sequence(default)
        if getattr(default, "is_callable", False):
            return default.arg(self)
        if getattr(default, "is_clause_element", False):
            return self.root_connection.scalar(_select_of(default.arg))
        return default.arg

    def get_current_parameters(self, isolate_multiinsert_groups: bool = True) -> Any:
        """The parameters of the row being inserted/updated, for default callables."""
        return self.current_parameters

    @classmethod
    def _init_statement(
        cls,
        dialect: DefaultDialect,
        connection: "Connection",
        dbapi_connection: Any,
        execution_options: Mapping[str, Any],
        statement: str,
        parameters: list[Any],
    ) -> "DefaultExecutionContext":
        """Driver-level SQL (``exec_driver_sql``): parameters go as given."""
        self = cls.__new__(cls)
        self.dialect = dialect
        self.root_connection = connection
        self._dbapi_connection = dbapi_connection
        self.execution_options = execution_options
        self.statement = statement
        self.compiled_parameters = []
        if not parameters:
            self._no_params = True
            self.parameters = [() if dialect.positional else {}]
        else:
            self._no_params = False
            if isinstance(parameters[0], dict):
                self.parameters = parameters
            else:
                self.parameters = [tuple(p) for p in parameters]
        self.executemany = len(self.parameters) > 1
        self.cursor = self.create_cursor()
        return self

    def create_cursor(self) -> Any:
        return self._dbapi_connection.cursor()

    # -- after execution ----------------------------------------------------

    def post_exec(self) -> None:
        """Hook for dialects: read state off the cursor before the result is built."""

    def get_lastrowid(self) -> Any:
        return self.cursor.lastrowid

    @property
    def rowcount(self) -> int:
        if self._rowcount is None:
            self._rowcount = self.cursor.rowcount
        return self._rowcount  # type: ignore[return-value]

    @property
    def no_parameters(self) -> bool:
        return bool(self.execution_options.get("no_parameters", False))

    def _setup_result_proxy(self) -> "CursorResult[Any]":
        compiled = self.compiled
        cursor = self.cursor
        if self.isinsert and compiled is not None:
            if self._is_implicit_returning:
                # RETURNING added by the compiler (primary key, server defaults):
                # read it here; the caller sees a result without rows, as if
                # the database had reported the values by itself.
                rows = CursorResult(self, cursor.description).fetchall()
                self.returned_default_rows = rows
                self._rowcount = len(rows)
                if not self.executemany:
                    self._set_inserted_pk(rows[0] if rows else None)
                return CursorResult(self, None)
            if not self._is_explicit_returning and not self.executemany:
                self._set_inserted_pk(None)
            # SQLAlchemy reads an INSERT's rowcount only after closing the
            # cursor (psycopg then says -1) unless preserve_rowcount is set;
            # quicksilver always keeps the driver's count: no code relies on -1
        if cursor.description is None and self._rowcount is None:
            self._rowcount = self._read_rowcount()
        result = CursorResult(self, cursor.description)
        opts = self.execution_options
        if opts and opts.get("yield_per"):
            # execution_options(yield_per=n): the result's batch size too, so
            # partitions() / iteration go n rows at a time (as SQLAlchemy)
            result._yield_per = opts["yield_per"]
        return result

    def _read_rowcount(self) -> int:
        try:
            return int(self.cursor.rowcount)
        except Exception:  # pragma: no cover - a closed cursor
            return -1

    def _set_inserted_pk(self, returned_row: Any) -> None:
        compiled = self.compiled
        table = getattr(compiled.statement, "table", None)
        if table is None or not hasattr(table, "primary_key"):
            return
        params = self.compiled_parameters[0]
        bind_names = compiled.column_bind_names
        pk_values = []
        lastrowid_used = False
        for col in table.primary_key.columns:
            value = None
            if returned_row is not None:
                try:
                    value = returned_row._mapping[col]
                except (KeyError, exc.NoSuchColumnError):
                    value = None
            if value is None:
                bind = bind_names.get(col)
                if bind is not None:
                    value = params.get(bind)
            if (
                value is None
                and not lastrowid_used
                and self.dialect.postfetch_lastrowid
            ):
                if _is_autoincrement_pk(table, col):
                    value = self.get_lastrowid()
                    lastrowid_used = True
            pk_values.append(value)
        self.inserted_primary_key_rows = [tuple(pk_values)]

    def handle_dbapi_exception(self, e: BaseException) -> None:
        """Hook for dialects."""

    def _soft_close_cursor(self) -> None:
        try:
            self.cursor.close()
        except Exception:
            pass


def _is_autoincrement_pk(table: Any, col: Any) -> bool:
    pk_cols = list(table.primary_key.columns)
    if len(pk_cols) != 1:
        return getattr(table, "_autoincrement_column", None) is col
    auto = getattr(table, "_autoincrement_column", None)
    if auto is not None:
        return bool(auto is col)
    py_type = None
    try:
        py_type = col.type.python_type
    except Exception:
        return False
    return py_type is int and getattr(col, "autoincrement", "auto") in ("auto", True)


def _select_of(clause: Any) -> Any:
    from ..sql import select

    return select(clause)


DefaultDialect.execution_ctx_cls = DefaultExecutionContext

__all__ = ["DefaultDialect", "DefaultExecutionContext", "immutabledict", "EMPTY_DICT"]
