"""ASGI middleware giving each request (or websocket) its own scoped session.

Lifecycle of one HTTP request (see ``docs/web.md``):

1. a new request scope is opened: a :class:`RequestToken` is set in the
   context variable read by :func:`request_scopefunc`; the app, the tasks it
   spawns and the worker threads it runs sync endpoints in all see it;
2. when the app sends ``http.response.start`` the session is committed if
   the status is below 400, *before* the headers are passed on, so a client
   holding a response can read its own write and a failing commit surfaces as
   an error instead of a lost write behind a 200;
3. when the app returns, work done while streaming or in background tasks
   is committed under the same rule, and the session is closed and removed,
   returning its connection to the pool.  An exception rolls back instead.

The Session is synchronous, so commit and close run in a worker thread: run
on the event loop they would stall every other request, and with SQLite they
could deadlock the loop on a lock held by a request whose own commit is
queued behind it.  The threads come from a private pool that grows as needed
(not asyncio's default executor, nor anyio's limited pool that sync
endpoints run in): a commit waiting on a lock must never keep the commit
that would release it from getting a thread.  Under another event loop than
asyncio anyio's ``to_thread`` is used with a generous limiter.

Lifespan and other non-request scopes pass through untouched.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, MutableMapping, Optional

from ... import exc
from ...orm.scoping import ThreadLocalRegistry
from ._scope import (
    RequestToken,
    activated,
    finish_session,
    request_succeeded,
    take_session,
)

__all__ = ["QuicksilverASGIMiddleware"]

_Scope = MutableMapping[str, Any]
_Message = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[_Message]]
_Send = Callable[[_Message], Awaitable[None]]
_ASGIApp = Callable[[_Scope, _Receive, _Send], Awaitable[None]]


# Finishing a session can wait on a database lock held by another request's
# session, whose own commit must then still find a thread: a small pool whose
# every worker waits on such a lock would deadlock.  Threads are therefore
# added as needed (idle ones are reused); the bound is only a safety net, far
# above the number of connections a pool hands out.
_MAX_FINISHERS = 512
_executor: Optional[ThreadPoolExecutor] = None
_executor_lock = threading.Lock()


def _finisher() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        with _executor_lock:
            if _executor is None:
                _executor = ThreadPoolExecutor(
                    _MAX_FINISHERS, thread_name_prefix="quicksilver-web"
                )
    return _executor


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Run blocking session work off the event loop (see the module notes)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio (trio): hand the thread to anyio
        import anyio.to_thread

        limiter = anyio.CapacityLimiter(_MAX_FINISHERS)
        return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)
    return await loop.run_in_executor(_finisher(), fn, *args)


class QuicksilverASGIMiddleware:
    """Wrap an ASGI app so each request gets its own session from ``scoped``.

    ``scoped`` must be keyed by request, e.g.
    ``scoped_session(factory, scopefunc=request_scopefunc)``: a thread-local
    one would hand one session to every request on the event loop, so it is
    refused.  With ``commit_on_success`` (the default) the session is
    committed when the app raises nothing and answers with a status below
    400; otherwise it is rolled back.  Either way it is closed and removed
    when the request ends.
    """

    def __init__(
        self, app: _ASGIApp, scoped: Any, *, commit_on_success: bool = True
    ) -> None:
        if isinstance(scoped.registry, ThreadLocalRegistry):
            raise exc.ArgumentError(
                f"{scoped!r} is thread-local, but an ASGI server serves many "
                "requests on one thread; create it with "
                "scoped_session(factory, scopefunc=request_scopefunc)."
            )
        self.app = app
        self.scoped = scoped
        self.commit_on_success = commit_on_success

    async def __call__(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        token = RequestToken()
        # websockets have no status: a connection that ends cleanly succeeded
        status: list[Optional[int]] = [None if kind == "http" else 200]
        committed = [False]

        async def send_wrapper(message: _Message) -> None:
            if message["type"] == "http.response.start" and not committed[0]:
                committed[0] = True
                status[0] = message["status"]
                if self.commit_on_success and request_succeeded(status[0], False):
                    await self._commit_current(token)
            await send(message)

        with activated(token):
            try:
                await self.app(scope, receive, send_wrapper)
            except BaseException:
                await self._end(token, commit=False)
                raise
            await self._end(
                token,
                commit=self.commit_on_success and request_succeeded(status[0], False),
            )

    async def _commit_current(self, token: RequestToken) -> None:
        with activated(token):
            registry = self.scoped.registry
            session = registry() if registry.has() else None
        if session is not None:
            await _in_thread(session.commit)

    async def _end(self, token: RequestToken, commit: bool) -> None:
        # Detach on the loop (the scope lookup needs this context), finish in
        # a thread; the registry entry is gone whatever happens next.
        with activated(token):
            session = take_session(self.scoped)
        if session is not None:
            await _in_thread(finish_session, session, commit)

    def __repr__(self) -> str:
        return f"QuicksilverASGIMiddleware({self.app!r}, {self.scoped!r})"
