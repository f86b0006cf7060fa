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
