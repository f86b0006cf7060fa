"""PoolEvents: each event, class-level listeners, Engine targets, retries."""

from __future__ import annotations

from typing import Any

import pytest

from quicksilver import event, exc
from quicksilver.pool import (
    NullPool,
    Pool,
    PoolResetState,
    QueuePool,
    StaticPool,
)
from quicksilver.pool.events import PoolEvents
from tests.harness.fake_dbapi import FakeDBAPI


def _record_all(target: Any) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    for name in PoolEvents._event_names:

        def listener(*args: Any, _name: str = name) -> None:
            calls.append((_name, *args))

        event.listen(target, name, listener)
    return calls


def _names(calls: list[tuple[Any, ...]]) -> list[str]:
    return [c[0] for c in calls]


def test_event_names() -> None:
    assert set(PoolEvents._event_names) == {
        "connect",
        "first_connect",
        "checkout",
        "checkin",
        "reset",
        "invalidate",
        "soft_invalidate",
        "close",
        "detach",
        "close_detached",
    }


def test_lifecycle_events(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=1)
    calls = _record_all(pool)
    c = pool.connect()
    assert _names(calls) == ["first_connect", "connect", "checkout"]
    raw, rec = c.dbapi_connection, c._connection_record
    assert calls[1][1:] == (raw, rec)
    assert calls[2][1:] == (raw, rec, c)
    calls.clear()
    c.close()
    assert _names(calls) == ["reset", "checkin"]
    state = calls[0][3]
    assert isinstance(state, PoolResetState)
    assert (state.transaction_was_reset, state.terminate_only) == (False, False)
    assert calls[1][1:] == (raw, rec)
    calls.clear()

    # second connection: connect but no first_connect
    a, b = pool.connect(), pool.connect()
    assert _names(calls) == ["checkout", "connect", "checkout"]
    calls.clear()
    b.invalidate(ValueError("x"))
    assert _names(calls) == ["invalidate", "close", "checkin"]
    assert isinstance(calls[0][3], ValueError)
    assert calls[2][1] is None  # invalidated: returned without a connection
    calls.clear()
    a.invalidate(soft=True)
    assert _names(calls) == ["soft_invalidate"]
    calls.clear()
    a.detach()
    assert _names(calls) == ["detach"]
    calls.clear()
    a.close()
    assert _names(calls) == ["reset", "close_detached"]
    assert calls[0][3].terminate_only is True
    pool.connect().close()
    calls.clear()
    pool.dispose()
    assert _names(calls) == ["close"]


def test_first_connect_once_per_pool(dbapi: FakeDBAPI) -> None:
    seen: list[Any] = []
    pool = QueuePool(dbapi.connect)
    event.listen(pool, "first_connect", lambda conn, rec: seen.append(conn))
    a, b = pool.connect(), pool.connect()
    a.close()
    b.close()
    assert seen == [dbapi.connections[0]]
    new = pool.recreate()
    new.connect().close()
    assert seen == [dbapi.connections[0], dbapi.connections[2]]


def test_first_connect_retried_after_failure(dbapi: FakeDBAPI) -> None:
    tries: list[int] = []

    def fc(conn: Any, rec: Any) -> None:
        tries.append(1)
        if len(tries) == 1:
            raise RuntimeError("first fails")

    pool = QueuePool(dbapi.connect)
    event.listen(pool, "first_connect", fc)
    with pytest.raises(RuntimeError):
        pool.connect()
    assert dbapi.connections[0].closed  # not stranded
    assert pool.checkedout() == 0
    pool.connect().close()
    pool.connect().close()
    assert len(tries) == 2


def test_class_level_listener(dbapi: FakeDBAPI) -> None:
    seen: list[str] = []
    event.listen(Pool, "checkout", lambda *a: seen.append("pool"))
    event.listen(QueuePool, "checkout", lambda *a: seen.append("queue"))
    existing = QueuePool(dbapi.connect)
    existing.connect().close()
    NullPool(dbapi.connect).connect().close()
    StaticPool(dbapi.connect).connect().close()
    assert sorted(seen) == ["pool", "pool", "pool", "queue"]


