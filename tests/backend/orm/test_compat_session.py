"""Session behaviours found to differ from SQLAlchemy 2.x, on every backend.

Each test states the SQLAlchemy behaviour it pins (checked against the
SQLAlchemy oracle in a scratch differential run).
"""

from typing import List, Optional

import pytest

from quicksilver import exc, func, text
from quicksilver.inspection import inspect
from quicksilver.orm import DeclarativeBase, Mapped, mapped_column, relationship
from quicksilver.sql.dml import delete, insert, update
from quicksilver.sql.schema import ForeignKey
from quicksilver.sql.select import select
from quicksilver.sql.sqltypes import String

pytestmark = pytest.mark.backend


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "qs_compat_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    qty: Mapped[int] = mapped_column(default=0)


def _seed(session):
    items = [Item(id=i, name=n, qty=i) for i, n in enumerate("abcde", 1)]
    session.add_all(items)
    session.commit()
    return session.scalars(select(Item).order_by(Item.id)).all()


@pytest.mark.parametrize(
    "make",
    [
        lambda: select(func.count()).select_from(Item),
        lambda: select(func.count()).where(Item.id > 0),
        lambda: select(func.count()).select_from(Item.__table__),
        lambda: text("SELECT count(*) FROM qs_compat_items"),
    ],
    ids=["select_from_entity", "where_only", "select_from_table", "text"],
)
def test_autoflush_before_any_statement(session, make):
    # SQLAlchemy 2.0.16+ autoflushes before every Session.execute, Core
    # statements and text() included: the pending row is counted
    session.add(Item(name="pending"))
    assert session.execute(make()).scalar() == 1
    assert not session.new


def test_no_autoflush_block_still_respected(session):
    session.add(Item(name="pending"))
    with session.no_autoflush:
        assert session.scalar(select(func.count()).select_from(Item)) == 0
    assert len(session.new) == 1


def test_statement_level_synchronize_session_false(session):
    items = _seed(session)
    stmt = (
        update(Item)
        .where(Item.qty >= 3)
        .values(qty=0)
        .execution_options(synchronize_session=False)
    )
    session.execute(stmt)
    # False leaves the objects alone: their loaded values are not expired
    assert [inspect(i).expired_attributes for i in items] == [set()] * 5
    assert [i.qty for i in items] == [1, 2, 3, 4, 5]


def test_statement_level_bogus_strategy_rejected(session):
    _seed(session)
    stmt = update(Item).values(qty=1).execution_options(synchronize_session="x")
    with pytest.raises(exc.ArgumentError, match="Valid strategies"):
        session.execute(stmt)


def test_statement_level_evaluate_unevaluatable_raises(session):
    _seed(session)
    stmt = (
        update(Item)
        .where(func.lower(Item.name) == "a")
        .values(qty=9)
        .execution_options(synchronize_session="evaluate")
    )
    with pytest.raises(exc.InvalidRequestError) as info:
        session.execute(stmt)
    assert type(info.value) is exc.InvalidRequestError
    assert "Could not evaluate current criteria in Python" in str(info.value)


@pytest.mark.parametrize("strategy", ["auto", "evaluate", "fetch"])
def test_update_expression_values_evaluated_on_objects(session, strategy):
    items = _seed(session)
    session.execute(
        update(Item)
        .where(Item.qty >= 3)
        .values(qty=Item.qty * 10 + 1)
        .execution_options(synchronize_session=strategy)
    )
    # the new values are set on the matched objects, not expired
    assert [inspect(i).expired_attributes for i in items] == [set()] * 5
    assert [i.qty for i in items] == [1, 2, 31, 41, 51]
    session.expire_all()
    assert [i.qty for i in items] == [1, 2, 31, 41, 51]


def test_delete_statement_level_false_keeps_objects(session):
    items = _seed(session)
    session.execute(
        delete(Item)
        .where(Item.qty > 3)
        .execution_options(synchronize_session=False)
    )
    assert all(inspect(i).persistent for i in items)
    assert all(i in session for i in items)


def test_filter_by_unknown_names_the_table():
    # SQLAlchemy: Entity namespace for "<table>" has no property "<key>"
    with pytest.raises(exc.InvalidRequestError) as info:
        select(Item).filter_by(nosuch=1)
    assert str(info.value) == (
        'Entity namespace for "qs_compat_items" has no property "nosuch"'
    )


class Parent(Base):
    __tablename__ = "qs_compat_parents"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kids: Mapped[List["Kid"]] = relationship()
    quiet: Mapped[List["Kid"]] = relationship(lazy="raise", viewonly=True)


class Kid(Base):
    __tablename__ = "qs_compat_kids"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey(Parent.id))


