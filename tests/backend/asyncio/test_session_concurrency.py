"""Many tasks through one ``async_sessionmaker``: every committed write is
there at the end, cancelled tasks leak no connection, nothing warns.

1,000 tasks each insert a row (``maker.begin()``) and read it back in a new
session, sharing a pool of 5 + 10 connections; meanwhile 100 more tasks start
a slow query and are cancelled in the middle of it by ``asyncio.wait_for``.
"""

from __future__ import annotations

import asyncio
import gc
import time
import warnings

from quicksilver import func, select, text
from quicksilver.ext.asyncio import async_sessionmaker

from ._util import async_test
from .test_session import Row, setup

TASKS = 1000
CANCELLED = 100
# The slow query never ends on its own: only the cancellation stops it (on
# SQLite too, even when the task is cancelled while its statement is still
# queued behind another in aiosqlite's worker thread).
SLOW = {
    "sqlite": (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT count(*) FROM c"
    ),
    "postgresql": "SELECT pg_sleep(5)",
}


@async_test
async def test_1000_tasks_and_100_cancelled(async_url: str) -> None:
    slow_sql = text(SLOW[async_url.split("+", 1)[0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with setup(
            async_url, pool_size=5, max_overflow=10, pool_timeout=60
        ) as engine:
            if engine.dialect.name == "sqlite":
                # readers must not block the 15 concurrent writers' commits
                async with engine.connect() as conn:
                    await conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            maker = async_sessionmaker(engine, expire_on_commit=False)
            peak = 0
            mid_query = 0

            async def write_and_read(i: int) -> int:
                nonlocal peak
                async with maker.begin() as session:
                    session.add(Row(id=i, task=i, payload=f"payload-{i}"))
                peak = max(peak, engine.pool.checkedout())
                async with maker() as session:
                    row = await session.get(Row, i)
                    assert row is not None and row.payload == f"payload-{i}"
                    return row.task

            async def cancelled_mid_query(i: int) -> str:
                nonlocal mid_query
                async with maker() as session:
                    await session.connection()  # checked out: the query starts now
                    try:
                        await asyncio.wait_for(session.execute(slow_sql), 0.2)
                    except asyncio.TimeoutError:
                        mid_query += 1
                        return "cancelled"
                    return "finished"  # pragma: no cover - the query is endless

            started = time.monotonic()
            results = await asyncio.wait_for(
                asyncio.gather(
                    *(write_and_read(i) for i in range(TASKS)),
                    *(cancelled_mid_query(i) for i in range(CANCELLED)),
                ),
                60,
            )
            elapsed = time.monotonic() - started
            assert results[:TASKS] == list(range(TASKS))
            assert results[TASKS:] == ["cancelled"] * CANCELLED
            assert mid_query == CANCELLED
            assert peak <= 15
            assert engine.pool.checkedout() == 0

            async with maker() as session:
                count = await session.scalar(select(func.count(Row.id)))
                ids = set((await session.scalars(select(Row.id))).all())
            assert count == TASKS and ids == set(range(TASKS))
            assert engine.pool.checkedout() == 0
            assert elapsed < 60
        gc.collect()
    assert [str(w.message) for w in caught] == []


@async_test
async def test_task_cancel_inside_session_block(async_url: str) -> None:
    """``task.cancel()`` (no timeout) while a session runs a slow query."""
    slow_sql = text(SLOW[async_url.split("+", 1)[0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with setup(async_url, pool_size=2, max_overflow=0) as engine:
            maker = async_sessionmaker(engine)
            running = asyncio.Event()

            async def victim() -> None:
                async with maker.begin() as session:
                    session.add(Row(id=1, task=1, payload="never"))
                    await session.flush()
                    running.set()
                    await session.execute(slow_sql)

            tasks = [asyncio.ensure_future(victim())]
            await asyncio.wait_for(running.wait(), 10)
            await asyncio.sleep(0.05)
            tasks[0].cancel()
            done, _ = await asyncio.wait(tasks, timeout=10)
            assert tasks[0] in done and tasks[0].cancelled()
            await asyncio.sleep(0)
            assert engine.pool.checkedout() == 0
            async with maker() as session:
                # rolled back: the flushed row is gone
                assert await session.get(Row, 1) is None
            assert engine.pool.checkedout() == 0
        gc.collect()
    assert [str(w.message) for w in caught] == []
