"""Relationships (issue 5): the same scenarios on SQLAlchemy (oracle) and quicksilver.

Each scenario builds its models with ``lib`` (``sqlalchemy`` or
``quicksilver``) and returns plain data (names, counts, states); the two
libraries must agree.  Runs on every configured backend.
"""

import importlib
from typing import Any, Optional

import pytest


def _lib(name: str) -> Any:
    ns: dict[str, Any] = {}
    ns["sa"] = importlib.import_module(name)
    ns["orm"] = importlib.import_module(name + ".orm")
    ns["event"] = importlib.import_module(name + ".event")
    return type("Lib", (), ns)


def _models(lib: Any) -> Any:
    sa, orm = lib.sa, lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class Parent(Base):
        __tablename__ = "rel_parent"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        children: orm.Mapped[list["Child"]] = orm.relationship(
            back_populates="parent", cascade="all, delete-orphan", order_by="Child.id"
        )

    class Child(Base):
        __tablename__ = "rel_child"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        parent_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rel_parent.id")
        )
        parent: orm.Mapped[Optional["Parent"]] = orm.relationship(
            back_populates="children"
        )

    class Node(Base):
        __tablename__ = "rel_node"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        parent_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("rel_node.id")
        )
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        children: orm.Mapped[list["Node"]] = orm.relationship(
            back_populates="parent", cascade="all, delete-orphan"
        )
        parent: orm.Mapped[Optional["Node"]] = orm.relationship(
            back_populates="children", remote_side=[id]
        )

    tag_link = sa.Table(
        "rel_tag_link",
        Base.metadata,
        sa.Column("parent_id", sa.ForeignKey("rel_parent.id"), primary_key=True),
        sa.Column("tag_id", sa.ForeignKey("rel_tag.id"), primary_key=True),
    )

    class Tag(Base):
        __tablename__ = "rel_tag"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        parents: orm.Mapped[list["Parent"]] = orm.relationship(
            secondary=tag_link, backref="tags"
        )

    return type(
        "M", (), dict(Base=Base, Parent=Parent, Child=Child, Node=Node, Tag=Tag)
    )


def _engine(lib: Any, db_url: str) -> Any:
    eng = lib.sa.create_engine(db_url)
    if db_url.startswith("sqlite"):

        @lib.event.listens_for(eng, "connect")
        def _fk_on(dbapi_conn: Any, record: Any) -> None:
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

    return eng


@pytest.fixture(params=["sqlalchemy", "quicksilver"])
def setup(request: pytest.FixtureRequest, db_url: str) -> Any:
    lib = _lib(request.param)
    m = _models(lib)
    eng = _engine(lib, db_url)
    m.Base.metadata.drop_all(eng)
    m.Base.metadata.create_all(eng)
    yield lib, m, eng
    m.Base.metadata.drop_all(eng)
    eng.dispose()


def _count(s: Any, lib: Any, cls: Any) -> int:
    return int(s.scalar(lib.sa.select(lib.sa.func.count()).select_from(cls)))


def test_backref_in_memory_and_flush(setup: Any) -> None:
    lib, m, eng = setup
    with lib.orm.Session(eng) as s:
        p = m.Parent(name="p")
        c = m.Child(name="c", parent=p)
        assert p.children == [c]
        s.add(p)
        assert c in s.new
        s.commit()
        assert c.parent_id == p.id
        c2 = m.Child(name="c2")
        p.children.append(c2)
        assert c2.parent is p and c2 in s
        s.commit()
        assert [x.name for x in p.children] == ["c", "c2"]
        p.children.remove(c)
        s.commit()
        assert _count(s, lib, m.Child) == 1
        s.delete(p)
        s.commit()
        assert (_count(s, lib, m.Parent), _count(s, lib, m.Child)) == (0, 0)


def test_lazy_load_identity_map_and_detached(setup: Any) -> None:
    lib, m, eng = setup
    with lib.orm.Session(eng) as s:
        s.add(m.Parent(name="p", children=[m.Child(name="a"), m.Child(name="b")]))
        s.commit()
    queries: list[str] = []
    lib.event.listen(eng, "before_cursor_execute", lambda *a: queries.append(a[2]))
    with lib.orm.Session(eng) as s:
        p = s.scalars(lib.sa.select(m.Parent)).one()
        kids = p.children
        assert [k.name for k in kids] == ["a", "b"]
        before = len(queries)
        assert kids[0].parent is p
        assert len(queries) == before  # many-to-one from the identity map
        s.expunge(p)
        del p.__dict__["children"]
        with pytest.raises(lib.orm.exc.DetachedInstanceError) as err:
            _ = p.children
        assert "lazy load operation of attribute 'children' cannot proceed" in str(
            err.value
        )


