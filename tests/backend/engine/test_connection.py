"""Connection, transactions and error wrapping on every configured backend."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from quicksilver import event, exc, text


@pytest.fixture(scope="module")
def kv_table(engine: Any) -> Any:
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS qs_kv"))
        conn.execute(text("CREATE TABLE qs_kv (k VARCHAR(20) PRIMARY KEY, v INTEGER)"))
    yield "qs_kv"
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE qs_kv"))


@pytest.fixture(autouse=True)
def _clean(engine: Any, kv_table: str) -> Any:
    yield
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM qs_kv"))


def _count(engine: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM qs_kv")).scalar())


def test_execute_and_fetch(engine: Any) -> None:
    with engine.connect() as conn:
        result = conn.execute(text("SELECT 1 AS a, 'x' AS b"))
        assert result.keys() == ["a", "b"]
        row = result.one()
        assert row == (1, "x")
        assert row.a == 1 and row._mapping["b"] == "x"


def test_commit_as_you_go(engine: Any) -> None:
    with engine.connect() as conn:
        assert not conn.in_transaction()
        conn.execute(
            text("INSERT INTO qs_kv (k, v) VALUES (:k, :v)"), {"k": "a", "v": 1}
        )
        assert conn.in_transaction()
        conn.commit()
        assert not conn.in_transaction()
        conn.execute(
            text("INSERT INTO qs_kv (k, v) VALUES (:k, :v)"), {"k": "b", "v": 2}
        )
        conn.rollback()
    assert _count(engine) == 1


def test_close_rolls_back(engine: Any) -> None:
    conn = engine.connect()
    conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('z', 1)"))
    conn.close()
    assert conn.closed
    assert _count(engine) == 0
    with pytest.raises(exc.ResourceClosedError):
        conn.execute(text("SELECT 1"))


def test_executemany_and_rowcount(engine: Any) -> None:
    with engine.begin() as conn:
        result = conn.execute(
            text("INSERT INTO qs_kv (k, v) VALUES (:k, :v)"),
            [{"k": f"k{i}", "v": i} for i in range(10)],
        )
        assert result.rowcount == 10
        upd = conn.execute(text("UPDATE qs_kv SET v = v + 1 WHERE v >= :m"), {"m": 5})
        assert upd.rowcount == 5
    assert _count(engine) == 10


def test_engine_begin_commits_and_rolls_back(engine: Any) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('a', 1)"))
    with pytest.raises(RuntimeError):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('b', 1)"))
            raise RuntimeError("boom")
    assert _count(engine) == 1


def test_explicit_begin_and_double_begin(engine: Any) -> None:
    with engine.connect() as conn:
        trans = conn.begin()
        with pytest.raises(exc.InvalidRequestError):
            conn.begin()
        conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('a', 1)"))
        trans.commit()
        assert not trans.is_active
    assert _count(engine) == 1


def test_savepoints(engine: Any) -> None:
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('outer', 1)"))
        sp = conn.begin_nested()
        assert conn.in_nested_transaction()
        conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('inner', 1)"))
        sp.rollback()
        with conn.begin_nested():
            conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('kept', 1)"))
        conn.commit()
    with engine.connect() as conn:
        keys = sorted(r[0] for r in conn.execute(text("SELECT k FROM qs_kv")))
    assert keys == ["kept", "outer"]


def test_savepoint_before_any_statement_nests_in_outer(engine: Any) -> None:
    """The outer rollback must undo a released savepoint (pysqlite pitfall)."""
    with engine.connect() as conn:
        with conn.begin_nested():
            conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('sp', 1)"))
        conn.rollback()
    assert _count(engine) == 0


def test_integrity_error_is_wrapped(engine: Any) -> None:
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('dup', 1)"))
        with pytest.raises(exc.IntegrityError) as info:
            conn.execute(
                text("INSERT INTO qs_kv (k, v) VALUES (:k, :v)"), {"k": "dup", "v": 2}
            )
        err = info.value
        assert err.orig is not None
        assert isinstance(err, exc.DBAPIError)
        assert "qs_kv" in err.statement
        assert err.params == {"k": "dup", "v": 2} or err.params == ("dup", 2)
        assert err.__cause__ is err.orig
        assert not err.connection_invalidated
        conn.rollback()


def test_programming_error_is_wrapped(engine: Any) -> None:
    with engine.connect() as conn:
        with pytest.raises((exc.ProgrammingError, exc.OperationalError)) as info:
            conn.execute(text("SELECT * FROM no_such_table_here"))
        assert "no_such_table_here" in str(info.value)


def test_exec_driver_sql(engine: Any) -> None:
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    with engine.connect() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO qs_kv (k, v) VALUES ({mark}, {mark})", ("d", 4)
        )
        assert conn.exec_driver_sql("SELECT v FROM qs_kv").scalar() == 4
        conn.commit()


def test_plain_string_runs_as_text(engine: Any) -> None:
    with engine.connect() as conn:
        assert conn.execute("SELECT 7").scalar() == 7


def test_not_executable(engine: Any) -> None:
    with engine.connect() as conn:
        with pytest.raises(exc.ObjectNotExecutableError):
            conn.execute(object())


def test_raw_connection(engine: Any) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT 1")
        assert cur.fetchone()[0] == 1
        cur.close()
    finally:
        raw.close()
    assert engine.pool.checkedout() == 0


def test_isolation_level_per_connection(engine: Any) -> None:
    with engine.connect() as conn:
        default = conn.get_isolation_level()
        assert default == conn.default_isolation_level
        conn.execution_options(isolation_level="SERIALIZABLE")
        assert conn.get_isolation_level() == "SERIALIZABLE"
        conn.execution_options(isolation_level="AUTOCOMMIT")
        # as in SQLAlchemy, the database's level is reported, not the
        # driver's autocommit; the option says what was asked for
        assert conn.get_execution_options()["isolation_level"] == "AUTOCOMMIT"
    with engine.connect() as conn:
        assert conn.get_isolation_level() == default
    with pytest.raises(exc.ArgumentError, match="Invalid value 'BOGUS'"):
        with engine.connect() as conn:
            conn.execution_options(isolation_level="BOGUS")


def test_autocommit_isolation_commits_each_statement(engine: Any) -> None:
    auto = engine.execution_options(isolation_level="AUTOCOMMIT")
    with auto.connect() as conn:
        conn.execute(text("INSERT INTO qs_kv (k, v) VALUES ('auto', 1)"))
        conn.rollback()  # nothing to undo: autocommit
    assert _count(engine) == 1


def test_invalidate_then_reconnect(engine: Any) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        conn.invalidate()
        assert conn.invalidated
        with pytest.raises(exc.PendingRollbackError):
            conn.execute(text("SELECT 1"))
        conn.rollback()
        assert conn.execute(text("SELECT 2")).scalar() == 2
    assert engine.pool.checkedout() == 0


def test_events_count_statements(engine: Any) -> None:
    seen: list[str] = []

    def before(
        conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool
    ) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            conn.execute(text("SELECT 2"))
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert [s for s in seen if s.startswith("SELECT")] == ["SELECT 1", "SELECT 2"]


def test_before_cursor_execute_retval_rewrites(engine: Any) -> None:
    def rewrite(
        conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool
    ) -> Any:
        return statement.replace("SELECT 1", "SELECT 5"), params

    event.listen(engine, "before_cursor_execute", rewrite, retval=True)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 5
    finally:
        event.remove(engine, "before_cursor_execute", rewrite)


def test_echo_logs_statements_not_passwords(db_url: str, caplog: Any) -> None:
    from quicksilver import create_engine

    eng = create_engine(db_url, echo=True)
    try:
        with caplog.at_level(logging.INFO, logger="quicksilver.engine.Engine"):
            with eng.connect() as conn:
                conn.execute(text("SELECT :x"), {"x": 12345})
        messages = [
            r.getMessage()
            for r in caplog.records
            if r.name.startswith("quicksilver.engine")
        ]
        assert any("SELECT" in m for m in messages)
        assert any("12345" in m for m in messages)
        assert any(m == "BEGIN (implicit)" for m in messages)
        assert any(m == "ROLLBACK" for m in messages)
    finally:
        eng.dispose()


def test_hide_parameters(db_url: str, caplog: Any) -> None:
    from quicksilver import create_engine

    eng = create_engine(db_url, echo=True, hide_parameters=True)
    try:
        with caplog.at_level(logging.INFO, logger="quicksilver.engine.Engine"):
            with eng.connect() as conn:
                conn.execute(text("SELECT :x"), {"x": 98765})
                with pytest.raises(exc.DBAPIError) as info:
                    conn.execute(
                        text("SELECT * FROM nope_nope WHERE a = :x"), {"x": 98765}
                    )
        assert "98765" not in caplog.text
        assert "98765" not in str(info.value)
    finally:
        eng.dispose()


def test_threads_each_with_own_connection(engine: Any) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        try:
            barrier.wait()
            with engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO qs_kv (k, v) VALUES (:k, :v)"),
                    {"k": f"t{i}", "v": i},
                )
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _count(engine) == 8
    assert engine.pool.checkedout() == 0


def test_concurrent_use_of_one_connection_is_refused(engine: Any) -> None:
    """Two threads inside one Connection at once: the second gets ConcurrentUseError.

    SQLAlchemy (oracle) does not detect this: the second thread's statement runs
    on the same DBAPI connection, interleaving transactions silently.
    """
    if engine.dialect.name == "sqlite":
        slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c"
    else:
        slow = "SELECT pg_sleep(0.5)"
    conn = engine.connect()
    started = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        started.set()
        conn.execute(text(slow))

    t = threading.Thread(target=first, name="first-thread")
    t.start()
    started.wait()
    import time

    deadline = time.monotonic() + 5
    while conn._guard_owner == 0 and time.monotonic() < deadline:
        time.sleep(0.001)
    try:
        conn.execute(text("SELECT 1"))
    except exc.ConcurrentUseError as e:
        errors.append(e)
    t.join()
    conn.close()
    assert len(errors) == 1
    message = str(errors[0])
    assert "first-thread" in message and "MainThread" in message
    assert isinstance(errors[0], exc.InvalidRequestError)


def test_sequential_handover_between_threads_is_allowed(engine: Any) -> None:
    conn = engine.connect()
    out: list[int] = []
    t = threading.Thread(
        target=lambda: out.append(conn.execute(text("SELECT 3")).scalar())
    )
    t.start()
    t.join()
    out.append(conn.execute(text("SELECT 4")).scalar())
    conn.close()
    assert out == [3, 4]


def test_garbage_collected_connection_warns_and_returns(engine: Any) -> None:
    import gc

    def leak() -> None:
        conn = engine.connect()
        conn.execute(text("SELECT 1"))

    with pytest.warns(exc.QuicksilverResourceWarning, match="test_connection.py"):
        leak()
        gc.collect()
    assert engine.pool.checkedout() == 0


def test_echo_debug_logs_rows(db_url: str, caplog: Any) -> None:
    from quicksilver import create_engine

    eng = create_engine(db_url, echo="debug")
    try:
        with caplog.at_level(logging.DEBUG, logger="quicksilver.engine.Engine"):
            with eng.connect() as conn:
                conn.execute(text("SELECT 4242 AS x")).all()
        assert any(
            "4242" in r.getMessage() and r.levelno == logging.DEBUG
            for r in caplog.records
        )
    finally:
        eng.dispose()


def test_yield_per_option_sizes_partitions_and_fetchmany(engine: Any) -> None:
    # execution_options(yield_per=n) makes n the result's default batch size
    # (partitions(), fetchmany()), wherever the option is given, as SQLAlchemy
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO qs_kv (k, v) VALUES (:k, :v)"),
            [{"k": f"k{i}", "v": i} for i in range(5)],
        )
    stmt = text("SELECT k FROM qs_kv ORDER BY k")
    with engine.connect() as conn:
        on_stmt = conn.execute(stmt.execution_options(yield_per=2))
        assert [len(p) for p in on_stmt.partitions()] == [2, 2, 1]
        on_call = conn.execute(stmt, execution_options={"yield_per": 2})
        assert [len(p) for p in on_call.partitions()] == [2, 2, 1]
        on_conn = conn.execution_options(yield_per=3).execute(stmt)
        assert len(on_conn.fetchmany()) == 3
        on_conn.close()
