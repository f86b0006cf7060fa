"""The type system's base: ``TypeEngine``, ``TypeDecorator`` and dialect adaptation.

A type object is immutable configuration (``String(20)``).  Per dialect it is
*adapted* to the dialect's implementation class (``colspecs``), and the
bind/result processors of that implementation are cached on the type, keyed
by the dialect object, so the per-value hot path is one dict read.

Bind processors of the generic types check the Python type of each value
(see ``BindTypeError``): every backend rejects ``"abc"`` for an Integer column
in the same way, before the driver sees it.
"""

from __future__ import annotations

import inspect as _inspect
from typing import Any, Callable, ClassVar, Mapping, Optional

from .. import exc

Processor = Callable[[Any], Any]


class BindTypeError(TypeError):
    """A Python value of the wrong type was bound to a typed parameter.

    Raised by the bind processors of the generic types (quicksilver's own: the
    same check on every backend).  The engine wraps it in ``StatementError``
    together with the statement.  ``key`` is the column or parameter key,
    ``value`` the offending value and ``type_`` the SQL type.
    """

    def __init__(self, key: Optional[str], value: Any, type_: Any, expected: str):
        self.key = key
        self.value = value
        self.type_ = type_
        target = f"column '{key}'" if key else "a parameter"
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        super().__init__(
            f"{target} of type {type_!r} got {shown} "
            f"(Python type {type(value).__name__}); expected {expected}"
        )


def _init_arg_names(cls: type) -> tuple[str, ...]:
    names = []
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            sig = _inspect.signature(init)
        except (TypeError, ValueError):  # pragma: no cover - builtins
            continue
        for p in list(sig.parameters.values())[1:]:
            if (
                p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                and p.name not in names
            ):
                names.append(p.name)
        if not any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
            break
    return tuple(names)


_arg_name_cache: dict[type, tuple[str, ...]] = {}


def _arg_names(cls: type) -> tuple[str, ...]:
    names = _arg_name_cache.get(cls)
    if names is None:
        names = _arg_name_cache[cls] = _init_arg_names(cls)
    return names


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, TypeEngine):
        return value._static_cache_key
    if isinstance(value, type):
        return value
    try:
        hash(value)
    except TypeError:
        return id(value)
    return value


