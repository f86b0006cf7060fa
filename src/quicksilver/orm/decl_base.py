"""Declarative class scanning: a class body becomes a Table and a Mapper.

Resolution order mirrors SQLAlchemy: ``__tablename__`` / ``__table_args__`` /
``__mapper_args__`` come from the class itself or an unmapped base (mixins,
the declarative base), never from a mapped superclass; mixins a mapped
superclass already applied are not applied again; ``Mapped[...]`` annotations
supply the column type and nullability.  Per class the table's columns are
ordered as SQLAlchemy orders them: ``Column`` attributes, then annotated
attributes in annotation order, then mixin columns.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import sys
import types
import typing
import uuid
from typing import Any, Optional, Union, get_args, get_origin

from .. import exc as sa_exc
from . import exc as orm_exc
from .base import (
    MANAGER_KEY,
    DynamicMapped,
    Mapped,
    WriteOnlyMapped,
    _MappedAnnotationBase,
    opt_manager_of_class,
)
from .interfaces import MapperProperty
from .properties import ColumnProperty, MappedColumn

_NoneType = type(None)


def _is_mapped_class(cls: type) -> bool:
    manager = cls.__dict__.get(MANAGER_KEY)
    return manager is not None and manager.mapper is not None


def _is_declarative_root(cls: type) -> bool:
    return cls.__name__ in ("DeclarativeBase", "DeclarativeBaseNoMeta") and (
        cls.__module__ == "quicksilver.orm.decl_api"
    )


def _resolve_directive(cls: type, value: Any) -> Any:
    from .decl_api import declared_attr

    if isinstance(value, declared_attr):
        return value.fget(cls)
    if isinstance(value, classmethod):
        return value.__func__(cls)
    return value


def _get_immediate(cls: type, name: str) -> Any:
    """``name`` from ``cls`` or an unmapped base; mapped bases do not count."""
    if name in cls.__dict__:
        return _resolve_directive(cls, cls.__dict__[name])
    for base in cls.__mro__[1:]:
        if base is object or _is_mapped_class(base) or _is_declarative_root(base):
            continue
        if name in base.__dict__:
            return _resolve_directive(cls, base.__dict__[name])
    return None


# --------------------------------------------------------------------------
# annotations


def _eval_annotation(cls: type, raw: Any, owner: type) -> Any:
    if not isinstance(raw, str):
        return raw
    module = sys.modules.get(owner.__module__)
    globalns = dict(module.__dict__) if module is not None else {}
    localns: dict[str, Any] = {
        "Mapped": Mapped,
        "WriteOnlyMapped": WriteOnlyMapped,
        "DynamicMapped": DynamicMapped,
        "Optional": Optional,
        "Union": Union,
        cls.__name__: cls,
    }
    localns.update({k: v for k, v in vars(owner).items() if isinstance(v, type)})
    try:
        return eval(raw, globalns, localns)  # noqa: S307 - annotation text
    except Exception:
        text = raw.strip()
        for prefix in ("Mapped[", "orm.Mapped[", "sa.orm.Mapped["):
            if text.startswith(prefix) and text.endswith("]"):
                inner = text[len(prefix) : -1]
                try:
                    return Mapped[eval(inner, globalns, localns)]  # type: ignore[misc]  # noqa: S307
                except Exception:
                    return _Unresolved(raw)
        return _Unresolved(raw)


class _Unresolved:
    """An annotation string that could not be evaluated (a forward reference)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _mapped_inner(annotation: Any) -> tuple[bool, Any]:
    """(is a Mapped[...] annotation, the argument) for an evaluated annotation."""
    origin = get_origin(annotation)
    if isinstance(origin, type) and issubclass(origin, Mapped):
        args = get_args(annotation)
        return True, (args[0] if args else None)
    if isinstance(annotation, type) and issubclass(annotation, Mapped):
        return True, None
    return False, annotation


def _strip_optional(tp: Any) -> tuple[bool, Any]:
    origin = get_origin(tp)
    if origin is Union or (sys.version_info >= (3, 10) and origin is types.UnionType):
        args = [a for a in get_args(tp) if a is not _NoneType]
        optional = len(args) != len(get_args(tp))
        if len(args) == 1:
            return optional, args[0]
        return optional, Union[tuple(args)]  # type: ignore[return-value]
    if tp is None or tp is _NoneType:
        return True, None
    return False, tp


