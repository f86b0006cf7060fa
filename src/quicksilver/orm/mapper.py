"""Mapper: the link between a class and the table(s) it persists to.

A Mapper is built once per mapped class (by declarative or
``registry.map_imperatively``), instruments the class, and precomputes what
the hot paths need: which attribute holds each column, the primary key
attribute keys, per-table INSERT/UPDATE column lists for flush, and the row
layout used by loading.  Inheritance follows SQLAlchemy: single-table
subclasses share the parent's table; joined-table subclasses add their own
table, joined to the parent's by foreign key.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any, Generic, Iterator, Optional, Sequence, TypeVar

from .. import exc as sa_exc
from ..inspection import _inspects, _self_inspects
from . import base as _base
from . import exc as orm_exc
from .base import NO_VALUE, STATE_KEY, instance_state, opt_manager_of_class
from .events import MapperEvents, _all_mappers
from .instrumentation import ClassManager, register_class
from .interfaces import InspectionAttr, MapperProperty
from .properties import ColumnProperty, SynonymProperty

if TYPE_CHECKING:
    from .decl_api import registry as _registry_type
    from .state import InstanceState

_O = TypeVar("_O")
_configure_lock = threading.RLock()
_mapper_registries: "weakref.WeakSet[Any]" = weakref.WeakSet()


class ReadOnlyProperties:
    """An ordered, read-only mapping with attribute access (``mapper.attrs``).

    Iterating yields the values, as SQLAlchemy's ``ReadOnlyProperties`` does.
    """

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any]) -> None:
        object.__setattr__(self, "_data", data)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise AttributeError(key)

    def __setattr__(self, key: str, value: Any) -> None:
        raise TypeError("ReadOnlyProperties is read-only")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._data.values()))

    def __len__(self) -> int:
        return len(self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def keys(self) -> list[str]:
        return list(self._data)

    def values(self) -> list[Any]:
        return list(self._data.values())

    def items(self) -> list[tuple[str, Any]]:
        return list(self._data.items())

    def as_readonly(self) -> "ReadOnlyProperties":
        return self

    def __repr__(self) -> str:
        return "ReadOnlyProperties({})".format(", ".join(self._data))


#: "no scalar default" in _TablePlan.insert_spec (None is a valid default)
_NO_DEFAULT: Any = object()


class _TablePlan:
    """What flush needs for one table of a mapper: columns and their attributes."""

    __slots__ = (
        "table",
        "cols",
        "pk_cols",
        "pk_keys",
        "col_keys",
        "autoinc_col",
        "autoinc_key",
        "server_default_keys",
        "python_default_keys",
        "key_for_col",
        "cols_for_key",
        "has_onupdate",
        "expire_after_update",
        "insert_fill",
        "insert_spec",
    )

    def __init__(self, mapper: "Mapper[Any]", table: Any) -> None:
        self.table = table
        self.cols: list[Any] = []
        self.col_keys: list[str] = []
        self.key_for_col: dict[Any, str] = {}
        for col in table.c:
            prop = mapper._columntoproperty.get(col)
            if prop is None:
                continue
            self.cols.append(col)
            self.col_keys.append(prop.key)
            self.key_for_col[col] = prop.key
        self.pk_cols = [c for c in table.primary_key if c in self.key_for_col]
        self.pk_keys = [self.key_for_col[c] for c in self.pk_cols]
        autoinc = getattr(table, "_autoincrement_column", None)
        if autoinc is None and len(self.pk_cols) == 1:
            col = self.pk_cols[0]
            if getattr(col, "autoincrement", "auto") in (True, "auto") and not list(
                getattr(col, "foreign_keys", ())
            ):
                try:
                    from ..sql.sqltypes import Integer

                    if isinstance(col.type, Integer):
                        autoinc = col
                except Exception:  # pragma: no cover
                    autoinc = None
        self.autoinc_col = autoinc
        self.autoinc_key = (
            self.key_for_col.get(autoinc) if autoinc is not None else None
        )
        self.server_default_keys = [
            self.key_for_col[c]
            for c in self.cols
            if getattr(c, "server_default", None) is not None
        ]
        self.python_default_keys = [
            self.key_for_col[c]
            for c in self.cols
            if getattr(c, "default", None) is not None
        ]
        # for UPDATE: attribute -> its columns here, so a flush looks only at
        # the attributes that changed, not at every column of every object
        self.cols_for_key: dict[str, list[Any]] = {}
        for col, key in zip(self.cols, self.col_keys, strict=False):
            self.cols_for_key.setdefault(key, []).append(col)
        self.has_onupdate = any(
            getattr(c, "onupdate", None) is not None for c in self.cols
        )
        # for INSERT params: (column key, attribute, scalar default or
        # _NO_DEFAULT, default is a Python callable)
        spec = []
        for col, key in zip(self.cols, self.col_keys, strict=False):
            default = getattr(col, "default", None)
            scalar = (
                default.arg
                if default is not None and getattr(default, "is_scalar", False)
                else _NO_DEFAULT
            )
            spec.append(
                (col.key, key, scalar, bool(getattr(default, "is_callable", False)))
            )
        self.insert_spec = spec
        # for INSERT: (column key, attribute, has a default to expire for)
        self.insert_fill = [
            (
                col.key,
                key,
                getattr(col, "server_default", None) is not None
                or getattr(col, "default", None) is not None,
            )
            for col, key in zip(self.cols, self.col_keys, strict=False)
        ]
        self.expire_after_update = [
            (col, key)
            for col, key in zip(self.cols, self.col_keys, strict=False)
            if getattr(col, "onupdate", None) is not None
            or getattr(col, "server_onupdate", None) is not None
        ]


@_self_inspects
class Mapper(InspectionAttr, Generic[_O]):
    """Maps a class to a table (``sqlalchemy.orm.Mapper``); ``inspect(User)``."""

    _dispatch_events = MapperEvents
    is_mapper = True
    is_selectable = False
    _is_mapper = True

    def __init__(
        self,
        class_: type[_O],
        local_table: Any = None,
        properties: Optional[dict[str, Any]] = None,
        primary_key: Optional[Sequence[Any]] = None,
        inherits: Any = None,
        inherit_condition: Any = None,
        polymorphic_on: Any = None,
        polymorphic_identity: Any = None,
        version_id_col: Any = None,
        version_id_generator: Any = None,
        include_properties: Optional[Sequence[str]] = None,
        exclude_properties: Optional[Sequence[str]] = None,
        column_prefix: Optional[str] = None,
        eager_defaults: Any = "auto",
        confirm_deleted_rows: bool = True,
        batch: bool = True,
        concrete: bool = False,
        with_polymorphic: Any = None,
        polymorphic_load: Any = None,
        always_refresh: bool = False,
        passive_updates: bool = True,
        passive_deletes: bool = False,
        allow_partial_pks: bool = True,
        polymorphic_abstract: bool = False,
        _registry: Optional["_registry_type"] = None,
        **kw: Any,
    ) -> None:
        if (
            opt_manager_of_class(class_) is not None
            and class_.__dict__["_sa_class_manager"].mapper is not None
        ):
            raise sa_exc.ArgumentError(
                f"Class '{class_}' already has a primary mapper defined. "
            )
        self.class_ = class_
        self.dispatch = MapperEvents._create_dispatch(self)
        self.registry = _registry
        self.concrete = concrete
        self.batch = batch
        self.eager_defaults = eager_defaults
        self.confirm_deleted_rows = confirm_deleted_rows
        self.always_refresh = always_refresh
        self.allow_partial_pks = allow_partial_pks
        self.passive_updates = passive_updates
        self.passive_deletes = passive_deletes
        self.polymorphic_abstract = polymorphic_abstract
        self.polymorphic_load = polymorphic_load
        self.with_polymorphic = with_polymorphic
        self.include_properties = include_properties
        self.exclude_properties = exclude_properties
        self.column_prefix = column_prefix
        self.version_id_generator = version_id_generator
        self.configured = False
        self._dispose_called = False

        # --- inheritance -------------------------------------------------
        if inherits is not None and not isinstance(inherits, Mapper):
            inherits = _class_mapper_of(inherits)
        self.inherits: Optional[Mapper[Any]] = inherits
        if inherits is not None:
            if not issubclass(class_, inherits.class_):
                raise sa_exc.ArgumentError(
                    f"Class '{class_.__name__}' does not inherit from "
                    f"'{inherits.class_.__name__}'"
                )
            if local_table is None:
                local_table = inherits.local_table
        if local_table is None:
            raise sa_exc.ArgumentError(
                f"Mapper for class {class_.__name__} has no table; pass local_table= "
                "or map a "
                "subclass of an already mapped class."
            )
        self.local_table = local_table
        self.single = inherits is not None and local_table is inherits.local_table
        if inherits is None:
            self.tables: list[Any] = [local_table]
            self.persist_selectable = local_table
            self.base_mapper: Mapper[Any] = self
            self._identity_class: type = class_
            self.polymorphic_map: dict[Any, Mapper[Any]] = {}
        else:
            self.base_mapper = inherits.base_mapper
            self.polymorphic_map = inherits.polymorphic_map
            self._identity_class = class_ if concrete else inherits._identity_class
            if self.single or concrete:
                self.tables = list(inherits.tables) if not concrete else [local_table]
                self.persist_selectable = (
                    inherits.persist_selectable if not concrete else local_table
                )
            else:
                self.tables = list(inherits.tables) + [local_table]
                if inherit_condition is None:
                    self.persist_selectable = inherits.persist_selectable.join(
                        local_table
                    )
                else:
                    self.persist_selectable = inherits.persist_selectable.join(
                        local_table, inherit_condition
                    )
            inherits._inheriting_mappers.append(self)
            if version_id_col is None:
                version_id_col = inherits.version_id_col
                self.version_id_generator = inherits.version_id_generator
        self._inheriting_mappers: list[Mapper[Any]] = []
        self.version_id_col = version_id_col
        if version_id_col is not None and self.version_id_generator is None:
            self.version_id_generator = lambda v: (v or 0) + 1

        # --- polymorphism ------------------------------------------------
        if polymorphic_on is None and inherits is not None:
            polymorphic_on = inherits.polymorphic_on
        self._polymorphic_on_arg = polymorphic_on
        self.polymorphic_on: Any = None
        self.polymorphic_identity = polymorphic_identity
        if polymorphic_identity is not None:
            self.polymorphic_map[polymorphic_identity] = self

        # --- instrumentation ---------------------------------------------
        manager = register_class(class_)
        self.class_manager: ClassManager = manager
        manager.mapper = self
        # ``User.__mapper__``: SQLAlchemy's documented class attribute, set for
        # declarative and imperative mappings alike
        type.__setattr__(class_, "__mapper__", self)
        if _registry is not None and getattr(_registry, "constructor", None):
            manager._default_init = _registry.constructor
        self._props: dict[str, MapperProperty] = {}
        self._columntoproperty: dict[Any, ColumnProperty] = {}
        self._explicit_pk = primary_key
        if self.dispatch.instrument_class:
            self.dispatch.instrument_class(self, class_)
        manager.install_hooks()
        from .context import ClassClauseElement

        if "__clause_element__" not in class_.__dict__:
            type.__setattr__(class_, "__clause_element__", ClassClauseElement())
        self._configure_properties(properties or {})
        self._configure_polymorphic()
        self._configure_pks()
        _all_mappers.add(self)
        self._install_reconstructor()
        from .events import InstanceEvents

        MapperEvents._new_mapper(self)
        InstanceEvents._new_mapper(self)
        _base._mappers_pending[0] = True
        if _registry is not None:
            _registry._add_mapper(self)

    # ------------------------------------------------------------------
    # configuration

    def _configure_properties(self, explicit: dict[str, Any]) -> None:
        explicit = dict(explicit)
        # columns mapped explicitly (possibly under another key)
        explicit_cols: dict[Any, str] = {}
        for key, value in explicit.items():
            for col in _columns_of(value):
                explicit_cols[col] = key
        if self.inherits is not None and not self.concrete:
            for key, prop in self.inherits._props.items():
                if key in explicit:
                    continue
                self._install_property(key, prop._copy_for_subclass(), init=False)
        tables = (
            [self.local_table]
            if self.inherits is None or self.concrete
            else ([] if self.single else [self.local_table])
        )
        for table in tables:
            for col in table.c:
                if col in explicit_cols:
                    continue
                key = col.key
                if self.column_prefix:
                    key = self.column_prefix + key
                if self.include_properties is not None and (
                    key not in self.include_properties
                ):
                    continue
                if self.exclude_properties is not None and (
                    key in self.exclude_properties
                ):
                    continue
                existing = self._props.get(key)
                if isinstance(existing, ColumnProperty) and not self.concrete:
                    # joined inheritance: the subclass column joins the parent's
                    if col not in existing.columns:
                        existing.columns.insert(0, col)
                        self._columntoproperty[col] = existing
                    continue
                self._install_property(key, ColumnProperty(col), init=True)
        for key, value in explicit.items():
            self._add_explicit(key, value)

    def _add_explicit(self, key: str, value: Any) -> None:
        if isinstance(value, MapperProperty):
            prop = value
        elif isinstance(value, (list, tuple)):
            prop = ColumnProperty(*value)
        elif hasattr(value, "table") or hasattr(value, "__clause_element__"):
            prop = ColumnProperty(value)
        else:
            raise sa_exc.ArgumentError(
                f"{value!r} is not an instance of MapperProperty or Column"
            )
        if isinstance(prop, ColumnProperty):
            existing = self._props.get(key)
            if (
                isinstance(existing, ColumnProperty)
                and self.inherits is not None
                and not self.concrete
                and existing.parent is not self
            ):
                for col in existing.columns:
                    if col not in prop.columns:
                        prop.columns.append(col)
        self._install_property(key, prop, init=True)

    def _install_property(self, key: str, prop: MapperProperty, init: bool) -> None:
        prop.key = key
        prop.set_parent(self, init)
        self._props[key] = prop
        if isinstance(prop, ColumnProperty):
            for col in prop.columns:
                self._columntoproperty[col] = prop
        prop.instrument_class(self)

    def add_property(self, key: str, prop: Any) -> None:
        """Add a property after mapping (``Mapper.add_property``)."""
        for cached in (
            "_qs_load_cols",
            "_qs_load_extra",
            "_qs_entity_from",
            "_qs_get_stmt",
            "_qs_get_entity",
            "_qs_layouts",
            "_qs_labels",
        ):
            self.__dict__.pop(cached, None)
        self._add_explicit(key, prop)
        for sub in self._inheriting_mappers:
            if key not in sub._props or sub._props[key].parent is self:
                sub._install_property(key, self._props[key]._copy_for_subclass(), False)
        self._configure_pks()

    def _install_reconstructor(self) -> None:
        for klass in self.class_.__mro__:
            for value in klass.__dict__.values():
                if getattr(value, "__sa_reconstructor__", False):
                    fn = value
                    self.class_manager.dispatch._add(
                        "load", _reconstructor_listener(fn)
                    )
                    return

    def add_properties(self, dict_of_properties: dict[str, Any]) -> None:
        """``add_property()`` for each item."""
        for key, value in dict_of_properties.items():
            self.add_property(key, value)

    def primary_mapper(self) -> "Mapper[_O]":
        """The primary mapper of this class (itself)."""
        return self

    @property
    def primary_base_mapper(self) -> "Mapper[Any]":
        return self.base_mapper

    @property
    def entity_namespace(self) -> type[_O]:
        return self.class_

    def _configure_polymorphic(self) -> None:
        on = self._polymorphic_on_arg
        if on is None:
            return
        if isinstance(on, str):
            prop = self._props.get(on)
            if prop is None:
                col = (
                    self.local_table.c.get(on)
                    if hasattr(self.local_table.c, "get")
                    else None
                )
                if col is None:
                    raise sa_exc.ArgumentError(
                        f"Can't determine polymorphic_on value '{on}' - no attribute "
                        "is mapped to this name."
                    )
                prop = self._columntoproperty[col]
            on = prop.columns[0]  # type: ignore[attr-defined]
        elif hasattr(on, "__clause_element__") and not hasattr(on, "table"):
            on = on.__clause_element__()
        self.polymorphic_on = on
        prop = self._columntoproperty.get(on)
        self._polymorphic_prop_key = prop.key if prop is not None else None
        if self._polymorphic_prop_key is not None and (
            self.polymorphic_identity is not None
        ):
            self.class_manager._poly_key = self._polymorphic_prop_key
            self.class_manager._poly_identity = self.polymorphic_identity

    def _configure_pks(self) -> None:
        if self._explicit_pk is not None:
            pk = [
                (c.__clause_element__() if hasattr(c, "__clause_element__") else c)
                for c in self._explicit_pk
            ]
        elif self.inherits is not None and not self.concrete:
            pk = list(self.inherits.primary_key)
        else:
            pk = list(self.local_table.primary_key)
        if not pk:
            raise sa_exc.ArgumentError(
                "Mapper {} could not assemble any primary key columns for mapped "
                "table '{}'".format(
                    self, getattr(self.local_table, "name", self.local_table)
                )
            )
        self.primary_key: tuple[Any, ...] = tuple(pk)
        keys = []
        for col in pk:
            prop = self._columntoproperty.get(col)
            if prop is None:
                raise sa_exc.ArgumentError(
                    f"Mapper {self}: primary key column {col} is not mapped to any "
                    "attribute"
                )
            keys.append(prop.key)
        self._pk_keys: tuple[str, ...] = tuple(keys)
        self._plans: Optional[list[_TablePlan]] = None

    @property
    def _table_plans(self) -> list[_TablePlan]:
        plans = self._plans
        if plans is None:
            plans = self._plans = [_TablePlan(self, t) for t in self.tables]
        return plans

    def _check_configure(self) -> None:
        if _base._mappers_pending[0]:
            configure_mappers()

    def _post_configure_properties(self) -> None:
        if self.configured:
            return
        if self.dispatch.before_mapper_configured:
            self.dispatch.before_mapper_configured(self, self.class_)
        for prop in list(self._props.values()):
            prop.do_init()
        self.configured = True
        if self.dispatch.mapper_configured:
            self.dispatch.mapper_configured(self, self.class_)

    def dispose(self) -> None:
        self._dispose_called = True
        self.class_manager.dispose()
        if "__clause_element__" in self.class_.__dict__:
            type.__delattr__(self.class_, "__clause_element__")
        _all_mappers.discard(self)
        if self.inherits is not None and self in self.inherits._inheriting_mappers:
            self.inherits._inheriting_mappers.remove(self)
        if self.polymorphic_identity is not None:
            self.polymorphic_map.pop(self.polymorphic_identity, None)

    # ------------------------------------------------------------------
    # public inspection API

    @property
    def mapper(self) -> "Mapper[_O]":
        return self

    @property
    def entity(self) -> type[_O]:
        return self.class_

    @property
    def local_mapper(self) -> "Mapper[_O]":
        return self

    @property
    def selectable(self) -> Any:
        return self.persist_selectable

    @property
    def mapped_table(self) -> Any:
        return self.persist_selectable

    @property
    def attrs(self) -> ReadOnlyProperties:
        """Every MapperProperty by key."""
        self._check_configure()
        return ReadOnlyProperties(dict(self._props))

    @property
    def all_orm_descriptors(self) -> ReadOnlyProperties:
        """Every ORM descriptor of the class: attributes, hybrids, synonyms."""
        found: dict[str, Any] = {}
        for cls in reversed(self.class_.__mro__):
            for key, value in cls.__dict__.items():
                if (
                    getattr(value, "is_attribute", False)
                    or getattr(value, "extension_type", None) is not None
                ):
                    found[key] = value
        for key in self._props:
            found[key] = getattr(self.class_, key)
        return ReadOnlyProperties(found)

    @property
    def column_attrs(self) -> ReadOnlyProperties:
        """The ColumnProperty objects by key."""
        return ReadOnlyProperties(
            {k: p for k, p in self._props.items() if isinstance(p, ColumnProperty)}
        )

    @property
    def relationships(self) -> ReadOnlyProperties:
        """Relationship properties by key (none until relationships land)."""
        return ReadOnlyProperties(
            {k: p for k, p in self._props.items() if p._is_relationship}
        )

    @property
    def synonyms(self) -> ReadOnlyProperties:
        return ReadOnlyProperties(
            {k: p for k, p in self._props.items() if isinstance(p, SynonymProperty)}
        )

    @property
    def composites(self) -> ReadOnlyProperties:
        return ReadOnlyProperties({})

    @property
    def columns(self) -> ReadOnlyProperties:
        """Mapped columns keyed by attribute key (``mapper.c.name``)."""
        return ReadOnlyProperties(
            {
                k: p.columns[0]
                for k, p in self._props.items()
                if isinstance(p, ColumnProperty)
            }
        )

    c = columns

    @property
    def iterate_properties(self) -> Iterator[MapperProperty]:
        return iter(list(self._props.values()))

    def get_property(self, key: str, _configure_mappers: bool = False) -> Any:
        """The MapperProperty named ``key``; InvalidRequestError if none."""
        if _configure_mappers:
            self._check_configure()
        try:
            return self._props[key]
        except KeyError:
            raise sa_exc.InvalidRequestError(
                f"Mapper '{self}' has no property '{key}'.  If this property was "
                "indicated from other mappers or configure events, ensure "
                "registry.configure() has been called."
            )

    def has_property(self, key: str) -> bool:
        return key in self._props

    def get_property_by_column(self, column: Any) -> ColumnProperty:
        try:
            return self._columntoproperty[column]
        except KeyError:
            raise orm_exc.UnmappedColumnError(
                f"No column {column} is configured on mapper {self}..."
            )

    def _get_col_to_prop(self, column: Any) -> ColumnProperty:
        return self.get_property_by_column(column)

    @property
    def self_and_descendants(self) -> list["Mapper[Any]"]:
        result: list[Mapper[Any]] = []
        stack: list[Mapper[Any]] = [self]
        while stack:
            m = stack.pop(0)
            result.append(m)
            stack.extend(m._inheriting_mappers)
        return result

    def polymorphic_iterator(self) -> Iterator["Mapper[Any]"]:
        return iter(self.self_and_descendants)

    def iterate_to_root(self) -> Iterator["Mapper[Any]"]:
        m: Optional[Mapper[Any]] = self
        while m is not None:
            yield m
            m = m.inherits

    def isa(self, other: "Mapper[Any]") -> bool:
        return any(m is other for m in self.iterate_to_root())

    def common_parent(self, other: "Mapper[Any]") -> bool:
        return self.base_mapper is other.base_mapper

    def is_sibling(self, other: "Mapper[Any]") -> bool:
        return (
            self.base_mapper is other.base_mapper
            and not self.isa(other)
            and not other.isa(self)
        )

    @property
    def with_polymorphic_mappers(self) -> list["Mapper[Any]"]:
        return [self]

    def identity_key_from_primary_key(
        self, primary_key: Sequence[Any], identity_token: Any = None
    ) -> tuple[Any, ...]:
        """``(class, tuple(pk), identity_token)`` as SQLAlchemy builds it."""
        return (self._identity_class, tuple(primary_key), identity_token)

    def identity_key_from_instance(self, instance: object) -> tuple[Any, ...]:
        state = instance_state(instance)
        return self.identity_key_from_primary_key(
            self._pk_from_state(state), state.identity_token
        )

    def identity_key_from_row(
        self, row: Any, identity_token: Any = None, adapter: Any = None
    ) -> tuple[Any, ...]:
        mapping = getattr(row, "_mapping", row)
        return (
            self._identity_class,
            tuple(mapping[c] for c in self.primary_key),
            identity_token,
        )

    def primary_key_from_instance(self, instance: object) -> tuple[Any, ...]:
        """Primary key values of ``instance``, loading expired ones."""
        state = instance_state(instance)
        return self._pk_from_state(state)

    def _pk_from_state(self, state: "InstanceState[Any]") -> tuple[Any, ...]:
        obj = state()
        d = obj.__dict__ if obj is not None else {}
        values = []
        for key in self._pk_keys:
            if key in d:
                values.append(d[key])
            elif obj is not None:
                values.append(getattr(obj, key))
            else:
                values.append(None)
        return tuple(values)

    def _set_polymorphic_identity(self, state: "InstanceState[Any]") -> None:
        key = getattr(self, "_polymorphic_prop_key", None)
        if key is not None and self.polymorphic_identity is not None:
            obj = state()
            if obj is not None:
                d = obj.__dict__
                if d.get(key) is None:
                    d[key] = self.polymorphic_identity

    def _single_table_criterion(self) -> Any:
        if not self.single or self.polymorphic_on is None:
            return None
        cached = self.__dict__.get("_qs_single_crit")
        if cached is None:
            cached = self.__dict__["_qs_single_crit"] = self._make_single_criterion()
        return cached

    def _make_single_criterion(self) -> Any:
        identities = [
            m.polymorphic_identity
            for m in self.self_and_descendants
            if m.polymorphic_identity is not None
        ]
        # OR of equalities rather than IN: the same SQL on every backend and
        # no expanding parameter for the engine to handle
        on = self.polymorphic_on
        if len(identities) == 1:
            return on == identities[0]
        from ._sql import sql

        return sql("or_")(*[on == ident for ident in identities])

    def __clause_element__(self) -> Any:
        return self.persist_selectable

    def _mapper_for_identity(self, identity: Any) -> "Mapper[Any]":
        try:
            return self.polymorphic_map[identity]
        except KeyError:
            raise AssertionError(
                f"No such polymorphic_identity {identity!r} is defined"
            )

    def __repr__(self) -> str:
        return f"<Mapper at 0x{id(self):x}; {self.class_.__name__}>"

    def __str__(self) -> str:
        name = getattr(self.local_table, "description", None) or getattr(
            self.local_table, "name", None
        )
        return f"Mapper[{self.class_.__name__}({name})]"


def _reconstructor_listener(fn: Any) -> Any:
    from ..event.base import _Listener

    def call(target: Any, context: Any) -> None:
        fn(target)

    return _Listener(call, call, False, False, False)


def reconstructor(fn: Any) -> Any:
    """Mark a method to run when an instance is loaded from a row.

    As ``sqlalchemy.orm.reconstructor``: ``__init__`` is not called on load,
    so set up non-mapped state here.
    """
    fn.__sa_reconstructor__ = True
    return fn


def _columns_of(value: Any) -> list[Any]:
    if isinstance(value, ColumnProperty):
        return list(value.columns)
    if isinstance(value, (list, tuple)):
        return [c for v in value for c in _columns_of(v)]
    if hasattr(value, "table"):
        return [value]
    return []


def _class_mapper_of(cls: Any) -> Mapper[Any]:
    manager = opt_manager_of_class(cls)
    if manager is None or manager.mapper is None:
        raise orm_exc.UnmappedClassError(cls)
    return manager.mapper


def configure_mappers() -> None:
    """Finish configuring every mapper (``sqlalchemy.orm.configure_mappers``)."""
    if not _base._mappers_pending[0]:
        return
    with _configure_lock:
        if not _base._mappers_pending[0]:
            return
        before = MapperEvents._class_level.get((Mapper, "before_configured"), [])
        for entry in before:
            entry.call()
        for mapper in list(_all_mappers):
            if not mapper.configured:
                mapper._post_configure_properties()
        _base._mappers_pending[0] = False
        after = MapperEvents._class_level.get((Mapper, "after_configured"), [])
        for entry in after:
            entry.call()


@_inspects(type)
def _inspect_mapped_class(class_: type) -> Optional[Mapper[Any]]:
    manager = opt_manager_of_class(class_)
    if manager is None or manager.mapper is None:
        return None
    mapper = manager.mapper
    mapper._check_configure()
    return mapper


@_inspects(object)
def _inspect_mapped_object(instance: object) -> Any:
    manager = opt_manager_of_class(type(instance))
    if manager is None or manager.mapper is None:
        return None
    d = getattr(instance, "__dict__", None)
    if d is not None and STATE_KEY in d:
        return d[STATE_KEY]
    return manager._new_state(instance)


__all__ = ["Mapper", "configure_mappers", "ReadOnlyProperties", "NO_VALUE"]
