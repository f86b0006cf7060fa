"""SingletonThreadPool, StaticPool, NullPool and AssertionPool."""

from __future__ import annotations

import gc
import threading
import time

import pytest

from quicksilver import exc
from quicksilver.pool import AssertionPool, NullPool, SingletonThreadPool, StaticPool
from tests.harness.fake_dbapi import FakeDBAPI

# -- SingletonThreadPool -------------------------------------------------------


def test_singleton_one_connection_per_thread(dbapi: FakeDBAPI) -> None:
    pool = SingletonThreadPool(dbapi.connect)
    assert pool.size == 5
    a = pool.connect()
    b = pool.connect()  # nested checkout in the same thread: the same fairy
    assert a is b
    a.close()
    assert b.is_valid  # still checked out once
    b.close()
    assert not b.is_valid
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[0]
    c.close()
    seen = []
    t = threading.Thread(target=lambda: seen.append(pool.connect().dbapi_connection))
    t.start()
    t.join()
    assert seen == [dbapi.connections[1]]
    assert pool.status() == f"SingletonThreadPool id:{id(pool)} size: 2"


@pytest.mark.timeout(60)
def test_singleton_never_closes_a_live_threads_connection(dbapi: FakeDBAPI) -> None:
    pool = SingletonThreadPool(dbapi.connect, pool_size=2)
    n = 12
    barrier = threading.Barrier(n)
    done = threading.Event()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            c = pool.connect()
            mine = c.dbapi_connection
            c.close()
            barrier.wait(20)  # every thread now owns a connection
            for _ in range(20):
                c = pool.connect()
                assert c.dbapi_connection is mine
                assert not mine.closed
                c.cursor().execute("select 1")
                c.close()
            barrier.wait(20)
            done.wait(20)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    while barrier.n_waiting < n and not errors and any(t.is_alive() for t in threads):
        if all(c.executed for c in dbapi.connections) and len(dbapi.connections) == n:
            break
        time.sleep(0.005)
    assert len(dbapi.connections) == n
    assert not any(c.closed for c in dbapi.connections)
    done.set()
    for t in threads:
        t.join(30)
    assert not errors, errors
    # the threads have ended: their connections are cleaned up on next use
    gc.collect()
    c = pool.connect()
    c.close()
    assert sum(1 for conn in dbapi.connections if conn.closed) == n
    assert len(pool._all_conns) == 1


def test_singleton_dispose_and_recreate(dbapi: FakeDBAPI) -> None:
    pool = SingletonThreadPool(dbapi.connect, pool_size=3, recycle=5)
    c = pool.connect()
    c.close()
    pool.dispose()
    assert dbapi.connections[0].closed
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[1]
    c.close()
    new = pool.recreate()
    assert isinstance(new, SingletonThreadPool)
    assert (new.size, new._recycle) == (3, 5)


def test_singleton_dispose_spares_checked_out(dbapi: FakeDBAPI) -> None:
    pool = SingletonThreadPool(dbapi.connect)
    c = pool.connect()
    pool.dispose()
    assert not dbapi.connections[0].closed
    c.cursor().execute("select 1")
    c.close()
    assert dbapi.connections[0].closed


def test_singleton_bad_size(dbapi: FakeDBAPI) -> None:
    with pytest.raises(exc.ArgumentError):
        SingletonThreadPool(dbapi.connect, pool_size=0)


# -- StaticPool ------------------------------------------------------------------


def test_static_pool_shares_one_connection(dbapi: FakeDBAPI) -> None:
    pool = StaticPool(dbapi.connect)
    a, b = pool.connect(), pool.connect()
    assert a.dbapi_connection is b.dbapi_connection
    a.close()
    b.close()
    assert len(dbapi.connections) == 1
    assert pool.status() == "StaticPool"
    c = pool.connect()
    c.invalidate()
    d = pool.connect()
    assert d.dbapi_connection is dbapi.connections[1]
    d.close()
    pool.dispose()
    assert dbapi.connections[1].closed
    assert isinstance(pool.recreate(), StaticPool)


# -- NullPool --------------------------------------------------------------------


def test_null_pool_opens_and_closes(dbapi: FakeDBAPI) -> None:
    pool = NullPool(dbapi.connect)
    a = pool.connect()
    b = pool.connect()
    assert a.dbapi_connection is not b.dbapi_connection
    a.close()
    assert dbapi.connections[0].closed
    assert dbapi.connections[0].rollbacks == 1
    b.close()
    assert pool.status() == "NullPool"
    pool.dispose()
    assert isinstance(pool.recreate(), NullPool)


# -- AssertionPool ---------------------------------------------------------------


def test_assertion_pool(dbapi: FakeDBAPI) -> None:
    pool = AssertionPool(dbapi.connect)
    c = pool.connect()
    with pytest.raises(AssertionError, match="already checked out"):
        pool.connect()
    c.close()
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[0]
    c.close()
    assert pool.status() == "AssertionPool"
    pool.dispose()
    assert dbapi.connections[0].closed
    assert isinstance(pool.recreate(), AssertionPool)
