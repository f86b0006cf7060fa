"""Language helpers: memoized properties and warnings."""

from __future__ import annotations

import sys
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


def _external_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside
    quicksilver: the user's line, not a wrapper three layers down."""
    from ._callsite import internal_files, is_internal

    f = sys._getframe(2)  # the caller of warn()
    level = 2
    while f is not None:
        name = f.f_code.co_filename
        flag = internal_files.get(name)
        if flag is None:
            flag = is_internal(name)
        if not flag:
            break
        f = f.f_back  # type: ignore[assignment]
        level += 1
    return level


def warn(
    msg: str, code: Optional[str] = None, stacklevel: Optional[int] = None
) -> None:
    """Emit an SAWarning (quicksilver.exc.SAWarning), attributed to user code."""
    from ..exc import SAWarning

    if stacklevel is None:
        stacklevel = _external_stacklevel()
    warnings.warn(
        SAWarning(msg, code=code) if code else SAWarning(msg), stacklevel=stacklevel
    )


def warn_deprecated(msg: str, version: str = "2.0", stacklevel: int = 3) -> None:
    """Emit an SADeprecationWarning."""
    from ..exc import SADeprecationWarning

    warnings.warn(SADeprecationWarning(msg), stacklevel=stacklevel)
