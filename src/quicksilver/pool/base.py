"""The pool's public interfaces and the machinery shared by every pool class.

Mirrors ``sqlalchemy.pool.base``: :class:`Pool`, :class:`ManagesConnection`,
:class:`ConnectionPoolEntry` (implemented by ``_ConnectionRecord``, a slot
holding one DBAPI connection for its whole life, reconnecting when needed) and
:class:`PoolProxiedConnection` (implemented by ``_ConnectionFairy``, the
short-lived per-checkout proxy whose ``close()`` returns the connection).

Design notes (the implementation is our own):

* Hot path.  ``connect()`` + ``close()`` on an idle pool must cost well under
  the engine's 2 microsecond budget, so the per-checkout work is: one
  ``deque`` pop (GIL-atomic, no lock), a staleness test on the record made of
  integer compares (``_epoch``; a clock read only when ``recycle`` is set),
  one small ``__slots__`` fairy allocation, a short stack walk to remember the
  caller, and truth tests on the event lists.  Everything rarer lives in
  separate functions.
* Invalidation uses integer *epochs* rather than timestamps: a pool-wide
  invalidation bumps ``Pool._epoch`` and every record connected in an older
  epoch reconnects at its next checkout.  A soft invalidation sets the
  record's epoch to -1.  No clock resolution issues.
* Checkout sites.  Each checkout remembers the first frame outside
  quicksilver (code object, instruction offset, thread id) on the record; the
  line number and thread name are only computed when a pool timeout lists who
  holds the connections.
* Fork safety: see ``pool._fork``.
"""

from __future__ import annotations

import inspect
import logging
import sys
import threading
import time
from collections import deque
from enum import Enum
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any, Callable, Deque, List, Optional, Tuple, Union

from .. import exc, log
from ..event import api as event_api
from ..util import _callsite
from ..util.langhelpers import warn
from . import _fork
from .events import PoolEvents

if TYPE_CHECKING:
    from ..event.base import Dispatch

_time = time.time
_getframe = sys._getframe

DBAPIConnection = Any
_CreatorFnType = Callable[[], DBAPIConnection]
_CreatorWRecFnType = Callable[["ConnectionPoolEntry"], DBAPIConnection]


class ResetStyle(Enum):
    """What a pool does to a connection returned to it (``reset_on_return``)."""

    reset_rollback = 0
    reset_commit = 1
    reset_none = 2


reset_rollback = ResetStyle.reset_rollback
reset_commit = ResetStyle.reset_commit
reset_none = ResetStyle.reset_none

_ResetStyleArgType = Union[ResetStyle, bool, None, str]


def _parse_reset_on_return(value: Any) -> ResetStyle:
    if isinstance(value, ResetStyle):
        return value
    if value is True or value == "rollback":
        return reset_rollback
    if value is None or value is False or value == "none":
        return reset_none
    if value == "commit":
        return reset_commit
    raise exc.ArgumentError(
        f"Invalid value for 'reset_on_return': {value!r}; expected 'rollback', "
        "'commit', None, True or False"
    )


class PoolResetState:
    """How a connection is being reset; passed to the ``reset`` pool event.

    Mirrors ``sqlalchemy.pool.PoolResetState``.
    """

    __slots__ = ("transaction_was_reset", "terminate_only", "asyncio_safe")

    def __init__(
        self, transaction_was_reset: bool, terminate_only: bool, asyncio_safe: bool
    ) -> None:
        #: True when the Connection already rolled back / committed itself.
        self.transaction_was_reset = transaction_was_reset
        #: True when the connection is about to be closed, not pooled.
        self.terminate_only = terminate_only
        #: True when an event loop may be used (False under gc).
        self.asyncio_safe = asyncio_safe

    def __repr__(self) -> str:
        return (
            f"PoolResetState(transaction_was_reset={self.transaction_was_reset}, "
            f"terminate_only={self.terminate_only}, "
            f"asyncio_safe={self.asyncio_safe})"
        )


class _ConnDialect:
    """The stand-in dialect of a bare pool: calls the DBAPI methods directly.

    The engine replaces ``pool._dialect`` with its own Dialect, which offers
    the same method names.
    """

    is_async = False
    has_terminate = False
    loaded_dbapi: Any = None

    def do_rollback(self, dbapi_connection: DBAPIConnection) -> None:
        dbapi_connection.rollback()

    def do_commit(self, dbapi_connection: DBAPIConnection) -> None:
        dbapi_connection.commit()

    def do_close(self, dbapi_connection: DBAPIConnection) -> None:
        dbapi_connection.close()

    def do_terminate(self, dbapi_connection: DBAPIConnection) -> None:
        self.do_close(dbapi_connection)

    def do_ping(self, dbapi_connection: DBAPIConnection) -> bool:
        """Run ``select 1``; False if it fails.

        A bare pool has no dialect to tell a disconnect from another error,
        so any failure of this trivial statement counts as a dead connection.
        """
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("select 1")
            finally:
                cursor.close()
        except Exception:
            return False
        return True

    def is_disconnect(self, e: BaseException, connection: Any, cursor: Any) -> bool:
        return False

    def get_driver_connection(self, connection: DBAPIConnection) -> Any:
        return connection

    def __repr__(self) -> str:
        return "<quicksilver.pool default dialect>"


