"""Relationship attribute implementations and instrumented collections.

Values of relationship attributes live in the instance ``__dict__`` like
columns do, so reading a loaded relationship is a plain dictionary read.
Writes and collection mutations go through the implementations here, which

* record history: the first change of a persistent object's relationship
  stores the previous value (a copy of the collection's members) in
  ``state.committed_state``, where column history lives, so a flush (and
  ``inspect(obj).attrs.x.history``) sees added / unchanged / deleted
  members, and ``_commit_all()`` forgets it after the flush;
* keep the reverse side in step (``back_populates`` / ``backref``): setting
  ``child.parent = p`` appends to ``p.children`` when that collection is
  loaded (or the parent is new), removes the child from the old parent's
  loaded collection, and the other way round;
* cascade ``save-update``: an object attached to a parent that is in a
  Session joins that Session at once (SQLAlchemy 2.x: not along backrefs).

An unloaded collection of a persistent object touched through a backref is
not loaded; the change is remembered (``_qs_pending`` in the state's
``__dict__``) and applied when the collection is loaded, like SQLAlchemy's
"pending mutations".  Collections are ``list`` / ``set`` subclasses whose
mutators fire those events; ``collection_class=set`` and subclasses of list
or set are accepted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

from .. import exc as sa_exc
from .attributes import _EMPTY_CS, HISTORY_BLANK, History
from .base import NO_VALUE, STATE_KEY, PassiveFlag, instance_state

if TYPE_CHECKING:
    from .relationships import RelationshipProperty
    from .state import InstanceState

_EMPTY: tuple[()] = ()


def _state_of(obj: Any) -> "InstanceState[Any]":
    try:
        return obj.__dict__[STATE_KEY]  # type: ignore[no-any-return]
    except (KeyError, AttributeError):
        return instance_state(obj)


class RelationshipImpl:
    """What every relationship attribute implementation shares."""

    accepts_scalar_loader = False
    uses_objects = True
    collection = False
    is_plain = False

    def __init__(self, prop: "RelationshipProperty", class_: type) -> None:
        self.prop = prop
        self.key = prop.key
        self.class_ = class_
        self.validator: Optional[Callable[[Any, str, Any], Any]] = None
        self.listeners: list[Callable[..., Any]] = []
        self.active_history = prop.active_history

    def get(self, state: "InstanceState[Any]", d: dict[str, Any]) -> Any:
        """Value for a missing key: lazy load, or initialize for new objects."""
        if self.key in d:
            return d[self.key]
        if not self.prop._configured:
            self.prop._check_configured()
        from .strategies import load_relationship

        return load_relationship(self, state, d)

    def _record(self, state: "InstanceState[Any]", old: Any) -> None:
        if state.key is not None:
            cs = state.committed_state
            if self.key not in cs:
                if cs is _EMPTY_CS:
                    cs = state.committed_state = {}
                cs[self.key] = old
        if not state.modified:
            state._modified_event()

    def _cascade_add(self, state: "InstanceState[Any]", item: Any) -> None:
        if item is None or not self.prop.cascade.save_update:
            return
        if state.session_id is None:
            return
        session = state.session
        if session is None:
            return
        istate = _state_of(item)
        if istate.session_id == session.hash_key:
            return
        if istate._deleted or istate._was_deleted:
            return
        session._save_or_update_state(istate, item)
        from .dependency import cascade_save_update

        cascade_save_update(session, istate)


# --------------------------------------------------------------------------
# scalar object references: many-to-one, one-to-one


class ScalarObjectImpl(RelationshipImpl):
    """A reference to one related object (``Child.parent``, ``uselist=False``)."""

    def _old_value(self, state: "InstanceState[Any]", d: dict[str, Any]) -> Any:
        """The current value, without SQL where SQLAlchemy avoids it."""
        if self.key in d:
            return d[self.key]
        if state.key is None:
            return None
        from .strategies import passive_scalar

        return passive_scalar(self, state, d)

    def set(
        self, obj: Any, value: Any, _initiator: Any = None, _backref: bool = True
    ) -> None:
        d = obj.__dict__
        state = d.get(STATE_KEY) or instance_state(obj)
        prop = self.prop
        if not prop._configured:
            prop._check_configured()
        if value is not None and prop.enable_typechecks:
            _check_type(self, value)
        if self.validator is not None and value is not None:
            value = self.validator(obj, self.key, value)
        old = self._old_value(state, d)
        for fn in self.listeners:
            result = fn(obj, value, old, None)
            if result is not None and getattr(fn, "_qs_retval", False):
                value = result
        self._record(state, old)
        d[self.key] = value
        if old is value:
            return
        reverse = prop._reverse_property
        if _backref and reverse is not None:
            if old is not None and _initiator is not old:
                _backref_remove(reverse, old, obj)
            if value is not None and _initiator is not value:
                _backref_add(reverse, value, obj)
        if value is not None:
            self._cascade_add(state, value)

    def delete(self, obj: Any) -> None:
        self.set(obj, None)

    def get_history(
        self,
        state: "InstanceState[Any]",
        passive: PassiveFlag = PassiveFlag.PASSIVE_OFF,
    ) -> History:
        d = state.dict
        key = self.key
        cs = state.committed_state
        if key in d:
            current = d[key]
        elif key in cs or state.key is None:
            current = None
        elif (
            passive & PassiveFlag.SQL_OK
            and passive & PassiveFlag.CALLABLES_OK
            and state.session is not None
        ):
            # a lazy load is a loader callable: PASSIVE_NO_INITIALIZE (an
            # inspect() history) does not run it, as in SQLAlchemy
            current = self.get(state, d)
        else:
            return HISTORY_BLANK
        if key not in cs:
            if state.key is None:
                return (
                    HISTORY_BLANK
                    if current is None
                    else History([current], _EMPTY, _EMPTY)
                )
            return History(_EMPTY, [current], _EMPTY)
        original = cs[key]
        if original is NO_VALUE:
            original = None
        if original is current:
            return History(_EMPTY, [current], _EMPTY)
        deleted = [original] if original is not None else _EMPTY
        return History([current], _EMPTY, deleted)


def _check_type(impl: RelationshipImpl, value: Any) -> None:
    mapper = impl.prop.mapper
    manager = getattr(type(value), "__dict__", {}).get("_sa_class_manager")
    if manager is None or manager.mapper is None or not manager.mapper.isa(mapper):
        if isinstance(value, (list, set, tuple)) and not impl.prop.uselist:
            raise sa_exc.ArgumentError(
                f"Incompatible collection type: {type(value).__name__} is not "
                f"{mapper.class_.__name__}-like"
            )
        raise AssertionError(
            f"Attribute '{impl.key}' on class '{impl.class_}' doesn't handle "
            f"objects of type '{type(value)}'"
        )


# --------------------------------------------------------------------------
# collections


class _CollectionAdapter:
    """Links a collection object to its owner's state and implementation."""

    __slots__ = ("impl", "owner_state", "fire")

    def __init__(self, impl: "CollectionImpl", owner_state: "InstanceState[Any]"):
        self.impl = impl
        self.owner_state = owner_state
        self.fire = True


