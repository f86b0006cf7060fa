"""Small shared pieces of the ORM: ``Mapped[T]``, sentinels, state getters.

This is a leaf module of the ORM: everything else imports it and it imports
nothing ORM-specific at module level, so the hot getters below stay plain
functions over ``__dict__``.
"""

from __future__ import annotations

import enum
import operator
from typing import TYPE_CHECKING, Any, Generic, Optional, TypeVar, overload

from .. import exc as sa_exc
from . import exc

if TYPE_CHECKING:
    from .instrumentation import ClassManager
    from .mapper import Mapper
    from .state import InstanceState

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)

#: key of the InstanceState in every mapped instance's ``__dict__``
STATE_KEY = "_sa_instance_state"
#: key of the ClassManager in every mapped class's ``__dict__``
MANAGER_KEY = "_sa_class_manager"


class LoaderCallableStatus(enum.Enum):
    """Sentinels used where ``None`` is a legitimate attribute value."""

    PASSIVE_NO_RESULT = 0
    PASSIVE_CLASS_MISMATCH = 1
    ATTR_WAS_SET = 2
    ATTR_EMPTY = 3
    NO_VALUE = 4
    NEVER_SET = NO_VALUE

    def __repr__(self) -> str:
        return f"symbol({self.name!r})"


PASSIVE_NO_RESULT = LoaderCallableStatus.PASSIVE_NO_RESULT
ATTR_WAS_SET = LoaderCallableStatus.ATTR_WAS_SET
ATTR_EMPTY = LoaderCallableStatus.ATTR_EMPTY
NO_VALUE = LoaderCallableStatus.NO_VALUE
NEVER_SET = NO_VALUE


class PassiveFlag(enum.IntFlag):
    """How far an attribute read may go to produce a value (no SQL, no callables)."""

    NO_CHANGE = 0
    CALLABLES_OK = 1
    SQL_OK = 2
    RELATED_OBJECT_OK = 4
    INIT_OK = 8
    NON_PERSISTENT_OK = 16
    LOAD_AGAINST_COMMITTED = 32
    NO_AUTOFLUSH = 64
    NO_RAISE = 128
    DEFERRED_HISTORY_LOAD = 256
    INCLUDE_PENDING_MUTATIONS = 512
    PASSIVE_OFF = (
        RELATED_OBJECT_OK | NON_PERSISTENT_OK | INIT_OK | CALLABLES_OK | SQL_OK
    )
    PASSIVE_RETURN_NO_VALUE = PASSIVE_OFF ^ INIT_OK
    PASSIVE_NO_INITIALIZE = PASSIVE_RETURN_NO_VALUE ^ CALLABLES_OK
    PASSIVE_NO_FETCH = PASSIVE_OFF ^ SQL_OK
    PASSIVE_NO_FETCH_RELATED = PASSIVE_OFF ^ RELATED_OBJECT_OK
    PASSIVE_ONLY_PERSISTENT = PASSIVE_OFF ^ NON_PERSISTENT_OK


PASSIVE_OFF = PassiveFlag.PASSIVE_OFF
PASSIVE_NO_INITIALIZE = PassiveFlag.PASSIVE_NO_INITIALIZE
PASSIVE_NO_FETCH = PassiveFlag.PASSIVE_NO_FETCH
PASSIVE_RETURN_NO_VALUE = PassiveFlag.PASSIVE_RETURN_NO_VALUE


class Mapped(Generic[_T]):
    """Annotation marking a mapped attribute: ``id: Mapped[int]`` (as SQLAlchemy).

    At runtime the class attribute is an ``InstrumentedAttribute``; this class
    exists for annotations and type checkers.  Declarative reads the argument
    (``Mapped[Optional[str]]``) to pick the column type and nullability.
    """

    __slots__ = ()

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: Any) -> Any: ...

        @overload
        def __get__(self, instance: object, owner: Any) -> _T: ...

        def __get__(self, instance: Any, owner: Any) -> Any: ...

        def __set__(self, instance: Any, value: Any) -> None: ...

        def __delete__(self, instance: Any) -> None: ...


class _MappedAnnotationBase(Mapped[_T]):
    __slots__ = ()


