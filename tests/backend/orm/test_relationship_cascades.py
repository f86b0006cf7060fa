"""Cascades and flush ordering, differential against SQLAlchemy.

Each scenario reports object states (in the Session? expired? deleted?)
and the rows left in the database; both libraries must agree.
"""

from typing import Any, Optional

import pytest

from ._rel_support import count, setup_fixture, statements


def _models(lib: Any) -> Any:
    sa, orm = lib.sa, lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class Parent(Base):
        __tablename__ = "rc_parent"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        children: orm.Mapped[list["Child"]] = orm.relationship(
            back_populates="parent", cascade="all, delete-orphan", order_by="Child.id"
        )
        notes: orm.Mapped[list["Note"]] = orm.relationship(
            cascade="save-update", order_by="Note.id"
        )
        fast: orm.Mapped[list["Fast"]] = orm.relationship(
            cascade="all, delete-orphan", passive_deletes=True
        )

    class Child(Base):
        __tablename__ = "rc_child"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        parent_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rc_parent.id")
        )
        parent: orm.Mapped[Optional[Parent]] = orm.relationship(
            back_populates="children"
        )

    class Note(Base):
        __tablename__ = "rc_note"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        text: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        parent_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rc_parent.id")
        )

    class Fast(Base):
        __tablename__ = "rc_fast"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        parent_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rc_parent.id", ondelete="CASCADE")
        )

    class Widget(Base):
        """Two rows pointing at each other: the cycle post_update breaks."""

        __tablename__ = "rc_widget"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        favorite_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rc_entry.id", name="fk_widget_favorite", use_alter=True)
        )
        entries: orm.Mapped[list["Entry"]] = orm.relationship(
            primaryjoin="Widget.id == Entry.widget_id",
            back_populates="widget",
        )
        favorite: orm.Mapped[Optional["Entry"]] = orm.relationship(
            primaryjoin="Widget.favorite_id == Entry.id", post_update=True
        )

    class Entry(Base):
        __tablename__ = "rc_entry"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        widget_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rc_widget.id")
        )
        widget: orm.Mapped[Optional[Widget]] = orm.relationship(
            primaryjoin="Widget.id == Entry.widget_id", back_populates="entries"
        )

    return type(
        "M",
        (),
        dict(
            Base=Base,
            Parent=Parent,
            Child=Child,
            Note=Note,
            Fast=Fast,
            Widget=Widget,
            Entry=Entry,
        ),
    )


setup = setup_fixture(_models)


def _family(lib: Any, m: Any, eng: Any) -> int:
    with lib.orm.Session(eng) as s:
        p = m.Parent(
            name="p",
            children=[m.Child(name="a"), m.Child(name="b")],
            notes=[m.Note(text="n")],
        )
        s.add(p)
        s.commit()
        return int(p.id)


def test_expunge_cascade(setup: Any) -> None:
    lib, m, eng = setup
    pid = _family(lib, m, eng)
    with lib.orm.Session(eng) as s:
        p = s.get(m.Parent, pid)
        kids, notes = list(p.children), list(p.notes)
        s.expunge(p)
        # "all" includes expunge; "save-update" alone does not
        assert [k in s for k in kids] == [False, False]
        assert [n in s for n in notes] == [True]


def test_expire_and_refresh_cascade(setup: Any) -> None:
    lib, m, eng = setup
    pid = _family(lib, m, eng)
    with lib.orm.Session(eng) as s:
        p = s.get(m.Parent, pid)
        kid, note = p.children[0], p.notes[0]
        kid.name, note.text = "changed", "changed"
        s.expire(p)
        assert "name" not in kid.__dict__  # refresh-expire cascade
        assert note.__dict__["text"] == "changed"
        assert kid.name == "a"
        p = s.get(m.Parent, pid)
        kid, note = p.children[0], p.notes[0]
        kid.name, note.text = "again", "again"
        s.refresh(p)
        assert p.name == "p" and "name" not in kid.__dict__
        assert kid.name == "a" and note.text == "again"
        pending = m.Child(name="new")
        p.children.append(pending)
        assert pending in s
        s.expire(p)
        assert pending not in s  # a pending object along the cascade is expunged


