"""aiosqlite cancellation, including the race that ``interrupt()`` alone loses.

aiosqlite runs every call in one worker thread, in queue order.  A task
cancelled while its statement is still *queued* (the worker busy with an
earlier call) used to see its statement run anyway once the worker got to it:
``sqlite3.Connection.interrupt()`` only stops a running statement.  These
tests hold the worker with a blocking call so that the race happens every
time, not by luck of timing.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from quicksilver.dialects.sqlite import aiosqlite as qs_aiosqlite
from quicksilver.ext.asyncio import AsyncConnection, create_async_engine

from ._util import async_test

ENDLESS = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT count(*) FROM c"
)


async def _driver_connection(conn: AsyncConnection) -> Any:
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def _hold_worker(aio: Any) -> tuple[threading.Event, "asyncio.Task[Any]"]:
    """Queue a call that blocks aiosqlite's worker until the event is set."""
    release = threading.Event()
    entered = threading.Event()

    def blocker() -> None:
        entered.set()
        release.wait(10)

    task = asyncio.ensure_future(aio._execute(blocker))
    while not entered.is_set():
        await asyncio.sleep(0.001)
    return release, task


@async_test
async def test_statement_cancelled_while_queued_never_runs(sqlite_url: str) -> None:
    engine = create_async_engine(sqlite_url)
    calls: list[int] = []
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
            aio = await _driver_connection(conn)
            await aio.create_function("record", 1, lambda x: calls.append(x) or x)
            release, blocked = await _hold_worker(aio)
            loop = asyncio.get_running_loop()
            # the worker is released only after wait_for gave up on the query
            loop.call_later(0.3, release.set)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(conn.exec_driver_sql("SELECT record(1)"), 0.1)
            await blocked
            assert conn.invalidated
        assert engine.pool.checkedout() == 0
        # the queued statement was skipped, not run after the cancellation
        assert calls == []
    finally:
        await engine.dispose()


@pytest.mark.timing
@async_test
async def test_endless_query_cancelled_while_queued(sqlite_url: str) -> None:
    engine = create_async_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
            aio = await _driver_connection(conn)
            release, blocked = await _hold_worker(aio)
            asyncio.get_running_loop().call_later(0.25, release.set)
            start = time.perf_counter()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(conn.exec_driver_sql(ENDLESS), 0.1)
            # wait_for returns once the connection was given up (closed):
            # before the fix the endless query then ran and close() waited
            assert time.perf_counter() - start < 0.25 + 0.5
            await blocked
            await conn.rollback()
            assert (await conn.exec_driver_sql("SELECT 2")).scalar() == 2
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@pytest.mark.timing
@async_test
async def test_progress_handler_stops_statement_without_interrupt(
    sqlite_url: str, monkeypatch: Any
) -> None:
    """The flag alone stops a running statement (the case where interrupt()
    came just before the statement started, and was lost)."""
    monkeypatch.setattr(
        qs_aiosqlite.AsyncAdapt_aiosqlite_connection,
        "_interrupt_running",
        lambda self: None,
    )
    engine = create_async_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            start = time.perf_counter()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(conn.exec_driver_sql(ENDLESS), 0.2)
            assert time.perf_counter() - start < 0.2 + 0.5
            assert conn.invalidated
        assert engine.pool.checkedout() == 0
    finally:
        await engine.dispose()


@async_test
async def test_calls_after_a_cancellation_run_normally(sqlite_url: str) -> None:
    """A skipped (cancelled) call leaves no state behind: the next statements
    on a fresh connection run, and the progress handler lets them finish."""
    engine = create_async_engine(sqlite_url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(conn.exec_driver_sql(ENDLESS), 0.1)
        async with engine.connect() as conn:
            bounded = ENDLESS.replace("FROM c)", "FROM c WHERE x < 200000)")
            assert (await conn.exec_driver_sql(bounded)).scalar() == 200000
    finally:
        await engine.dispose()


def test_undisposed_engine_does_not_block_interpreter_exit() -> None:
    # aiosqlite's worker thread is made a daemon (as SQLAlchemy does): a script
    # that never calls dispose() used to hang at exit waiting for it
    import os
    import subprocess
    import sys

    code = (
        "import asyncio\n"
        "from quicksilver import text\n"
        "from quicksilver.ext.asyncio import create_async_engine\n"
        "async def main():\n"
        "    e = create_async_engine('sqlite+aiosqlite://')\n"
        "    async with e.connect() as c:\n"
        "        await c.execute(text('select 1'))\n"
        "asyncio.run(main())\n"
        "print('exited')\n"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        timeout=30,
        env=dict(os.environ),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "exited"


def test_connection_worker_thread_is_daemon() -> None:
    async def go() -> bool:
        eng = create_async_engine("sqlite+aiosqlite://")
        async with eng.connect() as conn:
            aio = await _driver_connection(conn)
            daemon = aio._thread.daemon
        await eng.dispose()
        return bool(daemon)

    assert asyncio.run(go()) is True
