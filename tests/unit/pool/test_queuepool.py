"""QueuePool: accounting, overflow, timeouts (with holders), LIFO, validation."""

from __future__ import annotations

import threading
import time

import pytest

from quicksilver import exc
from quicksilver.pool import (
    AsyncAdaptedQueuePool,
    FallbackAsyncAdaptedQueuePool,
    QueuePool,
)
from tests.harness.fake_dbapi import FakeDBAPI


def _numbers(pool: QueuePool) -> tuple[int, int, int, int]:
    return pool.size(), pool.checkedin(), pool.overflow(), pool.checkedout()


def test_defaults(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    assert pool.size() == 5
    assert pool.timeout() == 30.0
    assert pool._max_overflow == 10
    assert pool._use_lifo is False
    assert pool.status() == (
        "Pool size: 5  Connections in pool: 0 Current Overflow: -5 "
        "Current Checked out connections: 0"
    )


def test_accounting_through_overflow(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=2, max_overflow=2)
    conns = [pool.connect() for _ in range(4)]
    assert _numbers(pool) == (2, 0, 2, 4)
    assert len(dbapi.connections) == 4
    conns.pop().close()
    assert _numbers(pool) == (2, 1, 2, 3)
    conns.pop().close()
    assert _numbers(pool) == (2, 2, 2, 2)
    # the pool holds pool_size idle: an overflow connection is closed on return
    conns.pop().close()
    assert _numbers(pool) == (2, 2, 1, 1)
    assert dbapi.connections[1].closed
    conns.pop().close()
    assert _numbers(pool) == (2, 2, 0, 0)
    assert [c.closed for c in dbapi.connections] == [True, True, False, False]


def test_reuses_idle_connection(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    c1 = pool.connect()
    raw = c1.dbapi_connection
    c1.close()
    c2 = pool.connect()
    assert c2.dbapi_connection is raw
    assert c2.driver_connection is raw
    c2.close()
    assert len(dbapi.connections) == 1


def test_fifo_and_lifo_reuse_order(dbapi: FakeDBAPI) -> None:
    for lifo, expected in ((False, 1), (True, 3)):
        dbapi = FakeDBAPI()
        pool = QueuePool(dbapi.connect, pool_size=3, use_lifo=lifo)
        conns = [pool.connect() for _ in range(3)]
        for c in conns:
            c.close()
        c = pool.connect()
        assert c.dbapi_connection.number == expected
        c.close()


def test_pool_size_zero_keeps_everything(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=0, max_overflow=3)
    conns = [pool.connect() for _ in range(3)]
    for c in conns:
        c.close()
    assert pool.checkedin() == 3
    assert pool.overflow() == 0
    assert not any(c.closed for c in dbapi.connections)


def test_unlimited_overflow(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=-1)
    conns = [pool.connect() for _ in range(20)]
    assert pool.checkedout() == 20
    for c in conns:
        c.close()
    assert pool.checkedin() == 1
    assert pool.checkedout() == 0


@pytest.mark.timeout(20)
def test_timeout_message_lists_holders(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=1, timeout=0.2)
    held = [pool.connect()]  # this line is the first holder
    holder_line = test_timeout_message_lists_holders.__code__.co_firstlineno + 3

    def other_thread() -> None:
        held.append(pool.connect())

    t = threading.Thread(target=other_thread, name="holder-thread")
    t.start()
    t.join()
    start = time.monotonic()
    with pytest.raises(exc.TimeoutError) as info:
        pool.connect()
    assert time.monotonic() - start < 0.2 + 1.0
    message = str(info.value)
    assert message.startswith(
        "QueuePool limit of size 1 overflow 1 reached, connection timed out, "
        "timeout 0.20"
    )
    assert info.value.code == "pool-timeout"
    assert "pool-timeout" in message
    assert f"test_queuepool.py:{holder_line} (thread 'MainThread')" in message
    assert "(thread 'holder-thread')" in message
    for c in held:
        c.close()
    assert pool.checkedout() == 0


def test_timeout_zero_fails_at_once(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=0, timeout=0)
    c = pool.connect()
    with pytest.raises(exc.TimeoutError):
        pool.connect()
    c.close()
    pool.connect().close()


@pytest.mark.timeout(20)
def test_waiter_gets_returned_connection(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=0, timeout=10)
    c = pool.connect()
    got: list[object] = []

    def wait() -> None:
        conn = pool.connect()
        got.append(conn.dbapi_connection)
        conn.close()

    t = threading.Thread(target=wait)
    t.start()
    while not pool._waiters:
        time.sleep(0.001)
    raw = c.dbapi_connection
    c.close()
    t.join(10)
    assert got == [raw]
    assert pool.checkedout() == 0
    assert len(dbapi.connections) == 1


@pytest.mark.timeout(20)
def test_waiter_gets_permit_when_connection_is_discarded(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=0, timeout=10)
    c = pool.connect()
    got: list[object] = []

    def wait() -> None:
        conn = pool.connect()
        got.append(conn.dbapi_connection)
        conn.close()

    t = threading.Thread(target=wait)
    t.start()
    while not pool._waiters:
        time.sleep(0.001)
    c.detach()  # the slot frees up without a connection coming back
    t.join(10)
    assert len(got) == 1
    assert pool.checkedout() == 0
    c.close()


def test_connect_failure_releases_overflow(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=0, timeout=0)
    dbapi.fail_connect = dbapi.OperationalError("no server")
    with pytest.raises(dbapi.OperationalError):
        pool.connect()
    assert pool.checkedout() == 0
    dbapi.fail_connect = None
    c = pool.connect()
    assert pool.checkedout() == 1
    c.close()


def test_dispose_closes_idle_only(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=3)
    a, b = pool.connect(), pool.connect()
    a.close()
    pool.dispose()
    assert dbapi.connections[0].closed
    assert not dbapi.connections[1].closed
    assert pool.checkedin() == 0
    assert pool.checkedout() == 1
    b.close()
    assert pool.checkedout() == 0
    pool.connect().close()


def test_recreate_keeps_settings(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(
        dbapi.connect,
        pool_size=3,
        max_overflow=4,
        timeout=7,
        use_lifo=True,
        recycle=60,
        pre_ping=True,
        reset_on_return="commit",
        logging_name="x",
    )
    new = pool.recreate()
    assert type(new) is QueuePool
    assert (new.size(), new._max_overflow, new.timeout(), new._use_lifo) == (
        3,
        4,
        7,
        True,
    )
    assert (new._recycle, new._pre_ping, new._reset_on_return) == (
        60,
        True,
        pool._reset_on_return,
    )
    assert new.logging_name == "x"
    assert new._creator is pool._creator


def test_async_adapted_variants(dbapi: FakeDBAPI) -> None:
    for cls in (AsyncAdaptedQueuePool, FallbackAsyncAdaptedQueuePool):
        pool = cls(dbapi.connect, pool_size=2)
        c = pool.connect()
        assert pool.checkedout() == 1
        c.close()
        assert type(pool.recreate()) is cls


@pytest.mark.parametrize(
    "kw",
    [
        {"pool_size": -1},
        {"pool_size": "5"},
        {"pool_size": 2.5},
        {"max_overflow": None},
        {"max_overflow": -2},
        {"timeout": "abc"},
        {"timeout": -1},
        {"recycle": "never"},
        {"reset_on_return": "sometimes"},
        {"echo": "loud"},
        {"events": [object()]},
    ],
)
def test_nonsense_arguments(dbapi: FakeDBAPI, kw: dict) -> None:
    with pytest.raises(exc.ArgumentError):
        QueuePool(dbapi.connect, **kw)


def test_creator_must_be_callable() -> None:
    with pytest.raises(exc.ArgumentError, match="callable"):
        QueuePool("sqlite://")  # type: ignore[arg-type]
    with pytest.raises(exc.ArgumentError, match="requires 2 arguments"):
        QueuePool(lambda a, b: None)


def test_creator_signatures(dbapi: FakeDBAPI) -> None:
    seen: list[object] = []

    def with_record(connection_record=None):  # type: ignore[no-untyped-def]
        seen.append(connection_record)
        return dbapi.connect()

    def positional(rec):  # type: ignore[no-untyped-def]
        seen.append(rec)
        return dbapi.connect()

    def no_args():  # type: ignore[no-untyped-def]
        seen.append("none")
        return dbapi.connect()

    def defaulted(x=5):  # type: ignore[no-untyped-def]
        seen.append(x)
        return dbapi.connect()

    for creator in (with_record, positional, no_args, defaulted):
        pool = QueuePool(creator)
        c = pool.connect()
        c.close()
    assert seen[0] is seen[1].__class__ or seen[0] is not None
    assert type(seen[0]).__name__ == "_ConnectionRecord"
    assert type(seen[1]).__name__ == "_ConnectionRecord"
    assert seen[2:] == ["none", 5]


def test_double_close_is_harmless(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    c.close()
    c.close()
    assert pool.checkedin() == 1
    assert not c.is_valid
    d = pool.connect()
    c.close()  # must not return d's connection
    assert pool.checkedout() == 1
    d.close()


def test_context_manager_and_passthrough(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    with pool.connect() as c:
        assert c.number == 1  # __getattr__ reaches the DBAPI connection
        cur = c.cursor()
        cur.execute("select 1")
        c.commit()
        c.rollback()
    raw = dbapi.connections[0]
    assert raw.commits == 1
    assert raw.rollbacks == 2  # ours, plus the reset on return
    assert pool.checkedout() == 0
    with pytest.raises(exc.InvalidRequestError):
        c.cursor()


def test_garbage_collected_fairy_returns(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    del c
    assert pool.checkedout() == 0
    assert dbapi.connections[0].rollbacks == 1


def test_fairy_in_reference_cycle_returns_on_gc(dbapi: FakeDBAPI) -> None:
    import gc

    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    holder: list[object] = [c]
    holder.append(holder)
    del c, holder
    gc.collect()
    assert pool.checkedout() == 0
    assert dbapi.connections[0].rollbacks == 1
