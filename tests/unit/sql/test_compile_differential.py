"""``str(stmt)`` and dialect SQL compared with SQLAlchemy (the oracle) for the same construct."""

from __future__ import annotations

import pytest

sa = pytest.importorskip("sqlalchemy")
from sqlalchemy.dialects import postgresql as sa_pg  # noqa: E402
from sqlalchemy.dialects import sqlite as sa_sqlite  # noqa: E402

import quicksilver.sql as q  # noqa: E402
from quicksilver import schema as qs  # noqa: E402
from quicksilver import types as qt  # noqa: E402
from tests.harness.assertsql import pg_dialect, sqlite_dialect  # noqa: E402


def _tables(lib, types):
    m = lib.MetaData()
    t = lib.Table(
        "t",
        m,
        lib.Column("id", types.Integer, primary_key=True),
        lib.Column("name", types.String(20)),
        lib.Column("order", types.Integer),
        lib.Column("flag", types.Boolean),
    )
    u = lib.Table(
        "u",
        m,
        lib.Column("id", types.Integer, primary_key=True),
        lib.Column("t_id", lib.ForeignKey("t.id")),
        lib.Column("val", types.Numeric(10, 2)),
    )
    return t, u


class _SA:
    select = staticmethod(sa.select)
    insert = staticmethod(sa.insert)
    update = staticmethod(sa.update)
    delete = staticmethod(sa.delete)
    func = sa.func
    and_ = staticmethod(sa.and_)
    or_ = staticmethod(sa.or_)
    not_ = staticmethod(sa.not_)
    literal = staticmethod(sa.literal)
    literal_column = staticmethod(sa.literal_column)
    case = staticmethod(sa.case)
    cast = staticmethod(sa.cast)
    exists = staticmethod(sa.exists)
    union = staticmethod(sa.union)
    union_all = staticmethod(sa.union_all)
    text = staticmethod(sa.text)
    tuple_ = staticmethod(sa.tuple_)
    null = staticmethod(sa.null)
    true = staticmethod(sa.true)
    bindparam = staticmethod(sa.bindparam)
    desc = staticmethod(sa.desc)
    types = sa
    lib = sa


class _QS:
    select = staticmethod(q.select)
    insert = staticmethod(q.insert)
    update = staticmethod(q.update)
    delete = staticmethod(q.delete)
    func = q.func
    and_ = staticmethod(q.and_)
    or_ = staticmethod(q.or_)
    not_ = staticmethod(q.not_)
    literal = staticmethod(q.literal)
    literal_column = staticmethod(q.literal_column)
    case = staticmethod(q.case)
    cast = staticmethod(q.cast)
    exists = staticmethod(q.exists)
    union = staticmethod(q.union)
    union_all = staticmethod(q.union_all)
    text = staticmethod(q.text)
    tuple_ = staticmethod(q.tuple_)
    null = staticmethod(q.null)
    true = staticmethod(q.true)
    bindparam = staticmethod(q.bindparam)
    desc = staticmethod(q.desc)
    types = qt
    lib = qs


