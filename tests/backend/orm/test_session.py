"""Session API on every configured backend."""

from typing import Optional

import pytest

from quicksilver import event, exc
from quicksilver.inspection import inspect
from quicksilver.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    make_transient,
    mapped_column,
    object_session,
    sessionmaker,
)
from quicksilver.orm import exc as orm_exc
from quicksilver.sql.schema import ForeignKey
from quicksilver.sql.select import select
from quicksilver.sql.sqltypes import String

pytestmark = pytest.mark.backend


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "qs_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    age: Mapped[int] = mapped_column(default=0)
    nick: Mapped[Optional[str]]


class Address(Base):
    __tablename__ = "qs_addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("qs_users.id"))
    email: Mapped[str] = mapped_column(String(100))


def _count(engine, table="qs_users"):
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()


def test_add_flush_commit_lifecycle(session, engine):
    u = User(name="a")
    st = inspect(u)
    assert st.transient
    session.add(u)
    assert st.pending and u in session.new and object_session(u) is session
    session.flush()
    assert st.persistent and st.identity == (u.id,) and u.age == 0
    assert st.key == (User, (u.id,), None)
    assert session.identity_map[st.key] is u
    session.commit()
    assert st.expired_attributes == {"id", "name", "age", "nick"}
    assert u.name == "a"
    assert _count(engine) == 1
    session.close()
    assert st.detached


def test_update_only_changed_columns(engine, models):
    statements = []

    @event.listens_for(engine, "before_cursor_execute")
    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    session = Session(engine)
    u = User(name="a", nick="n")
    session.add(u)
    session.commit()
    try:
        u.nick = "m"
        assert u in session.dirty
        assert inspect(u).attrs.nick.history.added == ["m"]
        session.flush()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    updates = [s for s in statements if s.startswith("UPDATE")]
    assert len(updates) == 1
    assert "nick" in updates[0] and "name" not in updates[0].split("WHERE")[0]
    assert not session.dirty
    session.rollback()
    session.close()


def test_autoflush_on_query(session):
    session.add(User(name="auto"))
    assert session.scalars(select(User).where(User.name == "auto")).one().name == "auto"
    with session.no_autoflush:
        session.add(User(name="later"))
        assert session.scalars(select(User).where(User.name == "later")).first() is None


def test_rollback_restores_objects(session):
    keep = User(name="keep")
    session.add(keep)
    session.commit()
    keep_id = keep.id
    new = User(name="new")
    session.add(new)
    session.flush()
    session.delete(keep)
    session.flush()
    assert inspect(keep).deleted
    session.rollback()
    assert inspect(new).transient
    assert inspect(keep).persistent
    assert keep.id == keep_id and keep.name == "keep"
    assert session.get(User, keep_id) is keep


def test_failed_flush_requires_rollback(session, engine):
    session.add(User(name="dup"))
    session.commit()
    first = User(name="ok1")
    session.add(first)
    session.flush()
    session.add_all([User(name="x1"), User(name="dup")])
    with pytest.raises(exc.IntegrityError):
        session.flush()
    assert not session.is_active
    with pytest.raises(exc.PendingRollbackError) as err:
        session.execute(select(User))
    assert "Session.rollback()" in str(err.value)
    with pytest.raises(exc.PendingRollbackError):
        session.commit()
    session.rollback()
    assert session.is_active
    assert inspect(first).transient
    assert _count(engine) == 1  # none of the failed transaction's rows
    assert [u.name for u in session.scalars(select(User))] == ["dup"]


def test_duplicate_identity(session):
    u = User(name="one")
    session.add(u)
    session.commit()
    clash = User(id=u.id, name="two")
    session.add(clash)
    with pytest.raises(orm_exc.FlushError) as err:
        session.flush()
    assert "conflicts with persistent instance" in str(err.value)
    assert isinstance(err.value, exc.IntegrityError)
    session.rollback()


def test_get_and_identity_map(session):
    u = User(name="g")
    session.add(u)
    session.commit()
    assert session.get(User, u.id) is u
    assert session.get(User, (u.id,)) is u
    assert session.get(User, {"id": u.id}) is u
    assert session.get(User, 999) is None
    with pytest.raises(exc.NoResultFound):
        session.get_one(User, 999)
    with pytest.raises(exc.InvalidRequestError):
        session.get(User, (1, 2))
    session.expunge_all()
    again = session.get(User, u.id)
    assert again is not u and again.name == "g"
    assert session.scalars(select(User)).one() is again


def test_get_of_a_pending_object_returns_it_after_autoflush(session):
    """get() of a key only a pending object has: autoflush inserts it into the
    identity map during the get, and the loaded row resolves to that object."""
    u = User(id=4242, name="pending")
    session.add(u)
    assert session.get(User, 4242) is u
    assert u in session and u.name == "pending"
    session.rollback()


