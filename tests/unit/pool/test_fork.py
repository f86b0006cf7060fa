"""Fork safety: a child process never touches its parent's connections."""

from __future__ import annotations

import os

import pytest

from quicksilver.pool import NullPool, QueuePool, SingletonThreadPool, StaticPool
from tests.harness.fake_dbapi import FakeDBAPI

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _run_in_child(body) -> int:  # type: ignore[no-untyped-def]
    """Fork; run ``body()`` in the child, whose return value is its exit code."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 99
        try:
            code = body()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("pool_cls", [QueuePool, SingletonThreadPool, StaticPool])
def test_child_opens_its_own_connections(dbapi: FakeDBAPI, pool_cls: type) -> None:
    pool = pool_cls(dbapi.connect)
    first = pool.connect()
    first.close()  # idle in the pool at fork time
    held = pool.connect()  # checked out at fork time
    parent_conns = list(dbapi.connections)
    before = [(c.rollbacks, c.closes) for c in parent_conns]

    def child() -> int:
        c = pool.connect()
        if c.dbapi_connection in parent_conns:
            return 2
        if c.dbapi_connection.pid != os.getpid():
            return 3
        c.cursor().execute("select 1")
        c.close()
        held.close()  # the parent's checkout, returned in the child
        pool.dispose()
        if any(conn.foreign_ops for conn in parent_conns):
            return 4
        if [(c.rollbacks, c.closes) for c in parent_conns] != before:
            return 5
        return 0

    assert _run_in_child(child) == 0
    # the parent's connections are as they were, and still work
    assert [(c.rollbacks, c.closes) for c in parent_conns] == before
    assert not any(c.closed for c in parent_conns)
    held.cursor().execute("select 1")
    held.close()
    pool.connect().close()
    pool.dispose()


@pytest.mark.timeout(60)
def test_queuepool_accounting_fresh_in_child(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=2, max_overflow=0, timeout=0)
    a, b = pool.connect(), pool.connect()  # parent's pool is full

    def child() -> int:
        # the parent's checkouts do not count against the child's pool
        c1, c2 = pool.connect(), pool.connect()
        if pool.checkedout() != 2:
            return 2
        c1.close()
        c2.close()
        a.close()
        b.close()
        if pool.checkedin() != 2 or pool.checkedout() != 0:
            return 3
        return 0

    assert _run_in_child(child) == 0
    assert pool.checkedout() == 2
    a.close()
    b.close()
    assert pool.checkedin() == 2


@pytest.mark.timeout(60)
def test_nullpool_checkout_returned_in_child(dbapi: FakeDBAPI) -> None:
    pool = NullPool(dbapi.connect)
    held = pool.connect()
    raw = held.dbapi_connection

    def child() -> int:
        held.close()
        return 0 if not raw.closed and raw.rollbacks == 0 else 1

    assert _run_in_child(child) == 0
    held.close()
    assert raw.closed and raw.rollbacks == 1
