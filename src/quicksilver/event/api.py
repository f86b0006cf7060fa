"""``listen``, ``listens_for``, ``remove`` and ``contains``: SQLAlchemy's event API.

The target may be an instance (a Pool, an Engine, a Session), a class (every
instance, present and future), or anything an Events class accepts by way of
``_accept_with`` (an Engine stands for its Pool for pool events, a mapped class
for its Mapper).
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from .. import exc
from .base import Events, _registrars

_F = TypeVar("_F", bound=Callable[..., Any])


def _resolve(target: Any, identifier: str) -> tuple[type[Events[Any]], Any]:
    candidates = _registrars.get(identifier, ())
    # A proxy whose events live on another object (the asyncio extension's
    # AsyncEngine, AsyncSession) raises here with a message naming that object.
    refuse = getattr(target, "_refuse_events", None)
    for events in candidates:
        if refuse is not None:
            refuse(target, events)
        resolved = events._accept_with(target, identifier)
        if resolved is not None:
            return events, resolved
    raise exc.InvalidRequestError(
        "No such event '%s' for target '%s'" % (identifier, target)
    )


def listen(
    target: Any, identifier: str, fn: Callable[..., Any], *args: Any, **kw: Any
) -> None:
    """Register ``fn`` to be called when ``identifier`` fires on ``target``.

    Mirrors ``sqlalchemy.event.listen``; keywords ``named``, ``retval``,
    ``propagate``, ``once`` and ``insert`` are understood.
    """
    events, resolved = _resolve(target, identifier)
    events._listen(resolved, identifier, fn, *args, **kw)


def listens_for(
    target: Any, identifier: str, *args: Any, **kw: Any
) -> Callable[[_F], _F]:
    """Decorator form of :func:`listen`."""

    def decorate(fn: _F) -> _F:
        listen(target, identifier, fn, *args, **kw)
        return fn

    return decorate


def remove(target: Any, identifier: str, fn: Callable[..., Any]) -> None:
    """Undo a :func:`listen` made with the same arguments."""
    events, resolved = _resolve(target, identifier)
    if not events._remove(resolved, identifier, fn):
        raise exc.InvalidRequestError(
            "No listeners found for event %s / %r / %s " % (target, identifier, fn)
        )


def contains(target: Any, identifier: str, fn: Callable[..., Any]) -> bool:
    """True if ``fn`` is registered for ``identifier`` on ``target``."""
    events, resolved = _resolve(target, identifier)
    return events._contains(resolved, identifier, fn)