def _qs_before(self: Any) -> None:
    """Record history before a collection's first change (event helper)."""
    a = self._sa_adapter
    if a is not None and a.fire:
        a.impl._before_mutation(a.owner_state, self)


def _qs_add(self: Any, item: Any) -> Any:
    """Validate / backref / cascade an item joining a collection."""
    a = self._sa_adapter
    if a is not None and a.fire:
        return a.impl._fire_append(a.owner_state, item)
    return item


def _qs_remove(self: Any, item: Any) -> None:
    """Backref an item leaving a collection."""
    a = self._sa_adapter
    if a is not None and a.fire:
        a.impl._fire_remove(a.owner_state, item)


class InstrumentedList(list):  # type: ignore[type-arg]
    """The list a one-to-many / many-to-many attribute holds (``InstrumentedList``)."""

    _sa_adapter: Optional[_CollectionAdapter] = None

    _qs_before = _qs_before
    _qs_add = _qs_add
    _qs_remove = _qs_remove

    def append(self, item: Any) -> None:
        self._qs_before()
        list.append(self, self._qs_add(item))

    def extend(self, items: Iterable[Any]) -> None:
        for item in list(items):
            self.append(item)

    def __iadd__(self, items: Iterable[Any]) -> "InstrumentedList":  # type: ignore[override,misc]
        self.extend(items)
        return self

    def insert(self, index: Any, item: Any) -> None:
        self._qs_before()
        list.insert(self, index, self._qs_add(item))

    def remove(self, item: Any) -> None:
        self._qs_before()
        list.remove(self, item)
        self._qs_remove(item)

    def pop(self, index: Any = -1) -> Any:
        self._qs_before()
        item = list.pop(self, index)
        self._qs_remove(item)
        return item

    def clear(self) -> None:
        self._qs_before()
        items = list(self)
        list.clear(self)
        for item in items:
            self._qs_remove(item)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._qs_before()
        if isinstance(index, slice):
            old = list.__getitem__(self, index)
            new = [self._qs_add(v) for v in value]
            list.__setitem__(self, index, new)
            for item in old:
                if not any(item is n for n in new):
                    self._qs_remove(item)
            return
        old = list.__getitem__(self, index)
        if old is value:
            return
        list.__setitem__(self, index, self._qs_add(value))
        self._qs_remove(old)

    def __delitem__(self, index: Any) -> None:
        self._qs_before()
        old = list.__getitem__(self, index)
        list.__delitem__(self, index)
        for item in old if isinstance(index, slice) else [old]:
            self._qs_remove(item)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (list, (list(self),))


