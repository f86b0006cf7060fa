"""Schema items and column defaults: ``ColumnDefault``, ``Sequence``, ``DefaultClause``.

Part of ``sql/schema`` (re-exported there), split out by concept.
"""

from __future__ import annotations

import inspect as _inspect
import itertools
from typing import Any, Callable, Optional

from .. import exc
from .elements import ClauseElement, TextClause
from .visitors import Visitable

_order = itertools.count(1)

DEFAULT_NAMING_CONVENTION: dict[str, str] = {"ix": "ix_%(column_0_label)s"}
BLANK_SCHEMA = object()
RETAIN_SCHEMA = object()


class SchemaItem(Visitable):
    """Base of items that attach to a Table or Column (mirrors SQLAlchemy)."""

    __visit_name__ = "schema_item"
    info: dict[str, Any]

    def _set_parent(self, parent: Any, /, **kw: Any) -> None:
        # positional-only: subclasses name it table / column / metadata
        raise NotImplementedError()

    def _set_parent_with_dispatch(self, parent: Any, **kw: Any) -> None:
        self._set_parent(parent, **kw)


class SchemaConst:
    pass


# ---------------------------------------------------------------- defaults
class DefaultGenerator(SchemaItem):
    """Base of column defaults, Python-side or server-side."""

    is_sequence = False
    is_server_default = False
    is_clause_element = False
    is_callable = False
    is_scalar = False
    is_identity = False
    column: Any = None
    for_update = False

    def _set_parent(self, parent: Any, /, **kw: Any) -> None:
        self.column = parent
        if self.for_update:
            parent.onupdate = self
        else:
            parent.default = self


def _wrap_callable(fn: Callable[..., Any]) -> Callable[[Any], Any]:
    """Make ``fn`` callable as ``fn(context)`` whether or not it takes one."""
    try:
        sig = _inspect.signature(fn)
    except (TypeError, ValueError):
        return lambda ctx: fn()
    positional = [
        p
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.default is p.empty
    ]
    if positional:
        return fn
    return lambda ctx: fn()


class ColumnDefault(DefaultGenerator):
    """A Python-side default: a scalar, a callable, or a SQL expression.

    For callables, ``arg`` is a function of one argument, the execution
    context (a zero-argument callable is wrapped), as in SQLAlchemy.
    """

    def __init__(self, arg: Any, for_update: bool = False) -> None:
        if isinstance(arg, FetchedValue):
            raise exc.ArgumentError(
                "ColumnDefault may not be a server-side default type."
            )
        self.for_update = for_update
        if (
            callable(arg)
            and not isinstance(arg, ClauseElement)
            and not hasattr(arg, "__clause_element__")
        ):
            self.is_callable = True
            self.arg = _wrap_callable(arg)
            self._orig = arg
        elif isinstance(arg, ClauseElement) or hasattr(arg, "__clause_element__"):
            from .coercions import _unwrap

            self.is_clause_element = True
            arg = _unwrap(arg)
            if getattr(arg, "_is_select_base", False):
                arg = arg.scalar_subquery()
            self.arg = arg
        else:
            self.is_scalar = True
            self.arg = arg

    def __repr__(self) -> str:
        return (
            f"ScalarElementColumnDefault({self.arg!r})"
            if self.is_scalar
            else f"ColumnDefault({self.arg!r})"
        )


