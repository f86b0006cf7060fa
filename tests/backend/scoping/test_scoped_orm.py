"""scoped_session with the real Session on every backend: thread and custom
scopes, connections returned by remove(), and the proxies compared with
SQLAlchemy's scoped_session running the same script on the same database."""

from __future__ import annotations

import importlib
import threading
from typing import Any, Callable, Iterator

import pytest

from quicksilver import Integer, String, create_engine, func, select
from quicksilver.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker
from quicksilver.orm.scoping import scoped_session


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "scoping_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


def _connect_args(url: str) -> dict[str, Any]:
    return {"timeout": 30} if url.startswith("sqlite") else {}


@pytest.fixture
def engine(db_url: str) -> Iterator[Any]:
    eng = create_engine(db_url, connect_args=_connect_args(db_url))
    Base.metadata.drop_all(eng)
    Base.metadata.create_all(eng)
    yield eng
    Base.metadata.drop_all(eng)
    eng.dispose()


def test_one_session_per_thread_across_16_threads(engine: Any) -> None:
    scoped = scoped_session(sessionmaker(bind=engine))
    barrier = threading.Barrier(16)
    sessions: dict[int, Any] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait()
            session = scoped()
            assert scoped() is session
            scoped.add(Item(name=f"t{i}"))
            scoped.flush()
            assert scoped.scalar(select(func.count()).select_from(Item)) >= 1
            scoped.commit()  # gives the connection back; the session lives on
            sessions[i] = session
            barrier.wait()  # all sessions alive at once: they must differ
            scoped.remove()
        except BaseException as e:  # noqa: BLE001 - re-raised in the main thread
            errors.append(e)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]
    assert len({id(s) for s in sessions.values()}) == 16
    assert engine.pool.checkedout() == 0
    names = scoped.scalars(select(Item.name).order_by(Item.name)).all()
    assert sorted(names) == sorted(f"t{i}" for i in range(16))
    scoped.remove()
    assert engine.pool.checkedout() == 0


def test_custom_scopefunc(engine: Any) -> None:
    current = ["a"]
    scoped = scoped_session(sessionmaker(bind=engine), scopefunc=lambda: current[0])
    a = scoped()
    scoped.add(Item(name="in a"))
    current[0] = "b"
    assert scoped() is not a
    assert len(scoped.new) == 0  # b's session knows nothing of a's pending item
    current[0] = "a"
    assert [i.name for i in scoped.new] == ["in a"]
    scoped.commit()
    scoped.remove()
    current[0] = "b"
    scoped.remove()
    assert scoped.registry.registry == {}
    assert engine.pool.checkedout() == 0


def test_remove_returns_the_connection(engine: Any) -> None:
    scoped = scoped_session(sessionmaker(bind=engine))
    scoped.add(Item(name="x"))
    scoped.flush()
    assert engine.pool.checkedout() == 1
    scoped.remove()
    assert engine.pool.checkedout() == 0
    # the flush was never committed: remove() rolled it back
    assert scoped.scalar(select(func.count()).select_from(Item)) == 0
    scoped.remove()
    assert engine.pool.checkedout() == 0


# -- the same script on quicksilver and on SQLAlchemy --------------------------


