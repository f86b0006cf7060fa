"""Recycle, pre-ping, invalidation, reset on return, detach, info dicts."""

from __future__ import annotations

import logging
import time

import pytest

from quicksilver import exc
from quicksilver.pool import QueuePool, reset_commit, reset_none, reset_rollback
from tests.harness.fake_dbapi import FakeDBAPI


def test_recycle_replaces_old_connection(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, recycle=30)
    c = pool.connect()
    rec = c._connection_record
    c.close()
    rec.starttime -= 31  # pretend it is old
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[1]
    assert dbapi.connections[0].closed
    assert c._connection_record is rec  # the same slot, reconnected
    c.close()
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[1]
    c.close()


def test_no_recycle_by_default(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    c._connection_record.starttime -= 10**6
    c.close()
    pool.connect().close()
    assert len(dbapi.connections) == 1


def test_pre_ping_replaces_dead_connection(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pre_ping=True, pool_size=2)
    a, b = pool.connect(), pool.connect()
    a.close()
    b.close()
    assert dbapi.connections[0].executed == []  # fresh: no ping
    dbapi.connections[0].die()
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[2]
    assert dbapi.connections[0].closed
    c.close()
    # the failed ping invalidated the whole pool: b's connection, older than
    # the failure, is replaced too at its next checkout
    c1, c2 = pool.connect(), pool.connect()
    assert {c1.dbapi_connection.number, c2.dbapi_connection.number} == {3, 4}
    assert dbapi.connections[1].closed
    c1.close()
    c2.close()


def test_pre_ping_alive_connection_is_kept(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pre_ping=True)
    pool.connect().close()
    pool.connect().close()
    assert len(dbapi.connections) == 1
    assert dbapi.connections[0].executed == [("select 1", None)]


def test_pre_ping_with_dialect_is_disconnect(dbapi: FakeDBAPI) -> None:
    class Dialect:
        loaded_dbapi = dbapi

        def do_ping(self, conn):  # type: ignore[no-untyped-def]
            conn.cursor().execute("select 1")
            return True

        def is_disconnect(self, e, conn, cursor):  # type: ignore[no-untyped-def]
            return "unexpectedly" in str(e)

        def do_rollback(self, conn):  # type: ignore[no-untyped-def]
            conn.rollback()

        def do_commit(self, conn):  # type: ignore[no-untyped-def]
            conn.commit()

        def do_close(self, conn):  # type: ignore[no-untyped-def]
            conn.close()

    pool = QueuePool(dbapi.connect, pre_ping=True, dialect=Dialect())
    pool.connect().close()
    dbapi.connections[0].die()
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[1]
    c.close()
    # a non-disconnect error raised by the ping propagates
    dbapi.connections[1].fail_on("execute", dbapi.ProgrammingError("syntax"))
    with pytest.raises(dbapi.ProgrammingError):
        pool.connect()
    assert pool.checkedout() == 0


def test_invalidate_closes_and_reconnects(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    c.info["x"] = 1
    c.record_info["y"] = 2
    rec = c._connection_record
    err = Exception("boom")
    c.invalidate(err)
    assert not c.is_valid
    assert dbapi.connections[0].closed
    assert dbapi.connections[0].rollbacks == 0  # no reset on a dead connection
    assert pool.checkedout() == 0
    assert rec.dbapi_connection is None
    c2 = pool.connect()
    assert c2._connection_record is rec
    assert c2.dbapi_connection is dbapi.connections[1]
    assert c2.info == {}  # info lives with the DBAPI connection
    assert c2.record_info == {"y": 2}  # record_info with the record
    c2.close()


def test_soft_invalidate_recycles_at_next_checkout(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    c.invalidate(soft=True)
    assert c.is_valid
    assert not dbapi.connections[0].closed
    c.cursor().execute("still usable")
    c.close()
    assert dbapi.connections[0].rollbacks == 1
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[1]
    assert dbapi.connections[0].closed
    c.close()


def test_invalidate_twice_warns(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    c.invalidate()
    with pytest.warns(exc.SAWarning, match="already-closed"):
        c.invalidate()


def test_pool_invalidate_only_older_connections(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    a, b = pool.connect(), pool.connect()
    pool._invalidate(a)
    assert not a.is_valid
    b.close()
    c = pool.connect()
    assert c.dbapi_connection.number == 3  # b's connection was older: replaced
    d = pool.connect()
    assert d.dbapi_connection.number == 4
    c.close()
    d.close()
    pool.connect().close()
    assert len(dbapi.connections) == 4


@pytest.mark.parametrize(
    "value, style",
    [
        (True, reset_rollback),
        ("rollback", reset_rollback),
        ("commit", reset_commit),
        (None, reset_none),
        (False, reset_none),
    ],
)
def test_reset_on_return_values(dbapi: FakeDBAPI, value: object, style: object) -> None:
    pool = QueuePool(dbapi.connect, reset_on_return=value)  # type: ignore[arg-type]
    assert pool._reset_on_return is style
    pool.connect().close()
    raw = dbapi.connections[0]
    assert (raw.rollbacks, raw.commits) == {
        reset_rollback: (1, 0),
        reset_commit: (0, 1),
        reset_none: (0, 0),
    }[style]


def test_checkin_with_transaction_already_reset(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    c._checkin(transaction_was_reset=True)
    assert dbapi.connections[0].rollbacks == 0
    assert pool.checkedin() == 1


def test_failed_reset_invalidates(
    dbapi: FakeDBAPI, caplog: pytest.LogCaptureFixture
) -> None:
    pool = QueuePool(dbapi.connect)
    c = pool.connect()
    dbapi.connections[0].fail_on("rollback")
    with caplog.at_level(logging.ERROR, "quicksilver.pool"):
        c.close()
    assert "Exception during reset or similar" in caplog.text
    assert dbapi.connections[0].closed
    assert pool.checkedout() == 0
    pool.connect().close()
    assert len(dbapi.connections) == 2


def test_reconnect_failure_returns_record(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=0, timeout=0)
    c = pool.connect()
    c.invalidate()
    dbapi.fail_connect = dbapi.OperationalError("down")
    with pytest.raises(dbapi.OperationalError):
        pool.connect()
    assert pool.checkedout() == 0
    dbapi.fail_connect = None
    pool.connect().close()


def test_detach(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=0, timeout=0)
    c = pool.connect()
    c.info["k"] = "v"
    c.detach()
    assert c.is_detached
    assert c.is_valid
    assert c.info == {"k": "v"}
    assert c.record_info is None
    assert pool.checkedout() == 0
    # the slot is free again, with a new connection
    d = pool.connect()
    assert d.dbapi_connection is dbapi.connections[1]
    d.close()
    c.close()  # a detached connection is really closed, after its reset
    assert dbapi.connections[0].closed
    assert dbapi.connections[0].rollbacks == 1


def test_echo_logging(dbapi: FakeDBAPI, caplog: pytest.LogCaptureFixture) -> None:
    pool = QueuePool(dbapi.connect, echo="debug", logging_name="p1")
    assert pool.logger.logger.name == "quicksilver.pool.impl.QueuePool.p1"
    with caplog.at_level(logging.DEBUG, "quicksilver"):
        c = pool.connect()
        c.invalidate()
        c = pool.connect()
        c._connection_record.starttime -= 100
        pool._recycle = 10
        c.close()
        pool.connect().close()
    text = caplog.text
    for expected in (
        "Created new connection <FakeConnection #1 open>",
        "Connection <FakeConnection #1 open> checked out from pool",
        "Invalidate connection <FakeConnection #1 open>",
        "Hard-closing connection",
        "being returned to pool",
        "rollback-on-return",
        "exceeded timeout; recycling",
    ):
        assert expected in text, expected


def test_debug_logging_toggled_at_runtime(
    dbapi: FakeDBAPI, caplog: pytest.LogCaptureFixture
) -> None:
    pool = QueuePool(dbapi.connect)
    pool.connect().close()  # caches "debug off"
    with caplog.at_level(logging.DEBUG, "quicksilver.pool"):
        pool.connect().close()
    assert "checked out from pool" in caplog.text
    caplog.clear()
    pool.connect().close()
    assert "checked out from pool" not in caplog.text
    pool.echo = "debug"
    assert pool.echo == "debug"
    with caplog.at_level(logging.DEBUG, "quicksilver"):
        pool.connect().close()
    assert "checked out from pool" in caplog.text


def test_old_connection_recycle_uses_wall_clock(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, recycle=0.01)
    pool.connect().close()
    time.sleep(0.05)
    pool.connect().close()
    assert len(dbapi.connections) == 2
