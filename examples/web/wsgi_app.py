"""Notes over HTTP as a plain WSGI app (stdlib only), one session per request.

Run it::

    python examples/web/wsgi_app.py --db sqlite:///notes.db --port 8000

    curl -X POST localhost:8000/notes -d '{"owner": "ann", "body": "hi"}'
    curl localhost:8000/notes?owner=ann
    curl -X PUT localhost:8000/notes/1 -d '{"body": "hello"}'
    curl -X DELETE localhost:8000/notes/1

Handlers never commit or close: ``QuicksilverWSGIMiddleware`` commits before
the response is sent when the handler succeeds, rolls back when it raises or
answers with an error status, and removes the session at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import socketserver
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from notes import Base, Note, make_engine, make_session

from quicksilver import select
from quicksilver.ext.web import QuicksilverWSGIMiddleware

_NOTE = re.compile(r"^/notes/(\d+)$")


class Failure(Exception):
    """Raised on purpose by ``POST /notes`` with ``"fail": true`` after the
    note was flushed: the middleware must roll it back."""


def create_app(session: Any) -> Callable[..., Iterable[bytes]]:
    """The WSGI app for the scoped session ``session``, wrapped in the
    middleware."""

    def app(environ: dict, start_response: Callable[..., Any]) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        status, payload = route(method, path, environ)
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
        ]
        start_response(status, headers)
        return [body]

    def read_json(environ: dict) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        return json.loads(environ["wsgi.input"].read(length) or b"{}")

    def route(method: str, path: str, environ: dict) -> tuple[str, Any]:
        if path == "/notes" and method == "POST":
            data = read_json(environ)
            note = Note(owner=data["owner"], body=data["body"])
            session.add(note)
            session.flush()  # assigns the id
            if data.get("fail"):
                raise Failure(f"failing on purpose after flushing {note.id}")
            return "201 Created", note.to_dict()
        if path == "/notes" and method == "GET":
            owner = parse_qs(environ.get("QUERY_STRING", "")).get("owner", [None])[0]
            stmt = select(Note).order_by(Note.id)
            if owner is not None:
                stmt = stmt.where(Note.owner == owner)
            return "200 OK", [n.to_dict() for n in session.scalars(stmt)]
        match = _NOTE.match(path)
        if match is None:
            return "404 Not Found", {"error": "no such route"}
        note = session.get(Note, int(match.group(1)))
        if note is None:
            return "404 Not Found", {"error": "no such note"}
        if method == "GET":
            return "200 OK", note.to_dict()
        if method == "PUT":
            note.body = read_json(environ)["body"]
            return "200 OK", note.to_dict()
        if method == "DELETE":
            session.delete(note)
            return "204 No Content", None
        return "405 Method Not Allowed", {"error": method}

    return QuicksilverWSGIMiddleware(app, session)


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """wsgiref's server, one thread per request."""

    daemon_threads = True
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///notes.db")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    engine = make_engine(args.db)
    Base.metadata.create_all(engine)
    app = create_app(make_session(engine))
    with make_server(
        "127.0.0.1", args.port, app, server_class=ThreadingWSGIServer
    ) as server:
        print(f"serving on http://127.0.0.1:{args.port}")
        server.serve_forever()


if __name__ == "__main__":
    main()