def _default_type_for(pytype: Any) -> Any:
    from ..sql import sqltypes as t

    defaults: dict[Any, Any] = {
        bool: t.Boolean,
        int: t.Integer,
        float: getattr(t, "Double", t.Float),
        str: t.String,
        bytes: t.LargeBinary,
        decimal.Decimal: t.Numeric,
        datetime.datetime: t.DateTime,
        datetime.date: t.Date,
        datetime.time: t.Time,
        datetime.timedelta: t.Interval,
        uuid.UUID: t.Uuid,
    }
    if isinstance(pytype, type):
        for klass in pytype.__mro__:
            if klass in defaults:
                return defaults[klass]()
        if issubclass(pytype, enum.Enum):
            return t.Enum(pytype)
    if get_origin(pytype) is typing.Literal:
        return t.Enum(*get_args(pytype), native_enum=False)
    return None


def _lookup_map(type_map: dict[Any, Any], pytype: Any) -> Any:
    found = _lookup_exact(type_map, pytype)
    if found is not None:
        return found
    origin = get_origin(pytype)
    if origin is not None:
        found = _lookup_exact(type_map, origin)
        if found is not None:
            return found
    if isinstance(pytype, type):
        for klass in pytype.__mro__[1:]:
            found = _lookup_exact(type_map, klass)
            if found is not None:
                if isinstance(found, type) or not issubclass(pytype, enum.Enum):
                    return found
                try:
                    return type(found)(pytype)
                except Exception:
                    return found
    return None


def _lookup_exact(type_map: dict[Any, Any], key: Any) -> Any:
    try:
        return type_map.get(key)
    except TypeError:  # unhashable annotation
        return None


def _instantiate(tp: Any) -> Any:
    return tp() if isinstance(tp, type) else tp


def _resolve_sql_type(registry: Any, cls: type, key: str, pytype: Any) -> Any:
    found = _lookup_map(registry.type_annotation_map, pytype)
    if found is None:
        if get_origin(pytype) is typing.Annotated:
            return _resolve_sql_type(registry, cls, key, get_args(pytype)[0])
        found = _default_type_for(pytype)
    if found is None:
        raise orm_exc.MappedAnnotationError(
            "Could not locate SQLAlchemy Core type when resolving for Python type "
            f"indicated by '{pytype}' inside the Mapped[] annotation for the '{key}' "
            "attribute; the type object is not resolvable by the registry. Add "
            "it to the type_annotation_map of the declarative base or registry, "
            "or give mapped_column() an explicit type."
        )
    return _instantiate(found)


# --------------------------------------------------------------------------
# collecting a class body


def _ordered_keys(owner: type) -> list[str]:
    """SQLAlchemy's attribute order: Column attrs, annotations, the rest."""
    from ..sql.schema import Column

    own = owner.__dict__
    annotations = list(own.get("__annotations__", {}))
    columns_first = [
        k for k, v in own.items() if isinstance(v, Column) and k not in annotations
    ]
    rest = [k for k in own if k not in annotations and k not in columns_first]
    return columns_first + annotations + rest


