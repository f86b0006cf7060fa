"""Concurrency, pool waiting and cancellation under asyncio."""

from __future__ import annotations

import asyncio
import time

import pytest

from quicksilver import exc
from quicksilver.ext.asyncio import create_async_engine

from ._util import async_test

SLOW = {
    "sqlite": (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT count(*) FROM c"
    ),
    "postgresql": "SELECT pg_sleep(5)",
}


def _slow(url: str) -> str:
    return SLOW[url.split("+", 1)[0]]


@async_test
async def test_200_tasks_share_15_connections(async_url: str) -> None:
    engine = create_async_engine(async_url, pool_size=5, max_overflow=10)
    peak = 0

    async def work(i: int) -> int:
        nonlocal peak
        async with engine.connect() as conn:
            peak = max(peak, engine.pool.checkedout())
            value = (await conn.exec_driver_sql("SELECT 1")).scalar()
            await asyncio.sleep(0.001)
            return int(value) + i

    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(work(i) for i in range(200))), 60
        )
        assert results == [1 + i for i in range(200)]
        assert peak <= 15
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@pytest.mark.timing
@async_test
async def test_pool_timeout_does_not_block_loop(async_url: str) -> None:
    engine = create_async_engine(
        async_url, pool_size=1, max_overflow=0, pool_timeout=0.3
    )
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        for _ in range(10):
            await asyncio.sleep(0.02)
            ticks += 1

    try:
        async with engine.connect() as holder:
            await holder.exec_driver_sql("SELECT 1")
            task = asyncio.create_task(ticker())
            start = time.perf_counter()
            with pytest.raises(exc.TimeoutError):
                async with engine.connect():
                    pass
            waited = time.perf_counter() - start
            await task
        assert 0.25 <= waited < 2.0
        # the loop kept running other tasks while the checkout waited
        assert ticks >= 8
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@async_test
async def test_waiter_gets_returned_connection(async_url: str) -> None:
    engine = create_async_engine(async_url, pool_size=1, max_overflow=0)
    try:
        holder = await engine.connect()
        waiter = asyncio.create_task(engine.connect().start())
        await asyncio.sleep(0.05)
        assert not waiter.done()
        await holder.close()
        conn = await asyncio.wait_for(waiter, 5)
        assert (await conn.exec_driver_sql("SELECT 1")).scalar() == 1
        await conn.close()
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@async_test
async def test_cancelled_waiter_leaves_queue(async_url: str) -> None:
    engine = create_async_engine(async_url, pool_size=1, max_overflow=0)
    try:
        holder = await engine.connect()
        waiter = asyncio.create_task(engine.connect().start())
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        await holder.close()
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("SELECT 1")).scalar() == 1
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@pytest.mark.timing
@async_test
async def test_wait_for_cancels_query_quickly(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        async with engine.connect() as conn:
            start = time.perf_counter()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(conn.exec_driver_sql(_slow(async_url)), 0.2)
            elapsed = time.perf_counter() - start
            assert elapsed < 0.2 + 0.5
            assert conn.invalidated
            await conn.rollback()
            # reconnects transparently after the rollback
            assert (await conn.exec_driver_sql("SELECT 1")).scalar() == 1
        assert engine.pool.checkedout() == 0
        if async_url.startswith("postgresql"):
            await _assert_no_sleeper(engine)
    finally:
        await engine.dispose()


@pytest.mark.timing
@async_test
async def test_task_cancel_returns_connection(async_url: str) -> None:
    engine = create_async_engine(async_url)
    started = asyncio.Event()

    async def job() -> None:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
            started.set()
            await conn.exec_driver_sql(_slow(async_url))

    try:
        task = asyncio.create_task(job())
        await asyncio.wait_for(started.wait(), 5)
        await asyncio.sleep(0.1)
        start = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.perf_counter() - start < 0.5
        assert engine.pool.checkedout() == 0
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("SELECT 1")).scalar() == 1
    finally:
        await engine.dispose()


async def _assert_no_sleeper(engine: object) -> None:
    """The server is not still running the cancelled pg_sleep."""
    from quicksilver.ext.asyncio import AsyncEngine

    assert isinstance(engine, AsyncEngine)
    deadline = time.perf_counter() + 2.0
    while True:
        async with engine.connect() as conn:
            count = (
                await conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                    "AND query = 'SELECT pg_sleep(5)'"
                )
            ).scalar()
        if count == 0 or time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.05)
    assert count == 0