class InstrumentedSet(set):  # type: ignore[type-arg]
    """The set a ``collection_class=set`` attribute holds (``InstrumentedSet``)."""

    _sa_adapter: Optional[_CollectionAdapter] = None
    _qs_before = _qs_before
    _qs_add = _qs_add
    _qs_remove = _qs_remove

    def add(self, item: Any) -> None:
        if item in self:
            return
        self._qs_before()
        set.add(self, self._qs_add(item))

    def update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for item in list(other):
                self.add(item)

    def __ior__(self, other: Any) -> "InstrumentedSet":  # type: ignore[override,misc]
        self.update(other)
        return self

    def discard(self, item: Any) -> None:
        if item in self:
            self._qs_before()
            set.discard(self, item)
            self._qs_remove(item)

    def remove(self, item: Any) -> None:
        if item not in self:
            raise KeyError(item)
        self.discard(item)

    def pop(self) -> Any:
        self._qs_before()
        item = set.pop(self)
        self._qs_remove(item)
        return item

    def clear(self) -> None:
        self._qs_before()
        items = list(self)
        set.clear(self)
        for item in items:
            self._qs_remove(item)

    def difference_update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for item in list(other):
                self.discard(item)

    def __isub__(self, other: Any) -> "InstrumentedSet":  # type: ignore[override,misc]
        self.difference_update(other)
        return self

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (set, (set(self),))


class KeyFuncDict(dict):  # type: ignore[type-arg]
    """A dict collection keyed by a function of each member (``KeyFuncDict``).

    Made by :func:`attribute_keyed_dict` / :func:`column_keyed_dict` /
    :func:`keyfunc_mapping` for ``relationship(collection_class=...)``:
    ``parent.notes["k"] = note`` and the backref ``note.parent = parent``
    both store ``note`` under ``keyfunc(note)``; ``values()`` are the members.
    """

    keyfunc: Callable[[Any], Any] = staticmethod(lambda obj: obj)  # type: ignore[assignment]
    ignore_unpopulated_attribute = False
    _sa_adapter: Optional[_CollectionAdapter] = None

    def _qs_key(self, value: Any) -> Any:
        key = type(self).keyfunc(value)
        if key is None and not self.ignore_unpopulated_attribute:
            adapter = self._sa_adapter
            where = adapter.impl.prop if adapter is not None else "?"
            raise sa_exc.InvalidRequestError(
                f"In event triggered from population of attribute {where}"
                " (potentially from a backref), can't populate value in "
                f"KeyFuncDict; dictionary key derived from {value!r} is not "
                "populated. Ensure appropriate state is set up on the object "
                "before assigning it to the collection."
            )
        return key

    def set(self, value: Any) -> None:
        """Add ``value`` under its key (what an append does)."""
        self[self._qs_key(value)] = value

    def remove(self, value: Any) -> None:
        """Remove ``value`` (stored under its key)."""
        key = self._qs_key(value)
        if dict.get(self, key) is not value:
            raise sa_exc.InvalidRequestError(
                f"Can not remove '{value!r}': collection holds "
                f"'{dict.get(self, key)!r}' for key '{key!r}'."
            )
        del self[key]


