"""Dict (``attribute_keyed_dict``) and set collections, against SQLAlchemy.

Both kinds must keep backrefs in step, cascade save-update / delete-orphan
and flush the same rows as list collections do.
"""

from typing import Any, Optional

from ._rel_support import setup_fixture


def _models(lib: Any) -> Any:
    sa, orm = lib.sa, lib.orm

    class Base(orm.DeclarativeBase):
        pass

    link = sa.Table(
        "rk_link",
        Base.metadata,
        sa.Column("p_id", sa.ForeignKey("rk_p.id"), primary_key=True),
        sa.Column("tag_id", sa.ForeignKey("rk_tag.id"), primary_key=True),
    )

    class P(Base):
        __tablename__ = "rk_p"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        notes: orm.Mapped[dict[str, "Note"]] = orm.relationship(
            collection_class=orm.attribute_keyed_dict("kw"),
            back_populates="p",
            cascade="all, delete-orphan",
        )
        kids: orm.Mapped[set["Kid"]] = orm.relationship(
            back_populates="p", cascade="all, delete-orphan"
        )
        tags: orm.Mapped[set["Tag"]] = orm.relationship(
            secondary=link, back_populates="ps"
        )

    class Note(Base):
        __tablename__ = "rk_note"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        kw: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        p_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("rk_p.id"))
        p: orm.Mapped[Optional[P]] = orm.relationship(back_populates="notes")

    class Kid(Base):
        __tablename__ = "rk_kid"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        p_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("rk_p.id"))
        p: orm.Mapped[Optional[P]] = orm.relationship(back_populates="kids")

    class Tag(Base):
        __tablename__ = "rk_tag"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        ps: orm.Mapped[set[P]] = orm.relationship(secondary=link, back_populates="tags")

    P.by_col = orm.relationship(
        Note,
        collection_class=orm.column_keyed_dict(Note.__table__.c.kw),
        viewonly=True,
    )
    return type("M", (), dict(Base=Base, P=P, Note=Note, Kid=Kid, Tag=Tag))


setup = setup_fixture(_models)


def _kws(s: Any, lib: Any, m: Any) -> list[str]:
    return list(s.scalars(lib.sa.select(m.Note.kw).order_by(m.Note.kw)))


def test_keyed_dict_collection(setup: Any) -> None:
    lib, m, eng = setup
    sa, orm = lib.sa, lib.orm
    with orm.Session(eng) as s:
        p = m.P(notes={"a": m.Note(kw="a")})
        p.notes["b"] = m.Note(kw="b")
        c = m.Note(kw="c", p=p)  # the backref keys it by its kw
        assert sorted(p.notes) == ["a", "b", "c"] and p.notes["c"] is c
        s.add(p)
        assert len(s.new) == 4
        s.commit()
        assert sorted(p.by_col) == ["a", "b", "c"]
        del p.notes["a"]  # orphan: deleted
        s.commit()
        assert _kws(s, lib, m) == ["b", "c"]
        old_b = p.notes["b"]
        p.notes["b"] = m.Note(kw="b")  # replaces: the old one is an orphan
        s.commit()
        assert _kws(s, lib, m) == ["b", "c"] and old_b not in s
        c.p = None
        assert sorted(p.notes) == ["b"]
        s.commit()
        assert _kws(s, lib, m) == ["b", "c"]  # unlinked, not deleted
        s.expire_all()
        assert sorted(p.notes) == ["b"] and p.notes["b"].kw == "b"
    with orm.Session(eng) as s:
        for opt in (orm.selectinload, orm.joinedload):
            stmt = sa.select(m.P).options(opt(m.P.notes))
            stmt = stmt.execution_options(populate_existing=True)
            (p,) = s.scalars(stmt).unique().all()
            assert sorted(p.notes) == ["b"]
        s.delete(p)
        s.commit()
        assert _kws(s, lib, m) == ["c"]  # the unlinked note stays


def test_set_collections(setup: Any) -> None:
    lib, m, eng = setup
    sa, orm = lib.sa, lib.orm
    with orm.Session(eng) as s:
        x, y = m.Kid(name="x"), m.Kid(name="y")
        p = m.P(kids={x})
        p.kids.add(y)
        z = m.Kid(name="z", p=p)
        assert p.kids == {x, y, z}
        t1, t2 = m.Tag(name="t1"), m.Tag(name="t2")
        p.tags = {t1}
        t2.ps.add(p)
        assert p.tags == {t1, t2}
        s.add(p)
        s.commit()
        p.kids.discard(x)
        p.kids.remove(y)
        assert x.p is None and y.p is None
        p.tags.discard(t1)
        s.commit()
        names = s.scalars(sa.select(m.Kid.name)).all()
        assert names == ["z"]
        link = m.Base.metadata.tables["rk_link"]
        rows = s.execute(sa.select(link.c.tag_id)).all()
        assert [r[0] for r in rows] == [t2.id]
        s.expire_all()
        assert {k.name for k in p.kids} == {"z"}
        assert {t.name for t in p.tags} == {"t2"}
        assert {q.id for q in t2.ps} == {p.id}
