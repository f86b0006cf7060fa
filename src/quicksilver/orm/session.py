"""Session and sessionmaker: the ORM's unit of work and identity map holder.

Object bookkeeping (add / delete / expunge / merge / expire) lives here;
the flush itself is :mod:`.unitofwork` + :mod:`.persistence`, ORM statement
execution :mod:`.context`, row -> object loading :mod:`.loading`, and the
transaction state machine :mod:`.session_transaction`.  Names, defaults and
error classes mirror ``sqlalchemy.orm.Session``.
"""

from __future__ import annotations

import contextlib
import itertools
import warnings
import weakref
from functools import partial
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional, Sequence, TypeVar
from weakref import ref as _weakref

from .. import exc as sa_exc
from ..util import warn, warn_deprecated
from ..util._callsite import format_site, outside_caller, thread_name
from . import exc as orm_exc
from ._concurrency import new_guard_lock as _new_guard_lock
from .base import (
    MANAGER_KEY,
    NO_VALUE,
    PASSIVE_NO_INITIALIZE,
    STATE_KEY,
    instance_state,
    object_state,
    opt_manager_of_class,
)
from .context import execute_orm
from .events import SessionEvents
from .identity import IdentitySet, WeakInstanceDict
from .loading import get_by_ident, load_on_ident, load_scalar_attributes
from .merge import merge_instance
from .session_transaction import (
    ACTIVE,
    CLOSED,
    DEACTIVE,
    SessionTransaction,
    SessionTransactionOrigin,
)
from .state import InstanceState, _sessions
from .unitofwork import flush_session

if TYPE_CHECKING:
    pass

_T = TypeVar("_T")
_S = TypeVar("_S", bound="Session")
_EMPTY: dict[str, Any] = {}
_new_session_id = itertools.count(1)
_insert_order = itertools.count(1)

JoinTransactionMode = str