class InstrumentedDict(KeyFuncDict):
    """The dict a keyed-dict relationship holds: mutations fire events."""

    _qs_before = _qs_before
    _qs_add = _qs_add
    _qs_remove = _qs_remove

    def __setitem__(self, key: Any, value: Any) -> None:
        old = dict.get(self, key, _MISSING)
        if old is value:
            return
        self._qs_before()
        dict.__setitem__(self, key, self._qs_add(value))
        if old is not _MISSING:
            self._qs_remove(old)

    def __delitem__(self, key: Any) -> None:
        self._qs_before()
        item = dict.pop(self, key)
        self._qs_remove(item)

    def pop(self, key: Any, *default: Any) -> Any:
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        item = dict.__getitem__(self, key)
        del self[key]
        return item

    def popitem(self) -> tuple[Any, Any]:
        key = next(reversed(list(dict.keys(self))))
        return key, self.pop(key)

    def clear(self) -> None:
        for key in list(dict.keys(self)):
            del self[key]

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def update(self, *args: Any, **kw: Any) -> None:
        for key, value in dict(*args, **kw).items():
            self[key] = value

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (dict, (dict(self),))


_MISSING = object()


def keyfunc_mapping(
    keyfunc: Callable[[Any], Any], *, ignore_unpopulated_attribute: bool = False
) -> type:
    """A dict collection class keyed by ``keyfunc(member)``."""
    return type(
        "KeyFuncDict",
        (KeyFuncDict,),
        {
            "keyfunc": staticmethod(keyfunc),
            "ignore_unpopulated_attribute": ignore_unpopulated_attribute,
        },
    )


def attribute_keyed_dict(
    attr_name: str, *, ignore_unpopulated_attribute: bool = False
) -> type:
    """A dict collection keyed by each member's attribute ``attr_name``."""

    def key(obj: Any) -> Any:
        return getattr(obj, attr_name, None)

    return keyfunc_mapping(
        key, ignore_unpopulated_attribute=ignore_unpopulated_attribute
    )


def column_keyed_dict(
    mapping_spec: Any, *, ignore_unpopulated_attribute: bool = False
) -> type:
    """A dict collection keyed by the value of a mapped column of each member."""
    cols = list(mapping_spec) if isinstance(mapping_spec, (list, tuple)) else None
    spec = cols if cols is not None else [mapping_spec]
    names = [getattr(c, "key", None) or c.name for c in spec]

    def key(obj: Any) -> Any:
        from .base import instance_state as _instance_state

        mapper = _instance_state(obj).mapper
        values = []
        for col, name in zip(spec, names, strict=True):
            prop = mapper._columntoproperty.get(getattr(col, "expression", col))
            values.append(getattr(obj, prop.key if prop is not None else name, None))
        return tuple(values) if cols is not None else values[0]

    return keyfunc_mapping(
        key, ignore_unpopulated_attribute=ignore_unpopulated_attribute
    )


# SQLAlchemy 1.x names
attribute_mapped_collection = attribute_keyed_dict
column_mapped_collection = column_keyed_dict
mapped_collection = keyfunc_mapping
MappedCollection = KeyFuncDict


_instrumented: dict[Any, type] = {list: InstrumentedList, set: InstrumentedSet}