class TypeEngine:
    """Base of every SQL type (mirrors ``sqlalchemy.types.TypeEngine``)."""

    __visit_name__: ClassVar[str] = "type_engine"
    _affinity_root: ClassVar[bool] = False
    _is_null_type: ClassVar[bool] = False
    hashable: ClassVar[bool] = True
    should_evaluate_none: bool = False
    render_bind_cast: ClassVar[bool] = False
    render_literal_cast: ClassVar[bool] = False
    _variant_mapping: Mapping[str, "TypeEngine"] = {}

    class Comparator:
        """Type-specific operators reachable from a column (``col.any()``...)."""

        __slots__ = ("expr", "type")

        def __init__(self, expr: Any) -> None:
            self.expr = expr
            self.type = expr.type

    comparator_factory: ClassVar[type] = Comparator

    # -- processors -----------------------------------------------------
    def bind_processor(self, dialect: Any) -> Optional[Processor]:
        """A function converting a Python value for the driver, or None."""
        return None

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        """A function converting a driver value to Python, or None."""
        return None

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        """A function rendering a Python value as SQL literal text, or None."""
        return None

    def _bind_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        """The bind processor the compiler uses; ``key`` names the column in errors."""
        return self.bind_processor(dialect)

    def bind_expression(self, bindvalue: Any) -> Any:
        """A SQL expression wrapping the bound parameter, or None."""
        return None

    def column_expression(self, colexpr: Any) -> Any:
        """A SQL expression wrapping the selected column, or None."""
        return None

    # -- per-dialect caching -------------------------------------------
    def dialect_impl(self, dialect: Any) -> "TypeEngine":
        """This type adapted to ``dialect`` (its ``colspecs`` implementation)."""
        return self._memos(dialect)["impl"]  # type: ignore[no-any-return]

    def _memos(self, dialect: Any) -> dict[Any, Any]:
        try:
            cache = self.__dict__["_qs_memos"]
        except KeyError:
            cache = self.__dict__["_qs_memos"] = {}
        try:
            return cache[dialect]  # type: ignore[no-any-return]
        except KeyError:
            pass
        except TypeError:  # pragma: no cover - unhashable dialect
            return {"impl": self._resolve_impl(dialect)}
        memo = cache[dialect] = {"impl": self._resolve_impl(dialect)}
        return memo  # type: ignore[no-any-return]

    def _resolve_impl(self, dialect: Any) -> "TypeEngine":
        if self._variant_mapping:
            variant = self._variant_mapping.get(getattr(dialect, "name", ""))
            if variant is not None:
                return variant.dialect_impl(dialect)
        descriptor = getattr(dialect, "type_descriptor", None)
        if descriptor is not None:
            return descriptor(self)  # type: ignore[no-any-return]
        return adapt_type(self, getattr(dialect, "colspecs", {}) or {})

    def _cached_bind_processor(self, dialect: Any) -> Optional[Processor]:
        memo = self._memos(dialect)
        try:
            return memo["bind"]  # type: ignore[no-any-return]
        except KeyError:
            proc = memo["bind"] = memo["impl"]._bind_proc(dialect, None)
            return proc  # type: ignore[no-any-return]

    def _named_bind_processor(
        self, dialect: Any, key: Optional[str]
    ) -> Optional[Processor]:
        """The dialect's bind processor with error messages naming ``key``."""
        return self.dialect_impl(dialect)._bind_proc(dialect, key)

    def _cached_result_processor(
        self, dialect: Any, coltype: Any
    ) -> Optional[Processor]:
        memo = self._memos(dialect)
        rkey = ("result", coltype)
        try:
            return memo[rkey]  # type: ignore[no-any-return]
        except KeyError:
            proc = memo[rkey] = memo["impl"].result_processor(dialect, coltype)
            return proc  # type: ignore[no-any-return]
        except TypeError:  # pragma: no cover - unhashable coltype
            return memo["impl"].result_processor(dialect, coltype)

    def _cached_literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        memo = self._memos(dialect)
        try:
            return memo["literal"]  # type: ignore[no-any-return]
        except KeyError:
            proc = memo["literal"] = memo["impl"].literal_processor(dialect)
            return proc  # type: ignore[no-any-return]

    # -- description ---------------------------------------------------
    @property
    def python_type(self) -> type:
        """The Python type values of this SQL type have."""
        raise NotImplementedError(f"{type(self).__name__} has no python_type")

    @property
    def _type_affinity(self) -> type:
        """The generic class this type belongs to (``BigInteger`` -> Integer)."""
        for cls in type(self).__mro__:
            if cls.__dict__.get("_affinity_root"):
                return cls
        return type(self)

    @property
    def _generic_type_affinity(self) -> type:
        return self._type_affinity

    def _compare_type_affinity(self, other: "TypeEngine") -> bool:
        return self._type_affinity is other._type_affinity

    @property
    def _static_cache_key(self) -> Any:
        try:
            return self.__dict__["_qs_cache_key"]
        except KeyError:
            pass
        items = tuple(
            (k, _hashable(v))
            for k, v in sorted(self.__dict__.items())
            if not k.startswith("_qs_")
        )
        key = self.__dict__["_qs_cache_key"] = (type(self),) + items
        return key

    def coerce_compared_value(self, op: Any, value: Any) -> "TypeEngine":
        """The type a Python value compared to this type is bound with."""
        if self._is_null_type:
            return resolve_value_type(value)
        return self

    def _coerce_to_expression_type(
        self, op: Any, other_type: "TypeEngine"
    ) -> "TypeEngine":
        return self

    def evaluates_none(self) -> "TypeEngine":
        """A copy whose ``None`` is sent as a value (JSON ``null``), not SQL NULL."""
        t = self.copy()
        t.should_evaluate_none = True
        return t

    def with_variant(self, type_: Any, *dialect_names: str) -> "TypeEngine":
        """A copy that uses ``type_`` on the named dialects."""
        variant = to_instance(type_)
        t = self.copy()
        mapping = dict(self._variant_mapping)
        for name in dialect_names:
            if name in mapping:
                raise exc.ArgumentError(
                    f"Dialect {name!r} is already present in the mapping"
                )
            mapping[name] = variant
        t._variant_mapping = mapping
        return t

    def copy(self, **kw: Any) -> "TypeEngine":
        """A shallow copy without the per-dialect caches."""
        new = type(self).__new__(type(self))
        new.__dict__.update(
            {k: v for k, v in self.__dict__.items() if not k.startswith("_qs_")}
        )
        new.__dict__.update(kw)
        return new

    def adapt(self, cls: type["TypeEngine"], **kw: Any) -> "TypeEngine":
        """A ``cls`` instance configured like this one (same constructor args)."""
        args = {}
        for name in _arg_names(cls):
            if name in kw:
                continue
            if name in self.__dict__:
                args[name] = self.__dict__[name]
            elif hasattr(self, name) and not callable(getattr(self, name)):
                args[name] = getattr(self, name)
        args.update(kw)
        try:
            new = cls(**args)
        except TypeError:
            new = cls.__new__(cls)
            new.__dict__.update(
                {k: v for k, v in self.__dict__.items() if not k.startswith("_qs_")}
            )
        if self._variant_mapping:
            new._variant_mapping = self._variant_mapping
        if self.should_evaluate_none:
            new.should_evaluate_none = True
        return new

    def compile(self, dialect: Any = None) -> str:
        """The type's DDL text on ``dialect`` (the default dialect when None)."""
        if dialect is None:
            from .compiler.default import default_dialect

            dialect = default_dialect()
        return dialect.type_compiler_instance.process(self)  # type: ignore[no-any-return]

    def __str__(self) -> str:
        return self.compile()

    def __repr__(self) -> str:
        names = _arg_names(type(self))
        positional: list[str] = []
        kws: list[str] = []
        sig = None
        try:
            sig = _inspect.signature(type(self).__init__)
        except (TypeError, ValueError):  # pragma: no cover
            pass
        for name in names:
            if name not in self.__dict__:
                continue
            value = self.__dict__[name]
            default = None
            if sig is not None and name in sig.parameters:
                default = sig.parameters[name].default
            if value == default or (
                default is _inspect.Parameter.empty and value is None
            ):
                continue
            kws.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(positional + kws)})"


