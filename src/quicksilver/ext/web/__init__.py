"""Per-request sessions for web apps: WSGI and ASGI middleware.

A quicksilver addition (SQLAlchemy leaves this to each web framework)::

    from quicksilver.orm import scoped_session, sessionmaker
    from quicksilver.ext.web import QuicksilverASGIMiddleware, request_scopefunc

    Session = scoped_session(sessionmaker(engine), scopefunc=request_scopefunc)
    app = QuicksilverASGIMiddleware(app, Session)

Each request gets its own session, committed before the response starts if
the request succeeded (no exception, status below 400), rolled back
otherwise, and always closed and removed when the request ends.  See
``docs/web.md``.
"""

from ._scope import RequestToken as RequestToken
from ._scope import current_request_token as current_request_token
from ._scope import request_scope as request_scope
from ._scope import request_scopefunc as request_scopefunc
from .asgi import QuicksilverASGIMiddleware as QuicksilverASGIMiddleware
from .wsgi import QuicksilverWSGIMiddleware as QuicksilverWSGIMiddleware

__all__ = [
    "QuicksilverASGIMiddleware",
    "QuicksilverWSGIMiddleware",
    "RequestToken",
    "current_request_token",
    "request_scope",
    "request_scopefunc",
]