class WriteOnlyMapped(_MappedAnnotationBase[_T]):
    """Annotation for a write-only relationship collection (as SQLAlchemy)."""

    __slots__ = ()


class DynamicMapped(_MappedAnnotationBase[_T]):
    """Annotation for a legacy dynamic relationship (as SQLAlchemy)."""

    __slots__ = ()


class Unmapped(Generic[_T]):
    """Annotation for a class attribute declarative must leave alone."""

    __slots__ = ()


class MappedSQLExpression(Generic[_T]):
    """Marker base for column_property() results in annotations."""

    __slots__ = ()


#: True while some mapper awaits configure_mappers(); read on object creation
#: and statement execution so relationships are configured before first use
_mappers_pending: list[bool] = [False]


def _configure_pending() -> None:
    from .mapper import configure_mappers

    configure_mappers()


# --------------------------------------------------------------------------
# state getters: the hot path (one dict lookup each)

_state_getter = operator.itemgetter(STATE_KEY)


def manager_of_class(cls: type) -> "ClassManager":
    """The ClassManager of a mapped class; UnmappedClassError otherwise."""
    try:
        return cls.__dict__[MANAGER_KEY]  # type: ignore[no-any-return]
    except (KeyError, AttributeError):
        raise exc.UnmappedClassError(
            cls, f"Can't locate an instrumentation manager for class {cls}"
        )


def opt_manager_of_class(cls: Any) -> Optional["ClassManager"]:
    """The ClassManager of ``cls`` or None if it is not mapped."""
    try:
        return cls.__dict__.get(MANAGER_KEY)  # type: ignore[no-any-return]
    except AttributeError:
        return None


def instance_state(instance: object) -> "InstanceState[Any]":
    """The InstanceState of a mapped instance (``sqlalchemy.orm.base.instance_state``).

    Creates the state on first use for instances made without ``__init__``
    (``cls.__new__(cls)``); raises ``UnmappedInstanceError`` for anything else.
    """
    try:
        return instance.__dict__[STATE_KEY]  # type: ignore[no-any-return]
    except (KeyError, AttributeError):
        manager = opt_manager_of_class(type(instance))
        if manager is None:
            raise exc.UnmappedInstanceError(instance)
        return manager._new_state(instance)


def _opt_instance_state(instance: object) -> "Optional[InstanceState[Any]]":
    try:
        return instance.__dict__[STATE_KEY]  # type: ignore[no-any-return]
    except (KeyError, AttributeError):
        manager = opt_manager_of_class(type(instance))
        if manager is None:
            return None
        return manager._new_state(instance)


def instance_dict(instance: object) -> dict[str, Any]:
    """The ``__dict__`` holding an instance's attribute values."""
    return instance.__dict__


def _class_to_mapper(cls: Any) -> "Mapper[Any]":
    return class_mapper(cls)


def class_mapper(class_: type, configure: bool = True) -> "Mapper[Any]":
    """The Mapper of a class (``sqlalchemy.orm.class_mapper``).

    Raises ``UnmappedClassError`` for an unmapped class and ``ArgumentError`` for
    something that is not a class at all.
    """
    manager = opt_manager_of_class(class_)
    if manager is None:
        if not isinstance(class_, type):
            raise sa_exc.ArgumentError(f"Class object expected, got '{class_!r}'.")
        raise exc.UnmappedClassError(class_)
    mapper = manager.mapper
    if configure:
        mapper._check_configure()
    return mapper


def object_mapper(instance: object) -> "Mapper[Any]":
    """The Mapper of a mapped instance (``sqlalchemy.orm.object_mapper``)."""
    manager = opt_manager_of_class(type(instance))
    if manager is None:
        raise exc.UnmappedInstanceError(instance)
    return manager.mapper


def _state_mapper(state: "InstanceState[Any]") -> "Mapper[Any]":
    return state.manager.mapper


def state_str(state: Any) -> str:
    """``<User at 0x...>`` for messages."""
    return exc.state_str(state)


def instance_str(instance: object) -> str:
    return exc.instance_str(instance)


def object_state(instance: object) -> "InstanceState[Any]":
    """Like instance_state() but raising UnmappedInstanceError for any failure."""
    state = _opt_instance_state(instance)
    if state is None:
        raise exc.UnmappedInstanceError(instance)
    return state