def _script(lib: str, url: str) -> list[Any]:
    """Drive a scoped_session through the proxied Session API and record what
    it observes; quicksilver must record exactly what SQLAlchemy does."""
    top = importlib.import_module(lib)
    orm = importlib.import_module(f"{lib}.orm")

    class LBase(orm.DeclarativeBase):  # type: ignore[misc, name-defined]
        pass

    class Thing(LBase):  # type: ignore[misc, valid-type]
        __tablename__ = f"scoping_thing_{lib}"
        id = orm.mapped_column(top.Integer, primary_key=True)
        name = orm.mapped_column(top.String(50))

    eng = top.create_engine(url, connect_args=_connect_args(url))
    LBase.metadata.drop_all(eng)
    LBase.metadata.create_all(eng)
    S = orm.scoped_session(orm.sessionmaker(bind=eng))
    trace: list[Any] = []
    rec: Callable[..., None] = lambda *v: trace.append(v)  # noqa: E731
    try:
        a = Thing(name="a")
        S.add(a)
        rec("new", a in S.new, len(S.new), S.is_active)
        S.add_all([Thing(name="b"), Thing(name="c")])
        S.flush()
        rec("flushed", sorted(t.name for t in S.identity_map.values()))
        rec("pool during tx", eng.pool.checkedout())
        S.commit()
        got = S.get(Thing, a.id)
        rec("get", got is a, S.get_one(Thing, a.id).name, S.get(Thing, 999))
        a.name = "a2"
        rec("dirty", a in S.dirty, S.is_modified(a))
        with S.no_autoflush:
            rec("no_autoflush", S.autoflush)
        S.rollback()
        rec("after rollback", a.name)
        rec("scalar", S.scalar(top.select(top.func.count()).select_from(Thing)))
        rec("scalars", S.scalars(top.select(Thing.name).order_by(Thing.id)).all())
        rec(
            "execute",
            S.execute(top.select(Thing.name).where(Thing.name == "b")).scalar_one(),
        )
        rec("query", S.query(Thing).filter_by(name="c").count())
        Thing.query = S.query_property()
        rec("query_property", [t.name for t in Thing.query.order_by(Thing.id)])
        S.delete(a)
        rec("deleted", a in S.deleted)
        S.flush()
        S.commit()
        b = S.scalars(top.select(Thing).where(Thing.name == "b")).one()
        S.expire(b)
        rec("expire", "name" in b.__dict__)
        S.refresh(b)
        rec("refresh", b.name)
        S.expire_all()
        S.expunge(b)
        rec("expunge", b in S())
        merged = S.merge(b)
        rec("merge", merged is b, merged.name)
        S.expunge_all()
        rec("expunge_all", len(S.identity_map))
        nested = S.begin_nested()
        S.add(Thing(name="nested"))
        nested.rollback()
        S.commit()
        rec("nested", S.scalars(top.select(Thing.name).order_by(Thing.id)).all())
        S.info["k"] = 1
        rec("info", S.info is S().info, S.info["k"])
        S.autoflush = False
        rec("autoflush", S().autoflush)
        S.autoflush = True
        rec("bind", S.bind is eng, S.get_bind() is eng)
        conn = S.connection()
        rec("connection", conn.engine is eng, eng.pool.checkedout())
        S.bulk_save_objects([Thing(name="bulk1")])
        S.bulk_insert_mappings(Thing, [{"name": "bulk2"}])
        S.commit()
        rec("bulk", S.scalars(top.select(Thing.name).order_by(Thing.id)).all())
        c = S.scalars(top.select(Thing).where(Thing.name == "c")).one()
        rec("object_session", S.object_session(c) is S())
        rec("identity_key", S.identity_key(Thing, c.id)[1:])
        S.reset()
        rec("reset", len(S.identity_map), eng.pool.checkedout())
        S.remove()
        rec("removed", S.registry.has(), eng.pool.checkedout())
        with pytest.raises(Exception) as info:
            S()
            S(autoflush=False)
        rec("kw error", type(info.value).__name__, str(info.value))
        S.remove()
    finally:
        S.remove()
        LBase.metadata.drop_all(eng)
        eng.dispose()
    return trace


def test_proxies_match_sqlalchemy(db_url: str) -> None:
    pytest.importorskip("sqlalchemy")
    expected = _script("sqlalchemy", db_url)
    actual = _script("quicksilver", db_url)
    for want, got in zip(expected, actual, strict=False):
        assert got == want
    assert len(actual) == len(expected)


def test_contextual_session_walkthrough(engine: Any) -> None:
    """The contextual-session walkthrough of the SQLAlchemy docs, verbatim."""
    session_factory = sessionmaker(bind=engine)
    Session = scoped_session(session_factory)
    some_session = Session()
    some_other_session = Session()
    assert some_session is some_other_session
    Session.remove()
    new_session = Session()
    assert new_session is not some_session

    Session.add(Item(name="x"))
    Session.commit()
    assert [i.name for i in Session.query(Item).all()] == ["x"]
    Session.remove()
    assert engine.pool.checkedout() == 0
