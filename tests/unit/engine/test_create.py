"""create_engine: defaults per dialect and early, clear rejection of bad arguments."""

from __future__ import annotations

from typing import Any

import pytest

from quicksilver import exc
from quicksilver.engine import create_engine
from quicksilver.pool import NullPool, QueuePool, SingletonThreadPool, StaticPool


def test_sqlite_file_defaults(tmp_path: Any) -> None:
    eng = create_engine(f"sqlite:///{tmp_path}/x.db")
    assert isinstance(eng.pool, QueuePool)
    assert eng.pool.size() == 5
    assert eng.pool._max_overflow == 10
    assert eng.pool.timeout() == 30
    assert eng.dialect.name == "sqlite" and eng.dialect.driver == "pysqlite"
    assert eng.dialect.create_connect_args(eng.url)[1]["check_same_thread"] is False


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_sqlite_memory_uses_singleton_thread_pool(url: str) -> None:
    eng = create_engine(url)
    assert isinstance(eng.pool, SingletonThreadPool)


def test_postgresql_defaults_do_not_connect() -> None:
    eng = create_engine("postgresql://scott:tiger@localhost/test")
    assert isinstance(eng.pool, QueuePool)
    assert eng.dialect.driver == "psycopg"
    assert eng.dialect.paramstyle == "pyformat"
    assert "tiger" not in repr(eng) and "***" in repr(eng)


def test_pool_arguments_reach_the_pool(tmp_path: Any) -> None:
    eng = create_engine(
        f"sqlite:///{tmp_path}/x.db",
        pool_size=3,
        max_overflow=2,
        pool_timeout=5,
        pool_recycle=60,
        pool_pre_ping=True,
        pool_use_lifo=True,
    )
    assert eng.pool.size() == 3
    assert eng.pool._max_overflow == 2
    assert eng.pool.timeout() == 5
    assert eng.pool._recycle == 60
    assert eng.pool._pre_ping is True


@pytest.mark.parametrize("poolclass", [NullPool, StaticPool])
def test_poolclass(poolclass: type, tmp_path: Any) -> None:
    eng = create_engine(f"sqlite:///{tmp_path}/x.db", poolclass=poolclass)
    assert type(eng.pool) is poolclass
    with eng.connect() as conn:
        assert conn.exec_driver_sql("select 1").scalar() == 1


def test_unknown_argument_is_type_error() -> None:
    with pytest.raises(
        TypeError, match="Invalid argument\\(s\\) 'foo' sent to create_engine"
    ):
        create_engine("sqlite://", foo=1)


def test_pool_size_with_nullpool_is_type_error(tmp_path: Any) -> None:
    with pytest.raises(TypeError, match="'pool_size'"):
        create_engine(f"sqlite:///{tmp_path}/x.db", poolclass=NullPool, pool_size=5)


@pytest.mark.parametrize(
    "kw",
    [
        {"pool_size": -1},
        {"pool_size": "5"},
        {"pool_timeout": "abc"},
        {"max_overflow": None},
        {"pool_recycle": "soon"},
        {"echo": "loud"},
        {"echo_pool": 3},
        {"connect_args": "x"},
        {"creator": 5},
        {"poolclass": int},
    ],
)
def test_nonsense_arguments_fail_at_create_engine(
    kw: dict[str, Any], tmp_path: Any
) -> None:
    with pytest.raises(exc.ArgumentError):
        create_engine(f"sqlite:///{tmp_path}/x.db", **kw)


def test_future_flag_is_accepted() -> None:
    create_engine("sqlite://", future=True)


def test_unknown_dialect_and_driver() -> None:
    with pytest.raises(exc.NoSuchModuleError, match="foo"):
        create_engine("foo://")
    with pytest.raises(exc.NoSuchModuleError, match="postgresql.nope"):
        create_engine("postgresql+nope://u@h/d")


def test_malformed_url() -> None:
    with pytest.raises(exc.ArgumentError):
        create_engine("not a url")


def test_creator_and_connect_args(tmp_path: Any) -> None:
    import sqlite3

    calls: list[int] = []

    def creator() -> Any:
        calls.append(1)
        return sqlite3.connect(str(tmp_path / "c.db"))

    eng = create_engine("sqlite://", creator=creator, poolclass=NullPool)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("select 2").scalar() == 2
    assert calls == [1]
    eng2 = create_engine(f"sqlite:///{tmp_path}/y.db", connect_args={"timeout": 1.5})
    with eng2.connect() as conn:
        conn.exec_driver_sql("select 1")


def test_isolation_level_argument(tmp_path: Any) -> None:
    eng = create_engine(f"sqlite:///{tmp_path}/x.db", isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        assert conn.connection.dbapi_connection.isolation_level is None


def test_bad_isolation_level_fails_at_connect(tmp_path: Any) -> None:
    """As SQLAlchemy: accepted by create_engine(), refused by the first connect."""
    for kw in (
        {"isolation_level": "BOGUS"},
        {"execution_options": {"isolation_level": "BOGUS"}},
    ):
        eng = create_engine(f"sqlite:///{tmp_path}/x.db", **kw)
        with pytest.raises(exc.ArgumentError, match="Invalid value 'BOGUS'"):
            eng.connect()
        assert eng.pool.checkedout() == 0
        eng.dispose()


def test_execution_options_argument(tmp_path: Any) -> None:
    eng = create_engine(
        f"sqlite:///{tmp_path}/x.db",
        execution_options={"isolation_level": "AUTOCOMMIT"},
    )
    with eng.connect() as conn:
        assert conn.connection.dbapi_connection.isolation_level is None


def test_engine_logger_names(tmp_path: Any) -> None:
    eng = create_engine(
        f"sqlite:///{tmp_path}/x.db",
        echo=True,
        echo_pool=True,
        logging_name="myeng",
        pool_logging_name="mypool",
    )
    assert eng.logger.logger.name == "quicksilver.engine.Engine.myeng"  # type: ignore[union-attr]
    assert eng.pool.logger.logger.name == "quicksilver.pool.impl.QueuePool.mypool"  # type: ignore[union-attr]


def test_dispose_recreates_pool(tmp_path: Any) -> None:
    eng = create_engine(f"sqlite:///{tmp_path}/x.db")
    with eng.connect() as conn:
        conn.exec_driver_sql("select 1")
    old = eng.pool
    eng.dispose()
    assert eng.pool is not old
    assert isinstance(eng.pool, QueuePool)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("select 1").scalar() == 1


def test_sqlite_uri_form(tmp_path: Any) -> None:
    import sqlite3

    path = tmp_path / "ro.db"
    sqlite3.connect(str(path)).close()
    eng = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    args, kw = eng.dialect.create_connect_args(eng.url)
    assert kw["uri"] is True and args[0].startswith("file:") and "mode=ro" in args[0]
    with eng.connect() as conn:
        assert conn.exec_driver_sql("select 1").scalar() == 1


@pytest.mark.parametrize(
    "kw",
    [{"pool_size": "5"}, {"pool_timeout": "abc"}, {"connect_args": "x"}, {"creator": 5}],
)
def test_ill_typed_arguments_are_also_type_errors(
    kw: dict[str, Any], tmp_path: Any
) -> None:
    """SQLAlchemy fails on these with a TypeError (later); code catching
    TypeError keeps working, and the message names the argument."""
    with pytest.raises(TypeError, match=next(iter(kw))) as info:
        create_engine(f"sqlite:///{tmp_path}/x.db", **kw)
    assert isinstance(info.value, exc.ArgumentTypeError)