def _collection_type(cls: Any) -> type:
    """The instrumented class for ``collection_class`` (list, set or subclasses)."""
    found = _instrumented.get(cls)
    if found is not None:
        return found
    if isinstance(cls, type) and issubclass(cls, list):
        base: type = InstrumentedList
    elif isinstance(cls, type) and issubclass(cls, set):
        base = InstrumentedSet
    elif isinstance(cls, type) and issubclass(cls, KeyFuncDict):
        base = InstrumentedDict
    else:
        raise sa_exc.ArgumentError(
            "quicksilver supports list, set and keyed-dict collections "
            "(attribute_keyed_dict() & co., and subclasses); "
            f"got collection_class={cls!r}"
        )
    methods = {k: v for k, v in base.__dict__.items() if callable(v)}
    found = type(cls.__name__, (cls,), dict(methods, _sa_adapter=None))
    _instrumented[cls] = found
    return found


def members(coll: Any) -> Any:
    """The related objects of a collection (a dict collection's values)."""
    if isinstance(coll, dict):
        return coll.values()
    return coll


def _contains(coll: Any, item: Any) -> bool:
    if isinstance(coll, set):
        return item in coll
    return any(x is item for x in members(coll))


def _raw_add(coll: Any, item: Any) -> None:
    if isinstance(coll, set):
        set.add(coll, item)
    elif isinstance(coll, dict):
        dict.__setitem__(coll, coll._qs_key(item), item)  # type: ignore[attr-defined]
    else:
        list.append(coll, item)


def _raw_remove(coll: Any, item: Any) -> None:
    if isinstance(coll, set):
        set.discard(coll, item)
        return
    if isinstance(coll, dict):
        for key, value in list(dict.items(coll)):
            if value is item:
                dict.__delitem__(coll, key)
                return
        return
    for i, x in enumerate(coll):
        if x is item:
            list.__delitem__(coll, i)
            return


