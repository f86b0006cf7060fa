"""Pool implementations, mirroring ``sqlalchemy.pool.impl``.

QueuePool design (our own):

* Idle records sit in a ``collections.deque``.  Taking one when nobody is
  waiting is a single GIL-atomic ``pop``/``popleft``: no lock on the hot path.
  Returning one when nobody is waiting and the pool is not full is a single
  ``append``.
* Everything else (creating a connection, waiting, handing a connection to a
  waiter, closing a surplus one) happens under one lock.
* Fairness: a thread that must wait joins a FIFO queue of waiters, each with
  its own lock to sleep on.  A returned connection goes straight to the
  longest waiter; a thread arriving while others wait queues behind them
  instead of taking a connection first.  When a connection slot frees up
  (a connection closed), the longest waiter receives a *permit* to open one.
* The lock-free fast paths and the locked slow paths cannot strand a waiter:
  a waiter publishes itself, then looks at the idle deque; a returner appends
  to the idle deque, then looks for waiters.  Under the GIL one of the two
  always sees the other and hands the connection over (``_settle``).
* Timeout messages list where each checked-out connection was checked out
  (recorded on the record at checkout), so a leak or a hog is obvious.
"""

from __future__ import annotations

import sys
import threading
import traceback
import weakref
from collections import deque
from typing import Any, Deque, List, Optional, Set, Union

from .. import exc
from . import _fork
from .base import (
    Pool,
    PoolProxiedConnection,
    _checkout,
    _ConnectionFairy,
    _ConnectionRecord,
    _CreatorFnType,
    _CreatorWRecFnType,
)

_MAX_SITES_LISTED = 30


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise exc.ArgumentError(
            f"Invalid value for '{name}': {value!r}; expected an integer >= {minimum}"
        )
    return value


class _Waiter:
    """A thread queued for a connection; it sleeps on its own lock."""

    __slots__ = ("lock", "record")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lock.acquire()
        #: a record, _PERMIT (open a new connection), or None (still waiting)
        self.record: Any = None


_PERMIT = object()


