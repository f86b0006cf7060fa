"""The public names of the asyncio API, compared with SQLAlchemy's (the oracle).

Code written for ``sqlalchemy.ext.asyncio`` must find every public attribute
and method it uses.  The comparison is made on the classes and on live
instances (a started connection, transaction, stream, session, session
transaction), and the only differences allowed are listed below with the
reason for each.
"""

from __future__ import annotations

import asyncio
import importlib
import warnings
from typing import Any

import pytest

from ._util import async_test

pytest.importorskip("sqlalchemy")

CLASSES = [
    "AsyncEngine",
    "AsyncConnection",
    "AsyncTransaction",
    "AsyncSession",
    "AsyncSessionTransaction",
    "AsyncResult",
    "AsyncScalarResult",
    "AsyncMappingResult",
    "AsyncTupleResult",
    "async_sessionmaker",
    "async_scoped_session",
    "AsyncAttrs",
]

#: names SQLAlchemy shows that quicksilver does not have, on purpose
NOT_WANTED = {
    # SQLAlchemy's own memoizing decorators, leaked into the result classes'
    # namespaces; not API
    "memoized_attribute",
    "memoized_instancemethod",
}

#: names quicksilver adds, per class
EXTRA_ALLOWED: dict[str, set[str]] = {
    # the sync Connection has it; handy and harmless
    "AsyncConnection": {"get_execution_options"},
    # SQLAlchemy's AsyncTupleResult is a typing-only class whose methods exist
    # only for type checkers; quicksilver's is a real class with them
    "AsyncTupleResult": {
        "all", "columns", "fetchall", "fetchmany", "fetchone", "first", "freeze",
        "keys", "mappings", "one", "one_or_none", "partitions", "scalar",
        "scalar_one", "scalar_one_or_none", "scalars", "t", "tuples", "unique",
    },
}  # fmt: skip


def _public(obj: Any) -> set[str]:
    return {n for n in dir(obj) if not n.startswith("_")}


def test_module_names_match() -> None:
    ours = importlib.import_module("quicksilver.ext.asyncio")
    theirs = importlib.import_module("sqlalchemy.ext.asyncio")
    assert _public(ours) == _public(theirs)
    ours_exc = importlib.import_module("quicksilver.ext.asyncio.exc")
    theirs_exc = importlib.import_module("sqlalchemy.ext.asyncio.exc")
    assert {n for n in _public(theirs_exc) if n[0].isupper()} <= _public(ours_exc)


@pytest.mark.parametrize("name", CLASSES)
def test_class_names_match(name: str) -> None:
    ours = getattr(importlib.import_module("quicksilver.ext.asyncio"), name)
    theirs = getattr(importlib.import_module("sqlalchemy.ext.asyncio"), name)
    missing = _public(theirs) - _public(ours) - NOT_WANTED
    extra = _public(ours) - _public(theirs) - EXTRA_ALLOWED.get(name, set())
    assert (sorted(missing), sorted(extra)) == ([], [])


async def _instances(pkg: str, url: str) -> dict[str, set[str]]:
    sa = importlib.import_module(pkg)
    aio = importlib.import_module(f"{pkg}.ext.asyncio")
    engine = aio.create_async_engine(url)
    out: dict[str, set[str]] = {"AsyncEngine": _public(engine)}
    try:
        async with engine.connect() as conn:
            out["AsyncConnection"] = _public(conn)
            trans = await conn.begin()
            out["AsyncTransaction"] = _public(trans)
            result = await conn.stream(sa.text("SELECT 1"))
            out["AsyncResult"] = _public(result)
            out["AsyncScalarResult"] = _public(result.scalars())
            out["AsyncMappingResult"] = _public(result.mappings())
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tuples() is deprecated in 2.1
                out["AsyncTupleResult"] = _public(result.tuples())
            await result.close()
            await trans.rollback()
        session = aio.AsyncSession(engine)
        out["AsyncSession"] = _public(session)
        strans = await session.begin()
        out["AsyncSessionTransaction"] = _public(strans)
        await session.close()
        maker = aio.async_sessionmaker(engine)
        out["async_sessionmaker"] = _public(maker)
        scoped = aio.async_scoped_session(maker, scopefunc=asyncio.current_task)
        out["async_scoped_session"] = _public(scoped)
        await scoped.remove()
    finally:
        await engine.dispose()
    return out


@async_test
async def test_instance_names_match(sqlite_url: str) -> None:
    ours = await _instances("quicksilver", sqlite_url)
    theirs = await _instances("sqlalchemy", sqlite_url)
    assert ours.keys() == theirs.keys()
    report = {}
    for name in ours:
        missing = theirs[name] - ours[name] - NOT_WANTED
        extra = ours[name] - theirs[name] - EXTRA_ALLOWED.get(name, set())
        if missing or extra:
            report[name] = (sorted(missing), sorted(extra))
    assert report == {}
    # the comparison is not vacuous
    assert {"get", "stream_scalars", "run_sync", "get_nested_transaction"} <= ours[
        "AsyncSession"
    ]


async def _session_transaction_scenario(pkg: str, url: str) -> list[Any]:
    """connections / bound_connection of AsyncSessionTransaction."""
    sa = importlib.import_module(pkg)
    aio = importlib.import_module(f"{pkg}.ext.asyncio")
    engine = aio.create_async_engine(url)
    out: list[Any] = []
    try:
        async with aio.AsyncSession(engine) as session:
            trans = await session.begin()
            out.append(("before", trans.connections))
            try:
                trans.bound_connection()
            except Exception as err:  # noqa: BLE001 - compared
                out.append((type(err).__name__, str(err).split(" for bind ")[0]))
            await session.execute(sa.text("SELECT 1"))
            conns = trans.connections
            out.append((type(conns).__name__, len(conns)))
            conn = next(iter(conns))
            out.append(type(conn).__name__)
            out.append(conn is await session.connection())
            out.append(trans.bound_connection() is conn)
            out.append(session.get_transaction() is trans)
            out.append(session.get_transaction().bound_connection() is conn)
            await trans.rollback()
            out.append(trans.is_active)
    finally:
        await engine.dispose()
    return out


@async_test
async def test_session_transaction_connections_as_sqlalchemy(sqlite_url: str) -> None:
    ours = await _session_transaction_scenario("quicksilver", sqlite_url)
    theirs = await _session_transaction_scenario("sqlalchemy", sqlite_url)
    assert ours == theirs
    assert ours[0] == ("before", frozenset())
