"""AsyncEngine / AsyncConnection / AsyncResult on every async driver."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from quicksilver import exc
from quicksilver.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncResult,
    AsyncTransaction,
    create_async_engine,
)
from quicksilver.ext.asyncio import exc as async_exc
from quicksilver.util.concurrency import await_only, greenlet_spawn

from ._util import async_test, param


async def _table(conn: AsyncConnection, name: str = "qs_async_t") -> str:
    await conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    await conn.exec_driver_sql(
        f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, name VARCHAR(30))"
    )
    await conn.commit()
    return name


@async_test
async def test_connect_execute_fetch(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        assert isinstance(engine, AsyncEngine)
        assert engine.dialect.is_async
        async with engine.connect() as conn:
            t = await _table(conn)
            p1, p2 = param(async_url, 1), param(async_url, 2)
            await conn.exec_driver_sql(
                f"INSERT INTO {t} (id, name) VALUES ({p1}, {p2})",
                [(1, "a"), (2, "b"), (3, "c")],
            )
            result = await conn.exec_driver_sql(f"SELECT id, name FROM {t} ORDER BY id")
            assert result.all() == [(1, "a"), (2, "b"), (3, "c")]
            result = await conn.exec_driver_sql(f"SELECT id, name FROM {t} ORDER BY id")
            assert list(result.keys()) == ["id", "name"]
            assert result.mappings().first() == {"id": 1, "name": "a"}
            res = await conn.exec_driver_sql(
                f"UPDATE {t} SET name = 'z' WHERE id > {p1}", (1,)
            )
            assert res.rowcount == 2
            assert (await conn.exec_driver_sql(f"SELECT count(*) FROM {t}")).scalar() == 3
            await conn.commit()
            await conn.exec_driver_sql(f"DROP TABLE {t}")
            await conn.commit()
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@async_test
async def test_await_connect_and_close(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        conn = engine.connect()
        with pytest.raises(async_exc.AsyncContextNotStarted):
            await conn.exec_driver_sql("SELECT 1")
        await conn
        assert (await conn.exec_driver_sql("SELECT 1")).scalar() == 1
        with pytest.raises(exc.InvalidRequestError):
            _ = conn.connection
        raw = await conn.get_raw_connection()
        assert raw.driver_connection is not None
        await conn.close()
        assert conn.closed
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@async_test
async def test_transactions_and_savepoints(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        async with engine.connect() as conn:
            t = await _table(conn)
        async with engine.begin() as conn:
            await conn.exec_driver_sql(f"INSERT INTO {t} VALUES (1, 'kept')")
            assert conn.in_transaction()
            async with conn.begin_nested() as sp:
                assert isinstance(sp, AsyncTransaction)
                assert conn.in_nested_transaction()
                await conn.exec_driver_sql(f"INSERT INTO {t} VALUES (2, 'gone')")
                await sp.rollback()
            nested = await conn.begin_nested()
            await conn.exec_driver_sql(f"INSERT INTO {t} VALUES (3, 'kept')")
            await nested.commit()
        with pytest.raises(ZeroDivisionError):
            async with engine.begin() as conn:
                await conn.exec_driver_sql(f"INSERT INTO {t} VALUES (4, 'gone')")
                raise ZeroDivisionError()
        async with engine.connect() as conn:
            trans = await conn.begin()
            assert conn.get_transaction() is trans
            await conn.exec_driver_sql(f"INSERT INTO {t} VALUES (5, 'gone')")
            await trans.rollback()
            assert not trans.is_active
            rows = await conn.exec_driver_sql(f"SELECT id FROM {t} ORDER BY id")
            assert rows.scalars().all() == [1, 3]
            await conn.exec_driver_sql(f"DROP TABLE {t}")
            await conn.commit()
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@async_test
async def test_stream(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        async with engine.connect() as conn:
            t = await _table(conn)
            p1, p2 = param(async_url, 1), param(async_url, 2)
            await conn.exec_driver_sql(
                f"INSERT INTO {t} VALUES ({p1}, {p2})",
                [(i, f"n{i}") for i in range(1, 251)],
            )
            sql = f"SELECT id, name FROM {t} ORDER BY id"
            result = await conn.stream(conn_text(sql))
            assert isinstance(result, AsyncResult)
            ids = [row.id async for row in result]
            assert ids == list(range(1, 251))
            async with conn.stream(conn_text(sql)) as result:
                parts = [len(p) async for p in result.partitions(100)]
            assert parts == [100, 100, 50]
            async with conn.stream_scalars(conn_text(sql)) as scalars:
                assert (await scalars.fetchmany(3)) == [1, 2, 3]
                assert len(await scalars.all()) == 247
            result = await conn.stream(conn_text(sql))
            assert (await result.mappings().fetchone()) == {"id": 1, "name": "n1"}
            await result.close()
            result = await conn.stream(conn_text(sql))
            frozen = await result.freeze()
            assert len(frozen().all()) == 250
            result = await conn.stream(conn_text(f"SELECT name FROM {t} WHERE id = 7"))
            assert await result.scalar_one() == "n7"
            await conn.rollback()
            await conn.exec_driver_sql(f"DROP TABLE {t}")
            await conn.commit()
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


def conn_text(sql: str) -> Any:
    """``text()`` when the SQL layer provides it, else the plain string."""
    try:
        from quicksilver.sql import text
    except ImportError:  # pragma: no cover - during bring-up
        return sql
    return text(sql)


@async_test
async def test_run_sync(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        async with engine.connect() as conn:

            def sync_work(sync_conn: Any, value: int) -> Any:
                assert not isinstance(sync_conn, AsyncConnection)
                return sync_conn.exec_driver_sql("SELECT 1").scalar() + value

            assert await conn.run_sync(sync_work, 41) == 42
            assert await conn.run_sync(lambda c: c.dialect.has_table(c, "nope")) is False
    finally:
        await engine.dispose()


@async_test
async def test_integrity_error_wrapping(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        async with engine.connect() as conn:
            t = await _table(conn)
            await conn.exec_driver_sql(f"INSERT INTO {t} VALUES (1, 'a')")
            with pytest.raises(exc.IntegrityError) as info:
                await conn.exec_driver_sql(f"INSERT INTO {t} VALUES (1, 'b')")
            orig = info.value.orig
            dbapi = engine.dialect.loaded_dbapi
            assert isinstance(orig, dbapi.IntegrityError)
            if "aiosqlite" in async_url:
                import sqlite3

                assert isinstance(orig, sqlite3.IntegrityError)
            elif "asyncpg" in async_url:
                import asyncpg

                assert isinstance(orig, asyncpg.exceptions.UniqueViolationError)
                assert isinstance(orig.__cause__, asyncpg.exceptions.UniqueViolationError)
                assert orig.sqlstate == orig.pgcode == "23505"
            else:
                import psycopg

                assert isinstance(orig, psycopg.errors.UniqueViolation)
                assert orig.sqlstate == "23505"
            await conn.rollback()
            with pytest.raises(exc.ProgrammingError if "sqlite" not in async_url
                               else exc.OperationalError):
                await conn.exec_driver_sql("SELECT * FROM no_such_table_qs")
            await conn.rollback()
            await conn.exec_driver_sql(f"DROP TABLE {t}")
            await conn.commit()
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@async_test
async def test_missing_greenlet(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        async with engine.connect() as conn:
            with pytest.raises(exc.MissingGreenlet):
                conn.sync_connection.exec_driver_sql("SELECT 1")
            await conn.rollback()
        # a pooled connection checks out without I/O; its first use needs it
        sync_conn = engine.sync_engine.connect()
        with pytest.raises(exc.MissingGreenlet):
            sync_conn.exec_driver_sql("SELECT 1")
        await greenlet_spawn(sync_conn.close)
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()
    fresh = create_async_engine(async_url)
    try:
        # an empty pool must connect: I/O, refused outside the bridge
        with pytest.raises(exc.MissingGreenlet):
            fresh.sync_engine.connect()
        assert fresh.pool.checkedout() == 0
    finally:
        await fresh.dispose()


def test_await_only_outside_bridge() -> None:
    import asyncio

    async def coro() -> None:
        pass

    with pytest.raises(exc.MissingGreenlet, match="greenlet_spawn has not been"):
        await_only(coro())  # the coroutine is closed: no "never awaited" warning
    assert asyncio.run(greenlet_spawn(lambda: await_only(asyncio.sleep(0, 5)))) == 5


@async_test
async def test_execution_options_isolation(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        async with engine.connect() as conn:
            same = await conn.execution_options(isolation_level="AUTOCOMMIT")
            assert same is conn
            # as SQLAlchemy: the database's level is reported, AUTOCOMMIT lives
            # in the execution options
            assert conn.get_execution_options()["isolation_level"] == "AUTOCOMMIT"
            assert await conn.get_isolation_level() != "AUTOCOMMIT"
            assert (await conn.exec_driver_sql("SELECT 1")).scalar() == 1
        eng2 = engine.execution_options(isolation_level="SERIALIZABLE")
        assert isinstance(eng2, AsyncEngine)
        assert eng2.pool is engine.pool
        async with eng2.connect() as conn:
            assert await conn.get_isolation_level() == "SERIALIZABLE"
    finally:
        await engine.dispose()


def test_rejects_sync_driver() -> None:
    with pytest.raises(exc.InvalidRequestError) as info:
        create_async_engine("sqlite://")
    assert str(info.value) == (
        "The asyncio extension requires an async driver to be used. "
        "The loaded 'pysqlite' is not async."
    )


def test_pool_classes(tmp_path: Any) -> None:
    from quicksilver.pool import AsyncAdaptedQueuePool, StaticPool

    assert isinstance(
        create_async_engine(f"sqlite+aiosqlite:///{tmp_path}/x.db").pool,
        AsyncAdaptedQueuePool,
    )
    assert isinstance(create_async_engine("sqlite+aiosqlite://").pool, StaticPool)
    eng = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path}/x.db", poolclass=AsyncAdaptedQueuePool
    )
    # the cooperative twin is substituted
    assert type(eng.pool).__module__ == "quicksilver.connectors.asyncio"


def test_import_is_lazy() -> None:
    import subprocess

    code = (
        "import sys, quicksilver, quicksilver.ext.asyncio; "
        "bad = [m for m in ('greenlet', 'asyncpg', 'aiosqlite', 'psycopg') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
