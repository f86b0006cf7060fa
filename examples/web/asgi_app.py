"""Notes over HTTP as a Starlette (ASGI) app, one session per request.

Run it (``pip install starlette uvicorn``)::

    python examples/web/asgi_app.py --db sqlite:///notes.db --port 8000

The API is the one of ``wsgi_app.py``.  The Session is synchronous, so the
handlers are plain functions run in Starlette's thread pool; the request
scope (a context variable) follows them there.  Handlers never commit or
close: ``QuicksilverASGIMiddleware`` commits before the response starts when
the handler succeeds, rolls back when it raises or answers with an error
status, and removes the session at the end.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, Callable

from notes import Base, Note, make_engine, make_session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from quicksilver import select
from quicksilver.ext.web import QuicksilverASGIMiddleware


class Failure(Exception):
    """Raised on purpose by ``POST /notes`` with ``"fail": true`` after the
    note was flushed: the middleware must roll it back."""


def _endpoint(handler: Callable[[dict, dict, Any], Response]) -> Any:
    """Read the request (async), then run the sync handler in a thread with
    the path parameters, the query and the JSON body."""

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        data = json.loads(body) if body else {}
        return await run_in_threadpool(
            handler, dict(request.path_params), dict(request.query_params), data
        )

    return endpoint


def create_app(session: Any) -> Starlette:
    """The Starlette app for the scoped session ``session``."""

    def create(params: dict, query: dict, data: Any) -> Response:
        note = Note(owner=data["owner"], body=data["body"])
        session.add(note)
        session.flush()  # assigns the id
        if data.get("fail"):
            raise Failure(f"failing on purpose after flushing {note.id}")
        return JSONResponse(note.to_dict(), status_code=201)

    def list_notes(params: dict, query: dict, data: Any) -> Response:
        stmt = select(Note).order_by(Note.id)
        if "owner" in query:
            stmt = stmt.where(Note.owner == query["owner"])
        return JSONResponse([n.to_dict() for n in session.scalars(stmt)])

    def one(params: dict, query: dict, data: Any) -> Response:
        note = session.get(Note, params["id"])
        if note is None:
            return JSONResponse({"error": "no such note"}, status_code=404)
        return JSONResponse(note.to_dict())

    def update(params: dict, query: dict, data: Any) -> Response:
        note = session.get(Note, params["id"])
        if note is None:
            return JSONResponse({"error": "no such note"}, status_code=404)
        note.body = data["body"]
        return JSONResponse(note.to_dict())

    def delete(params: dict, query: dict, data: Any) -> Response:
        note = session.get(Note, params["id"])
        if note is None:
            return JSONResponse({"error": "no such note"}, status_code=404)
        session.delete(note)
        return Response(status_code=204)

    routes = [
        Route("/notes", _endpoint(create), methods=["POST"]),
        Route("/notes", _endpoint(list_notes), methods=["GET"]),
        Route("/notes/{id:int}", _endpoint(one), methods=["GET"]),
        Route("/notes/{id:int}", _endpoint(update), methods=["PUT"]),
        Route("/notes/{id:int}", _endpoint(delete), methods=["DELETE"]),
    ]
    # Inside Starlette's error handling: an exception from a handler reaches
    # the middleware (which rolls back) before it becomes a 500.
    return Starlette(
        routes=routes,
        middleware=[Middleware(QuicksilverASGIMiddleware, scoped=session)],
    )


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///notes.db")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    engine = make_engine(args.db)
    Base.metadata.create_all(engine)
    uvicorn.run(create_app(make_session(engine)), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
