"""Single- and joined-table inheritance: flush order and polymorphic loading."""

from typing import Optional

import pytest

from quicksilver.inspection import inspect
from quicksilver.orm import DeclarativeBase, Mapped, mapped_column
from quicksilver.sql.schema import ForeignKey
from quicksilver.sql.select import select
from quicksilver.sql.sqltypes import String

pytestmark = pytest.mark.backend


class Base(DeclarativeBase):
    pass


class Employee(Base):
    __tablename__ = "qi_employee"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    type: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}


class Manager(Employee):
    level: Mapped[Optional[int]]
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "qi_engineer"
    id: Mapped[int] = mapped_column(ForeignKey("qi_employee.id"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(20))
    __mapper_args__ = {"polymorphic_identity": "engineer"}


def test_round_trip(session):
    session.add_all(
        [
            Engineer(name="e", lang="py"),
            Manager(name="m", level=3),
            Employee(name="x"),
        ]
    )
    session.commit()
    session.expunge_all()
    everyone = session.scalars(select(Employee).order_by(Employee.name)).all()
    assert [type(p).__name__ for p in everyone] == ["Engineer", "Manager", "Employee"]
    eng = everyone[0]
    assert eng.lang == "py"  # loaded from the subclass table on access
    assert inspect(eng).key == (Employee, (eng.id,), None)
    assert session.get(Engineer, eng.id) is eng
    assert session.get(Manager, eng.id) is None
    managers = session.scalars(select(Manager)).all()
    assert [m.name for m in managers] == ["m"]
    assert session.query(Manager).count() == 1


def test_update_and_delete_joined(session):
    eng = Engineer(name="e2", lang="go")
    session.add(eng)
    session.commit()
    eng.lang = "rust"
    eng.name = "e3"
    session.commit()
    eng_id = eng.id
    session.expunge_all()
    again = session.get(Employee, eng_id)
    assert (again.name, again.lang) == ("e3", "rust")
    session.delete(again)
    session.commit()
    assert session.scalars(select(Employee)).all() == []


def test_columns_of_a_single_table_subclass_select_its_rows_only(session, engine):
    # SQLAlchemy: select(Manager.level) (single-table inheritance) carries
    # the discriminator criterion, on a Session and on a plain Connection
    session.add_all([Manager(name="m", level=3), Employee(name="x")])
    session.commit()
    assert session.scalars(select(Manager.level)).all() == [3]
    assert session.execute(select(Manager.name, Manager.level)).all() == [("m", 3)]
    assert sorted(session.scalars(select(Employee.name)).all()) == ["m", "x"]
    with engine.connect() as conn:
        assert conn.execute(select(Manager.name)).scalars().all() == ["m"]
    assert "qi_employee.type" in str(select(Manager.level))
    session.execute(select(Employee.id)).all()
    for obj in session.scalars(select(Employee)):
        session.delete(obj)
    session.commit()


def test_with_polymorphic_joins_the_subclass_tables(session):
    # SQLAlchemy: with_polymorphic(Employee, [Engineer]) selects the base with
    # the subclass table outer-joined; wp.Engineer.lang filters those rows
    from quicksilver.orm import with_polymorphic

    session.add_all(
        [
            Engineer(name="e", lang="py"),
            Engineer(name="f", lang="go"),
            Employee(name="x"),
        ]
    )
    session.commit()
    wp = with_polymorphic(Employee, [Engineer])
    assert "LEFT OUTER JOIN qi_engineer" in str(select(wp))
    rows = session.scalars(select(wp).order_by(wp.name)).all()
    assert [(type(o).__name__, o.name) for o in rows] == [
        ("Engineer", "e"),
        ("Engineer", "f"),
        ("Employee", "x"),
    ]
    picked = session.scalars(select(wp).where(wp.Engineer.lang == "go")).all()
    assert [o.name for o in picked] == ["f"]
    everyone = with_polymorphic(Employee, "*")
    assert len(session.scalars(select(everyone)).all()) == 3
    with pytest.raises(NotImplementedError, match="aliased"):
        with_polymorphic(Employee, [Engineer], aliased=True)
    for obj in rows:
        session.delete(obj)
    session.commit()
