"""WSGI middleware giving each request its own scoped session.

Lifecycle of one request (see ``docs/web.md``):

1. a new request scope is opened (a :class:`RequestToken` in the context
   variable read by :func:`request_scopefunc`);
2. the wrapped app runs; the status it passes to ``start_response`` is noted;
3. just before the first body chunk goes to the server (the moment headers
   are sent), the session is committed if the request succeeded, so a client
   that has its response can always read its own write, and a failing commit
   still becomes a 500 instead of a lost write behind a 200;
4. when the server closes the response, anything done while streaming is
   committed under the same rule, and the session is closed and removed,
   returning its connection to the pool.

An exception from the app, the body or the commit rolls back instead.  Each
step re-enters the request's scope itself rather than trusting the server to
run all steps in one context.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Optional

from ._scope import RequestToken, activated, end_scope, request_succeeded

__all__ = ["QuicksilverWSGIMiddleware"]

_WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class QuicksilverWSGIMiddleware:
    """Wrap a WSGI app so each request gets its own session from ``scoped``.

    ``scoped`` is a :class:`~quicksilver.orm.scoping.scoped_session`, usually
    made with ``scopefunc=request_scopefunc``; a thread-local one also works
    under threaded WSGI servers.  With ``commit_on_success`` (the default) the
    session is committed when the app raises nothing and answers with a status
    below 400; otherwise it is rolled back.  Either way it is closed and
    removed when the response is closed.
    """

    def __init__(
        self, app: _WSGIApp, scoped: Any, *, commit_on_success: bool = True
    ) -> None:
        self.app = app
        self.scoped = scoped
        self.commit_on_success = commit_on_success

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        response = _Response(self)

        def _start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            response.status = _status_code(status)
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        with activated(response.token):
            try:
                response.body = self.app(environ, _start_response)
            except BaseException:
                end_scope(self.scoped, commit=False)
                raise
        return response

    def __repr__(self) -> str:
        return f"QuicksilverWSGIMiddleware({self.app!r}, {self.scoped!r})"


def _status_code(status: str) -> Optional[int]:
    try:
        return int(status.split(None, 1)[0])
    except (ValueError, IndexError):
        return None


class _Response:
    """The app's response body, wrapped to commit before the first chunk is
    sent and to end the request scope when the server closes it."""

    __slots__ = (
        "middleware",
        "token",
        "status",
        "body",
        "_iter",
        "_failed",
        "_committed",
        "_closed",
    )

    def __init__(self, middleware: QuicksilverWSGIMiddleware) -> None:
        self.middleware = middleware
        self.token = RequestToken()
        self.status: Optional[int] = None
        self.body: Iterable[bytes] = ()
        self._iter: Optional[Iterator[bytes]] = None
        self._failed = False
        self._committed = False
        self._closed = False

    def _succeeded(self) -> bool:
        return request_succeeded(self.status, self._failed)

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        with activated(self.token):
            try:
                if self._iter is None:
                    self._iter = iter(self.body)
                try:
                    chunk = next(self._iter)
                except StopIteration:
                    self._commit_once()
                    raise
                self._commit_once()
                return chunk
            except StopIteration:
                raise
            except BaseException:
                self._failed = True
                raise

    def _commit_once(self) -> None:
        # Before the first byte leaves: the response must not promise a write
        # that is not yet durable (or that is about to fail).
        if self._committed:
            return
        self._committed = True
        if self.middleware.commit_on_success and self._succeeded():
            registry = self.middleware.scoped.registry
            if registry.has():
                registry().commit()

    def close(self) -> None:
        """End the request: close the app's body, then finish the session."""
        if self._closed:
            return
        self._closed = True
        with activated(self.token):
            try:
                close = getattr(self.body, "close", None)
                if close is not None:
                    try:
                        close()
                    except BaseException:
                        self._failed = True
                        raise
            finally:
                end_scope(
                    self.middleware.scoped,
                    commit=self.middleware.commit_on_success and self._succeeded(),
                )