class _Scan:
    def __init__(self, registry: Any, cls: type) -> None:
        self.registry = registry
        self.cls = cls
        self.inherits = next((b for b in cls.__mro__[1:] if _is_mapped_class(b)), None)
        self.columns: dict[str, Any] = {}  # key -> Column for this class's table
        self.properties: dict[str, Any] = {}  # key -> explicit MapperProperty/col
        self.mapped_columns: dict[int, Any] = {}  # id(MappedColumn) -> Column
        self.remove_keys: list[str] = []

    def _owners(self) -> list[type]:
        cls = self.cls
        owners = []
        for base in reversed(cls.__mro__[1:]):
            if base is object or _is_declarative_root(base) or _is_mapped_class(base):
                continue
            if base.__module__ == "typing" or base is typing.Generic:
                continue
            if self.inherits is not None and issubclass(self.inherits, base):
                continue  # already applied to the mapped superclass
            owners.append(base)
        return owners + [cls]

    def collect(self) -> None:
        from ..sql.schema import Column
        from .decl_api import declared_attr

        cls = self.cls
        allow_unmapped = bool(getattr(cls, "__allow_unmapped__", False))
        own_first: list[tuple[str, Any, Any, type]] = []
        mixin_items: list[tuple[str, Any, Any, type]] = []
        seen: set[str] = set()
        for owner in reversed(self._owners()):
            items = own_first if owner is cls else mixin_items
            raw_annotations = owner.__dict__.get("__annotations__", {})
            for key in _ordered_keys(owner):
                if key in seen or (key.startswith("__") and key.endswith("__")):
                    continue
                if key in (
                    "metadata",
                    "registry",
                    "_sa_registry",
                    "type_annotation_map",
                ):
                    continue
                if owner is not cls and key in cls.__dict__:
                    continue
                value = owner.__dict__.get(key, _MISSING)
                raw = raw_annotations.get(key)
                if isinstance(value, declared_attr):
                    ret = getattr(value.fget, "__annotations__", {}).get("return")
                    if raw is None and ret is not None:
                        raw = ret
                    value = value.fget(cls)
                annotation = (
                    _eval_annotation(cls, raw, owner) if raw is not None else None
                )
                is_mapped, inner = (
                    _mapped_inner(annotation)
                    if annotation is not None
                    else (False, None)
                )
                if isinstance(annotation, _Unresolved):
                    is_mapped = annotation.text.lstrip().startswith(
                        ("Mapped", "WriteOnlyMapped", "DynamicMapped")
                    )
                    inner = annotation
                if value is _MISSING:
                    if not is_mapped:
                        continue  # a plain annotation: not ours
                    value = MappedColumn()
                elif not isinstance(value, (Column, MappedColumn, MapperProperty)):
                    continue
                if (
                    annotation is not None
                    and not is_mapped
                    and not allow_unmapped
                    and (isinstance(value, MappedColumn))
                ):
                    raise orm_exc.MappedAnnotationError(
                        f'Type annotation for "{cls.__name__}.{key}" can\'t be '
                        "correctly interpreted "
                        "for Annotated Declarative Table form.  ORM annotations "
                        "should normally make use of the ``Mapped[]`` generic type, "
                        "or other ORM-compatible generic type, as a container for "
                        "the actual type, which indicates the intent that the "
                        "attribute is mapped. Class variables that are not intended "
                        "to be mapped by the ORM should use ClassVar[].  To allow "
                        "Annotated Declarative to disregard legacy annotations "
                        "which don't use Mapped[] to pass, set "
                        '"__allow_unmapped__ = True" on the class or a superclass '
                        "this class."
                    )
                seen.add(key)
                items.append((key, value, inner if is_mapped else None, owner))
                if owner is cls and key in cls.__dict__:
                    self.remove_keys.append(key)
        for key, value, inner, owner in own_first + mixin_items:
            self._add(key, value, inner, owner is not cls)

    def _add(self, key: str, value: Any, inner: Any, from_mixin: bool) -> None:
        from ..sql.schema import Column

        if isinstance(value, Column):
            if getattr(value, "name", None) is None:
                value.name = key
                if getattr(value, "key", None) is None:
                    value.key = key
            if from_mixin:
                copy = getattr(value, "_copy", None) or value.copy
                value = copy()
            if getattr(value, "table", None) is not None and not from_mixin:
                self.properties[key] = value  # a column of an existing table
                return
            self.columns[key] = value
            return
        if isinstance(value, MappedColumn):
            column = self._build_mapped_column(key, value, inner, from_mixin)
            self.columns[key] = column
            self.mapped_columns[id(value)] = column
            if (
                value.deferred
                or value.deferred_group
                or value.active_history
                or value.doc
            ):
                self.properties[key] = value._to_property(column)
            return
        if isinstance(value, MapperProperty):
            hook = getattr(value, "_qs_declarative_annotation", None)
            if hook is not None and inner is not None:  # relationship(): target
                hook(self.cls, key, inner)
            if isinstance(value, ColumnProperty):
                value.columns = [self._column_for(c, key) for c in value.columns]
            self.properties[key] = value
            return

    def _column_for(self, obj: Any, key: Optional[str] = None) -> Any:
        if isinstance(obj, MappedColumn):
            col = self.mapped_columns.get(id(obj))
            if col is None and key is not None:
                # ``deferred(mapped_column(...))``: the column belongs to
                # this class's table under the property's name
                col = self._build_mapped_column(obj.name or key, obj, None)
                self.columns[key] = col
                self.mapped_columns[id(obj)] = col
            if col is None:
                raise sa_exc.ArgumentError(
                    f"mapped_column() {obj!r} used in a property of "
                    f"{self.cls.__name__} before it was "
                    "mapped"
                )
            return col
        return obj

    def _build_mapped_column(
        self, key: str, mc: MappedColumn, inner: Any, copy: bool = False
    ) -> Any:
        type_ = mc.type_
        nullable: Optional[bool] = None
        if isinstance(inner, _Unresolved):
            inner = None
        if inner is not None:
            optional, pytype = _strip_optional(inner)
            if get_origin(pytype) is typing.Annotated:
                found = _lookup_map(self.registry.type_annotation_map, pytype)
                metadata = get_args(pytype)[1:]
                for item in metadata:
                    if isinstance(item, MappedColumn):
                        mc = _merge_mapped_columns(item, mc)
                        type_ = mc.type_
                if type_ is None and found is not None:
                    type_ = _instantiate(found)
                if type_ is None:
                    opt2, base = _strip_optional(get_args(pytype)[0])
                    optional = optional or opt2
                    pytype = base
            if type_ is None and pytype is not None:
                type_ = _resolve_sql_type(self.registry, self.cls, key, pytype)
            nullable = optional
        if mc.primary_key and not mc.nullable_given:
            nullable = False
        return mc._build(key, type_, nullable, copy=copy)

    def table_args(self) -> tuple[list[Any], dict[str, Any]]:
        args = _get_immediate(self.cls, "__table_args__")
        if args is None:
            return [], {}
        if isinstance(args, dict):
            return [], dict(args)
        if isinstance(args, tuple):
            if args and isinstance(args[-1], dict):
                return list(args[:-1]), dict(args[-1])
            return list(args), {}
        raise sa_exc.ArgumentError(
            f"__table_args__ value must be a tuple, dict, or None; got {args!r}"
        )

    def mapper_args(self) -> dict[str, Any]:
        args = _get_immediate(self.cls, "__mapper_args__")
        args = dict(args or {})
        for name in ("polymorphic_on", "version_id_col"):
            value = args.get(name)
            if value is not None:
                args[name] = self._column_for(value)
                if isinstance(args[name], (MappedColumn,)):
                    args[name] = args[name].column
        if "primary_key" in args and args["primary_key"] is not None:
            pk = args["primary_key"]
            if not isinstance(pk, (list, tuple)):
                pk = [pk]
            args["primary_key"] = [self._column_for(c) for c in pk]
        return args


