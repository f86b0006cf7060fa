"""Instrumented attributes: fast reads from ``__dict__``, tracked writes.

Design (the hot path of the whole ORM):

* Values live in the instance ``__dict__`` under the attribute's key.
* ``User.name`` is an :class:`InstrumentedAttribute` that defines ``__get__``
  only, so it is a *non-data* descriptor: when the key is in the instance
  ``__dict__`` Python returns the value without calling any Python code, at the
  speed of a plain attribute.  ``__get__`` runs only for a missing key, which
  is exactly when something must happen (load an expired/deferred column,
  raise ``DetachedInstanceError``, return ``None`` for an unset attribute).
* Writes cannot go through the descriptor (a ``__set__`` would make it a data
  descriptor and slow every read), so :mod:`.instrumentation` installs a
  ``__setattr__``/``__delattr__`` on each mapped class that routes mapped keys
  to the attribute implementation here, which records history.

History is kept as SQLAlchemy does: ``state.committed_state[key]`` holds the
value loaded from the database before the first change since the last flush
(``NO_VALUE`` when it was not loaded).  For objects with no identity yet
(transient / pending) nothing is recorded at all: every present value is by
definition "added", which keeps building many new objects cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Optional, Sequence

from .. import exc as sa_exc
from . import exc as orm_exc
from .base import (
    NO_VALUE,
    PASSIVE_NO_INITIALIZE,
    PASSIVE_OFF,
    STATE_KEY,
    PassiveFlag,
    instance_state,
)

if TYPE_CHECKING:
    from .state import InstanceState

_EMPTY: tuple[()] = ()


class History(NamedTuple):
    """Added / unchanged / deleted values of one attribute (as SQLAlchemy's)."""

    added: Sequence[Any]
    unchanged: Sequence[Any]
    deleted: Sequence[Any]

    def __bool__(self) -> bool:
        return self != HISTORY_BLANK

    def empty(self) -> bool:
        """True if there is no history at all."""
        return not bool((self.added or self.deleted) or self.unchanged)

    def sum(self) -> Sequence[Any]:
        """added + unchanged + deleted."""
        return list(self.added) + list(self.unchanged) + list(self.deleted)

    def non_deleted(self) -> Sequence[Any]:
        """added + unchanged."""
        return list(self.added) + list(self.unchanged)

    def non_added(self) -> Sequence[Any]:
        """unchanged + deleted."""
        return list(self.unchanged) + list(self.deleted)

    def has_changes(self) -> bool:
        """True if anything was added or deleted."""
        return bool(self.added or self.deleted)

    def as_state(self) -> "History":
        return self

    @classmethod
    def from_scalar_attribute(
        cls, state: "InstanceState[Any]", key: str, current: Any
    ) -> "History":
        cs = state.committed_state
        original = cs.get(key, _NOT_RECORDED)
        if original is _NOT_RECORDED:
            if current is NO_VALUE:
                return HISTORY_BLANK
            if state.key is None:
                # transient/pending: nothing is in the database yet
                return History([current], _EMPTY, _EMPTY)
            return History(_EMPTY, [current], _EMPTY)
        if current is NO_VALUE:
            if original is NO_VALUE or original is None:
                return HISTORY_BLANK
            return History(_EMPTY, _EMPTY, [original])
        if original is not NO_VALUE and _equal(original, current):
            return History(_EMPTY, [current], _EMPTY)
        if original is NO_VALUE or (original is None and state.key is None):
            return History([current], _EMPTY, _EMPTY)
        return History([current], _EMPTY, [original])


HISTORY_BLANK = History(_EMPTY, _EMPTY, _EMPTY)


class _NotRecorded:
    __slots__ = ()


_NOT_RECORDED: Any = _NotRecorded()


def _equal(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # an odd __eq__ (numpy arrays...) means "changed"
        return False


# --------------------------------------------------------------------------
# implementations: what a write does


class ScalarAttributeImpl:
    """Set/delete/history for a column-valued attribute.

    ``validator`` is a ``@validates`` function; ``dispatch`` carries the
    ``set`` attribute-event listeners.  Attributes with neither take the
    inlined fast path in the class's ``__setattr__``.
    """

    __slots__ = ("key", "class_", "validator", "listeners", "active_history")

    accepts_scalar_loader = True
    collection = False
    uses_objects = False

    def __init__(self, class_: type, key: str) -> None:
        self.class_ = class_
        self.key = key
        self.validator: Optional[Callable[[Any, str, Any], Any]] = None
        self.listeners: list[Callable[..., Any]] = []
        self.active_history = False

    @property
    def is_plain(self) -> bool:
        return self.validator is None and not self.listeners

    def set(self, obj: Any, value: Any) -> None:
        d = obj.__dict__
        state = d.get(STATE_KEY) or instance_state(obj)
        key = self.key
        if self.validator is not None:
            value = self.validator(obj, key, value)
        old = d.get(key, NO_VALUE)
        if self.listeners:
            for fn in self.listeners:
                result = fn(obj, value, old, None)
                if result is not None and getattr(fn, "_qs_retval", False):
                    value = result
        if state.key is not None:
            cs = state.committed_state
            if key not in cs:
                if cs is _EMPTY_CS:
                    cs = state.committed_state = {}
                cs[key] = old
            if state.expired_attributes:
                state.expired_attributes.discard(key)
        d[key] = value
        if not state.modified:
            state._modified_event()

    def delete(self, obj: Any) -> None:
        d = obj.__dict__
        state = d.get(STATE_KEY) or instance_state(obj)
        key = self.key
        old = d.get(key, NO_VALUE)
        if old is NO_VALUE and state.key is None:
            raise AttributeError(
                f"{type(obj).__name__} object does not have a value for attribute "
                f"{key!r}"
            )
        if state.key is not None:
            cs = state.committed_state
            if key not in cs:
                if cs is _EMPTY_CS:
                    cs = state.committed_state = {}
                cs[key] = old
        d.pop(key, None)
        if not state.modified:
            state._modified_event()

    def get_history(
        self, state: "InstanceState[Any]", passive: PassiveFlag = PASSIVE_OFF
    ) -> History:
        d = state.dict
        key = self.key
        if key in d:
            return History.from_scalar_attribute(state, key, d[key])
        if (
            passive & PassiveFlag.SQL_OK
            and passive & PassiveFlag.CALLABLES_OK
            and state.key is not None
            and key in state.expired_attributes
            and key not in state.committed_state
        ):
            state._load_attribute(key)
            if key in d:
                return History.from_scalar_attribute(state, key, d[key])
        return History.from_scalar_attribute(state, key, NO_VALUE)


class _EmptyCommitted(dict):  # type: ignore[type-arg]
    """The shared, never-written ``committed_state`` of an unmodified state."""

    __slots__ = ()

    def __setitem__(self, key: Any, value: Any) -> None:  # pragma: no cover
        raise AssertionError("write to the shared empty committed_state")


_EMPTY_CS: dict[str, Any] = _EmptyCommitted()


# --------------------------------------------------------------------------
# class-level attributes: ``User.name``


def _delegating_op(name: str) -> Callable[..., Any]:
    def op(self: "QueryableAttribute", *other: Any) -> Any:
        return getattr(self.expression, name)(*other)

    op.__name__ = name
    return op


class QueryableAttribute:
    """The class-level attribute (``User.name``): a SQL expression source.

    Comparisons and operators build SQL expressions against the mapped
    column (``User.name == "x"``); ``str(User.name)`` is ``"User.name"``.
    Mirrors ``sqlalchemy.orm.QueryableAttribute``.
    """

    is_attribute = True
    _is_instrumented_attribute = True

    def __init__(
        self,
        class_: type,
        key: str,
        impl: Any,
        prop: Any,
        parententity: Any,
    ) -> None:
        self.class_ = class_
        self.key = key
        self.impl = impl
        self.prop = prop
        self._parententity = parententity
        self.__doc__ = getattr(prop, "doc", None)

    @property
    def parent(self) -> Any:
        """The Mapper (``inspect(User)``) this attribute belongs to."""
        return self._parententity

    @property
    def _qs_single_criterion(self) -> Any:
        """The discriminator criterion ``select(Engineer.language)`` needs
        when Engineer is a single-table-inheritance subclass (Select asks)."""
        mapper = self._parententity
        if not getattr(mapper, "is_mapper", False) or not mapper.single:
            return None
        return mapper._single_table_criterion()

    @property
    def mapper(self) -> Any:
        return self._parententity

    @property
    def info(self) -> dict[str, Any]:
        return self.prop.info  # type: ignore[no-any-return]

    @property
    def expression(self) -> Any:
        """The SQL expression (usually the mapped Column) this attribute stands for."""
        return self.prop._attribute_expression()

    @property
    def comparator(self) -> Any:
        return self.prop.comparator

    def __clause_element__(self) -> Any:
        return self.expression

    def _bulk_update_tuples(self, value: Any) -> list[tuple[Any, Any]]:
        return [(self.expression, value)]

    def operate(self, op: Callable[..., Any], *other: Any, **kw: Any) -> Any:
        return op(self.expression, *other, **kw)

    def reverse_operate(self, op: Callable[..., Any], other: Any, **kw: Any) -> Any:
        return op(other, self.expression, **kw)

    def of_type(self, entity: Any) -> "QueryableAttribute":
        return self

    def and_(self, *criteria: Any) -> Any:
        return self.expression.and_(*criteria)

    def label(self, name: Optional[str]) -> Any:
        return self.expression.label(name)

    def adapt_to_entity(self, adapt_to_entity: Any) -> "QueryableAttribute":
        return self

    __eq__ = _delegating_op("__eq__")  # type: ignore[assignment]
    __ne__ = _delegating_op("__ne__")  # type: ignore[assignment]
    __lt__ = _delegating_op("__lt__")
    __le__ = _delegating_op("__le__")
    __gt__ = _delegating_op("__gt__")
    __ge__ = _delegating_op("__ge__")
    __add__ = _delegating_op("__add__")
    __radd__ = _delegating_op("__radd__")
    __sub__ = _delegating_op("__sub__")
    __rsub__ = _delegating_op("__rsub__")
    __mul__ = _delegating_op("__mul__")
    __rmul__ = _delegating_op("__rmul__")
    __truediv__ = _delegating_op("__truediv__")
    __rtruediv__ = _delegating_op("__rtruediv__")
    __floordiv__ = _delegating_op("__floordiv__")
    __rfloordiv__ = _delegating_op("__rfloordiv__")
    __mod__ = _delegating_op("__mod__")
    __rmod__ = _delegating_op("__rmod__")
    __neg__ = _delegating_op("__neg__")
    __invert__ = _delegating_op("__invert__")
    __and__ = _delegating_op("__and__")
    __rand__ = _delegating_op("__rand__")
    __or__ = _delegating_op("__or__")
    __ror__ = _delegating_op("__ror__")
    __getitem__ = _delegating_op("__getitem__")
    __lshift__ = _delegating_op("__lshift__")
    __rshift__ = _delegating_op("__rshift__")
    __pow__ = _delegating_op("__pow__")
    __hash__ = object.__hash__

    def __getattr__(self, name: str) -> Any:
        # ``User.name.like(...)``, ``.in_()``, ``.desc()``...: the column's API
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            expr = self.__dict__["prop"]._attribute_expression()
        except (KeyError, AttributeError):
            raise AttributeError(name)
        try:
            return getattr(expr, name)
        except AttributeError:
            raise AttributeError(
                f"Neither {type(self).__name__!r} object nor {type(expr).__name__!r} "
                f"object associated with {self} has an "
                f"attribute {name!r}"
            )

    def __str__(self) -> str:
        return f"{self.class_.__name__}.{self.key}"

    def __reduce__(self) -> Any:
        return _rebuild_attribute, (self.class_, self.key)


QueryableAttribute.property = property(  # type: ignore[attr-defined]
    lambda self: self.prop, doc="The MapperProperty behind this attribute."
)


def _rebuild_attribute(class_: type, key: str) -> Any:
    return getattr(class_, key)


class InstrumentedAttribute(QueryableAttribute):
    """``User.name`` on a mapped class; reads on instances come from ``__dict__``.

    Mirrors ``sqlalchemy.orm.InstrumentedAttribute``.  Only ``__get__`` is
    defined, so Python reads present values straight from the instance dict;
    this method runs for missing keys only.
    """

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        d = instance.__dict__
        key = self.key
        if key in d:  # a subclass shadowing us, or a value set meanwhile
            return d[key]
        state = d.get(STATE_KEY) or instance_state(instance)
        return self.impl_get(state, d)

    def impl_get(self, state: "InstanceState[Any]", d: dict[str, Any]) -> Any:
        key = self.key
        if state.key is not None and (
            key in state.expired_attributes or self.prop.deferred
        ):
            state._load_attribute(key)
            if key in d:
                return d[key]
        return self.prop._default_value(state, d)


# --------------------------------------------------------------------------
# functional API (sqlalchemy.orm.attributes.*)


def _impl_of(state: "InstanceState[Any]", key: str) -> Any:
    try:
        return state.manager.impls[key]
    except KeyError:
        raise sa_exc.InvalidRequestError(
            f"Attribute {key!r} is not a mapped attribute of "
            f"{state.class_.__name__}; mapped attributes are "
            f"{sorted(state.manager.impls)}."
        )


def get_history(obj: object, key: str, passive: PassiveFlag = PASSIVE_OFF) -> History:
    """History of attribute ``key`` of ``obj`` (``attributes.get_history``)."""
    state = instance_state(obj)
    return _impl_of(state, key).get_history(state, passive)  # type: ignore[no-any-return]


def get_state_history(
    state: "InstanceState[Any]", key: str, passive: PassiveFlag = PASSIVE_OFF
) -> History:
    return _impl_of(state, key).get_history(state, passive)  # type: ignore[no-any-return]


def set_attribute(
    instance: object, key: str, value: Any, initiator: Any = None
) -> None:
    """Set ``key`` on ``instance`` recording history, bypassing user setters."""
    state = instance_state(instance)
    _impl_of(state, key).set(instance, value)


def get_attribute(instance: object, key: str) -> Any:
    """Read ``key`` through the instrumentation, loading it if needed."""
    d = instance.__dict__
    if key in d:
        return d[key]
    state = instance_state(instance)
    attr = state.manager.attributes.get(key)
    if attr is None:
        return getattr(instance, key)
    return attr.impl_get(state, d)


def del_attribute(instance: object, key: str) -> None:
    """Delete ``key`` on ``instance`` recording history."""
    state = instance_state(instance)
    _impl_of(state, key).delete(instance)


def set_committed_value(instance: object, key: str, value: Any) -> None:
    """Set ``key`` as if loaded from the database: no history, not dirty."""
    state = instance_state(instance)
    _impl_of(state, key)
    d = state.dict
    d[key] = value
    if key in state.committed_state:
        del state.committed_state[key]
    if state.expired_attributes:
        state.expired_attributes.discard(key)


def flag_modified(instance: object, key: str) -> None:
    """Mark ``key`` changed so it is included in the next flush's UPDATE.

    As SQLAlchemy: the attribute must be present, else ``InvalidRequestError``.
    """
    state = instance_state(instance)
    _impl_of(state, key)
    d = state.dict
    if key not in d:
        raise sa_exc.InvalidRequestError(
            f"Can't flag attribute '{key}' modified; it's not present in the object "
            "state"
        )
    if state.key is not None:
        cs = state.committed_state
        if cs is _EMPTY_CS:
            cs = state.committed_state = {}
        cs.setdefault(key, NO_VALUE)
    state._modified_event()


def flag_dirty(instance: object) -> None:
    """Mark ``instance`` dirty without changing any attribute (flush events fire)."""
    state = instance_state(instance)
    state._modified_event()


def init_state_collection(*arg: Any, **kw: Any) -> Any:  # pragma: no cover
    raise NotImplementedError("init_state_collection() is not supported by quicksilver")


def instance_state_or_none(obj: object) -> Any:
    return obj.__dict__.get(STATE_KEY) if hasattr(obj, "__dict__") else None


__all__ = [
    "History",
    "HISTORY_BLANK",
    "QueryableAttribute",
    "InstrumentedAttribute",
    "ScalarAttributeImpl",
    "get_history",
    "set_attribute",
    "get_attribute",
    "del_attribute",
    "set_committed_value",
    "flag_modified",
    "flag_dirty",
    "PASSIVE_NO_INITIALIZE",
    "orm_exc",
]
