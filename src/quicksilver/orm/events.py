"""ORM events: SessionEvents, MapperEvents, InstanceEvents, AttributeEvents.

Names and listener signatures mirror ``sqlalchemy.orm.events``.  Targets are
resolved the way SQLAlchemy users expect: a mapped class stands for its
Mapper (mapper events) or ClassManager (instance events); an unmapped base
such as a declarative ``Base`` stands for every mapped subclass, present and
future; a ``sessionmaker`` stands for the Session subclass it creates.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

from .. import exc as sa_exc
from ..event.base import Events, _Listener

# (events class, target class) -> [(identifier, fn, kw)] applied to future mappers
_deferred: dict[
    tuple[type, type], list[tuple[str, Callable[..., Any], dict[str, Any]]]
] = {}
_all_mappers: "weakref.WeakSet[Any]" = weakref.WeakSet()


def _raw_wrap(fn: Callable[..., Any], pos: int) -> Callable[..., Any]:
    """Turn the instance argument at ``pos`` into its InstanceState (raw=True)."""
    from .base import instance_state

    def call(*args: Any) -> Any:
        args_l = list(args)
        args_l[pos] = instance_state(args_l[pos])
        return fn(*args_l)

    return call


class _ClassTargetEvents(Events[Any]):
    """Events whose class-valued targets mean "these mapped classes"."""

    _owner_attr = "mapper"
    _instance_arg_pos: dict[str, int] = {}

    @classmethod
    def _owner_for(cls, mapper: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def _is_core_target(cls, target: Any) -> bool:
        return False

    @classmethod
    def _accept_with(cls, target: Any, identifier: str) -> Any:
        from .mapper import Mapper

        if cls._is_core_target(target):
            return target
        if isinstance(target, Mapper):
            return target.class_
        if isinstance(target, type):
            return target
        dispatch = getattr(target, "dispatch", None)
        if isinstance(dispatch, cls._dispatch_class):
            return target
        return None

    @classmethod
    def _listen(
        cls,
        target: Any,
        identifier: str,
        fn: Callable[..., Any],
        *,
        propagate: bool = False,
        raw: bool = False,
        **kw: Any,
    ) -> None:
        if raw and identifier in cls._instance_arg_pos:
            fn = _wrapped_raw(fn, cls._instance_arg_pos[identifier])
        if cls._is_core_target(target) or not isinstance(target, type):
            Events._listen.__func__(  # type: ignore[attr-defined]
                cls, target, identifier, fn, propagate=propagate, **kw
            )
            return
        from .base import opt_manager_of_class

        manager = opt_manager_of_class(target)
        # unmapped bases (a declarative Base, a mixin) always reach subclasses
        reach_subclasses = propagate or manager is None
        if reach_subclasses:
            _deferred.setdefault((cls, target), []).append(
                (identifier, fn, dict(kw, propagate=propagate))
            )
        for mapper in list(_all_mappers):
            if mapper.class_ is target or (
                reach_subclasses and issubclass(mapper.class_, target)
            ):
                Events._listen.__func__(  # type: ignore[attr-defined]
                    cls, cls._owner_for(mapper), identifier, fn, **kw
                )

    @classmethod
    def _new_mapper(cls, mapper: Any) -> None:
        """Apply deferred (propagating) listeners to a newly created mapper."""
        for (events, target), entries in list(_deferred.items()):
            if events is not cls or not issubclass(mapper.class_, target):
                continue
            for identifier, fn, kw in entries:
                kw = {k: v for k, v in kw.items() if k != "propagate"}
                Events._listen.__func__(  # type: ignore[attr-defined]
                    cls, cls._owner_for(mapper), identifier, fn, **kw
                )

    @classmethod
    def _remove(cls, target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
        if cls._is_core_target(target) or not isinstance(target, type):
            return Events._remove.__func__(cls, target, identifier, fn)  # type: ignore[attr-defined,no-any-return]
        found = False
        entries = _deferred.get((cls, target))
        if entries:
            kept = [e for e in entries if e[1] is not fn]
            found = len(kept) != len(entries)
            _deferred[(cls, target)] = kept
        for mapper in list(_all_mappers):
            if issubclass(mapper.class_, target):
                owner = cls._owner_for(mapper)
                if owner.dispatch._remove(identifier, fn):
                    found = True
        return found

    @classmethod
    def _contains(cls, target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
        if cls._is_core_target(target) or not isinstance(target, type):
            return Events._contains.__func__(cls, target, identifier, fn)  # type: ignore[attr-defined,no-any-return]
        for mapper in list(_all_mappers):
            if mapper.class_ is target:
                return bool(cls._owner_for(mapper).dispatch._contains(identifier, fn))
        return any(e[1] is fn for e in _deferred.get((cls, target), ()))


def _wrapped_raw(fn: Callable[..., Any], pos: int) -> Callable[..., Any]:
    return _raw_wrap(fn, pos)


class InstanceEvents(_ClassTargetEvents):
    """Events on instances of a mapped class (``sqlalchemy.orm.InstanceEvents``)."""

    _instance_arg_pos = {
        "init": 0,
        "init_failure": 0,
        "load": 0,
        "refresh": 0,
        "refresh_flush": 0,
        "expire": 0,
        "pickle": 0,
        "unpickle": 0,
    }

    @classmethod
    def _owner_for(cls, mapper: Any) -> Any:
        return mapper.class_manager

    @classmethod
    def _is_core_target(cls, target: Any) -> bool:
        from .instrumentation import ClassManager

        return isinstance(target, ClassManager) or target is ClassManager

    def first_init(self, manager: Any, cls: type) -> None:
        """The first instance of ``cls`` is being constructed."""

    def init(self, target: Any, args: Any, kwargs: Any) -> None:
        """The instance's ``__init__`` is about to run."""

    def init_failure(self, target: Any, args: Any, kwargs: Any) -> None:
        """The instance's ``__init__`` raised."""

    def load(self, target: Any, context: Any) -> None:
        """The instance was created from a row."""

    def refresh(self, target: Any, context: Any, attrs: Any) -> None:
        """Attributes were refreshed from a row."""

    def refresh_flush(self, target: Any, flush_context: Any, attrs: Any) -> None:
        """Column defaults were fetched back during flush."""

    def expire(self, target: Any, attrs: Any) -> None:
        """Attributes (or all, ``attrs=None``) were expired."""

    def pickle(self, target: Any, state_dict: Any) -> None:
        """The instance is being pickled."""

    def unpickle(self, target: Any, state_dict: Any) -> None:
        """The instance was unpickled."""