class CollectionImpl(RelationshipImpl):
    """A collection of related objects (``Parent.children``)."""

    collection = True

    def __init__(self, prop: "RelationshipProperty", class_: type) -> None:
        super().__init__(prop, class_)
        self._ctype: Optional[type] = None

    def new_collection(
        self, state: "InstanceState[Any]", items: Iterable[Any] = ()
    ) -> Any:
        ctype = self._ctype
        if ctype is None:
            ctype = self._ctype = _collection_type(self.prop.collection_class)
        coll = ctype()
        for item in items:
            _raw_add(coll, item)
        coll._sa_adapter = _CollectionAdapter(self, state)
        return coll

    def initialize(self, state: "InstanceState[Any]", d: dict[str, Any]) -> Any:
        coll = d[self.key] = self.new_collection(state)
        return coll

    def set_committed(self, state: "InstanceState[Any]", items: Iterable[Any]) -> Any:
        """Store loaded members (no history, no events), merging pending ones."""
        coll = self.new_collection(state, items)
        pending = state.__dict__.get("_qs_pending")
        if pending and self.key in pending:
            added, removed = pending.pop(self.key)
            for item in removed:
                _raw_remove(coll, item)
            for item in added:
                if not _contains(coll, item):
                    _raw_add(coll, item)
        state.dict[self.key] = coll
        return coll

    def _before_mutation(self, state: "InstanceState[Any]", coll: Any) -> None:
        if state.key is not None and self.key not in state.committed_state:
            self._record(state, list(members(coll)))
        elif not state.modified:
            state._modified_event()

    def _fire_append(
        self, state: "InstanceState[Any]", item: Any, _backref: bool = True
    ) -> Any:
        obj = state()
        if item is None:
            raise sa_exc.InvalidRequestError(
                "None is not a valid member of a relationship collection"
            )
        if self.prop.enable_typechecks:
            _check_type(self, item)
        if self.validator is not None:
            item = self.validator(obj, self.key, item)
        reverse = self.prop._reverse_property
        if _backref and reverse is not None:
            _backref_add(reverse, item, obj)
        self._cascade_add(state, item)
        return item

    def _fire_remove(
        self, state: "InstanceState[Any]", item: Any, _backref: bool = True
    ) -> None:
        reverse = self.prop._reverse_property
        if _backref and reverse is not None:
            _backref_remove(reverse, item, state())

    def set(self, obj: Any, value: Any, _initiator: Any = None) -> None:
        """Replace the whole collection (``parent.children = [...]``)."""
        d = obj.__dict__
        state = d.get(STATE_KEY) or instance_state(obj)
        if not self.prop._configured:
            self.prop._check_configured()
        keyed = isinstance(self.prop.collection_class, type) and issubclass(
            self.prop.collection_class, dict
        )
        if (
            value is None
            or isinstance(value, (str, bytes))
            or (isinstance(value, dict) and not keyed)
            or not hasattr(value, "__iter__")
        ):
            raise TypeError(
                f"Incompatible collection type: {type(value).__name__} is not "
                f"{self.prop.collection_class.__name__}-like"
            )
        new_items = list(value.values() if isinstance(value, dict) else value)
        if self.key in d:
            old = d[self.key]
        elif state.key is not None and state.session is not None:
            old = self.get(state, d)
        else:
            old = None
        old_items = list(members(old)) if old is not None else []
        for fn in self.listeners:
            fn(obj, new_items, old, None)
        if state.key is not None and self.key not in state.committed_state:
            self._record(state, old_items if old is not None else NO_VALUE)
        elif not state.modified:
            state._modified_event()
        coll = self.new_collection(state)
        old_ids = {id(x) for x in old_items}
        for item in new_items:
            if id(item) not in old_ids:
                item = self._fire_append(state, item)
            if not _contains(coll, item):
                _raw_add(coll, item)
        if old is not None and getattr(old, "_sa_adapter", None) is not None:
            old._sa_adapter = None
        d[self.key] = coll
        new_ids = {id(x) for x in new_items}
        for item in old_items:
            if id(item) not in new_ids:
                self._fire_remove(state, item)

    def delete(self, obj: Any) -> None:
        self.set(obj, [])
        obj.__dict__.pop(self.key, None)

    def get_history(
        self,
        state: "InstanceState[Any]",
        passive: PassiveFlag = PassiveFlag.PASSIVE_OFF,
    ) -> History:
        d = state.dict
        key = self.key
        if key not in d:
            if state.key is None:
                return HISTORY_BLANK
            if (
                passive & PassiveFlag.SQL_OK
                and passive & PassiveFlag.CALLABLES_OK
                and state.session is not None
            ):
                self.get(state, d)
            else:
                pending = state.__dict__.get("_qs_pending")
                if pending and key in pending:
                    added, removed = pending[key]
                    return History(list(added), _EMPTY, list(removed))
                return HISTORY_BLANK
        current = list(members(d.get(key) or ()))
        cs = state.committed_state
        if key not in cs:
            if state.key is None:
                return History(current, _EMPTY, _EMPTY)
            return History(_EMPTY, current, _EMPTY)
        original = cs[key]
        if original is NO_VALUE:
            return History(current, _EMPTY, _EMPTY)
        orig_ids = {id(x) for x in original}
        cur_ids = {id(x) for x in current}
        return History(
            [x for x in current if id(x) not in orig_ids],
            [x for x in current if id(x) in orig_ids],
            [x for x in original if id(x) not in cur_ids],
        )


# --------------------------------------------------------------------------
# backrefs: keep the other side in step


def _pending(state: "InstanceState[Any]", key: str, item: Any, added: bool) -> None:
    pending = state.__dict__.get("_qs_pending")
    if pending is None:
        pending = state.__dict__["_qs_pending"] = {}
    adds, removes = pending.setdefault(key, ([], []))
    mine, other = (adds, removes) if added else (removes, adds)
    for i, x in enumerate(other):
        if x is item:
            del other[i]
            return
    mine.append(item)


