"""Hybrid attributes: Python on instances, SQL on the class (``ext.hybrid``).

``User.fullname`` evaluates the getter (or the ``@fullname.expression``
function) with the class, which yields a SQL expression; ``user.fullname``
evaluates the getter with the instance.  Mirrors ``sqlalchemy.ext.hybrid``.
"""

from __future__ import annotations

import enum
from typing import Any, Callable, Generic, Optional, TypeVar

_T = TypeVar("_T")


class HybridExtensionType(enum.Enum):
    """The ``extension_type`` of hybrid attributes in ``all_orm_descriptors``."""

    HYBRID_METHOD = "HYBRID_METHOD"
    HYBRID_PROPERTY = "HYBRID_PROPERTY"


HYBRID_METHOD = HybridExtensionType.HYBRID_METHOD
HYBRID_PROPERTY = HybridExtensionType.HYBRID_PROPERTY


class hybrid_method(Generic[_T]):
    """A method usable on instances (Python) and on the class (SQL)."""

    is_attribute = True
    extension_type = HYBRID_METHOD

    def __init__(
        self, func: Callable[..., Any], expr: Optional[Callable[..., Any]] = None
    ):
        self.func = func
        self.expr = expr or func
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self.expr.__get__(owner, owner.__class__)
        return self.func.__get__(instance, owner)

    def expression(self, expr: Callable[..., Any]) -> "hybrid_method[_T]":
        """Give the class-level (SQL) form."""
        self.expr = expr
        return self

    @property
    def inplace(self) -> "hybrid_method[_T]":
        return self


class hybrid_property(Generic[_T]):
    """A property usable on instances (Python) and on the class (SQL)."""

    is_attribute = True
    extension_type = HYBRID_PROPERTY

    def __init__(
        self,
        fget: Callable[[Any], Any],
        fset: Optional[Callable[[Any, Any], None]] = None,
        fdel: Optional[Callable[[Any], None]] = None,
        expr: Optional[Callable[[Any], Any]] = None,
        custom_comparator: Any = None,
        update_expr: Optional[Callable[[Any, Any], Any]] = None,
    ) -> None:
        self.fget = fget
        self.fset = fset
        self.fdel = fdel
        self.expr = expr
        self.custom_comparator = custom_comparator
        self.update_expr = update_expr
        self.__doc__ = fget.__doc__
        self.__name__ = fget.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.__name__ = name

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            if self.custom_comparator is not None:
                return self.custom_comparator(owner)
            fn = self.expr or self.fget
            return _HybridExpression(owner, self.__name__, fn(owner), self)
        return self.fget(instance)

    def __set__(self, instance: Any, value: Any) -> None:
        if self.fset is None:
            raise AttributeError(f"can't set attribute {self.__name__!r}")
        self.fset(instance, value)

    def __delete__(self, instance: Any) -> None:
        if self.fdel is None:
            raise AttributeError(f"can't delete attribute {self.__name__!r}")
        self.fdel(instance)

    def _copy(self, **kw: Any) -> "hybrid_property[_T]":
        values = dict(
            fget=self.fget,
            fset=self.fset,
            fdel=self.fdel,
            expr=self.expr,
            custom_comparator=self.custom_comparator,
            update_expr=self.update_expr,
        )
        values.update(kw)
        new = type(self)(**values)  # type: ignore[arg-type]
        new.__name__ = self.__name__
        return new

    @property
    def overrides(self) -> "hybrid_property[_T]":
        return self

    @property
    def inplace(self) -> "_InPlace[_T]":
        """Modify this hybrid in place (``@x.inplace.setter``)."""
        return _InPlace(self)

    def getter(self, fget: Callable[[Any], Any]) -> "hybrid_property[_T]":
        return self._copy(fget=fget)

    def setter(self, fset: Callable[[Any, Any], None]) -> "hybrid_property[_T]":
        """A copy of this hybrid with ``fset`` as its setter."""
        return self._copy(fset=fset)

    def deleter(self, fdel: Callable[[Any], None]) -> "hybrid_property[_T]":
        return self._copy(fdel=fdel)

    def expression(self, expr: Callable[[Any], Any]) -> "hybrid_property[_T]":
        """A copy of this hybrid with ``expr`` as its class-level SQL form."""
        return self._copy(expr=expr)

    def comparator(self, comparator: Callable[[Any], Any]) -> "hybrid_property[_T]":
        return self._copy(custom_comparator=comparator)

    def update_expression(
        self, meth: Callable[[Any, Any], Any]
    ) -> "hybrid_property[_T]":
        return self._copy(update_expr=meth)


def _delegate(name: str) -> Callable[..., Any]:
    def op(self: "_HybridExpression", *other: Any) -> Any:
        return getattr(self.expression, name)(*other)

    op.__name__ = name
    return op


class _HybridExpression:
    """``User.fullname`` at class level: the SQL expression, named ``User.fullname``.

    Operators and methods go to the expression; ``str()`` names the hybrid,
    as SQLAlchemy's ``ExprComparator`` does.
    """

    is_attribute = True

    def __init__(self, owner: type, name: str, expression: Any, hybrid: Any) -> None:
        self.class_ = owner
        self.key = name
        self.expression = expression
        self.property = hybrid

    def __clause_element__(self) -> Any:
        expr = self.expression
        ce = getattr(expr, "__clause_element__", None)
        return ce() if ce is not None else expr

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.__dict__["expression"], name)

    def __str__(self) -> str:
        return f"{self.class_.__name__}.{self.key}"

    __hash__ = object.__hash__


for _name in (
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__add__",
    "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__mod__", "__neg__", "__invert__", "__and__", "__or__",
    "__getitem__", "__floordiv__",
):
    setattr(_HybridExpression, _name, _delegate(_name))


class _InPlace(Generic[_T]):
    __slots__ = ("attr",)

    def __init__(self, attr: hybrid_property[_T]) -> None:
        self.attr = attr

    def _set(self, **kw: Any) -> hybrid_property[_T]:
        for k, v in kw.items():
            setattr(self.attr, k, v)
        return self.attr

    def getter(self, fget: Callable[[Any], Any]) -> hybrid_property[_T]:
        return self._set(fget=fget)

    def setter(self, fset: Callable[[Any, Any], None]) -> hybrid_property[_T]:
        return self._set(fset=fset)

    def deleter(self, fdel: Callable[[Any], None]) -> hybrid_property[_T]:
        return self._set(fdel=fdel)

    def expression(self, expr: Callable[[Any], Any]) -> hybrid_property[_T]:
        return self._set(expr=expr)

    def comparator(self, comparator: Callable[[Any], Any]) -> hybrid_property[_T]:
        return self._set(custom_comparator=comparator)

    def update_expression(self, meth: Callable[[Any, Any], Any]) -> hybrid_property[_T]:
        return self._set(update_expr=meth)


class Comparator:
    """Base for hybrid custom comparators (``hybrid.Comparator``)."""

    def __init__(self, expression: Any) -> None:
        self.expression = expression

    def __clause_element__(self) -> Any:
        expr = self.expression
        while hasattr(expr, "__clause_element__") and expr is not self:
            new = expr.__clause_element__()
            if new is expr:
                break
            expr = new
        return expr

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.expression, name)


__all__ = [
    "hybrid_property",
    "hybrid_method",
    "Comparator",
    "HybridExtensionType",
    "HYBRID_METHOD",
    "HYBRID_PROPERTY",
]
