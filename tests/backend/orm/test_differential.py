"""Differential tests: one Session scenario, run on SQLAlchemy and on quicksilver.

Each scenario is written once against a ``lib`` namespace (the import switch)
and returns a list of observations: lifecycle flags, histories, collection
sizes, values and exception class names.  The two lists must be equal.
SQLite only: the oracle needs its own driver set-up for PostgreSQL.
"""

import importlib
import types
import warnings
from typing import Optional

import pytest

from tests.backend.orm.conftest import create_tables


def _lib(name, tmp_path):
    ns = types.SimpleNamespace(name=name)
    ns.orm = importlib.import_module(name + ".orm")
    ns.exc = importlib.import_module(name + ".exc")
    ns.inspect = importlib.import_module(name + ".inspection").inspect
    root = importlib.import_module(name)
    ns.engine = root.create_engine(f"sqlite:///{tmp_path / (name + '.db')}")
    if name == "sqlalchemy":
        ns.select, ns.String, ns.ForeignKey = root.select, root.String, root.ForeignKey
    else:
        from quicksilver.sql.schema import ForeignKey
        from quicksilver.sql.select import select
        from quicksilver.sql.sqltypes import String

        ns.select, ns.String, ns.ForeignKey = select, String, ForeignKey
    orm = ns.orm

    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "d_users"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(ns.String(30), unique=True)
        age: orm.Mapped[int] = orm.mapped_column(default=7)
        nick: orm.Mapped[Optional[str]]

    ns.Base, ns.User = Base, User
    if name == "sqlalchemy":
        Base.metadata.create_all(ns.engine)
    else:
        create_tables(ns.engine, Base.metadata)
    return ns


def _flags(lib, obj):
    st = lib.inspect(obj)
    return (st.transient, st.pending, st.persistent, st.deleted, st.detached)


def _hist(lib, obj, key):
    h = (
        lib.inspect(obj).attrs[key].history
        if False
        else getattr(lib.inspect(obj).attrs, key).history
    )
    return (list(h.added), list(h.unchanged), list(h.deleted))


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class name is the observation
        return type(e).__name__
    return None


def scenario_lifecycle(lib):
    out = []
    User = lib.User
    s = lib.orm.Session(lib.engine)
    u = User(name="a")
    out += [_flags(lib, u), _hist(lib, u, "name")]
    s.add(u)
    out += [_flags(lib, u), len(s.new), len(s.dirty)]
    s.flush()
    out += [_flags(lib, u), u.age, lib.inspect(u).identity, len(s.new)]
    u.nick = "n"
    out += [_hist(lib, u, "nick"), len(s.dirty), s.is_modified(u)]
    s.commit()
    out += [sorted(lib.inspect(u).expired_attributes), _hist(lib, u, "name")]
    out += [u.name, _hist(lib, u, "name")]
    u.name = "b"
    out += [_hist(lib, u, "name")]
    s.rollback()
    out += [_flags(lib, u), u.name]
    s.delete(u)
    out += [len(s.deleted), _flags(lib, u)]
    s.flush()
    out += [_flags(lib, u), len(s.deleted), lib.inspect(u).was_deleted]
    s.rollback()
    out += [_flags(lib, u), lib.inspect(u).was_deleted]
    s.delete(u)
    s.commit()
    out += [_flags(lib, u), lib.inspect(u).was_deleted]
    out += [_err(lambda: s.add(u))]
    s.close()
    return out


def scenario_failed_flush(lib):
    out = []
    User = lib.User
    s = lib.orm.Session(lib.engine)
    s.add(User(name="dup"))
    s.commit()
    a = User(name="fresh")
    s.add(a)
    s.flush()
    s.add(User(name="dup"))
    out.append(_err(s.flush))
    out += [s.is_active, s.in_transaction(), _flags(lib, a)]
    out.append(_err(lambda: s.execute(lib.select(User)).all()))
    out.append(_err(s.commit))
    s.rollback()
    out += [s.is_active, _flags(lib, a)]
    out.append(sorted(x.name for x in s.scalars(lib.select(User))))
    s.close()
    return out


