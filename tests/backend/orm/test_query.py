"""Legacy Query and ORM-enabled UPDATE/DELETE with synchronize_session."""

import warnings
from typing import Optional

import pytest

from quicksilver import exc
from quicksilver.inspection import inspect
from quicksilver.orm import DeclarativeBase, Mapped, mapped_column
from quicksilver.orm._sql import sql
from quicksilver.sql.schema import ForeignKey
from quicksilver.sql.select import select
from quicksilver.sql.sqltypes import String

pytestmark = pytest.mark.backend


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "qq_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    age: Mapped[int]
    city: Mapped[Optional[str]] = mapped_column(String(40))


class Pet(Base):
    __tablename__ = "qq_pet"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("qq_person.id"))
    kind: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def people(session):
    data = [("ann", 30, "oslo"), ("bob", 25, "rome"), ("cid", 35, "oslo")]
    objs = [Person(name=n, age=a, city=c) for n, a, c in data]
    session.add_all(objs)
    session.commit()
    return objs


def test_filter_order_limit(session, people):
    q = session.query(Person)
    assert [p.name for p in q.order_by(Person.age)] == ["bob", "ann", "cid"]
    assert [p.name for p in q.filter(Person.age > 26).order_by(Person.name)] == [
        "ann",
        "cid",
    ]
    assert q.filter_by(city="oslo").count() == 2
    assert q.order_by(Person.name.desc()).first().name == "cid"
    assert [p.name for p in q.order_by(Person.name).limit(2).offset(1)] == [
        "bob",
        "cid",
    ]
    assert [p.name for p in q.order_by(Person.name)[1:3]] == ["bob", "cid"]
    assert q.order_by(Person.name)[0].name == "ann"


def test_one_variants(session, people):
    q = session.query(Person)
    assert q.filter_by(name="ann").one().age == 30
    assert q.filter_by(name="zed").one_or_none() is None
    with pytest.raises(exc.NoResultFound):
        q.filter_by(name="zed").one()
    with pytest.raises(exc.MultipleResultsFound):
        q.filter_by(city="oslo").one()
    assert q.filter_by(name="zed").first() is None


def test_entities_columns_scalar(session, people):
    rows = session.query(Person.name, Person.age).order_by(Person.age).all()
    assert [tuple(r) for r in rows] == [("bob", 25), ("ann", 30), ("cid", 35)]
    assert rows[0].name == "bob"
    assert session.query(Person.age).filter_by(name="bob").scalar() == 25
    names = session.query(Person).with_entities(Person.name).order_by(Person.name)
    assert [r[0] for r in names] == ["ann", "bob", "cid"]
    assert session.query(Person.city).distinct().count() == 2


def test_group_by_having(session, people):
    from quicksilver.sql.functions import func

    rows = (
        session.query(Person.city, func.count(Person.id))
        .group_by(Person.city)
        .having(func.count(Person.id) > 1)
        .all()
    )
    assert [tuple(r) for r in rows] == [("oslo", 2)]


def test_join(session, people):
    session.add(Pet(owner_id=people[0].id, kind="cat"))
    session.commit()
    q = session.query(Person).join(Pet, Pet.owner_id == Person.id)
    assert [p.name for p in q.filter(Pet.kind == "cat")] == ["ann"]
    rows = session.execute(select(Person, Pet).join(Pet, Pet.owner_id == Person.id))
    ((person, pet),) = rows.all()
    assert (person.name, pet.kind) == ("ann", "cat")


def test_exists(session, people):
    q = session.query(Person).filter_by(name="ann")
    assert session.query(q.exists()).scalar() is True


def test_legacy_get_warns(session, people):
    with pytest.warns(exc.LegacyAPIWarning):
        p = session.query(Person).get(people[0].id)
    assert p is people[0]


def test_query_update_synchronizes(session, people):
    ann = people[0]
    assert ann.age == 30
    n = (
        session.query(Person)
        .filter(Person.city == "oslo")
        .update({"age": 40}, synchronize_session="evaluate")
    )
    assert n == 2
    assert ann.__dict__["age"] == 40
    assert not session.dirty
    n = (
        session.query(Person)
        .filter(Person.name == "bob")
        .update({Person.city: "pisa"}, synchronize_session="fetch")
    )
    assert n == 1 and people[1].city == "pisa"
    session.commit()
    assert sorted(p.age for p in session.query(Person)) == [25, 40, 40]


def test_orm_update_statement(session, people):
    update = sql("update")
    session.execute(
        update(Person).where(Person.name == "cid").values(age=99),
        execution_options={"synchronize_session": "auto"},
    )
    assert people[2].age == 99
    with pytest.raises(exc.ArgumentError):
        session.execute(
            update(Person).values(age=1),
            execution_options={"synchronize_session": "bogus"},
        )


def test_query_delete(session, people):
    bob = people[1]
    assert bob.name == "bob"
    n = session.query(Person).filter(Person.age < 30).delete()
    assert n == 1
    assert inspect(bob).key not in session.identity_map
    session.commit()
    assert session.query(Person).count() == 2


