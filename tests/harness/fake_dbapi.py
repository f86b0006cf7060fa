"""A fake PEP 249 driver for pool and engine tests that need no database.

``FakeDBAPI()`` behaves like a driver module: it has the PEP 249 exception
classes and ``connect()``.  Its connections count what is done to them
(commits, rollbacks, closes, cursors, executes), can be made to fail a given
operation (``conn.fail_on("rollback")``) or to "die" (``conn.die()``: every
later operation raises ``OperationalError``, as a dropped server connection
does), and note any operation made from a process other than the one that
created them (``conn.foreign_ops``), which fork tests assert is empty.
"""

from __future__ import annotations

import itertools
import os
import threading
from typing import Any, Optional


class Error(Exception):
    """PEP 249 Error."""


class Warning(Exception):  # noqa: A001 - the PEP 249 name
    """PEP 249 Warning."""


class InterfaceError(Error):
    """PEP 249 InterfaceError."""


class DatabaseError(Error):
    """PEP 249 DatabaseError."""


class DataError(DatabaseError):
    """PEP 249 DataError."""


class OperationalError(DatabaseError):
    """PEP 249 OperationalError (used for disconnects)."""


class IntegrityError(DatabaseError):
    """PEP 249 IntegrityError."""


class InternalError(DatabaseError):
    """PEP 249 InternalError."""


class ProgrammingError(DatabaseError):
    """PEP 249 ProgrammingError."""


class NotSupportedError(DatabaseError):
    """PEP 249 NotSupportedError."""


class FakeCursor:
    """A cursor that records statements and returns one row ``(1,)``."""

    def __init__(self, connection: "FakeConnection") -> None:
        self.connection = connection
        self.closed = False
        self.description: Any = None
        self.rowcount = -1

    def execute(self, statement: str, parameters: Any = None) -> None:
        self.connection._op("execute")
        self.connection.executed.append((statement, parameters))
        self.description = [("x", None, None, None, None, None, None)]
        self.rowcount = 1

    def fetchone(self) -> Optional[tuple[int]]:
        return (1,)

    def fetchall(self) -> list[tuple[int]]:
        return [(1,)]

    def close(self) -> None:
        self.closed = True


class FakeConnection:
    """A PEP 249 connection that counts what happens to it."""

    def __init__(self, dbapi: "FakeDBAPI", number: int) -> None:
        self.dbapi = dbapi
        self.number = number
        self.pid = os.getpid()
        self.thread_ident = threading.get_ident()
        self.commits = 0
        self.rollbacks = 0
        self.closes = 0
        self.cursors = 0
        self.executed: list[tuple[str, Any]] = []
        self.closed = False
        self.dead = False
        self.foreign_ops: list[str] = []
        self._fail: dict[str, BaseException] = {}

    def __repr__(self) -> str:
        state = "dead" if self.dead else "closed" if self.closed else "open"
        return f"<FakeConnection #{self.number} {state}>"

    # -- test controls --------------------------------------------------------

    def die(self) -> None:
        """Simulate a dropped server connection: later operations fail."""
        self.dead = True

    def fail_on(self, operation: str, error: Optional[BaseException] = None) -> None:
        """Make every later ``operation`` ("rollback", "commit", "close",
        "execute", "cursor") raise ``error`` (an OperationalError by default)."""
        self._fail[operation] = error or OperationalError(f"{operation} failed")

    # -- PEP 249 ---------------------------------------------------------------

    def _op(self, name: str) -> None:
        if os.getpid() != self.pid:
            self.foreign_ops.append(name)
        if name in self._fail:
            raise self._fail[name]
        if self.closed and name != "close":
            raise ProgrammingError(f"Cannot operate on a closed connection ({name})")
        if self.dead and name != "close":
            raise OperationalError("server closed the connection unexpectedly")

    def cursor(self) -> FakeCursor:
        self._op("cursor")
        self.cursors += 1
        return FakeCursor(self)

    def commit(self) -> None:
        self._op("commit")
        self.commits += 1

    def rollback(self) -> None:
        self._op("rollback")
        self.rollbacks += 1

    def close(self) -> None:
        self._op("close")
        self.closes += 1
        self.closed = True


class FakeDBAPI:
    """A driver-module-like object; ``connect()`` makes :class:`FakeConnection`.

    ``fail_connect`` (an exception) makes ``connect()`` raise it.
    ``connections`` lists every connection made, in order.
    """

    apilevel = "2.0"
    threadsafety = 1
    paramstyle = "qmark"

    Error = Error
    Warning = Warning
    InterfaceError = InterfaceError
    DatabaseError = DatabaseError
    DataError = DataError
    OperationalError = OperationalError
    IntegrityError = IntegrityError
    InternalError = InternalError
    ProgrammingError = ProgrammingError
    NotSupportedError = NotSupportedError

    def __init__(self) -> None:
        self.connections: list[FakeConnection] = []
        self.fail_connect: Optional[BaseException] = None
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def connect(self, *args: Any, **kw: Any) -> FakeConnection:
        if self.fail_connect is not None:
            raise self.fail_connect
        with self._lock:
            conn = FakeConnection(self, next(self._numbers))
            self.connections.append(conn)
        return conn

    @property
    def open_connections(self) -> list[FakeConnection]:
        return [c for c in self.connections if not c.closed]


__all__ = [
    "FakeDBAPI",
    "FakeConnection",
    "FakeCursor",
    "Error",
    "InterfaceError",
    "DatabaseError",
    "DataError",
    "OperationalError",
    "IntegrityError",
    "InternalError",
    "ProgrammingError",
    "NotSupportedError",
]
