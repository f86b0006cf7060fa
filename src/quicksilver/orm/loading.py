"""Rows -> objects: the load hot path, plus get() and attribute refresh.

Per entity, everything that does not depend on the row is worked out once
(attribute keys and row positions, primary-key positions, the identity map's
dict, the class to instantiate); the per-row loop is then an identity-map
dict lookup and, for a new object, ``cls.__new__``, one state, and a
``dict.update`` of the values.  Existing objects are returned as they are
(their unflushed changes win), except that expired attributes are filled
from the row and ``populate_existing`` overwrites everything.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Sequence

from .. import exc as sa_exc
from ..engine.result import ChunkedIteratorResult, SimpleResultMetaData
from ..inspection import inspect
from ..util import LRUCache
from ..util._gc import gc_paused
from . import exc as orm_exc
from ._sql import column_bind, sql
from .attributes import _EMPTY_CS
from .base import STATE_KEY, class_mapper, opt_manager_of_class
from .context import analyze, entity_from
from .properties import ColumnProperty
from .state import _EMPTY_SET, InstanceState, _state_gone

if TYPE_CHECKING:
    from .context import _Entity
    from .mapper import Mapper
    from .session import Session
    from .state import InstanceState


_CHUNK = 1000


class _LoadedAsPersistent:
    """Stands in for a class's event dispatch in a loader built while the
    Session has ``loaded_as_persistent`` listeners: the loader's "a new
    object was loaded" hook (``dispatch.load``) then fires both the class's
    ``load`` listeners and the Session's ``loaded_as_persistent``."""

    __slots__ = ("session", "dispatch")

    def __init__(self, session: "Session", dispatch: Any) -> None:
        self.session = session
        self.dispatch = dispatch

    def __getattr__(self, name: str) -> Any:
        return getattr(self.dispatch, name)

    @property
    def load(self) -> Any:
        return self._load

    def _load(self, obj: Any, context: Any) -> None:
        if self.dispatch.load:
            self.dispatch.load(obj, context)
        self.session.dispatch.loaded_as_persistent(self.session, obj)


def _entity_loader(
    session: "Session",
    mapper: "Mapper[Any]",
    columns: Sequence[Any],
    start: int,
    populate_existing: bool,
    context: Any = None,
) -> Callable[[Any], Any]:
    """A function row -> object for ``mapper``'s columns at ``start``."""
    if context is None:
        loaders = session.identity_map._loaders
        lkey = (
            mapper,
            tuple(map(id, columns)),
            start,
            populate_existing,
            bool(session.dispatch.loaded_as_persistent),
        )
        found = loaders.get(lkey)
        if found is None or found[0] != session.hash_key:
            found = loaders[lkey] = (
                session.hash_key,
                _build_entity_loader(
                    session, mapper, columns, start, populate_existing
                ),
            )
        return found[1]  # type: ignore[no-any-return]
    return _build_entity_loader(
        session, mapper, columns, start, populate_existing, context
    )


