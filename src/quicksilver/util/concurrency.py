"""The asyncio bridge: run quicksilver's synchronous core under an event loop.

quicksilver has one engine, written synchronously.  The asyncio extension
does not duplicate it; it runs it in a *child greenlet* and lets the sync code
"await" the coroutines of an async driver:

* :func:`greenlet_spawn` (a coroutine) starts ``fn(*args)`` in a child
  greenlet.  Whenever that code reaches :func:`await_only`, the child switches
  back to ``greenlet_spawn`` handing it the awaitable; ``greenlet_spawn``
  awaits it on the event loop (other tasks run meanwhile) and switches the
  result, or the exception, back into the child.
* :func:`await_only` is what the driver adapters call in place of ``await``.
  Called outside ``greenlet_spawn`` it raises
  :class:`~quicksilver.exc.MissingGreenlet` (SQLAlchemy's wording kept), after
  closing the coroutine so that no "never awaited" warning follows.

Cancellation needs no special code: a ``CancelledError`` delivered to the task
while it awaits on behalf of the child is thrown into the child at the
``await_only`` call, so the sync core sees it exactly where the I/O was, and
runs its cleanup (invalidate, give the connection back) before the error
leaves ``greenlet_spawn``.

greenlet is imported on first use only: ``import quicksilver`` must not need
it, and a sync-only application never loads it.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any, Awaitable, Callable, Optional, TypeVar

from .. import exc

_T = TypeVar("_T")

_bridge_cls: Optional[type] = None
_getcurrent: Optional[Callable[[], Any]] = None


def _load() -> type:
    """Import greenlet and build the bridge greenlet class (once)."""
    global _bridge_cls, _getcurrent
    if _bridge_cls is not None:
        return _bridge_cls
    try:
        import greenlet
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ValueError(
            "the greenlet library is required to use this function. "
            f"{err}; install quicksilver[asyncio]"
        ) from err

    class _BridgeGreenlet(greenlet.greenlet):  # type: ignore[misc]
        """A child greenlet started by ``greenlet_spawn``; its parent awaits."""

        __slots__ = ()
        _qs_bridge = True

    _getcurrent = greenlet.getcurrent
    _bridge_cls = _BridgeGreenlet
    return _BridgeGreenlet


def in_greenlet() -> bool:
    """True when running inside ``greenlet_spawn`` (``await_only`` will work)."""
    if _getcurrent is None:
        return False
    return getattr(_getcurrent(), "_qs_bridge", False)


def _discard(awaitable: Any) -> None:
    # Only a real coroutine is closed: another awaitable's close() may mean
    # something else entirely (aiosqlite's Connection.close is a coroutine).
    if inspect.iscoroutine(awaitable):
        try:
            awaitable.close()
        except Exception:  # pragma: no cover - a half-run coroutine
            pass


def await_only(awaitable: Awaitable[_T]) -> _T:
    """Await ``awaitable`` from sync code running under :func:`greenlet_spawn`.

    Mirrors ``sqlalchemy.util.await_only``.  Raises MissingGreenlet when no
    bridge is active, which almost always means I/O was attempted from async
    code through a sync-only path (an un-awaited lazy load, a sync method).
    """
    current = _getcurrent() if _getcurrent is not None else None
    if current is None or not getattr(current, "_qs_bridge", False):
        _discard(awaitable)
        raise exc.MissingGreenlet(
            "greenlet_spawn has not been called; can't call await_only() here. "
            "Was IO attempted in an unexpected place?"
        )
    # The parent is the greenlet running greenlet_spawn, i.e. the event loop's.
    return current.parent.switch(awaitable)  # type: ignore[no-any-return]


async def greenlet_spawn(
    fn: Callable[..., _T], *args: Any, _require_await: bool = False, **kwargs: Any
) -> _T:
    """Run the sync ``fn(*args, **kwargs)``, awaiting what it hands up.

    Mirrors ``sqlalchemy.util.greenlet_spawn``.  With ``_require_await``,
    raises :class:`~quicksilver.exc.AwaitRequired` if ``fn`` did no async I/O
    at all (a sync driver behind an async engine).
    """
    bridge_cls = _load()
    assert _getcurrent is not None
    parent = _getcurrent()
    child = bridge_cls(fn, parent)
    # Share the task's contextvars with the sync code (greenlets otherwise
    # start with an empty context).
    child.gr_context = parent.gr_context
    result: Any = child.switch(*args, **kwargs)
    switched = False
    while not child.dead:
        switched = True
        try:
            value = await result
        except BaseException:
            result = child.throw(*sys.exc_info())
        else:
            result = child.switch(value)
    if _require_await and not switched:
        raise exc.AwaitRequired(
            "The current operation required an async execution but none was "
            "detected.  This will usually happen when using a non compatible "
            "DBAPI driver.  Please ensure that an async DBAPI is used."
        )
    return result  # type: ignore[no-any-return]


def require_bridge() -> None:
    """Raise MissingGreenlet unless inside :func:`greenlet_spawn`.

    Called before building nested coroutines, which ``await_only`` could not
    close if it refused them (they would warn "never awaited").
    """
    if not in_greenlet():
        raise exc.MissingGreenlet(
            "greenlet_spawn has not been called; can't call await_only() here. "
            "Was IO attempted in an unexpected place?"
        )


def run_sync_in_bridge(fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Call ``fn`` directly when already inside the bridge, else fail clearly.

    A helper for code paths that may be reached from either side.
    """
    if not in_greenlet():
        raise exc.MissingGreenlet(
            "greenlet_spawn has not been called; can't call await_only() here. "
            "Was IO attempted in an unexpected place?"
        )
    return fn(*args, **kwargs)


def is_exit_exception(e: BaseException) -> bool:
    """True for exceptions that end a task rather than report an error."""
    import asyncio

    return not isinstance(e, Exception) or isinstance(e, asyncio.CancelledError)


__all__ = [
    "await_only",
    "greenlet_spawn",
    "in_greenlet",
    "is_exit_exception",
    "require_bridge",
    "run_sync_in_bridge",
]