def test_refresh_named_lazy_relationship_loads_it(session):
    session.add(Parent(id=1, kids=[Kid(id=1), Kid(id=2)]))
    session.commit()
    session.close()
    parent = session.get(Parent, 1)
    assert "kids" not in parent.__dict__
    session.refresh(parent, ["kids"])
    assert sorted(k.id for k in parent.__dict__["kids"]) == [1, 2]
    # a full refresh leaves lazy relationships lazy, as SQLAlchemy does
    session.refresh(parent)
    assert "kids" not in parent.__dict__
    # named, even a lazy="raise" relationship is loaded (a list, not raising)
    session.refresh(parent, ["quiet", "kids"])
    assert sorted(k.id for k in parent.__dict__["quiet"]) == [1, 2]
    assert sorted(k.id for k in parent.__dict__["kids"]) == [1, 2]


def test_get_with_for_update(session):
    _seed(session)
    session.close()
    assert session.get(Item, 2, with_for_update=True).name == "b"
    assert session.get(Item, 3, with_for_update={"nowait": True}).name == "c"


def test_insert_returning_entity_gives_objects(session):
    stmt = insert(Item).returning(Item)
    got = session.scalars(stmt, [{"id": 50, "name": "r"}, {"id": 51, "name": "q"}])
    items = got.all()
    assert [(i.id, i.name) for i in items] == [(50, "r"), (51, "q")]
    assert all(inspect(i).persistent for i in items)
    assert session.get(Item, 50) is items[0]  # in the identity map
    one = session.scalars(insert(Item).values(id=52, name="z").returning(Item)).one()
    assert (one.id, one.name) == (52, "z")
    row = session.execute(
        insert(Item).returning(Item, Item.name), [{"id": 53, "name": "w"}]
    ).one()
    assert list(row._fields) == ["Item", "name"]
    assert isinstance(row.Item, Item) and row.name == "w"
    # plain columns stay values
    ids = session.scalars(insert(Item).returning(Item.id), [{"id": 54, "name": "v"}])
    assert ids.all() == [54]


def test_update_returning_entity_is_the_identity_map_object(session):
    items = _seed(session)
    got = session.scalars(
        update(Item).where(Item.id == 1).values(name="aa").returning(Item)
    ).all()
    assert got == [items[0]] and got[0] is items[0]
    assert items[0].name == "aa"


def test_orm_yield_per_sizes_partitions(session):
    _seed(session)
    stmt = select(Item).order_by(Item.id).execution_options(yield_per=2)
    parts = list(session.execute(stmt).partitions())
    assert [len(p) for p in parts] == [2, 2, 1]
    assert [[r[0].id for r in p] for p in parts] == [[1, 2], [3, 4], [5]]
    scalars = session.scalars(stmt).partitions()
    assert [len(p) for p in scalars] == [2, 2, 1]


def test_close_fires_detach_events_for_each_object(session):
    from quicksilver import event

    _seed(session)
    items = session.scalars(select(Item).order_by(Item.id)).all()
    pending = Item(name="p")
    session.add(pending)
    seen = []
    event.listen(session, "persistent_to_detached", lambda s, o: seen.append(o))
    event.listen(
        session, "pending_to_transient", lambda s, o: seen.append(("t", o))
    )
    session.close()
    assert sorted(o.id for o in seen if isinstance(o, Item)) == [1, 2, 3, 4, 5]
    assert ("t", pending) in seen
    assert all(inspect(i).detached for i in items)


def test_savepoint_commit_fires_commit_events(session):
    from quicksilver import event

    log = []
    event.listen(session, "before_commit", lambda s: log.append("before"))
    event.listen(session, "after_commit", lambda s: log.append("after"))
    with session.begin():
        sp = session.begin_nested()
        session.add(Item(name="n"))
        sp.commit()
        assert log == ["before", "after"]
    assert log == ["before", "after", "before", "after"]


def test_expired_flag_is_for_a_full_expire_only(session):
    # SQLAlchemy: InstanceState.expired is True after a commit or
    # expire(obj) until the row is loaded again; expire(obj, [names]) lists
    # the names in expired_attributes but leaves .expired False; a partially
    # expired relationship is not listed (it reloads through its loader)
    item = _seed(session)[0]
    session.commit()
    state = inspect(item)
    assert state.expired and {"name", "qty"} <= state.expired_attributes
    assert item.name == "a"
    assert not state.expired and state.expired_attributes == set()
    session.expire(item, ["name"])
    assert not state.expired and state.expired_attributes == {"name"}
    assert item.name == "a" and state.expired_attributes == set()
    session.expire(item)
    assert state.expired
    session.refresh(item)
    assert not state.expired and "name" not in state.expired_attributes

    parent = Parent(id=1, kids=[Kid(id=1)])
    session.add(parent)
    session.commit()
    assert [k.id for k in parent.kids] == [1]
    pstate = inspect(parent)
    session.expire(parent, ["kids"])
    assert not pstate.expired and "kids" not in pstate.expired_attributes
    assert "kids" in pstate.unloaded
    assert [k.id for k in parent.kids] == [1]


