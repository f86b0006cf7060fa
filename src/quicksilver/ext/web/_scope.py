"""The per-request scope: a context variable holding the current request's token.

A web server may run many requests on one thread (ASGI, an event loop) or one
request on several threads (a sync ASGI endpoint runs in a worker thread), so
the thread is the wrong scope for a Session.  The middleware instead puts a
fresh :class:`RequestToken` in a :class:`contextvars.ContextVar` for the
duration of each request; :func:`request_scopefunc` returns it, and a
``scoped_session(factory, scopefunc=request_scopefunc)`` then keys sessions by
request.  Context variables follow the request into tasks it spawns and into
worker threads run through ``asyncio.to_thread`` / anyio / Starlette, and they
never leak into another request's context.

Outside any request scope :func:`request_scopefunc` raises rather than
falling back to a shared or thread-keyed session: a session silently shared
between requests, or kept forever under a recycled thread id, is the bug this
module exists to prevent.  Scripts, tests and background jobs open a scope
explicitly with :func:`request_scope`.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Iterator, Optional, TypeVar

from ... import exc

if TYPE_CHECKING:
    from ...orm.scoping import scoped_session
    from ...orm.session import Session

_S = TypeVar("_S", bound="Session")

_serial = itertools.count(1)


class RequestToken:
    """The hashable identity of one request scope (compared by identity).

    Its serial number only makes logs and reprs readable; identity is what
    keys the registry, so a token can never collide with a later request's.
    """

    __slots__ = ("serial",)

    def __init__(self) -> None:
        self.serial = next(_serial)

    def __repr__(self) -> str:
        return f"<RequestToken #{self.serial}>"


_current: ContextVar[Optional[RequestToken]] = ContextVar(
    "quicksilver_request_token", default=None
)


def current_request_token() -> Optional[RequestToken]:
    """The active request's token, or None outside any request scope."""
    return _current.get()


def request_scopefunc() -> RequestToken:
    """Return the current request's token: the ``scopefunc`` for
    ``scoped_session(factory, scopefunc=request_scopefunc)``.

    Raises :class:`~quicksilver.exc.InvalidRequestError` outside a request
    handled by the middleware or a :func:`request_scope` block.
    """
    token = _current.get()
    if token is None:
        raise exc.InvalidRequestError(
            "No request scope is active: a session keyed by request_scopefunc() "
            "exists only inside a request handled by QuicksilverWSGIMiddleware or "
            "QuicksilverASGIMiddleware, or inside 'with request_scope(...)'."
        )
    return token


@contextmanager
def activated(token: RequestToken) -> Iterator[RequestToken]:
    """Make ``token`` the current request scope for the body of the block.

    The middleware re-enters a request's scope around each step it runs for
    that request (calling the app, producing a body chunk, closing), so the
    scope holds even when a server runs those steps in different contexts.
    """
    reset = _current.set(token)
    try:
        yield token
    finally:
        _current.reset(reset)


def request_succeeded(status: Optional[int], raised: bool) -> bool:
    """The commit rule shared by both middlewares: no exception escaped the
    handler and the response status is below 400 (so redirects commit,
    client and server errors roll back)."""
    return not raised and status is not None and status < 400


def finish_session(session: Any, commit: bool) -> None:
    """Commit (if asked) and close ``session``; closing always happens and
    rolls back whatever the commit did not make permanent."""
    try:
        if commit:
            session.commit()
    finally:
        session.close()


def take_session(scoped: scoped_session[Any]) -> Any:
    """Detach the current scope's session from ``scoped`` and return it
    (None if the scope never created one), so that it can be finished on
    another thread while the registry entry is already gone."""
    registry = scoped.registry
    if not registry.has():
        return None
    session = registry()
    registry.clear()
    return session


def end_scope(scoped: scoped_session[Any], commit: bool) -> None:
    """Finish the current scope's session: commit if asked, close, forget.

    The registry entry is cleared even when commit or close fails, so a
    failed request never leaves its session behind for a later one.
    """
    session = take_session(scoped)
    if session is not None:
        finish_session(session, commit)


@contextmanager
def request_scope(
    scoped: scoped_session[_S], *, commit_on_success: bool = True
) -> Iterator[_S]:
    """Run a block as if it were one request: a fresh scope and session.

    For scripts, tests and background jobs sharing the web app's
    ``scoped_session``.  Yields the scope's session; at the end commits it if
    ``commit_on_success`` and the block raised nothing, else rolls back, and
    always closes and removes it.  A nested block is a separate scope with
    its own session.
    """
    with activated(RequestToken()):
        try:
            yield scoped()
        except BaseException:
            end_scope(scoped, commit=False)
            raise
        end_scope(scoped, commit=commit_on_success)