def _ping(pool: "Pool", dbapi_connection: DBAPIConnection) -> bool:
    """Ask the dialect whether a connection is alive.

    An engine dialect's ``do_ping`` raises on failure; ``is_disconnect``
    decides whether that means dead (replace it) or a real error (raise).
    """
    dialect = pool._dialect
    try:
        return bool(dialect.do_ping(dbapi_connection))
    except Exception as e:
        if dialect.is_disconnect(e, dbapi_connection, None):
            return False
        raise


# ---------------------------------------------------------------------------
# Checkout sites: who holds each connection, recorded cheaply.

_NO_CACHE: dict[int, bool] = {}

_internal_files = _callsite.internal_files
_is_internal = _callsite.is_internal
_lineno = _callsite.lineno


_thread_local = _callsite._thread_local


# ---------------------------------------------------------------------------
# Public interfaces


class ManagesConnection:
    """Common base of :class:`PoolProxiedConnection` and
    :class:`ConnectionPoolEntry`; mirrors ``sqlalchemy.pool.ManagesConnection``.
    """

    __slots__ = ()

    dbapi_connection: Optional[DBAPIConnection]

    @property
    def driver_connection(self) -> Optional[Any]:
        """The driver's own connection object (equals ``dbapi_connection`` for
        PEP 249 drivers)."""
        raise NotImplementedError()

    @property
    def info(self) -> dict[Any, Any]:
        """User data living as long as the DBAPI connection itself."""
        raise NotImplementedError()

    @property
    def record_info(self) -> Optional[dict[Any, Any]]:
        """User data living as long as the pool entry (across reconnects)."""
        raise NotImplementedError()

    def invalidate(self, e: Optional[BaseException] = None, soft: bool = False) -> None:
        """Mark the connection invalid: closed now, or replaced at next
        checkout when ``soft``."""
        raise NotImplementedError()


class ConnectionPoolEntry(ManagesConnection):
    """One slot of a pool, holding one DBAPI connection at a time.

    Mirrors ``sqlalchemy.pool.ConnectionPoolEntry``.
    """

    __slots__ = ()

    @property
    def in_use(self) -> bool:
        """True while the connection is checked out."""
        raise NotImplementedError()

    def close(self) -> None:
        """Close the DBAPI connection of this entry."""
        raise NotImplementedError()


class PoolProxiedConnection(ManagesConnection):
    """The DBAPI-connection-like object ``Pool.connect()`` returns.

    Mirrors ``sqlalchemy.pool.PoolProxiedConnection``; ``close()`` returns the
    connection to the pool instead of closing it.
    """

    __slots__ = ()

    @property
    def is_valid(self) -> bool:
        """False once invalidated or returned."""
        raise NotImplementedError()

    @property
    def is_detached(self) -> bool:
        """True once detached from the pool (or returned)."""
        raise NotImplementedError()

    def detach(self) -> None:
        """Take the DBAPI connection out of the pool for good."""
        raise NotImplementedError()

    def close(self) -> None:
        """Return the connection to its pool."""
        raise NotImplementedError()

    def __enter__(self) -> "PoolProxiedConnection":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


# ---------------------------------------------------------------------------
# The record