class QueuePool(Pool):
    """A pool keeping up to ``pool_size`` idle connections, plus up to
    ``max_overflow`` more while busy; mirrors ``sqlalchemy.pool.QueuePool``.

    ``pool_size=0`` means no limit (any number open, all kept idle);
    ``max_overflow=-1`` allows any number open.  ``timeout`` (seconds, None to
    wait forever) bounds the wait for a connection, after which
    :class:`quicksilver.exc.TimeoutError` is raised listing who holds the
    connections.  ``use_lifo`` reuses the most
    recently returned connection first.  Waiting threads are served in
    arrival order.
    """

    _is_asyncio = False

    def __init__(
        self,
        creator: Union[_CreatorFnType, _CreatorWRecFnType],
        pool_size: int = 5,
        max_overflow: int = 10,
        timeout: Optional[float] = 30.0,
        use_lifo: bool = False,
        **kw: Any,
    ) -> None:
        _check_int("pool_size", pool_size, 0)
        _check_int("max_overflow", max_overflow, -1)
        if timeout is not None and (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or timeout < 0
        ):
            raise exc.ArgumentError(
                f"Invalid value for 'timeout': {timeout!r}; expected a number of "
                "seconds >= 0"
            )
        self._pool_size = pool_size
        self._max_idle = pool_size if pool_size > 0 else sys.maxsize
        # As SQLAlchemy: pool_size=0 means no limit at all.
        self._max_overflow = -1 if pool_size == 0 else max_overflow
        self._timeout = timeout
        self._use_lifo = bool(use_lifo)
        self._init_state()
        Pool.__init__(self, creator, **kw)

    def _init_state(self) -> None:
        self._idle: Deque[_ConnectionRecord] = deque()
        self._pop_idle = self._idle.pop if self._use_lifo else self._idle.popleft
        self._waiters: Deque[_Waiter] = deque()
        # Reentrant: a fairy collected by gc inside a locked section returns
        # its record through the same lock.
        self._lock = threading.RLock()
        self._overflow = 0 - self._pool_size
        self._records: Set[_ConnectionRecord] = set()

    def _reset_after_fork(self) -> None:
        Pool._reset_after_fork(self)
        for rec in list(self._records):
            _fork.orphan(rec.dbapi_connection)
            rec.dbapi_connection = None
        self._init_state()

    def _recreate_kw(self) -> dict[str, Any]:
        kw = Pool._recreate_kw(self)
        kw.update(
            pool_size=self._pool_size,
            max_overflow=self._max_overflow,
            timeout=self._timeout,
            use_lifo=self._use_lifo,
        )
        return kw

    # -- checkout ---------------------------------------------------------------

    def connect(self) -> PoolProxiedConnection:
        if not self._waiters:
            try:
                rec = self._pop_idle()
            except IndexError:
                rec = self._do_get()
        else:
            rec = self._do_get()
        return _checkout(self, rec)

    def _can_overflow(self) -> bool:
        return self._max_overflow == -1 or self._overflow < self._max_overflow

    def _do_get(self) -> _ConnectionRecord:
        waiter: Any = None
        excess: List[_ConnectionRecord] = []
        with self._lock:
            if not self._waiters:
                try:
                    return self._pop_idle()
                except IndexError:
                    pass
                if self._can_overflow():
                    self._overflow += 1
                    waiter = _PERMIT
            if waiter is None:
                waiter = _Waiter()
                self._waiters.append(waiter)
                excess = self._settle_locked()
        if waiter is _PERMIT:
            return self._open_permitted()
        self._close_excess(excess)
        return self._wait(waiter)

    def _wait(self, waiter: _Waiter) -> _ConnectionRecord:
        timeout = self._timeout
        got = waiter.lock.acquire(timeout=-1 if timeout is None else timeout)
        if not got:
            with self._lock:
                if waiter.record is None:
                    try:
                        self._waiters.remove(waiter)
                    except ValueError:  # pragma: no cover - removed by fork reset
                        pass
                    raise self._timeout_error()
        record = waiter.record
        if record is _PERMIT:
            return self._open_permitted()
        return record  # type: ignore[no-any-return]

    def _open_permitted(self) -> _ConnectionRecord:
        """Open a connection; the overflow count was already raised for it."""
        try:
            rec = self._create_connection()
        except BaseException:
            with self._lock:
                self._overflow -= 1
                excess = self._settle_locked()
            self._close_excess(excess)
            raise
        with self._lock:
            self._records.add(rec)
        return rec

    def _timeout_error(self) -> exc.TimeoutError:
        message = (
            f"QueuePool limit of size {self.size()} overflow {self.overflow()} "
            f"reached, connection timed out, timeout {self._timeout or 0.0:0.2f}"
        )
        sites = self._checked_out_sites()
        if sites:
            shown = sites[:_MAX_SITES_LISTED]
            listing = "\n  ".join(shown)
            message += f"; {len(sites)} connection(s) checked out at:\n  {listing}"
            if len(sites) > len(shown):
                message += f"\n  ... and {len(sites) - len(shown)} more"
        return exc.TimeoutError(message, code="pool-timeout")

    def _checked_out_sites(self) -> List[str]:
        with self._lock:
            records = [rec for rec in self._records if rec._in_use]
        sites = []
        for rec in records:
            site = rec.checkout_site()
            sites.append(site if site is not None else "<unknown>")
        return sorted(sites)

    # -- checkin ----------------------------------------------------------------

    def _return_conn(self, record: _ConnectionRecord) -> None:
        idle = self._idle
        if not self._waiters and len(idle) < self._max_idle:
            idle.append(record)
            # A waiter may have queued between our test and the append, and a
            # racing returner may have overfilled the deque: settle both.
            if self._waiters or len(idle) > self._max_idle:
                with self._lock:
                    excess = self._settle_locked()
                self._close_excess(excess)
            return
        self._return_slow(record)

    _do_return_conn = _return_conn

    def _return_slow(self, record: _ConnectionRecord) -> None:
        with self._lock:
            waiters = self._waiters
            if waiters:
                waiter = waiters.popleft()
                waiter.record = record
                waiter.lock.release()
                return
            if len(self._idle) < self._max_idle:
                self._idle.append(record)
                return
            # Surplus (overflow) connection: close it rather than keep it.
            self._overflow -= 1
            self._records.discard(record)
        record.close()

    def _settle_locked(self) -> List[_ConnectionRecord]:
        """Serve waiters from the idle deque (or with permits); trim surplus.

        Must be called with the lock held.  Returns surplus records, which the
        caller closes once the lock is released.
        """
        waiters = self._waiters
        idle = self._idle
        while waiters:
            if idle:
                item: Any = self._pop_idle()
            elif self._can_overflow():
                self._overflow += 1
                item = _PERMIT
            else:
                break
            waiter = waiters.popleft()
            waiter.record = item
            waiter.lock.release()
        excess: List[_ConnectionRecord] = []
        while len(idle) > self._max_idle:
            rec = idle.pop()
            self._overflow -= 1
            self._records.discard(rec)
            excess.append(rec)
        return excess

    def _close_excess(self, excess: List[_ConnectionRecord]) -> None:
        for rec in excess:
            rec.close()

    # -- whole pool ---------------------------------------------------------------

    def dispose(self) -> None:
        """Close every idle connection; checked-out ones are left alone."""
        closing = []
        with self._lock:
            while True:
                try:
                    rec = self._idle.pop()
                except IndexError:
                    break
                self._overflow -= 1
                self._records.discard(rec)
                closing.append(rec)
            excess = self._settle_locked()
        for rec in closing + excess:
            rec.close()
        self.logger.info("Pool disposed. %s", self.status())

    def status(self) -> str:
        return (
            f"Pool size: {self.size()}  Connections in pool: {self.checkedin()} "
            f"Current Overflow: {self.overflow()} "
            f"Current Checked out connections: {self.checkedout()}"
        )

    def size(self) -> int:
        return self._pool_size

    def timeout(self) -> Optional[float]:
        return self._timeout

    def checkedin(self) -> int:
        return len(self._idle)

    def overflow(self) -> int:
        return self._overflow if self._pool_size else 0

    def checkedout(self) -> int:
        return self._pool_size - len(self._idle) + self._overflow


