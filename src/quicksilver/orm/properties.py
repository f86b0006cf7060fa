"""Column-based mapped properties: ColumnProperty, MappedColumn, synonyms.

``MappedColumn`` is the declarative placeholder returned by ``mapped_column()``:
it remembers the Column arguments until declarative knows the attribute name
and the ``Mapped[...]`` annotation (type, nullability), then builds the Column
and a ``ColumnProperty``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from .. import exc as sa_exc
from .attributes import InstrumentedAttribute, QueryableAttribute, ScalarAttributeImpl
from .base import MappedSQLExpression
from .interfaces import (
    MapperProperty,
    PropComparator,
    StrategizedProperty,
    _MappedAttribute,
)

if TYPE_CHECKING:
    from .mapper import Mapper

_NO_ARG: Any = object()


class ColumnProperty(StrategizedProperty):
    """An attribute mapped to one or more columns (``ColumnProperty``).

    Several columns appear when a joined-inheritance subclass maps its own
    primary key column together with the parent's under one attribute.
    """

    _persists = True

    def __init__(
        self,
        column: Any,
        *additional_columns: Any,
        group: Optional[str] = None,
        deferred: bool = False,
        raiseload: bool = False,
        comparator_factory: Any = None,
        active_history: bool = False,
        expire_on_flush: bool = True,
        info: Optional[dict[Any, Any]] = None,
        doc: Optional[str] = None,
        _instrument: bool = True,
        **kw: Any,
    ) -> None:
        super().__init__(info=info, doc=doc)
        self.columns = [_coerce_column(c) for c in (column,) + additional_columns]
        self.group = group
        self.deferred = deferred
        self.raiseload = raiseload
        self.comparator_factory = comparator_factory or PropComparator
        self.active_history = active_history
        self.expire_on_flush = expire_on_flush
        self.instrument = _instrument

    @property
    def expression(self) -> Any:
        return self.columns[0]

    @property
    def columns_to_assign(self) -> list[Any]:
        return [c for c in self.columns if _is_table_column(c)]

    def _attribute_expression(self) -> Any:
        return self.columns[0]

    @property
    def comparator(self) -> PropComparator:
        return self.comparator_factory(self, self.parent)  # type: ignore[no-any-return]

    def instrument_class(self, mapper: "Mapper[Any]") -> None:
        manager = mapper.class_manager
        impl = ScalarAttributeImpl(mapper.class_, self.key)
        impl.active_history = self.active_history
        attr = InstrumentedAttribute(mapper.class_, self.key, impl, self, mapper)
        manager.instrument_attribute(self.key, attr)

    def _copy_for_subclass(self) -> "ColumnProperty":
        new = ColumnProperty.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.columns = list(self.columns)
        return new

    def __str__(self) -> str:
        if self.parent is None:
            return repr(self)
        return f"{self.parent.class_.__name__}.{self.key}"


class MappedSQLExpressionProperty(ColumnProperty, MappedSQLExpression[Any]):
    """What ``column_property()`` returns (``MappedSQLExpression`` in SQLAlchemy)."""


class MappedColumn(_MappedAttribute):
    """The declarative form of a column (the result of ``mapped_column()``)."""

    __slots__ = (
        "name",
        "type_",
        "args",
        "kw",
        "deferred",
        "deferred_group",
        "deferred_raiseload",
        "active_history",
        "column",
        "nullable_given",
        "sort_order",
        "use_existing_column",
        "_annotation_applied",
        "doc",
        "info",
        "foreign_keys_args",
        "_qs_dc",
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        self.deferred = kw.pop("deferred", False)
        self.deferred_group = kw.pop("deferred_group", None)
        self.deferred_raiseload = kw.pop("deferred_raiseload", None)
        self.active_history = kw.pop("active_history", False)
        self.sort_order = kw.pop("sort_order", _NO_ARG)
        self.use_existing_column = kw.pop("use_existing_column", False)
        # the dataclass field options (MappedAsDataclass; see decl_dataclass)
        self._qs_dc: dict[str, Any] = {}
        if "default" in kw:
            self._qs_dc["default"] = kw["default"]
        for dataclass_only in (
            "init",
            "repr",
            "default_factory",
            "compare",
            "kw_only",
            "hash",
            "dataclass_metadata",
        ):
            value = kw.pop(dataclass_only, _NO_ARG)
            if value is not _NO_ARG:
                self._qs_dc[dataclass_only] = value
            if dataclass_only == "default_factory" and value is not _NO_ARG:
                kw.setdefault("default", value)
        insert_default = kw.pop("insert_default", _NO_ARG)
        if insert_default is not _NO_ARG:
            kw["default"] = insert_default
        self.doc = kw.get("doc")
        self.info = kw.get("info")
        name: Optional[str] = None
        type_: Any = kw.pop("type_", None)
        rest = list(args)
        if rest and isinstance(rest[0], str):
            name = rest.pop(0)
        if rest and _is_type(rest[0]):
            type_ = rest.pop(0)
        if "name" in kw:
            name = kw.pop("name")
        self.name = name
        self.type_ = type_
        self.args = rest
        self.nullable_given = "nullable" in kw and kw["nullable"] is not None
        if "nullable" in kw and kw["nullable"] is None:
            del kw["nullable"]
        self.kw = kw
        self._annotation_applied = False
        # Built now so class bodies can use it in expressions
        # (``full = column_property(first + " " + last)``); declarative fills
        # in the name, type and nullability later.
        from ..sql.schema import Column

        col_kw = {k: v for k, v in kw.items() if k != "sort_order"}
        col_args: list[Any] = [name] if name is not None else []
        if type_ is not None:
            col_args.append(type_)
        self.column: Any = Column(*col_args, *rest, **col_kw)

    @property
    def primary_key(self) -> bool:
        return bool(self.kw.get("primary_key", False))

    def _build(
        self, key: str, type_: Any, nullable: Optional[bool], copy: bool = False
    ) -> Any:
        """The Column for attribute ``key``, completed from the annotation."""
        from ..sql.type_api import to_instance

        col = self.column
        if col.name is None:
            col.name = key
        if col.key is None:
            col.key = col.name
        if copy:
            col = col._copy()
        if self.type_ is None and type_ is not None:
            col.type = to_instance(type_)
        if nullable is not None and not self.nullable_given:
            col.nullable = nullable
        return col

    def __clause_element__(self) -> Any:
        return self.column

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in MappedColumn.__slots__:
            raise AttributeError(name)
        return getattr(self.column, name)

    def _to_property(self, column: Any = None) -> ColumnProperty:
        return ColumnProperty(
            column if column is not None else self.column,
            deferred=self.deferred,
            group=self.deferred_group,
            raiseload=bool(self.deferred_raiseload),
            active_history=self.active_history,
            doc=self.doc,
        )

    def __repr__(self) -> str:
        return f"<MappedColumn name={self.name!r} type={self.type_!r}>"


def _mc_op(name: str) -> Any:
    def op(self: MappedColumn, *other: Any) -> Any:
        return getattr(self.column, name)(*other)

    op.__name__ = name
    return op


for _op in (
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__mod__",
    "__neg__",
    "__invert__",
    "__and__",
    "__or__",
    "__getitem__",
):
    setattr(MappedColumn, _op, _mc_op(_op))
MappedColumn.__hash__ = object.__hash__  # type: ignore[assignment,method-assign]


def _is_type(obj: Any) -> bool:
    from ..sql.type_api import TypeEngine

    if isinstance(obj, TypeEngine):
        return True
    return isinstance(obj, type) and issubclass(obj, TypeEngine)


def _coerce_column(obj: Any) -> Any:
    if isinstance(obj, MappedColumn):
        return obj  # declarative resolves it to the class's own Column
    if hasattr(obj, "__clause_element__") and not hasattr(obj, "table"):
        return obj.__clause_element__()
    return obj


def _is_table_column(col: Any) -> bool:
    try:
        return getattr(col, "table", None) is not None and hasattr(col, "primary_key")
    except Exception:  # pragma: no cover
        return False


class SynonymProperty(MapperProperty):
    """An attribute name that proxies another mapped attribute (``synonym()``)."""

    _is_synonym = True

    def __init__(
        self,
        name: str,
        map_column: Optional[bool] = None,
        descriptor: Any = None,
        comparator_factory: Any = None,
        info: Optional[dict[Any, Any]] = None,
        doc: Optional[str] = None,
    ) -> None:
        super().__init__(info=info, doc=doc)
        self.name = name
        self.map_column = map_column
        self.descriptor = descriptor
        self.comparator_factory = comparator_factory

    def _attribute_expression(self) -> Any:
        return self.parent.get_property(self.name)._attribute_expression()

    @property
    def comparator(self) -> Any:
        return self.parent.get_property(self.name).comparator

    def instrument_class(self, mapper: "Mapper[Any]") -> None:
        descriptor = self.descriptor
        if descriptor is None:
            descriptor = mapper.class_.__dict__.get(self.key)
            if isinstance(descriptor, SynonymProperty):
                descriptor = None
        setattr(mapper.class_, self.key, _SynonymDescriptor(self, descriptor))


class _SynonymDescriptor:
    """Class-level ``User.alias``: SQL as the target; on instances reads/writes it."""

    def __init__(self, prop: SynonymProperty, descriptor: Any) -> None:
        self.prop = prop
        self.descriptor = descriptor

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            target = getattr(owner, self.prop.name)
            if self.descriptor is not None and not isinstance(
                self.descriptor, property
            ):
                return self.descriptor.__get__(None, owner)
            return _SynonymAttribute(self.prop, target)
        if self.descriptor is not None:
            return self.descriptor.__get__(instance, owner)
        return getattr(instance, self.prop.name)

    def __set__(self, instance: Any, value: Any) -> None:
        if self.descriptor is not None:
            self.descriptor.__set__(instance, value)
        else:
            setattr(instance, self.prop.name, value)

    def __delete__(self, instance: Any) -> None:
        delattr(instance, self.prop.name)


class _SynonymAttribute(QueryableAttribute):
    def __init__(self, prop: SynonymProperty, target: Any) -> None:
        super().__init__(
            prop.parent.class_,
            prop.key,
            getattr(target, "impl", None),
            prop,
            prop.parent,
        )
        self._target = target

    @property
    def expression(self) -> Any:
        return self._target.expression


class ConcreteInheritedProperty(MapperProperty):
    """Placeholder for an attribute a concrete subclass does not map."""


def _default_callable(fn: Callable[..., Any]) -> Callable[..., Any]:
    return fn


def _check_sequence(columns: Sequence[Any]) -> None:
    if not columns:
        raise sa_exc.ArgumentError("column_property() needs at least one column")
