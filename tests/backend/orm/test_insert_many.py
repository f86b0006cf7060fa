"""Flushing many new objects: multi-row INSERT .. RETURNING.

On qmark/format drivers (sqlite3, aiosqlite) the one-row statement is compiled
once and its VALUES tuple repeated (orm/persistence.py ``_Expanded``); other
drivers compile the multi-row statement.  Both must give every object its key
and server defaults, report a bad value by column, and batch like SQLAlchemy
(1,000 rows a statement)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Iterator, Optional

import pytest

from quicksilver import DateTime, Integer, String, event, exc, func, select, text
from quicksilver.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "qs_insert_many"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    score: Mapped[int]
    at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    created: Mapped[Optional[dt.datetime]] = mapped_column(
        DateTime, server_default=text("CURRENT_TIMESTAMP")
    )


@pytest.fixture
def db(engine: Any) -> Iterator[Any]:
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)


@pytest.fixture
def seen(db: Any) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
        if statement.startswith("INSERT"):
            statements.append(statement)

    event.listen(db, "before_cursor_execute", record)
    yield statements
    event.remove(db, "before_cursor_execute", record)


def test_keys_values_and_server_defaults_come_back(db: Any, seen: list[str]) -> None:
    when = dt.datetime(2026, 1, 2, 3, 4, 5)
    objs = [Row(name=f"n{i}", score=i, at=when) for i in range(2500)]
    with Session(db) as session:
        session.add_all(objs)
        session.commit()
        if db.dialect.paramstyle in ("qmark", "format"):
            assert len(seen) == 3  # 1000 + 1000 + 500, as SQLAlchemy batches
        else:  # compiled multi-row statements, in power-of-two sizes
            assert 3 <= len(seen) <= 8
        ids = [o.id for o in objs]
        assert len(set(ids)) == 2500 and None not in ids
        assert all(isinstance(o.created, dt.datetime) for o in objs)
        for o in (objs[0], objs[1234], objs[-1]):
            stored = session.execute(
                select(Row.name, Row.score, Row.at).where(Row.id == o.id)
            ).one()
            assert tuple(stored) == (o.name, o.score, when)


def test_bad_value_names_the_column_and_inserts_nothing(db: Any) -> None:
    objs = [Row(name=f"n{i}", score=i) for i in range(1500)]
    objs[1200].name = "x" * 50  # longer than String(20)
    with Session(db) as session:
        session.add_all(objs)
        with pytest.raises(exc.StatementError, match="name"):
            session.commit()
        session.rollback()
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Row)) == 0


def test_echo_names_the_batches(db: Any, caplog: Any) -> None:
    with caplog.at_level(logging.INFO, logger="quicksilver.engine.Engine"):
        with Session(db) as session:
            session.add_all([Row(name="a", score=i) for i in range(1200)])
            session.commit()
    messages = [r.getMessage() for r in caplog.records]
    assert any("INSERT INTO qs_insert_many" in m for m in messages)
    if db.dialect.paramstyle in ("qmark", "format"):
        assert any("insertmanyvalues 2/2" in m for m in messages)