class _ConnectionRecord(ConnectionPoolEntry):
    """quicksilver's :class:`ConnectionPoolEntry`: a long-lived pool slot."""

    __slots__ = (
        "_pool",
        "dbapi_connection",
        "starttime",
        "fresh",
        "_in_use",
        "_epoch",
        "_fork_gen",
        "_info",
        "_record_info",
        "finalize_callback",
        "_site_code",
        "_site_lasti",
        "_site_thread",
        "__weakref__",
    )

    def __init__(self, pool: "Pool", connect: bool = True) -> None:
        self._pool = pool
        self.dbapi_connection: Optional[DBAPIConnection] = None
        self.starttime = 0.0
        self.fresh = False
        self._in_use = False
        self._epoch = -1
        self._fork_gen = pool._fork_gen
        self._info: Optional[dict[Any, Any]] = None
        self._record_info: Optional[dict[Any, Any]] = None
        self.finalize_callback: Deque[Callable[[DBAPIConnection], None]] = deque()
        self._site_code: Optional[CodeType] = None
        self._site_lasti = 0
        self._site_thread = ""
        if connect:
            self._connect()

    def __repr__(self) -> str:
        return f"<_ConnectionRecord {self.dbapi_connection!r}>"

    @property
    def driver_connection(self) -> Optional[Any]:
        if self.dbapi_connection is None:
            return None
        return _driver_connection(self._pool, self.dbapi_connection)

    @property
    def info(self) -> dict[Any, Any]:
        if self._info is None:
            self._info = {}
        return self._info

    @property
    def record_info(self) -> dict[Any, Any]:
        if self._record_info is None:
            self._record_info = {}
        return self._record_info

    @property
    def in_use(self) -> bool:
        return self._in_use

    @property
    def last_connect_time(self) -> float:
        return self.starttime

    def checkout_site(self) -> Optional[str]:
        """Where the current checkout came from: ``"file:line (thread 'x')"``."""
        if self._site_code is None:
            return None
        code = self._site_code
        line = _lineno(code, self._site_lasti)
        return f"{code.co_filename}:{line} (thread {self._site_thread!r})"

    # -- connecting ---------------------------------------------------------

    def _connect(self) -> None:
        pool = self._pool
        self.dbapi_connection = None
        self._epoch = pool._epoch
        self._fork_gen = pool._fork_gen
        self.starttime = _time()
        try:
            connection = pool._invoke_creator(self)
        except BaseException as e:
            pool.logger.debug("Error on connect(): %s", e)
            raise
        self.dbapi_connection = connection
        self.fresh = True
        pool.logger.debug("Created new connection %r", connection)
        try:
            dispatch = pool.dispatch
            if not pool._first_connect_done:
                if dispatch.first_connect:
                    dispatch.first_connect(connection, self)
                pool._first_connect_done = True
            if dispatch.connect:
                dispatch.connect(connection, self)
        except BaseException:
            # The events configuring the connection failed; nothing else
            # refers to it, so close it now rather than strand it.
            self.dbapi_connection = None
            pool._close_connection(connection, terminate=True)
            raise

    def get_connection(self) -> DBAPIConnection:
        """The live DBAPI connection, reconnecting if it is gone or stale."""
        pool = self._pool
        conn = self.dbapi_connection
        if conn is None:
            if self._info:
                self._info.clear()
            self._connect()
            return self.dbapi_connection
        reason = None
        if pool._recycle > -1 and _time() - self.starttime > pool._recycle:
            reason = "Connection %r exceeded timeout; recycling"
        elif self._epoch == -1:
            reason = (
                "Connection %r invalidated due to local soft invalidation; recycling"
            )
        elif self._epoch != pool._epoch:
            reason = "Connection %r invalidated due to pool invalidation; recycling"
        if reason is None:
            return conn
        pool.logger.info(reason, conn)
        self._close(terminate=True)
        if self._info:
            self._info.clear()
        self._connect()
        return self.dbapi_connection

    def _is_hard_or_soft_invalidated(self) -> bool:
        return self.dbapi_connection is None or self._epoch != self._pool._epoch

    # -- returning ----------------------------------------------------------

    def checkin(self) -> None:
        """Give this record back to its pool (the fairy is done with it)."""
        if not self._in_use:
            warn(f"Double checkin attempted on {self!r}")
            return
        self._in_use = False
        pool = self._pool
        connection = self.dbapi_connection
        callbacks = self.finalize_callback
        while callbacks:
            finalizer = callbacks.pop()
            if connection is not None:
                finalizer(connection)
        if pool.dispatch.checkin:
            pool.dispatch.checkin(connection, self)
        pool._return_conn(self)

    def _run_finalizers(self) -> None:
        connection = self.dbapi_connection
        callbacks = self.finalize_callback
        while callbacks:
            finalizer = callbacks.pop()
            if connection is not None:
                finalizer(connection)

    def _checkin_failed(self, err: BaseException) -> None:
        """A checkout failed after the record left the pool: put it back."""
        try:
            self.invalidate(e=err)
        finally:
            self._in_use = True
            self.checkin()

    # -- closing ------------------------------------------------------------

    def close(self) -> None:
        if self.dbapi_connection is not None:
            self._close()

    def _close(self, terminate: bool = False) -> None:
        pool = self._pool
        connection = self.dbapi_connection
        self.finalize_callback.clear()
        if pool.dispatch.close:
            pool.dispatch.close(connection, self)
        self.dbapi_connection = None
        pool._close_connection(connection, terminate=terminate)

    def invalidate(self, e: Optional[BaseException] = None, soft: bool = False) -> None:
        connection = self.dbapi_connection
        if connection is None:
            return
        pool = self._pool
        if soft:
            if pool.dispatch.soft_invalidate:
                pool.dispatch.soft_invalidate(connection, self, e)
            self._log_invalidate(e, soft)
            self._epoch = -1
            return
        try:
            if pool.dispatch.invalidate:
                pool.dispatch.invalidate(connection, self, e)
            self._log_invalidate(e, soft)
            self._close(terminate=True)
        finally:
            if self.dbapi_connection is not None:
                # An event raised before the close: never hand it out again.
                self._epoch = -1

    def _log_invalidate(self, e: Optional[BaseException], soft: bool) -> None:
        prefix = "Soft " if soft else ""
        if e is not None:
            self._pool.logger.info(
                "%sInvalidate connection %r (reason: %s:%s)",
                prefix,
                self.dbapi_connection,
                type(e).__name__,
                e,
            )
        else:
            self._pool.logger.info(
                "%sInvalidate connection %r", prefix, self.dbapi_connection
            )


