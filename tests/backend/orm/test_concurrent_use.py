"""One Session shared by two threads at the same moment: ConcurrentUseError.

Recorded on SQLAlchemy 2.1.9 (the oracle) with the same scenario without the
forced overlap (two threads each adding 200 objects and flushing one shared
Session, 20 rounds): 12 of 40 thread runs failed with a generic
``InvalidRequestError`` ("Session is already flushing") or worse, the rest
interleaved silently into one transaction. quicksilver raises
``ConcurrentUseError`` naming both threads every time the two overlap, and the
Session stays consistent for the thread that owns it.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from quicksilver import Column, Integer, String, event, exc, func, select
from quicksilver.orm import DeclarativeBase, Session


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "cu_items"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))


@pytest.fixture(scope="module", autouse=True)
def _tables(engine: Any) -> Any:
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield
    Base.metadata.drop_all(engine)


def _one_round(engine: Any, second_op: str, round_: int) -> None:
    """Thread A holds the Session inside a flush until thread B has tried it."""
    session = Session(engine)
    inside = threading.Event()
    attempted = threading.Event()
    seen: list[BaseException] = []

    def hold(sess: Any, ctx: Any, instances: Any) -> None:
        inside.set()
        attempted.wait(10)

    event.listen(session, "before_flush", hold)

    def first() -> None:
        for j in range(50):
            session.add(Item(name=f"a-{round_}-{j}"))
        session.flush()

    def second() -> None:
        inside.wait(10)
        try:
            if second_op == "flush":
                session.flush()
            elif second_op == "add":
                session.add(Item(name="b"))
            elif second_op == "commit":
                session.commit()
            else:
                session.execute(select(func.count(Item.id)))
        except BaseException as e:  # noqa: BLE001
            seen.append(e)
        finally:
            attempted.set()

    t1 = threading.Thread(target=first, name="owner-thread")
    t2 = threading.Thread(target=second, name="intruder-thread")
    t1.start()
    t2.start()
    t1.join()
    t2.join()
    assert len(seen) == 1 and isinstance(seen[0], exc.ConcurrentUseError), seen
    assert "owner-thread" in str(seen[0]) and "intruder-thread" in str(seen[0])
    session.commit()
    with Session(engine) as check:
        n = check.scalar(
            select(func.count(Item.id)).where(Item.name.like(f"a-{round_}-%"))
        )
        assert n == 50
        assert check.scalar(select(func.count(Item.id)).where(Item.name == "b")) == 0
    session.close()
    with engine.begin() as conn:
        conn.execute(Item.__table__.delete())


@pytest.mark.parametrize("second_op", ["flush", "add", "commit", "execute"])
def test_two_threads_at_once_always_refused(engine: Any, second_op: str) -> None:
    for round_ in range(10):
        _one_round(engine, second_op, round_)
    assert engine.pool.checkedout() == 0


def test_sequential_handover_is_allowed(engine: Any) -> None:
    session = Session(engine)
    t = threading.Thread(target=lambda: session.add(Item(name="h1")))
    t.start()
    t.join()
    session.add(Item(name="h2"))
    t = threading.Thread(target=session.commit)
    t.start()
    t.join()
    with Session(engine) as check:
        names = check.scalars(select(Item.name).order_by(Item.name)).all()
    assert names == ["h1", "h2"]
    session.close()
    with engine.begin() as conn:
        conn.execute(Item.__table__.delete())
