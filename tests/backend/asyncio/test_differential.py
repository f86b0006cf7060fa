"""The same async scenario on SQLAlchemy (the oracle) and on quicksilver.

Runs on aiosqlite only (always available); compares results, result shapes
and exception classes by name.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import pytest

pytest.importorskip("sqlalchemy")


async def scenario(pkg: str, url: str) -> list[Any]:
    asyncio_ext = importlib.import_module(f"{pkg}.ext.asyncio")
    exc = importlib.import_module(f"{pkg}.exc")
    out: list[Any] = []
    engine = asyncio_ext.create_async_engine(url)
    try:
        out.append(type(engine).__name__)
        out.append(type(engine.pool).__name__)
        out.append((engine.dialect.driver, engine.dialect.is_async))
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20))"
            )
            await conn.exec_driver_sql(
                "INSERT INTO t VALUES (?, ?)", [(1, "a"), (2, "b"), (3, "c")]
            )
        async with engine.connect() as conn:
            out.append(type(conn).__name__)
            result = await conn.exec_driver_sql("SELECT id, name FROM t ORDER BY id")
            out.append(type(result).__name__)
            out.append([tuple(r) for r in result.all()])
            out.append(conn.in_transaction())
            try:
                await conn.exec_driver_sql("INSERT INTO t VALUES (1, 'dup')")
            except exc.DBAPIError as err:
                out.append((type(err).__name__, type(err.orig).__name__))
            await conn.rollback()
            out.append(conn.in_transaction())
            trans = await conn.begin()
            out.append(type(trans).__name__)
            nested = await conn.begin_nested()
            await conn.exec_driver_sql("DELETE FROM t")
            await nested.rollback()
            out.append(
                (await conn.exec_driver_sql("SELECT count(*) FROM t")).scalar()
            )
            await trans.commit()
            streamed = await conn.stream(
                importlib.import_module(pkg).text("SELECT id FROM t ORDER BY id")
            )
            out.append(type(streamed).__name__)
            out.append([row[0] async for row in streamed])
            scalars = await conn.stream_scalars(
                importlib.import_module(pkg).text("SELECT name FROM t ORDER BY id")
            )
            out.append(type(scalars).__name__)
            out.append(await scalars.all())
            out.append(await conn.run_sync(lambda c: type(c).__name__))
            try:
                await conn.exec_driver_sql("SELECT * FROM missing_table")
            except exc.DBAPIError as err:
                out.append((type(err).__name__, type(err.orig).__name__))
            await conn.rollback()
        out.append(engine.pool.checkedout())
        not_started = engine.connect()
        try:
            await not_started.exec_driver_sql("SELECT 1")
        except exc.InvalidRequestError as err:
            out.append((type(err).__name__, str(err)))
        try:
            asyncio_ext.create_async_engine("sqlite://")
        except exc.InvalidRequestError as err:
            out.append(str(err))
    finally:
        await engine.dispose()
    return out


def test_same_as_sqlalchemy(tmp_path: Any) -> None:
    pytest.importorskip("quicksilver.sql")
    ours = asyncio.run(scenario("quicksilver", f"sqlite+aiosqlite:///{tmp_path}/q.db"))
    theirs = asyncio.run(scenario("sqlalchemy", f"sqlite+aiosqlite:///{tmp_path}/s.db"))
    assert ours == theirs