def _driver_connection(pool: "Pool", dbapi_connection: DBAPIConnection) -> Any:
    getter = getattr(pool._dialect, "get_driver_connection", None)
    if getter is None:
        return dbapi_connection
    return getter(dbapi_connection)


# ---------------------------------------------------------------------------
# The fairy


class _ConnectionFairy(PoolProxiedConnection):
    """quicksilver's :class:`PoolProxiedConnection`: one per checkout.

    ``_counter`` counts nested checkouts of the same fairy (SingletonThreadPool
    hands the same one out again within a thread); the connection goes back
    when it drops to zero, which also makes a second ``close()`` harmless.

    Made by :func:`_checkout` without running ``__init__`` (one Python frame
    less on the hot path).  ``_echo`` is a class attribute: fairies checked out
    while debug logging is on are of the subclass :class:`_EchoingFairy`.
    A fairy garbage-collected while checked out returns its connection, as
    SQLAlchemy's does.
    """

    __slots__ = (
        "dbapi_connection",
        "_connection_record",
        "_pool",
        "_counter",
        "_detached_info",
        "__weakref__",
    )

    _echo = False

    def __init__(
        self,
        pool: "Pool",
        dbapi_connection: DBAPIConnection,
        connection_record: _ConnectionRecord,
        echo: bool = False,
    ) -> None:
        self._pool = pool
        self.dbapi_connection = dbapi_connection
        self._connection_record: Optional[_ConnectionRecord] = connection_record
        self._counter = 1

    def __repr__(self) -> str:
        return f"<_ConnectionFairy {self.dbapi_connection!r}>"

    def __del__(self) -> None:
        # Garbage-collected while checked out: return the record (without
        # I/O if the process forked since); never raise from here.
        if self._connection_record is not None and self._counter > 0:
            self._counter = 1
            try:
                self._checkin()
            except Exception:  # pragma: no cover - best effort under gc
                pass

    # -- the DBAPI connection -------------------------------------------------

    @property
    def driver_connection(self) -> Optional[Any]:
        if self.dbapi_connection is None:
            return None
        return _driver_connection(self._pool, self.dbapi_connection)

    def _live_connection(self) -> DBAPIConnection:
        conn = self.dbapi_connection
        if conn is None:
            raise exc.InvalidRequestError(
                f"{self!r} is closed or invalidated; check out a new connection "
                "from the pool"
            )
        return conn

    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        return self._live_connection().cursor(*args, **kwargs)

    def commit(self) -> None:
        self._live_connection().commit()

    def rollback(self) -> None:
        self._live_connection().rollback()

    def __getattr__(self, key: str) -> Any:
        # Only reached for names the fairy lacks: pass them to the DBAPI
        # connection, as SQLAlchemy's fairy does.
        if key.startswith("__") or key in _FAIRY_SLOTS:
            raise AttributeError(key)
        conn = self.dbapi_connection
        if conn is None:
            raise AttributeError(key)
        return getattr(conn, key)

    # -- state ------------------------------------------------------------------

    @property
    def is_valid(self) -> bool:
        return self.dbapi_connection is not None

    @property
    def is_detached(self) -> bool:
        return self._connection_record is None

    @property
    def info(self) -> dict[Any, Any]:
        rec = self._connection_record
        if rec is not None:
            return rec.info
        info: Optional[dict[Any, Any]] = getattr(self, "_detached_info", None)
        if info is None:
            info = {}
            self._detached_info = info
        return info

    @property
    def record_info(self) -> Optional[dict[Any, Any]]:
        rec = self._connection_record
        return rec.record_info if rec is not None else None

    @property
    def _logger(self) -> Any:
        return self._pool.logger

    # -- lifecycle ------------------------------------------------------------

    def _close(self) -> None:
        self._counter = 1
        self._checkin()

    def _close_special(self, transaction_reset: bool = False) -> None:
        self._checkin(transaction_was_reset=transaction_reset)

    def _checkin(self, transaction_was_reset: bool = False) -> None:
        """Reset the connection and return it to its pool (this is ``close()``).

        ``transaction_was_reset``: the engine's Connection already ended its
        transaction, so the rollback-on-return is skipped.  Nested checkouts
        (SingletonThreadPool) are counted: only the last one returns the
        connection, and a second close of a returned fairy does nothing.
        """
        if self._counter != 1:
            self._counter -= 1
            if self._counter != 0:
                if self._counter < 0:
                    self._counter = 0
                return
        rec = self._connection_record
        conn = self.dbapi_connection
        pool = self._pool
        self._counter = 0
        if rec is None:
            if conn is not None:
                self._close_detached(conn, transaction_was_reset)
            return
        self._connection_record = None
        self.dbapi_connection = None
        if rec._fork_gen != pool._fork_gen:
            # Checked out before a fork, returned in the child: the parent
            # still owns the socket.  No reset, no close, no accounting.
            _fork.orphan(conn)
            rec.dbapi_connection = None
            return
        dispatch = pool.dispatch
        if conn is not None:
            if self._echo or dispatch.reset:
                _reset_slow(pool, conn, rec, transaction_was_reset, self._echo)
            else:
                style = pool._reset_on_return
                try:
                    if style is reset_rollback:
                        if not transaction_was_reset:
                            pool._dialect.do_rollback(conn)
                    elif style is reset_commit:
                        pool._dialect.do_commit(conn)
                except BaseException as e:
                    _reset_failed(pool, rec, e)
        # The record's own checkin, inlined (see _ConnectionRecord.checkin).
        # A record no longer in use was returned by another fairy sharing it
        # (StaticPool): nothing more to do.
        if not rec._in_use:
            return
        rec._in_use = False
        if rec.finalize_callback:
            rec._run_finalizers()
        if dispatch.checkin:
            dispatch.checkin(rec.dbapi_connection, rec)
        pool._return_conn(rec)

    close = _checkin

    def _close_detached(
        self, conn: DBAPIConnection, transaction_was_reset: bool
    ) -> None:
        pool = self._pool
        self.dbapi_connection = None
        try:
            _reset(pool, conn, None, transaction_was_reset, True, self._echo)
        except Exception:
            pool.logger.error("Exception during reset or similar", exc_info=True)
        if pool.dispatch.close_detached:
            pool.dispatch.close_detached(conn)
        pool._close_connection(conn)

    def invalidate(self, e: Optional[BaseException] = None, soft: bool = False) -> None:
        if self.dbapi_connection is None:
            warn("Can't invalidate an already-closed connection.")
            return
        rec = self._connection_record
        try:
            if rec is not None:
                rec.invalidate(e=e, soft=soft)
            elif not soft:
                conn = self.dbapi_connection
                self.dbapi_connection = None
                self._pool._close_connection(conn, terminate=True)
        finally:
            if not soft:
                # No reset on a dead connection: just hand the record back.
                self.dbapi_connection = None
                if rec is not None:
                    self._counter = 1
                    self._checkin()

    def detach(self) -> None:
        rec = self._connection_record
        if rec is None:
            return
        pool = self._pool
        self._detached_info = dict(rec.info)
        self._connection_record = None
        rec.dbapi_connection = None
        rec._info = None
        rec._in_use = False
        pool._return_conn(rec)
        if pool.dispatch.detach:
            pool.dispatch.detach(self.dbapi_connection, rec)