class Session:
    """Manages persistence operations for ORM-mapped objects (``Session``)."""

    _dispatch_events = SessionEvents
    _is_asyncio = False
    # Set on the sync Session of an AsyncSession: implicit loads (expired or
    # deferred attributes) must then fail clearly outside the greenlet bridge.
    _io_needs_bridge = False

    def __init__(
        self,
        bind: Any = None,
        *,
        autoflush: bool = True,
        future: Any = True,
        expire_on_commit: bool = True,
        autobegin: bool = True,
        twophase: bool = False,
        binds: Optional[dict[Any, Any]] = None,
        enable_baked_queries: bool = True,
        info: Optional[dict[Any, Any]] = None,
        query_cls: Any = None,
        autocommit: bool = False,
        join_transaction_mode: JoinTransactionMode = "conditional_savepoint",
        close_resets_only: Any = True,
        execution_options: Any = None,
    ) -> None:
        if join_transaction_mode and join_transaction_mode not in (
            "conditional_savepoint",
            "create_savepoint",
            "control_fully",
            "rollback_only",
        ):
            raise sa_exc.ArgumentError(
                "invalid selection for join_transaction_mode: "
                f'"{join_transaction_mode}"'
            )
        # the concurrent-use guard's lock (see _concurrency.install)
        self._qs_guard_lock = _new_guard_lock()
        self.identity_map = WeakInstanceDict()
        self._new: dict[InstanceState[Any], Any] = {}
        self._deleted: dict[InstanceState[Any], Any] = {}
        self.bind = bind
        self.__binds: dict[Any, Any] = {}
        self._flushing = False
        self._warn_on_events = False
        self._transaction: Optional[SessionTransaction] = None
        self._nested_transaction: Optional[SessionTransaction] = None
        self.hash_key = next(_new_session_id)
        self.autobegin = autobegin
        self.autoflush = autoflush
        self.expire_on_commit = expire_on_commit
        self.twophase = twophase
        self.join_transaction_mode = join_transaction_mode
        self._query_cls = query_cls
        self.execution_options = dict(execution_options or {})
        self._close_state = ACTIVE
        self._legacy_autocommit = bool(autocommit)
        if autocommit:
            warn_deprecated(
                "Session(autocommit=True) is legacy SQLAlchemy 1.x behaviour: each "
                "flush commits at once and no transaction is held between "
                "operations. Use autocommit=False (the default) with "
                "Session.begin() / commit() instead.",
                "2.0",
            )
        if info:
            self.info.update(info)
        if binds is not None:
            for key, bind_ in binds.items():
                self._add_bind(key, bind_)
        self.dispatch = SessionEvents._create_dispatch(self)
        # where the user made this Session, for the leak warning of __del__
        self._qs_site = outside_caller(2)
        self._qs_site_thread = thread_name()
        key = self.hash_key
        # the callback gets the dead reference: it serves as pop()'s default
        _sessions[key] = _weakref(self, partial(_sessions.pop, key))

    # ------------------------------------------------------------------
    # basics

    @property
    def info(self) -> dict[Any, Any]:
        """A user dictionary local to this Session."""
        info = self.__dict__.get("_info")
        if info is None:
            info = self.__dict__["_info"] = {}
        return info  # type: ignore[no-any-return]

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        self.close()

    def __contains__(self, instance: object) -> bool:
        state = object_state(instance)
        return self._contains_state(state)

    def _contains_state(self, state: InstanceState[Any]) -> bool:
        return state in self._new or self.identity_map.contains_state(state)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._new.values()) + list(self.identity_map.values()))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} at 0x{id(self):x}>"

    @property
    def new(self) -> IdentitySet:
        """Objects added and not yet flushed."""
        return IdentitySet(list(self._new.values()))

    @property
    def deleted(self) -> IdentitySet:
        """Objects marked for deletion and not yet flushed."""
        return IdentitySet(list(self._deleted.values()))

    @property
    def dirty(self) -> IdentitySet:
        """Persistent objects with attribute changes not yet flushed."""
        return IdentitySet(
            [obj for obj in (s() for s in self._dirty_states) if obj is not None]
        )

    @property
    def _dirty_states(self) -> list[InstanceState[Any]]:
        deleted = self._deleted
        return [s for s in self.identity_map._modified if s not in deleted]

    @property
    def no_autoflush(self) -> Any:
        """Context manager turning autoflush off (``with session.no_autoflush:``)."""
        return _NoAutoflush(self)

    # ------------------------------------------------------------------
    # transactions

    @property
    def is_active(self) -> bool:
        """False only while a failed flush awaits ``rollback()``."""
        return self._transaction is None or self._transaction.is_active

    def in_transaction(self) -> bool:
        """True if a transaction (possibly autobegun) is in progress."""
        return self._transaction is not None

    def in_nested_transaction(self) -> bool:
        """True if a SAVEPOINT (``begin_nested()``) is in progress."""
        return self._nested_transaction is not None

    def get_transaction(self) -> Optional[SessionTransaction]:
        """The root SessionTransaction, or None."""
        trans = self._transaction
        while trans is not None and trans._parent is not None:
            trans = trans._parent
        return trans

    def get_nested_transaction(self) -> Optional[SessionTransaction]:
        return self._nested_transaction

    def _autobegin_t(self, begin: bool = False) -> SessionTransaction:
        if self._transaction is None:
            if not self.autobegin and not begin:
                raise sa_exc.InvalidRequestError(
                    "Autobegin is disabled on this Session; please call "
                    "session.begin() to start a new transaction"
                )
            self._close_state = ACTIVE
            self._transaction = SessionTransaction(
                self,
                SessionTransactionOrigin.BEGIN
                if begin
                else SessionTransactionOrigin.AUTOBEGIN,
            )
        return self._transaction

    def begin(self, nested: bool = False) -> SessionTransaction:
        """Begin a transaction explicitly (or a SAVEPOINT with ``nested=True``).

        Raises ``InvalidRequestError`` if one is already in progress, as in
        SQLAlchemy 2.x; the result is a context manager that commits on exit.
        """
        if nested:
            return self.begin_nested()
        trans = self._transaction
        if trans is not None:
            raise sa_exc.InvalidRequestError(
                "A transaction is already begun on this Session."
            )
        return self._autobegin_t(begin=True)

    def begin_nested(self) -> SessionTransaction:
        """Begin a SAVEPOINT; roll back to it with the returned object."""
        parent = self._autobegin_t()
        if parent._state is DEACTIVE:
            parent._raise_pending_rollback()
        if not self._flushing:
            # pending changes belong before the SAVEPOINT, so rolling back to
            # it keeps them (SQLAlchemy flushes here too)
            self.flush()
        trans = parent._begin(nested=True)
        self._transaction = trans
        self._nested_transaction = trans
        # the SAVEPOINT is emitted now, as SQLAlchemy does
        try:
            bind = self.get_bind()
        except sa_exc.UnboundExecutionError:
            bind = None
        if bind is not None:
            trans._connection_for_bind(bind)
        return trans

    def commit(self, synchronize_session: Any = None) -> None:
        """Flush and commit the root transaction.

        ``synchronize_session`` (quicksilver extension, from the seed posts):
        ``True`` expires every object, ``False`` leaves them as they are and
        ``'evaluate'`` expires only the objects this transaction changed;
        ``None`` follows ``expire_on_commit``.
        """
        if synchronize_session not in (None, True, False, "evaluate"):
            raise sa_exc.ArgumentError(
                "Valid strategies for session synchronization on commit are "
                f"True, False and 'evaluate'; got {synchronize_session!r}"
            )
        trans = self._transaction
        if trans is None:
            if not self.autobegin:
                raise sa_exc.InvalidRequestError("No transaction is begun.")
            trans = self._autobegin_t()
        root = trans
        while root._parent is not None:
            root = root._parent
        if root._state is DEACTIVE or trans._state is DEACTIVE:
            (trans if trans._state is DEACTIVE else root)._raise_pending_rollback()
        trans.commit(_to_root=True, _expire=synchronize_session)

    def rollback(self) -> None:
        """Roll back the topmost transaction (a no-op with none in progress)."""
        trans = self._transaction
        if trans is None:
            return
        trans.rollback(_to_root=True)

    def prepare(self) -> None:
        trans = self._transaction
        if trans is None:
            trans = self._autobegin_t()
        self._flush_for_commit()

    def close(self) -> None:
        """Expunge every object and release connections; the Session stays usable."""
        self._close_impl(invalidate=False)

    def reset(self) -> None:
        """Like close(): a clean slate (``Session.reset``)."""
        self._close_impl(invalidate=False, is_reset=True)

    def invalidate(self) -> None:
        self._close_impl(invalidate=True)

    def _close_impl(self, invalidate: bool, is_reset: bool = False) -> None:
        self.expunge_all()
        trans = self._transaction
        while trans is not None:
            parent = trans._parent
            if trans._state is not CLOSED:
                # close() ends only what the Session owns: its own connections
                # roll back as they close, a joined external transaction is
                # left to its owner (as SQLAlchemy's close())
                trans.close(invalidate)
            trans = parent
        self._transaction = None
        self._nested_transaction = None

    def _creation_site(self) -> str:
        code, lasti = self.__dict__.get("_qs_site", (None, 0))
        return format_site(code, lasti, self.__dict__.get("_qs_site_thread"))

    def __del__(self) -> None:
        # Collected while its transaction still holds pooled connections (a
        # Session never closed, e.g. a request handler that forgot
        # session.close()): give them back, rolled back, and say where the
        # Session was made -- SQLAlchemy returns them silently.
        try:
            trans = self.__dict__.get("_transaction")
            if trans is None:
                return
            while trans._parent is not None:
                trans = trans._parent
            held = [
                conn
                for conn, _t, _commit, owned in set(trans._connections.values())
                if owned and not conn.closed
            ]
            if not held:
                return
            warnings.warn(
                sa_exc.QuicksilverResourceWarning(
                    f"Session created at {self._creation_site()} was garbage "
                    f"collected while its transaction still held {len(held)} "
                    "pooled connection(s); they are rolled back and returned to "
                    "the pool. Close sessions: 'with Session(engine) as session:' "
                    "or session.close() (scoped_session: remove())."
                ),
                stacklevel=2,
            )
            for conn in held:
                conn._qs_release_unowned()
        except Exception:  # pragma: no cover - never raise from a finalizer
            pass

    def _flush_for_commit(self) -> None:
        if self._new or self._deleted or self.identity_map._modified:
            self.flush()

    def _check_active(self) -> None:
        trans = self._transaction
        if trans is not None and trans._state is DEACTIVE:
            trans._raise_pending_rollback()

    # ------------------------------------------------------------------
    # binds and connections

    def _add_bind(self, key: Any, bind: Any) -> None:
        self.__binds[key] = bind

    def bind_mapper(self, mapper: Any, bind: Any) -> None:
        self._add_bind(mapper, bind)

    def bind_table(self, table: Any, bind: Any) -> None:
        self._add_bind(table, bind)

    def get_bind(
        self,
        mapper: Any = None,
        *,
        clause: Any = None,
        bind: Any = None,
        **kw: Any,
    ) -> Any:
        """The Engine or Connection for ``mapper`` / ``clause`` (``get_bind``)."""
        if bind is not None:
            return bind
        if self.__binds:
            for candidate in _bind_candidates(mapper, clause):
                found = self.__binds.get(candidate)
                if found is not None:
                    return found
        if self.bind is not None:
            return self.bind
        if mapper is not None:
            desc = getattr(mapper, "class_", mapper)
            raise sa_exc.UnboundExecutionError(
                f"Could not locate a bind configured on mapper {desc} or this Session; "
                "pass bind= to Session() or sessionmaker()"
            )
        raise sa_exc.UnboundExecutionError(
            "This session is not bound to a single Engine or Connection, and no "
            "context was provided to locate a binding; pass bind= to Session() "
            "or sessionmaker()."
        )

    def connection(
        self,
        bind_arguments: Optional[dict[str, Any]] = None,
        execution_options: Any = None,
    ) -> Any:
        """The Connection of the current transaction (begins one if needed)."""
        bind_arguments = bind_arguments or {}
        bind = bind_arguments.get("bind") or self.get_bind(
            bind_arguments.get("mapper"), clause=bind_arguments.get("clause")
        )
        return self._connection_for_bind(bind, execution_options)

    def _connection_for_bind(self, bind: Any, execution_options: Any = None) -> Any:
        trans = self._autobegin_t()
        if trans._state is DEACTIVE:
            trans._raise_pending_rollback()
        return trans._connection_for_bind(bind, execution_options)

    # ------------------------------------------------------------------
    # execution

    def execute(
        self,
        statement: Any,
        params: Any = None,
        *,
        execution_options: Any = None,
        bind_arguments: Optional[dict[str, Any]] = None,
        **kw: Any,
    ) -> Any:
        """Execute a statement; ORM-enabled ``select(User)`` returns objects.

        A plain string runs as ``text()`` would (quicksilver accepts it, as the
        seed posts written against SQLAlchemy 1.x do).
        """
        result = execute_orm(
            self, statement, params, execution_options or {}, bind_arguments or {}
        )
        if self._legacy_autocommit:
            if hasattr(result, "freeze") and getattr(result, "returns_rows", True):
                # results must outlive the transaction that is ended below
                result = result.freeze()()
            self._autocommit_after_operation(expire=False)
        return result

    def scalars(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        """``execute(...).scalars()``."""
        return self.execute(statement, params, **kw).scalars()

    def scalar(self, statement: Any, params: Any = None, **kw: Any) -> Any:
        """``execute(...).scalar()``."""
        return self.execute(statement, params, **kw).scalar()

    def query(self, *entities: Any, **kw: Any) -> Any:
        """A legacy ``Query`` for ``entities`` (``Session.query``)."""
        from .query import Query

        cls = self._query_cls or Query
        return cls(entities, self, **kw)

    def _autoflush(self) -> None:
        if self.autoflush and not self._flushing:
            try:
                self.flush()
            except sa_exc.StatementError as e:
                e.add_detail(
                    "raised as a result of Query-invoked autoflush; consider using "
                    "a session.no_autoflush block if this flush is occurring "
                    "prematurely"
                )
                raise

    def _autocommit_after_operation(self, expire: Any = None) -> None:
        if self._legacy_autocommit:
            trans = self._transaction
            if (
                trans is not None
                and trans.origin is SessionTransactionOrigin.AUTOBEGIN
                and trans._parent is None
                and trans._state is ACTIVE
                and not self._flushing
            ):
                trans.commit(_expire=expire)

    # ------------------------------------------------------------------
    # object bookkeeping

    def add(self, instance: object, _warn: bool = True) -> None:
        """Place ``instance`` in the Session (pending, or persistent again)."""
        state = object_state(instance)
        self._save_or_update_state(state, instance)
        if state.manager.__dict__.get("_qs_rel_keys"):
            from .dependency import cascade_save_update  # issue 5: save-update

            cascade_save_update(self, state)

    def add_all(self, instances: Iterable[object]) -> None:
        """``add()`` each instance."""
        for instance in instances:
            self.add(instance)

    def delete_all(self, instances: Iterable[object]) -> None:
        """``delete()`` each instance (SQLAlchemy 2.1)."""
        for instance in instances:
            self.delete(instance)

    def merge_all(self, instances: Iterable[Any], *, load: bool = True) -> list[Any]:
        """``merge()`` each instance, returning the merged objects (2.1)."""
        return [self.merge(instance, load=load) for instance in instances]

    def _save_or_update_state(self, state: InstanceState[Any], obj: Any) -> None:
        if state.key is None:
            self._save_impl(state, obj)
        else:
            self._update_impl(state, obj)

    def _before_attach(self, state: InstanceState[Any], obj: Any) -> bool:
        if self._transaction is None:
            # attaching begins the transaction (as SQLAlchemy's autobegin), so
            # a rollback() expunges what was added since
            self._autobegin_t()
        sid = state.session_id
        if sid == self.hash_key:
            return False
        if sid is not None and sid in _sessions:
            raise sa_exc.InvalidRequestError(
                f"Object '{orm_exc.state_str(state)}' is already attached to session "
                f"'{sid}' (this is '{self.hash_key}')"
            )
        if self.dispatch.before_attach:
            self.dispatch.before_attach(self, obj)
        return True

    def _after_attach(self, state: InstanceState[Any], obj: Any) -> None:
        state.session_id = self.hash_key
        if self.dispatch.after_attach:
            self.dispatch.after_attach(self, obj)

    def _save_impl(self, state: InstanceState[Any], obj: Any) -> None:
        if state in self._new:
            return
        if state._was_deleted or state._deleted:
            raise sa_exc.InvalidRequestError(
                f"Instance '{orm_exc.state_str(state)}' has been deleted.  Use the "
                "make_transient() function "
                "to send this object back to the transient state."
            )
        to_attach = self._before_attach(state, obj)
        self._new[state] = obj
        state.insert_order = next(_insert_order)
        if to_attach:
            self._after_attach(state, obj)
            if self.dispatch.transient_to_pending:
                self.dispatch.transient_to_pending(self, obj)
        else:
            state.session_id = self.hash_key

    def _update_impl(
        self, state: InstanceState[Any], obj: Any, revert_deletion: bool = False
    ) -> None:
        if state._deleted or state._was_deleted:
            if revert_deletion:
                state._deleted = False
            else:
                raise sa_exc.InvalidRequestError(
                    f"Instance '{orm_exc.state_str(state)}' has been deleted.  Use "
                    "the make_transient() "
                    "function to send this object back to the transient state."
                )
        # add() of an object marked for deletion takes the mark back
        self._deleted.pop(state, None)
        to_attach = self._before_attach(state, obj)
        existing = self.identity_map.fast_get_state(state.key)  # type: ignore[arg-type]
        if existing is not None and existing is not state and existing() is not None:
            raise sa_exc.InvalidRequestError(
                f"Can't attach instance {orm_exc.state_str(state)}; another instance "
                f"with key {state.key} is already "
                "present in this session."
            )
        if existing is not state:
            self.identity_map.replace(state)
        if to_attach:
            self._after_attach(state, obj)
            if self.dispatch.detached_to_persistent:
                self.dispatch.detached_to_persistent(self, obj)

    def delete(self, instance: object) -> None:
        """Mark ``instance`` for deletion at the next flush."""
        state = object_state(instance)
        if state.key is None:
            raise sa_exc.InvalidRequestError(
                f"Instance '{orm_exc.state_str(state)}' is not persisted"
            )
        if state in self._deleted:
            return
        if state._deleted:
            return  # already deleted in a flush of this transaction
        if state.session_id != self.hash_key or not self.identity_map.contains_state(
            state
        ):
            self._update_impl(state, instance)
        self._deleted[state] = instance
        if state.manager.__dict__.get("_qs_rel_keys"):
            from .dependency import cascade_delete  # issue 5: delete cascade

            cascade_delete(self, state)

    def expunge(self, instance: object) -> None:
        """Remove ``instance`` from the Session (it becomes detached/transient)."""
        state = object_state(instance)
        if state.session_id != self.hash_key:
            raise sa_exc.InvalidRequestError(
                f"Instance {orm_exc.state_str(state)} is not present in this Session"
            )
        states = [state]
        if state.manager.__dict__.get("_qs_rel_keys"):
            from .dependency import cascade_expunge  # issue 5: expunge cascade

            states += cascade_expunge(self, state)
        self._expunge_states(states)

    def _expunge_states(
        self, states: Iterable[InstanceState[Any]], to_transient: bool = False
    ) -> None:
        for state in states:
            obj = state()
            was_pending = state.key is None
            if state in self._new:
                self._new.pop(state)
            elif self.identity_map.contains_state(state):
                self.identity_map.discard(state)
                self._deleted.pop(state, None)
            elif self._transaction is not None:
                self._deleted.pop(state, None)
            if state.session_id == self.hash_key:
                state.session_id = None
                if state._strong_obj is not None:
                    state._strong_obj = None
                if obj is not None:
                    if was_pending or to_transient:
                        if self.dispatch.pending_to_transient:
                            self.dispatch.pending_to_transient(self, obj)
                    elif self.dispatch.persistent_to_detached:
                        self.dispatch.persistent_to_detached(self, obj)

    def expunge_all(self) -> None:
        """Remove every object from the Session."""
        states = self.identity_map.all_states() + list(self._new)
        self.identity_map = WeakInstanceDict()
        self._new = {}
        self._deleted = {}
        # close() / expunge_all() detach every object: the lifecycle events
        # fire for each, as SQLAlchemy's (only looked at when listened for)
        dispatch = self.dispatch
        fire = bool(
            dispatch.persistent_to_detached
            or dispatch.deleted_to_detached
            or dispatch.pending_to_transient
        )
        for state in states:
            if state.session_id == self.hash_key:
                state.session_id = None
                if state._strong_obj is not None:
                    state._strong_obj = None
                state._instance_dict = None
                if fire:
                    self._fire_detached(state)

    def _fire_detached(self, state: InstanceState[Any]) -> None:
        obj = state()
        if obj is None:
            return
        dispatch = self.dispatch
        if state.key is None:
            if dispatch.pending_to_transient:
                dispatch.pending_to_transient(self, obj)
        elif state._deleted:
            if dispatch.deleted_to_detached:
                dispatch.deleted_to_detached(self, obj)
        elif dispatch.persistent_to_detached:
            dispatch.persistent_to_detached(self, obj)

    def expire(
        self, instance: object, attribute_names: Optional[Iterable[str]] = None
    ) -> None:
        """Expire ``instance``'s attributes: the next access reloads them."""
        state = object_state(instance)
        self._expire_state(state, attribute_names)

    def _expire_state(self, state: InstanceState[Any], attribute_names: Any) -> None:
        if state.key is None or not self.identity_map.contains_state(state):
            raise sa_exc.InvalidRequestError(
                f"Instance '{orm_exc.state_str(state)}' is not persistent within "
                "this Session"
            )
        obj = state()
        if obj is None:
            return
        if attribute_names:
            state._expire_attributes(obj.__dict__, attribute_names)
            return
        cascaded: list[Any] = []
        if state.manager.__dict__.get("_qs_rel_keys"):
            from .dependency import cascade_refresh  # issue 5: refresh-expire

            cascaded = cascade_refresh(self, state)  # before links are expired
        state._expire(obj.__dict__)
        for st in cascaded:
            if st.key is not None:
                other = st()
                if other is not None:
                    st._expire(other.__dict__)
            elif st in self._new:
                self._expunge_states([st])

    def expire_all(self) -> None:
        """Expire every persistent object in the Session."""
        for state in self.identity_map.all_states():
            obj = state()
            if obj is not None:
                state._expire(obj.__dict__)

    def refresh(
        self,
        instance: object,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: Any = None,
    ) -> None:
        """Reload ``instance``'s attributes from the database now."""
        state = object_state(instance)
        if state.key is None or not self._contains_state(state):
            raise sa_exc.InvalidRequestError(
                f"Instance '{orm_exc.state_str(state)}' is not persistent within "
                "this Session"
            )
        # expire first, then the load autoflushes: the object's own pending
        # changes (and those along refresh-expire) are discarded, the rest of
        # the Session is flushed, as SQLAlchemy does
        keys = list(attribute_names) if attribute_names else None
        self._expire_state(state, keys)  # cascades along refresh-expire
        if keys and with_for_update is None:
            # only the named attributes: SELECT just their columns, leaving the
            # object's other (possibly changed) attributes alone
            try:
                load_scalar_attributes(state.mapper, state, None)
            except orm_exc.ObjectDeletedError:
                raise sa_exc.InvalidRequestError(
                    f"Could not refresh instance '{orm_exc.instance_str(instance)}'"
                ) from None
            rel_keys = state.manager.__dict__.get("_qs_rel_keys")
            if rel_keys:
                self._refresh_named_relationships(state, instance, keys, rel_keys)
            return
        found = load_on_ident(
            self,
            state.mapper,
            state.key,
            refresh_state=state,
            only_load_props=keys,
            with_for_update=with_for_update,
        )
        if found is None:
            raise sa_exc.InvalidRequestError(
                f"Could not refresh instance '{orm_exc.instance_str(instance)}'"
            )

    def _refresh_named_relationships(
        self,
        state: InstanceState[Any],
        instance: object,
        keys: list[str],
        rel_keys: Any,
    ) -> None:
        # A relationship named in refresh(obj, [...]) is loaded now, whatever
        # its loader, not on next access, as SQLAlchemy 2.0.4+ does: it is how
        # an AsyncSession loads a relationship without an implicit lazy load.
        from .strategies import load_relationship

        props = state.mapper._props
        impls = state.manager.impls
        d = instance.__dict__
        for key in keys:
            if key not in rel_keys or key in d:
                continue
            if getattr(props.get(key), "lazy", None) in ("dynamic", "write_only"):
                continue
            impl = impls[key]
            become = getattr(impl, "_become", None)  # a not-yet-configured impl
            if become is not None:
                impl = become()
            with self.no_autoflush:
                load_relationship(impl, state, d, refresh=True)

    def is_modified(self, instance: object, include_collections: bool = True) -> bool:
        """True if ``instance`` has net attribute changes not yet flushed."""
        state = object_state(instance)
        if not state.modified:
            return False
        for _key, impl in state.manager.impls.items():
            if impl.get_history(state, PASSIVE_NO_INITIALIZE).has_changes():
                return True
        return False

    # ------------------------------------------------------------------
    # get / merge

    def get(
        self,
        entity: Any,
        ident: Any,
        *,
        options: Optional[Sequence[Any]] = None,
        populate_existing: bool = False,
        with_for_update: Any = None,
        identity_token: Any = None,
        execution_options: Any = None,
        bind_arguments: Any = None,
    ) -> Any:
        """The object with primary key ``ident``, from the identity map or the DB."""
        if not populate_existing and with_for_update is None:
            # identity-map hit: a couple of dict lookups, no SQL
            manager = getattr(entity, "__dict__", _EMPTY).get(MANAGER_KEY)
            if manager is not None and manager.mapper is not None:
                mapper = manager.mapper
                pk = ident if type(ident) is tuple else (ident,)
                try:
                    state = self.identity_map._dict.get(
                        (mapper._identity_class, pk, identity_token)
                    )
                except TypeError:  # a dict / list identifier: the full path
                    state = None
                # a fully expired object reloads (SQLAlchemy's rule); a
                # partially expired one loads its attributes on access
                if state is not None and not state.expired:
                    obj = state()
                    if obj is not None and isinstance(obj, manager.class_):
                        return obj
        self._check_active()
        return get_by_ident(
            self,
            entity,
            ident,
            populate_existing=populate_existing,
            with_for_update=with_for_update,
            identity_token=identity_token,
            options=options,
        )

    def get_one(self, entity: Any, ident: Any, **kw: Any) -> Any:
        """Like get() but raising ``NoResultFound`` when there is no such row."""
        obj = self.get(entity, ident, **kw)
        if obj is None:
            raise sa_exc.NoResultFound("No row was found when one was required")
        return obj

    def merge(self, instance: _T, *, load: bool = True, options: Any = None) -> _T:
        """Copy ``instance``'s state onto the Session's object with the same key."""
        if self._warn_on_events:
            pass
        self._check_active()
        if load:
            self._autoflush()
        return merge_instance(self, instance, load)  # type: ignore[no-any-return]

    def enable_relationship_loading(self, obj: object) -> None:  # pragma: no cover
        raise NotImplementedError(
            "Session.enable_relationship_loading() is not supported by quicksilver"
        )

    # ------------------------------------------------------------------
    # flush

    def flush(self, objects: Optional[Sequence[Any]] = None) -> None:
        """Write pending changes to the database inside the current transaction."""
        if self._flushing:
            raise sa_exc.InvalidRequestError("Session is already flushing")
        if not (self._new or self._deleted or self.identity_map._modified):
            return
        self._check_active()
        self._flushing = True
        try:
            flush_session(self, objects)
        finally:
            self._flushing = False
        self._autocommit_after_operation()

    def _register_persistent(self, state: InstanceState[Any], obj: Any) -> None:
        self._new.pop(state, None)
        self.identity_map.replace(state)
        state.session_id = self.hash_key
        if self.dispatch.pending_to_persistent:
            self.dispatch.pending_to_persistent(self, obj)

    def bulk_save_objects(self, objects: Iterable[Any], **kw: Any) -> None:
        """Legacy bulk save: add and flush (history is kept, unlike SQLAlchemy)."""
        for obj in objects:
            self.add(obj)
        self.flush()

    def bulk_insert_mappings(
        self,
        mapper: Any,
        mappings: Iterable[dict[str, Any]],
        return_defaults: bool = False,
        render_nulls: bool = False,
    ) -> None:
        """Legacy bulk INSERT of dictionaries keyed by attribute name."""
        from .bulk_persistence import bulk_insert

        bulk_insert(self, mapper, list(mappings))

    def bulk_update_mappings(
        self, mapper: Any, mappings: Iterable[dict[str, Any]]
    ) -> None:
        """Legacy bulk UPDATE of dictionaries keyed by attribute name (with pk)."""
        from .bulk_persistence import bulk_update

        bulk_update(self, mapper, list(mappings))

    @classmethod
    def close_all(cls) -> None:
        close_all_sessions()

    @classmethod
    def object_session(cls, instance: object) -> Optional["Session"]:
        return object_session(instance)

    @classmethod
    def identity_key(cls, *args: Any, **kw: Any) -> Any:
        from .util import identity_key

        return identity_key(*args, **kw)


class _NoAutoflush:
    __slots__ = ("session", "saved")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.saved = session.autoflush

    def __enter__(self) -> Session:
        self.saved = self.session.autoflush
        self.session.autoflush = False
        return self.session

    def __exit__(self, *exc_info: Any) -> None:
        self.session.autoflush = self.saved


def _bind_candidates(mapper: Any, clause: Any) -> list[Any]:
    found: list[Any] = []
    if mapper is not None:
        from .mapper import Mapper

        if not isinstance(mapper, Mapper):
            manager = opt_manager_of_class(mapper)
            mapper = manager.mapper if manager is not None else None
        if mapper is not None:
            for m in mapper.iterate_to_root():
                found.append(m)
                found.extend(m.class_.__mro__)
            found.extend(mapper.tables)
    if clause is not None:
        table = getattr(clause, "table", None)
        if table is not None:
            found.append(table)
        for t in getattr(clause, "_from_objects", ()) or ():
            found.append(t)
    return found


class sessionmaker:
    """A configurable Session factory (``sqlalchemy.orm.sessionmaker``)."""

    def __init__(
        self,
        bind: Any = None,
        *,
        class_: type[Session] = Session,
        autoflush: bool = True,
        expire_on_commit: bool = True,
        info: Optional[dict[Any, Any]] = None,
        **kw: Any,
    ) -> None:
        kw["bind"] = bind
        kw["autoflush"] = autoflush
        kw["expire_on_commit"] = expire_on_commit
        if info is not None:
            kw["info"] = info
        self.kw = kw
        # a subclass per factory, so event listeners can target the factory
        self.class_ = type(class_.__name__, (class_,), {})

    def begin(self) -> Any:
        """A context manager: new Session, begun; commit on success, then close."""
        return _SessionMakerBegin(self())

    def __call__(self, **local_kw: Any) -> Any:
        """A new Session; ``local_kw`` overrides this factory's configuration."""
        for k, v in self.kw.items():
            if k == "info" and "info" in local_kw:
                d = dict(v)
                d.update(local_kw["info"])
                local_kw["info"] = d
            else:
                local_kw.setdefault(k, v)
        return self.class_(**local_kw)

    def configure(self, **new_kw: Any) -> None:
        """Change this factory's arguments (``sessionmaker.configure``)."""
        self.kw.update(new_kw)

    @staticmethod
    def object_session(instance: object) -> Optional["Session"]:
        return object_session(instance)

    @staticmethod
    def identity_key(*args: Any, **kw: Any) -> Any:
        from .util import identity_key

        return identity_key(*args, **kw)

    def __repr__(self) -> str:
        return "{}(class_={!r}, {})".format(
            type(self).__name__,
            self.class_.__name__,
            ", ".join(f"{k}={v!r}" for k, v in self.kw.items()),
        )


class _SessionMakerBegin:
    __slots__ = ("session", "trans")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.trans: Optional[SessionTransaction] = None

    def __enter__(self) -> Session:
        self.trans = self.session.begin()
        return self.session

    def __exit__(self, type_: Any, value: Any, tb: Any) -> None:
        try:
            assert self.trans is not None
            self.trans.__exit__(type_, value, tb)
        finally:
            self.session.close()


def create_session(bind: Any = None, **kwargs: Any) -> Session:
    """A Session with autoflush and expire_on_commit off (``create_session``)."""
    kwargs.setdefault("autoflush", False)
    kwargs.setdefault("expire_on_commit", False)
    return Session(bind=bind, **kwargs)


def close_all_sessions() -> None:
    """Close every Session in memory (``sqlalchemy.orm.close_all_sessions``)."""
    for ref in list(_sessions.values()):
        session = ref()
        if session is not None:
            session.close()


def object_session(instance: object) -> Optional[Session]:
    """The Session ``instance`` belongs to, or None."""
    state = object_state(instance)
    return state.session


def make_transient(instance: object) -> None:
    """Send ``instance`` back to the transient state (no session, no identity).

    Expired attributes stay unloaded, as in SQLAlchemy.
    """
    state = instance_state(instance)
    session = state.session
    if session is not None:
        session._expunge_states([state])
    state.session_id = None
    state.key = None
    state._deleted = False
    state._was_deleted = False
    if state._strong_obj is not None:
        state._strong_obj = None
    state._instance_dict = None
    from .attributes import _EMPTY_CS
    from .state import _EMPTY_SET

    state.committed_state = _EMPTY_CS
    state.expired_attributes = _EMPTY_SET
    if state.expired:
        state.expired = False


def make_transient_to_detached(instance: object) -> None:
    """Give a transient ``instance`` its identity key, making it detached."""
    state = instance_state(instance)
    if state.session_id is not None and state.session_id in _sessions:
        raise sa_exc.InvalidRequestError("Given object must be transient")
    if state.key is not None:
        raise sa_exc.InvalidRequestError("Given object must be transient")
    mapper = state.mapper
    state.key = mapper.identity_key_from_instance(instance)
    if state._deleted:
        state._deleted = False
    from .attributes import _EMPTY_CS

    state.committed_state = _EMPTY_CS
    state.modified = False
    d = state.dict
    missing = [k for k in state.manager.impls if k not in d]
    if missing:
        state.expired_attributes = set(missing)


__all__ = [
    "Session",
    "sessionmaker",
    "close_all_sessions",
    "object_session",
    "make_transient",
    "make_transient_to_detached",
    "NO_VALUE",
    "STATE_KEY",
    "warn",
    "contextlib",
    "weakref",
]
