"""Declarative class attributes SQLAlchemy documents (``__mapper__``)."""

from quicksilver import Column, Integer, MetaData, Table
from quicksilver.inspection import inspect
from quicksilver.orm import DeclarativeBase, Mapped, declarative_base, mapped_column
from quicksilver.orm import registry as orm_registry


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "compat_things"
    id: Mapped[int] = mapped_column(primary_key=True)


class SubThing(Thing):
    kind: Mapped[str] = mapped_column(nullable=True)


def test_declarative_class_has_its_mapper():
    assert Thing.__mapper__ is inspect(Thing)
    assert SubThing.__mapper__ is inspect(SubThing)
    assert SubThing.__mapper__ is not Thing.__mapper__


def test_legacy_declarative_base_sets_mapper():
    LegacyBase = declarative_base()

    class Old(LegacyBase):
        __tablename__ = "compat_old"
        id = Column(Integer, primary_key=True)

    assert Old.__mapper__ is inspect(Old)
    assert [c.key for c in Old.__mapper__.columns] == ["id"]


def test_imperative_mapping_sets_mapper_attribute_too():
    class Plain:
        pass

    reg = orm_registry()
    table = Table("compat_plain", MetaData(), Column("id", Integer, primary_key=True))
    reg.map_imperatively(Plain, table)
    assert Plain.__dict__["__mapper__"] is inspect(Plain)