def _build_entity_loader(
    session: "Session",
    mapper: "Mapper[Any]",
    columns: Sequence[Any],
    start: int,
    populate_existing: bool,
    context: Any = None,
) -> Callable[[Any], Any]:
    pairs, pk_idx, disc_idx, present, missing_by_mapper = _layout(
        mapper, columns, start
    )
    poly_map = mapper.polymorphic_map
    ident_cls = mapper._identity_class
    idmap = session.identity_map
    idmap_dict = idmap._dict
    wr = idmap._wr
    sid = session.hash_key
    new_ref = InstanceState.__new__
    allow_partial = mapper.allow_partial_pks

    def managers_for(m: "Mapper[Any]") -> tuple[Any, Any, Any, frozenset[str]]:
        manager = m.class_manager
        missing = missing_by_mapper.get(m)
        if missing is None:
            missing = missing_by_mapper[m] = _missing_keys(m, present)
        dispatch = manager.dispatch
        if session.dispatch.loaded_as_persistent:
            dispatch = _LoadedAsPersistent(session, dispatch)
        return m.class_, manager, dispatch, missing

    default_cls, default_manager, default_dispatch, default_missing = managers_for(
        mapper
    )

    def populate_existing_obj(
        state: "InstanceState[Any]", obj: Any, row: Any, overwrite: bool
    ) -> None:
        d = obj.__dict__
        expired = state.expired_attributes
        if state.expired:
            state.expired = False
        if overwrite:
            for k, i in pairs:
                d[k] = row[i]
            state.committed_state = _EMPTY_CS
            if state.modified:
                state.modified = False
                idmap._modified.discard(state)
                if state._strong_obj is not None:
                    state._strong_obj = None
            if expired:
                state.expired_attributes = _EMPTY_SET
            disp = state.manager.dispatch
            if disp.refresh:
                disp.refresh(obj, context, None)
        else:
            loaded = []
            for k, i in pairs:
                if k not in d:
                    d[k] = row[i]
                    loaded.append(k)
            if expired:
                expired.difference_update(loaded)
                if not expired:
                    state.expired_attributes = _EMPTY_SET
            disp = state.manager.dispatch
            if loaded and disp.refresh:
                disp.refresh(obj, context, set(loaded))

    def make_generic(row: Any, key: Any) -> Any:
        # the general case: a polymorphic row naming a sub-mapper
        cls, manager, dispatch, missing = (
            default_cls,
            default_manager,
            default_dispatch,
            default_missing,
        )
        if disc_idx is not None:
            sub = poly_map.get(row[disc_idx])
            if sub is not None and sub is not mapper:
                cls, manager, dispatch, missing = managers_for(sub)
        obj = cls.__new__(cls)
        d = obj.__dict__
        st = new_ref(InstanceState, obj, _state_gone)
        st.manager = manager
        st.key = key
        st.session_id = sid
        st._instance_dict = wr
        if missing:
            st.expired_attributes = set(missing)
        d[STATE_KEY] = st
        for k, i in pairs:
            d[k] = row[i]
        idmap_dict[key] = st
        if dispatch.load:
            dispatch.load(obj, context)
        return obj

    namespace = {
        "ident_cls": ident_cls,
        "idmap_get": idmap_dict.get,
        "idmap_dict": idmap_dict,
        "populate_existing_obj": populate_existing_obj,
        "populate_existing": populate_existing,
        "poly_get": poly_map.get,
        "mapper": mapper,
        "make_generic": make_generic,
        "cls": default_cls,
        "new_obj": default_cls.__new__,
        "new_ref": new_ref,
        "InstanceState": InstanceState,
        "gone": _state_gone,
        "manager": default_manager,
        "dispatch": default_dispatch,
        "missing": default_missing,
        "sid": sid,
        "wr": wr,
        "context": context,
        "allow_partial": allow_partial,
    }
    factory = _loader_factory(pairs, pk_idx, disc_idx, bool(default_missing))
    return factory(**namespace)  # type: ignore[no-any-return]


def _layout(
    mapper: "Mapper[Any]", columns: Sequence[Any], start: int
) -> tuple[
    list[tuple[str, int]], list[int], Optional[int], frozenset[str], dict[Any, Any]
]:
    """Row layout of an entity: (attribute, position) pairs, pk and
    discriminator positions.  Computed once per mapper and column layout."""
    cache = mapper.__dict__.setdefault("_qs_layouts", {})
    lkey = (tuple(map(id, columns)), start)
    found = cache.get(lkey)
    if found is not None:
        return found  # type: ignore[no-any-return]
    # every mapper of the hierarchy may receive this row (polymorphic load)
    col_to_key: dict[Any, str] = {}
    for m in mapper.base_mapper.self_and_descendants:
        for col, prop in m._columntoproperty.items():
            col_to_key.setdefault(col, prop.key)
    pairs: list[tuple[str, int]] = []
    positions: dict[Any, int] = {}
    labelled = mapper.__dict__.get("_qs_load_extra") or {}
    for i, col in enumerate(columns):
        positions.setdefault(col, start + i)
        key = col_to_key.get(col) or labelled.get(id(col))
        if key is not None:
            pairs.append((key, start + i))
    try:
        pk_idx = [positions[c] for c in mapper.primary_key]
    except KeyError:
        raise sa_exc.InvalidRequestError(
            f"The SELECT for {mapper} does not include its primary key columns"
        )
    disc_idx = (
        positions.get(mapper.polymorphic_on)
        if mapper.polymorphic_on is not None
        else None
    )
    found = (pairs, pk_idx, disc_idx, frozenset(k for k, _ in pairs), {})
    cache[lkey] = found
    return found


_factories: dict[Any, Callable[..., Any]] = {}


def _loader_factory(
    pairs: list[tuple[str, int]],
    pk_idx: list[int],
    disc_idx: Optional[int],
    has_missing: bool,
) -> Callable[..., Any]:
    key = (tuple(pairs), tuple(pk_idx), disc_idx, has_missing)
    factory = _factories.get(key)
    if factory is None:
        factory = _factories[key] = _compile_loader(
            pairs, pk_idx, disc_idx, has_missing
        )
    return factory


