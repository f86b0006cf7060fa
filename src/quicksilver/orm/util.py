"""ORM helpers: ``identity_key``, ``was_deleted``, ``object_state`` (``orm.util``)."""

from __future__ import annotations

from typing import Any, Optional

from .. import exc as sa_exc
from .base import class_mapper, object_mapper, object_state


def identity_key(
    class_: Optional[type] = None,
    ident: Any = None,
    *,
    instance: Any = None,
    row: Any = None,
    identity_token: Any = None,
) -> tuple[Any, ...]:
    """The identity key of a class + primary key, an instance, or a row."""
    if class_ is not None:
        mapper = class_mapper(class_)
        if row is None:
            if ident is None:
                raise sa_exc.ArgumentError("ident or row is required")
            if not isinstance(ident, (tuple, list)):
                ident = (ident,)
            return mapper.identity_key_from_primary_key(tuple(ident), identity_token)
        return mapper.identity_key_from_row(row, identity_token)
    if instance is not None:
        mapper = object_mapper(instance)
        return mapper.identity_key_from_instance(instance)
    raise sa_exc.ArgumentError("class or instance is required")


def was_deleted(obj: object) -> bool:
    """True if ``obj`` was deleted in a flush."""
    return object_state(obj).was_deleted


def has_identity(obj: object) -> bool:
    return object_state(obj).has_identity


# --------------------------------------------------------------------------
# aliased()


class AliasedInsp:
    """``inspect(aliased(User))``: the mapper and the selectable it reads."""

    is_aliased_class = True
    is_mapper = False
    is_selectable = False
    is_attribute = False
    is_instance = False

    def __init__(
        self, entity: "AliasedClass", mapper: Any, selectable: Any, name: Optional[str]
    ) -> None:
        self.entity = entity
        self.mapper = mapper
        self.selectable = selectable
        self.name = name
        self._adapt: dict[int, Any] = {}
        base = mapper.persist_selectable
        for col in selectable.c:
            orig = base.c.get(col.key) if hasattr(base.c, "get") else None
            if orig is None:
                orig = (
                    base.c.get(getattr(col, "name", None))
                    if hasattr(base.c, "get")
                    else None
                )
            if orig is not None:
                self._adapt[id(col)] = orig
        self._from = self._make_from()

    @property
    def class_(self) -> type:
        return self.mapper.class_  # type: ignore[no-any-return]

    def _original(self, col: Any) -> Any:
        return self._adapt.get(id(col), col)

    def _aliased_column(self, orig: Any) -> Any:
        for col in self.selectable.c:
            if self._adapt.get(id(col)) is orig:
                return col
        raise sa_exc.InvalidRequestError(
            "Column %s is not available on the alias of %s" % (orig, self.mapper)
        )

    def _make_from(self) -> Any:
        from .context import _proxy_class

        sel = self.selectable
        proxy_cls = _proxy_class(type(sel))
        proxy: Any = object.__new__(proxy_cls)
        proxy.__dict__.update(sel.__dict__)
        proxy.__dict__["_qs_original"] = sel
        proxy.__dict__["_annotations"] = {
            "parententity": self.mapper,
            "entity_namespace": self.entity,
            "aliased_insp": self,
        }
        proxy.__dict__.pop("_qs_key_memo", None)
        return proxy

    def __repr__(self) -> str:
        return f"<AliasedInsp at 0x{id(self):x}; {self.entity!r}>"


class _AliasedAttribute:
    """``a.name`` for ``a = aliased(User)``: SQL against the alias's column."""

    is_attribute = True

    def __init__(self, insp: AliasedInsp, key: str, column: Any) -> None:
        self._insp = insp
        self.key = key
        self.expression = column
        self.class_ = insp.mapper.class_

    def __clause_element__(self) -> Any:
        return self.expression

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.__dict__["expression"], name)

    def __str__(self) -> str:
        return f"aliased({self.class_.__name__}).{self.key}"

    __hash__ = object.__hash__


def _alias_op(name: str) -> Any:
    def op(self: _AliasedAttribute, *other: Any) -> Any:
        return getattr(self.expression, name)(*other)

    op.__name__ = name
    return op


for _op in (
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__mod__",
    "__neg__",
    "__invert__",
    "__and__",
    "__or__",
    "__getitem__",
):
    setattr(_AliasedAttribute, _op, _alias_op(_op))


class AliasedClass:
    """An alias of a mapped class (``sqlalchemy.orm.util.AliasedClass``).

    ``a = aliased(User)`` selects, joins and filters through ``a`` against
    an alias of ``User``'s table (or the given selectable); loading builds
    ordinary ``User`` objects, shared with the identity map.
    """

    def __init__(
        self,
        mapped_class_or_ac: Any,
        alias: Any = None,
        name: Optional[str] = None,
        flat: bool = False,
        adapt_on_names: bool = False,
        **kw: Any,
    ) -> None:
        from ..inspection import inspect

        insp = inspect(mapped_class_or_ac)
        mapper = insp.mapper
        if alias is None:
            alias = mapper.persist_selectable.alias(name)
        elif getattr(alias, "_is_select_base", False):
            alias = alias.subquery(name)
        self.__dict__["_aliased_insp"] = AliasedInsp(self, mapper, alias, name)
        self.__dict__["__name__"] = f"aliased({mapper.class_.__name__})"

    def __clause_element__(self) -> Any:
        return self.__dict__["_aliased_insp"]._from

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        insp: AliasedInsp = self.__dict__["_aliased_insp"]
        prop = insp.mapper._props.get(key)
        columns = getattr(prop, "columns", None)
        if columns:
            return _AliasedAttribute(insp, key, insp._aliased_column(columns[0]))
        attr = getattr(insp.mapper.class_, key)
        if getattr(prop, "_is_relationship", False):
            return attr._for_alias(insp)  # joins / any() from the alias
        return attr

    def __repr__(self) -> str:
        return "<AliasedClass at 0x%x; %s>" % (
            id(self),
            self.__dict__["_aliased_insp"].mapper.class_.__name__,
        )


def aliased(
    element: Any,
    alias: Any = None,
    name: Optional[str] = None,
    flat: bool = False,
    adapt_on_names: bool = False,
) -> Any:
    """An alias of a mapped class, for self-joins and subqueries (``aliased()``)."""
    return AliasedClass(
        element, alias, name=name, flat=flat, adapt_on_names=adapt_on_names
    )


def _register_inspection() -> None:
    from ..inspection import _inspects

    _inspects(AliasedClass)(lambda target: target.__dict__["_aliased_insp"])
    _inspects(AliasedInsp)(True)  # type: ignore[arg-type]


_register_inspection()
