"""Per-class instrumentation: the ClassManager and the installed hooks.

Each mapped class gets, in its own ``__dict__``:

* ``_sa_class_manager``: its :class:`ClassManager` (attribute impls, mapper,
  the instance-event dispatcher);
* an ``InstrumentedAttribute`` per mapped attribute (non-data descriptors);
* ``__setattr__`` / ``__delattr__`` routing mapped keys to the attribute
  implementations, with the plain scalar case inlined (see
  :mod:`.attributes` for why writes cannot go through the descriptor);
* an ``__init__`` wrapper that creates the InstanceState first and fires the
  ``init`` / ``init_failure`` instance events.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Callable, Optional

from .attributes import _EMPTY_CS, InstrumentedAttribute, ScalarAttributeImpl
from .base import MANAGER_KEY, NO_VALUE, STATE_KEY, _configure_pending, _mappers_pending
from .state import InstanceState, _state_gone

if TYPE_CHECKING:
    from .mapper import Mapper

_object_setattr = object.__setattr__
_object_delattr = object.__delattr__
_new_state_ref = InstanceState.__new__


class ClassManager:
    """Instrumentation of one mapped class (``sqlalchemy.orm.ClassManager``).

    Holds ``impls`` (key -> attribute implementation), ``attributes`` (key ->
    InstrumentedAttribute), the ``mapper`` and the instance-event ``dispatch``.
    """

    def __init__(self, class_: type) -> None:
        from .events import InstanceEvents

        self.class_ = class_
        self.impls: dict[str, Any] = {}
        self.attributes: dict[str, InstrumentedAttribute] = {}
        self._plain_keys: set[str] = set()
        self.mapper: "Mapper[Any]" = None  # type: ignore[assignment]
        self.info: dict[Any, Any] = {}
        self.dispatch = InstanceEvents._create_dispatch(self)
        self._original_init = class_.__dict__.get("__init__")
        self._installed: list[str] = []
        self.factory: Optional[Callable[..., Any]] = None
        self._default_init: Optional[Callable[..., Any]] = None
        # set by the Mapper: the discriminator attribute and this class's value
        self._poly_key: Optional[str] = None
        self._poly_identity: Any = None

    # ------------------------------------------------------------------
    # state creation (hot on load: keep it flat)

    def _new_state(self, obj: object) -> InstanceState[Any]:
        """Create and attach the InstanceState of a new (transient) object."""
        state = _new_state_ref(InstanceState, obj, _state_gone)
        state.manager = self
        state.key = None
        state.session_id = None
        state._instance_dict = None
        obj.__dict__[STATE_KEY] = state
        return state

    def new_instance(self, state: Optional[InstanceState[Any]] = None) -> Any:
        """A new instance without calling ``__init__`` (as loading does)."""
        obj: Any = object.__new__(self.class_)
        self._new_state(obj)
        return obj

    # ------------------------------------------------------------------
    # attributes

    @property
    def is_mapped(self) -> bool:
        return self.mapper is not None

    def instrument_attribute(
        self, key: str, attr: InstrumentedAttribute, install: bool = True
    ) -> None:
        """Register ``attr`` under ``key`` and put it on the class."""
        self.attributes[key] = attr
        self.impls[key] = attr.impl
        self._scalar_keys = None
        self._refresh_plain(key)
        if install:
            setattr(self.class_, key, attr)
            self._installed.append(key)

    #: keys that expire as column data (relationships reload by their own
    #: loader); recomputed after instrumentation changes
    _scalar_keys: Optional[frozenset[str]] = None

    def scalar_loader_keys(self) -> frozenset[str]:
        keys = self._scalar_keys
        if keys is None:
            keys = self._scalar_keys = frozenset(
                k
                for k, impl in self.impls.items()
                if getattr(impl, "accepts_scalar_loader", True)
            )
        return keys

    def _refresh_plain(self, key: str) -> None:
        impl = self.impls.get(key)
        if isinstance(impl, ScalarAttributeImpl) and impl.is_plain:
            self._plain_keys.add(key)
        else:
            self._plain_keys.discard(key)

    def uninstrument_attribute(self, key: str) -> None:
        self.attributes.pop(key, None)
        self.impls.pop(key, None)
        self._scalar_keys = None
        self._plain_keys.discard(key)
        if key in self.class_.__dict__ and key in self._installed:
            delattr(self.class_, key)

    def __contains__(self, key: str) -> bool:
        return key in self.impls

    def __iter__(self) -> Any:
        return iter(self.attributes)

    def keys(self) -> Any:
        return self.attributes.keys()

    def values(self) -> Any:
        return self.attributes.values()

    def items(self) -> Any:
        return self.attributes.items()

    def __getitem__(self, key: str) -> InstrumentedAttribute:
        return self.attributes[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.attributes.get(key, default)

    # ------------------------------------------------------------------
    # class hooks

    def install_hooks(self) -> None:
        """Install ``__setattr__``, ``__delattr__`` and the ``__init__`` wrapper."""
        cls = self.class_
        setattr(cls, MANAGER_KEY, self)
        base_setattr = _inherited(cls, "__setattr__", _object_setattr)
        base_delattr = _inherited(cls, "__delattr__", _object_delattr)
        plain = self._plain_keys
        impls = self.impls

        def __setattr__(self: Any, key: str, value: Any) -> None:
            if key in plain:
                d = self.__dict__
                state = d.get(STATE_KEY)
                if state is None:
                    state = _manager._new_state(self)
                if state.key is not None:
                    cs = state.committed_state
                    if key not in cs:
                        if cs is _EMPTY_CS:
                            cs = state.committed_state = {}
                        cs[key] = d.get(key, NO_VALUE)
                    if state.expired_attributes:
                        state.expired_attributes.discard(key)
                d[key] = value
                if not state.modified:
                    state._modified_event()
                return
            impl = impls.get(key)
            if impl is None:
                base_setattr(self, key, value)
            else:
                impl.set(self, value)

        def __delattr__(self: Any, key: str) -> None:
            impl = impls.get(key)
            if impl is None:
                base_delattr(self, key)
            else:
                impl.delete(self)

        _manager = self
        cls.__setattr__ = __setattr__  # type: ignore[assignment,method-assign]
        cls.__delattr__ = __delattr__  # type: ignore[assignment,method-assign]
        self._installed_hooks = ["__setattr__", "__delattr__"]
        if _inherited(cls, "__getstate__", None) in (None, _OBJECT_GETSTATE) and (
            _inherited(cls, "__setstate__", None) is None
        ):
            cls.__getstate__ = _getstate  # type: ignore[attr-defined,method-assign]
            cls.__setstate__ = _setstate  # type: ignore[attr-defined]
            self._installed_hooks += ["__getstate__", "__setstate__"]
        self._install_init()

    def _install_init(self) -> None:
        cls = self.class_
        original = cls.__dict__.get("__init__")
        if original is None:
            original = _inherited(cls, "__init__", object.__init__)
        if self._default_init is not None and (
            original is object.__init__ or getattr(original, "_qs_default", False)
        ):
            original = self._default_init
        manager = self
        if getattr(original, "_qs_default", False):
            self._install_default_init(original)
            return

        def __init__(self: Any, *args: Any, **kw: Any) -> None:
            if _mappers_pending[0]:
                _configure_pending()
            d = self.__dict__
            if STATE_KEY not in d:
                manager._new_state(self)
                if manager._poly_key is not None:
                    d[manager._poly_key] = manager._poly_identity
                dispatch = manager.dispatch
                if dispatch.init:
                    dispatch.init(self, args, kw)
                if dispatch.init_failure:
                    try:
                        original(self, *args, **kw)
                    except BaseException:
                        dispatch.init_failure(self, args, kw)
                        raise
                    return
            original(self, *args, **kw)

        __init__._qs_wrapped = original  # type: ignore[attr-defined]
        __init__.__doc__ = getattr(original, "__doc__", None)
        __init__.__name__ = "__init__"
        __init__.__qualname__ = f"{cls.__name__}.__init__"
        cls.__init__ = __init__  # type: ignore[misc]
        self._installed_hooks.append("__init__")

    def _install_default_init(self, original: Callable[..., Any]) -> None:
        """The declarative ``__init__(**kw)``, specialised for speed.

        A new object has no identity, so no history needs recording: plain
        mapped keys go straight into ``__dict__``.  Anything else (validators,
        listeners, synonyms, hybrids, unknown keywords) takes the ordinary
        ``setattr`` path, which raises SQLAlchemy's ``TypeError`` for keywords
        that are not attributes of the class.
        """
        cls = self.class_
        manager = self
        plain = self._plain_keys

        new_ref = _new_state_ref
        gone = _state_gone

        def __init__(self: Any, **kw: Any) -> None:
            if _mappers_pending[0]:
                _configure_pending()
            d = self.__dict__
            state = d.get(STATE_KEY)
            if state is None:
                state = new_ref(InstanceState, self, gone)
                state.manager = manager
                state.key = None
                state.session_id = None
                state._instance_dict = None
                d[STATE_KEY] = state
                if manager._poly_key is not None:
                    d[manager._poly_key] = manager._poly_identity
                dispatch = manager.dispatch
                if dispatch.init or dispatch.init_failure:
                    if dispatch.init:
                        dispatch.init(self, (), kw)
                    try:
                        original(self, **kw)
                    except BaseException:
                        if dispatch.init_failure:
                            dispatch.init_failure(self, (), kw)
                        raise
                    return
            if state.key is not None:
                original(self, **kw)
                return
            for k, v in kw.items():
                if k in plain:
                    d[k] = v
                else:
                    original(self, **{k: v})
            if kw and not state.modified:
                if state._instance_dict is None:
                    state.modified = True
                else:
                    state._modified_event()

        __init__._qs_wrapped = original  # type: ignore[attr-defined]
        __init__.__doc__ = getattr(original, "__doc__", None)
        __init__.__name__ = "__init__"
        __init__.__qualname__ = f"{cls.__name__}.__init__"
        cls.__init__ = __init__  # type: ignore[misc]
        self._installed_hooks.append("__init__")

    def dispose(self) -> None:
        """Remove every trace of instrumentation from the class."""
        cls = self.class_
        for key in list(self._installed):
            if key in cls.__dict__:
                try:
                    delattr(cls, key)
                except AttributeError:  # pragma: no cover
                    pass
        for name in getattr(self, "_installed_hooks", ()):
            if name in cls.__dict__:
                delattr(cls, name)
        if self._original_init is not None:
            cls.__init__ = self._original_init  # type: ignore[misc]
        if MANAGER_KEY in cls.__dict__:
            delattr(cls, MANAGER_KEY)

    def __repr__(self) -> str:
        return f"<ClassManager of {self.class_.__name__} at 0x{id(self):x}>"


_PICKLED_STATE = "_qs_pickled_state"
_OBJECT_GETSTATE = getattr(object, "__getstate__", None)


def _getstate(self: Any) -> dict[str, Any]:
    """Pickle a mapped object: its values plus its identity, not its Session.

    As in SQLAlchemy, an unpickled object is detached (or transient); its
    expired attributes stay unloaded until it is added to a Session.
    """
    d = dict(self.__dict__)
    state = d.pop(STATE_KEY, None)
    if state is not None:
        d[_PICKLED_STATE] = (
            state.key,
            set(state.expired_attributes),
            state.modified,
            dict(state.committed_state) if state.committed_state else None,
        )
    return d


def _setstate(self: Any, d: dict[str, Any]) -> None:
    info = d.pop(_PICKLED_STATE, None)
    self.__dict__.update(d)
    manager = type(self).__dict__.get(MANAGER_KEY)
    if manager is None:
        return
    state = manager._new_state(self)
    if info is not None:
        key, expired, modified, committed = info
        state.key = key
        if expired:
            state.expired_attributes = expired
        if committed:
            state.committed_state = committed
        if modified:
            state.modified = True


def _inherited(cls: type, name: str, default: Any) -> Any:
    """The ``name`` attribute the class would have without our own hook."""
    for base in cls.__mro__:
        value = base.__dict__.get(name)
        if value is not None:
            wrapped = getattr(value, "_qs_wrapped", None)
            if wrapped is not None and name == "__init__":
                return value
            if name in ("__setattr__", "__delattr__") and getattr(
                value, "__qualname__", ""
            ).endswith(f"install_hooks.<locals>.{name}"):
                # a mapped superclass's hook: fall through to what it wraps
                continue
            return value
    return default


def register_class(class_: type) -> ClassManager:
    """Create (or return) the ClassManager of ``class_``."""
    manager = class_.__dict__.get(MANAGER_KEY)
    if manager is None:
        manager = ClassManager(class_)
        setattr(class_, MANAGER_KEY, manager)
    return manager  # type: ignore[no-any-return]


def unregister_class(class_: type) -> None:
    manager = class_.__dict__.get(MANAGER_KEY)
    if manager is not None:
        manager.dispose()


def is_instrumented(instance: object, key: str) -> bool:
    """True if ``key`` is an instrumented attribute of ``instance``'s class."""
    manager = type(instance).__dict__.get(MANAGER_KEY)
    return manager is not None and key in manager.impls


_weak_class_registry: "weakref.WeakSet[type]" = weakref.WeakSet()
