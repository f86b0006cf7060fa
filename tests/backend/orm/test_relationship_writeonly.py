"""``lazy="write_only"`` and ``lazy="dynamic"`` collections, against SQLAlchemy."""

import warnings
from typing import Any, Optional

import pytest

from ._rel_support import count, setup_fixture, statements


def _models(lib: Any) -> Any:
    sa, orm = lib.sa, lib.orm

    class Base(orm.DeclarativeBase):
        pass

    link = sa.Table(
        "rw_link",
        Base.metadata,
        sa.Column("a_id", sa.ForeignKey("rw_a.id"), primary_key=True),
        sa.Column("tag_id", sa.ForeignKey("rw_tag.id"), primary_key=True),
    )

    class A(Base):
        __tablename__ = "rw_a"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        bs: orm.WriteOnlyMapped["B"] = orm.relationship(
            order_by="B.id", cascade="all, delete-orphan", back_populates="a"
        )
        tags: orm.WriteOnlyMapped["Tag"] = orm.relationship(
            secondary=link, order_by="Tag.id"
        )
        dyn: orm.DynamicMapped["B"] = orm.relationship(order_by="B.id", viewonly=True)

    class B(Base):
        __tablename__ = "rw_b"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        a_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("rw_a.id"))
        a: orm.Mapped[Optional[A]] = orm.relationship(back_populates="bs")

    class Tag(Base):
        __tablename__ = "rw_tag"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))

    class C(Base):
        __tablename__ = "rw_c"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        ds: orm.Mapped[list["D"]] = orm.relationship(
            lazy="dynamic", back_populates="c", order_by="D.id"
        )

    class D(Base):
        __tablename__ = "rw_d"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        c_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("rw_c.id"))
        c: orm.Mapped[Optional[C]] = orm.relationship(back_populates="ds")

    return type("M", (), dict(Base=Base, A=A, B=B, Tag=Tag, C=C, D=D))


setup = setup_fixture(_models)


def _rows(s: Any, lib: Any, m: Any) -> list[tuple[Any, Any]]:
    stmt = lib.sa.select(m.B.name, m.B.a_id).order_by(m.B.id)
    return [tuple(r) for r in s.execute(stmt)]


def test_write_only_collection(setup: Any) -> None:
    lib, m, eng = setup
    orm = lib.orm
    with orm.Session(eng) as s:
        a = m.A(name="a1", bs=[m.B(name="x"), m.B(name="y")])
        with pytest.raises(TypeError, match="don't support iteration in-place"):
            list(a.bs)
        s.add(a)
        assert len(s.new) == 3  # save-update reaches the pending members
        s.commit()
        seen = statements(lib, eng)
        assert [b.name for b in s.scalars(a.bs.select())] == ["x", "y"]
        a.bs.add(m.B(name="z"))
        assert [b.name for b in s.scalars(a.bs.select())] == ["x", "y", "z"]
        x = s.scalars(a.bs.select().where(m.B.name == "x")).one()
        a.bs.remove(x)
        s.flush()
        assert _rows(s, lib, m) == [("y", a.id), ("z", a.id)]  # orphan deleted
        loads = [q for q in seen if q.startswith("SELECT") and "= rw_b.a_id" in q]
        assert len(loads) == 3  # only the select()s: never the whole collection
        with pytest.raises(lib.exc.InvalidRequestError, match="does not support"):
            a.bs = []
        s.execute(a.bs.insert(), [{"name": "i1"}, {"name": "i2"}])
        s.execute(a.bs.update().values(name="u").where(m.B.name == "i1"))
        s.execute(a.bs.delete().where(m.B.name == "i2"))
        assert _rows(s, lib, m) == [("y", a.id), ("z", a.id), ("u", a.id)]
        # the many-to-one side reports to the write-only collection
        w = m.B(name="w")
        s.add(w)
        w.a = a
        s.commit()
        assert [b.name for b in s.scalars(a.bs.select())] == ["y", "z", "u", "w"]
        t1, t2 = m.Tag(name="t1"), m.Tag(name="t2")
        a.tags.add_all([t1, t2])
        s.commit()
        a.tags.remove(t1)
        s.commit()
        assert [t.name for t in s.scalars(a.tags.select())] == ["t2"]
        link = m.Base.metadata.tables["rw_link"]
        assert count(s, lib, link) == 1
        # without passive_deletes the members would have to be loaded: refused
        with pytest.raises(lib.exc.InvalidRequestError, match="can't load the exis"):
            s.delete(a)
            s.flush()
        s.rollback()
        assert (count(s, lib, m.A), count(s, lib, m.B), count(s, lib, link)) == (
            1,
            4,
            1,
        )


def test_dynamic_collection(setup: Any) -> None:
    lib, m, eng = setup
    orm = lib.orm
    with orm.Session(eng) as s:
        a = m.A(name="a1", bs=[m.B(name=n) for n in ("x", "y", "z")])
        s.add(a)
        s.commit()
        assert type(a.dyn).__name__ == "AppenderQuery"
        assert [b.name for b in a.dyn] == ["x", "y", "z"]
        assert [b.name for b in a.dyn.filter(m.B.name != "y")] == ["x", "z"]
        assert [b.name for b in a.dyn.filter_by(name="z")] == ["z"]
        assert a.dyn.count() == 3
        assert a.dyn[0].name == "x"
        assert [b.name for b in a.dyn[1:3]] == ["y", "z"]
        assert a.dyn.first().name == "x"
        assert len(a.dyn.all()) == 3
        c = m.C()
        d1 = m.D(name="d1")
        c.ds.append(d1)
        m.D(name="d2", c=c)
        assert [d.name for d in c.ds] == ["d1", "d2"]  # not in a Session yet
        assert c.ds.count() == 2
        s.add(c)
        s.commit()
        assert [d.name for d in c.ds] == ["d1", "d2"]
        c.ds.remove(d1)
        assert [d.name for d in c.ds] == ["d2"]  # autoflush
        assert d1.c is None
        c.ds.extend([m.D(name="d3")])
        hist = orm.attributes.get_history(c, "ds")
        assert [d.name for d in hist.added] == ["d3"]
        s.commit()
        assert [d.name for d in c.ds] == ["d2", "d3"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert s.query(m.D).filter(m.D.c == c).count() == 2
