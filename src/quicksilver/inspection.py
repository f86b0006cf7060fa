"""``inspect()``: one entry point that layers above register into.

``sql``, ``engine`` and ``orm`` each register the types they can inspect
(``inspect(engine)`` gives an Inspector, ``inspect(obj)`` an InstanceState);
this module knows none of them.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from . import exc

_T = TypeVar("_T")
_registrars: dict[type, Any] = {}


def inspect(subject: Any, raiseerr: bool = True) -> Any:
    """Return the inspection object for ``subject`` (mirrors sqlalchemy.inspect)."""
    type_ = type(subject)
    for cls in type_.__mro__:
        if cls in _registrars:
            reg = _registrars[cls]
            if reg is True:
                return subject
            result = reg(subject)
            if result is not None:
                return result
            break
    if raiseerr:
        raise exc.NoInspectionAvailable(
            "No inspection system is available for object of type %s" % type_
        )
    return None


def _inspects(*types: type) -> Callable[[_T], _T]:
    """Register the decorated callable (or ``True`` for self) for ``types``."""

    def decorate(fn_or_cls: _T) -> _T:
        for type_ in types:
            if type_ in _registrars:
                raise AssertionError("Type %s is already registered" % type_)
            _registrars[type_] = fn_or_cls
        return fn_or_cls

    return decorate


def _self_inspects(cls: _T) -> _T:
    _inspects(cls)(True)  # type: ignore[arg-type]
    return cls
