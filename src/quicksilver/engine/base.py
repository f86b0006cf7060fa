"""Engine, Connection and transactions: SQLAlchemy 2.x's commit-as-you-go model.

A Connection checks a DBAPI connection out of the pool on creation and gives
it back on ``close()``.  The first statement begins a transaction implicitly
("autobegin"); ``commit()``/``rollback()`` end it; ``begin()`` makes the
transaction explicit and ``begin_nested()`` adds a SAVEPOINT.

Driver errors are wrapped exactly once, here, at the execute boundary
(``_handle_dbapi_exception``), into the ``quicksilver.exc`` class matching the
driver's PEP 249 class; a disconnect invalidates the pooled connection so that
the next checkout gets a fresh one.
"""

from __future__ import annotations

import sys
import threading
import warnings
from _thread import get_ident
from time import perf_counter
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional

from .. import exc, log
from ..util import LRUCache, immutabledict
from ._prepared import (
    OneBind,
    OneBindMemo,
    PreparedCursorResult,
    memo_plan,
    one_bind_context,
    plain_execution,
)
from .cursor import CursorResult
from .default import DefaultDialect, DefaultExecutionContext
from .events import ConnectionEvents

#: stands in for a logger without a level cache (a wrapper): always a miss
_NO_CACHE: Mapping[int, bool] = immutabledict()

if TYPE_CHECKING:
    from ..pool import Pool
    from .url import URL

_EMPTY_OPTIONS: immutabledict[str, Any] = immutabledict()
_NO_PARAMS: list[Any] = []


def _distill_params(params: Any) -> Any:
    """Normalise execute() parameters to a sequence of mappings (empty: none).

    Messages are SQLAlchemy's.  A list or tuple of mappings is returned as
    given, so that ``before_execute`` listeners see the caller's object.
    """
    if params is None:
        return _NO_PARAMS
    if type(params) is dict:  # the common case, before the slower ABC check
        return [params]
    if isinstance(params, Mapping):
        return [params]
    if isinstance(params, (list, tuple)):
        if params and not isinstance(params[0], Mapping):
            raise exc.ArgumentError("List argument must consist only of dictionaries")
        return params
    raise exc.ArgumentError("mapping or list expected for parameters")


def _distill_raw_params(params: Any) -> Any:
    """exec_driver_sql parameters: a tuple, a dict, or a list of either."""
    if params is None:
        return _NO_PARAMS
    kind = type(params)
    if kind is tuple and (not params or type(params[0]) not in (tuple, dict)):
        return [params]  # the common case: one positional tuple
    if kind is dict:
        return [params]
    if isinstance(params, list):
        if params and not isinstance(params[0], (Mapping, tuple)):
            raise exc.ArgumentError(
                "List argument must consist only of tuples or dictionaries"
            )
        return params
    if isinstance(params, tuple):
        if params and isinstance(params[0], (Mapping, tuple)):
            return params
        return [params]
    if isinstance(params, Mapping):
        return [params]
    raise exc.ArgumentError("mapping or sequence expected for parameters")


def _event_params(distilled: Any) -> tuple[Any, Any]:
    """``(multiparams, params)`` as SQLAlchemy's before/after_execute get them."""
    if not distilled:
        return (), {}
    if len(distilled) == 1:
        return [], distilled[0]
    return distilled, {}


def _event_distill(multiparams: Any, params: Any) -> Any:
    """The inverse of :func:`_event_params`, for ``retval=True`` listeners."""
    if multiparams:
        if params:
            raise exc.ArgumentError(
                "Can't send params and multiparams at the same time"
            )
        return _distill_params(multiparams)
    if params:
        return [params]
    return _NO_PARAMS


