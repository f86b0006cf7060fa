"""AsyncSession, AsyncSessionTransaction, async_sessionmaker and AsyncAttrs on
every async driver (aiosqlite always; asyncpg and psycopg when
``QUICKSILVER_PG_URL`` is set).

The models and the :func:`setup` helper are imported by the other
``test_session_*`` / ``test_scoping*`` modules.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any, AsyncIterator, Optional

import pytest

from quicksilver import String, exc, func, select, text
from quicksilver.ext.asyncio import (
    AsyncAttrs,
    AsyncConnection,
    AsyncEngine,
    AsyncResult,
    AsyncScalarResult,
    AsyncSession,
    AsyncSessionTransaction,
    async_object_session,
    async_session,
    async_sessionmaker,
    close_all_sessions,
    create_async_engine,
)
from quicksilver.ext.asyncio import exc as async_exc
from quicksilver.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    deferred,
    mapped_column,
)
from quicksilver.orm import exc as orm_exc

from ._util import async_test


class Base(AsyncAttrs, DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "qs_as_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    note: Mapped[Optional[str]] = deferred(mapped_column(String(30), default="n"))


class Row(Base):
    """The row of the concurrency tests."""

    __tablename__ = "qs_as_row"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    task: Mapped[int] = mapped_column()
    payload: Mapped[str] = mapped_column(String(40))


@contextlib.asynccontextmanager
async def setup(url: str, **engine_kw: Any) -> AsyncIterator[AsyncEngine]:
    """An engine with fresh tables, dropped and disposed at the end."""
    engine = create_async_engine(url, **engine_kw)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
        yield engine
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
    finally:
        await engine.dispose()


def state_of(obj: object) -> str:
    from quicksilver import inspect as qs_inspect

    st = qs_inspect(obj)
    for name in ("transient", "pending", "persistent", "deleted", "detached"):
        if getattr(st, name):
            return name
    return "?"  # pragma: no cover


# --------------------------------------------------------------------------


@async_test
async def test_add_commit_get_execute(async_url: str) -> None:
    async with setup(async_url) as engine:
        async with AsyncSession(engine) as session:
            assert not session.in_transaction()
            session.add_all([Item(id=1, name="a"), Item(id=2, name="b")])
            session.add(Item(id=3, name="c"))
            assert len(session.new) == 3
            await session.commit()
            assert not session.in_transaction()
            assert engine.pool.checkedout() == 0

            item = await session.get(Item, 1)
            assert item is not None and item.name == "a"
            assert state_of(item) == "persistent"
            assert await session.get(Item, 99) is None
            assert (await session.get_one(Item, 2)).name == "b"
            with pytest.raises(exc.NoResultFound):
                await session.get_one(Item, 99)

            result = await session.execute(select(Item).order_by(Item.id))
            items = result.scalars().all()
            assert [i.name for i in items] == ["a", "b", "c"]
            assert items[0] is item  # identity map
            assert await session.scalar(select(func.count()).select_from(Item)) == 3
            scalars = await session.scalars(select(Item.name).order_by(Item.id))
            assert scalars.all() == ["a", "b", "c"]
            # buffered in the bridge: yield_per / partitions read the objects
            buffered = await session.execute(select(Item).order_by(Item.id))
            parts = list(buffered.yield_per(2).scalars().partitions())
            assert [[i.id for i in p] for p in parts] == [[1, 2], [3]]
            rows = (await session.execute(text("SELECT id FROM qs_as_item"))).all()
            assert sorted(r[0] for r in rows) == [1, 2, 3]
            await session.rollback()
        assert engine.pool.checkedout() == 0


@async_test
async def test_expired_attribute_raises_missing_greenlet(async_url: str) -> None:
    async with setup(async_url) as engine:
        session = AsyncSession(engine)
        session.add(Item(id=1, name="a"))
        await session.commit()
        item = await session.get(Item, 1)
        await session.commit()  # expire_on_commit: every attribute expired
        assert engine.pool.checkedout() == 0
        with pytest.raises(exc.MissingGreenlet) as info:
            _ = item.name
        message = str(info.value)
        assert message.startswith(
            "greenlet_spawn has not been called; can't call await_only() here. "
            "Was IO attempted in an unexpected place?"
        )
        assert "'name'" in message
        assert f"<Item at 0x{id(item):x}>" in message
        for hint in ("selectinload", "awaitable_attrs", "await session.refresh(obj)"):
            assert hint in message
        # SQLAlchemy 2.1 reports this as a StatementError wrapping
        # MissingGreenlet (2.0: MissingGreenlet): code written for either works
        assert isinstance(info.value, exc.StatementError)
        assert isinstance(info.value.orig, exc.MissingGreenlet)
        assert type(info.value).__name__ == "MissingGreenlet"
        # failing before any I/O: nothing begun, nothing checked out
        assert not session.in_transaction()
        assert engine.pool.checkedout() == 0

        await session.refresh(item)
        assert item.name == "a"
        session.expire(item, ["name"])
        assert await item.awaitable_attrs.name == "a"
        assert item.name == "a"
        await session.close()
        assert engine.pool.checkedout() == 0


@async_test
async def test_awaitable_attrs_and_deferred(async_url: str) -> None:
    async with setup(async_url) as engine:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            session.add(Item(id=1, name="a", note="hello"))
            await session.commit()
            session.expunge_all()
            item = (await session.scalars(select(Item))).one()
            assert "note" not in item.__dict__  # deferred
            with pytest.raises(exc.MissingGreenlet, match="'note'"):
                _ = item.note
            assert await item.awaitable_attrs.note == "hello"
            assert item.note == "hello"
            assert await item.awaitable_attrs.id == 1  # already loaded: no SQL
            with pytest.raises(AttributeError):
                await item.awaitable_attrs.missing
            # inside run_sync the implicit load is allowed
            session.expire(item)

            def read(sync_session: Session, obj: Item) -> str:
                assert isinstance(sync_session, Session)
                return obj.name

            assert await session.run_sync(read, item) == "a"


@async_test
async def test_begin_blocks_and_transactions(async_url: str) -> None:
    async with setup(async_url) as engine:
        async with AsyncSession(engine) as session:
            trans = session.begin()
            assert isinstance(trans, AsyncSessionTransaction)
            with pytest.raises(async_exc.AsyncContextNotStarted):
                _ = trans.is_active
            async with trans as started:
                assert started is trans
                assert trans.is_active
                assert session.in_transaction()
                assert session.get_transaction() is trans
                session.add(Item(id=1, name="a"))
            assert not session.in_transaction()
            assert (await session.get(Item, 1)) is not None
            assert session.in_transaction()  # autobegun by get()
            await session.rollback()

            with pytest.raises(ZeroDivisionError):
                async with session.begin():
                    session.add(Item(id=2, name="b"))
                    await session.flush()
                    raise ZeroDivisionError
            assert not session.in_transaction()
            assert await session.get(Item, 2) is None

            await session.rollback()
            t = await session.begin()
            with pytest.raises(exc.InvalidRequestError, match="already begun"):
                await session.begin()
            nested = session.begin_nested()
            async with nested:
                assert session.in_nested_transaction()
                assert session.get_nested_transaction() is nested
                session.add(Item(id=3, name="c"))
            sp = await session.begin_nested()
            session.add(Item(id=4, name="d"))
            await session.flush()
            await sp.rollback()
            assert not session.in_nested_transaction()
            await t.commit()
            ids = (await session.scalars(select(Item.id).order_by(Item.id))).all()
            assert ids == [1, 3]
            # an autobegun transaction gets a proxy too, always the same one
            auto = session.get_transaction()
            assert isinstance(auto, AsyncSessionTransaction)
            assert session.get_transaction() is auto
            assert auto.session is session and not auto.nested
        assert engine.pool.checkedout() == 0


@async_test
async def test_stream_and_stream_scalars(async_url: str) -> None:
    async with setup(async_url) as engine:
        async with AsyncSession(engine) as session:
            session.add_all([Item(id=i, name=f"n{i}") for i in range(1, 51)])
            await session.commit()
            result = await session.stream(select(Item).order_by(Item.id))
            assert isinstance(result, AsyncResult)
            names = [row[0].name async for row in result]
            assert names == [f"n{i}" for i in range(1, 51)]
            scalars = await session.stream_scalars(
                select(Item).where(Item.id > 45).order_by(Item.id)
            )
            assert isinstance(scalars, AsyncScalarResult)
            assert [i.id for i in await scalars.all()] == [46, 47, 48, 49, 50]
            partial = await session.stream_scalars(select(Item.id).order_by(Item.id))
            assert await partial.fetchmany(3) == [1, 2, 3]
            await partial.close()
            with pytest.raises(async_exc.AsyncMethodRequired, match="stream"):
                await session.execute(
                    select(Item), execution_options={"stream_results": True}
                )
            await session.rollback()
        assert engine.pool.checkedout() == 0


@async_test
async def test_flush_delete_merge_and_bookkeeping(async_url: str) -> None:
    async with setup(async_url) as engine:
        async with AsyncSession(engine, autoflush=False) as session:
            assert session.autoflush is False
            session.autoflush = True
            assert session.sync_session.autoflush is True
            a, b = Item(id=1, name="a"), Item(id=2, name="b")
            session.add_all([a, b])
            assert a in session and set(session) == {a, b}
            assert state_of(a) == "pending"
            await session.flush()
            assert state_of(a) == "persistent"
            assert not session.new
            a.name = "a2"
            assert a in session.dirty
            assert session.is_modified(a)
            await session.delete(b)
            assert b in session.deleted
            await session.flush()
            assert state_of(b) == "deleted"
            await session.commit()
            assert state_of(b) == "detached"

            session.expunge(a)
            assert state_of(a) == "detached"
            merged = await session.merge(Item(id=1, name="merged"))
            assert merged is not a and merged.name == "merged"
            many = await session.merge_all([Item(id=5, name="e"), Item(id=6, name="f")])
            assert [m.id for m in many] == [5, 6]
            await session.commit()
            await session.delete_all(many)
            await session.commit()
            names = (await session.scalars(select(Item.name))).all()
            assert names == ["merged"]

            m = await session.get(Item, 1)
            assert m is not None
            key = session.identity_key(Item, 1)
            assert key in session.identity_map
            session.expire_all()
            assert session.sync_session.identity_map is session.identity_map
            await session.refresh(m, ["name"])
            assert m.name == "merged"
            with session.no_autoflush:
                assert session.autoflush is False
            assert session.autoflush is True
            session.expunge_all()
            assert not list(session)
            session.info["k"] = 1
            assert session.sync_session.info == {"k": 1}
            assert session.is_active
            assert AsyncSession.object_session(m) is None
        assert engine.pool.checkedout() == 0


@async_test
async def test_integrity_error_needs_rollback(async_url: str) -> None:
    async with setup(async_url) as engine:
        async with AsyncSession(engine) as session:
            session.add(Item(id=1, name="a"))
            await session.commit()
            session.add(Item(id=1, name="dup"))
            with pytest.raises(exc.IntegrityError):
                await session.commit()
            assert not session.is_active
            with pytest.raises(exc.PendingRollbackError):
                await session.execute(select(Item))
            await session.rollback()
            assert session.is_active
            assert (await session.get(Item, 1)).name == "a"  # type: ignore[union-attr]
        assert engine.pool.checkedout() == 0


@async_test
async def test_connection_binds_and_run_sync(async_url: str) -> None:
    async with setup(async_url) as engine:
        session = AsyncSession(engine)
        assert session.bind is engine
        assert session.sync_session.bind is engine.sync_engine
        assert session.get_bind() is engine.sync_engine
        assert session.get_bind(Item) is engine.sync_engine
        assert session.get_async_bind() is engine
        conn = await session.connection()
        assert isinstance(conn, AsyncConnection)
        assert (await session.connection()).sync_connection is conn.sync_connection
        assert session.in_transaction()
        assert (await conn.execute(text("SELECT 1"))).scalar() == 1

        def count(sync_session: Session, above: int) -> int:
            stmt = select(func.count(Item.id)).where(Item.id > above)
            return int(sync_session.execute(stmt).scalar())

        session.add(Item(id=7, name="x"))
        assert await session.run_sync(count, 0) == 1  # autoflushed in the bridge
        await session.close()
        assert engine.pool.checkedout() == 0

        with pytest.raises(exc.ArgumentError, match="AsyncEngine expected"):
            AsyncSession(engine.sync_engine)

        # binds by table / mapper keep the async objects
        s2 = AsyncSession(binds={Item: engine})
        assert s2.binds[Item] is engine
        assert s2.get_bind(Item) is engine.sync_engine
        s2.bind_table(Row.__table__, engine)
        assert s2.get_async_bind(Row) is engine
        await s2.close()


@async_test
async def test_bind_to_connection_external_transaction(async_url: str) -> None:
    async with setup(async_url) as engine:
        async with engine.connect() as conn:
            outer = await conn.begin()
            session = AsyncSession(bind=conn, join_transaction_mode="create_savepoint")
            assert session.bind is conn
            assert session.get_async_bind() is conn
            session.add(Item(id=1, name="a"))
            await session.commit()  # releases the SAVEPOINT only
            assert await session.scalar(select(func.count()).select_from(Item)) == 1
            await session.close()
            await outer.rollback()
            count = await conn.scalar(text("SELECT count(*) FROM qs_as_item"))
            assert count == 0
        assert engine.pool.checkedout() == 0


@async_test
async def test_close_reset_invalidate_and_lookup(async_url: str) -> None:
    async with setup(async_url) as engine:
        session = AsyncSession(engine)
        session.add(Item(id=1, name="a"))
        await session.commit()
        item = await session.get(Item, 1)
        assert async_object_session(item) is session
        assert async_session(session.sync_session) is session
        assert async_session(Session()) is None
        assert async_object_session(Item(id=9, name="t")) is None
        await session.close()
        assert state_of(item) == "detached"
        assert async_object_session(item) is None
        assert engine.pool.checkedout() == 0

        await session.connection()
        assert engine.pool.checkedout() == 1
        await session.reset()
        assert engine.pool.checkedout() == 0 and not session.in_transaction()
        await session.connection()
        await session.invalidate()
        assert engine.pool.checkedout() == 0
        # still usable afterwards
        assert (await session.get(Item, 1)) is not None
        await session.aclose()

        others = [AsyncSession(engine) for _ in range(3)]
        for other in others:
            await other.connection()
        assert engine.pool.checkedout() == 3
        await close_all_sessions()
        assert engine.pool.checkedout() == 0
        await others[0].connection()
        await AsyncSession.close_all()
        assert engine.pool.checkedout() == 0


@async_test
async def test_sessionmaker(async_url: str) -> None:
    async with setup(async_url) as engine:
        maker = async_sessionmaker(engine, expire_on_commit=False, info={"a": 1})
        assert maker.class_ is AsyncSession
        assert repr(maker).startswith("async_sessionmaker(class_='AsyncSession', ")
        session = maker()
        assert isinstance(session, AsyncSession)
        assert session.bind is engine
        assert session.sync_session.expire_on_commit is False
        assert session.info == {"a": 1}
        other = maker(expire_on_commit=True, info={"b": 2})
        assert other.sync_session.expire_on_commit is True
        assert other.info == {"a": 1, "b": 2}
        maker.configure(autoflush=False)
        assert maker().autoflush is False
        maker.configure(autoflush=True)

        async with maker.begin() as s:
            assert isinstance(s, AsyncSession)
            assert s.in_transaction()
            s.add(Item(id=1, name="a"))
        assert not s.in_transaction()
        assert engine.pool.checkedout() == 0
        with pytest.raises(ZeroDivisionError):
            async with maker.begin() as s:
                s.add(Item(id=2, name="b"))
                await s.flush()
                raise ZeroDivisionError
        assert engine.pool.checkedout() == 0
        async with maker() as s:
            ids = (await s.scalars(select(Item.id))).all()
            assert ids == [1]
            item = await s.get(Item, 1)
            await s.commit()
            assert item is not None and item.name == "a"  # expire_on_commit=False
        await session.close()
        await other.close()

        class MySyncSession(Session):
            pass

        class MyAsyncSession(AsyncSession):
            sync_session_class = MySyncSession

        custom = async_sessionmaker(engine, class_=MyAsyncSession)
        async with custom() as s:
            assert type(s) is MyAsyncSession
            assert type(s.sync_session) is MySyncSession
        direct = AsyncSession(engine, sync_session_class=MySyncSession)
        assert type(direct.sync_session) is MySyncSession
        assert AsyncSession.sync_session_class is Session


def test_signatures_mirror_coroutines() -> None:
    coroutines = {
        "get",
        "get_one",
        "execute",
        "scalars",
        "scalar",
        "stream",
        "stream_scalars",
        "flush",
        "commit",
        "rollback",
        "refresh",
        "delete",
        "delete_all",
        "merge",
        "merge_all",
        "close",
        "aclose",
        "reset",
        "invalidate",
        "run_sync",
        "connection",
    }
    plain = {
        "add",
        "add_all",
        "expunge",
        "expunge_all",
        "expire",
        "expire_all",
        "is_modified",
        "in_transaction",
        "in_nested_transaction",
        "get_transaction",
        "get_nested_transaction",
        "get_bind",
        "begin",
        "begin_nested",
    }
    for name in coroutines:
        assert inspect.iscoroutinefunction(getattr(AsyncSession, name)), name
    for name in plain:
        assert not inspect.iscoroutinefunction(getattr(AsyncSession, name)), name
    assert inspect.iscoroutinefunction(close_all_sessions)
    assert AsyncSession._is_asyncio is True


def test_import_does_not_need_a_driver() -> None:
    import subprocess
    import sys

    code = (
        "import sys, quicksilver.ext.asyncio;"
        "bad = [m for m in ('greenlet', 'asyncpg', 'aiosqlite', 'psycopg') "
        "if m in sys.modules]; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_detached_object_still_raises_detached_error() -> None:
    # no session at all: the ORM's DetachedInstanceError, not MissingGreenlet
    from quicksilver.orm import make_transient_to_detached

    item = Item(id=1)
    make_transient_to_detached(item)
    with pytest.raises(orm_exc.DetachedInstanceError):
        _ = item.name
