"""Loader strategies and options, differential against SQLAlchemy.

Each scenario records what was loaded (names, whether an attribute is in
``__dict__``, which error a raise loader gives) and how many SELECTs ran;
SQLAlchemy and quicksilver must agree on the data, and quicksilver must not
need more statements.
"""

import warnings
from typing import Any, Optional

import pytest

from ._rel_support import load_lib, make_engine, setup_fixture, statements

# SQLAlchemy 2.1 deprecates noload (the oracle warns; behaviour is compared)
pytestmark = pytest.mark.filterwarnings("ignore:.*noload.*is deprecated")


def _models(lib: Any) -> Any:
    sa, orm = lib.sa, lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class A(Base):
        __tablename__ = "rl_a"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        bs: orm.Mapped[list["B"]] = orm.relationship(
            back_populates="a", order_by="B.id"
        )
        raise_bs: orm.Mapped[list["B"]] = orm.relationship(
            lazy="raise", viewonly=True, order_by="B.id"
        )
        sql_bs: orm.Mapped[list["B"]] = orm.relationship(
            lazy="raise_on_sql", viewonly=True, order_by="B.id"
        )
        no_bs: orm.Mapped[list["B"]] = orm.relationship(lazy="noload", viewonly=True)
        joined_bs: orm.Mapped[list["B"]] = orm.relationship(
            lazy="joined", viewonly=True, order_by="B.id"
        )
        sub_bs: orm.Mapped[list["B"]] = orm.relationship(
            lazy="subquery", viewonly=True, order_by="B.id"
        )

    class B(Base):
        __tablename__ = "rl_b"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        a_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("rl_a.id"))
        a: orm.Mapped[Optional[A]] = orm.relationship(back_populates="bs")
        raise_a: orm.Mapped[Optional[A]] = orm.relationship(
            lazy="raise_on_sql", viewonly=True
        )
        cs: orm.Mapped[list["C"]] = orm.relationship(order_by="C.id")

    class C(Base):
        __tablename__ = "rl_c"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str] = orm.mapped_column(sa.String(30))
        b_id: orm.Mapped[Optional[int]] = orm.mapped_column(sa.ForeignKey("rl_b.id"))

    return type("M", (), dict(Base=Base, A=A, B=B, C=C))


setup = setup_fixture(_models)


def _fill(lib: Any, m: Any, eng: Any) -> None:
    with lib.orm.Session(eng) as s:
        s.add_all(
            [
                m.A(
                    name="a1",
                    bs=[
                        m.B(name="x", cs=[m.C(name="x1"), m.C(name="x2")]),
                        m.B(name="y"),
                    ],
                ),
                m.A(name="a2", bs=[m.B(name="z", cs=[m.C(name="z1")])]),
                m.A(name="a3"),
            ]
        )
        s.commit()


def _selects(seen: list[str]) -> int:
    return sum(1 for q in seen if q.lstrip().upper().startswith("SELECT"))


def _graph(objs: Any) -> list[Any]:
    return [(a.name, [(b.name, [c.name for c in b.cs]) for b in a.bs]) for a in objs]


_GRAPH = [
    ("a1", [("x", ["x1", "x2"]), ("y", [])]),
    ("a2", [("z", ["z1"])]),
    ("a3", []),
]


_ORACLE_SELECTS = {
    "selectinload": 4,
    "joinedload": 2,
    "subqueryload": 4,
    "immediateload": 8,
    "lazyload": 8,
}