def test_events_constructor_argument(dbapi: FakeDBAPI) -> None:
    seen: list[Any] = []
    pool = QueuePool(dbapi.connect, events=[(lambda c, r: seen.append(c), "connect")])
    pool.connect().close()
    assert seen == [dbapi.connections[0]]


def test_recreate_keeps_listeners(dbapi: FakeDBAPI) -> None:
    seen: list[str] = []
    pool = QueuePool(dbapi.connect)
    event.listen(pool, "checkout", lambda *a: seen.append("co"))
    pool.dispose()
    pool.connect().close()
    new = pool.recreate()
    new.connect().close()
    assert seen == ["co", "co"]


def test_listens_for_and_named(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    seen: list[Any] = []

    @event.listens_for(pool, "checkout", named=True)
    def on_checkout(**kw: Any) -> None:
        seen.append(sorted(kw))

    pool.connect().close()
    assert seen == [["connection_proxy", "connection_record", "dbapi_connection"]]
    assert event.contains(pool, "checkout", on_checkout)
    event.remove(pool, "checkout", on_checkout)
    pool.connect().close()
    assert len(seen) == 1


class FakeEngine:
    """Stands in for the (separately written) Engine."""

    _is_engine_for_pool_events = True

    def __init__(self, pool: Pool) -> None:
        self.pool = pool


def test_engine_targets(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    engine = FakeEngine(pool)
    seen: list[str] = []
    event.listen(engine, "checkout", lambda *a: seen.append("engine"))
    event.listen(FakeEngine, "checkout", lambda *a: seen.append("all"))
    pool.connect().close()
    assert sorted(seen) == ["all", "engine"]
    seen.clear()
    QueuePool(dbapi.connect).connect().close()
    assert seen == ["all"]


def test_unknown_target_or_event(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    with pytest.raises(exc.InvalidRequestError):
        event.listen(pool, "no_such_event", lambda: None)
    with pytest.raises(exc.InvalidRequestError):
        event.listen(object(), "checkout", lambda: None)


@pytest.mark.parametrize("error_cls", [exc.DisconnectionError, exc.InvalidatePoolError])
def test_disconnection_error_retries(dbapi: FakeDBAPI, error_cls: type) -> None:
    pool = QueuePool(dbapi.connect, pool_size=2)
    other = pool.connect()
    fails = [1]

    def checkout(conn: Any, rec: Any, proxy: Any) -> None:
        if fails:
            fails.pop()
            raise error_cls("dead")

    event.listen(pool, "checkout", checkout)
    c = pool.connect()
    assert c.dbapi_connection is dbapi.connections[2]
    assert dbapi.connections[1].closed
    c.close()
    other.close()
    c, d = pool.connect(), pool.connect()
    if error_cls is exc.InvalidatePoolError:
        # the whole pool was invalidated: the older connection is replaced
        assert dbapi.connections[0].closed
    else:
        assert not dbapi.connections[0].closed
    c.close()
    d.close()


def test_disconnection_error_gives_up_after_three(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect)
    tries: list[int] = []

    def checkout(conn: Any, rec: Any, proxy: Any) -> None:
        tries.append(1)
        raise exc.DisconnectionError("always")

    event.listen(pool, "checkout", checkout)
    with pytest.raises(exc.InvalidRequestError, match="This connection is closed"):
        pool.connect()
    assert len(tries) == 3
    assert pool.checkedout() == 0
    assert all(c.closed for c in dbapi.connections)


def test_other_checkout_error_returns_record(dbapi: FakeDBAPI) -> None:
    pool = QueuePool(dbapi.connect, pool_size=1, max_overflow=0, timeout=0)

    def checkout(conn: Any, rec: Any, proxy: Any) -> None:
        raise KeyError("listener bug")

    event.listen(pool, "checkout", checkout)
    with pytest.raises(KeyError):
        pool.connect()
    assert pool.checkedout() == 0
    event.remove(pool, "checkout", checkout)
    pool.connect().close()