_FAIRY_SLOTS = frozenset(_ConnectionFairy.__slots__)


class _EchoingFairy(_ConnectionFairy):
    """A fairy checked out while the pool logs at DEBUG: it logs its return."""

    __slots__ = ()
    _echo = True


_new_fairy = object.__new__


def _reset_failed(pool: "Pool", rec: _ConnectionRecord, e: BaseException) -> None:
    pool.logger.error("Exception during reset or similar", exc_info=True)
    rec.invalidate(e=e)
    if not isinstance(e, Exception):
        # A KeyboardInterrupt or similar: return the record, then let it go.
        rec._in_use = False
        pool._return_conn(rec)
        raise e


def _reset_slow(
    pool: "Pool",
    conn: DBAPIConnection,
    rec: _ConnectionRecord,
    transaction_was_reset: bool,
    echo: bool,
) -> None:
    if echo:
        pool.logger.debug("Connection %r being returned to pool", conn)
    try:
        _reset(pool, conn, rec, transaction_was_reset, False, echo)
    except BaseException as e:
        _reset_failed(pool, rec, e)


def _reset(
    pool: "Pool",
    conn: DBAPIConnection,
    rec: Optional[_ConnectionRecord],
    transaction_was_reset: bool,
    terminate_only: bool,
    echo: bool,
) -> None:
    if pool.dispatch.reset:
        pool.dispatch.reset(
            conn, rec, PoolResetState(transaction_was_reset, terminate_only, True)
        )
    style = pool._reset_on_return
    if style is reset_rollback:
        if transaction_was_reset:
            if echo:
                pool.logger.debug(
                    "Connection %s reset, transaction already reset", conn
                )
        else:
            if echo:
                pool.logger.debug("Connection %s rollback-on-return", conn)
            pool._dialect.do_rollback(conn)
    elif style is reset_commit:
        if echo:
            pool.logger.debug("Connection %s commit-on-return", conn)
        pool._dialect.do_commit(conn)