@pytest.mark.parametrize(
    "option",
    ["selectinload", "joinedload", "subqueryload", "immediateload", "lazyload"],
)
def test_each_loader_option_loads_the_same_graph(setup: Any, option: str) -> None:
    lib, m, eng = setup
    _fill(lib, m, eng)
    sa, orm = lib.sa, lib.orm
    opt = getattr(orm, option)
    with orm.Session(eng) as s:
        seen = statements(lib, eng)
        stmt = sa.select(m.A).order_by(m.A.id).options(opt(m.A.bs).options(opt(m.B.cs)))
        objs = s.scalars(stmt).unique().all()
        loaded = [("bs" in a.__dict__) for a in objs]
        assert _graph(objs) == _GRAPH
        n = _selects(seen)  # every statement needed to see the whole graph
        assert loaded == [option != "lazyload"] * 3
        # SQLAlchemy's count; the lazy="subquery" sub_bs adds one everywhere
        oracle = _ORACLE_SELECTS[option]
        assert (n, lib.name) in (
            (oracle, "sqlalchemy"),
            (min(n, oracle), "quicksilver"),
        )


def test_lazy_defaults_raise_noload_joined_subquery(setup: Any) -> None:
    lib, m, eng = setup
    _fill(lib, m, eng)
    sa, orm = lib.sa, lib.orm
    with orm.Session(eng) as s:
        a1 = s.scalars(sa.select(m.A).where(m.A.name == "a1")).unique().one()
        # lazy="joined" and lazy="subquery" were loaded with the parent
        assert [b.name for b in a1.__dict__["joined_bs"]] == ["x", "y"]
        assert [b.name for b in a1.__dict__["sub_bs"]] == ["x", "y"]
        with pytest.raises(lib.exc.InvalidRequestError) as err:
            _ = a1.raise_bs
        assert "'A.raise_bs' is not available due to lazy='raise'" in str(err.value)
        with pytest.raises(lib.exc.InvalidRequestError) as err:
            _ = a1.sql_bs
        assert "lazy='raise_on_sql'" in str(err.value)
        assert a1.no_bs == []
        # raise_on_sql on a many-to-one found in the identity map: no SQL, no error
        x = a1.bs[0]
        assert x.raise_a is a1
        s.expunge_all()
        y = s.scalars(sa.select(m.B).where(m.B.name == "y")).one()
        with pytest.raises(lib.exc.InvalidRequestError):
            _ = y.raise_a


def test_raiseload_and_noload_options(setup: Any) -> None:
    lib, m, eng = setup
    _fill(lib, m, eng)
    sa, orm = lib.sa, lib.orm
    with orm.Session(eng) as s:
        stmt = sa.select(m.A).where(m.A.name == "a1")
        a1 = s.scalars(stmt.options(orm.raiseload(m.A.bs))).unique().one()
        with pytest.raises(lib.exc.InvalidRequestError) as err:
            _ = a1.bs
        assert "'A.bs' is not available due to lazy='raise'" in str(err.value)
    with orm.Session(eng) as s:
        opts = [orm.selectinload(m.A.bs), orm.raiseload("*")]
        a1 = s.scalars(stmt.options(*opts)).unique().one()
        assert [b.name for b in a1.bs] == ["x", "y"]
        with pytest.raises(lib.exc.InvalidRequestError):
            _ = a1.bs[0].cs
    with orm.Session(eng) as s:
        a1 = s.scalars(stmt.options(orm.noload(m.A.bs))).unique().one()
        assert a1.bs == []
    with orm.Session(eng) as s:
        a1 = s.scalars(stmt.options(orm.defaultload(m.A.bs).raiseload(m.B.cs))).unique()
        b = a1.one().bs[0]
        with pytest.raises(lib.exc.InvalidRequestError):
            _ = b.cs


def test_joined_collections_need_unique_but_legacy_query_dedups(setup: Any) -> None:
    lib, m, eng = setup
    _fill(lib, m, eng)
    sa, orm = lib.sa, lib.orm
    with orm.Session(eng) as s:
        stmt = sa.select(m.A).options(orm.joinedload(m.A.bs))
        with pytest.raises(lib.exc.InvalidRequestError) as err:
            s.scalars(stmt).all()
        assert "The unique() method must be invoked" in str(err.value)
        assert len(s.scalars(stmt).unique().all()) == 3
        # a many-to-one does not multiply rows: no unique() needed
        m2o = orm.joinedload(m.B.a).lazyload(m.A.joined_bs)
        assert len(s.scalars(sa.select(m.B).options(m2o)).all()) == 3
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = s.query(m.A).options(orm.joinedload(m.A.bs)).order_by(m.A.id)
            assert [(a.name, len(a.bs)) for a in q] == [("a1", 2), ("a2", 1), ("a3", 0)]
            assert len(q.all()) == 3