class MapperEvents(_ClassTargetEvents):
    """Mapper and persistence events (``sqlalchemy.orm.MapperEvents``)."""

    _instance_arg_pos = {
        "before_insert": 2,
        "after_insert": 2,
        "before_update": 2,
        "after_update": 2,
        "before_delete": 2,
        "after_delete": 2,
    }

    @classmethod
    def _owner_for(cls, mapper: Any) -> Any:
        return mapper

    @classmethod
    def _is_core_target(cls, target: Any) -> bool:
        from .mapper import Mapper

        if isinstance(target, type) and issubclass(target, Mapper):
            return True
        return False

    @classmethod
    def _accept_with(cls, target: Any, identifier: str) -> Any:
        from .mapper import Mapper

        if isinstance(target, Mapper):
            return target
        if identifier in ("before_configured", "after_configured") and (
            isinstance(target, type)
        ):
            return Mapper
        return super()._accept_with(target, identifier)

    def instrument_class(self, mapper: Any, class_: type) -> None:
        """The class is about to be instrumented."""

    def before_mapper_configured(self, mapper: Any, class_: type) -> None:
        """The mapper is about to be configured."""

    def mapper_configured(self, mapper: Any, class_: type) -> None:
        """The mapper finished configuring."""

    def before_configured(self) -> None:
        """A ``configure_mappers()`` run is starting."""

    def after_configured(self) -> None:
        """A ``configure_mappers()`` run finished."""

    def before_insert(self, mapper: Any, connection: Any, target: Any) -> None:
        """Before the INSERT of ``target``."""

    def after_insert(self, mapper: Any, connection: Any, target: Any) -> None:
        """After the INSERT of ``target``."""

    def before_update(self, mapper: Any, connection: Any, target: Any) -> None:
        """Before the UPDATE of ``target`` (called for every dirty object)."""

    def after_update(self, mapper: Any, connection: Any, target: Any) -> None:
        """After the UPDATE of ``target``."""

    def before_delete(self, mapper: Any, connection: Any, target: Any) -> None:
        """Before the DELETE of ``target``."""

    def after_delete(self, mapper: Any, connection: Any, target: Any) -> None:
        """After the DELETE of ``target``."""