def _checkout(pool: "Pool", rec: _ConnectionRecord) -> _ConnectionFairy:
    """Turn a record taken from the pool into a fairy: the hot path."""
    conn = rec.dbapi_connection
    if (
        conn is None
        or rec._epoch != pool._epoch
        or (pool._recycle > -1 and _time() - rec.starttime > pool._recycle)
    ):
        try:
            conn = rec.get_connection()
        except BaseException as err:
            rec._in_use = True
            rec._checkin_failed(err)
            raise
    rec._in_use = True

    # Remember the first caller outside quicksilver, for timeout messages.
    # Frame 2 is the caller of ``connect()``.
    f: Optional[FrameType] = _getframe(2)
    internal = _internal_files
    while f is not None:
        code = f.f_code
        flag = internal.get(code.co_filename)
        if flag is None:
            flag = _is_internal(code.co_filename)
        if not flag:
            rec._site_code = code
            rec._site_lasti = f.f_lasti
            break
        f = f.f_back
    try:
        rec._site_thread = _thread_local.name
    except AttributeError:
        rec._site_thread = _thread_local.name = threading.current_thread().name

    # Debug logging is known off when the logger's level cache says so.
    if pool._debug_cache.get(10, True) is False:
        fairy = _new_fairy(_ConnectionFairy)
    else:
        fairy = _new_fairy(_EchoingFairy if pool._echo_debug() else _ConnectionFairy)
        if fairy._echo:
            pool.logger.debug("Connection %r checked out from pool", conn)
    fairy._pool = pool
    fairy.dbapi_connection = conn
    fairy._connection_record = rec
    fairy._counter = 1
    if pool.dispatch.checkout or pool._pre_ping:
        _checkout_events(pool, fairy)
    return fairy


_CHECKOUT_ATTEMPTS = 3


def _checkout_events(pool: "Pool", fairy: _ConnectionFairy) -> None:
    """Pre-ping and ``checkout`` listeners, retrying on disconnection."""
    rec = fairy._connection_record
    assert rec is not None
    attempts = _CHECKOUT_ATTEMPTS
    while attempts > 0:
        fresh = rec.fresh
        rec.fresh = False
        try:
            if pool._pre_ping:
                if fresh:
                    if fairy._echo:
                        pool.logger.debug(
                            "Connection %s is fresh, skipping pre-ping",
                            fairy.dbapi_connection,
                        )
                else:
                    if fairy._echo:
                        pool.logger.debug(
                            "Pool pre-ping on connection %s", fairy.dbapi_connection
                        )
                    if not _ping(pool, fairy.dbapi_connection):
                        if fairy._echo:
                            pool.logger.debug(
                                "Pool pre-ping on connection %s failed, "
                                "will invalidate pool",
                                fairy.dbapi_connection,
                            )
                        raise exc.InvalidatePoolError()
            if pool.dispatch.checkout:
                pool.dispatch.checkout(fairy.dbapi_connection, rec, fairy)
            return
        except exc.DisconnectionError as e:
            if e.invalidate_pool:
                pool.logger.info(
                    "Disconnection detected on checkout, invalidating all pooled "
                    "connections prior to current timestamp (reason: %r)",
                    e,
                )
                pool._invalidate(fairy, e, _checkin=False)
            else:
                pool.logger.info(
                    "Disconnection detected on checkout, invalidating individual "
                    "connection %s (reason: %r)",
                    fairy.dbapi_connection,
                    e,
                )
            rec.invalidate(e)
            attempts -= 1
            if attempts == 0:
                break
            try:
                fairy.dbapi_connection = rec.get_connection()
            except BaseException as err:
                fairy._connection_record = None
                fairy.dbapi_connection = None
                fairy._counter = 0
                rec._checkin_failed(err)
                raise
        except BaseException as err:
            fairy._connection_record = None
            fairy.dbapi_connection = None
            fairy._counter = 0
            rec._checkin_failed(err)
            raise
    pool.logger.info("Reconnection attempts exhausted on checkout")
    fairy.dbapi_connection = None
    fairy._checkin()
    raise exc.InvalidRequestError("This connection is closed")


