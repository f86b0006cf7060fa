"""Joins along relationships to ``aliased()`` entities, ``of_type()``, EXISTS.

Differential: each query runs on SQLAlchemy and quicksilver over the same
rows and must return the same names.
"""

from typing import Any, Optional

from ._rel_support import setup_fixture


def _models(lib: Any) -> Any:
    sa, orm = lib.sa, lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class A(Base):
        __tablename__ = "rj_a"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        bs: orm.Mapped[list["B"]] = orm.relationship(
            back_populates="a", order_by="B.id"
        )

    class B(Base):
        __tablename__ = "rj_b"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        a_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("rj_a.id"))
        a: orm.Mapped[Optional[A]] = orm.relationship(back_populates="bs")

    class Node(Base):
        __tablename__ = "rj_node"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        parent_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rj_node.id")
        )
        parent: orm.Mapped[Optional["Node"]] = orm.relationship(
            back_populates="children", remote_side=[id]
        )
        children: orm.Mapped[list["Node"]] = orm.relationship(
            back_populates="parent", order_by="Node.id"
        )

    link = sa.Table(
        "rj_link",
        Base.metadata,
        sa.Column("a_id", sa.ForeignKey("rj_a.id"), primary_key=True),
        sa.Column("tag_id", sa.ForeignKey("rj_tag.id"), primary_key=True),
    )

    class Tag(Base):
        __tablename__ = "rj_tag"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        owners: orm.Mapped[list[A]] = orm.relationship(secondary=link, backref="tags")

    return type("M", (), dict(Base=Base, A=A, B=B, Node=Node, Tag=Tag))


setup = setup_fixture(_models)


def _fill(lib: Any, m: Any, eng: Any) -> None:
    with lib.orm.Session(eng) as s:
        t1, t2 = m.Tag(name="t1"), m.Tag(name="t2")
        s.add_all(
            [
                m.A(name="a1", bs=[m.B(name="x"), m.B(name="y")], tags=[t1]),
                m.A(name="a2", bs=[m.B(name="z")], tags=[t1, t2]),
            ]
        )
        root = m.Node(name="root")
        child = m.Node(name="c", parent=root)
        m.Node(name="g", parent=child)
        s.add(root)
        s.commit()


def test_joins_to_aliases(setup: Any) -> None:
    lib, m, eng = setup
    sa, orm = lib.sa, lib.orm
    _fill(lib, m, eng)
    A, B, Node = m.A, m.B, m.Node
    with orm.Session(eng) as s:
        ba, aa = orm.aliased(B), orm.aliased(A)
        parent, child = orm.aliased(Node), orm.aliased(Node)

        def names(stmt: Any) -> list[Any]:
            return sorted(s.scalars(stmt).unique().all(), key=lambda o: o.name)

        def pairs(stmt: Any) -> list[tuple[Any, Any]]:
            return sorted(
                (x.name, y.name if y is not None else None) for x, y in s.execute(stmt)
            )

        of_type = sa.select(A).join(A.bs.of_type(ba)).where(ba.name == "z")
        assert [a.name for a in names(of_type)] == ["a2"]
        assert pairs(sa.select(A, ba).join(ba, A.bs)) == [
            ("a1", "x"),
            ("a1", "y"),
            ("a2", "z"),
        ]
        by_parent = sa.select(Node).join(parent, Node.parent)
        assert [n.name for n in names(by_parent.where(parent.name == "root"))] == ["c"]
        up = sa.select(Node).join(Node.parent.of_type(parent)).where(parent.name == "c")
        assert [n.name for n in names(up)] == ["g"]
        assert [
            b.name for b in names(sa.select(B).join(aa, B.a).where(aa.name == "a1"))
        ] == [
            "x",
            "y",
        ]
        from_alias = sa.select(aa).join(aa.bs).where(B.name == "z")
        assert [a.name for a in names(from_alias)] == ["a2"]
        both = sa.select(aa, ba).join(aa.bs.of_type(ba)).where(ba.name != "z")
        assert pairs(both) == [("a1", "x"), ("a1", "y")]
        down = sa.select(Node, child).join(Node.children.of_type(child))
        assert pairs(down) == [("c", "g"), ("root", "c")]
        outer = sa.select(Node, parent).outerjoin(parent, Node.parent)
        assert pairs(outer) == [("c", "root"), ("g", "c"), ("root", None)]
        tagged = sa.select(aa).join(aa.tags).where(m.Tag.name == "t2")
        assert [a.name for a in names(tagged)] == ["a2"]
        tag_alias = orm.aliased(m.Tag)
        via_alias = sa.select(A, tag_alias).join(A.tags.of_type(tag_alias))
        assert pairs(via_alias) == [("a1", "t1"), ("a2", "t1"), ("a2", "t2")]
        extra = sa.select(A).join(A.bs.of_type(ba).and_(ba.name == "y"))
        assert [a.name for a in names(extra)] == ["a1"]


def test_exists_through_aliases_and_self_reference(setup: Any) -> None:
    lib, m, eng = setup
    sa, orm = lib.sa, lib.orm
    _fill(lib, m, eng)
    A, B, Node = m.A, m.B, m.Node
    with orm.Session(eng) as s:
        aa = orm.aliased(A)

        def names(stmt: Any) -> list[str]:
            return sorted(o.name for o in s.scalars(stmt))

        assert names(sa.select(aa).where(aa.bs.any(B.name == "z"))) == ["a2"]
        assert names(sa.select(B).where(B.a.has(A.name == "a1"))) == ["x", "y"]
        assert names(sa.select(Node).where(Node.children.any(Node.name == "g"))) == [
            "c"
        ]
        assert names(sa.select(Node).where(Node.children.any())) == ["c", "root"]
        assert names(sa.select(Node).where(~Node.children.any())) == ["g"]
        assert names(sa.select(Node).where(Node.parent.has(Node.name == "root"))) == [
            "c"
        ]
        assert names(sa.select(A).where(A.tags.any(m.Tag.name == "t2"))) == ["a2"]


def test_contains_eager_from_alias(setup: Any) -> None:
    lib, m, eng = setup
    sa, orm = lib.sa, lib.orm
    _fill(lib, m, eng)
    A, B = m.A, m.B
    with orm.Session(eng) as s:
        ba = orm.aliased(B)
        stmt = (
            sa.select(A)
            .join(A.bs.of_type(ba))
            .where(ba.name != "y")
            .options(orm.contains_eager(A.bs.of_type(ba)))
            .order_by(A.id, ba.id)
        )
        got = [(a.name, [b.name for b in a.bs]) for a in s.scalars(stmt).unique()]
        assert got == [("a1", ["x"]), ("a2", ["z"])]
    with orm.Session(eng) as s:
        ba = orm.aliased(B)
        stmt = (
            sa.select(A)
            .join(ba, A.bs)
            .where(ba.name == "y")
            .options(orm.contains_eager(A.bs, alias=ba))
        )
        got = [(a.name, [b.name for b in a.bs]) for a in s.scalars(stmt).unique()]
        assert got == [("a1", ["y"])]
