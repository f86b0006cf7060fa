"""More declarative forms, compared against SQLAlchemy."""

from typing import Optional

import pytest


def test_abstract_and_declared_attr_columns(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class Stamped(Base):
        __abstract__ = True
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)

        @orm.declared_attr
        def owner_id(cls) -> orm.Mapped[Optional[int]]:
            return orm.mapped_column(lib.Integer)

    class A(Stamped):
        __tablename__ = "a"

    class B(Stamped):
        __tablename__ = "b"

    assert [c.name for c in A.__table__.c] == [c.name for c in B.__table__.c]
    assert A.__table__.c.owner_id is not B.__table__.c.owner_id
    assert A.__table__.c.owner_id.nullable is True
    assert lib.inspect(A).attrs.keys() == lib.inspect(B).attrs.keys()


def test_table_args_tuple_with_dict(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class T(Base):
        __tablename__ = "t"
        __table_args__ = (lib.UniqueConstraint("code"), {"comment": "c"})
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        code: orm.Mapped[str]

    assert T.__table__.comment == "c"
    uniques = [
        [c.name for c in con.columns]
        for con in T.__table__.constraints
        if type(con).__name__ == "UniqueConstraint"
    ]
    assert uniques == [["code"]]


def test_explicit_table(lib):
    orm = lib.orm
    Base = orm.declarative_base()
    table = lib.Table(
        "explicit",
        Base.metadata,
        lib.Column("id", lib.Integer, primary_key=True),
        lib.Column("label", lib.String(10)),
    )

    class E(Base):
        __table__ = table

    assert lib.inspect(E).local_table is table
    assert E(label="x").label == "x"
    assert lib.inspect(E).attrs.keys() == ["id", "label"]


def test_generate_base_and_registry(lib):
    orm = lib.orm
    reg = orm.registry()
    Base = reg.generate_base()

    class G(Base):
        __tablename__ = "g"
        id = lib.Column(lib.Integer, primary_key=True)

    assert lib.inspect(G) in reg.mappers
    assert G.metadata is reg.metadata
    assert Base.registry is reg


def test_mapped_column_key_and_name(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class K(Base):
        __tablename__ = "k"
        id: orm.Mapped[int] = orm.mapped_column("k_id", primary_key=True)
        data: orm.Mapped[str] = orm.mapped_column("k_data", lib.String(5))

    assert [c.name for c in K.__table__.c] == ["k_id", "k_data"]
    assert lib.inspect(K).attrs.keys() == ["id", "data"]
    assert str(K.data == "x") == "k.k_data = :k_data_1"
    k = K(id=1, data="a")
    assert (k.id, k.data) == (1, "a")


def test_user_defined_init(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class P(Base):
        __tablename__ = "p"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str]

        def __init__(self, name):
            self.name = name.title()

    p = P("ann")
    assert p.name == "Ann"
    assert lib.inspect(p).attrs.name.history.added == ["Ann"]
    with pytest.raises(TypeError):
        P()


def test_repr_of_mapper_and_attrs(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class R(Base):
        __tablename__ = "r"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)

    m = lib.inspect(R)
    assert repr(m).startswith("<Mapper at 0x") and repr(m).endswith("; R>")
    assert str(m) == "Mapper[R(r)]"
    assert str(R.id) == "R.id"
