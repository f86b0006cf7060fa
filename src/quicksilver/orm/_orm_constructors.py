"""Public constructors of mapped attributes: mapped_column(), column_property()...

Each mirrors the SQLAlchemy function of the same name and signature.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .. import exc as sa_exc
from .properties import MappedColumn, MappedSQLExpressionProperty, SynonymProperty


def mapped_column(*args: Any, **kw: Any) -> Any:
    """Declare a mapped column (``sqlalchemy.orm.mapped_column``).

    Positional arguments: an optional column name, an optional SQL type, then
    schema items such as ``ForeignKey``.  The type and nullability default to
    what the ``Mapped[...]`` annotation says.
    """
    return MappedColumn(*args, **kw)


def column_property(
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
    **kw: Any,
) -> Any:
    """Map a column or SQL expression (``sqlalchemy.orm.column_property``)."""
    for dataclass_only in (
        "init",
        "repr",
        "default",
        "default_factory",
        "compare",
        "kw_only",
        "hash",
    ):
        kw.pop(dataclass_only, None)
    if kw:
        raise TypeError(
            f"column_property() got unexpected keyword arguments: {sorted(kw)}"
        )
    return MappedSQLExpressionProperty(
        column,
        *additional_columns,
        group=group,
        deferred=deferred,
        raiseload=raiseload,
        comparator_factory=comparator_factory,
        active_history=active_history,
        expire_on_flush=expire_on_flush,
        info=info,
        doc=doc,
    )


def deferred(
    column: Any,
    *additional_columns: Any,
    group: Optional[str] = None,
    raiseload: bool = False,
    **kw: Any,
) -> Any:
    """A column loaded only when first accessed (``sqlalchemy.orm.deferred``)."""
    return column_property(
        column,
        *additional_columns,
        group=group,
        deferred=True,
        raiseload=raiseload,
        **kw,
    )


def synonym(
    name: str,
    *,
    map_column: Optional[bool] = None,
    descriptor: Any = None,
    comparator_factory: Any = None,
    info: Optional[dict[Any, Any]] = None,
    doc: Optional[str] = None,
    **kw: Any,
) -> Any:
    """Another name for mapped attribute ``name`` (``sqlalchemy.orm.synonym``)."""
    return SynonymProperty(
        name,
        map_column=map_column,
        descriptor=descriptor,
        comparator_factory=comparator_factory,
        info=info,
        doc=doc,
    )


def query_expression(default_expr: Any = None, **kw: Any) -> Any:  # pragma: no cover
    raise NotImplementedError("query_expression() is not supported yet by quicksilver")


def validates(
    *names: str, include_removes: bool = False, include_backrefs: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a method validating (and possibly converting) attribute values.

    The method receives ``(self, key, value)`` and returns the value to store,
    as with ``sqlalchemy.orm.validates``.
    """
    if not names:
        raise sa_exc.ArgumentError("validates() needs at least one attribute name")

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__sa_validators__ = (  # type: ignore[attr-defined]
            names,
            {"include_removes": include_removes, "include_backrefs": include_backrefs},
        )
        return fn

    return wrap