def test_populate_existing(session, people, engine):
    ann = people[0]
    assert ann.age == 30
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE qq_person SET age = 31 WHERE name = 'ann'")
    session.commit()
    _ = ann.name
    q = session.query(Person).filter_by(name="ann")
    assert q.populate_existing().one().age == 31
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert session.get(Person, ann.id, populate_existing=True) is ann


def test_core_style_statements_through_session(session, people):
    from quicksilver import delete, func, update

    assert session.scalars(
        select(Person).where(Person.name.in_(["ann", "bob"])).order_by(Person.name)
    ).all() == [people[0], people[1]]
    assert session.execute(select(func.count()).select_from(Person)).scalar() == 3
    row = session.execute(select(Person, Person.name).where(Person.age == 25)).one()
    assert row.Person is people[1] and row.name == "bob"
    assert tuple(row._mapping) == ("Person", "name")
    n = session.execute(update(Person).where(Person.name == "cid").values(age=1))
    assert n.rowcount == 1 and session.get(Person, people[2].id).age == 1
    session.execute(delete(Person).where(Person.name == "cid"))
    assert session.get(Person, people[2].id) is None


def test_from_statement_and_legacy_helpers(session, people):
    from quicksilver import text

    rows = (
        session.query(Person)
        .from_statement(text("SELECT * FROM qq_person WHERE age > :a ORDER BY age"))
        .params(a=26)
        .all()
    )
    assert rows == [people[0], people[2]]
    assert session.query(Person).filter_by(name="bob").value(Person.age) == 25
    assert [
        r.name for r in session.query(Person).order_by(Person.name).values(Person.name)
    ] == ["ann", "bob", "cid"]
    descs = session.query(Person, Person.name).column_descriptions
    assert [d["name"] for d in descs] == ["Person", "name"]
    assert descs[0]["entity"] is Person and descs[1]["entity"] is Person
    assert session.query(Person).is_single_entity


class Node(Base):
    __tablename__ = "qq_node"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("qq_node.id"))


def test_aliased_self_join(session):
    from quicksilver.orm import aliased

    root = Node(id=1, name="root")
    kids = [Node(id=2, name="a", parent_id=1), Node(id=3, name="b", parent_id=1)]
    session.add_all([root, *kids])
    session.commit()
    parent = aliased(Node)
    stmt = (
        select(Node, parent)
        .join(parent, Node.parent_id == parent.id)
        .where(parent.name == "root")
        .order_by(Node.name)
    )
    rows = session.execute(stmt).all()
    assert [(child.name, p.name) for child, p in rows] == [("a", "root"), ("b", "root")]
    assert rows[0][1] is root  # the alias loads the same identity-mapped object
    assert inspect(parent).mapper is inspect(Node)
    assert session.scalars(select(parent.name).where(parent.id == 2)).one() == "a"
    sub = select(Node).where(Node.parent_id == 1).subquery()
    kid = aliased(Node, sub)
    assert sorted(k.name for k in session.scalars(select(kid))) == ["a", "b"]


def test_yield_per_and_partitions(session):
    session.add_all([Person(name=f"p{i}", age=i) for i in range(25)])
    session.commit()
    result = session.execute(select(Person).order_by(Person.age)).yield_per(10)
    sizes = [len(part) for part in result.partitions()]
    assert sizes == [10, 10, 5]
    first = session.scalars(select(Person).order_by(Person.age)).first()
    assert first.age == 0


def test_union_keeps_entities_and_adapts_later_criteria(session, people):
    # SQLAlchemy: a Query union selects from the UNION as a subquery, still
    # yields the entity, and adapts later filter()/order_by() to it
    q = session.query(Person)
    united = q.filter(Person.name == "ann").union(q.filter(Person.name == "cid"))
    got = united.order_by(Person.age.desc()).all()
    assert [p.name for p in got] == ["cid", "ann"]
    assert all(isinstance(p, Person) for p in got) and got[1] is people[0]
    assert [p.name for p in united.filter(Person.age > 31)] == ["cid"]
    names = session.query(Person.name)
    both = names.filter(Person.age < 30).union_all(names.filter(Person.age < 30))
    assert both.order_by(Person.name).all() == [("bob",), ("bob",)]
    assert united.count() == 2


def test_criteria_after_limit_are_refused(session, people):
    # SQLAlchemy's legacy Query refuses criteria after LIMIT/OFFSET (they
    # would change what was limited) unless enable_assertions(False)
    limited = session.query(Person).order_by(Person.id).limit(1)
    for call in (
        lambda: limited.filter(Person.age > 0),
        lambda: limited.filter_by(name="ann"),
        lambda: limited.order_by(Person.name),
        lambda: limited.group_by(Person.city),
        lambda: limited.join(Pet, Pet.owner_id == Person.id),
    ):
        with pytest.raises(exc.InvalidRequestError, match="LIMIT or OFFSET"):
            call()
    relaxed = limited.enable_assertions(False).filter(Person.age > 0)
    assert [p.name for p in relaxed] == ["ann"]
    assert session.query(Person).offset(1).distinct().count() == 2