class SessionEvents(Events[Any]):
    """Session lifecycle events (``sqlalchemy.orm.SessionEvents``)."""

    @classmethod
    def _accept_with(cls, target: Any, identifier: str) -> Any:
        from .scoping import scoped_session
        from .session import Session, sessionmaker

        if isinstance(target, scoped_session):
            target = target.session_factory
        if isinstance(target, sessionmaker):
            return target.class_
        if isinstance(target, type) and issubclass(target, Session):
            return target
        if isinstance(target, Session):
            return target
        if isinstance(target, type) and target.__name__ == "AsyncSession":
            return Session
        sync = getattr(target, "sync_session", None)
        if isinstance(sync, Session):
            return sync
        return None

    def do_orm_execute(self, orm_execute_state: Any) -> None:
        """An ORM statement is being executed."""

    def after_transaction_create(self, session: Any, transaction: Any) -> None:
        """A SessionTransaction was created."""

    def after_transaction_end(self, session: Any, transaction: Any) -> None:
        """A SessionTransaction ended."""

    def before_commit(self, session: Any) -> None:
        """Before a commit (the flush has not yet happened)."""

    def after_commit(self, session: Any) -> None:
        """After a commit."""

    def after_rollback(self, session: Any) -> None:
        """After a database rollback."""

    def after_soft_rollback(self, session: Any, previous_transaction: Any) -> None:
        """After any rollback, including of a subtransaction."""

    def before_flush(self, session: Any, flush_context: Any, instances: Any) -> None:
        """Before a flush; the Session may still be changed here."""

    def after_flush(self, session: Any, flush_context: Any) -> None:
        """After SQL was emitted, before the states are brought up to date."""

    def after_flush_postexec(self, session: Any, flush_context: Any) -> None:
        """After a flush finished and the states reflect it."""

    def after_begin(self, session: Any, transaction: Any, connection: Any) -> None:
        """A transaction began on ``connection``."""

    def before_attach(self, session: Any, instance: Any) -> None:
        """``instance`` is about to be attached to ``session``."""

    def after_attach(self, session: Any, instance: Any) -> None:
        """``instance`` was attached to ``session``."""

    def after_bulk_update(self, update_context: Any) -> None:
        """After an ORM-enabled UPDATE statement."""

    def after_bulk_delete(self, delete_context: Any) -> None:
        """After an ORM-enabled DELETE statement."""

    def transient_to_pending(self, session: Any, instance: Any) -> None:
        """transient -> pending."""

    def pending_to_transient(self, session: Any, instance: Any) -> None:
        """pending -> transient (rollback or expunge)."""

    def persistent_to_transient(self, session: Any, instance: Any) -> None:
        """persistent -> transient."""

    def pending_to_persistent(self, session: Any, instance: Any) -> None:
        """pending -> persistent (flushed)."""

    def detached_to_persistent(self, session: Any, instance: Any) -> None:
        """detached -> persistent (add)."""

    def loaded_as_persistent(self, session: Any, instance: Any) -> None:
        """A loaded object became persistent."""

    def persistent_to_deleted(self, session: Any, instance: Any) -> None:
        """persistent -> deleted (DELETE flushed)."""

    def deleted_to_persistent(self, session: Any, instance: Any) -> None:
        """deleted -> persistent (rollback)."""

    def deleted_to_detached(self, session: Any, instance: Any) -> None:
        """deleted -> detached (commit)."""

    def persistent_to_detached(self, session: Any, instance: Any) -> None:
        """persistent -> detached (expunge, close)."""


class AttributeEvents(Events[Any]):
    """Events on one mapped attribute (``sqlalchemy.orm.AttributeEvents``)."""

    @classmethod
    def _accept_with(cls, target: Any, identifier: str) -> Any:
        from .attributes import QueryableAttribute

        if isinstance(target, QueryableAttribute):
            return target
        return None

    @classmethod
    def _listen(
        cls,
        target: Any,
        identifier: str,
        fn: Callable[..., Any],
        *,
        retval: bool = False,
        propagate: bool = False,
        raw: bool = False,
        active_history: bool = False,
        **kw: Any,
    ) -> None:
        from .base import opt_manager_of_class

        if identifier != "set":
            raise sa_exc.InvalidRequestError(
                f"Attribute event {identifier!r} is not supported yet for {target}; "
                "only 'set' is "
                "available until relationships land."
            )
        call = fn
        if raw:
            call = _raw_wrap(fn, 0)
        call = _RetvalCall(call, fn, retval)
        managers = [opt_manager_of_class(target.class_)]
        if propagate:
            managers += [
                opt_manager_of_class(m.class_)
                for m in list(_all_mappers)
                if m.class_ is not target.class_ and issubclass(m.class_, target.class_)
            ]
        for manager in managers:
            if manager is None or target.key not in manager.impls:
                continue
            impl = manager.impls[target.key]
            impl.listeners.append(call)
            if active_history:
                impl.active_history = True
            manager._refresh_plain(target.key)

    @classmethod
    def _remove(cls, target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
        from .base import opt_manager_of_class

        found = False
        for m in list(_all_mappers):
            if issubclass(m.class_, target.class_):
                manager = opt_manager_of_class(m.class_)
                impl = manager.impls.get(target.key) if manager else None
                if impl is None:
                    continue
                kept = [c for c in impl.listeners if c.fn is not fn]
                if len(kept) != len(impl.listeners):
                    found = True
                    impl.listeners[:] = kept
                    manager._refresh_plain(target.key)  # type: ignore[union-attr]
        return found

    def set(self, target: Any, value: Any, oldvalue: Any, initiator: Any) -> None:
        """A scalar attribute is being set."""

    def append(self, target: Any, value: Any, initiator: Any) -> None:
        """An item is appended to a collection."""

    def remove(self, target: Any, value: Any, initiator: Any) -> None:
        """An item is removed from a collection."""

    def modified(self, target: Any, initiator: Any) -> None:
        """``flag_modified()`` was called."""

    def init_scalar(self, target: Any, value: Any, dict_: Any) -> None:
        """An unset scalar attribute was read."""


class _RetvalCall:
    __slots__ = ("call", "fn", "_qs_retval")

    def __init__(self, call: Callable[..., Any], fn: Callable[..., Any], retval: bool):
        self.call = call
        self.fn = fn
        self._qs_retval = retval

    def __call__(self, *args: Any) -> Any:
        return self.call(*args)


__all__ = [
    "InstanceEvents",
    "MapperEvents",
    "SessionEvents",
    "AttributeEvents",
    "_Listener",
]