class AsyncAdaptedQueuePool(QueuePool):
    """QueuePool for asyncio engines; mirrors
    ``sqlalchemy.pool.AsyncAdaptedQueuePool``.

    For now it waits exactly as QueuePool does; the asyncio layer will make
    waiting cooperative.
    """

    _is_asyncio = True


class FallbackAsyncAdaptedQueuePool(AsyncAdaptedQueuePool):
    """Kept for compatibility with ``sqlalchemy.pool`` (a deprecated alias)."""


class NullPool(Pool):
    """No pooling: every checkout opens a connection, every return closes it.

    Mirrors ``sqlalchemy.pool.NullPool``.
    """

    def status(self) -> str:
        return "NullPool"

    def _do_return_conn(self, record: _ConnectionRecord) -> None:
        record.close()

    _return_conn = _do_return_conn

    def _do_get(self) -> _ConnectionRecord:
        return self._create_connection()

    def dispose(self) -> None:
        pass


class _ThreadToken:
    """Lives in a thread's local storage; dies with the thread."""

    __slots__ = ("__weakref__",)


class SingletonThreadPool(Pool):
    """One connection per thread, reused by every checkout in that thread.

    Mirrors ``sqlalchemy.pool.SingletonThreadPool`` (``pool.size`` is an
    attribute, as there).  Unlike SQLAlchemy, it never closes a connection
    that a live thread may still use: past ``pool_size`` threads it closes the
    connections of threads that have ended (found when their thread-local
    storage is released), and otherwise lets the count grow.
    """

    def __init__(
        self,
        creator: Union[_CreatorFnType, _CreatorWRecFnType],
        pool_size: int = 5,
        **kw: Any,
    ) -> None:
        self.size = _check_int("pool_size", pool_size, 1)
        self._init_state()
        Pool.__init__(self, creator, **kw)

    def _init_state(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        # record -> the weakref on its thread's token (kept to stay alive)
        self._all_conns: dict[_ConnectionRecord, Any] = {}
        self._dead: Deque[_ConnectionRecord] = deque()

    def _reset_after_fork(self) -> None:
        Pool._reset_after_fork(self)
        for rec in list(self._all_conns):
            _fork.orphan(rec.dbapi_connection)
            rec.dbapi_connection = None
        self._init_state()

    def _recreate_kw(self) -> dict[str, Any]:
        kw = Pool._recreate_kw(self)
        kw["pool_size"] = self.size
        return kw

    def connect(self) -> PoolProxiedConnection:
        ref = getattr(self._local, "fairy", None)
        if ref is not None:
            fairy = ref()
            if fairy is not None and fairy._connection_record is not None:
                fairy._counter += 1
                return fairy  # type: ignore[no-any-return]
        fairy = _checkout(self, self._do_get())
        self._local.fairy = weakref.ref(fairy)
        return fairy

    def _do_get(self) -> _ConnectionRecord:
        rec: Optional[_ConnectionRecord] = getattr(self._local, "record", None)
        if rec is not None and rec in self._all_conns:
            return rec
        if self._dead:
            self._cleanup()
        rec = self._create_connection()
        token = _ThreadToken()
        self._local.record = rec
        self._local.token = token
        pool_ref = weakref.ref(self)

        def thread_ended(_: Any, rec: _ConnectionRecord = rec) -> None:
            pool = pool_ref()
            if pool is not None:
                pool._dead.append(rec)

        with self._lock:
            self._all_conns[rec] = weakref.ref(token, thread_ended)
        if len(self._all_conns) > self.size:
            self._cleanup()
        return rec

    def _cleanup(self) -> None:
        """Close the connections of threads that have ended."""
        closing = []
        with self._lock:
            while self._dead:
                rec = self._dead.popleft()
                if self._all_conns.pop(rec, None) is not None and not rec._in_use:
                    closing.append(rec)
        for rec in closing:
            try:
                rec.close()
            except Exception:  # e.g. sqlite3 refusing a close from another thread
                self.logger.debug("Could not close %r of an ended thread", rec)

    def _do_return_conn(self, record: _ConnectionRecord) -> None:
        ref = getattr(self._local, "fairy", None)
        if ref is not None:
            fairy = ref()
            if fairy is None or fairy._connection_record is None:
                self._local.fairy = None
        if record not in self._all_conns:
            # Disposed (or its thread ended) while checked out: close it now.
            record.close()

    _return_conn = _do_return_conn

    def dispose(self) -> None:
        """Close every connection not checked out; checked-out ones are
        replaced after they are returned."""
        with self._lock:
            records = list(self._all_conns)
            self._all_conns.clear()
            self._dead.clear()
        for rec in records:
            if rec._in_use:
                continue
            try:
                rec.close()
            except Exception:
                self.logger.debug("Could not close %r on dispose", rec)

    def status(self) -> str:
        return f"SingletonThreadPool id:{id(self)} size: {len(self._all_conns)}"


class StaticPool(Pool):
    """Exactly one connection, shared by every checkout; mirrors
    ``sqlalchemy.pool.StaticPool``."""

    def __init__(
        self, creator: Union[_CreatorFnType, _CreatorWRecFnType], **kw: Any
    ) -> None:
        self._record: Optional[_ConnectionRecord] = None
        self._lock = threading.Lock()
        Pool.__init__(self, creator, **kw)

    @property
    def connection(self) -> _ConnectionRecord:
        """The one record (created on first use)."""
        rec = self._record
        if rec is None:
            with self._lock:
                rec = self._record
                if rec is None:
                    rec = self._record = _ConnectionRecord(self)
        return rec

    def status(self) -> str:
        return "StaticPool"

    def dispose(self) -> None:
        rec = self._record
        if rec is not None and rec.dbapi_connection is not None:
            rec.close()
            self._record = None

    def _reset_after_fork(self) -> None:
        Pool._reset_after_fork(self)
        rec = self._record
        if rec is not None:
            _fork.orphan(rec.dbapi_connection)
            rec.dbapi_connection = None
        self._record = None
        self._lock = threading.Lock()

    def _do_return_conn(self, record: _ConnectionRecord) -> None:
        pass

    _return_conn = _do_return_conn

    def _do_get(self) -> _ConnectionRecord:
        rec = self.connection
        if rec._is_hard_or_soft_invalidated():
            with self._lock:
                if self._record is rec:
                    self._record = None
            rec = self.connection
        return rec


class AssertionPool(Pool):
    """At most one connection checked out at a time, else AssertionError;
    mirrors ``sqlalchemy.pool.AssertionPool`` (a debugging aid)."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        self._conn: Optional[_ConnectionRecord] = None
        self._checked_out = False
        self._store_traceback = kw.pop("store_traceback", True)
        self._checkout_traceback: Optional[List[str]] = None
        Pool.__init__(self, *args, **kw)

    def status(self) -> str:
        return "AssertionPool"

    def _recreate_kw(self) -> dict[str, Any]:
        kw = Pool._recreate_kw(self)
        kw["store_traceback"] = self._store_traceback
        return kw

    def _do_return_conn(self, record: _ConnectionRecord) -> None:
        if not self._checked_out:
            raise AssertionError("connection is not checked out")
        self._checked_out = False
        assert record is self._conn

    _return_conn = _do_return_conn

    def dispose(self) -> None:
        self._checked_out = False
        if self._conn:
            self._conn.close()

    def _reset_after_fork(self) -> None:
        Pool._reset_after_fork(self)
        if self._conn is not None:
            _fork.orphan(self._conn.dbapi_connection)
            self._conn.dbapi_connection = None
        self._conn = None
        self._checked_out = False

    def _do_get(self) -> _ConnectionRecord:
        if self._checked_out:
            if self._checkout_traceback:
                suffix = " at:\n" + "".join(self._checkout_traceback)
            else:
                suffix = ""
            raise AssertionError("connection is already checked out" + suffix)
        if not self._conn:
            self._conn = self._create_connection()
        self._checked_out = True
        if self._store_traceback:
            self._checkout_traceback = traceback.format_stack()
        return self._conn


__all__ = [
    "QueuePool",
    "AsyncAdaptedQueuePool",
    "FallbackAsyncAdaptedQueuePool",
    "NullPool",
    "SingletonThreadPool",
    "StaticPool",
    "AssertionPool",
    "_ConnectionFairy",
]
