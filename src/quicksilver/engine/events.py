"""ConnectionEvents (engine-level) and DialectEvents, as in SQLAlchemy.

Listening on an Engine reaches every Connection it makes: a Connection shares
its Engine's dispatcher.  ``_has_events`` lets the execute path skip every
event check with one attribute test when nobody listens.
"""

from __future__ import annotations

from typing import Any, Callable

from ..event.base import Events


class ConnectionEvents(Events[Any]):
    """Events of Engine and Connection execution and transactions."""

    @classmethod
    def _accept_with(cls, target: Any, identifier: str) -> Any:
        if isinstance(target, type):
            if getattr(target, "_dispatch_events", None) is cls:
                return target
            return None
        if getattr(type(target), "_dispatch_events", None) is cls:
            if not hasattr(target, "dispatch"):
                return None
            if type(target).__name__ == "Connection" and target.dispatch is getattr(
                target.engine, "dispatch", None
            ):
                # a listener on one Connection gets a dispatcher of its own that
                # still sees the engine's listeners
                target.dispatch = target.engine.dispatch._join(target)
            return target
        return None

    @classmethod
    def _listen(
        cls, target: Any, identifier: str, fn: Callable[..., Any], **kw: Any
    ) -> None:
        super()._listen(target, identifier, fn, **kw)
        if isinstance(target, type):
            target._has_events = True
            # Connection classes read the flag from their Engine
            from .base import Engine

            Engine._has_events = True
        else:
            target._has_events = True
            engine = getattr(target, "engine", None)
            if engine is not None and engine is not target:
                pass

    def before_execute(
        self,
        conn: Any,
        clauseelement: Any,
        multiparams: Any,
        params: Any,
        execution_options: Any = None,
    ) -> Any:
        """Before a statement object is compiled and executed."""

    def after_execute(
        self,
        conn: Any,
        clauseelement: Any,
        multiparams: Any,
        params: Any,
        execution_options: Any = None,
        result: Any = None,
    ) -> None:
        """After a statement object has executed."""

    def before_cursor_execute(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> Any:
        """Just before the cursor runs the SQL; ``retval=True`` may replace it."""

    def after_cursor_execute(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        """Just after the DBAPI cursor ran the SQL."""

    def handle_error(self, exception_context: Any) -> Any:
        """A DBAPI error was raised; may return a replacement exception."""

    def engine_connect(self, conn: Any) -> None:
        """A Connection was made from an Engine."""

    def set_connection_execution_options(self, conn: Any, opts: Any) -> None:
        """Connection.execution_options() was called."""

    def set_engine_execution_options(self, engine: Any, opts: Any) -> None:
        """Engine.execution_options() / update_execution_options() was called."""

    def engine_disposed(self, engine: Any) -> None:
        """Engine.dispose() was called."""

    def begin(self, conn: Any) -> None:
        """A transaction begins."""

    def rollback(self, conn: Any) -> None:
        """A transaction rolls back."""

    def commit(self, conn: Any) -> None:
        """A transaction commits."""

    def savepoint(self, conn: Any, name: str) -> None:
        """A SAVEPOINT is set."""

    def rollback_savepoint(self, conn: Any, name: str, context: Any) -> None:
        """ROLLBACK TO SAVEPOINT."""

    def release_savepoint(self, conn: Any, name: str, context: Any) -> None:
        """RELEASE SAVEPOINT."""

    def begin_twophase(self, conn: Any, xid: Any) -> None:
        """Two-phase begin."""

    def prepare_twophase(self, conn: Any, xid: Any) -> None:
        """Two-phase prepare."""

    def rollback_twophase(self, conn: Any, xid: Any, is_prepared: bool) -> None:
        """Two-phase rollback."""

    def commit_twophase(self, conn: Any, xid: Any, is_prepared: bool) -> None:
        """Two-phase commit."""


class DialectEvents(Events[Any]):
    """Events of a Dialect's execution, targeted through an Engine."""

    def do_connect(self, dialect: Any, conn_rec: Any, cargs: Any, cparams: Any) -> Any:
        """Before a DBAPI connection is made; may return one."""

    def do_executemany(
        self, cursor: Any, statement: str, parameters: Any, context: Any
    ) -> Any:
        """Around cursor.executemany()."""

    def do_execute_no_params(self, cursor: Any, statement: str, context: Any) -> Any:
        """Around cursor.execute() without parameters."""

    def do_execute(
        self, cursor: Any, statement: str, parameters: Any, context: Any
    ) -> Any:
        """Around cursor.execute()."""

    def do_setinputsizes(
        self,
        inputsizes: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
    ) -> None:
        """setinputsizes hook (no-op in quicksilver)."""
