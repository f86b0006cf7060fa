"""SessionTransaction: the Session's view of one (possibly nested) transaction.

A root SessionTransaction holds one engine-level transaction per bind; a
nested one holds a SAVEPOINT per bind.  Each remembers which objects became
pending, persistent or deleted inside it, so that a rollback restores the
Session to what the database still holds:

* objects added inside the transaction become transient again;
* objects deleted inside it become persistent again;
* everything else is expired (its values may no longer match the database).

After a failed flush the transaction is *deactivated*: the database work was
rolled back already, but every further use of the Session raises
``PendingRollbackError`` until ``Session.rollback()`` is called, which keeps
the failure visible to the code that owns the transaction.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Optional

from .. import exc as sa_exc
from ..engine.base import Connection
from ..util import warn
from .state_changes import NO_CHANGE, _StateChange, declare_states

if TYPE_CHECKING:
    from .session import Session
    from .state import InstanceState


class SessionTransactionState(enum.Enum):
    ACTIVE = 1
    PREPARED = 2
    COMMITTED = 3
    DEACTIVE = 4
    CLOSED = 5
    PROVISIONING_CONNECTION = 6


class SessionTransactionOrigin(enum.Enum):
    """How a SessionTransaction began (``SessionTransaction.origin``)."""

    AUTOBEGIN = 0
    BEGIN = 1
    BEGIN_NESTED = 2
    SUBTRANSACTION = 3


ACTIVE = SessionTransactionState.ACTIVE
PREPARED = SessionTransactionState.PREPARED
COMMITTED = SessionTransactionState.COMMITTED
DEACTIVE = SessionTransactionState.DEACTIVE
CLOSED = SessionTransactionState.CLOSED


class SessionTransaction(_StateChange):
    """One level of a Session's transaction (``sqlalchemy.orm.SessionTransaction``)."""

    def __init__(
        self,
        session: "Session",
        origin: SessionTransactionOrigin,
        parent: Optional["SessionTransaction"] = None,
    ) -> None:
        self.session = session
        self.origin = origin
        self._parent = parent
        self.nested = origin is SessionTransactionOrigin.BEGIN_NESTED
        self._state = ACTIVE
        # bind -> (connection, engine transaction, should commit, should close)
        self._connections: dict[Any, tuple[Any, Any, bool, bool]] = {}
        self._new: dict[InstanceState[Any], bool] = {}
        self._deleted: dict[InstanceState[Any], bool] = {}
        self._dirty: dict[InstanceState[Any], bool] = {}
        self._key_switches: dict[Any, Any] = {}
        self._rollback_exception: Optional[BaseException] = None
        self._detached_by_commit: list[Any] = []
        if session.dispatch.after_transaction_create:
            session.dispatch.after_transaction_create(session, self)

    # ------------------------------------------------------------------
    # public API

    @property
    def parent(self) -> Optional["SessionTransaction"]:
        return self._parent

    @property
    def connections(self) -> dict[Any, Any]:
        return dict(self._connections)

    @property
    def bound_connection(self) -> Any:
        for conn, *_ in self._connections.values():
            return conn
        return None

    def prepare(self) -> None:
        """Flush (two-phase PREPARE is not supported by quicksilver yet)."""
        self.session._flush_for_commit()

    @property
    def is_active(self) -> bool:
        return self._state is ACTIVE

    @property
    def _is_transaction_boundary(self) -> bool:
        return self.nested or self._parent is None

    def _raise_for(self, fn_name: str) -> None:
        if self._state is DEACTIVE:
            self._raise_pending_rollback()
        if self._state is CLOSED:
            raise sa_exc.ResourceClosedError("This transaction is closed")
        if self._state is COMMITTED:
            raise sa_exc.InvalidRequestError(
                "This session is in 'committed' state; no further SQL can be "
                "emitted within this transaction."
            )
        super()._raise_for(fn_name)

    def _raise_pending_rollback(self) -> None:
        if self._rollback_exception is not None:
            raise sa_exc.PendingRollbackError(
                "This Session's transaction has been rolled back due to a previous "
                "exception during flush. To begin a new transaction with this "
                "Session, first issue Session.rollback(). Original exception was: "
                f"{self._rollback_exception}",
                code="7s2a",
            )
        raise sa_exc.PendingRollbackError(
            "This session is in 'inactive' state, due to the SQL transaction "
            "being rolled back; no further SQL can be emitted within this "
            "transaction.",
            code="8s2b",
        )

    def _assert_active(self) -> None:
        if self._state is ACTIVE:
            return
        self._raise_for("_assert_active")

    # ------------------------------------------------------------------
    # connections

    def _connection_for_bind(self, bind: Any, execution_options: Any = None) -> Any:
        entry = self._connections.get(bind)
        if entry is not None:
            conn = entry[0]
            if execution_options:
                conn = conn.execution_options(**execution_options)
            return conn
        self._assert_active()
        if self._parent is not None:
            conn = self._parent._connection_for_bind(bind)
            if self.nested:
                trans = conn.begin_nested()
                self._connections[bind] = (conn, trans, True, False)
            else:
                self._connections[bind] = (conn, None, False, False)
        else:
            conn, trans, should_commit, close = self._open(bind)
            self._connections[bind] = (conn, trans, should_commit, close)
            if getattr(conn, "engine", None) is not None:
                self._connections.setdefault(conn.engine, self._connections[bind])
        session = self.session
        if session.dispatch.after_begin:
            session.dispatch.after_begin(session, self, conn)
        if execution_options:
            conn = conn.execution_options(**execution_options)
        return conn

    def _open(self, bind: Any) -> tuple[Any, Any, bool, bool]:
        if isinstance(bind, Connection):
            conn = bind
            if conn.in_transaction():
                mode = self.session.join_transaction_mode
                if mode == "conditional_savepoint":
                    mode = (
                        "create_savepoint"
                        if conn.in_nested_transaction()
                        else "rollback_only"
                    )
                if mode == "create_savepoint":
                    return conn, conn.begin_nested(), True, False
                # control_fully / rollback_only: join the innermost transaction
                trans = (
                    conn.get_nested_transaction()
                    if conn.in_nested_transaction()
                    else conn.get_transaction()
                )
                return conn, trans, mode == "control_fully", False
            return conn, conn.begin(), True, False
        conn = bind.connect()
        # a leaked Connection names the Session it belongs to
        conn._qs_owner = self.session._creation_site
        try:
            if self.session.twophase:
                trans = conn.begin_twophase()
            else:
                trans = conn.begin()
        except BaseException:
            conn.close()
            raise
        return conn, trans, True, True

    # ------------------------------------------------------------------
    # snapshot bookkeeping (called by the Session)

    def _note_new(self, state: "InstanceState[Any]") -> None:
        self._new[state] = True

    def _note_deleted(self, state: "InstanceState[Any]") -> None:
        self._deleted[state] = True

    def _note_dirty(self, state: "InstanceState[Any]") -> None:
        self._dirty[state] = True

    def _restore_snapshot(self, dirty_only: bool = False) -> None:
        """Bring the Session back in line with a rolled-back database."""
        session = self.session
        for state in list(self._new) + list(session._new):
            session._expunge_states([state], to_transient=True)
            state.key = None
            state._deleted = False
        for state in list(self._deleted) + list(session._deleted):
            obj = state()
            if obj is None:
                continue
            state._deleted = False
            state._was_deleted = False
            session._deleted.pop(state, None)
            if state.key is not None:
                if session.identity_map.fast_get_state(state.key) is None:
                    session.identity_map.replace(state)
                state.session_id = session.hash_key
                if session.dispatch.deleted_to_persistent:
                    session.dispatch.deleted_to_persistent(session, obj)
        for state in session.identity_map.all_states():
            if not dirty_only or state.modified or state in self._dirty:
                obj = state()
                if obj is not None:
                    state._expire(obj.__dict__)

    def _remove_snapshot(self, expire: Any) -> None:
        """After a root commit: finish deletes, expire per expire_on_commit."""
        session = self.session
        detached = []
        for state in list(self._deleted):
            obj = state()
            state._deleted = True
            if state.session_id == session.hash_key:
                state.session_id = None
                state._was_deleted = True
                if obj is not None:
                    detached.append(obj)
        self._detached_by_commit = detached
        if expire is True:
            for state in session.identity_map.all_states():
                obj = state()
                if obj is not None:
                    state._expire(obj.__dict__)
        elif expire == "evaluate":
            changed = set(self._dirty) | set(self._new)
            for state in changed:
                obj = state()
                if obj is not None and state.session_id == session.hash_key:
                    state._expire(obj.__dict__)
        self._new.clear()
        self._deleted.clear()
        self._dirty.clear()
        self._key_switches.clear()

    def _merge_into_parent(self) -> None:
        parent = self._parent
        if parent is None:
            return
        for src, dest in (
            (self._new, parent._new),
            (self._deleted, parent._deleted),
            (self._dirty, parent._dirty),
        ):
            for state in list(src):
                dest[state] = True

    # ------------------------------------------------------------------
    # commit / rollback / close

    @declare_states((ACTIVE, PREPARED), CLOSED)
    def commit(self, _to_root: bool = False, _expire: Any = None) -> None:
        """Flush and commit this transaction (a SAVEPOINT release if nested)."""
        session = self.session
        if self._state is not PREPARED:
            if self._is_transaction_boundary:
                # a SAVEPOINT's commit fires the commit events too (SQLAlchemy)
                if session.dispatch.before_commit and (
                    self._parent is None or self.nested
                ):
                    session.dispatch.before_commit(session)
                session._flush_for_commit()
        if self._state is DEACTIVE:  # pragma: no cover - flush failed
            self._raise_pending_rollback()
        for _conn, trans, should_commit, _ in self._unique_connections():
            if should_commit and trans is not None and trans.is_active:
                trans.commit()
        self._state = COMMITTED
        if self._parent is None:
            expire = session.expire_on_commit if _expire is None else _expire
            self._remove_snapshot(expire)
            if session.dispatch.after_commit:
                session.dispatch.after_commit(session)
            if session.dispatch.deleted_to_detached:
                for obj in self._detached_by_commit:
                    session.dispatch.deleted_to_detached(session, obj)
            self._detached_by_commit = []
        else:
            if self.nested and session.dispatch.after_commit:
                session.dispatch.after_commit(session)
            self._merge_into_parent()
        self.close()
        if _to_root and self._parent is not None:
            self._parent.commit(_to_root=True, _expire=_expire)

    def _unique_connections(self) -> list[tuple[Any, Any, bool, bool]]:
        seen: set[int] = set()
        result = []
        for entry in self._connections.values():
            if id(entry[0]) in seen:
                continue
            seen.add(id(entry[0]))
            result.append(entry)
        return result

    @declare_states((ACTIVE, DEACTIVE, PREPARED), CLOSED)
    def rollback(
        self, _capture_exception: bool = False, _to_root: bool = False
    ) -> None:
        """Roll this transaction back and restore the Session's objects."""
        session = self.session
        if self._state is not DEACTIVE:
            self._rollback_connections()
            self._restore_snapshot(dirty_only=self.nested)
            if session.dispatch.after_rollback and self._is_transaction_boundary:
                session.dispatch.after_rollback(session)
        elif session._new or session._deleted or session.identity_map._modified:
            # changed after a failed flush had already restored the snapshot
            warn(
                "Session's state has been changed on a non-active transaction - "
                "this state will be discarded."
            )
            self._restore_snapshot(dirty_only=self.nested)
        self._state = DEACTIVE
        previous = self
        self.close()
        if session.dispatch.after_soft_rollback:
            session.dispatch.after_soft_rollback(session, previous)
        if _to_root and self._parent is not None:
            self._parent.rollback(_to_root=True)

    def _rollback_connections(self) -> None:
        for _conn, trans, _should_commit, _ in self._unique_connections():
            if trans is not None and trans.is_active:
                trans.rollback()

    def _deactivate_for_failed_flush(self, err: BaseException) -> None:
        """A flush failed: undo the database work now, demand rollback() later."""
        session = self.session
        boundary: SessionTransaction = self
        while not boundary._is_transaction_boundary and boundary._parent is not None:
            boundary = boundary._parent
        boundary._rollback_connections()
        boundary._restore_snapshot(dirty_only=boundary.nested)
        boundary._state = DEACTIVE
        boundary._rollback_exception = err
        if session.dispatch.after_rollback:
            session.dispatch.after_rollback(session)
        parent = boundary._parent
        while parent is not None and not boundary.nested:
            parent._state = DEACTIVE
            parent._rollback_exception = err
            parent = parent._parent

    @declare_states((ACTIVE, DEACTIVE, PREPARED, COMMITTED, CLOSED), CLOSED)
    def close(self, invalidate: bool = False) -> None:
        """Release connections (root) and hand the Session back to the parent."""
        session = self.session
        if self._parent is None:
            for conn, trans, should_commit, autoclose in self._unique_connections():
                if invalidate:
                    conn.invalidate()
                if autoclose:
                    conn.close()
                elif should_commit and trans is not None and trans.is_active:
                    trans.close()
        self._state = CLOSED
        if session._transaction is self:
            session._transaction = self._parent
        if self.nested and session._nested_transaction is self:
            session._nested_transaction = None
            parent = self._parent
            while parent is not None:
                if parent.nested:
                    session._nested_transaction = parent
                    break
                parent = parent._parent
        if session.dispatch.after_transaction_end:
            session.dispatch.after_transaction_end(session, self)

    def connection(
        self, bindkey: Any = None, execution_options: Any = None, **kw: Any
    ) -> Any:
        bind = self.session.get_bind(bindkey, **kw)
        return self._connection_for_bind(bind, execution_options)

    @declare_states((ACTIVE,), NO_CHANGE)
    def _begin(self, nested: bool = False) -> "SessionTransaction":
        return SessionTransaction(
            self.session,
            SessionTransactionOrigin.BEGIN_NESTED
            if nested
            else SessionTransactionOrigin.SUBTRANSACTION,
            self,
        )

    def __enter__(self) -> "SessionTransaction":
        return self

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        if self._state is CLOSED:
            return
        if type_ is None:
            try:
                self.commit()
            except BaseException:
                if self._state is not CLOSED:
                    self.rollback()
                raise
        else:
            if self._state is not CLOSED:
                self.rollback()

    def __repr__(self) -> str:
        origin, state = self.origin.name, self._state.name
        return f"<SessionTransaction {origin} at 0x{id(self):x}; {state}>"