def scenario_misuse(lib):
    out = []
    User = lib.User
    s = lib.orm.Session(lib.engine)
    t = User(name="t")
    out.append(_err(lambda: s.delete(t)))
    out.append(_err(lambda: s.expunge(t)))
    out.append(_err(lambda: s.refresh(t)))
    out.append(_err(lambda: s.expire(t)))
    out.append(_err(lambda: s.get(User, (1, 2))))
    out.append(_err(lambda: s.add(object())))
    out.append(_err(lambda: s.get_one(User, 12345)))
    out.append(s.in_transaction())
    s.rollback()
    s.begin()
    out.append(_err(s.begin))
    s.rollback()
    other = lib.orm.Session(lib.engine)
    s.add(t)
    out.append(_err(lambda: other.add(t)))
    s.close()
    other.close()
    return out


def scenario_detached(lib):
    out = []
    User = lib.User
    with lib.orm.Session(lib.engine) as s:
        u = User(name="det")
        s.add(u)
        s.commit()
    out.append(_err(lambda: u.name))
    out.append(_flags(lib, u))
    with lib.orm.Session(lib.engine, expire_on_commit=False) as s:
        v = User(name="det2")
        s.add(v)
        s.commit()
    out += [v.name, _flags(lib, v)]
    with lib.orm.Session(lib.engine) as s:
        m = s.merge(v)
        out += [m is v, m.name, _flags(lib, m), len(s.dirty)]
        w = s.get(User, v.id)
        out.append(w is m)
        s.expunge(m)
        out.append(_flags(lib, m))
        lib.orm.make_transient(m)
        out.append(_flags(lib, m))
    return out


def scenario_nested(lib):
    out = []
    User = lib.User
    s = lib.orm.Session(lib.engine)
    s.add(User(name="n1"))
    s.flush()
    sp = s.begin_nested()
    inner = User(name="n2")
    s.add(inner)
    s.flush()
    out += [s.in_nested_transaction(), _flags(lib, inner)]
    sp.rollback()
    out += [s.in_nested_transaction(), _flags(lib, inner), s.in_transaction()]
    s.commit()
    out.append(sorted(x.name for x in s.scalars(lib.select(User))))
    s.close()
    return out


def scenario_history(lib):
    out = []
    User = lib.User
    attributes = importlib.import_module(lib.name + ".orm.attributes")
    s = lib.orm.Session(lib.engine)
    u = User(name="h", nick="x")
    s.add(u)
    s.commit()
    out.append(_hist(lib, u, "nick"))  # expired: nothing loaded
    out.append(u.nick)
    u.nick = "x"
    out += [_hist(lib, u, "nick"), len(s.dirty), s.is_modified(u)]
    u.nick = None
    out += [_hist(lib, u, "nick"), s.is_modified(u)]
    s.flush()
    out += [_hist(lib, u, "nick"), len(s.dirty)]
    s.expire(u, ["nick"])
    u.nick = "y"
    out += [_hist(lib, u, "nick")]
    attributes.flag_modified(u, "name")
    out += [_hist(lib, u, "name"), len(s.dirty)]
    s.commit()
    out.append((u.name, u.nick))
    s.close()
    return out


def scenario_events(lib):
    out = []
    event = importlib.import_module(lib.name + ".event")
    User = lib.User
    s = lib.orm.Session(lib.engine)
    for name in (
        "before_flush",
        "after_flush",
        "after_flush_postexec",
        "after_commit",
        "after_rollback",
        "after_begin",
        "after_attach",
        "transient_to_pending",
        "pending_to_persistent",
        "persistent_to_deleted",
        "deleted_to_detached",
    ):
        event.listen(s, name, lambda *a, _n=name: out.append(_n))
    for name in (
        "before_insert",
        "after_insert",
        "before_update",
        "after_update",
        "before_delete",
        "after_delete",
    ):
        event.listen(User, name, lambda *a, _n=name: out.append(_n))
    u = User(name="ev")
    s.add(u)
    s.commit()
    u.nick = "z"
    s.commit()
    s.delete(u)
    s.commit()
    s.add(User(name="gone"))
    s.flush()
    s.rollback()
    s.close()
    return out


