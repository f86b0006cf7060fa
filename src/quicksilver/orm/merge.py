"""``Session.merge()``: copy a (usually detached) object's state into the Session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import exc as sa_exc
from .attributes import _EMPTY_CS
from .base import object_state

if TYPE_CHECKING:
    from .session import Session


def merge_instance(session: "Session", instance: Any, load: bool) -> Any:
    state = object_state(instance)
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
        if merged is None and load:
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
            mstate = object_state(merged)
            mstate.key = key
            for k in mapper._props:
                if k in d:
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
    mstate = object_state(merged)
    for k, _impl in mapper.class_manager.impls.items():
        if k not in d:
            continue
        value = d[k]
        if not load:
            merged.__dict__[k] = value
            continue
        setattr(merged, k, value)
    return merged
