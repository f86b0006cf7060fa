"""``association_proxy``: an attribute that reads one attribute through a
relationship (mirrors ``sqlalchemy.ext.associationproxy``).

``User.keywords = association_proxy("user_keywords", "keyword")`` gives each
user a list-like view of ``[uk.keyword for uk in user.user_keywords]`` whose
``append(kw)`` creates the association object (``creator(kw)``, or the
relationship's target class called with ``kw``).  On the class, the
proxy builds criteria through the relationship: ``User.keywords.any(...)``,
``User.keywords.contains(kw)``, and ``==`` for a scalar proxy.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

from ..inspection import inspect


class _ProxiedList:
    """The instance-level view of a collection proxy."""

    def __init__(self, proxy: "AssociationProxy", owner: Any) -> None:
        self._proxy = proxy
        self._owner = owner

    @property
    def _collection(self) -> Any:
        return getattr(self._owner, self._proxy.target_collection)

    def _get(self, item: Any) -> Any:
        return getattr(item, self._proxy.value_attr)

    def __iter__(self) -> Iterator[Any]:
        return (self._get(item) for item in self._collection)

    def __len__(self) -> int:
        return len(self._collection)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __contains__(self, value: object) -> bool:
        return any(v == value for v in self)

    def __getitem__(self, index: Any) -> Any:
        items = self._collection[index]
        if isinstance(index, slice):
            return [self._get(i) for i in items]
        return self._get(items)

    def __setitem__(self, index: int, value: Any) -> None:
        setattr(self._collection[index], self._proxy.value_attr, value)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other)  # type: ignore[call-overload]

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))

    def append(self, value: Any) -> None:
        self._collection.append(self._proxy._create(self._owner, value))

    def extend(self, values: Any) -> None:
        for value in values:
            self.append(value)

    def remove(self, value: Any) -> None:
        for item in list(self._collection):
            if self._get(item) == value:
                self._collection.remove(item)
                return
        raise ValueError(f"{value!r} not in {self._proxy.target_collection}")

    def pop(self, index: int = -1) -> Any:
        return self._get(self._collection.pop(index))

    def clear(self) -> None:
        del self._collection[:]

    def index(self, value: Any) -> int:
        return list(self).index(value)

    def count(self, value: Any) -> int:
        return list(self).count(value)


class AssociationProxy:
    """The descriptor :func:`association_proxy` returns."""

    def __init__(
        self,
        target_collection: str,
        attr: str,
        *,
        creator: Optional[Callable[[Any], Any]] = None,
        getset_factory: Any = None,
        proxy_factory: Any = None,
        proxy_bulk_set: Any = None,
        info: Optional[dict[Any, Any]] = None,
        cascade_scalar_deletes: bool = False,
        create_on_none_assignment: bool = False,
    ) -> None:
        if getset_factory is not None or proxy_factory is not None:
            raise NotImplementedError(
                "association_proxy(getset_factory=, proxy_factory=) is not "
                "supported by quicksilver"
            )
        self.target_collection = target_collection
        self.value_attr = attr
        self.creator = creator
        self.info = info or {}
        self.cascade_scalar_deletes = cascade_scalar_deletes
        self.key: Optional[str] = None
        self.owning_class: Optional[type] = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name
        self.owning_class = owner

    # -- the relationship behind -------------------------------------------

    def _relationship(self, owner: type) -> Any:
        return inspect(owner).relationships[self.target_collection]

    def _target_class(self, owner: type) -> type:
        return self._relationship(owner).mapper.class_  # type: ignore[no-any-return]

    def _scalar(self, owner: type) -> bool:
        return not self._relationship(owner).uselist

    def _create(self, obj: Any, value: Any) -> Any:
        if self.creator is not None:
            return self.creator(value)
        # as SQLAlchemy: the target class called with the value (a class
        # with the declarative keyword constructor needs creator=)
        return self._target_class(type(obj))(value)

    # -- descriptor --------------------------------------------------------

    def __get__(self, obj: Any, owner: Optional[type] = None) -> Any:
        if obj is None:
            return _ProxyComparator(self, owner or self.owning_class)
        if self._scalar(type(obj)):
            target = getattr(obj, self.target_collection)
            return None if target is None else getattr(target, self.value_attr)
        return _ProxiedList(self, obj)

    def __set__(self, obj: Any, value: Any) -> None:
        if self._scalar(type(obj)):
            target = getattr(obj, self.target_collection)
            if target is None:
                setattr(obj, self.target_collection, self._create(obj, value))
            else:
                setattr(target, self.value_attr, value)
            return
        view = _ProxiedList(self, obj)
        view.clear()
        view.extend(value)

    def __delete__(self, obj: Any) -> None:
        delattr(obj, self.target_collection)


class _ProxyComparator:
    """``User.keywords`` on the class: criteria through the relationship."""

    def __init__(self, proxy: AssociationProxy, owner: Any) -> None:
        self._proxy = proxy
        self._owner = owner

    @property
    def _rel_attr(self) -> Any:
        return getattr(self._owner, self._proxy.target_collection)

    @property
    def _value_attr(self) -> Any:
        return getattr(self._proxy._target_class(self._owner), self._proxy.value_attr)

    def _value_is_object(self) -> bool:
        """Whether the proxied attribute is itself a relationship."""
        return hasattr(getattr(self._value_attr, "property", None), "uselist")

    def any(self, criterion: Any = None, **kwargs: Any) -> Any:
        value_attr = self._value_attr
        if self._value_is_object() and (criterion is not None or kwargs):
            if value_attr.property.uselist:
                criterion = value_attr.any(criterion, **kwargs)
            else:
                criterion = value_attr.has(criterion, **kwargs)
            kwargs = {}
        return self._rel_attr.any(criterion, **kwargs)

    def has(self, criterion: Any = None, **kwargs: Any) -> Any:
        return self._rel_attr.has(criterion, **kwargs)

    def contains(self, value: Any) -> Any:
        # a column value or a related object: the same comparison inside
        return self._rel_attr.any(self._value_attr == value)

    def __eq__(self, value: Any) -> Any:  # type: ignore[override]
        if self._proxy._scalar(self._owner):
            return self._rel_attr.has(self._value_attr == value)
        return self.contains(value)

    def __ne__(self, value: Any) -> Any:  # type: ignore[override]
        if self._proxy._scalar(self._owner):
            return self._rel_attr.has(self._value_attr != value)
        return ~self.contains(value)

    __hash__ = object.__hash__

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proxy, name)


def association_proxy(target_collection: str, attr: str, **kw: Any) -> AssociationProxy:
    """A proxy reading ``attr`` of the objects in ``target_collection``."""
    return AssociationProxy(target_collection, attr, **kw)


__all__ = ["AssociationProxy", "association_proxy"]
