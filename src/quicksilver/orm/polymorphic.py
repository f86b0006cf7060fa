"""``with_polymorphic()``: a base entity selected together with the tables of
some of its joined-inheritance subclasses.

``select(with_polymorphic(Employee, [Engineer]))`` renders ``employee LEFT
OUTER JOIN engineer``, so criteria on the subclass (``wp.Engineer.language``)
filter the same rows instead of adding a cross join; the rows load as the
polymorphic objects ``select(Employee)`` gives.  Subclass columns the loader
does not take from the row load on first access.
"""

from __future__ import annotations

from typing import Any, Sequence, Union

from .. import exc as sa_exc
from ..inspection import inspect
from .context import entity_from_selectable


class WithPolymorphic:
    """What :func:`with_polymorphic` returns (SQLAlchemy's is an
    ``AliasedClass``): ``wp.Engineer`` is the subclass, ``wp.name`` the base
    class's attribute, and the object itself selects the entity."""

    def __init__(self, mapper: Any, subclasses: list[Any], selectable: Any) -> None:
        self.__dict__["_qs_mapper"] = mapper
        self.__dict__["_qs_by_name"] = {m.class_.__name__: m.class_ for m in subclasses}
        self.__dict__["_qs_from"] = entity_from_selectable(mapper, selectable)

    def __clause_element__(self) -> Any:
        return self.__dict__["_qs_from"]

    def __getattr__(self, name: str) -> Any:
        by_name = self.__dict__["_qs_by_name"]
        if name in by_name:
            return by_name[name]
        return getattr(self.__dict__["_qs_mapper"].class_, name)

    def __repr__(self) -> str:
        names = ", ".join(self.__dict__["_qs_by_name"])
        base = self.__dict__["_qs_mapper"].class_.__name__
        return f"with_polymorphic({base}, [{names}])"


def with_polymorphic(
    base: Any,
    classes: Union[str, Sequence[Any]],
    selectable: Any = False,
    flat: bool = False,
    polymorphic_on: Any = None,
    aliased: bool = False,
    innerjoin: bool = False,
    adapt_on_names: bool = False,
    name: Any = None,
    _use_mapper_path: bool = False,
) -> WithPolymorphic:
    """``with_polymorphic(Employee, [Engineer, Manager])`` or ``"*"`` for
    every subclass (mirrors ``sqlalchemy.orm.with_polymorphic``; the aliased
    forms -- ``aliased=True``, ``flat=True``, a ``selectable`` -- are not
    supported and say so)."""
    if aliased or flat or selectable is not False or polymorphic_on is not None:
        raise NotImplementedError(
            "with_polymorphic() with aliased=, flat=, selectable= or "
            "polymorphic_on= is not supported by quicksilver; select the base "
            "class and join the subclass tables explicitly"
        )
    mapper = inspect(base)
    if not getattr(mapper, "is_mapper", False):
        raise sa_exc.ArgumentError(
            f"with_polymorphic() needs a mapped class, got {base!r}"
        )
    if classes == "*":
        subs = [m for m in mapper.self_and_descendants if m is not mapper]
    else:
        subs = []
        for cls in classes:
            sub = inspect(cls)
            if sub is not mapper and not sub.isa(mapper):
                raise sa_exc.InvalidRequestError(
                    f"{cls!r} does not inherit from {mapper.class_!r}"
                )
            if sub is not mapper:
                subs.append(sub)
    from_ = mapper.persist_selectable
    joined = set(mapper.tables)
    for sub in subs:
        for table in sub.tables:
            if table not in joined:
                joined.add(table)
                from_ = from_.join(table, isouter=not innerjoin)
    return WithPolymorphic(mapper, subs, from_)


__all__ = ["WithPolymorphic", "with_polymorphic"]
