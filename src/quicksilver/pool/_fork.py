"""Fork safety for pools: the child never touches its parent's connections.

After ``os.fork()`` the child shares the parent's sockets.  If the child
rolled back, closed, or even let the garbage collector finalise one of the
parent's DBAPI connections, the parent's session would be broken under it.

``os.register_at_fork`` runs :func:`_after_fork_in_child` in the child before
any other code.  It bumps :data:`generation` and asks every live pool to start
afresh: new locks (a lock held by a parent thread would stay held forever),
empty queues, zero counts.  The parent's connection objects are moved to
:data:`_orphans` and kept referenced for the life of the child, so they are
never closed or finalised there.  Records remember the generation they were
connected in; a connection checked out in the parent and returned in the child
is recognised by its stale generation and orphaned too, without I/O.

The checkout hot path pays nothing for this: the hook runs once per fork.
"""

from __future__ import annotations

import logging
import os
import weakref
from typing import Any, Protocol

#: Incremented in the child after every fork; records compare against it.
generation = 0

#: DBAPI connections inherited from the parent: never closed, never collected.
_orphans: list[Any] = []

_log = logging.getLogger("quicksilver.pool")


class _ForkAware(Protocol):
    def _reset_after_fork(self) -> None: ...


_live: "weakref.WeakSet[Any]" = weakref.WeakSet()


def register(pool: _ForkAware) -> None:
    """Have ``pool._reset_after_fork()`` called in every forked child."""
    _live.add(pool)


def orphan(dbapi_connection: Any) -> None:
    """Keep a connection inherited from the parent alive and untouched."""
    if dbapi_connection is not None:
        _orphans.append(dbapi_connection)


def _after_fork_in_child() -> None:
    global generation
    generation += 1
    for pool in list(_live):
        try:
            pool._reset_after_fork()
        except Exception:  # pragma: no cover - never let a fork hook raise
            _log.exception("Error resetting pool %r after fork", pool)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