_MISSING: Any = object()


def _merge_mapped_columns(base: MappedColumn, override: MappedColumn) -> MappedColumn:
    kw = dict(base.kw)
    kw.update(override.kw)
    args: list[Any] = []
    name = override.name or base.name
    if name is not None:
        args.append(name)
    type_ = override.type_ if override.type_ is not None else base.type_
    if type_ is not None:
        args.append(type_)
    args += [_copy_item(a) for a in base.args] + list(override.args)
    for flag in ("deferred", "deferred_group", "active_history"):
        value = getattr(override, flag) or getattr(base, flag)
        if value:
            kw[flag] = value
    return MappedColumn(*args, **kw)


def _copy_item(item: Any) -> Any:
    copy = getattr(item, "_copy", None)
    return copy() if copy is not None else item


def _as_declarative(registry: Any, cls: type, dict_: Any) -> None:
    """Map ``cls`` (a declarative class) with ``registry``."""
    from ..sql.schema import Table
    from .mapper import Mapper

    if cls.__dict__.get("__abstract__", False):
        return
    if _is_mapped_class(cls):
        return
    scan = _Scan(registry, cls)
    scan.collect()
    inherits_cls = scan.inherits
    inherits_mapper = (
        inherits_cls.__dict__[MANAGER_KEY].mapper if inherits_cls is not None else None
    )
    table = cls.__dict__.get("__table__")
    tablename = None
    if table is None:
        tablename = _get_immediate(cls, "__tablename__")
    if table is None and tablename is not None:
        args, kw = scan.table_args()
        table = Table(tablename, registry.metadata, *scan.columns.values(), *args, **kw)
    elif table is None:
        if inherits_mapper is None:
            raise sa_exc.InvalidRequestError(
                f"Class {cls!r} does not have a __table__ or __tablename__ specified "
                "and "
                "does not inherit from an existing table-mapped class."
            )
        # single-table inheritance: new columns join the parent's table
        parent_table = inherits_mapper.local_table
        for key, col in scan.columns.items():
            existing = (
                parent_table.c.get(col.name) if hasattr(parent_table.c, "get") else None
            )
            if existing is not None:
                if existing is col:
                    continue
                scan.properties.setdefault(key, existing)
                continue
            parent_table.append_column(col)
            scan.properties.setdefault(key, col)
        table = None
    else:
        # an explicit __table__: attribute columns are explicit properties
        for key, col in scan.columns.items():
            scan.properties.setdefault(key, col)
    if table is not None and tablename is not None:
        for key, col in scan.columns.items():
            if key != col.key and key not in scan.properties:
                scan.properties[key] = col
    type.__setattr__(
        cls,
        "__table__",
        table
        if table is not None
        else (inherits_mapper.local_table if inherits_mapper is not None else None),
    )
    if tablename is not None and "__tablename__" not in cls.__dict__:
        type.__setattr__(cls, "__tablename__", tablename)
    for key in scan.remove_keys:
        if key in cls.__dict__:
            type.__delattr__(cls, key)
    mapper_args = scan.mapper_args()
    mapper_args.setdefault("inherits", inherits_mapper)
    mapper_cls = getattr(cls, "__mapper_cls__", Mapper)
    mapper: Any = mapper_cls(
        cls,
        table,
        properties=scan.properties,
        _registry=registry,
        **mapper_args,
    )
    _apply_validators(cls, mapper)
    if hasattr(cls, "__declare_last__") or hasattr(cls, "__declare_first__"):
        _register_declare_hooks(cls)


