"""``Session.merge()``: copy a (usually detached) object's state into the Session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .. import exc as sa_exc
from .attributes import _EMPTY_CS
from .base import object_state

if TYPE_CHECKING:
    from .session import Session


def merge_instance(
    session: "Session",
    instance: Any,
    load: bool,
    memo: Optional[dict[int, Any]] = None,
) -> Any:
    """The Session's copy of ``instance``; related objects follow ``merge`` cascade.

    ``memo`` maps already merged states (by id) to their copies, so a graph
    with cycles (backrefs) merges each object once.
    """
    if memo is None:
        memo = {}
    state = object_state(instance)
    if id(state) in memo:
        return memo[id(state)]
    mapper = state.mapper
    d = instance.__dict__
    key = state.key
    if key is None:
        pk = tuple(d.get(k) for k in mapper._pk_keys)
        if None not in pk:
            key = mapper.identity_key_from_primary_key(pk)
    if not load and state.modified and state.key is not None:
        raise sa_exc.InvalidRequestError(
            "merge() with load=False option does not support objects marked as "
            "'dirty'.  flush() all changes on mapped instances before merging "
            "with load=False."
        )
    merged = None
    if key is not None:
        if session.identity_map.contains_state(state):
            return instance
        merged = session.identity_map.get(key)
        if load and (merged is None or object_state(merged).expired):
            # an expired target is loaded first, as get() would (SQLAlchemy)
            from .loading import get_by_ident

            merged = get_by_ident(session, mapper, key[1], identity_token=key[2])
        elif merged is None and not load:
            if state.key is None:
                raise sa_exc.InvalidRequestError(
                    "merge() with load=False option does not support objects "
                    "transient (i.e. unpersisted) objects.  flush() all changes on "
                    "mapped instances before merging with load=False."
                )
            merged = mapper.class_manager.new_instance()
            memo[id(state)] = merged
            mstate = object_state(merged)
            mstate.key = key
            prop: Any
            for k, prop in mapper._props.items():
                if k not in d:
                    continue
                if getattr(prop, "_is_relationship", False):
                    if prop.cascade.merge:
                        _merge_related_committed(session, prop, merged, d[k], memo)
                    continue
                merged.__dict__[k] = d[k]
            mstate.committed_state = _EMPTY_CS
            session._update_impl(mstate, merged)
            missing = [
                k for k in mapper.class_manager.impls if k not in merged.__dict__
            ]
            if missing:
                mstate.expired_attributes = set(missing)
            return merged
    if merged is None:
        merged = mapper.class_manager.new_instance()
        session.add(merged)
    memo[id(state)] = merged
    rel_keys = mapper.class_manager.__dict__.get("_qs_rel_keys") or ()
    for k, _impl in mapper.class_manager.impls.items():
        if k not in d:
            continue
        value = d[k]
        if k in rel_keys:
            rel: Any = mapper._props[k]
            if not rel.cascade.merge:
                continue  # without merge cascade the link is not copied
            if not load:
                _merge_related_committed(session, rel, merged, value, memo)
                continue
            value = _merge_related(session, rel, value, load, memo)
        elif not load:
            merged.__dict__[k] = value
            continue
        setattr(merged, k, value)
    return merged


def _merge_related(
    session: "Session", prop: Any, value: Any, load: bool, memo: dict[int, Any]
) -> Any:
    if value is None:
        return None
    if prop.uselist:
        items = value.values() if isinstance(value, dict) else value
        return [merge_instance(session, item, load, memo) for item in items]
    return merge_instance(session, value, load, memo)


def _merge_related_committed(
    session: "Session", prop: Any, merged: Any, value: Any, memo: dict[int, Any]
) -> None:
    """``load=False``: related copies stored as loaded state, no history."""
    from .collections import resolve_impl

    related = _merge_related(session, prop, value, False, memo)
    mstate = object_state(merged)
    impl = resolve_impl(mstate.manager.impls[prop.key])
    if prop.uselist:
        impl.set_committed(mstate, related)
    else:
        merged.__dict__[prop.key] = related