def test_detached_expired_access(engine, models):
    with Session(engine) as s:
        u = User(name="d")
        s.add(u)
        s.commit()
    with pytest.raises(orm_exc.DetachedInstanceError) as err:
        _ = u.name
    message = str(err.value)
    # SQLAlchemy's words first, then which attribute and what to do
    assert "is not bound to a Session; attribute refresh operation" in message
    assert "attribute 'name' was expired" in message
    assert "expire_on_commit=False" in message and "session.merge()" in message
    with Session(engine, expire_on_commit=False) as s:
        v = User(name="e")
        s.add(v)
        s.commit()
    assert v.name == "e"
    with Session(engine) as s:
        for obj in s.scalars(select(User)):
            s.delete(obj)
        s.commit()


def test_expire_refresh(session, engine):
    u = User(name="r", age=1)
    session.add(u)
    session.commit()
    assert u.age == 1
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE qs_users SET age = 5")
    session.commit()  # end the snapshot read on some backends
    session.expire(u, ["age"])
    assert "age" in inspect(u).expired_attributes
    assert u.age == 5
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE qs_users SET age = 6")
    session.refresh(u)
    assert u.age == 6
    session.expire_all()
    assert inspect(u).expired_attributes == {"id", "name", "age", "nick"}
    assert session.is_modified(u) is False
    u.age = 7
    assert session.is_modified(u)


def test_stale_data_on_update(session, engine):
    u = User(name="s")
    session.add(u)
    session.commit()
    assert u.name == "s"
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM qs_users")
    u.name = "t"
    with pytest.raises(orm_exc.StaleDataError) as err:
        session.flush()
    assert "expected to update 1 row(s); 0 were matched" in str(err.value)
    session.rollback()


def test_object_deleted_error(session, engine):
    u = User(name="gone")
    session.add(u)
    session.commit()
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM qs_users")
    with pytest.raises(orm_exc.ObjectDeletedError):
        _ = u.name


def test_delete_order_children_first(session, engine):
    u = User(name="p")
    session.add(u)
    session.flush()
    a = Address(user_id=u.id, email="e@x")
    session.add(a)
    session.commit()
    session.delete(u)
    session.delete(a)
    session.commit()
    assert _count(engine, "qs_addresses") == 0 and _count(engine) == 0
    assert inspect(u).was_deleted and inspect(u).detached


def test_insert_order_parents_first(session, engine):
    u = User(id=10, name="parent")
    a = Address(id=1, user_id=10, email="c@x")
    session.add(a)
    session.add(u)
    session.commit()
    assert _count(engine, "qs_addresses") == 1


def test_begin_nested(session):
    session.add(User(name="outer"))
    session.flush()
    nested = session.begin_nested()
    assert session.in_nested_transaction()
    inner = User(name="inner")
    session.add(inner)
    session.flush()
    nested.rollback()
    assert not session.in_nested_transaction()
    assert inspect(inner).transient
    session.commit()
    assert [u.name for u in session.scalars(select(User))] == ["outer"]
    with session.begin_nested():
        session.add(User(name="sp"))
    session.commit()
    assert sorted(u.name for u in session.scalars(select(User))) == ["outer", "sp"]


def test_session_begin_context(engine, models):
    factory = sessionmaker(bind=engine)
    with factory.begin() as s:
        s.add(User(name="ctx"))
    with factory() as s:
        assert s.scalars(select(User.name)).all() == ["ctx"]
        with pytest.raises(exc.InvalidRequestError):
            s.begin()  # the query above autobegan one, as in SQLAlchemy
        s.commit()
        with s.begin():
            s.delete(s.scalars(select(User)).one())
        assert not s.in_transaction()
    with pytest.raises(RuntimeError):
        with factory.begin() as s:
            s.add(User(name="boom"))
            raise RuntimeError("x")
    assert _count(engine) == 0


def test_begin_twice_is_an_error(session):
    session.begin()
    with pytest.raises(exc.InvalidRequestError):
        session.begin()
    session.rollback()


def test_sessionmaker_configure_and_overrides(engine):
    factory = sessionmaker()
    factory.configure(bind=engine, expire_on_commit=False)
    s = factory(autoflush=False)
    assert s.bind is engine and s.expire_on_commit is False and s.autoflush is False
    s.close()


def test_events(session):
    calls = []
    event.listen(session, "before_flush", lambda s, ctx, inst: calls.append("bf"))
    event.listen(session, "after_flush", lambda s, ctx: calls.append("af"))
    event.listen(session, "after_commit", lambda s: calls.append("ac"))
    event.listen(User, "before_insert", lambda m, c, t: calls.append(("bi", t.name)))
    event.listen(User, "after_insert", lambda m, c, t: calls.append(("ai", t.name)))
    session.add(User(name="ev"))
    session.commit()
    assert calls[:5] == ["bf", ("bi", "ev"), ("ai", "ev"), "af", "ac"]


