"""The example web apps under real servers and concurrent HTTP load.

Each app (plain WSGI under wsgiref's threading server, Starlette under
uvicorn) serves 2,000 requests from 16 concurrent clients doing creates,
reads, updates, deletes and writes that fail after flushing.  Afterwards every
acknowledged write is in the database, no failed write is, no response ever
showed a failed write, every client could read its own writes at once, and
the pool has every connection back.
"""

from __future__ import annotations

import http.client
import json
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "web"
sys.path.insert(0, str(EXAMPLES))

import notes  # noqa: E402

from quicksilver import select  # noqa: E402

CLIENTS = 16
REQUESTS = 2000
CYCLE = (
    "create",
    "get",
    "update",
    "list_mine",
    "create_doomed",
    "list_all",
    "delete",
    "get_deleted",
)


@pytest.fixture
def app_engine(db_url: str) -> Iterator[Any]:
    engine = notes.make_engine(db_url)
    notes.Base.metadata.drop_all(engine)
    notes.Base.metadata.create_all(engine)
    yield engine
    notes.Base.metadata.drop_all(engine)
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Client:
    """One HTTP client with its own view of what it has committed."""

    def __init__(self, port: int, index: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.owner = f"client{index}"
        self.mine: dict[int, str] = {}  # acknowledged (committed) notes
        self.last: int | None = None
        self.deleted: int | None = None
        self.sent = 0
        self.serial = 0

    def request(self, method: str, path: str, data: Any = None) -> tuple[int, Any]:
        self.sent += 1
        body = None if data is None else json.dumps(data)
        headers = {"Content-Type": "application/json"} if body else {}
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        if response.status >= 500:
            # uvicorn drops the connection after an app exception; start over
            self.conn.close()
        if raw and response.getheader("Content-Type", "").startswith(
            "application/json"
        ):
            return response.status, json.loads(raw)
        return response.status, raw.decode() or None

    def step(self, op: str) -> None:
        self.serial += 1
        text = f"{self.owner}-{self.serial}"
        if op == "create" or self.last is None:
            status, note = self.request(
                "POST", "/notes", {"owner": self.owner, "body": text}
            )
            assert status == 201, (status, note)
            self.mine[note["id"]] = text
            self.last = note["id"]
        elif op == "get":
            # read-your-writes: the commit happened before the 201 was sent
            status, note = self.request("GET", f"/notes/{self.last}")
            assert status == 200, (status, note)
            assert note["body"] == self.mine[self.last]
        elif op == "update":
            status, note = self.request("PUT", f"/notes/{self.last}", {"body": text})
            assert status == 200, (status, note)
            self.mine[self.last] = text
        elif op == "list_mine":
            status, rows = self.request("GET", f"/notes?owner={self.owner}")
            assert status == 200
            assert {r["id"]: r["body"] for r in rows} == self.mine
        elif op == "create_doomed":
            status, _ = self.request(
                "POST",
                "/notes",
                {"owner": self.owner, "body": f"doomed-{text}", "fail": True},
            )
            assert status == 500
        elif op == "list_all":
            status, rows = self.request("GET", "/notes")
            assert status == 200
            assert not [r for r in rows if r["body"].startswith("doomed")]
            assert {r["id"]: r["body"] for r in rows if r["owner"] == self.owner} == (
                self.mine
            )
        elif op == "delete":
            victim = min(self.mine)
            status, _ = self.request("DELETE", f"/notes/{victim}")
            assert status == 204
            del self.mine[victim]
            self.deleted = victim
            if self.last == victim:
                self.last = max(self.mine) if self.mine else None
        elif op == "get_deleted":
            target = self.deleted if self.deleted is not None else 10**9
            status, _ = self.request("GET", f"/notes/{target}")
            assert status == 404

    def run(self, count: int) -> None:
        try:
            i = 0
            while self.sent < count:
                self.step(CYCLE[i % len(CYCLE)])
                i += 1
        finally:
            self.conn.close()


def _load(port: int) -> list[_Client]:
    clients = [_Client(port, i) for i in range(CLIENTS)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(CLIENTS)

    def run(client: _Client) -> None:
        try:
            barrier.wait()
            client.run(REQUESTS // CLIENTS)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    assert sum(c.sent for c in clients) == REQUESTS
    return clients


def _check_database(engine: Any, clients: list[_Client]) -> None:
    from quicksilver.orm import Session

    with Session(engine) as session:
        rows = session.scalars(select(notes.Note)).all()
        stored = {(n.owner, n.id): n.body for n in rows}
    expected = {(c.owner, i): body for c in clients for i, body in c.mine.items()}
    assert stored == expected  # every acknowledged write, no failed one


def _serve_in_thread(serve: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_wsgi_app_under_load(app_engine: Any) -> None:
    from wsgiref.simple_server import make_server

    import wsgi_app

    class Server(wsgi_app.ThreadingWSGIServer):
        daemon_threads = False  # server_close() waits for every request
        block_on_close = True

    app = wsgi_app.create_app(notes.make_session(app_engine))
    server = make_server(
        "127.0.0.1",
        0,
        app,
        server_class=Server,
        handler_class=_QuietWSGIHandler(wsgi_app.QuietHandler),
    )
    thread = _serve_in_thread(server.serve_forever)
    try:
        clients = _load(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert app_engine.pool.checkedout() == 0
    _check_database(app_engine, clients)
    assert app_engine.pool.checkedout() == 0


def _QuietWSGIHandler(base: type) -> type:
    """wsgiref prints a traceback per failing request; the doomed requests
    fail on purpose, so keep the test output readable."""

    class Handler(base):  # type: ignore[misc, valid-type]
        def get_stderr(self) -> Any:
            return _NullWriter()

    return Handler


class _NullWriter:
    def write(self, data: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_asgi_app_under_load(app_engine: Any) -> None:
    pytest.importorskip("starlette")
    uvicorn = pytest.importorskip("uvicorn")
    import asgi_app

    app = asgi_app.create_app(notes.make_session(app_engine))
    port = _free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="off",
        ws="none",
        log_level="critical",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = _serve_in_thread(server.run)
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn died"
        time.sleep(0.01)
    try:
        clients = _load(port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    assert app_engine.pool.checkedout() == 0
    _check_database(app_engine, clients)
    assert app_engine.pool.checkedout() == 0