def test_change_to_an_expired_object_whose_row_is_gone(session, engine):
    # SQLAlchemy: flushing a change to a fully expired object loads its row
    # first, so a row deleted meanwhile raises ObjectDeletedError (not the
    # StaleDataError of an UPDATE matching nothing); the other session's
    # delete is not undone
    from quicksilver.orm import Session
    from quicksilver.orm.exc import ObjectDeletedError

    _seed(session)
    item = session.get(Item, 2)
    session.commit()  # item is now expired
    with Session(engine) as other:
        other.delete(other.get(Item, 2))
        other.commit()
    item.name = "changed"
    with pytest.raises(ObjectDeletedError):
        session.commit()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Item)) == 4
    # with the row still there the change is written after the reload
    other_item = session.get(Item, 3)
    session.commit()
    other_item.name = "kept"
    session.commit()
    assert session.scalar(select(Item.name).where(Item.id == 3)) == "kept"
    assert other_item.qty == 3


def test_lazy_load_on_an_expired_parent_loads_the_parent_first(session, engine):
    # SQLAlchemy: the lazy clause needs the parent's expired key, so the
    # parent row is loaded first (its other columns too); a parent deleted
    # meanwhile raises ObjectDeletedError instead of an empty collection
    from quicksilver.orm import Session
    from quicksilver.orm.exc import ObjectDeletedError

    session.add_all([Parent(id=1, kids=[Kid(id=1)]), Parent(id=2)])
    session.commit()
    one, two = session.get(Parent, 1), session.get(Parent, 2)
    session.commit()
    assert inspect(one).expired
    assert [k.id for k in one.kids] == [1]
    assert not inspect(one).expired
    with Session(engine) as other:
        other.delete(other.get(Parent, 2))
        other.commit()
    with pytest.raises(ObjectDeletedError):
        _ = two.kids


def test_loaded_as_persistent_fires_once_per_object_loaded(engine, models):
    # SQLAlchemy: once per object a load brings into the identity map (query,
    # lazy load, eager load, get), never for an object already there, and
    # only for the sessions the listener is on
    from quicksilver import event
    from quicksilver.orm import Session, selectinload, sessionmaker

    with Session(engine) as setup:
        setup.add_all([Parent(id=1, kids=[Kid(id=1), Kid(id=2)]), Parent(id=2)])
        setup.commit()
    seen = []
    factory = sessionmaker(engine)
    event.listen(
        factory,
        "loaded_as_persistent",
        lambda session, obj: seen.append(
            (type(obj).__name__, obj.id, inspect(obj).persistent)
        ),
    )
    try:
        with factory() as session:
            parents = session.scalars(select(Parent).order_by(Parent.id)).all()
            assert seen == [("Parent", 1, True), ("Parent", 2, True)]
            seen.clear()
            session.scalars(select(Parent)).all()
            session.get(Parent, 2)
            assert seen == []
            _ = parents[0].kids
            assert seen == [("Kid", 1, True), ("Kid", 2, True)]
        seen.clear()
        with factory() as session:
            kept = session.get(Parent, 2)  # held: stays in the identity map
            assert seen == [("Parent", 2, True)]
            seen.clear()
            session.scalars(select(Parent).options(selectinload(Parent.kids))).all()
            assert sorted(seen) == [
                ("Kid", 1, True),
                ("Kid", 2, True),
                ("Parent", 1, True),
            ]
            assert kept.kids == []
        seen.clear()
        with Session(engine) as session:
            session.get(Parent, 1)
        assert seen == []
    finally:
        with Session(engine) as cleanup:
            cleanup.execute(delete(Kid))
            cleanup.execute(delete(Parent))
            cleanup.commit()


def test_get_reloads_only_a_fully_expired_object(session, engine):
    # SQLAlchemy: get() of an identity-mapped object runs SQL only when the
    # object is fully expired; a partially expired one comes back as is and
    # loads the expired attribute on access (reading the value current then)
    item = _seed(session)[0]
    session.expire(item, ["qty"])
    with engine.begin() as conn:
        conn.execute(update(Item).where(Item.id == 1).values(qty=50, name="z"))
    assert session.get(Item, 1) is item
    assert "qty" not in item.__dict__
    assert item.qty == 50 and item.name == "a"  # name was never expired
    session.expire(item)
    assert session.get(Item, 1) is item and item.__dict__["name"] == "z"
    # a partially expired object whose row is gone is still returned by get()
    session.commit()
    assert item.name == "z"
    session.expire(item, ["qty"])
    with engine.begin() as conn:
        conn.execute(delete(Item).where(Item.id == 1))
    assert session.get(Item, 1) is item
    session.expire(item)
    assert session.get(Item, 1) is None


