"""quicksilver.ext.web without a database or server: the order of commit,
response and close, and the rollback paths, observed on fake sessions."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Iterator

import pytest

from quicksilver import exc
from quicksilver.ext.web import (
    QuicksilverASGIMiddleware,
    QuicksilverWSGIMiddleware,
    current_request_token,
    request_scope,
    request_scopefunc,
)
from quicksilver.orm.scoping import scoped_session


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.threads: dict[str, int] = {}


class FakeSession:
    _is_asyncio = False

    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.fail_commit = False

    def commit(self) -> None:
        self.rec.threads["commit"] = threading.get_ident()
        if self.fail_commit:
            self.rec.events.append("commit-failed")
            raise RuntimeError("commit failed")
        self.rec.events.append("commit")

    def close(self) -> None:
        self.rec.threads["close"] = threading.get_ident()
        self.rec.events.append("close")

    def add(self, obj: Any) -> None:
        self.rec.events.append(f"add {obj}")


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def scoped(rec: Recorder) -> scoped_session[Any]:
    return scoped_session(lambda: FakeSession(rec), scopefunc=request_scopefunc)


def test_request_scopefunc_outside_a_request(scoped: Any) -> None:
    assert current_request_token() is None
    with pytest.raises(exc.InvalidRequestError, match="No request scope is active"):
        request_scopefunc()
    with pytest.raises(exc.InvalidRequestError):
        scoped()


def test_request_scope_commits_and_removes(scoped: Any, rec: Recorder) -> None:
    with request_scope(scoped) as session:
        assert scoped() is session
        with request_scope(scoped) as inner:
            assert inner is not session  # a nested scope is its own request
        assert scoped() is session
    assert rec.events == ["commit", "close", "commit", "close"]
    assert scoped.registry.registry == {}


def test_request_scope_rolls_back_on_error(scoped: Any, rec: Recorder) -> None:
    with pytest.raises(KeyError):
        with request_scope(scoped):
            scoped.add(1)
            raise KeyError("x")
    assert rec.events == ["add 1", "close"]
    assert scoped.registry.registry == {}


# -- WSGI ----------------------------------------------------------------------


def _run_wsgi(app: Any, rec: Recorder) -> tuple[str, bytes]:
    status: list[str] = []

    def start_response(s: str, headers: Any, exc_info: Any = None) -> Any:
        rec.events.append(f"start {s}")
        status.append(s)
        return lambda data: None

    body = app({"REQUEST_METHOD": "GET"}, start_response)
    chunks = []
    try:
        for chunk in body:
            rec.events.append(f"sent {chunk!r}")
            chunks.append(chunk)
    finally:
        body.close()
    return status[-1], b"".join(chunks)


def _wsgi_app(scoped: Any, status: str = "200 OK", fail: bool = False) -> Any:
    def app(environ: dict, start_response: Any) -> Iterator[bytes]:
        scoped.add("a")
        if fail:
            raise ValueError("handler failed")
        start_response(status, [("Content-Type", "text/plain")])

        def body() -> Iterator[bytes]:
            yield b"one"
            scoped.add("b")  # work while streaming: same session
            yield b"two"

        return body()

    return app


def test_wsgi_commits_before_the_first_chunk(scoped: Any, rec: Recorder) -> None:
    app = QuicksilverWSGIMiddleware(_wsgi_app(scoped), scoped)
    assert _run_wsgi(app, rec) == ("200 OK", b"onetwo")
    assert rec.events == [
        "add a",
        "start 200 OK",
        "commit",
        "sent b'one'",
        "add b",
        "sent b'two'",
        "commit",  # the streamed work, at close
        "close",
    ]
    assert scoped.registry.registry == {}
    assert current_request_token() is None


@pytest.mark.parametrize("status", ["404 Not Found", "500 Internal Server Error"])
def test_wsgi_error_status_rolls_back(scoped: Any, rec: Recorder, status: str) -> None:
    app = QuicksilverWSGIMiddleware(_wsgi_app(scoped, status), scoped)
    _run_wsgi(app, rec)
    assert "commit" not in rec.events and rec.events[-1] == "close"
    assert scoped.registry.registry == {}


def test_wsgi_handler_exception_rolls_back(scoped: Any, rec: Recorder) -> None:
    app = QuicksilverWSGIMiddleware(_wsgi_app(scoped, fail=True), scoped)
    with pytest.raises(ValueError):
        _run_wsgi(app, rec)
    assert rec.events == ["add a", "close"]
    assert scoped.registry.registry == {}


def test_wsgi_failed_commit_surfaces_before_any_byte(
    scoped: Any, rec: Recorder
) -> None:
    def app(environ: dict, start_response: Any) -> list[bytes]:
        scoped().fail_commit = True
        start_response("201 Created", [])
        return [b"created"]

    with pytest.raises(RuntimeError, match="commit failed"):
        _run_wsgi(QuicksilverWSGIMiddleware(app, scoped), rec)
    assert rec.events == ["start 201 Created", "commit-failed", "close"]
    assert scoped.registry.registry == {}


def test_wsgi_commit_on_success_false(scoped: Any, rec: Recorder) -> None:
    app = QuicksilverWSGIMiddleware(_wsgi_app(scoped), scoped, commit_on_success=False)
    _run_wsgi(app, rec)
    assert "commit" not in rec.events and rec.events[-1] == "close"


def test_wsgi_with_thread_local_scoped(rec: Recorder) -> None:
    scoped = scoped_session(lambda: FakeSession(rec))
    _run_wsgi(QuicksilverWSGIMiddleware(_wsgi_app(scoped), scoped), rec)
    assert rec.events[-2:] == ["commit", "close"]
    assert not scoped.registry.has()


# -- ASGI ----------------------------------------------------------------------


def _run_asgi(app: Any, rec: Recorder, kind: str = "http") -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        rec.events.append(f"send {message['type']}")
        sent.append(message)

    asyncio.run(app({"type": kind}, receive, send))
    return sent


def _asgi_app(scoped: Any, status: int = 200, fail: bool = False) -> Any:
    async def app(scope: dict, receive: Any, send: Any) -> None:
        # a sync endpoint, run in a worker thread like Starlette's: the
        # request scope follows it there through the context
        await asyncio.to_thread(scoped.add, "a")
        if fail:
            raise ValueError("handler failed")
        await send({"type": "http.response.start", "status": status, "headers": []})
        scoped.add("b")
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def test_asgi_commits_before_the_response_starts(scoped: Any, rec: Recorder) -> None:
    loop_thread = threading.get_ident()
    _run_asgi(QuicksilverASGIMiddleware(_asgi_app(scoped), scoped), rec)
    assert rec.events == [
        "add a",
        "commit",
        "send http.response.start",
        "add b",
        "send http.response.body",
        "commit",
        "close",
    ]
    assert scoped.registry.registry == {}
    # blocking session work stays off the event loop's thread
    assert rec.threads["commit"] != loop_thread
    assert rec.threads["close"] != loop_thread


def test_asgi_error_status_and_exception_roll_back(scoped: Any, rec: Recorder) -> None:
    _run_asgi(QuicksilverASGIMiddleware(_asgi_app(scoped, 422), scoped), rec)
    assert "commit" not in rec.events and rec.events[-1] == "close"
    rec.events.clear()
    with pytest.raises(ValueError):
        _run_asgi(QuicksilverASGIMiddleware(_asgi_app(scoped, fail=True), scoped), rec)
    assert rec.events == ["add a", "close"]
    assert scoped.registry.registry == {}


def test_asgi_failed_commit_raises_into_the_app(scoped: Any, rec: Recorder) -> None:
    async def app(scope: dict, receive: Any, send: Any) -> None:
        scoped().fail_commit = True
        await send({"type": "http.response.start", "status": 200, "headers": []})

    with pytest.raises(RuntimeError, match="commit failed"):
        _run_asgi(QuicksilverASGIMiddleware(app, scoped), rec)
    assert rec.events == ["commit-failed", "close"]  # nothing was sent


def test_asgi_concurrent_requests_get_their_own_sessions(
    scoped: Any, rec: Recorder
) -> None:
    seen: list[Any] = []

    async def app(scope: dict, receive: Any, send: Any) -> None:
        first = scoped()
        await asyncio.sleep(0.01)  # interleave with the other requests
        assert scoped() is first
        seen.append(first)
        await send({"type": "http.response.start", "status": 200, "headers": []})

    mw = QuicksilverASGIMiddleware(app, scoped)

    async def main() -> None:
        async def send(message: dict) -> None:
            pass

        await asyncio.gather(*(mw({"type": "http"}, None, send) for _ in range(16)))

    asyncio.run(main())
    assert len({id(s) for s in seen}) == 16
    assert scoped.registry.registry == {}


def test_asgi_passes_lifespan_through(scoped: Any, rec: Recorder) -> None:
    async def app(scope: dict, receive: Any, send: Any) -> None:
        assert current_request_token() is None
        rec.events.append(scope["type"])

    _run_asgi(QuicksilverASGIMiddleware(app, scoped), rec, kind="lifespan")
    assert rec.events == ["lifespan"]


def test_asgi_refuses_a_thread_local_scoped(rec: Recorder) -> None:
    with pytest.raises(exc.ArgumentError, match="request_scopefunc"):
        QuicksilverASGIMiddleware(_asgi_app(None), scoped_session(lambda: None))
