"""Concurrent-use detection for Session (quicksilver's own, beyond SQLAlchemy).

A Session belongs to one thread at a time.  SQLAlchemy does not check, and a
Session entered by two threads at once silently corrupts its identity map and
transaction.  Here every public operation takes a non-blocking lock; a second
thread arriving while a first is inside raises ``ConcurrentUseError`` at once,
naming both threads.  Re-entry from the same thread (an event listener that
uses the Session, ``add_all`` calling ``add``) passes; handing the Session to
another thread between operations stays legal.  The cost is one
``get_ident()`` and one uncontended ``acquire``/``release`` per call.
"""

from __future__ import annotations

import functools
import threading
from _thread import allocate_lock, get_ident
from typing import Any, Callable

from .. import exc

#: Session methods that read or change its state.
GUARDED = (
    "add", "add_all", "delete", "get", "get_one", "merge", "flush", "commit",
    "rollback", "close", "reset", "execute", "scalars", "scalar", "refresh",
    "expire", "expire_all", "expunge", "expunge_all", "begin", "begin_nested",
    "connection", "bulk_save_objects", "bulk_insert_mappings",
    "bulk_update_mappings",
)


def _raise_concurrent(session: Any, owner: int) -> None:
    holder = threading._active.get(owner)  # type: ignore[attr-defined]
    holder_name = holder.name if holder is not None else f"ident {owner}"
    raise exc.ConcurrentUseError(
        f"{session!r} is being used by thread {holder_name!r} while thread "
        f"{threading.current_thread().name!r} tried to use it at the same time. "
        "A Session must be used by one thread at a time: give each thread its "
        "own Session (sessionmaker(), or scoped_session for one per thread)."
    )


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def guarded(self: Any, *args: Any, **kw: Any) -> Any:
        ident = get_ident()
        if self._qs_guard_owner == ident:
            return fn(self, *args, **kw)
        lock = self._qs_guard_lock
        if not lock.acquire(False):
            _raise_concurrent(self, self._qs_guard_owner)
        self._qs_guard_owner = ident
        try:
            return fn(self, *args, **kw)
        finally:
            self._qs_guard_owner = 0
            lock.release()

    guarded._qs_guarded = True  # type: ignore[attr-defined]
    return guarded


#: the per-Session guard lock's constructor (Session.__init__ calls it)
new_guard_lock = allocate_lock


def install(session_cls: type) -> None:
    """Wrap ``session_cls``'s state-changing methods with the guard (once)."""
    if getattr(session_cls, "_qs_guards_installed", False):
        return
    session_cls._qs_guard_owner = 0  # type: ignore[attr-defined]
    # the lock itself is made by Session.__init__ (``new_guard_lock()``): a
    # wrapper around __init__ would cost a call with *args/**kw per Session
    for name in GUARDED:
        method = session_cls.__dict__.get(name)
        if callable(method) and not getattr(method, "_qs_guarded", False):
            setattr(session_cls, name, _guard(method))
    session_cls._qs_guards_installed = True  # type: ignore[attr-defined]