def test_merge_cascade(setup: Any) -> None:
    lib, m, eng = setup
    pid = _family(lib, m, eng)
    with lib.orm.Session(eng) as s:
        p = s.get(m.Parent, pid)
        kids, notes = list(p.children), list(p.notes)
    p.name = "renamed"
    kids[0].name = "a2"
    notes[0].text = "ignored"  # notes have no merge cascade
    p.children.append(m.Child(name="c"))
    with lib.orm.Session(eng) as s:
        merged = s.merge(p)
        assert merged is not p
        assert [c.name for c in merged.children] == ["a2", "b", "c"]
        assert all(c in s for c in merged.children)
        assert [c.parent is merged for c in merged.children] == [True] * 3
        assert [n.text for n in merged.notes] == ["n"]
        s.commit()
    with lib.orm.Session(eng) as s:
        names = s.scalars(lib.sa.select(m.Child.name).order_by(m.Child.id)).all()
        assert names == ["a2", "b", "c"]
        assert s.scalars(lib.sa.select(m.Note.text)).all() == ["n"]
        # load=False: the detached graph is copied as loaded, no SQL
        p = s.get(m.Parent, pid)
        _ = p.children
    with lib.orm.Session(eng) as s:
        seen = statements(lib, eng)
        merged = s.merge(p, load=False)
        assert [c.name for c in merged.children] == ["a2", "b", "c"]
        assert seen == [] and not s.dirty


def test_passive_deletes_leave_children_to_the_database(setup: Any) -> None:
    lib, m, eng = setup
    with lib.orm.Session(eng) as s:
        p = m.Parent(name="p", fast=[m.Fast(), m.Fast()])
        s.add(p)
        s.commit()
        pid = p.id
    with lib.orm.Session(eng) as s:
        if eng.dialect.name == "sqlite":
            s.execute(lib.sa.text("PRAGMA foreign_keys=ON"))
        seen = statements(lib, eng)
        p = s.get(m.Parent, pid)
        s.delete(p)
        s.commit()
        fast_selects = [q for q in seen if "rc_fast" in q and "SELECT" in q.upper()]
        assert fast_selects == []  # not loaded: ON DELETE CASCADE does it
        assert count(s, lib, m.Fast) == 0


def test_delete_cascade_and_orphans_rows_left(setup: Any) -> None:
    lib, m, eng = setup
    pid = _family(lib, m, eng)
    with lib.orm.Session(eng) as s:
        p = s.get(m.Parent, pid)
        p.children.remove(p.children[0])  # orphan: deleted
        s.flush()
        assert count(s, lib, m.Child) == 1
        s.delete(p)
        s.commit()
        # children deleted, the note (save-update only) keeps its row, unlinked
        assert (count(s, lib, m.Parent), count(s, lib, m.Child)) == (0, 0)
        assert s.execute(lib.sa.select(m.Note.parent_id)).all() == [(None,)]


def test_post_update_breaks_a_two_row_cycle(setup: Any) -> None:
    lib, m, eng = setup
    with lib.orm.Session(eng) as s:
        w = m.Widget(name="w")
        e = m.Entry(name="e", widget=w)
        w.favorite = e
        s.add(w)
        s.commit()
        row = s.execute(
            lib.sa.select(m.Widget.favorite_id, m.Entry.widget_id).join(
                m.Entry, m.Entry.widget_id == m.Widget.id
            )
        ).one()
        assert tuple(row) == (e.id, w.id)
        w.favorite = None
        s.commit()
        s.delete(e)
        s.delete(w)
        s.commit()
        assert count(s, lib, m.Widget) == 0


def test_unbreakable_cycle_names_the_tables(setup: Any) -> None:
    lib, m, eng = setup
    sa, orm = lib.sa, lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class Left(Base):
        __tablename__ = "rc_left"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        right_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rc_right.id", name="fk_left_right")
        )
        right: orm.Mapped[Optional["Right"]] = orm.relationship(foreign_keys=[right_id])

    class Right(Base):
        __tablename__ = "rc_right"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        left_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rc_left.id", name="fk_right_left")
        )
        left: orm.Mapped[Optional[Left]] = orm.relationship(foreign_keys=[left_id])

    with orm.Session(eng) as s:
        a, b = Left(), Right()
        a.right, b.left = b, a
        s.add_all([a, b])
        with pytest.raises(lib.exc.CircularDependencyError) as err:
            s.flush()
    msg = str(err.value)
    assert "Circular dependency detected" in msg
    if lib.name == "quicksilver":
        assert "rc_left" in msg and "rc_right" in msg