def _backref_add(reverse: "RelationshipProperty", target: Any, item: Any) -> None:
    """``item`` now refers to ``target``: reflect it on ``target.<reverse>``."""
    tstate = _state_of(target)
    impl = resolve_impl(tstate.manager.impls.get(reverse.key))
    if impl is None:
        return
    td = target.__dict__
    if isinstance(impl, CollectionImpl):
        coll = td.get(reverse.key)
        if coll is None:
            if tstate.key is not None:
                _pending(tstate, reverse.key, item, added=True)
                return
            coll = impl.initialize(tstate, td)
        if _contains(coll, item):
            return
        impl._before_mutation(tstate, coll)
        _raw_add(coll, item)
    elif isinstance(impl, ScalarObjectImpl):
        impl.set(target, item, _initiator=item)
    else:
        backref_add = getattr(impl, "_backref_add", None)
        if backref_add is not None:
            backref_add(tstate, item)


def _backref_remove(reverse: "RelationshipProperty", target: Any, item: Any) -> None:
    """``item`` no longer refers to ``target``."""
    tstate = _state_of(target)
    impl = resolve_impl(tstate.manager.impls.get(reverse.key))
    if impl is None:
        return
    td = target.__dict__
    if isinstance(impl, CollectionImpl):
        coll = td.get(reverse.key)
        if coll is None:
            if tstate.key is not None:
                _pending(tstate, reverse.key, item, added=False)
            return
        if _contains(coll, item):
            impl._before_mutation(tstate, coll)
            _raw_remove(coll, item)
    elif isinstance(impl, ScalarObjectImpl):
        # unloaded (expired) reference: unknown, so cleared as SQLAlchemy
        # does; a loaded one only if it still points at ``item``
        if td.get(reverse.key, item) is item:
            impl.set(target, None, _initiator=item, _backref=False)
    else:
        backref_remove = getattr(impl, "_backref_remove", None)
        if backref_remove is not None:
            backref_remove(tstate, item)


class _LateImpl(RelationshipImpl):
    """Placeholder until the mapper is configured and ``uselist`` is known.

    The first use configures the mappers and turns this object into a
    :class:`CollectionImpl` or :class:`ScalarObjectImpl` in place, so the
    ClassManager's reference stays valid.
    """

    def _become(self) -> RelationshipImpl:
        prop = self.prop
        if not prop._configured:
            prop._check_configured()
        if type(self) is _LateImpl:
            if prop.lazy in ("write_only", "dynamic"):
                from .writeonly import DynamicImpl, WriteOnlyImpl

                dynamic = prop.lazy == "dynamic"
                self.__class__ = DynamicImpl if dynamic else WriteOnlyImpl  # type: ignore[assignment]
            elif prop.uselist:
                self.__class__ = CollectionImpl  # type: ignore[assignment]
                self._ctype = None  # type: ignore[attr-defined]
            else:
                self.__class__ = ScalarObjectImpl  # type: ignore[assignment]
        return self

    def get(self, state: Any, d: dict[str, Any]) -> Any:
        return self._become().get(state, d)

    def set(self, obj: Any, value: Any, **kw: Any) -> None:
        self._become().set(obj, value, **kw)  # type: ignore[attr-defined]

    def delete(self, obj: Any) -> None:
        self._become().delete(obj)  # type: ignore[attr-defined]

    def get_history(self, state: Any, passive: Any = PassiveFlag.PASSIVE_OFF) -> Any:
        return self._become().get_history(state, passive)  # type: ignore[attr-defined]


def resolve_impl(impl: Any) -> Any:
    """The concrete implementation behind a possibly unresolved one."""
    if type(impl) is _LateImpl:
        return impl._become()
    return impl


def make_impl(prop: "RelationshipProperty", class_: type) -> RelationshipImpl:
    """The attribute implementation for ``prop`` on ``class_``."""
    return _LateImpl(prop, class_)


__all__ = [
    "InstrumentedList",
    "InstrumentedSet",
    "InstrumentedDict",
    "KeyFuncDict",
    "attribute_keyed_dict",
    "column_keyed_dict",
    "keyfunc_mapping",
    "attribute_mapped_collection",
    "column_mapped_collection",
    "mapped_collection",
    "CollectionImpl",
    "ScalarObjectImpl",
]