def _stmts(x):
    t, u = _tables(x.lib, x.types)
    return {
        "select_table": x.select(t),
        "where_and": x.select(t).where(t.c.id == 5, t.c.name == "x"),
        "in_list": x.select(t.c.id).where(t.c.id.in_([1, 2, 3])),
        "not_in": x.select(t.c.id).where(~t.c.name.in_(["a"])),
        "limit_offset": x.select(t).limit(3).offset(2),
        "order_desc": x.select(t).order_by(t.c.name.desc(), t.c.id),
        "nulls_last": x.select(t).order_by(t.c.name.desc().nulls_last()),
        "group_having": x.select(t.c.name, x.func.count(t.c.id))
        .where(t.c.order > 1)
        .group_by(t.c.name)
        .having(x.func.count(t.c.id) > 2)
        .order_by(t.c.name)
        .limit(5),
        "func_labels": x.select(
            x.func.count(), x.func.lower(t.c.name), t.c.id + t.c.order, x.literal(1)
        ),
        "label": x.select(t.c.name.label("n")).order_by("n"),
        "join_inferred": x.select(t).join(u),
        "outerjoin": x.select(t.c.id, u.c.id).outerjoin(u, t.c.id == u.c.t_id),
        "join_from": x.select(u.c.id).join_from(u, t),
        "implicit_cross": x.select(t.c.id, u.c.id),
        "subquery": x.select(
            (sq := x.select(t.c.id).where(t.c.id > 5).subquery()).c.id
        ).where(sq.c.id < 10),
        "cte": x.select(x.select(t.c.id).where(t.c.order > 1).cte("c").c.id),
        "exists": x.select(t).where(x.exists().where(t.c.order == 1)),
        "scalar_subq_correlated": x.select(u.c.id).where(
            u.c.id == x.select(t.c.id).where(u.c.t_id == t.c.id).scalar_subquery()
        ),
        "in_subquery": x.select(t.c.id).where(t.c.id.in_(x.select(u.c.t_id))),
        "case": x.select(t.c.id, x.case((t.c.order > 1, "a"), else_="b")),
        "cast": x.select(x.cast(t.c.order, x.types.String)),
        "between_isnull_or": x.select(t.c.id).where(
            t.c.id.between(1, 3),
            ~t.c.name.is_(None),
            x.or_(t.c.order == 1, t.c.order == 2),
        ),
        "concat_window": x.select(
            t.c.name + "a",
            x.func.row_number().over(partition_by=t.c.order, order_by=t.c.id),
        ),
        "like_contains": x.select(t.c.id).where(
            t.c.name.like("%a"), t.c.name.contains("a_b", autoescape=True)
        ),
        "startswith_endswith": x.select(t.c.id).where(
            t.c.name.startswith("a"), t.c.name.endswith("b")
        ),
        "icontains": x.select(t.c.id).where(t.c.name.icontains("a")),
        "bool_cols": x.select(t.c.id).where(t.c.flag == True, t.c.flag, ~t.c.flag),  # noqa: E712
        "negations": x.select(t.c.id).where(
            ~(t.c.id == 1), ~x.and_(t.c.id == 1, t.c.id == 2)
        ),
        "in_exprs": x.select(t.c.id).where(t.c.id.in_([t.c.order, 5])),
        "tuple_in": x.select(t.c.id).where(x.tuple_(t.c.id, t.c.name).in_([(1, "a")])),
        "arith": x.select(t.c.id).where(t.c.id + 5 * t.c.id > (t.c.id - 1) / 2),
        "custom_op": x.select(t.c.id).where(t.c.id.op("&")(4) == 0),
        "neg_floordiv": x.select(t.c.id).where(-t.c.id == t.c.id // 2),
        "concat_cmp": x.select(t.c.id).where(
            t.c.name + "x" == "y", x.or_(t.c.id == 1, x.and_(t.c.id == 2, t.c.id == 3))
        ),
        "is_not_none": x.select(t.c.id).where(
            t.c.id.is_not(None),
            t.c.id != None,  # noqa: E711
            t.c.id == None,  # noqa: E711
        ),
        "distinct": x.select(t.c.id).distinct(),
        "union": x.union(x.select(t.c.id), x.select(t.c.order)).order_by("id").limit(2),
        "union_all": x.union_all(x.select(t.c.id), x.select(u.c.id)),
        "dup_names": x.select(t, u.c.id),
        "repeated_column": x.select(t.c.id, t.c.id, u.c.id, t.c.id),
        "insert_values": x.insert(t).values(name="x"),
        "insert_all": x.insert(t),
        "insert_multi": x.insert(t).values([{"name": "a"}, {"name": "b"}]),
        "insert_from_select": x.insert(t).from_select(["name"], x.select(t.c.name)),
        "insert_returning": x.insert(t).values(name="x").returning(t.c.id),
        "update": x.update(t).where(t.c.id == 1).values(name="y"),
        "update_expr": x.update(t).values(order=t.c.order + 1).where(t.c.name == "a"),
        "delete_returning": x.delete(t).where(t.c.id == 1).returning(t.c.id),
        "text": x.text("select * from t where id = :id"),
        "text_columns": x.select(x.text("1")),
        "literal_column": x.select(x.literal_column("x + 1")),
        "coalesce": x.select(x.func.coalesce(t.c.order, 0)),
        "select_null_true": x.select(t.c.id).where(t.c.name.is_(x.null()), x.true()),
        "bindparam": x.select(t).where(t.c.id == x.bindparam("ident")),
    }


NAMES = sorted(_stmts(_SA))


@pytest.mark.parametrize("name", NAMES)
def test_str_matches_sqlalchemy(name: str) -> None:
    expected = str(_stmts(_SA)[name])
    got = str(_stmts(_QS)[name])
    assert got == expected


@pytest.mark.parametrize("name", NAMES)
def test_postgresql_matches_sqlalchemy(name: str) -> None:
    expected = str(_stmts(_SA)[name].compile(dialect=sa_pg.psycopg2.dialect()))
    got = str(_stmts(_QS)[name].compile(dialect=pg_dialect()))
    assert got == expected


@pytest.mark.parametrize("name", NAMES)
def test_sqlite_matches_sqlalchemy(name: str) -> None:
    expected = _stmts(_SA)[name].compile(dialect=sa_sqlite.dialect())
    got = _stmts(_QS)[name].compile(dialect=sqlite_dialect())
    assert got.string == expected.string
    if expected.positiontup is not None:
        assert list(got.positiontup) == list(expected.positiontup)


@pytest.mark.parametrize("name", NAMES)
def test_params_match_sqlalchemy(name: str) -> None:
    expected = _stmts(_SA)[name].compile()
    got = _stmts(_QS)[name].compile()
    exp = {k: v for k, v in expected.params.items()}
    assert got.params == exp


@pytest.mark.parametrize("name", NAMES)
def test_psycopg_bind_casts_match_sqlalchemy(name: str) -> None:
    """psycopg 3 binds server-side: typed binds carry ``::TYPE`` casts."""
    expected = _stmts(_SA)[name].compile(dialect=sa_pg.psycopg.dialect())
    got = _stmts(_QS)[name].compile(dialect=pg_dialect(render_bind_cast=True))
    assert got.string == expected.string
    exp_pc = _stmts(_SA)[name].compile(
        dialect=sa_pg.psycopg.dialect(), compile_kwargs={"render_postcompile": True}
    )
    got_pc = _stmts(_QS)[name].compile(
        dialect=pg_dialect(render_bind_cast=True),
        compile_kwargs={"render_postcompile": True},
    )
    assert got_pc.string == exp_pc.string