class Sequence(DefaultGenerator):
    """A database sequence (PostgreSQL); ``next_value()`` renders ``nextval(...)``."""

    __visit_name__ = "sequence"
    is_sequence = True

    def __init__(
        self,
        name: str,
        start: Optional[int] = None,
        increment: Optional[int] = None,
        minvalue: Optional[int] = None,
        maxvalue: Optional[int] = None,
        cycle: Optional[bool] = None,
        schema: Optional[str] = None,
        cache: Optional[int] = None,
        order: Optional[bool] = None,
        optional: bool = False,
        quote: Any = None,
        metadata: Any = None,
        for_update: bool = False,
        **kw: Any,
    ) -> None:
        self.name = name
        self.start = start
        self.increment = increment
        self.minvalue = minvalue
        self.maxvalue = maxvalue
        self.cycle = cycle
        self.schema = schema
        self.cache = cache
        self.optional = optional
        self.metadata = metadata
        self.for_update = for_update
        if metadata is not None:
            metadata._sequences[self._key] = self

    @property
    def _key(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def next_value(self) -> Any:
        from .functions import next_value

        return next_value(self)

    def _set_parent(self, parent: Any, /, **kw: Any) -> None:
        super()._set_parent(parent)
        if parent.table is not None:
            self._set_table(parent.table)

    def _set_table(self, table: Any) -> None:
        if self.metadata is None:
            self.metadata = table.metadata
            if table.metadata is not None:
                table.metadata._sequences[self._key] = self

    def create(self, bind: Any, checkfirst: bool = True) -> None:
        from .ddl import run_ddl_item

        run_ddl_item(bind, "create_sequence", self, checkfirst)

    def drop(self, bind: Any, checkfirst: bool = True) -> None:
        from .ddl import run_ddl_item

        run_ddl_item(bind, "drop_sequence", self, checkfirst)

    def __repr__(self) -> str:
        return f"Sequence({self.name!r})"


class FetchedValue(SchemaItem):
    """A value the database generates (trigger, server default) and we fetch."""

    is_server_default = True
    reflected = False
    has_argument = False
    is_clause_element = False
    is_identity = False
    column: Any = None

    def __init__(self, for_update: bool = False) -> None:
        self.for_update = for_update

    def _set_parent(self, parent: Any, /, **kw: Any) -> None:
        self.column = parent
        if self.for_update:
            parent.server_onupdate = self
        else:
            parent.server_default = self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class DefaultClause(FetchedValue):
    """A ``DEFAULT`` clause in DDL (``server_default=``): str, ``text()`` or SQL."""

    has_argument = True

    def __init__(
        self, arg: Any, for_update: bool = False, _reflected: bool = False
    ) -> None:
        from .coercions import _unwrap

        arg = _unwrap(arg)
        if not isinstance(arg, (str, ClauseElement)):
            raise exc.ArgumentError(
                f"Argument 'arg' is expected to be one of type '<class 'str'>' or "
                "'<class 'ClauseElement'>' or '<class 'TextClause'>', got "
                f"{type(arg)!r}"
            )
        super().__init__(for_update)
        self.arg = arg
        self.reflected = _reflected

    def __repr__(self) -> str:
        return f"DefaultClause({self.arg!r}, for_update={self.for_update!r})"


class Computed(FetchedValue):
    """``GENERATED ALWAYS AS (expr)`` column."""

    __visit_name__ = "computed_column"

    def __init__(self, sqltext: Any, persisted: Optional[bool] = None) -> None:
        super().__init__()
        self.sqltext = TextClause(sqltext) if isinstance(sqltext, str) else sqltext
        self.persisted = persisted

    def _set_parent(self, parent: Any, /, **kw: Any) -> None:
        self.column = parent
        parent.computed = self
        parent.server_default = self
        parent.server_onupdate = self


class Identity(FetchedValue):
    """``GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY`` column."""

    __visit_name__ = "identity_column"
    is_identity = True

    def __init__(
        self,
        always: bool = False,
        on_null: Optional[bool] = None,
        start: Optional[int] = None,
        increment: Optional[int] = None,
        **kw: Any,
    ):
        super().__init__()
        self.always = always
        self.on_null = on_null
        self.start = start
        self.increment = increment
        self.options = kw

    def _set_parent(self, parent: Any, /, **kw: Any) -> None:
        self.column = parent
        parent.identity = self
        parent.server_default = self


# ---------------------------------------------------------------- columns
def _copy_default(d: Any) -> Any:
    if isinstance(d, ColumnDefault):
        return ColumnDefault(getattr(d, "_orig", d.arg), for_update=d.for_update)
    if isinstance(d, DefaultClause):
        return DefaultClause(d.arg, for_update=d.for_update)
    if isinstance(d, Sequence):
        return Sequence(
            d.name,
            start=d.start,
            increment=d.increment,
            schema=d.schema,
            optional=d.optional,
        )
    if isinstance(d, FetchedValue):
        return FetchedValue(for_update=d.for_update)
    return d


# ---------------------------------------------------------------- foreign keys
