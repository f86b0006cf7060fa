"""column_property / deferred / events / bulk statements on every backend."""

from typing import Optional

import pytest

from quicksilver import event
from quicksilver.inspection import inspect
from quicksilver.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    column_property,
    deferred,
    make_transient_to_detached,
    mapped_column,
)
from quicksilver.orm._sql import sql
from quicksilver.sql.select import select
from quicksilver.sql.sqltypes import String, Text

pytestmark = pytest.mark.backend


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "qm_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    first: Mapped[str] = mapped_column(String(20))
    last: Mapped[str] = mapped_column(String(20))
    bio: Mapped[Optional[str]] = mapped_column(Text, deferred=True)
    notes = deferred(mapped_column("notes", Text, nullable=True))
    full = column_property(first + " " + last)


def test_expression_property_loads(session):
    session.add(Author(first="a", last="b"))
    session.commit()
    session.expunge_all()
    a = session.scalars(select(Author)).one()
    assert a.full == "a b"
    assert str(Author.full) == "Author.full"
    assert "qm_author.last" in str(Author.full.expression)


def test_deferred_loads_on_access(session):
    session.add(Author(first="x", last="y", bio="long", notes="n"))
    session.commit()
    session.expunge_all()
    a = session.scalars(select(Author)).one()
    assert "bio" not in a.__dict__ and "notes" not in a.__dict__
    assert a.bio == "long"
    assert a.notes == "n"


def test_instance_events(session):
    seen = []
    event.listen(Author, "load", lambda t, ctx: seen.append(("load", t.first)))
    event.listen(Author, "refresh", lambda t, ctx, attrs: seen.append("refresh"))
    event.listen(Author, "expire", lambda t, attrs: seen.append(("expire", attrs)))
    try:
        session.add(Author(first="e", last="v"))
        session.commit()
        session.expunge_all()
        a = session.scalars(select(Author)).one()
        session.expire(a, ["first"])
        assert a.first == "e"
    finally:
        event.remove(Author, "load", seen.append) if False else None
    assert ("load", "e") in seen
    assert ("expire", ["first"]) in seen
    assert "refresh" in seen


def test_orm_bulk_insert_statement(session):
    insert = sql("insert")
    session.execute(
        insert(Author), [{"first": "b1", "last": "x"}, {"first": "b2", "last": "y"}]
    )
    assert sorted(session.scalars(select(Author.first))) == ["b1", "b2"]


def test_unique_and_iteration(session):
    session.add_all([Author(first="u", last="1"), Author(first="u", last="2")])
    session.commit()
    objs = session.scalars(select(Author)).unique().all()
    assert len(objs) == 2
    assert all(o in session for o in objs)
    assert len(list(session)) == 2


def test_make_transient_to_detached(session):
    a = Author(id=77, first="t", last="d")
    make_transient_to_detached(a)
    assert inspect(a).detached and inspect(a).key == (Author, (77,), None)


def test_bulk_insert_mappings_and_close_all(engine):
    from quicksilver.orm import close_all_sessions

    s = Session(engine)
    s.bulk_insert_mappings(Author, [{"first": "m", "last": str(i)} for i in range(3)])
    s.commit()
    assert s.query(Author).count() == 3
    s.query(Author).delete()
    s.commit()
    close_all_sessions()
    assert not s.in_transaction()


def test_column_loader_options(session):
    from quicksilver.orm.strategy_options import defer, load_only, undefer

    session.add(Author(first="o", last="p", bio="b", notes="n"))
    session.commit()
    session.expunge_all()
    a = session.scalars(select(Author).options(load_only(Author.first))).one()
    assert "first" in a.__dict__ and "last" not in a.__dict__
    assert a.last == "p"
    session.expunge_all()
    a = session.scalars(select(Author).options(undefer(Author.bio))).one()
    assert a.__dict__["bio"] == "b" and "notes" not in a.__dict__
    session.expunge_all()
    a = session.scalars(select(Author).options(defer(Author.last))).one()
    assert "last" not in a.__dict__ and a.full == "o p"
    session.expunge_all()
    a = session.scalars(select(Author).execution_options(populate_existing=True)).one()
    assert a.first == "o"


class Note(Base):
    __tablename__ = "qm_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(20))

    def __init__(self, body):
        self.body = body
        self.cache = "init"

    @__import__("quicksilver.orm", fromlist=["reconstructor"]).reconstructor
    def on_load(self):
        self.cache = "loaded"


def test_reconstructor(session):
    session.add(Note("x"))
    session.commit()
    session.expunge_all()
    n = session.scalars(select(Note)).one()
    assert n.cache == "loaded"


def test_delete_all_merge_all_create_session(engine, models):
    from quicksilver.orm import create_session

    s = create_session(engine)
    assert s.autoflush is False and s.expire_on_commit is False
    s.add_all([Author(first="d1", last="x"), Author(first="d2", last="y")])
    s.commit()
    objs = s.scalars(select(Author)).all()
    merged = s.merge_all(objs)
    assert merged == objs
    s.delete_all(objs)
    s.commit()
    assert s.scalars(select(Author)).all() == []
    s.close()