# ---------------------------------------------------------------------------
# The pool


def _creator_takes_record(creator: Callable[..., Any]) -> bool:
    """Whether ``creator`` wants the connection record as its one argument.

    As SQLAlchemy does: a callable with exactly one required positional
    parameter, or exactly ``(connection_record=None)``, receives the record;
    anything else is called with no arguments.
    """
    try:
        sig = inspect.signature(creator)
    except (TypeError, ValueError):
        return False
    positional = [
        p
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    required = [p for p in positional if p.default is p.empty]
    if len(required) == 1:
        return True
    if (
        len(positional) == 1
        and positional[0].name == "connection_record"
        and positional[0].default is None
    ):
        return True
    if len(required) > 1:
        raise exc.ArgumentError(
            f"Pool creator {creator!r} requires {len(required)} arguments; it must "
            "accept no arguments, or one (the connection record)"
        )
    return False


class _PoolEchoProperty(log.echo_property):
    """``Pool.echo``: also refreshes the pool's cached view of the log level."""

    def __set__(self, instance: Any, value: log._EchoFlag) -> None:
        super().__set__(instance, value)
        instance._refresh_debug_cache()


class Pool(log.Identified):
    """Base of every connection pool; mirrors ``sqlalchemy.pool.Pool``.

    ``creator`` makes a DBAPI connection (with no argument, or given the
    connection record).  ``recycle`` (seconds, -1 for never) replaces older
    connections at checkout; ``pre_ping`` tests each one at checkout;
    ``reset_on_return`` is ``"rollback"`` (also ``True``), ``"commit"`` or
    ``None`` (also ``False``); ``events`` is a list of ``(fn, event_name)``.
    """

    _dispatch_events = PoolEvents
    _dialect: Any = _ConnDialect()
    _is_asyncio = False
    _debug_cache: dict[int, bool] = _NO_CACHE
    _fork_gen = 0

    echo = _PoolEchoProperty()

    def __init__(
        self,
        creator: Union[_CreatorFnType, _CreatorWRecFnType],
        recycle: float = -1,
        echo: log._EchoFlag = None,
        logging_name: Optional[str] = None,
        reset_on_return: _ResetStyleArgType = True,
        events: Optional[List[Tuple[Callable[..., Any], str]]] = None,
        dialect: Optional[Any] = None,
        pre_ping: bool = False,
        _dispatch: Optional["Dispatch"] = None,
    ) -> None:
        self._orig_logging_name: Optional[str] = None
        if logging_name:
            self.logging_name = self._orig_logging_name = logging_name
        if echo not in (None, True, False, "debug"):
            raise exc.ArgumentError(
                f"Invalid value for 'echo': {echo!r}; expected True, False, None "
                "or 'debug'"
            )
        log.instance_logger(self, echoflag=echo)
        self._creator = creator
        if isinstance(recycle, bool) or not isinstance(recycle, (int, float)):
            raise exc.ArgumentError(
                f"Invalid value for 'recycle': {recycle!r}; expected a number of "
                "seconds, or -1 to never recycle"
            )
        self._recycle = recycle
        self._invalidate_time = 0.0
        self._epoch = 0
        self._pre_ping = bool(pre_ping)
        self._reset_on_return = _parse_reset_on_return(reset_on_return)
        self._first_connect_done = False
        self._fork_gen = _fork.generation
        self.echo = echo
        self.dispatch: Dispatch = PoolEvents._create_dispatch(self)
        if _dispatch is not None:
            self.dispatch._update(_dispatch, only_propagate=False)
        if dialect is not None:
            self._dialect = dialect
        if events:
            for item in events:
                try:
                    fn, name = item
                except (TypeError, ValueError):
                    raise exc.ArgumentError(
                        f"Invalid entry in 'events': {item!r}; expected a "
                        "(listener function, event name) pair"
                    ) from None
                event_api.listen(self, name, fn)
        _fork.register(self)

    def __repr__(self) -> str:
        try:
            status = self.status()
        except NotImplementedError:
            return f"<{type(self).__name__} at 0x{id(self):x}>"
        return f"<{type(self).__name__} at 0x{id(self):x}; {status}>"

    # -- creator ----------------------------------------------------------------

    @property
    def _creator(self) -> Callable[..., DBAPIConnection]:
        return self._creator_arg

    @_creator.setter
    def _creator(self, creator: Callable[..., DBAPIConnection]) -> None:
        if not callable(creator):
            raise exc.ArgumentError(
                f"Pool creator must be a callable returning a DBAPI connection, "
                f"got {creator!r}"
            )
        self._creator_arg = creator
        if _creator_takes_record(creator):
            self._invoke_creator: _CreatorWRecFnType = creator
        else:
            self._invoke_creator = lambda rec: creator()

    # -- logging ----------------------------------------------------------------

    def _echo_debug(self) -> bool:
        return self.logger.isEnabledFor(10)

    def _refresh_debug_cache(self) -> None:
        """Point ``_debug_cache`` at the stdlib logger's own level cache.

        ``logging`` clears that dict in place on every level change, so an
        entry ``{10: False}`` reliably means "debug off" and the checkout path
        saves a method call.  With echo set on the pool the logger is ours and
        the empty ``_NO_CACHE`` sends every check to ``isEnabledFor``.
        """
        logger = self.logger
        cache = getattr(logger, "_cache", None)
        if isinstance(logger, logging.Logger) and isinstance(cache, dict):
            self._debug_cache = cache
        else:
            self._debug_cache = _NO_CACHE

    # -- connections ------------------------------------------------------------

    def _close_connection(
        self, connection: DBAPIConnection, *, terminate: bool = False
    ) -> None:
        self.logger.debug(
            "%s connection %r", "Hard-closing" if terminate else "Closing", connection
        )
        try:
            if terminate and hasattr(self._dialect, "do_terminate"):
                self._dialect.do_terminate(connection)
            else:
                self._dialect.do_close(connection)
        except BaseException as e:
            self.logger.error(
                "Exception %s connection %r",
                "terminating" if terminate else "closing",
                connection,
                exc_info=True,
            )
            if not isinstance(e, Exception):
                raise

    def _create_connection(self) -> _ConnectionRecord:
        """A new record holding a new DBAPI connection."""
        return _ConnectionRecord(self)

    def _invalidate(
        self,
        connection: Any,
        exception: Optional[BaseException] = None,
        _checkin: bool = True,
    ) -> None:
        """Invalidate every connection connected as early as ``connection``.

        Those in the pool reconnect at their next checkout.  Only connections
        of the current epoch can start a new one, so a burst of errors from
        already-stale connections does not invalidate fresh ones.
        """
        rec = getattr(connection, "_connection_record", None)
        if rec is None or rec._epoch in (self._epoch, -1):
            self._epoch += 1
            self._invalidate_time = _time()
        if _checkin and getattr(connection, "is_valid", False):
            connection.invalidate(exception)

    def connect(self) -> PoolProxiedConnection:
        """Check out a connection; ``close()`` on it returns it to the pool."""
        return _checkout(self, self._do_get())

    def _return_conn(self, record: _ConnectionRecord) -> None:
        self._do_return_conn(record)

    def _do_get(self) -> _ConnectionRecord:
        raise NotImplementedError()

    def _do_return_conn(self, record: _ConnectionRecord) -> None:
        raise NotImplementedError()

    def _reset_after_fork(self) -> None:
        """Forget the parent's connections (see ``pool._fork``)."""
        self._epoch += 1
        self._fork_gen = _fork.generation

    # -- whole-pool operations --------------------------------------------------

    def _recreate_kw(self) -> dict[str, Any]:
        return {
            "recycle": self._recycle,
            "echo": self.echo,
            "logging_name": self._orig_logging_name,
            "reset_on_return": self._reset_on_return,
            "pre_ping": self._pre_ping,
            "dialect": self._dialect,
        }

    def recreate(self) -> "Pool":
        """A new, empty pool of the same class and settings, keeping listeners."""
        self.logger.info("Pool recreating")
        return self.__class__(
            self._creator, _dispatch=self.dispatch, **self._recreate_kw()
        )

    def dispose(self) -> None:
        """Close the idle connections; checked-out ones stay open."""
        raise NotImplementedError()

    def status(self) -> str:
        """A one-line description of the pool's state."""
        raise NotImplementedError()

    def _checked_out_sites(self) -> List[str]:
        return []


PoolEvents._dispatch_target = Pool
