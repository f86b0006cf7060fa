"""``event.listen`` on asyncio proxies, compared with SQLAlchemy (the oracle).

SQLAlchemy has no asynchronous events: listening on an AsyncEngine,
AsyncConnection or AsyncSession for an engine, pool or session event raises
``NotImplementedError`` telling to use ``sync_engine`` / ``sync_session``.
The same table of targets x event names runs on both packages; outcomes
(exception class, and the message for ``NotImplementedError``) must agree.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

import pytest

from ._util import async_test

pytest.importorskip("sqlalchemy")

EVENT_NAMES = [
    "checkout",
    "connect",
    "before_execute",
    "after_execute",
    "handle_error",
    "engine_connect",
    "before_cursor_execute",
    "commit",
    "do_connect",
    "before_commit",
    "after_begin",
    "after_attach",
    "load",
    "init",
    "after_create",
    "no_such_event",
]


def _noop(*args: Any) -> None:
    """A listener that must never be registered."""


def _outcome(event: Any, target: Any, name: str) -> str:
    try:
        event.listen(target, name, _noop)
    except NotImplementedError as err:
        return f"NotImplementedError: {err}"
    except Exception as err:  # noqa: BLE001 - the class is the result
        return type(err).__name__
    event.remove(target, name, _noop)
    return "ok"


async def _table(pkg: str, url: str) -> dict[str, list[str]]:
    event = importlib.import_module(f"{pkg}.event")
    aio = importlib.import_module(f"{pkg}.ext.asyncio")
    engine = aio.create_async_engine(url)
    out: dict[str, list[str]] = {}
    try:
        async with engine.connect() as conn:
            session = aio.AsyncSession(engine)
            targets = {
                "AsyncEngine()": engine,
                "AsyncConnection()": conn,
                "AsyncSession()": session,
                "async_sessionmaker()": aio.async_sessionmaker(engine),
            }
            for label, target in targets.items():
                out[label] = [_outcome(event, target, n) for n in EVENT_NAMES]
            # classes: only the connection events are refused (SQLAlchemy's
            # other class-level outcomes are accidents of its dispatch)
            for cls in (aio.AsyncEngine, aio.AsyncConnection, aio.AsyncSession):
                out[cls.__name__] = [
                    _outcome(event, cls, n)
                    for n in ("before_execute", "engine_connect")
                ]
            await session.close()
    finally:
        await engine.dispose()
    return out


@async_test
async def test_event_listen_on_async_proxies_as_sqlalchemy(sqlite_url: str) -> None:
    ours = await _table("quicksilver", sqlite_url)
    theirs = await _table("sqlalchemy", sqlite_url)
    assert ours == theirs
    # and the table says something: refusals with SQLAlchemy's advice
    assert ours["AsyncEngine()"][0] == (
        "NotImplementedError: asynchronous events are not implemented at this "
        "time.  Apply synchronous listeners to the AsyncEngine.sync_engine or "
        "AsyncConnection.sync_connection attributes."
    )
    assert ours["AsyncSession()"][EVENT_NAMES.index("before_commit")].endswith(
        "Apply synchronous listeners to the AsyncSession.sync_session."
    )


@async_test
async def test_sync_targets_still_take_listeners(sqlite_url: str) -> None:
    """The advice works: listeners on sync_engine / sync_session fire."""
    from quicksilver import event, text
    from quicksilver.ext.asyncio import AsyncSession, create_async_engine

    engine = create_async_engine(sqlite_url)
    seen: list[str] = []
    event.listen(
        engine.sync_engine,
        "before_cursor_execute",
        lambda conn, cursor, stmt, *a: seen.append(stmt),
    )
    try:
        async with AsyncSession(engine) as session:
            event.listen(
                session.sync_session, "after_begin", lambda *a: seen.append("begin")
            )
            await session.execute(text("SELECT 42"))
        assert seen == ["begin", "SELECT 42"]
    finally:
        await engine.dispose()
    asyncio.get_running_loop()  # still inside the loop: nothing blocked
