"""Declarative API: DeclarativeBase, declarative_base(), registry, declared_attr.

Mirrors ``sqlalchemy.orm.decl_api``.  The class scanning that turns a class
body into a Table and a Mapper lives in :mod:`.decl_base`.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, ClassVar, Generic, Mapping, Optional, TypeVar

from .. import exc as sa_exc
from ..inspection import _inspects
from . import exc as orm_exc
from .base import MANAGER_KEY, opt_manager_of_class
from .decl_base import _add_attribute, _as_declarative, _del_attribute
from .mapper import Mapper, configure_mappers

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)


def _declarative_constructor(self: Any, **kwargs: Any) -> None:
    """Default ``__init__`` of declarative classes: set each keyword as attribute.

    A keyword that is not an attribute of the class raises ``TypeError``
    exactly as SQLAlchemy's: ``'x' is an invalid keyword argument for User``.
    """
    cls_ = type(self)
    for k in kwargs:
        if not hasattr(cls_, k):
            raise TypeError(f"{k!r} is an invalid keyword argument for {cls_.__name__}")
        setattr(self, k, kwargs[k])


_declarative_constructor.__name__ = "__init__"
_declarative_constructor._qs_default = True  # type: ignore[attr-defined]


class _ClassProperty:
    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn

    def __get__(self, instance: Any, owner: Any) -> Any:
        return self.fn(owner)


class declared_attr(Generic[_T]):
    """Mark a method as producing a mapped attribute per class (``declared_attr``).

    Used on mixins and bases for ``__tablename__``, ``__table_args__``,
    ``__mapper_args__`` and columns that must be created once per subclass.
    """

    def __init__(
        self, fn: Callable[..., Any], cascading: bool = False, quiet: bool = False
    ) -> None:
        self.fget = fn
        self._cascading = cascading
        self.__doc__ = fn.__doc__
        self.__name__ = getattr(fn, "__name__", "declared_attr")

    def __get__(self, instance: Any, owner: Any) -> Any:
        manager = opt_manager_of_class(owner)
        if (
            manager is not None
            and manager.mapper is not None
            and (self.__name__ in manager.attributes)
        ):
            return manager.attributes[self.__name__]
        return self.fget(owner)

    @classmethod
    def _stateful(
        cls, **kw: Any
    ) -> Callable[[Callable[..., Any]], "declared_attr[Any]"]:
        def decorate(fn: Callable[..., Any]) -> "declared_attr[Any]":
            return cls(fn, **kw)

        return decorate


# resolve the forward reference used in the class body above
declared_attr.cascading = _ClassProperty(  # type: ignore[attr-defined]
    lambda cls: cls._stateful(cascading=True)
)
declared_attr.directive = _ClassProperty(lambda cls: cls)  # type: ignore[attr-defined]


class registry:
    """Mapped classes sharing one MetaData (``sqlalchemy.orm.registry``)."""

    def __init__(
        self,
        *,
        metadata: Any = None,
        class_registry: Optional[dict[str, Any]] = None,
        type_annotation_map: Optional[Mapping[Any, Any]] = None,
        constructor: Callable[..., None] = _declarative_constructor,
    ) -> None:
        from ..sql.schema import MetaData

        self.metadata = metadata if metadata is not None else MetaData()
        self._class_registry: dict[str, Any] = (
            class_registry
            if class_registry is not None
            else weakref.WeakValueDictionary()  # type: ignore[assignment]
        )
        self.type_annotation_map: dict[Any, Any] = {}
        if type_annotation_map:
            self.update_type_annotation_map(type_annotation_map)
        self.constructor = constructor
        self._managers: "weakref.WeakKeyDictionary[Any, bool]" = (
            weakref.WeakKeyDictionary()
        )
        self._mappers: list[Mapper[Any]] = []

    def update_type_annotation_map(
        self, type_annotation_map: Mapping[Any, Any]
    ) -> None:
        """Add Python-type -> SQL-type entries used by ``Mapped[...]`` annotations."""
        for k, v in type_annotation_map.items():
            self.type_annotation_map[k] = v

    @property
    def mappers(self) -> frozenset[Mapper[Any]]:
        """Every Mapper of this registry."""
        return frozenset(m for m in self._mappers if not m._dispose_called)

    def _add_mapper(self, mapper: Mapper[Any]) -> None:
        self._mappers.append(mapper)
        self._class_registry[mapper.class_.__name__] = mapper.class_

    def configure(self, cascade: bool = False) -> None:
        """Configure every mapper of this registry (relationships, events)."""
        configure_mappers()

    def dispose(self, cascade: bool = False) -> None:
        """Un-map every class of this registry."""
        for mapper in list(self._mappers):
            mapper.dispose()
        self._mappers.clear()
        self._class_registry.clear()

    def mapped(self, cls: _C) -> _C:
        """Class decorator mapping ``cls`` declaratively with this registry."""
        _as_declarative(self, cls, cls.__dict__)
        return cls

    def mapped_as_dataclass(self, cls: Optional[_C] = None, **kw: Any) -> Any:
        """Turn ``cls`` into a dataclass and map it (see :mod:`.decl_dataclass`)."""

        def decorate(cls: _C) -> _C:
            from . import decl_dataclass

            decl_dataclass.apply(cls, kw)
            return self.mapped(cls)

        return decorate(cls) if cls is not None else decorate

    def map_declaratively(self, cls: type) -> Mapper[Any]:
        """Map ``cls`` declaratively and return its Mapper."""
        self.mapped(cls)
        return cls.__dict__[MANAGER_KEY].mapper  # type: ignore[no-any-return]

    def map_imperatively(
        self, class_: type, local_table: Any = None, **kw: Any
    ) -> Mapper[Any]:
        """Map ``class_`` to ``local_table`` with no declarative scanning."""
        return Mapper(class_, local_table, _registry=self, **kw)

    def generate_base(
        self,
        mapper: Any = None,
        cls: type = object,
        name: str = "Base",
        metaclass: type = None,  # type: ignore[assignment]
    ) -> Any:
        """A declarative base class bound to this registry (legacy style)."""
        metaclass = metaclass or DeclarativeMeta
        bases = cls if isinstance(cls, tuple) else (cls,)
        class_dict: dict[str, Any] = {
            "registry": self,
            "metadata": self.metadata,
            "_sa_registry": self,
        }
        if isinstance(cls, type):
            class_dict["__doc__"] = cls.__doc__
        if self.constructor is not None:
            class_dict["__init__"] = self.constructor
        class_dict["__abstract__"] = True
        if mapper:
            class_dict["__mapper_cls__"] = mapper
        if hasattr(cls, "__class_getitem__"):
            class_dict["__class_getitem__"] = cls.__class_getitem__  # type: ignore[attr-defined]
        return metaclass(name, bases, class_dict)

    def as_declarative_base(self, **kw: Any) -> Callable[[type], Any]:
        def decorate(cls: type) -> Any:
            kw["cls"] = cls
            kw["name"] = cls.__name__
            return self.generate_base(**kw)

        return decorate

    def __repr__(self) -> str:
        return f"<registry at 0x{id(self):x}>"


class DeclarativeMeta(type):
    """Metaclass of ``declarative_base()`` classes: maps each subclass."""

    def __init__(
        cls, classname: str, bases: Any, dict_: dict[str, Any], **kw: Any
    ) -> None:
        dict_ = cls.__dict__  # type: ignore[assignment]
        reg = getattr(cls, "_sa_registry", None)
        if reg is None:
            reg = dict_.get("registry")
            if not isinstance(reg, registry):
                raise sa_exc.InvalidRequestError(
                    "Declarative base class has no 'registry' attribute, or "
                    "registry is not a sqlalchemy.orm.registry() object"
                )
            cls._sa_registry = reg
        if "_sa_registry" not in dict_:
            _as_declarative(reg, cls, dict_)
        type.__init__(cls, classname, bases, dict_)

    def __setattr__(cls, key: str, value: Any) -> None:
        _add_attribute(cls, key, value)

    def __delattr__(cls, key: str) -> None:
        _del_attribute(cls, key)


class DeclarativeAttributeIntercept(type):
    """Metaclass of ``DeclarativeBase``: adding a column to a mapped class maps it."""

    def __setattr__(cls, key: str, value: Any) -> None:
        _add_attribute(cls, key, value)

    def __delattr__(cls, key: str) -> None:
        _del_attribute(cls, key)


def _setup_declarative_base(cls: type) -> None:
    metadata = cls.__dict__.get("metadata")
    reg = cls.__dict__.get("registry")
    type_annotation_map = cls.__dict__.get("type_annotation_map")
    if reg is not None:
        if not isinstance(reg, registry):
            raise sa_exc.InvalidRequestError(
                "Declarative base class has a 'registry' attribute that is not "
                "an instance of sqlalchemy.orm.registry()"
            )
        if type_annotation_map is not None:
            raise sa_exc.InvalidRequestError(
                "Declarative base class has both a 'registry' attribute and a "
                "type_annotation_map entry.  Per-base type_annotation_maps are "
                "not supported.  Please apply the type_annotation_map to this "
                "registry directly."
            )
    else:
        reg = registry(metadata=metadata, type_annotation_map=type_annotation_map)
    if metadata is None:
        metadata = reg.metadata
    type.__setattr__(cls, "_sa_registry", reg)
    type.__setattr__(cls, "registry", reg)
    type.__setattr__(cls, "metadata", metadata)
    if "__init__" not in cls.__dict__:
        type.__setattr__(cls, "__init__", reg.constructor)


class DeclarativeBase(metaclass=DeclarativeAttributeIntercept):
    """Base class for declarative mappings (``sqlalchemy.orm.DeclarativeBase``).

    A direct subclass becomes the *declarative base* (owning ``registry`` and
    ``metadata``); its subclasses are mapped as they are defined.
    """

    if False:  # pragma: no cover - annotations for type checkers only
        registry: ClassVar[registry]
        metadata: ClassVar[Any]
        __tablename__: Any
        __mapper_args__: Any
        __table_args__: Any

    def __init_subclass__(cls, **kw: Any) -> None:
        if DeclarativeBase in cls.__bases__:
            _check_not_declarative(cls, DeclarativeBase)
            _setup_declarative_base(cls)
        else:
            _as_declarative(cls._sa_registry, cls, cls.__dict__)  # type: ignore[attr-defined]
        super().__init_subclass__(**kw)


class DeclarativeBaseNoMeta:
    """DeclarativeBase without the metaclass (``DeclarativeBaseNoMeta``)."""

    def __init_subclass__(cls, **kw: Any) -> None:
        if DeclarativeBaseNoMeta in cls.__bases__:
            _check_not_declarative(cls, DeclarativeBaseNoMeta)
            _setup_declarative_base(cls)
        else:
            _as_declarative(cls._sa_registry, cls, cls.__dict__)  # type: ignore[attr-defined]
        super().__init_subclass__(**kw)


class MappedAsDataclass:
    """Mixin making mapped classes dataclasses (``sqlalchemy.orm.MappedAsDataclass``):
    ``__init__`` with positional arguments, ``__repr__``, ``__eq__`` from the
    ``Mapped`` attributes and their field options (see :mod:`.decl_dataclass`)."""

    def __init_subclass__(cls, **kw: Any) -> None:
        from . import decl_dataclass

        options = {k: kw.pop(k) for k in decl_dataclass.CLASS_OPTIONS if k in kw}
        # before mapping: the instrumentation then wraps the generated __init__
        decl_dataclass.apply(cls, options)
        super().__init_subclass__(**kw)


def _check_not_declarative(cls: type, base: type) -> None:
    cls_dict = cls.__dict__
    if "__table__" in cls_dict or "__tablename__" in cls_dict:
        raise sa_exc.InvalidRequestError(
            f"Cannot use {base.__name__!r} directly as a declarative base class. "
            "Create a Base by creating a subclass of it."
        )


def declarative_base(
    *,
    metadata: Any = None,
    mapper: Any = None,
    cls: type = object,
    name: str = "Base",
    class_registry: Optional[dict[str, Any]] = None,
    type_annotation_map: Optional[Mapping[Any, Any]] = None,
    constructor: Callable[..., None] = _declarative_constructor,
    metaclass: type = DeclarativeMeta,
) -> Any:
    """A legacy declarative base class (``sqlalchemy.orm.declarative_base``)."""
    return registry(
        metadata=metadata,
        class_registry=class_registry,
        constructor=constructor,
        type_annotation_map=type_annotation_map,
    ).generate_base(mapper=mapper, cls=cls, name=name, metaclass=metaclass)


def as_declarative(**kw: Any) -> Callable[[type], Any]:
    """Class decorator form of ``declarative_base()``."""
    metadata, class_registry = kw.pop("metadata", None), kw.pop("class_registry", None)
    return registry(
        metadata=metadata, class_registry=class_registry
    ).as_declarative_base(**kw)


def has_inherited_table(cls: type) -> bool:
    """True if a superclass of ``cls`` is mapped to a table."""
    for class_ in cls.__mro__[1:]:
        if getattr(class_, "__table__", None) is not None:
            return True
    return False


def synonym_for(name: str, map_column: bool = False) -> Callable[[Any], Any]:
    """Decorator: a synonym for ``name`` with the decorated descriptor."""
    from .properties import SynonymProperty

    def decorate(fn: Any) -> Any:
        return SynonymProperty(name, map_column=map_column, descriptor=property(fn))

    return decorate


@_inspects(DeclarativeMeta, DeclarativeAttributeIntercept)
def _inspect_decl_meta(cls: type) -> Optional[Mapper[Any]]:
    manager = opt_manager_of_class(cls)
    if manager is None or manager.mapper is None:
        return None
    manager.mapper._check_configure()
    return manager.mapper


__all__ = ["orm_exc"]
