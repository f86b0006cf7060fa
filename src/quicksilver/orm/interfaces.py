"""Base classes of mapped properties (``sqlalchemy.orm.interfaces``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ..inspection import _self_inspects

if TYPE_CHECKING:
    from .mapper import Mapper
    from .state import InstanceState


class InspectionAttr:
    """Base of everything ``inspect()`` can return about a mapping."""

    __slots__ = ()
    is_selectable = False
    is_aliased_class = False
    is_instance = False
    is_mapper = False
    is_bundle = False
    is_property = False
    is_attribute = False
    _is_internal_proxy = False
    is_clause_element = False
    extension_type: Any = None


class InspectionAttrInfo(InspectionAttr):
    """An InspectionAttr with a user ``info`` dictionary."""

    __slots__ = ()

    @property
    def info(self) -> dict[Any, Any]:
        d = self.__dict__.get("_info")  # type: ignore[attr-defined]
        if d is None:
            d = self.__dict__["_info"] = {}  # type: ignore[attr-defined]
        return d  # type: ignore[no-any-return]


class _MappedAttribute:
    """Marker for declarative constructs that produce a mapped attribute."""

    __slots__ = ()


@_self_inspects
class MapperProperty(InspectionAttrInfo, _MappedAttribute):
    """One mapped attribute of a Mapper (``sqlalchemy.orm.MapperProperty``)."""

    is_property = True
    key: str
    parent: "Mapper[Any]"
    doc: Optional[str] = None
    _persists = False
    _is_relationship = False
    _is_synonym = False
    deferred = False

    def __init__(
        self, info: Optional[dict[Any, Any]] = None, doc: Optional[str] = None
    ):
        if info:
            self.__dict__["_info"] = dict(info)
        self.doc = doc
        self.key = None  # type: ignore[assignment]
        self.parent = None  # type: ignore[assignment]

    @property
    def class_attribute(self) -> Any:
        """The class-level attribute (``User.name``) for this property."""
        return getattr(self.parent.class_, self.key)

    @property
    def mapper(self) -> "Mapper[Any]":
        return self.parent

    def set_parent(self, parent: "Mapper[Any]", init: bool) -> None:
        self.parent = parent

    def instrument_class(self, mapper: "Mapper[Any]") -> None:
        """Put the class-level attribute on the mapped class."""

    def do_init(self) -> None:
        """Second configuration step, once all mappers exist."""

    def _default_value(self, state: "InstanceState[Any]", d: dict[str, Any]) -> Any:
        return None

    def _copy_for_subclass(self) -> "MapperProperty":
        return self

    def __repr__(self) -> str:
        return "<{} at 0x{:x}; {}>".format(
            type(self).__name__, id(self), getattr(self, "key", "no key")
        )

    def __str__(self) -> str:
        if self.parent is None:
            return repr(self)
        return f"{self.parent.class_.__name__}.{self.key}"


class StrategizedProperty(MapperProperty):
    """A MapperProperty with loader strategies (kept for API parity)."""


class PropComparator:
    """Defines SQL operators for a mapped attribute (``PropComparator``)."""

    __slots__ = ("prop", "_parententity", "_adapt_to_entity")

    def __init__(
        self, prop: Any, parentmapper: Any = None, adapt_to_entity: Any = None
    ):
        self.prop = prop
        self._parententity = parentmapper
        self._adapt_to_entity = adapt_to_entity

    def __clause_element__(self) -> Any:
        return self.prop._attribute_expression()

    @property
    def expression(self) -> Any:
        return self.__clause_element__()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.__clause_element__(), name)


ORMOption = object
