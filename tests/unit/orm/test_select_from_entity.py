"""select_from(Entity) with criteria on the entity's columns renders one FROM."""

from __future__ import annotations

from quicksilver import func, select
from quicksilver.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "sfe_person"
    id: Mapped[int] = mapped_column(primary_key=True)
    age: Mapped[int]


def test_count_select_from_entity_has_one_from() -> None:
    sql = str(select(func.count()).select_from(Person).where(Person.age > 3))
    assert sql.count("sfe_person") == 2  # FROM and WHERE, not FROM twice
    assert "FROM sfe_person \n" in sql or sql.rstrip().endswith("sfe_person.age > :age_1")
    assert "sfe_person, sfe_person" not in sql


def test_column_select_from_entity_has_one_from() -> None:
    sql = str(select(Person.id).select_from(Person).where(Person.age > 3))
    assert "sfe_person, sfe_person" not in sql