class Connection:
    """A checked-out DBAPI connection plus transaction state.

    Mirrors ``sqlalchemy.engine.Connection``.  Not thread-safe: use one
    Connection per thread.
    """

    # No __slots__: rarely-changed state lives in class-level defaults, so that
    # creating a Connection (on the pool_checkout hot path) sets only what varies.
    _nested_transaction: Optional["NestedTransaction"] = None
    _savepoint_seq = 0
    _reentrant_error = False
    _is_disconnect = False
    _isolation_changed = False
    _allow_autobegin = True
    _info: Optional[dict[str, Any]] = None
    _raw_accessed = False
    _guard_owner = 0
    #: set on the dialect-initialization Connection: never fires events
    _events_frozen = False
    #: the concurrent-use guard, made by the first execute (cheaper connect)
    _guard: Any = None
    #: set by an ORM Session that owns this Connection: names it in leak warnings
    _qs_owner: Optional[Callable[[], str]] = None

    _is_future = True
    _dispatch_events = ConnectionEvents

    def __init__(
        self,
        engine: "Engine",
        connection: Any = None,
        _has_events: Optional[bool] = None,
        _allow_revalidate: bool = True,
        _allow_autobegin: bool = True,
    ) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self._transaction: Optional[RootTransaction] = None
        self._execution_options = engine._execution_options
        self.dispatch = engine.dispatch
        self._has_events = engine._has_events if _has_events is None else _has_events
        # logging configured for the engine's logger turns SQL logging on even
        # without echo=True, as in SQLAlchemy
        # the logger's own level cache first: isEnabledFor() is a Python call
        # per connect, and logging clears this cache whenever levels change
        logger = engine.logger
        echo = logger.__dict__.get("_cache", _NO_CACHE).get(20)
        self._echo = logger.isEnabledFor(20) if echo is None else echo
        if not _allow_autobegin:
            self._allow_autobegin = False
        if connection is not None:
            self._dbapi_connection = connection
        else:
            try:
                self._dbapi_connection = engine.pool.connect()
            except self.dialect.loaded_dbapi.Error as err:
                Connection._handle_dbapi_exception_noconnection(
                    err, self.dialect, engine
                )
                raise  # pragma: no cover
        if self._has_events and self.dispatch.engine_connect:
            self.dispatch.engine_connect(self)

    # -- introspection --------------------------------------------------------

    def __repr__(self) -> str:
        return f"<{type(self).__name__} engine={self.engine!r}>"

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._dbapi_connection is None and not self._is_disconnect

    @property
    def invalidated(self) -> bool:
        """True if the DBAPI connection under this Connection was invalidated."""
        fairy = self._dbapi_connection
        if fairy is None:
            return self._is_disconnect
        return not fairy.is_valid

    @property
    def connection(self) -> Any:
        """The pool's proxied DBAPI connection (reconnecting if invalidated)."""
        self._raw_accessed = True
        if self._dbapi_connection is None:
            try:
                return self._revalidate_connection()
            except self.dialect.loaded_dbapi.Error as err:
                self._handle_dbapi_exception(err, None, None, None, None)
        return self._dbapi_connection

    def _fairy(self) -> Any:
        """The pooled connection, for internal use (does not count as raw access)."""
        fairy = self._dbapi_connection
        if fairy is not None:
            return fairy
        try:
            return self._revalidate_connection()
        except self.dialect.loaded_dbapi.Error as err:
            self._handle_dbapi_exception(err, None, None, None, None)
            raise  # pragma: no cover

    @property
    def info(self) -> dict[str, Any]:
        """A dict that lives as long as the underlying DBAPI connection."""
        return self.connection.info  # type: ignore[no-any-return]

    @property
    def default_isolation_level(self) -> Optional[str]:
        return self.dialect.default_isolation_level

    def get_isolation_level(self) -> str:
        """The isolation level the database reports for this connection now."""
        dbapi_conn = self._fairy().dbapi_connection
        try:
            return self.dialect.get_isolation_level(dbapi_conn)
        except self.dialect.loaded_dbapi.Error as err:
            self._handle_dbapi_exception(err, None, None, None, None)
            raise  # pragma: no cover

    def _revalidate_connection(self) -> Any:
        if self._is_disconnect or self._dbapi_connection is None:
            if self._transaction is not None and self._transaction.is_active:
                raise exc.PendingRollbackError(
                    "Can't reconnect until invalid transaction is rolled back.  "
                    "Please rollback() fully before proceeding",
                    code="8s2b",
                )
            if not self._is_disconnect:
                raise exc.ResourceClosedError("This Connection is closed")
            self._dbapi_connection = self.engine.raw_connection()
            self._is_disconnect = False
            return self._dbapi_connection
        raise exc.ResourceClosedError("This Connection is closed")

    # -- execution options ----------------------------------------------------

    def execution_options(self, **opt: Any) -> "Connection":
        """Set options for this connection's executions; returns self (2.x)."""
        if "isolation_level" in opt:
            self._set_isolation_level(opt["isolation_level"])
        if self._has_events and self.dispatch.set_connection_execution_options:
            self.dispatch.set_connection_execution_options(self, opt)
        self._execution_options = self._execution_options.union(opt)
        return self

    def get_execution_options(self) -> immutabledict[str, Any]:
        return self._execution_options

    def _set_isolation_level(self, level: str) -> None:
        self.dialect._check_isolation_level(level)
        if self._transaction is not None and self._transaction.is_active:
            raise exc.InvalidRequestError(
                "This connection has already initialized a SQLAlchemy "
                "Transaction() object via begin() or autobegin; "
                "isolation_level may not be altered unless rollback() or "
                "commit() is called first."
            )
        self.dialect.set_isolation_level(self._fairy().dbapi_connection, level)
        self._isolation_changed = True

    # -- transactions ---------------------------------------------------------

    def _autobegin(self) -> None:
        if self._allow_autobegin:
            self.begin()

    def begin(self) -> "RootTransaction":
        """Begin a transaction; usable as a context manager that commits."""
        if self._transaction is None:
            self._transaction = RootTransaction(self)
            return self._transaction
        raise exc.InvalidRequestError(
            "This connection has already initialized a SQLAlchemy "
            "Transaction() object via begin() or autobegin; can't call begin() "
            "here unless rollback() or commit() is called first."
        )

    def begin_nested(self) -> "NestedTransaction":
        """Begin a SAVEPOINT, autobeginning the outer transaction if needed."""
        if self._transaction is None:
            self._autobegin()
        return NestedTransaction(self)

    def begin_twophase(self, xid: Any = None) -> Any:
        raise NotImplementedError("two-phase transactions are not supported yet")

    def commit(self) -> None:
        """Commit the transaction in progress, if any (commit-as-you-go)."""
        if self._guard_owner and self._guard_owner != get_ident():
            self._concurrent_use()
        if self._transaction is not None:
            self._transaction.commit()

    def rollback(self) -> None:
        """Roll back the transaction in progress, if any."""
        if self._guard_owner and self._guard_owner != get_ident():
            self._concurrent_use()
        if self._transaction is not None:
            self._transaction.rollback()

    def in_transaction(self) -> bool:
        return self._transaction is not None and self._transaction.is_active

    def in_nested_transaction(self) -> bool:
        return (
            self._nested_transaction is not None and self._nested_transaction.is_active
        )

    def get_transaction(self) -> Optional["RootTransaction"]:
        return self._transaction

    def get_nested_transaction(self) -> Optional["NestedTransaction"]:
        return self._nested_transaction

    def _begin_impl(self, transaction: "RootTransaction") -> None:
        if self._echo:
            if self._is_autocommit_isolation():
                self._log_info(
                    "BEGIN (implicit; DBAPI should not BEGIN due to autocommit mode)"
                )
            else:
                self._log_info("BEGIN (implicit)")
        if self._has_events and self.dispatch.begin:
            self.dispatch.begin(self)
        try:
            self.dialect.do_begin(self._fairy().dbapi_connection)
        except self.dialect.loaded_dbapi.Error as err:
            self._handle_dbapi_exception(err, None, None, None, None)

    def _commit_impl(self) -> None:
        if self._has_events and self.dispatch.commit:
            self.dispatch.commit(self)
        if self._echo:
            if self._is_autocommit_isolation():
                self._log_info(
                    "COMMIT using DBAPI connection.commit(), "
                    "has no effect due to autocommit mode"
                )
            else:
                self._log_info("COMMIT")
        try:
            self.dialect.do_commit(self._fairy().dbapi_connection)
        except self.dialect.loaded_dbapi.Error as err:
            self._handle_dbapi_exception(err, None, None, None, None)

    def _rollback_impl(self) -> None:
        if self._has_events and self.dispatch.rollback:
            self.dispatch.rollback(self)
        fairy = self._dbapi_connection
        if fairy is None or fairy.dbapi_connection is None:  # gone or invalidated
            return
        dialect = self.dialect
        if self._echo or dialect.skip_autocommit_rollback:
            autocommit = self._is_autocommit_isolation()
            if self._echo:
                if not autocommit:
                    self._log_info("ROLLBACK")
                elif dialect.skip_autocommit_rollback:
                    self._log_info(
                        "ROLLBACK will be skipped by skip_autocommit_rollback"
                    )
                else:
                    self._log_info(
                        "ROLLBACK using DBAPI connection.rollback(); "
                        "set skip_autocommit_rollback to prevent fully"
                    )
            if autocommit and dialect.skip_autocommit_rollback:
                return
        try:
            dialect.do_rollback(fairy.dbapi_connection)
        except dialect.loaded_dbapi.Error as err:
            self._handle_dbapi_exception(err, None, None, None, None)

    def _savepoint_impl(self, name: Optional[str] = None) -> str:
        if self._has_events and self.dispatch.savepoint:
            # SQLAlchemy tells listeners the name given by the caller (None
            # for a generated one)
            self.dispatch.savepoint(self, name)
        if name is None:
            self._savepoint_seq += 1
            name = "sa_savepoint_%s" % self._savepoint_seq
        self.dialect.do_savepoint(self, name)
        return name

    def _release_savepoint_impl(self, name: str) -> None:
        if self._has_events and self.dispatch.release_savepoint:
            self.dispatch.release_savepoint(self, name, None)
        self.dialect.do_release_savepoint(self, name)

    def _rollback_to_savepoint_impl(self, name: str) -> None:
        if self._has_events and self.dispatch.rollback_savepoint:
            self.dispatch.rollback_savepoint(self, name, None)
        if self._dbapi_connection is not None and self._dbapi_connection.is_valid:
            self.dialect.do_rollback_to_savepoint(self, name)

    def _exec_savepoint_sql(self, statement: str) -> None:
        """Run SAVEPOINT / RELEASE / ROLLBACK TO as SQLAlchemy does: logged
        with a ``[no key ...]`` note, cursor events fired."""
        opts = self._execution_options
        started = perf_counter() if self._echo else 0.0
        context = self.dialect.execution_ctx_cls._init_statement(
            self.dialect, self, self._fairy(), opts, statement, _NO_PARAMS
        )
        if self._echo:
            context.cache_hit = "no key %.5fs" % (perf_counter() - started)
        self._execute_context(context)

    def _is_autocommit_isolation(self) -> bool:
        level = (
            self._execution_options.get("isolation_level")
            or self.dialect.isolation_level
        )
        return bool(level == "AUTOCOMMIT")

    # -- closing --------------------------------------------------------------

    def close(self) -> None:
        """Roll back any transaction and return the DBAPI connection to the pool."""
        if self._guard_owner and self._guard_owner != get_ident():
            self._concurrent_use()
        if self._transaction is not None:
            self._transaction.close()
            skip_reset = True
        else:
            # nothing ran through this Connection since its last commit or
            # rollback, unless the raw DBAPI connection was handed out
            skip_reset = not self._raw_accessed
        fairy = self._dbapi_connection
        if fairy is not None:
            if self._isolation_changed and fairy.is_valid:
                try:
                    self.dialect.reset_isolation_level(fairy.dbapi_connection)
                except Exception:  # the pool resets or discards it anyway
                    fairy.invalidate()
                self._isolation_changed = False
            if skip_reset:
                fairy._checkin(transaction_was_reset=True)
            else:
                fairy.close()
        self._dbapi_connection = None
        self._is_disconnect = False
        self._transaction = None
        self._nested_transaction = None

    def __del__(self) -> None:
        # Garbage-collected while still holding a pooled connection: give it
        # back (the pool rolls back) and say where it was checked out.
        try:
            fairy = self._dbapi_connection
        except AttributeError:  # __init__ failed before the attribute was set
            return
        if fairy is None or isinstance(fairy, _NoWarnFairy):
            return
        try:
            self._dbapi_connection = None
            rec = getattr(fairy, "_connection_record", None)
            site = rec.checkout_site() if rec is not None else None
            in_trans = self._transaction is not None and self._transaction.is_active
            owner = self._qs_owner
            warnings.warn(
                exc.QuicksilverResourceWarning(
                    "Connection was garbage collected while it still held a pooled "
                    "DBAPI connection%s; the connection is returned to the pool and "
                    "rolled back. It was checked out at %s%s. Close connections "
                    "(use 'with engine.connect() as conn:')."
                    % (
                        " and an open transaction" if in_trans else "",
                        site or "an unknown place",
                        f", by the Session created at {owner()}" if owner else "",
                    )
                ),
                stacklevel=2,
            )
            fairy._checkin()
        except Exception:  # pragma: no cover - never raise from a finalizer
            pass

    def _qs_release_unowned(self) -> None:
        """Return the pooled connection (rolled back) without a leak warning."""
        fairy = self._dbapi_connection
        self._dbapi_connection = None
        self._transaction = None
        self._nested_transaction = None
        if fairy is not None:
            fairy._checkin()

    def invalidate(self, exception: Optional[BaseException] = None) -> None:
        """Invalidate the DBAPI connection; the next use reconnects."""
        if self.invalidated:
            return
        if self.closed:
            raise exc.ResourceClosedError("This Connection is closed")
        fairy = self._dbapi_connection
        if fairy is not None and fairy.is_valid:
            fairy.invalidate(exception)
        self._dbapi_connection = None
        self._is_disconnect = True

    def _reflect_metadata(self, metadata: Any, **kw: Any) -> None:
        """``MetaData.reflect(bind)`` lands here (see engine.reflection)."""
        from .reflection import reflect_metadata

        reflect_metadata(self, metadata, **kw)

    def detach(self) -> None:
        """Take the DBAPI connection out of the pool for good."""
        self.connection.detach()

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        self.close()

    # -- execution ------------------------------------------------------------

    def scalar(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        """Execute and return the first column of the first row."""
        return self.execute(
            statement, parameters, execution_options=execution_options
        ).scalar()

    def scalars(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        """Execute and return a ScalarResult over the first column."""
        return self.execute(
            statement, parameters, execution_options=execution_options
        ).scalars()

    def execute(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> "CursorResult[Any]":
        """Execute a statement; ``parameters`` is a dict or a list of dicts.

        A plain SQL string is accepted and run as ``text()`` would run it
        (a quicksilver extension: SQLAlchemy 2.x raises ObjectNotExecutableError).
        """
        if (
            parameters.__class__ is dict
            and execution_options is None
            and not (self._has_events or self._echo or self._execution_options)
            and not self.engine._has_events
        ):
            # a statement object run before in the same way (see
            # _execute_clauseelement): straight to the memo path
            try:
                memo = statement.__dict__.get("_qs_exec_memo")
            except AttributeError:  # a plain SQL string
                memo = None
            if memo is not None:
                if memo.__class__ is OneBindMemo:
                    result = self._execute_one_bind(statement, memo, parameters)
                    if result is not None:
                        return result
                elif memo[0] is self.dialect and memo[5] == id(statement):
                    result = self._execute_memo(statement, memo, (parameters,))
                    if result is not None:
                        return result
        distilled = _distill_params(parameters)
        if not self._has_events and self.engine._has_events:
            # listeners added to the Engine after this Connection was made
            # apply to it too (as in SQLAlchemy)
            self._has_events = not self._events_frozen
        try:
            meth = statement._execute_on_connection
        except AttributeError:
            if isinstance(statement, str):
                from ..sql import text

                meth = text(statement)._execute_on_connection
            else:
                raise exc.ObjectNotExecutableError(statement) from None
        return meth(self, distilled, execution_options or _EMPTY_OPTIONS)  # type: ignore[no-any-return]

    def _execute_clauseelement(
        self,
        elem: Any,
        distilled_params: Any,
        execution_options: Mapping[str, Any],
    ) -> "CursorResult[Any]":
        opts = self._execution_options
        elem_opts = elem._execution_options
        plain = not (
            opts or elem_opts or execution_options or self._has_events or self._echo
        )
        if plain and len(distilled_params) < 2:
            memo = elem.__dict__.get("_qs_exec_memo")
            # a copy made by a generative method carries its parent's memo in
            # the copied __dict__: the memo names the object it was made for
            if (
                memo is not None
                and memo.__class__ is not OneBindMemo
                and memo[0] is self.dialect
                and memo[5] == id(elem)
            ):
                result = self._execute_memo(elem, memo, distilled_params)
                if result is not None:
                    return result
        if elem_opts:
            opts = opts.union(elem_opts)
        if execution_options:
            opts = opts.union(execution_options)
        if self._has_events and self.dispatch.before_execute:
            elem, distilled_params, opts = self._fire_before_execute(
                elem, distilled_params, opts
            )
        if distilled_params:
            keys = sorted(distilled_params[0])
            for_executemany = len(distilled_params) > 1
        else:
            keys = []
            for_executemany = False
        dialect = self.dialect
        compiled_cache = opts.get("compiled_cache", self.engine._compiled_cache)
        if self._echo:
            started = perf_counter()
        compiled, extracted, cache_hit = elem._compile_w_cache(
            dialect,
            compiled_cache=compiled_cache,
            column_keys=keys,
            for_executemany=for_executemany,
            schema_translate_map=opts.get("schema_translate_map"),
        )
        if self._echo:
            cache_hit = _cache_stats(compiled, cache_hit, started)
        elif cache_hit == "generated":
            compiled._qs_gen_time = perf_counter()
        if plain and extracted is not None:
            # remember on the statement object how to run it again (see
            # _execute_memo); the plan itself is worked out once per Compiled
            plan = compiled.__dict__.get("_qs_memo_plan", _UNSET)
            if plan is _UNSET:
                plan = compiled._qs_memo_plan = memo_plan(
                    elem, dialect, compiled, for_executemany
                )
            if plan.__class__ is OneBind and plain_execution(dialect):
                elem.__dict__["_qs_exec_memo"] = OneBindMemo(
                    dialect, id(elem), plan, compiled, extracted
                )
            elif plan is not None:
                elem.__dict__["_qs_exec_memo"] = (
                    dialect, tuple(keys), compiled, extracted, plan, id(elem)
                )
        fairy = self._dbapi_connection
        if fairy is None:
            fairy = self._fairy()
        try:
            context = dialect.execution_ctx_cls._init_compiled(
                dialect,
                self,
                fairy,
                opts,
                compiled,
                distilled_params,
                elem,
                extracted,
                cache_hit,
            )
        except exc.StatementError:
            raise
        except BaseException as err:
            self._handle_dbapi_exception(
                err, compiled.string, distilled_params or (), None, None
            )
            raise  # pragma: no cover
        result = self._execute_context(context)
        if self._has_events and self.dispatch.after_execute:
            multiparams, params = _event_params(distilled_params)
            self.dispatch.after_execute(self, elem, multiparams, params, opts, result)
        return result

    def _execute_memo(self, elem: Any, memo: Any, distilled_params: Any) -> Any:
        """Run a statement object executed before the same way: no events, no
        options, a positional SELECT.  Skips the cache lookup and builds the
        execution context directly; None means "take the general path"."""
        _dialect, keys, compiled, extracted, plan, _ident = memo
        if plan.__class__ is OneBind:
            # one bind parameter, given by the caller under its own name: the
            # select-by-key shape, without construct_params() and its loop
            name, proc, passthrough = plan
            params = distilled_params[0] if distilled_params else None
            if params is not None and len(params) == 1 and name in params:
                value = params[name]
                values = {name: value}
                if proc is not None and value.__class__ is not passthrough:
                    if value is not None:
                        try:
                            value = proc(value)
                        except Exception:
                            return None  # the general path reports it
                return self._run_memo(elem, compiled, extracted, values, (value,))
            plan = (plan,)
        if distilled_params:
            params = distilled_params[0]
            if len(params) == 1:
                if tuple(params) != keys:
                    return None
            elif tuple(sorted(params)) != keys:
                return None
        else:
            if keys:
                return None
            params = None
        values = compiled.construct_params(params, extracted)
        try:
            if plan.__class__ is tuple:  # positional: the driver's tuple
                row = []
                for key, proc, passthrough in plan:
                    value = values[key]
                    if proc is not None and value.__class__ is not passthrough:
                        if value is not None:
                            value = proc(value)
                    row.append(value)
                parameters: Any = tuple(row)
            else:  # named: the processed dict
                parameters = dict(values)
                for key, proc in plan.items():
                    value = parameters.get(key)
                    if value is not None:
                        parameters[key] = proc(value)
        except Exception:
            return None  # the general path reports it as a StatementError
        return self._run_memo(elem, compiled, extracted, values, parameters)

    def _run_memo(
        self, elem: Any, compiled: Any, extracted: Any, values: Any, parameters: Any
    ) -> Any:
        """The execution half of :meth:`_execute_memo`: driver-ready
        ``parameters`` in, a CursorResult out."""
        fairy = self._dbapi_connection
        if fairy is None:
            fairy = self._fairy()
        dialect = self.dialect
        context = self._bare_context(
            fairy, compiled, elem, extracted, "cached", values, compiled.string,
            parameters,
        )
        statement = context.statement
        plain = plain_execution(dialect)
        raw = fairy.dbapi_connection
        if raw is not None and plain:
            cursor = raw.cursor()
        else:
            cursor = context.create_cursor()
        context.cursor = cursor
        # the concurrent-use guard of _execute_context, inlined
        guard = self._guard
        if guard is None:
            guard = self._guard = _allocate_lock()
        if not guard.acquire(False):
            if self._guard_owner != get_ident():
                self._concurrent_use()
            return self._execute_context_inner(context)
        self._guard_owner = get_ident()
        try:
            if self._transaction is None and self._allow_autobegin:
                self._autobegin()
            try:
                if plain:
                    cursor.execute(statement, parameters)
                else:
                    dialect.do_execute(cursor, statement, parameters, context)
            except BaseException as err:
                self._handle_dbapi_exception(
                    err, context.statement, parameters, cursor, context
                )
                raise  # pragma: no cover
            try:
                if not plain:
                    context.post_exec()
                # a SELECT (see _memo_plan): no INSERT bookkeeping to do
                description = cursor.description
                cached = compiled.__dict__.get("_qs_cached_metadata")
                if (
                    cached is None
                    or cached[3]
                    or description is None
                    or cached[2] != len(description)
                ):
                    return CursorResult(context, description)
                # CursorResult.__init__ for a compiled SELECT whose result
                # metadata is known, inlined (no echo on this path)
                result = _new_cursor_result(CursorResult)
                result.context = context
                result.dialect = dialect
                result.cursor = cursor
                result.connection = self
                result._metadata = cached[1]
                return result
            except BaseException as err:
                self._handle_dbapi_exception(
                    err, context.statement, [parameters], cursor, context
                )
                raise  # pragma: no cover
        finally:
            self._guard_owner = 0
            guard.release()

    def _execute_one_bind(
        self, statement: Any, memo: OneBindMemo, parameters: dict[str, Any]
    ) -> Optional["CursorResult[Any]"]:
        """Run a one-bind SELECT again (see engine/_prepared.py): the bind
        value straight into the driver's tuple, the result without an
        execution context.  None means "take the general path", which also
        reports every error this path declines to handle (a bad value, a
        second thread, a reentrant call)."""
        # (other keys beside the bind's are ignored, as the general path's
        # construct_params() ignores them)
        if memo.dialect is not self.dialect or memo.ident != id(statement):
            return None
        try:
            value = parameters[memo.name]
        except KeyError:
            return None
        processed = value
        proc = memo.proc
        if proc is not None and value.__class__ is not memo.passthrough:
            if value is not None:
                try:
                    processed = proc(value)
                except Exception:
                    return None
        fairy = self._dbapi_connection
        if fairy is None:
            fairy = self._fairy()
        raw = fairy.dbapi_connection
        if raw is None:
            return None
        # the concurrent-use guard of _execute_context, inlined; contention
        # (another thread, or a reentrant call) goes the general way
        guard = self._guard
        if guard is None:
            guard = self._guard = _allocate_lock()
        if not guard.acquire(False):
            return None
        self._guard_owner = get_ident()
        try:
            if self._transaction is None and self._allow_autobegin:
                self._autobegin()
            cursor = raw.cursor()
            try:
                cursor.execute(memo.sql, (processed,))
                description = cursor.description
                metadata = memo.metadata
                if (
                    metadata is None
                    or description is None
                    or len(description) != memo.ncols
                ):
                    context = one_bind_context(
                        self, fairy, memo, statement, value, processed, cursor
                    )
                    result = CursorResult(context, description)
                    if metadata is None and description is not None:
                        memo.learn_metadata(description)
                    return result
            except BaseException as err:
                self._handle_dbapi_exception(
                    err,
                    memo.sql,
                    (processed,),
                    cursor,
                    one_bind_context(
                        self, fairy, memo, statement, value, processed, cursor
                    ),
                )
                raise  # pragma: no cover
            result = _new_cursor_result(PreparedCursorResult)
            result.cursor = cursor
            result.connection = self
            result._metadata = metadata
            result._qs_origin = (fairy, memo, statement, value, processed)
            # instance values, not class defaults: first() reads them through
            # Python's specialised (fast) attribute path
            result._unique_filter_state = None
            result._soft_closed = result._hard_closed = False
            return result
        finally:
            self._guard_owner = 0
            guard.release()

    def _execute_expanded(
        self, compiled: Any, statement: str, parameters: Any, label: str
    ) -> "CursorResult[Any]":
        """Run ``statement``, SQL text derived from ``compiled`` (a multi-row
        VALUES list made by repeating its one-row VALUES), with driver-ready
        ``parameters``.  Cursor events, logging and error wrapping are those
        of any execution; the result reads its rows with ``compiled``'s
        result metadata (the RETURNING columns are the same)."""
        fairy = self._dbapi_connection
        if fairy is None:
            fairy = self._fairy()
        context = self._bare_context(
            fairy, compiled, compiled.statement, None, label, {}, statement, parameters
        )
        context.cursor = context.create_cursor()
        return self._execute_context(context)

    def _bare_context(
        self,
        fairy: Any,
        compiled: Any,
        invoked: Any,
        extracted: Any,
        cache_hit: str,
        compiled_params: dict[str, Any],
        statement: str,
        parameters: Any,
    ) -> "DefaultExecutionContext":
        """An execution context for one parameter set made without
        ``_init_compiled``: the caller has the driver's parameters ready.
        :meth:`_run_memo` inlines the same assignments (keep them in step)."""
        dialect = self.dialect
        ctx_cls = dialect.execution_ctx_cls
        context = ctx_cls.__new__(ctx_cls)
        context.dialect = dialect
        context.root_connection = self
        context._dbapi_connection = fairy
        context.execution_options = self._execution_options
        context.compiled = compiled
        context.invoked_statement = invoked
        context.extracted_parameters = extracted
        context.cache_hit = cache_hit
        context._no_params = False
        context.compiled_parameters = [compiled_params]
        context.statement = statement
        context.parameters = [parameters]
        return context

    def _fire_before_execute(
        self, elem: Any, distilled_params: Any, opts: Any
    ) -> tuple[Any, Any, Any]:
        """Run ``before_execute`` listeners; ``retval=True`` ones may replace
        the statement and parameters (SQLAlchemy's signature)."""
        multiparams, params = _event_params(distilled_params)
        replaced = False
        for listener in self.dispatch._listeners("before_execute"):
            out = listener.call(self, elem, multiparams, params, opts)
            if listener.retval and out is not None:
                elem, multiparams, params = out
                replaced = True
        if replaced:
            distilled_params = _event_distill(multiparams, params)
        return elem, distilled_params, opts

    def _execute_ddl(
        self,
        ddl: Any,
        distilled_params: Any,
        execution_options: Mapping[str, Any],
    ) -> "CursorResult[Any]":
        opts = self._execution_options
        if getattr(ddl, "_execution_options", None):
            opts = opts.union(ddl._execution_options)
        if execution_options:
            opts = opts.union(execution_options)
        if self._has_events and self.dispatch.before_execute:
            ddl, distilled_params, opts = self._fire_before_execute(
                ddl, distilled_params, opts
            )
        if self._echo:
            started = perf_counter()
        compiled = ddl.compile(
            dialect=self.dialect, schema_translate_map=opts.get("schema_translate_map")
        )
        context = self.dialect.execution_ctx_cls._init_ddl(
            self.dialect, self, self._fairy(), opts, compiled
        )
        if self._echo:
            context.cache_hit = "no key %.5fs" % (perf_counter() - started)
        result = self._execute_context(context)
        if self._has_events and self.dispatch.after_execute:
            multiparams, params = _event_params(distilled_params)
            self.dispatch.after_execute(self, ddl, multiparams, params, opts, result)
        return result

    def exec_driver_sql(
        self,
        statement: str,
        parameters: Any = None,
        execution_options: Optional[Mapping[str, Any]] = None,
    ) -> "CursorResult[Any]":
        """Run SQL in the driver's own paramstyle, with no compilation."""
        distilled = _distill_raw_params(parameters)
        if not self._has_events and self.engine._has_events:
            self._has_events = not self._events_frozen
        opts = self._execution_options
        if execution_options:
            opts = opts.union(execution_options)
        fairy = self._dbapi_connection
        if fairy is None:
            fairy = self._fairy()
        context = self.dialect.execution_ctx_cls._init_statement(
            self.dialect, self, fairy, opts, statement, distilled
        )
        return self._execute_context(context)

    def _execute_context(
        self, context: "DefaultExecutionContext"
    ) -> "CursorResult[Any]":
        guard = self._guard
        if guard is None:
            guard = self._guard = _allocate_lock()
        if not guard.acquire(False):
            if self._guard_owner != get_ident():
                self._concurrent_use()
            return self._execute_context_inner(context)
        self._guard_owner = get_ident()
        try:
            return self._execute_context_inner(context)
        finally:
            self._guard_owner = 0
            guard.release()

    def _concurrent_use(self) -> None:
        """Another thread is inside an operation on this Connection: refuse."""
        holder = threading._active.get(self._guard_owner)  # type: ignore[attr-defined]
        holder_name = (
            holder.name if holder is not None else f"ident {self._guard_owner}"
        )
        raise exc.ConcurrentUseError(
            f"{self!r} is being used by thread {holder_name!r} while thread "
            f"{threading.current_thread().name!r} tried to use it at the same time. "
            "A Connection (like a Session) must be used by one thread at a time; "
            "give each thread its own."
        )

    def _execute_context_inner(
        self, context: "DefaultExecutionContext"
    ) -> "CursorResult[Any]":
        if self._transaction is None and self._allow_autobegin:
            self._autobegin()
        dialect = self.dialect
        cursor = context.cursor
        statement = context.statement
        parameters = context.parameters
        if self._has_events and self.dispatch.before_cursor_execute:
            for listener in self.dispatch._listeners("before_cursor_execute"):
                out = listener.call(
                    self,
                    cursor,
                    statement,
                    parameters if context.executemany else parameters[0],
                    context,
                    context.executemany,
                )
                if listener.retval and out is not None:
                    statement, new_params = out
                    parameters = new_params if context.executemany else [new_params]
            context.statement = statement
            context.parameters = parameters
        if self._echo:
            self._log_statement(context, statement, parameters)
        try:
            if context.executemany:
                if context._is_explicit_returning:
                    # RETURNING rows of every parameter set, in order (what
                    # SQLAlchemy's "insertmanyvalues" gives)
                    context.cursor = dialect.do_executemany_returning(
                        cursor, statement, parameters, context
                    )
                else:
                    dialect.do_executemany(cursor, statement, parameters, context)
            elif context._no_params:
                dialect.do_execute_no_params(cursor, statement, context)
            else:
                dialect.do_execute(cursor, statement, parameters[0], context)
        except BaseException as err:
            self._handle_dbapi_exception(
                err,
                statement,
                parameters if context.executemany else parameters[0],
                cursor,
                context,
            )
            raise  # pragma: no cover
        if self._has_events and self.dispatch.after_cursor_execute:
            self.dispatch.after_cursor_execute(
                self,
                cursor,
                statement,
                parameters if context.executemany else parameters[0],
                context,
                context.executemany,
            )
        try:
            context.post_exec()
            result = context._setup_result_proxy()
        except BaseException as err:
            self._handle_dbapi_exception(err, statement, parameters, cursor, context)
            raise  # pragma: no cover
        return result

    def _execute_default_sequence(self, seq: Any) -> Any:
        raise NotImplementedError(
            "sequences are not supported on %s" % self.dialect.name
        )

    # -- logging --------------------------------------------------------------

    def _log_info(self, message: str, *args: Any) -> None:
        self.engine.logger.info(message, *args)

    def _log_statement(
        self, context: "DefaultExecutionContext", statement: str, parameters: Any
    ) -> None:
        logger = self.engine.logger
        logger.info("%s", statement)
        stats = context.cache_hit or "raw sql"
        if self.engine.hide_parameters:
            logger.info(
                "[%s] [SQL parameters hidden due to hide_parameters=True]", stats
            )
        elif context.executemany:
            logger.info("[%s] %s", stats, _repr_log_params(parameters, True))
        else:
            logger.info(
                "[%s] %s",
                stats,
                _repr_log_params(parameters[0] if parameters else (), False),
            )

    # -- errors ---------------------------------------------------------------

    def _handle_dbapi_exception(
        self,
        e: BaseException,
        statement: Optional[str],
        parameters: Any,
        cursor: Any,
        context: Optional["DefaultExecutionContext"],
    ) -> None:
        """Wrap a driver error once, invalidate on disconnect, and raise."""
        dialect = self.dialect
        dbapi = dialect.loaded_dbapi
        is_exit = isinstance(e, (KeyboardInterrupt, SystemExit))
        if self._reentrant_error:
            raise exc.DBAPIError.instance(
                statement,
                parameters,
                e,
                dbapi.Error,
                hide_parameters=self.engine.hide_parameters,
                dialect=dialect,
            ).with_traceback(sys.exc_info()[2]) from e
        self._reentrant_error = True
        try:
            is_dbapi = isinstance(e, dbapi.Error)
            fairy = self._dbapi_connection
            is_disconnect = False
            if is_dbapi and not self._is_disconnect:
                raw = fairy.dbapi_connection if fairy is not None else None
                is_disconnect = dialect.is_disconnect(e, raw, cursor)
            elif is_exit or isinstance(e, _cancel_errors()):
                is_disconnect = True
            if cursor is not None:
                try:
                    cursor.close()
                except Exception:
                    pass
            if not is_dbapi and statement is not None and context is None:
                if not is_exit and isinstance(e, Exception):
                    # failed while building the execution context (a missing
                    # bind value...): SQLAlchemy reports it as a StatementError
                    wrapped = self._statement_error(e, statement, parameters)
                    raise wrapped.with_traceback(sys.exc_info()[2]) from e
            if is_dbapi:
                wrapped = exc.DBAPIError.instance(
                    statement,
                    parameters,
                    e,
                    dbapi.Error,
                    hide_parameters=self.engine.hide_parameters,
                    connection_invalidated=is_disconnect,
                    dialect=dialect,
                    ismulti=context.executemany if context is not None else None,
                )
            else:
                wrapped = None
            if self._has_events and self.dispatch.handle_error and wrapped is not None:
                ctx = ExceptionContextImpl(
                    e,
                    wrapped,
                    self.engine,
                    dialect,
                    self,
                    cursor,
                    statement,
                    parameters,
                    context,
                    is_disconnect,
                )
                for fn in self.dispatch.handle_error:
                    newraise = fn(ctx)
                    if newraise is not None:
                        wrapped = newraise
                        break
                is_disconnect = ctx.is_disconnect
                if isinstance(wrapped, exc.DBAPIError):
                    wrapped.connection_invalidated = is_disconnect
            if is_disconnect:
                self._is_disconnect = True
                if fairy is not None and fairy.is_valid:
                    fairy.invalidate(e)
                self._dbapi_connection = None
                if getattr(e, "_qs_invalidate_pool", False) or isinstance(
                    e, exc.InvalidatePoolError
                ):
                    self.engine.pool._invalidate(fairy, e)
            if wrapped is None:
                raise e
            raise wrapped.with_traceback(sys.exc_info()[2]) from e
        finally:
            self._reentrant_error = False

    def _statement_error(
        self, e: Exception, statement: str, parameters: Any
    ) -> exc.StatementError:
        if isinstance(e, exc.StatementError):
            return e
        message = e._message() if isinstance(e, exc.SQLAlchemyError) else str(e)
        return exc.StatementError(
            "(%s.%s) %s" % (type(e).__module__, type(e).__name__, message),
            statement,
            parameters,
            e,
            hide_parameters=self.engine.hide_parameters,
            code=getattr(e, "code", None),
        )

    @staticmethod
    def _handle_dbapi_exception_noconnection(
        e: BaseException, dialect: "DefaultDialect", engine: "Engine"
    ) -> None:
        is_disconnect = isinstance(
            e, dialect.loaded_dbapi.Error
        ) and dialect.is_disconnect(e, None, None)
        wrapped = exc.DBAPIError.instance(
            None,
            None,
            e,
            dialect.loaded_dbapi.Error,
            hide_parameters=engine.hide_parameters,
            dialect=dialect,
            connection_invalidated=is_disconnect,
        )
        if engine._has_events and engine.dispatch.handle_error:
            ctx = ExceptionContextImpl(
                e, wrapped, engine, dialect, None, None, None, None, None, is_disconnect
            )
            for fn in engine.dispatch.handle_error:
                newraise = fn(ctx)
                if newraise is not None:
                    wrapped = newraise
                    break
        raise wrapped.with_traceback(sys.exc_info()[2]) from e


_allocate_lock = threading.Lock


_UNSET: Any = object()
_new_cursor_result = object.__new__


def _cache_stats(compiled: Any, cache_hit: str, started: float) -> str:
    """SQLAlchemy's bracketed cache note for the parameter log line."""
    now = perf_counter()
    if cache_hit == "generated":
        compiled._qs_gen_time = started
        return "generated in %.5fs" % (now - started)
    if cache_hit == "cached":
        gen = getattr(compiled, "_qs_gen_time", None)
        if gen is None:
            compiled._qs_gen_time = gen = started
        return "cached since %.4gs ago" % (now - gen)
    if cache_hit == "no cache":
        return "caching disabled %.5fs" % (now - started)
    return "no key %.5fs" % (now - started)


def _repr_value(value: Any, max_chars: int = 300) -> str:
    text = repr(value)
    if len(text) > max_chars:
        half = max_chars // 2
        text = "%s ... (%d characters truncated) ... %s" % (
            text[:half],
            len(text) - max_chars,
            text[-half:],
        )
    return text


def _repr_param_set(params: Any) -> str:
    if isinstance(params, Mapping):
        return "{%s}" % ", ".join(
            "%r: %s" % (key, _repr_value(value)) for key, value in params.items()
        )
    if isinstance(params, (tuple, list)):
        inner = ", ".join(_repr_value(value) for value in params)
        if isinstance(params, tuple):
            return "(%s,)" % inner if len(params) == 1 else "(%s)" % inner
        return "[%s]" % inner
    return _repr_value(params)


def _repr_log_params(parameters: Any, executemany: bool, max_sets: int = 10) -> str:
    """Parameters as SQLAlchemy's echo shows them: long values cut in the
    middle, long executemany lists shown as the first 8 and last 2 sets."""
    if not executemany:
        return _repr_param_set(parameters)
    if len(parameters) > max_sets:
        head = ", ".join(_repr_param_set(p) for p in parameters[: max_sets - 2])
        tail = ", ".join(_repr_param_set(p) for p in parameters[-2:])
        return "[%s  ... displaying %i of %i total bound parameter sets ...  %s]" % (
            head,
            max_sets,
            len(parameters),
            tail,
        )
    return "[%s]" % ", ".join(_repr_param_set(p) for p in parameters)


class _NoWarnFairy:
    """Marker base for stand-in fairies that need no leak warning."""


def _cancel_errors() -> tuple[type[BaseException], ...]:
    import asyncio

    return (asyncio.CancelledError,)


class ExceptionContextImpl:
    """What a ``handle_error`` listener is told; mirrors ExceptionContext."""

    def __init__(
        self,
        exception: BaseException,
        sqlalchemy_exception: Any,
        engine: "Engine",
        dialect: Any,
        connection: Optional[Connection],
        cursor: Any,
        statement: Optional[str],
        parameters: Any,
        context: Any,
        is_disconnect: bool,
    ) -> None:
        self.original_exception = exception
        self.sqlalchemy_exception = sqlalchemy_exception
        self.engine = engine
        self.dialect = dialect
        self.connection = connection
        self.cursor = cursor
        self.statement = statement
        self.parameters = parameters
        self.execution_context = context
        self.is_disconnect = is_disconnect
        self.invalidate_pool_on_disconnect = True
        self.is_pre_ping = False


class Transaction:
    """Base of RootTransaction and NestedTransaction; a context manager.

    State follows SQLAlchemy's observable rules: ending a transaction
    deactivates it and "deassociates" it from its Connection; ending one that
    is already deassociated is a no-op with an ``SAWarning`` (rollback) or an
    ``InvalidRequestError`` (commit).
    """

    __slots__ = ("connection", "is_active", "_deactivated_from_connection")

    connection: Connection
    is_active: bool

    @property
    def is_valid(self) -> bool:
        return self.is_active and not self.connection.invalidated

    def commit(self) -> None:
        """Commit this transaction (RELEASE for a savepoint)."""
        try:
            self._do_commit()
        finally:
            self._detach()

    def rollback(self) -> None:
        """Roll back this transaction (ROLLBACK TO for a savepoint)."""
        try:
            self._do_rollback()
        finally:
            self._detach()

    def close(self) -> None:
        """Roll back if still active; a no-op otherwise."""
        try:
            self._do_close()
        finally:
            self._detach()

    def _detach(self) -> None:
        raise NotImplementedError

    def _do_commit(self) -> None:
        raise NotImplementedError

    def _do_rollback(self) -> None:
        raise NotImplementedError

    def _do_close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> "Transaction":
        return self

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if type_ is None and self.is_active:
            try:
                self.commit()
            except BaseException:
                if self.is_active:
                    self.rollback()
                raise
        elif self.is_active:
            self.rollback()
        elif self._parent_holds():
            # deactivated by an inner failure but still the connection's:
            # end it without a second warning
            self.close()

    def _parent_holds(self) -> bool:
        return False


def _warn_deassociated(what: str) -> None:
    warnings.warn(
        exc.SAWarning(f"{what} already deassociated from connection"), stacklevel=4
    )


class RootTransaction(Transaction):
    """The outermost transaction of a Connection (BEGIN ... COMMIT/ROLLBACK)."""

    __slots__ = ()

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.is_active = True
        self._deactivated_from_connection = False
        connection._begin_impl(self)

    def __repr__(self) -> str:
        return f"<RootTransaction active={self.is_active}>"

    def _parent_holds(self) -> bool:
        return self.connection._transaction is self

    def _detach(self) -> None:
        conn = self.connection
        if conn._transaction is self:
            conn._transaction = None
            conn._nested_transaction = None
        self.is_active = False

    def _deactivate_nested(self) -> None:
        nested = self.connection._nested_transaction
        while nested is not None:
            nested.is_active = False
            nested = nested._previous_nested

    def _do_commit(self) -> None:
        if not self.is_active:
            if self.connection._transaction is not self:
                raise exc.InvalidRequestError("This transaction is inactive")
            raise exc.PendingRollbackError(
                "This connection is on an inactive transaction.  "
                "Please rollback() fully before proceeding.",
                code="8s2a",
            )
        self._deactivate_nested()
        try:
            self.connection._commit_impl()
        finally:
            self.is_active = False

    def _do_rollback(self) -> None:
        was_active = self.is_active
        if not was_active and self.connection._transaction is not self:
            _warn_deassociated("transaction")
            return
        self.is_active = False
        self._deactivate_nested()
        self.connection._rollback_impl()

    def _do_close(self) -> None:
        if self.is_active or self.connection._transaction is self:
            self._do_rollback()


class NestedTransaction(Transaction):
    """A SAVEPOINT inside a RootTransaction.

    As in SQLAlchemy, ending a savepoint that is not the innermost one
    leaves the inner NestedTransaction objects as they were (the database
    has released them) and warns that it was already deassociated.
    """

    __slots__ = ("_savepoint", "_previous_nested")

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._deactivated_from_connection = False
        self._previous_nested = connection._nested_transaction
        self._savepoint = connection._savepoint_impl()
        self.is_active = True
        connection._nested_transaction = self

    def __repr__(self) -> str:
        return f"<NestedTransaction {self._savepoint} active={self.is_active}>"

    def _detach(self) -> None:
        self.is_active = False
        if self._deactivated_from_connection:
            return
        self._deactivated_from_connection = True
        conn = self.connection
        if conn._nested_transaction is self:
            conn._nested_transaction = self._previous_nested
        else:
            _warn_deassociated("nested transaction")

    def _do_commit(self) -> None:
        if not self.is_active:
            self._deactivated_from_connection = True  # no warning on top
            raise exc.InvalidRequestError("This nested transaction is inactive")
        try:
            self.connection._release_savepoint_impl(self._savepoint)
        finally:
            self.is_active = False

    def _do_rollback(self) -> None:
        was_active = self.is_active
        self.is_active = False
        if not was_active:
            if self._deactivated_from_connection:
                _warn_deassociated("nested transaction")
            return
        root = self.connection._transaction
        if root is not None and root.is_active:
            self.connection._rollback_to_savepoint_impl(self._savepoint)

    def _do_close(self) -> None:
        if self.is_active:
            self._do_rollback()
        else:
            self._deactivated_from_connection = True


class Engine(log.Identified):
    """A pool plus a dialect: the source of Connections.

    Mirrors ``sqlalchemy.engine.Engine``; made by :func:`create_engine`.
    """

    _dispatch_events = ConnectionEvents
    _is_engine_for_pool_events = True
    _execution_options: immutabledict[str, Any] = _EMPTY_OPTIONS
    _has_events = False
    _connection_cls = Connection
    _option_cls: type["OptionEngine"]
    _sqla_logger_namespace = "quicksilver.engine.Engine"
    _is_future = True

    echo = log.echo_property()

    def __init__(
        self,
        pool: "Pool",
        dialect: "DefaultDialect",
        url: "URL",
        logging_name: Optional[str] = None,
        echo: Any = None,
        query_cache_size: int = 500,
        execution_options: Optional[Mapping[str, Any]] = None,
        hide_parameters: bool = False,
    ) -> None:
        self.pool = pool
        self.url = url
        self.dialect = dialect
        if logging_name:
            self.logging_name = logging_name
        self.echo = echo
        self.hide_parameters = hide_parameters
        self._compiled_cache: Optional[LRUCache[Any, Any]] = (
            LRUCache(query_cache_size) if query_cache_size else None
        )
        self.dispatch = ConnectionEvents._create_dispatch(self)
        if execution_options:
            self.update_execution_options(**execution_options)

    @property
    def _echo_on(self) -> bool:
        return self.logger.isEnabledFor(20)  # type: ignore[no-any-return]

    @property
    def engine(self) -> "Engine":
        return self

    @property
    def name(self) -> str:
        return self.dialect.name

    @property
    def driver(self) -> str:
        return self.dialect.driver

    def __repr__(self) -> str:
        return f"Engine({self.url!r})"

    def clear_compiled_cache(self) -> None:
        if self._compiled_cache is not None:
            self._compiled_cache.clear()

    def update_execution_options(self, **opt: Any) -> None:
        """Change this engine's default execution options in place."""
        # isolation_level is checked when a Connection applies it (SQLAlchemy)
        self._execution_options = self._execution_options.union(opt)
        if self._has_events and self.dispatch.set_engine_execution_options:
            self.dispatch.set_engine_execution_options(self, opt)

    def execution_options(self, **opt: Any) -> "OptionEngine":
        """A copy of this engine (same pool) with extra execution options."""
        return OptionEngine(self, opt)

    def get_execution_options(self) -> immutabledict[str, Any]:
        return self._execution_options

    def dispose(self, close: bool = True) -> None:
        """Close the pool's connections and start a fresh pool."""
        if close:
            self.pool.dispose()
        self.pool = self.pool.recreate()
        if self._has_events and self.dispatch.engine_disposed:
            self.dispatch.engine_disposed(self)

    def connect(self) -> Connection:
        """A new Connection, with a DBAPI connection checked out of the pool."""
        if self._execution_options.get("isolation_level"):
            conn = self._connection_cls(self)
            try:
                conn._set_isolation_level(self._execution_options["isolation_level"])
            except BaseException:
                conn.close()
                raise
            return conn
        return self._connection_cls(self)

    def begin(self) -> "_EngineBeginContext":
        """``with engine.begin() as conn``: a transaction committed at the end."""
        return _EngineBeginContext(self)

    def raw_connection(self) -> Any:
        """A pooled DBAPI connection (proxied); ``close()`` returns it."""
        return self.pool.connect()

    def _reflect_metadata(self, metadata: Any, **kw: Any) -> None:
        """``MetaData.reflect(bind)`` lands here (see engine.reflection)."""
        from .reflection import reflect_metadata

        reflect_metadata(self, metadata, **kw)

    def _run_ddl_visitor(
        self, visitorcallable: Any, element: Any, **kwargs: Any
    ) -> None:
        with self.begin() as conn:
            conn._run_ddl_visitor(visitorcallable, element, **kwargs)  # type: ignore[attr-defined]


class OptionEngine(Engine):
    """An Engine sharing another's pool and dialect, with extra options."""

    def __init__(self, proxied: Engine, execution_options: Mapping[str, Any]) -> None:
        self._proxied = proxied
        self.url = proxied.url
        self.dialect = proxied.dialect
        self.logging_name = proxied.logging_name
        self.echo = proxied.echo
        self.hide_parameters = proxied.hide_parameters
        self._compiled_cache = proxied._compiled_cache
        self.dispatch = proxied.dispatch._join(self)
        self._has_events = proxied._has_events
        self._execution_options = proxied._execution_options
        self.update_execution_options(**execution_options)

    @property  # type: ignore[override]
    def pool(self) -> "Pool":
        return self._proxied.pool

    @pool.setter
    def pool(self, pool: "Pool") -> None:
        self._proxied.pool = pool


Engine._option_cls = OptionEngine


class _EngineBeginContext:
    __slots__ = ("engine", "conn", "transaction")

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Connection:
        self.conn = self.engine.connect()
        try:
            self.transaction = self.conn.begin()
        except BaseException:
            self.conn.close()
            raise
        return self.conn

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        try:
            self.transaction.__exit__(type_, value, traceback)
        finally:
            self.conn.close()


__all__ = [
    "Connection",
    "Engine",
    "OptionEngine",
    "Transaction",
    "RootTransaction",
    "NestedTransaction",
    "ExceptionContextImpl",
]