def test_merge_into_an_expired_object_loads_it_first(session):
    # SQLAlchemy: merge() (load=True) gets its target as get() would, so an
    # expired target is loaded, then the given state is copied onto it
    item = _seed(session)[1]
    session.commit()
    assert inspect(item).expired
    merged = session.merge(Item(id=2, name="merged", qty=2))
    assert merged is item
    assert not inspect(item).expired and item.name == "merged"
    assert inspect(item).attrs.name.history.deleted == ["b"]


def test_rows_answer_to_orm_attributes(session):
    # SQLAlchemy: row._mapping[User.name], result.columns(User.name) and
    # mappings() accept the mapped attribute for its column
    _seed(session)
    result = session.execute(select(Item.id, Item.name).order_by(Item.id))
    row = result.first()
    assert row._mapping[Item.name] == "a" and Item.name in row._mapping
    assert Item.qty not in row._mapping
    with pytest.raises(KeyError):
        row._mapping[Item.qty]
    stmt = select(Item.id, Item.name).where(Item.id < 3).order_by(Item.id)
    assert session.execute(stmt).columns(Item.name).all() == [("a",), ("b",)]
    assert session.execute(stmt).mappings().first()[Item.name] == "a"


def test_criteria_outlive_the_parent_object(session):
    # SQLAlchemy: with_parent(session.get(...), ...) and comparisons to an
    # object stay valid after that object is gone from the (weak) identity map
    from quicksilver.orm import with_parent

    session.add(Parent(id=1, kids=[Kid(id=1), Kid(id=2)]))
    session.commit()
    session.expunge_all()
    stmt = select(Kid.id).where(with_parent(session.get(Parent, 1), Parent.kids))
    assert sorted(session.scalars(stmt.order_by(Kid.id)).all()) == [1, 2]
    stmt = select(Parent.id).where(Parent.kids.contains(session.get(Kid, 2)))
    assert session.scalars(stmt).all() == [1]


def test_inspect_history_does_not_lazy_load(session):
    # SQLAlchemy: inspect(obj).attrs.<rel>.history uses PASSIVE_NO_INITIALIZE,
    # which runs no loader: an unloaded collection has a blank history
    session.add(Parent(id=1, kids=[Kid(id=1)]))
    session.commit()
    parent = session.get(Parent, 1)
    history = inspect(parent).attrs.kids.history
    assert (history.added, history.unchanged, history.deleted) == ((), (), ())
    assert "kids" not in parent.__dict__
    assert [k.id for k in parent.kids] == [1]
    assert list(inspect(parent).attrs.kids.history.unchanged) == parent.kids


def test_refresh_event_attribute_names(session):
    # SQLAlchemy: the refresh event's attrs is a frozenset of the names when
    # expired attributes load on access, None when session.refresh() reloads
    # the whole object (loaded or expired)
    from quicksilver import event

    item = _seed(session)[0]
    seen = []

    def listener(obj, ctx, attrs):
        seen.append(attrs)

    event.listen(Item, "refresh", listener)
    try:
        session.commit()
        assert item.name == "a"
        session.refresh(item)
        session.commit()
        session.refresh(item)
    finally:
        event.remove(Item, "refresh", listener)
    assert seen == [{"id", "name", "qty"}, None, None]
    assert type(seen[0]) is frozenset


def test_bad_values_name_the_column(session):
    # the type check of a flush or a get() names the mapped column, not the
    # generated bind name the statement uses internally
    session.add_all([Item(id=1, name="ok"), Item(id=2, name="x" * 40)])
    with pytest.raises(exc.StatementError, match="column 'name' of type String"):
        session.flush()
    session.rollback()
    with pytest.raises(exc.StatementError, match="column 'id' of type Integer"):
        session.get(Item, "not a key")


def test_load_and_dynamic_loader_are_exported(session):
    # sqlalchemy.orm.Load(Entity).selectinload(...) and dynamic_loader()
    from quicksilver.orm import Load, dynamic_loader

    session.add(Parent(id=1, kids=[Kid(id=1)]))
    session.commit()
    session.expunge_all()
    stmt = select(Parent).options(Load(Parent).selectinload(Parent.kids))
    parent = session.scalars(stmt).one()
    assert "kids" in parent.__dict__ and [k.id for k in parent.kids] == [1]
    assert dynamic_loader("Kid").lazy == "dynamic"


def test_get_of_something_not_mapped(session):
    # SQLAlchemy: session.get(int, 1) raises NoInspectionAvailable
    with pytest.raises(exc.NoInspectionAvailable):
        session.get(int, 1)