def scenario_rollback_discards_pending(lib):
    """rollback() expunges what was added since the transaction began, also
    objects added after a failed commit (with SQLAlchemy's warning)."""
    User, out = lib.User, []
    s = lib.orm.Session(lib.engine)
    a = User(name="a")
    s.add(a)
    out.append(("in txn after add", s.in_transaction()))
    s.rollback()
    out.append(("a", a in s, _flags(lib, a)))
    s.add(User(name="x"))
    s.commit()
    s.add(User(name="x"))
    try:
        s.commit()
    except lib.exc.IntegrityError as err:
        out.append(type(err).__name__)
    c = User(name="c")
    s.add(c)
    try:
        s.flush()
    except lib.exc.SQLAlchemyError as err:
        out.append(type(err).__name__)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s.rollback()
    out.append([str(w.message) for w in caught])
    out.append(("c", c in s, _flags(lib, c)))
    # pending objects are flushed before a SAVEPOINT: rolling back to it keeps them
    with s.begin():
        s.add(User(name="before-sp"))
        sp = s.begin_nested()
        s.add(User(name="inside-sp"))
        sp.rollback()
    out.append(sorted(s.scalars(lib.select(User.name)).all()))
    s.close()
    return out


@pytest.mark.parametrize(
    "scenario",
    [
        scenario_rollback_discards_pending,
        scenario_lifecycle,
        scenario_failed_flush,
        scenario_misuse,
        scenario_detached,
        scenario_nested,
        scenario_history,
        scenario_events,
    ],
    ids=lambda f: f.__name__,
)
def test_same_as_sqlalchemy(scenario, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = scenario(_lib("sqlalchemy", tmp_path))
    got = scenario(_lib("quicksilver", tmp_path))
    assert got == expected


def _versioned(lib, tmp_path):
    orm = lib.orm

    class VBase(orm.DeclarativeBase):
        pass

    class Doc(VBase):
        __tablename__ = "d_docs"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        v: orm.Mapped[int] = orm.mapped_column(nullable=False)
        title: orm.Mapped[str] = orm.mapped_column(lib.String(20), default="a")
        __mapper_args__ = {"version_id_col": v}

    if lib.name == "sqlalchemy":
        VBase.metadata.create_all(lib.engine)
    else:
        create_tables(lib.engine, VBase.metadata)
    return Doc


def test_version_counter_and_closed_transaction(tmp_path):
    def run(lib):
        out = []
        Doc = _versioned(lib, tmp_path)
        s = lib.orm.Session(lib.engine)
        d = Doc()
        s.add(d)
        s.commit()
        out.append((d.v, d.title))
        d.title = "b"
        s.commit()
        out.append(d.v)
        with lib.engine.begin() as c:
            c.exec_driver_sql("UPDATE d_docs SET v = 10")
        d.title = "c"
        out.append(_err(s.commit))
        s.rollback()
        t = s.begin()
        t.commit()
        out += [_err(t.commit), _err(t.rollback), _err(t.close)]
        s.close()
        return out

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = run(_lib("sqlalchemy", tmp_path))
    assert run(_lib("quicksilver", tmp_path)) == expected


def scenario_bulk_sync(lib):
    out = []
    User = lib.User
    root = importlib.import_module(lib.name)
    s = lib.orm.Session(lib.engine)
    s.add_all([User(name=n, age=i) for i, n in enumerate("abcd")])
    s.commit()
    a, b, c, d = s.scalars(lib.select(User).order_by(User.name)).all()
    s.expire(b)
    c.nick = "pending"
    for strategy in ("evaluate", "fetch", "auto", False):
        r = s.execute(
            root.update(User).where(User.age >= 1).values(nick=f"n-{strategy}"),
            execution_options={"synchronize_session": strategy},
        )
        out.append(
            (
                strategy,
                r.rowcount,
                a.__dict__.get("nick"),
                d.__dict__.get("nick"),
                sorted(lib.inspect(b).expired_attributes),
                c.__dict__.get("nick"),
            )
        )
    s.rollback()
    r = s.execute(
        root.delete(User).where(User.name == "a"),
        execution_options={"synchronize_session": "evaluate"},
    )
    out += [r.rowcount, _flags(lib, a), a in s]
    out.append(
        _err(
            lambda: s.execute(
                root.update(User).values(age=1),
                execution_options={"synchronize_session": "bogus"},
            )
        )
    )
    s.rollback()
    s.close()
    return out


def test_bulk_sync_same_as_sqlalchemy(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = scenario_bulk_sync(_lib("sqlalchemy", tmp_path))
    assert scenario_bulk_sync(_lib("quicksilver", tmp_path)) == expected


def scenario_misc(lib):
    out = []
    User = lib.User
    s = lib.orm.Session(lib.engine)
    u = User(name="m1")
    s.add(u)
    s.commit()
    s.delete(u)
    s.add(u)  # takes the deletion back
    out.append((len(s.deleted), u in s))
    s.flush()
    out.append(_flags(lib, u))
    uid = u.id
    s.expunge(u)
    out.append((_flags(lib, u), s.get(User, uid) is u))
    out.append(_err(lambda: s.add(u)))
    s.rollback()
    w = User(id=50, name="w")
    s.add(w)
    s.flush()
    w.id = 51
    s.flush()
    out.append((lib.inspect(w).key[1], s.get(User, 51) is w, s.get(User, 50)))
    s.expire(w, ["name"])
    out.append(sorted(lib.inspect(w).expired_attributes))
    out.append(_err(lambda: s.expire(w, ["nope"])))
    x = User(name="x", nick=None)
    s.add(x)
    s.flush()
    out.append(("nick" in x.__dict__, x.nick))
    s.commit()
    y = s.get(User, x.id)
    y.nick = "q"
    s.expunge_all()
    out.append(lib.inspect(y).modified)
    s.close()
    return out


def test_misc_same_as_sqlalchemy(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = scenario_misc(_lib("sqlalchemy", tmp_path))
    assert scenario_misc(_lib("quicksilver", tmp_path)) == expected


def scenario_flush_events(lib):
    out = []
    event = importlib.import_module(lib.name + ".event")
    orm = lib.orm

    class EBase(orm.DeclarativeBase):
        pass

    class E(EBase):
        __tablename__ = "d_events"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[Optional[str]] = orm.mapped_column(lib.String(20))
        n: orm.Mapped[int] = orm.mapped_column(default=0)

    if lib.name == "sqlalchemy":
        EBase.metadata.create_all(lib.engine)
    else:
        create_tables(lib.engine, EBase.metadata)
    s = orm.Session(lib.engine)

    def bf(sess, ctx, inst):
        out.append(("bf", len(sess.new), len(sess.dirty)))
        for o in list(sess.new):
            if o.name == "spawn":
                sess.add(E(name="child"))

    event.listen(s, "before_flush", bf)
    event.listen(
        s,
        "after_flush",
        lambda sess, ctx: out.append(
            ("af", len(sess.new), len(sess.dirty), len(sess.deleted))
        ),
    )
    event.listen(
        s,
        "after_flush_postexec",
        lambda sess, ctx: out.append(("afp", len(sess.new), len(sess.dirty))),
    )
    event.listen(E, "before_update", lambda m, c, t: out.append(("bu", t.name)))

    def bi(m, c, t):
        t.n = 42
        out.append(("bi", t.name))

    event.listen(E, "before_insert", bi)
    s.add(E(name="spawn"))
    s.commit()
    out.append(sorted((x.name, x.n) for x in s.scalars(lib.select(E))))
    child = s.scalars(lib.select(E).where(E.name == "child")).one()
    child.name = "child"  # same value: still "dirty", before_update fires
    s.flush()
    child.name = "kid"
    s.flush()
    s.commit()
    s.close()
    return out


def test_flush_events_same_as_sqlalchemy(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = scenario_flush_events(_lib("sqlalchemy", tmp_path))
    assert scenario_flush_events(_lib("quicksilver", tmp_path)) == expected


def test_server_defaults_fetched_as_sqlalchemy(tmp_path):
    def run(lib):
        orm = lib.orm

        class SBase(orm.DeclarativeBase):
            pass

        class S(SBase):
            __tablename__ = "d_srv"
            id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
            nick: orm.Mapped[Optional[str]] = orm.mapped_column(lib.String(10))
            srv: orm.Mapped[Optional[str]] = orm.mapped_column(
                lib.String(10), server_default="x"
            )
            n: orm.Mapped[int] = orm.mapped_column(default=3)

        if lib.name == "sqlalchemy":
            SBase.metadata.create_all(lib.engine)
        else:
            create_tables(lib.engine, SBase.metadata)
        s = orm.Session(lib.engine)
        u, v, ws = S(), S(id=10), [S(nick="a"), S(nick="b")]
        s.add(u)
        s.flush()
        s.add(v)
        s.flush()
        s.add_all(ws)
        s.flush()
        out = [
            (
                sorted(k for k in o.__dict__ if k[0] != "_"),
                sorted(lib.inspect(o).expired_attributes),
                o.srv,
            )
            for o in [u, v, *ws]
        ]
        s.close()
        return out

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = run(_lib("sqlalchemy", tmp_path))
    assert run(_lib("quicksilver", tmp_path)) == expected


def scenario_bulk_update_by_primary_key(lib):
    """``session.execute(update(User), [dicts])``: SET from each dict, WHERE on
    its primary key, objects in the identity map updated in place."""
    User, out = lib.User, []
    root = importlib.import_module(lib.name)
    s = lib.orm.Session(lib.engine)
    s.add_all([User(id=i, name=f"n{i}", age=i) for i in range(1, 5)])
    s.commit()
    kept = s.get(User, 1)
    kept_age = kept.age
    s.execute(
        root.update(User),
        [{"id": 1, "name": "x1"}, {"id": 2, "name": "x2", "age": 20}],
    )
    out.append((kept.name, kept_age, lib.inspect(kept).modified))
    s.commit()
    out.append(s.execute(lib.select(User.id, User.name, User.age).order_by(User.id)).all())
    for stmt, rows in (
        (root.update(User), [{"name": "no pk"}]),
        (root.update(User).where(User.age > 1), [{"id": 2, "name": "y"}]),
        (root.delete(User), [{"id": 2}]),
    ):
        try:
            s.execute(stmt, rows)
            out.append("no error")
        except lib.exc.InvalidRequestError as err:
            out.append(str(err).split("(Background")[0].strip())
        s.rollback()
    s.execute(
        root.update(User).where(User.age > 1),
        [{"id": 2, "name": "y2"}, {"id": 1, "name": "y1"}],
        execution_options={"synchronize_session": None},
    )
    s.execute(root.update(User).values(age=5), [{"id": 3, "name": "z3"}])
    out.append(s.execute(lib.select(User.id, User.name, User.age).order_by(User.id)).all())
    s.close()
    return [tuple(r) if isinstance(r, tuple) else r for r in out]


def test_bulk_update_by_primary_key_same_as_sqlalchemy(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = scenario_bulk_update_by_primary_key(_lib("sqlalchemy", tmp_path))
    got = scenario_bulk_update_by_primary_key(_lib("quicksilver", tmp_path))
    assert [str(x) for x in got] == [str(x) for x in expected]


def scenario_refresh_named_attributes(lib):
    """refresh(obj, [names]) reloads only those columns; other pending changes
    are flushed by the load's autoflush, not overwritten."""
    User, out = lib.User, []
    root = importlib.import_module(lib.name)
    s = lib.orm.Session(lib.engine)
    s.add(User(id=1, name="a", age=1, nick="n"))
    s.commit()
    u = s.get(User, 1)
    with lib.engine.begin() as conn:
        conn.execute(root.text("UPDATE d_users SET name='db', age=7, nick='dbn'"))
    u.age = 5
    u.nick = "mine"
    s.refresh(u, ["name", "nick"])
    out.append((u.name, u.age, u.nick, lib.inspect(u).modified))
    s.commit()
    out.append(tuple(s.execute(lib.select(User.name, User.age, User.nick)).one()))
    with lib.engine.begin() as conn:
        conn.execute(root.text("DELETE FROM d_users"))
    try:
        s.refresh(u, ["name"])
    except lib.exc.InvalidRequestError as err:
        out.append(type(err).__name__)
    s.close()
    return out


def test_refresh_named_attributes_same_as_sqlalchemy(tmp_path):
    expected = scenario_refresh_named_attributes(_lib("sqlalchemy", tmp_path))
    assert scenario_refresh_named_attributes(_lib("quicksilver", tmp_path)) == expected