_FACTORY_ARGS = (
    "ident_cls",
    "idmap_get",
    "idmap_dict",
    "populate_existing_obj",
    "populate_existing",
    "poly_get",
    "mapper",
    "make_generic",
    "cls",
    "new_obj",
    "new_ref",
    "InstanceState",
    "gone",
    "manager",
    "dispatch",
    "missing",
    "sid",
    "wr",
    "context",
    "allow_partial",
)


def _compile_loader(
    pairs: list[tuple[str, int]],
    pk_idx: list[int],
    disc_idx: Optional[int],
    has_missing: bool,
) -> Callable[[Any], Any]:
    """Generate the per-row loader with the column assignments unrolled.

    One assignment per attribute beats ``dict.update(zip(...))`` by a wide
    margin on the hot path; the source is built from attribute names
    (``repr``-quoted) and row positions only.
    """
    lines = ["def load(row):"]
    # (indented into a factory taking the per-session values below)
    if len(pk_idx) == 1:
        lines += [
            f"    pk = row[{pk_idx[0]}]",
            "    if pk is None:",
            "        return None",
            "    key = (ident_cls, (pk,), None)",
        ]
    else:
        items = ", ".join(f"row[{i}]" for i in pk_idx)
        lines += [
            f"    ident = ({items},)",
            "    if None in ident:",
            "        if not allow_partial or all(v is None for v in ident):",
            "            return None",
            "    key = (ident_cls, ident, None)",
        ]
    lines += [
        "    state = idmap_get(key)",
        "    if state is not None:",
        "        obj = state()",
        "        if obj is not None:",
        "            if populate_existing or state.expired_attributes:",
        "                populate_existing_obj(state, obj, row, populate_existing)",
        "            return obj",
    ]
    if disc_idx is not None:
        lines += [
            f"    sub = poly_get(row[{disc_idx}])",
            "    if sub is not None and sub is not mapper:",
            "        return make_generic(row, key)",
        ]
    lines += [
        "    obj = new_obj(cls)",
        "    st = new_ref(InstanceState, obj, gone)",
        "    st.manager = manager",
        "    st.key = key",
        "    st.session_id = sid",
        "    st._instance_dict = wr",
    ]
    if has_missing:
        lines.append("    st.expired_attributes = set(missing)")
    lines += ["    d = obj.__dict__", f"    d[{STATE_KEY!r}] = st"]
    lines += [f"    d[{k!r}] = row[{i}]" for k, i in pairs]
    lines += [
        "    idmap_dict[key] = st",
        "    if dispatch.load:",
        "        dispatch.load(obj, context)",
        "    return obj",
    ]
    source = "def factory(%s):\n%s\n    return load\n" % (
        ", ".join(_FACTORY_ARGS),
        "\n".join("    " + line for line in lines),
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 - generated from names only
    return namespace["factory"]  # type: ignore[no-any-return]


_metadata_cache: LRUCache[Any, Any] = LRUCache(1000)


def _orm_metadata(keys: list[Any], entities: list["_Entity"]) -> Any:
    """Result metadata for these entities, built once per statement shape.

    Building it creates a Row class; doing that per query was the largest
    single cost of short ORM selects.  The cache entry references the key
    objects (classes, columns), so their ``id()`` cannot be reused while cached.
    """
    extra = [
        [ent.mapper.class_] if ent.mapper is not None else ent.columns
        for ent in entities
    ]
    try:
        cache_key = (tuple(keys), tuple(id(o) for objs in extra for o in objs))
    except TypeError:
        cache_key = None
    if cache_key is not None:
        cached = _metadata_cache.get(cache_key)
        if cached is not None:
            return cached[0]
    try:
        metadata = SimpleResultMetaData(keys, extra=extra)
    except TypeError:
        metadata = SimpleResultMetaData(keys)
    if cache_key is not None:
        _metadata_cache[cache_key] = (metadata, extra)
    return metadata


def orm_result(
    session: "Session",
    result: Any,
    entities: list["_Entity"],
    populate_existing: bool,
    metadata: Any = None,
) -> Any:
    """Wrap a CursorResult so each row yields objects for the ORM entities."""

    makers: list[Callable[[Any], Any]] = []
    for ent in entities:
        if ent.mapper is not None:
            makers.append(
                _entity_loader(
                    session, ent.mapper, ent.load_columns, ent.start,
                    populate_existing,
                )
            )
        else:
            pos = ent.start
            makers.append(operator.itemgetter(pos))
    if len(makers) == 1:
        only = makers[0]

        def build(chunk: list[Any]) -> list[tuple[Any, ...]]:
            # zip() of one iterable makes the 1-tuples at C speed
            return list(zip(map(only, chunk)))

    else:

        def build(chunk: list[Any]) -> list[tuple[Any, ...]]:
            # row by row, entity by entity: the order a tuple display has
            return list(zip(*[map(m, chunk) for m in makers], strict=True))

    def chunks(size: Optional[int]) -> Iterator[list[tuple[Any, ...]]]:
        # Objects are built a chunk at a time with the cyclic GC paused: a
        # load allocates several GC-tracked objects per row, and letting the
        # collector run every 700 allocations costs more than the load itself.
        # Collection is only deferred to the chunk boundary, never skipped.
        # Whole chunks go to the Result, which chains them at C speed.
        fetch = result.fetchmany
        size = size or _CHUNK
        while True:
            chunk = fetch(size)
            if not chunk:
                return
            with gc_paused():
                built = build(chunk)
            yield built

    if metadata is None:
        metadata = _orm_metadata([ent.key for ent in entities], entities)
    # raw: closing the ORM result closes the cursor (a server-side one too)
    out: Any = ChunkedIteratorResult(metadata, chunks, raw=result)
    out._qs_source = result  # type: ignore[attr-defined]
    return out


# --------------------------------------------------------------------------
# get() and attribute loads


def _pk_criteria(mapper: "Mapper[Any]") -> Any:
    stmt = mapper.__dict__.get("_qs_get_stmt")
    if stmt is None:
        and_, select = sql("and_"), sql("select")
        crit = [
            col == column_bind("_qs_ident_%d" % i, col)
            for i, col in enumerate(mapper.primary_key)
        ]
        stmt = select(entity_from(mapper)).where(and_(*crit))
        crit_single = mapper._single_table_criterion()
        if crit_single is not None:
            stmt = stmt.where(crit_single)
        # the columns a plain select(Model) loads: deferred ones left out
        from .context import _apply_column_loading

        entities = analyze(stmt)
        assert entities is not None
        stmt, entities = _apply_column_loading(stmt, entities)
        mapper.__dict__["_qs_get_entity"] = entities[0]
        mapper.__dict__["_qs_get_stmt"] = stmt
    return stmt


def _normalize_ident(mapper: "Mapper[Any]", ident: Any) -> tuple[Any, ...]:
    if isinstance(ident, dict):
        try:
            return tuple(ident[k] for k in mapper._pk_keys)
        except KeyError:
            missing = [k for k in mapper._pk_keys if k not in ident]
            raise sa_exc.InvalidRequestError(
                "Incorrect names of values in identifier to formulate primary key "
                "for session.get(); primary key attribute names are {} (synonym "
                "names are also accepted); missing {}".format(
                    ", ".join(f"'{k}'" for k in mapper._pk_keys), missing
                )
            )
    if hasattr(ident, "__composite_values__"):
        ident = ident.__composite_values__()
    if (
        not isinstance(ident, (tuple, list))
        or hasattr(ident, "_fields")
        and (not isinstance(ident, tuple))
    ):
        ident = (ident,)
    ident = tuple(ident)
    if len(ident) != len(mapper.primary_key):
        raise sa_exc.InvalidRequestError(
            "Incorrect number of values in identifier to formulate primary key for "
            "session.get(); primary key columns are {}".format(
                ",".join(f"'{c}'" for c in mapper.primary_key)
            )
        )
    return ident


def get_by_ident(
    session: "Session",
    entity: Any,
    ident: Any,
    *,
    populate_existing: bool = False,
    with_for_update: Any = None,
    identity_token: Any = None,
    options: Any = None,
) -> Any:
    mapper = entity if hasattr(entity, "_pk_keys") else _mapper_of(entity)
    pk = _normalize_ident(mapper, ident)
    key = (mapper._identity_class, pk, identity_token)
    if not populate_existing and with_for_update is None:
        state = session.identity_map._dict.get(key)
        if state is not None:
            obj = state()
            if obj is not None:
                if not isinstance(obj, mapper.class_):
                    return None
                if state.expired:
                    try:
                        load_scalar_attributes(mapper, state, None)
                    except orm_exc.ObjectDeletedError:
                        session._expunge_states([state])
                        return None
                return obj
    if any(v is None for v in pk):
        return None
    if options or _eager_by_default(mapper):
        # loader options / eager relationships: the full ORM SELECT path
        from .strategies import get_with_options

        return get_with_options(
            session, mapper, pk, options or (), populate_existing, with_for_update
        )
    return load_on_ident(
        session,
        mapper,
        key,
        populate_existing=populate_existing,
        with_for_update=with_for_update,
    )


def _eager_by_default(mapper: "Mapper[Any]") -> bool:
    """True if a relationship of ``mapper`` loads eagerly unless told otherwise."""
    found = mapper.__dict__.get("_qs_eager_default")
    if found is None:
        if not mapper.class_manager.__dict__.get("_qs_rel_keys"):
            found = False
        else:
            from .strategies import eager_by_default

            found = eager_by_default(mapper)
        mapper.__dict__["_qs_eager_default"] = found
    return found  # type: ignore[no-any-return]


def _mapper_of(entity: Any) -> "Mapper[Any]":
    manager = getattr(entity, "__dict__", {}).get("_sa_class_manager")
    if manager is not None and manager.mapper is not None:
        return manager.mapper  # type: ignore[no-any-return]
    insp = inspect(entity, raiseerr=False)
    mapper = getattr(insp, "mapper", None)
    if mapper is None:
        if insp is None:
            inspect(entity)  # NoInspectionAvailable, as SQLAlchemy's get() raises
        if isinstance(entity, type):
            return class_mapper(entity)
        raise sa_exc.ArgumentError(f"Expected mapped class or mapper, got: {entity!r}")
    return mapper  # type: ignore[no-any-return]


def load_on_ident(
    session: "Session",
    mapper: "Mapper[Any]",
    key: tuple[Any, ...],
    *,
    refresh_state: Optional["InstanceState[Any]"] = None,
    only_load_props: Optional[Sequence[str]] = None,
    populate_existing: bool = False,
    with_for_update: Any = None,
) -> Any:
    """SELECT the row with identity ``key`` and return its object (or None)."""
    if refresh_state is not None:
        mapper = refresh_state.mapper
    stmt = _pk_criteria(mapper)
    if with_for_update is not None:
        if with_for_update is True:
            stmt = stmt.with_for_update()
        elif isinstance(with_for_update, dict):
            stmt = stmt.with_for_update(**with_for_update)
        else:
            stmt = stmt.with_for_update()
    params = {"_qs_ident_%d" % i: v for i, v in enumerate(key[1])}
    session._autoflush()
    conn = session._connection_for_bind(session.get_bind(mapper))
    result = conn.execute(stmt, params)
    ent = mapper.__dict__.get("_qs_get_entity")
    if ent is None:
        entities = analyze(stmt)
        assert entities is not None
        ent = mapper.__dict__["_qs_get_entity"] = entities[0]
    if refresh_state is None and not populate_existing:
        # one row: build the object here rather than a per-Session loader
        # (a new Session per get() would build that loader every time)
        plain = mapper.__dict__.get("_qs_get_plain")
        if plain is None:
            plain = mapper.__dict__["_qs_get_plain"] = _plain_get_layout(
                mapper, ent.columns, ent.start
            )
        if plain is not False:
            row = result.first()
            if row is None:
                return None
            obj = _load_plain_row(session, plain, row)
            if obj is not _IN_IDENTITY_MAP:
                return obj
            result = (row,)
    load = _entity_loader(
        session,
        mapper,
        ent.columns,
        ent.start,
        populate_existing=populate_existing or refresh_state is not None,
    )
    obj = None
    for row in result:
        obj = load(row)
        break
    else:
        return None
    if refresh_state is not None:
        refreshed = refresh_state()
        if obj is not refreshed:
            return None
    return obj


def _missing_keys(mapper: "Mapper[Any]", present: frozenset[str]) -> frozenset[str]:
    """Column attributes of ``mapper`` a row does not carry (e.g. a joined
    subclass's own table): they start expired and load on first access."""
    return frozenset(
        k
        for k, p in mapper._props.items()
        if isinstance(p, ColumnProperty) and not p.deferred and k not in present
    )


def _plain_get_layout(mapper: "Mapper[Any]", columns: Sequence[Any], start: int) -> Any:
    """What :func:`_load_plain_row` needs for ``mapper``'s get() rows, or
    False when the rows need the general loader (polymorphic, columns left
    out of the SELECT)."""
    pairs, pk_idx, disc_idx, present, _missing = _layout(mapper, columns, start)
    if disc_idx is not None or mapper.polymorphic_map or _missing_keys(mapper, present):
        return False
    manager = mapper.class_manager
    return (mapper._identity_class, tuple(pk_idx), tuple(pairs), mapper.class_, manager)


#: :func:`_load_plain_row`'s answer when the row's object is already in the
#: identity map: the general loader then handles it (expired attributes too)
_IN_IDENTITY_MAP: Any = object()


def _load_plain_row(session: "Session", plain: Any, row: Any) -> Any:
    """The new persistent object for one row of a plain get() (the generated
    loader's work for a single row), or ``_IN_IDENTITY_MAP``."""
    ident_cls, pk_idx, pairs, cls, manager = plain
    key = (ident_cls, tuple([row[i] for i in pk_idx]), None)
    if None in key[1]:
        return None
    idmap = session.identity_map
    state = idmap._dict.get(key)
    if state is not None and state() is not None:
        return _IN_IDENTITY_MAP
    obj = cls.__new__(cls)
    st = InstanceState.__new__(InstanceState, obj, _state_gone)
    st.manager = manager
    st.key = key
    st.session_id = session.hash_key
    st._instance_dict = idmap._wr
    d = obj.__dict__
    d[STATE_KEY] = st
    for k, i in pairs:
        d[k] = row[i]
    idmap._dict[key] = st
    dispatch = manager.dispatch
    if dispatch.load:
        dispatch.load(obj, None)
    if session.dispatch.loaded_as_persistent:
        session.dispatch.loaded_as_persistent(session, obj)
    return obj


def _detached_refresh(
    state: "InstanceState[Any]", key: Optional[str]
) -> orm_exc.DetachedInstanceError:
    """SQLAlchemy's message, then which attribute and what to do about it."""
    if key is None:
        what = "its unloaded attributes cannot be loaded"
    elif key in state.expired_attributes:
        what = (
            f"attribute '{key}' was expired (by commit(), rollback() or "
            "expire()) and cannot be reloaded"
        )
    else:
        what = f"attribute '{key}' is deferred and cannot be loaded"
    return orm_exc.DetachedInstanceError(
        f"Instance {orm_exc.state_str(state)} is not bound to a Session; "
        f"attribute refresh operation cannot proceed: {what}. Read what you "
        "need while the Session is open, create the Session with "
        "expire_on_commit=False, or attach the object to an open Session "
        "(session.add() or session.merge())."
    )


def load_scalar_attributes(
    mapper: "Mapper[Any]", state: "InstanceState[Any]", key: Optional[str]
) -> None:
    """Load the unloaded (expired, deferred) column attributes of ``state``."""
    session = state.session
    if session is None:
        raise _detached_refresh(state, key)
    obj = state()
    if obj is None or state.key is None:
        return
    d = obj.__dict__
    mapper = state.mapper
    wanted = []
    for prop in mapper._props.values():
        if not isinstance(prop, ColumnProperty) or prop.key in d:
            continue
        if (
            prop.deferred
            and key is not None
            and prop.key != key
            and (
                prop.group is None
                or prop.group != getattr(mapper._props.get(key), "group", None)
            )
        ):
            continue
        wanted.append(prop)
    if not wanted:
        return
    and_, select = sql("and_"), sql("select")
    cols = [p.columns[0] for p in wanted]
    crit = [c == v for c, v in zip(mapper.primary_key, state.key[1], strict=False)]
    stmt = select(*cols).where(and_(*crit))
    if len(mapper.tables) > 1:
        stmt = stmt.select_from(mapper.persist_selectable)
    session._autoflush()
    conn = session._connection_for_bind(session.get_bind(mapper))
    row = conn.execute(stmt).first()
    if row is None:
        raise orm_exc.ObjectDeletedError(state)
    loaded = []
    for prop, value in zip(wanted, row, strict=False):
        if prop.key not in d:
            d[prop.key] = value
            loaded.append(prop.key)
    expired = state.expired_attributes
    if expired:
        expired.difference_update(loaded)
        if not expired:
            state.expired_attributes = _EMPTY_SET
    if state.expired:
        state.expired = False
    disp = state.manager.dispatch
    if disp.refresh and loaded:
        disp.refresh(obj, None, frozenset(loaded))


__all__ = [
    "orm_result",
    "get_by_ident",
    "load_on_ident",
    "load_scalar_attributes",
    "opt_manager_of_class",
]
