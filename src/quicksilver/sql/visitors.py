"""Visitor dispatch: every SQL construct names the compiler method that renders it.

A construct declares ``__visit_name__ = "select"``; subclassing computes
``_visit_method = "visit_select"`` once, so rendering a node is a single
``getattr`` on the compiler instead of string building per call.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterable, Iterator


class Visitable:
    """Base of every node a compiler can render (mirrors SQLAlchemy's Visitable)."""

    __slots__ = ()
    __visit_name__: ClassVar[str] = "visitable"
    _visit_method: ClassVar[str] = "visit_visitable"

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if "__visit_name__" in cls.__dict__:
            cls._visit_method = "visit_" + cls.__visit_name__

    def _compiler_dispatch(self, visitor: Any, **kw: Any) -> Any:
        """Render this node with ``visitor`` (a compiler)."""
        try:
            meth = getattr(visitor, self._visit_method)
        except AttributeError:
            from ..exc import UnsupportedCompilationError

            raise UnsupportedCompilationError(visitor, type(self)) from None
        return meth(self, **kw)

    def get_children(self, **kw: Any) -> Iterable["Visitable"]:
        """Direct sub-elements, for generic traversal."""
        return ()


def iterate(element: Visitable) -> Iterator[Visitable]:
    """Breadth-first walk of ``element`` and its children (``visitors.iterate``)."""
    stack = [element]
    seen: set[int] = set()
    while stack:
        item = stack.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        stack.extend(item.get_children())
