"""Declarative mapping compared against SQLAlchemy: tables, types, inheritance."""

import datetime
import decimal
import enum
import importlib
import uuid
import warnings
from typing import Optional

import pytest


class Color(enum.Enum):
    red = 1
    blue = 2


def _cols(table):
    return [(c.name, type(c.type).__name__, c.nullable, c.primary_key) for c in table.c]


def test_annotation_types(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class T(Base):
        __tablename__ = "t"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        s: orm.Mapped[str]
        os: orm.Mapped[Optional[str]]
        u: orm.Mapped[str | None]
        f: orm.Mapped[float]
        b: orm.Mapped[bool]
        dt: orm.Mapped[datetime.datetime]
        d: orm.Mapped[datetime.date]
        tm: orm.Mapped[datetime.time]
        n: orm.Mapped[decimal.Decimal]
        by: orm.Mapped[bytes]
        uu: orm.Mapped[uuid.UUID]
        e: orm.Mapped[Color]
        s30: orm.Mapped[str] = orm.mapped_column(lib.String(30))
        forced: orm.Mapped[Optional[int]] = orm.mapped_column(nullable=False)

    return_cols = _cols(T.__table__)
    assert return_cols == [
        ("id", "Integer", False, True),
        ("s", "String", False, False),
        ("os", "String", True, False),
        ("u", "String", True, False),
        ("f", "Double", False, False),
        ("b", "Boolean", False, False),
        ("dt", "DateTime", False, False),
        ("d", "Date", False, False),
        ("tm", "Time", False, False),
        ("n", "Numeric", False, False),
        ("by", "LargeBinary", False, False),
        ("uu", "Uuid", False, False),
        ("e", "Enum", False, False),
        ("s30", "String", False, False),
        ("forced", "Integer", False, False),
    ]
    assert T.__table__.c.s30.type.length == 30
    assert list(T.__table__.c.e.type.enums) == ["red", "blue"]


def test_unresolvable_annotation(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    with pytest.raises(lib.orm_exc.MappedAnnotationError) as err:

        class T(Base):
            __tablename__ = "t"
            id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
            d: orm.Mapped[dict]

    assert "'d' attribute" in str(err.value)


def test_type_annotation_map(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        type_annotation_map = {dict: lib.JSON, str: lib.String(50)}

    class T(Base):
        __tablename__ = "t"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        d: orm.Mapped[dict]
        s: orm.Mapped[str]

    assert type(T.__table__.c.d.type).__name__ == "JSON"
    assert T.__table__.c.s.type.length == 50


def test_no_primary_key(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    with pytest.raises(lib.exc.ArgumentError) as err:

        class T(Base):
            __tablename__ = "t"
            name: orm.Mapped[str]

    assert "could not assemble any primary key columns" in str(err.value)


def test_no_tablename(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    with pytest.raises(lib.exc.InvalidRequestError) as err:

        class T(Base):
            id: orm.Mapped[int] = orm.mapped_column(primary_key=True)

    assert "does not have a __table__ or __tablename__" in str(err.value)


def test_column_style_and_table_args(lib):
    orm = lib.orm
    Base = orm.declarative_base()

    class T(Base):
        __tablename__ = "t"
        __table_args__ = ({"comment": "hello"},)
        id = lib.Column(lib.Integer, primary_key=True)
        name = lib.Column("user_name", lib.String(20))

    m = lib.inspect(T)
    assert [c.name for c in T.__table__.c] == ["id", "user_name"]
    assert T.__table__.comment == "hello"
    assert m.attrs.keys() == ["id", "name"]
    assert T.name.property.columns[0].name == "user_name"
    t = T(name="x")
    assert t.name == "x"


def test_ext_declarative_warns(lib):
    ext = importlib.import_module(lib.name + ".ext.declarative")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ext.declarative_base()
    assert [x.category.__name__ for x in w] == ["MovedIn20Warning"]
    assert issubclass(w[0].category, lib.exc.SADeprecationWarning)


def test_mixins_and_declared_attr(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class IdMixin:
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)

        @orm.declared_attr.directive
        def __tablename__(cls):
            return cls.__name__.lower()

    class Thing(IdMixin, Base):
        name: orm.Mapped[str]

    class Other(IdMixin, Base):
        value: orm.Mapped[int]

    assert Thing.__tablename__ == "thing"
    assert [c.name for c in Thing.__table__.c] == ["name", "id"]
    assert Thing.__table__.c.id is not Other.__table__.c.id
    assert lib.inspect(Other).primary_key[0] is Other.__table__.c.id


def test_single_table_inheritance(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class Employee(Base):
        __tablename__ = "employee"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        type: orm.Mapped[str]
        __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}

    class Manager(Employee):
        level: orm.Mapped[Optional[int]]
        __mapper_args__ = {"polymorphic_identity": "manager"}

    m = lib.inspect(Manager)
    assert m.single is True
    assert m.inherits is lib.inspect(Employee)
    assert Manager.__table__ is Employee.__table__
    assert [c.name for c in Employee.__table__.c] == ["id", "type", "level"]
    assert Manager().type == "manager"
    assert Employee().type == "employee"
    assert m.polymorphic_identity == "manager"
    assert m.attrs.keys() == ["id", "type", "level"]
    assert m.base_mapper is lib.inspect(Employee)
    assert set(lib.inspect(Employee).polymorphic_map) == {"employee", "manager"}


def test_joined_table_inheritance(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class Employee(Base):
        __tablename__ = "employee"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        type: orm.Mapped[str]
        __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}

    class Engineer(Employee):
        __tablename__ = "engineer"
        id: orm.Mapped[int] = orm.mapped_column(
            lib.ForeignKey("employee.id"), primary_key=True
        )
        lang: orm.Mapped[str]
        __mapper_args__ = {"polymorphic_identity": "engineer"}

    m = lib.inspect(Engineer)
    assert m.single is False
    assert m.local_table is Engineer.__table__
    assert [t.name for t in m.tables] == ["employee", "engineer"]
    assert [c.table.name for c in m.attrs.id.columns] == ["engineer", "employee"]
    assert m.primary_key == (Employee.__table__.c.id,)
    assert m.attrs.keys() == ["id", "type", "lang"]
    assert Engineer().type == "engineer"
    assert m.identity_key_from_primary_key([1]) == (Employee, (1,), None)


def test_mapper_api(user_model):
    lib, User = user_model.lib, user_model.User
    m = lib.inspect(User)
    assert m.class_ is User
    assert m.local_table is User.__table__
    assert m.persist_selectable is User.__table__
    assert m.primary_key == (User.__table__.c.id,)
    assert list(m.columns.keys()) == ["id", "name", "age"]
    assert m.c.name is User.__table__.c.name
    assert [p.key for p in m.column_attrs] == ["id", "name", "age"]
    assert len(m.relationships) == 0
    assert m.get_property("name") is m.attrs.name
    with pytest.raises(lib.exc.InvalidRequestError):
        m.get_property("nope")
    assert m.identity_key_from_primary_key((7,)) == (User, (7,), None)
    assert m.primary_key_from_instance(User(id=3)) == (3,)
    assert m.polymorphic_identity is None
    assert m.inherits is None
    assert str(m) == "Mapper[User(users)]"
    assert lib.orm.class_mapper(User) is m
    assert lib.orm.object_mapper(User()) is m


def test_column_property_deferred_synonym(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class T(Base):
        __tablename__ = "t"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        first: orm.Mapped[str]
        bio: orm.Mapped[str] = orm.mapped_column(deferred=True)
        alias = orm.synonym("first")

    m = lib.inspect(T)
    assert m.attrs.bio.deferred is True
    t = T(first="a")
    assert t.alias == "a"
    t.alias = "b"
    assert t.first == "b"
    assert str(T.alias == "x") == "t.first = :first_1"


def test_hybrid(lib):
    orm = lib.orm
    hybrid = lib.hybrid

    class Base(orm.DeclarativeBase):
        pass

    class T(Base):
        __tablename__ = "t"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        a: orm.Mapped[int]
        b: orm.Mapped[int]

        @hybrid.hybrid_property
        def total(self):
            return self.a + self.b

        @hybrid.hybrid_method
        def bigger(self, n):
            return self.a > n

    t = T(a=1, b=2)
    assert t.total == 3
    assert t.bigger(0)
    assert str(T.total) == "T.total"
    assert str(T.total > 1) == "t.a + t.b > :param_1"
    assert str(T.bigger(5)) == "t.a > :a_1"


def test_registry_imperative(lib):
    orm = lib.orm
    reg = orm.registry()
    table = lib.Table(
        "imp",
        reg.metadata,
        lib.Column("id", lib.Integer, primary_key=True),
        lib.Column("name", lib.String),
    )

    class Imp:
        pass

    m = reg.map_imperatively(Imp, table)
    assert lib.inspect(Imp) is m
    assert m in reg.mappers
    i = Imp()
    i.name = "x"
    assert lib.inspect(i).attrs.name.history.added == ["x"]
    reg.dispose()
    with pytest.raises(lib.orm_exc.UnmappedClassError):
        lib.orm.class_mapper(Imp)


def test_registry_mapped_decorator(lib):
    orm = lib.orm
    reg = orm.registry()

    @reg.mapped
    class T:
        __tablename__ = "t"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)

    assert lib.inspect(T).local_table.name == "t"
    assert "t" in reg.metadata.tables
