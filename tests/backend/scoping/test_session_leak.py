"""Leak detection for Sessions (quicksilver's own, beyond SQLAlchemy).

SQLAlchemy returns the connection of a garbage-collected Session silently; the
leak (a request handler that forgot ``close()``) only shows later as a pool
timeout.  quicksilver gives the connection back, rolled back, and warns with
the place where the Session was created.
"""

from __future__ import annotations

import gc
import warnings
from typing import Any, Iterator

import pytest

from quicksilver import Integer, String, create_engine, exc, func, select
from quicksilver.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    sessionmaker,
)


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "leak_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String(50))


@pytest.fixture
def engine(db_url: str) -> Iterator[Any]:
    eng = create_engine(db_url, pool_size=2, max_overflow=0, pool_timeout=2)
    Base.metadata.drop_all(eng)
    Base.metadata.create_all(eng)
    yield eng
    Base.metadata.drop_all(eng)
    eng.dispose()


def _leak_session(factory: Any) -> int:
    session = factory()  # the line the warning must name
    # automatic collection stays off until _collect(): one that happened to
    # run in between would warn outside the warnings capture
    gc.disable()
    session.add(Note(body="never committed"))
    session.flush()
    return id(session)


def _collect() -> list[warnings.WarningMessage]:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            gc.collect()
            gc.collect()
    finally:
        gc.enable()
    return [w for w in caught if issubclass(w.category, exc.QuicksilverResourceWarning)]


def test_collected_session_returns_connection_and_names_creation_site(
    engine: Any,
) -> None:
    factory = sessionmaker(engine)
    _leak_session(factory)
    leaks = _collect()
    assert engine.pool.checkedout() == 0
    assert len(leaks) == 1, [str(w.message) for w in leaks]
    message = str(leaks[0].message)
    assert "Session created at" in message
    line = _leak_session.__code__.co_firstlineno + 1
    assert f"test_session_leak.py:{line}" in message
    # the flushed row was rolled back, not committed
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Note)) == 0


def test_leaked_sessions_do_not_exhaust_the_pool(engine: Any) -> None:
    factory = sessionmaker(engine)
    for _ in range(6):  # three times pool_size + max_overflow
        _leak_session(factory)
        _collect()
    with factory() as session:
        session.add(Note(body="kept"))
        session.commit()
    with factory() as session:
        assert session.scalars(select(Note.body)).all() == ["kept"]
    assert engine.pool.checkedout() == 0


def test_closed_or_idle_sessions_do_not_warn(engine: Any) -> None:
    def closed() -> None:
        with Session(engine) as session:
            session.add(Note(body="x"))
            session.commit()

    def idle() -> None:
        session = Session(engine)
        session.add(Note(body="pending only"))  # no flush: no connection held

    closed()
    idle()
    assert _collect() == []
    assert engine.pool.checkedout() == 0


def test_collected_connection_of_a_session_names_the_session(engine: Any) -> None:
    """Whichever finalizer runs first, the warning points at the Session."""
    _leak_session(sessionmaker(engine))
    leaks = _collect()
    assert leaks and all("Session created at" in str(w.message) for w in leaks)