class UserDefinedType(TypeEngine):
    """Base for user types rendered by ``get_col_spec()`` (mirrors SQLAlchemy)."""

    __visit_name__ = "user_defined"
    cache_ok: Optional[bool] = None

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        return self


class TypeDecorator(TypeEngine):
    """Wrap an existing type with Python-side conversions (mirrors SQLAlchemy).

    Subclasses set ``impl`` (a type class or instance) and override
    ``process_bind_param`` / ``process_result_value``.  ``cache_ok = True``
    declares that the instance's attributes may go into statement cache keys;
    without it statements using the type are compiled each time.
    """

    __visit_name__ = "type_decorator"
    impl: Any = None
    cache_ok: Optional[bool] = None
    coerce_to_is_types: tuple[type, ...] = (type(None),)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.__class__.impl is None:
            raise exc.ArgumentError(
                "TypeDecorator implementations require a class-level variable "
                "'impl' which refers to the class of type being decorated"
            )
        self.impl = to_instance(self.__class__.impl, *args, **kwargs)

    @property
    def _type_affinity(self) -> type:
        return self.impl._type_affinity  # type: ignore[no-any-return]

    @property
    def python_type(self) -> type:
        return self.impl.python_type  # type: ignore[no-any-return]

    @property
    def comparator_factory(self) -> type:  # type: ignore[override]
        return self.impl.comparator_factory  # type: ignore[no-any-return]

    @property
    def _static_cache_key(self) -> Any:
        if self.cache_ok is not True:
            return None
        return TypeEngine._static_cache_key.fget(self)  # type: ignore[attr-defined]

    def load_dialect_impl(self, dialect: Any) -> TypeEngine:
        """The type this decorator stores on ``dialect``; override to vary it."""
        return self.impl  # type: ignore[no-any-return]

    def type_engine(self, dialect: Any) -> TypeEngine:
        return self.load_dialect_impl(dialect).dialect_impl(dialect)

    def _resolve_impl(self, dialect: Any) -> TypeEngine:
        return self

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        """Convert a Python value before it is bound; override."""
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        """Convert a value read from the database; override."""
        return value

    def process_literal_param(self, value: Any, dialect: Any) -> Any:
        return self.process_bind_param(value, dialect)

    def _has_override(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(TypeDecorator, name)

    def bind_processor(self, dialect: Any) -> Optional[Processor]:
        return self._bind_proc(dialect, None)

    def _bind_proc(self, dialect: Any, key: Optional[str]) -> Optional[Processor]:
        inner = self.type_engine(dialect)._bind_proc(dialect, key)
        if not self._has_override("process_bind_param"):
            return inner
        pbp = self.process_bind_param
        if inner is None:
            return lambda value: pbp(value, dialect)
        return lambda value: inner(pbp(value, dialect))

    def result_processor(self, dialect: Any, coltype: Any) -> Optional[Processor]:
        inner = self.type_engine(dialect).result_processor(dialect, coltype)
        if not self._has_override("process_result_value"):
            return inner
        prv = self.process_result_value
        if inner is None:
            return lambda value: prv(value, dialect)
        return lambda value: prv(inner(value), dialect)

    def literal_processor(self, dialect: Any) -> Optional[Callable[[Any], str]]:
        inner = self.type_engine(dialect).literal_processor(dialect)
        if not self._has_override("process_literal_param") and not self._has_override(
            "process_bind_param"
        ):
            return inner
        plp = self.process_literal_param
        if inner is None:
            return None
        return lambda value: inner(plp(value, dialect))

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine:
        return self

    def copy(self, **kw: Any) -> "TypeDecorator":
        new = super().copy(**kw)
        return new  # type: ignore[return-value]

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__") or key == "impl":
            raise AttributeError(key)
        return getattr(self.impl, key)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def to_instance(typeobj: Any, *arg: Any, **kw: Any) -> TypeEngine:
    """Accept a type class or instance (``Integer`` or ``Integer()``)."""
    if typeobj is None:
        from .sqltypes import NULLTYPE

        return NULLTYPE
    if isinstance(typeobj, type):
        if not issubclass(typeobj, TypeEngine):
            raise exc.ArgumentError(f"{typeobj!r} is not a SQL type")
        return typeobj(*arg, **kw)
    if not isinstance(typeobj, TypeEngine):
        raise exc.ArgumentError(f"{typeobj!r} is not a SQL type (a TypeEngine)")
    return typeobj


def adapt_type(typeobj: TypeEngine, colspecs: Mapping[type, type]) -> TypeEngine:
    """Adapt a generic type to a dialect's implementation class via ``colspecs``.

    ``colspecs`` maps generic classes (``DateTime``) to dialect classes; the most
    specific match along the type's MRO wins.  A type that already is the
    dialect class, or a subclass of it, is returned as is.
    """
    if isinstance(typeobj, TypeDecorator):
        return typeobj
    typeobj = to_instance(typeobj)
    for cls in type(typeobj).__mro__:
        impltype = colspecs.get(cls)
        if impltype is not None:
            break
    else:
        return typeobj
    if isinstance(typeobj, impltype):
        return typeobj
    # the impl only processes values; DDL keeps rendering the original type
    return typeobj.adapt(impltype)


def resolve_value_type(value: Any) -> TypeEngine:
    """The SQL type a bare Python value is bound with (``literal(5)`` -> Integer)."""
    from . import sqltypes

    return sqltypes._resolve_value_to_type(value)