def _apply_validators(cls: type, mapper: Any) -> None:
    manager = mapper.class_manager
    for owner in reversed(cls.__mro__):
        for value in list(owner.__dict__.values()):
            fn = getattr(value, "__sa_validators__", None)
            if fn is None:
                continue
            names, opts = fn
            for name in names:
                impl = manager.impls.get(name)
                if impl is None:
                    raise sa_exc.InvalidRequestError(
                        f"@validates() names attribute '{name}', which {mapper} does "
                        "not map"
                    )
                func = value

                def validator(obj: Any, key: str, v: Any, _f: Any = func) -> Any:
                    return _f(obj, key, v)

                impl.validator = validator
                manager._refresh_plain(name)


def _register_declare_hooks(cls: type) -> None:
    from .. import event
    from .mapper import Mapper

    if hasattr(cls, "__declare_last__"):
        event.listen(Mapper, "after_configured", lambda: cls.__declare_last__())  # type: ignore[attr-defined]
    if hasattr(cls, "__declare_first__"):
        event.listen(Mapper, "before_configured", lambda: cls.__declare_first__())  # type: ignore[attr-defined]


def _add_attribute(cls: type, key: str, value: Any) -> None:
    """``User.new_col = mapped_column(...)`` on a mapped class maps it."""
    from ..sql.schema import Column

    manager = cls.__dict__.get(MANAGER_KEY)
    mapper = manager.mapper if manager is not None else None
    if mapper is None or not isinstance(value, (Column, MappedColumn, MapperProperty)):
        type.__setattr__(cls, key, value)
        return
    if isinstance(value, MappedColumn):
        value = value._build(key, None, None)
    if isinstance(value, Column):
        if getattr(value, "table", None) is None:
            mapper.local_table.append_column(value)
        mapper.add_property(key, value)
    else:
        mapper.add_property(key, value)


def _del_attribute(cls: type, key: str) -> None:
    manager = cls.__dict__.get(MANAGER_KEY)
    if manager is not None and manager.mapper is not None and key in manager.impls:
        raise NotImplementedError(
            "Can't un-map individual mapped attributes on a mapped class."
        )
    type.__delattr__(cls, key)


__all__ = ["_as_declarative", "opt_manager_of_class", "_MappedAnnotationBase"]
