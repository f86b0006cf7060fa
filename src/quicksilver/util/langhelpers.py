"""Language helpers: memoized properties and warnings."""

from __future__ import annotations

import warnings
from typing import Any, Callable, Generic, Optional, TypeVar, overload

_T = TypeVar("_T")


class memoized_property(Generic[_T]):
    """A read-only property computed once per instance and stored in ``__dict__``."""

    def __init__(self, fget: Callable[[Any], _T], doc: Optional[str] = None) -> None:
        self.fget = fget
        self.__doc__ = doc or fget.__doc__
        self.__name__ = fget.__name__

    @overload
    def __get__(self, obj: None, cls: Any) -> "memoized_property[_T]": ...

    @overload
    def __get__(self, obj: object, cls: Any) -> _T: ...

    def __get__(self, obj: Any, cls: Any) -> Any:
        if obj is None:
            return self
        obj.__dict__[self.__name__] = result = self.fget(obj)
        return result


def warn(msg: str, code: Optional[str] = None, stacklevel: int = 3) -> None:
    """Emit an SAWarning (quicksilver.exc.SAWarning)."""
    from ..exc import SAWarning

    warnings.warn(
        SAWarning(msg, code=code) if code else SAWarning(msg), stacklevel=stacklevel
    )


def warn_deprecated(msg: str, version: str = "2.0", stacklevel: int = 3) -> None:
    """Emit an SADeprecationWarning."""
    from ..exc import SADeprecationWarning

    warnings.warn(SADeprecationWarning(msg), stacklevel=stacklevel)