def test_get_applies_loader_options(setup: Any) -> None:
    lib, m, eng = setup
    _fill(lib, m, eng)
    orm = lib.orm
    with orm.Session(eng) as s:
        a1 = s.get(m.A, 1, options=[orm.selectinload(m.A.bs)])
        assert [b.name for b in a1.__dict__["bs"]] == ["x", "y"]
        # lazy="joined" defaults apply to get() as well
        assert "joined_bs" in a1.__dict__
        s.expunge_all()
        b = s.get(m.B, 1, options=[orm.raiseload(m.B.cs)])
        with pytest.raises(lib.exc.InvalidRequestError):
            _ = b.cs
        # already in the identity map: returned as is, no SQL
        seen = statements(lib, eng)
        assert s.get(m.B, 1, options=[orm.joinedload(m.B.cs)]) is b
        assert seen == []


def test_detached_lazy_load_names_the_relationship(setup: Any) -> None:
    lib, m, eng = setup
    _fill(lib, m, eng)
    sa, orm = lib.sa, lib.orm
    with orm.Session(eng) as s:
        a1 = s.scalars(sa.select(m.A).where(m.A.name == "a1")).unique().one()
    with pytest.raises(orm.exc.DetachedInstanceError) as err:
        _ = a1.bs
    msg = str(err.value)
    assert "lazy load operation of attribute 'bs' cannot proceed" in msg
    if lib.name == "quicksilver":
        assert "selectinload(A.bs)" in msg


def _selectin_statements(name: str, db_url: str) -> tuple[int, int]:
    lib = load_lib(name)
    m = _models(lib)
    eng = make_engine(lib, db_url)
    m.Base.metadata.drop_all(eng)
    m.Base.metadata.create_all(eng)
    try:
        with lib.orm.Session(eng) as s:
            s.add_all([m.A(name=f"p{i}", bs=[m.B(name="c")]) for i in range(1000)])
            s.commit()
        seen = statements(lib, eng)
        with lib.orm.Session(eng) as s:
            stmt = lib.sa.select(m.A).options(lib.orm.selectinload(m.A.bs))
            parents = s.scalars(stmt).unique().all()
            loaded = sum(len(p.bs) for p in parents)
        return _selects(seen), loaded
    finally:
        m.Base.metadata.drop_all(eng)
        eng.dispose()


def test_selectin_over_1000_parents_no_more_statements_than_sqlalchemy(
    db_url: str,
) -> None:
    oracle, oracle_loaded = _selectin_statements("sqlalchemy", db_url)
    ours, loaded = _selectin_statements("quicksilver", db_url)
    assert loaded == oracle_loaded == 1000
    # lazy="joined"/"subquery" viewonly relationships add their own loads
    assert ours <= oracle


def test_joined_collection_with_limit_counts_parents(setup: Any) -> None:
    lib, m, eng = setup
    _fill(lib, m, eng)
    sa, orm = lib.sa, lib.orm
    with orm.Session(eng) as s:
        stmt = (
            sa.select(m.A)
            .options(orm.joinedload(m.A.bs))
            .order_by(m.A.id.desc())
            .limit(2)
        )
        with pytest.raises(lib.exc.InvalidRequestError):
            s.scalars(stmt).all()
        got = [(a.name, [b.name for b in a.bs]) for a in s.scalars(stmt).unique()]
        assert got == [("a3", []), ("a2", ["z"])]
        first = s.scalars(stmt.offset(1)).unique().first()
        assert (first.name, [b.name for b in first.bs]) == ("a2", ["z"])
