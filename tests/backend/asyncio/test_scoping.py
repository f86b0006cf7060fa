"""async_scoped_session: one AsyncSession per task, proxies, remove()."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from quicksilver import exc, select
from quicksilver.ext.asyncio import (
    AsyncSession,
    AsyncSessionTransaction,
    async_scoped_session,
    async_sessionmaker,
)
from quicksilver.orm.scoping import ScopedRegistry

from ._util import async_test
from .test_session import Item, setup

COROUTINE_PROXIES = [
    "aclose",
    "close",
    "reset",
    "commit",
    "connection",
    "delete",
    "delete_all",
    "execute",
    "flush",
    "invalidate",
    "merge",
    "merge_all",
    "refresh",
    "rollback",
    "scalar",
    "scalars",
    "get",
    "get_one",
    "stream",
    "stream_scalars",
    "remove",
    "close_all",
]
SYNC_PROXIES = [
    "add",
    "add_all",
    "begin",
    "begin_nested",
    "expire",
    "expire_all",
    "expunge",
    "expunge_all",
    "get_bind",
    "get_async_bind",
    "is_modified",
    "configure",
    "object_session",
    "identity_key",
]
ATTRIBUTES = [
    "bind",
    "binds",
    "dirty",
    "deleted",
    "new",
    "identity_map",
    "is_active",
    "autoflush",
    "no_autoflush",
    "info",
    "execution_options",
]


def test_proxy_kinds() -> None:
    for name in COROUTINE_PROXIES:
        assert inspect.iscoroutinefunction(getattr(async_scoped_session, name)), name
    for name in SYNC_PROXIES:
        member = getattr(async_scoped_session, name)
        assert callable(member) and not inspect.iscoroutinefunction(member), name
    for name in ATTRIBUTES:
        assert isinstance(inspect.getattr_static(async_scoped_session, name), property)
    # every proxy has AsyncSession's parameters
    for name in COROUTINE_PROXIES + SYNC_PROXIES:
        target = getattr(AsyncSession, name, None)
        if target is None or name in ("close_all", "object_session", "identity_key"):
            continue
        proxy = inspect.signature(getattr(async_scoped_session, name))
        assert list(proxy.parameters) == list(inspect.signature(target).parameters)


def test_scopefunc_is_required() -> None:
    with pytest.raises(TypeError):
        async_scoped_session(async_sessionmaker())  # type: ignore[call-arg]


@async_test
async def test_one_session_per_task(async_url: str) -> None:
    async with setup(async_url) as engine:
        factory = async_sessionmaker(engine, expire_on_commit=False)
        scoped = async_scoped_session(factory, scopefunc=asyncio.current_task)
        assert isinstance(scoped.registry, ScopedRegistry)
        assert scoped.session_factory is factory
        assert repr(scoped).startswith("async_scoped_session(async_sessionmaker(")

        async def work(i: int) -> AsyncSession:
            session = scoped()
            assert scoped() is session
            scoped.add(Item(id=i, name=f"n{i}"))
            assert len(scoped.new) == 1
            await asyncio.sleep(0)
            assert scoped() is session  # still this task's after a switch
            await scoped.commit()
            item = await scoped.get(Item, i)
            assert item is not None and item.name == f"n{i}"
            await scoped.remove()
            return session

        sessions = await asyncio.gather(*(work(i) for i in range(1, 11)))
        assert len({id(s) for s in sessions}) == 10
        assert engine.pool.checkedout() == 0
        assert scoped.registry.registry == {}

        names = (await scoped.scalars(select(Item.name).order_by(Item.id))).all()
        assert names == [f"n{i}" for i in range(1, 11)]
        await scoped.remove()
        assert engine.pool.checkedout() == 0


@async_test
async def test_proxies_reach_the_current_session(async_url: str) -> None:
    async with setup(async_url) as engine:
        scoped = async_scoped_session(
            async_sessionmaker(engine), scopefunc=asyncio.current_task
        )
        session = scoped()
        assert scoped.bind is engine and session.bind is engine
        assert scoped.get_bind() is engine.sync_engine
        assert scoped.get_async_bind() is engine
        assert scoped.autoflush is True
        scoped.autoflush = False
        assert session.autoflush is False
        scoped.autoflush = True
        scoped.info["x"] = 1
        assert session.info == {"x": 1}
        assert scoped.is_active and dict(scoped.binds) == {}
        assert scoped.identity_map is session.identity_map

        trans = scoped.begin()
        assert isinstance(trans, AsyncSessionTransaction) and trans.session is session
        async with trans:
            scoped.add_all([Item(id=1, name="a"), Item(id=2, name="b")])
        a = await scoped.get_one(Item, 1)
        a.name = "a2"
        assert a in scoped.dirty and scoped.is_modified(a)
        await scoped.flush()
        async with scoped.begin_nested():
            await scoped.delete(a)
            assert a in scoped.deleted
        await scoped.commit()
        assert await scoped.get(Item, 1) is None
        with scoped.no_autoflush:
            assert session.autoflush is False
        merged = await scoped.merge(Item(id=3, name="c"))
        more = await scoped.merge_all([Item(id=4, name="d")])
        await scoped.flush()
        scoped.expire(merged)
        scoped.expire_all()
        await scoped.refresh(merged)
        assert merged.name == "c" and await more[0].awaitable_attrs.name == "d"
        assert await scoped.scalar(select(Item.name).where(Item.id == 2)) == "b"
        result = await scoped.execute(select(Item.id).order_by(Item.id))
        assert result.scalars().all() == [2, 3, 4]
        streamed = await scoped.stream(select(Item.id).order_by(Item.id))
        assert [r[0] async for r in streamed] == [2, 3, 4]
        streamed_scalars = await scoped.stream_scalars(select(Item.id))
        assert sorted(await streamed_scalars.all()) == [2, 3, 4]
        await scoped.delete_all(more)
        conn = await scoped.connection()
        assert conn.sync_connection is (await session.connection()).sync_connection
        await scoped.rollback()
        assert scoped.object_session(merged) is None  # its INSERT rolled back
        two = await scoped.get_one(Item, 2)
        scoped.expunge(two)
        assert two not in session
        scoped.expunge_all()
        assert scoped.identity_key(Item, 2) == AsyncSession.identity_key(Item, 2)
        assert scoped.object_session(merged) is None
        await scoped.reset()
        await scoped.invalidate()
        await scoped.close()
        await scoped.aclose()
        assert scoped() is session  # close() keeps it in the registry
        await scoped.remove()
        assert scoped() is not session
        await scoped.close_all()
        await scoped.remove()
        assert engine.pool.checkedout() == 0


@async_test
async def test_call_arguments_and_configure(sqlite_url: str) -> None:
    async with setup(sqlite_url) as engine:
        factory = async_sessionmaker(engine)
        scoped = async_scoped_session(factory, scopefunc=asyncio.current_task)
        session = scoped(expire_on_commit=False)
        assert session.sync_session.expire_on_commit is False
        with pytest.raises(exc.InvalidRequestError, match="already present"):
            scoped(autoflush=False)
        with pytest.warns(Warning, match="At least one scoped session"):
            scoped.configure(autoflush=False)
        assert factory.kw["autoflush"] is False
        await scoped.remove()
        scoped.configure(autoflush=True)  # nothing present: no warning
        assert scoped().autoflush is True

        # remove() forgets the session even if closing it fails
        broken = scoped()

        async def boom() -> None:
            raise RuntimeError("close failed")

        broken.close = boom  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            await scoped.remove()
        assert scoped() is not broken
        await scoped.remove()
        await AsyncSession.close(broken)