def test_merge(session):
    u = User(name="m1")
    session.add(u)
    session.commit()
    uid = u.id
    session.close()
    detached = User(id=uid, name="m2")
    merged = session.merge(detached)
    assert merged is not detached and merged.name == "m2"
    assert merged in session.dirty
    session.commit()
    assert session.get(User, uid).name == "m2"


def test_expunge_and_make_transient(session):
    u = User(name="x")
    session.add(u)
    session.commit()
    session.expunge(u)
    assert inspect(u).detached
    with pytest.raises(exc.InvalidRequestError):
        session.expunge(u)
    make_transient(u)
    assert inspect(u).transient


def test_execute_plain_string(session):
    session.add(User(name="raw"))
    session.commit()
    rows = session.execute("SELECT name FROM qs_users").all()
    assert [r[0] for r in rows] == ["raw"]


def test_commit_synchronize_session(session):
    a, b = User(name="a"), User(name="b")
    session.add_all([a, b])
    session.commit(synchronize_session=False)
    assert "name" in a.__dict__
    a.name = "a2"
    session.commit(synchronize_session="evaluate")
    assert inspect(a).expired_attributes and not inspect(b).expired_attributes
    session.commit(synchronize_session=True)
    assert inspect(b).expired_attributes


def test_select_entities_and_columns(session):
    session.add_all([User(name="c1", age=1), User(name="c2", age=2)])
    session.commit()
    rows = session.execute(select(User, User.age).order_by(User.age)).all()
    assert [(u.name, age) for u, age in rows] == [("c1", 1), ("c2", 2)]
    assert rows[0].User is rows[0][0]
    assert session.scalar(select(User.name).where(User.age == 2)) == "c2"
    assert session.execute(select(User.name).order_by(User.name)).scalars().all() == [
        "c1",
        "c2",
    ]


def test_attach_to_two_sessions_is_an_error(session, engine):
    u = User(name="two")
    session.add(u)
    other = Session(engine)
    with pytest.raises(exc.InvalidRequestError) as err:
        other.add(u)
    assert "already attached to session" in str(err.value)
    other.close()


def test_unmapped_instance(session):
    with pytest.raises(orm_exc.UnmappedInstanceError):
        session.add(object())


@pytest.mark.parametrize(
    "mode", ["conditional_savepoint", "create_savepoint", "rollback_only"]
)
def test_join_external_transaction(engine, models, mode):
    conn = engine.connect()
    trans = conn.begin()
    s = Session(bind=conn, join_transaction_mode=mode)
    s.add(User(name="ext"))
    s.commit()
    assert conn.in_transaction()
    assert len(s.scalars(select(User)).all()) == 1
    s.close()
    trans.rollback()
    conn.close()
    assert _count(engine) == 0


def test_invalid_join_transaction_mode(engine):
    with pytest.raises(exc.ArgumentError) as err:
        Session(engine, join_transaction_mode="bogus")
    assert str(err.value) == 'invalid selection for join_transaction_mode: "bogus"'


def test_pickle_round_trip(session):
    import pickle

    u = User(name="pk", nick="n")
    session.add(u)
    session.commit()
    assert u.name == "pk"
    copy = pickle.loads(pickle.dumps(u))
    assert inspect(copy).detached and inspect(copy).key == inspect(u).key
    assert copy.name == "pk"
    session.expunge(u)
    merged = session.merge(copy)
    assert merged.nick == "n"
    t = pickle.loads(pickle.dumps(User(name="t")))
    assert inspect(t).transient and t.name == "t"


def test_primary_key_change_switches_identity(session, engine):
    u = User(id=10, name="pk-switch")
    session.add(u)
    session.commit()
    u.id = 11
    u.age = 5
    session.commit()
    assert inspect(u).key == (User, (11,), None)
    assert session.get(User, 11) is u
    assert session.get(User, 10) is None
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, age FROM qs_users WHERE name = 'pk-switch'"
        ).all()
    assert [tuple(r) for r in rows] == [(11, 5)]


def test_plain_update_keeps_identity_and_writes_only_changes(session, engine):
    u = User(name="plain-upd", nick="n")
    session.add(u)
    session.commit()
    key = inspect(u).key
    statements = []
    event.listen(
        engine, "before_cursor_execute",
        lambda conn, cur, stmt, params, ctx, many: statements.append(stmt),
    )
    u.age = 7
    session.commit()
    updates = [s for s in statements if s.startswith("UPDATE")]
    assert len(updates) == 1 and "age" in updates[0] and "nick" not in updates[0]
    assert inspect(u).key == key and u.age == 7