def test_tree_flush_and_selectin(setup: Any) -> None:
    lib, m, eng = setup
    with lib.orm.Session(eng) as s:
        roots = []
        for i in range(3):
            root = m.Node(name=f"r{i}")
            for j in range(3):
                child = m.Node(name=f"c{i}{j}", parent=root)
                for k in range(2):
                    m.Node(name=f"g{i}{j}{k}", parent=child)
            roots.append(root)
        s.add_all(roots)
        s.commit()
        assert _count(s, lib, m.Node) == 3 * (1 + 3 + 6)
    with lib.orm.Session(eng) as s:
        stmt = (
            lib.sa.select(m.Node)
            .where(m.Node.parent_id.is_(None))
            .order_by(m.Node.id)
            .options(
                lib.orm.selectinload(m.Node.children).selectinload(m.Node.children)
            )
        )
        roots = s.scalars(stmt).all()
        shape = [
            (
                r.name,
                sorted(
                    (c.name, sorted(g.name for g in c.children)) for c in r.children
                ),
            )
            for r in roots
        ]
        assert shape[0] == (
            "r0",
            [
                ("c00", ["g000", "g001"]),
                ("c01", ["g010", "g011"]),
                ("c02", ["g020", "g021"]),
            ],
        )
        s.delete(roots[0])
        s.commit()
        assert _count(s, lib, m.Node) == 2 * 10


def test_many_to_many_rows(setup: Any) -> None:
    lib, m, eng = setup
    with lib.orm.Session(eng) as s:
        t1, t2 = m.Tag(name="t1"), m.Tag(name="t2")
        p = m.Parent(name="p")
        p.tags = [t1, t2]
        assert t1.parents == [p]
        s.add(p)
        s.commit()
        link = m.Base.metadata.tables["rel_tag_link"]
        assert _count(s, lib, link) == 2
        p.tags.remove(t1)
        s.commit()
        assert _count(s, lib, link) == 1
        assert [t.name for t in s.get(m.Parent, p.id).tags] == ["t2"]


def test_query_criteria(setup: Any) -> None:
    lib, m, eng = setup
    sa, orm = lib.sa, lib.orm
    with orm.Session(eng) as s:
        p1 = m.Parent(name="p1", children=[m.Child(name="x")])
        p2 = m.Parent(name="p2")
        s.add_all([p1, p2])
        s.commit()
        c = p1.children[0]
        q = lambda stmt: sorted(o.name for o in s.scalars(stmt))  # noqa: E731
        assert q(
            sa.select(m.Parent).where(m.Parent.children.any(m.Child.name == "x"))
        ) == ["p1"]
        assert q(
            sa.select(m.Child).where(m.Child.parent.has(m.Parent.name == "p1"))
        ) == ["x"]
        assert q(sa.select(m.Parent).where(m.Parent.children.contains(c))) == ["p1"]
        assert q(sa.select(m.Child).where(m.Child.parent == p1)) == ["x"]
        assert q(sa.select(m.Child).where(m.Child.parent != None)) == ["x"]  # noqa: E711
        assert q(sa.select(m.Child).where(orm.with_parent(p1, m.Parent.children))) == [
            "x"
        ]
        assert q(
            sa.select(m.Parent).join(m.Parent.children).where(m.Child.name == "x")
        ) == ["p1"]
        assert q(sa.select(m.Parent).join(m.Child, m.Parent.children)) == ["p1"]


def test_selectin_statement_count(setup: Any) -> None:
    lib, m, eng = setup
    with lib.orm.Session(eng) as s:
        s.add_all(
            [m.Parent(name=f"p{i}", children=[m.Child(name="c")]) for i in range(1000)]
        )
        s.commit()
    queries: list[str] = []
    lib.event.listen(eng, "before_cursor_execute", lambda *a: queries.append(a[2]))
    with lib.orm.Session(eng) as s:
        parents = s.scalars(
            lib.sa.select(m.Parent).options(lib.orm.selectinload(m.Parent.children))
        ).all()
        n = len([q for q in queries if q.lstrip().upper().startswith("SELECT")])
        assert n <= 3  # 1 for parents + 2 batches of 500 keys
        assert sum(len(p.children) for p in parents) == 1000


def test_ten_thousand_row_tree_one_commit(db_url: str) -> None:
    """A three-level adjacency list of 10,000 rows, foreign keys enforced."""
    lib = _lib("quicksilver")
    m = _models(lib)
    eng = _engine(lib, db_url)
    m.Base.metadata.drop_all(eng)
    m.Base.metadata.create_all(eng)
    try:
        with lib.orm.Session(eng) as s:
            for i in range(100):
                root = m.Node(name=f"r{i}")
                for j in range(9):
                    child = m.Node(name=f"c{i}.{j}", parent=root)
                    child.children = [m.Node(name=f"g{i}.{j}.{k}") for k in range(10)]
                s.add(root)
            s.commit()
            assert _count(s, lib, m.Node) == 100 * (1 + 9 + 90)
            orphans = s.scalar(
                lib.sa.select(lib.sa.func.count())
                .select_from(m.Node.__table__)
                .where(m.Node.__table__.c.parent_id.is_(None))
            )
            assert orphans == 100
    finally:
        m.Base.metadata.drop_all(eng)
        eng.dispose()


def test_many_to_many_backref_into_unloaded_collection_writes_one_row(
    setup: Any,
) -> None:
    lib, m, eng = setup
    link = m.Base.metadata.tables["rel_tag_link"]
    with lib.orm.Session(eng) as s:
        s.add_all([m.Parent(id=1, name="p"), m.Tag(id=1, name="t")])
        s.commit()
        p, t = s.get(m.Parent, 1), s.get(m.Tag, 1)
        t.parents.append(p)  # p.tags is not loaded: the backref is pending
        s.commit()
        p.name = "renamed"  # p flushes again: the row must not be re-inserted
        s.commit()
        assert _count(s, lib, link) == 1
        assert [x.id for x in p.tags] == [1]
        t.parents.remove(p)
        s.commit()
        assert _count(s, lib, link) == 0
