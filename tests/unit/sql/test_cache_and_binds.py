"""Cache keys, compiled-statement reuse, bind type checks, parameter handling."""

from __future__ import annotations

import datetime as dt
import decimal
import sqlite3
import uuid

import pytest

import quicksilver.sql as q
from quicksilver import exc
from quicksilver.schema import Column, ForeignKey, MetaData, Table
from quicksilver.sql.compiler import SQLCompiler
from quicksilver.sql.type_api import BindTypeError
from quicksilver.types import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Integer,
    Interval,
    LargeBinary,
    Numeric,
    String,
    Time,
    TypeDecorator,
    Uuid,
)
from tests.harness.assertsql import pg_dialect, sqlite_dialect


@pytest.fixture
def tables():
    m = MetaData()
    t = Table(
        "t",
        m,
        Column("id", Integer, primary_key=True),
        Column("name", String(5)),
        Column("n", Integer, default=7),
    )
    u = Table(
        "u",
        m,
        Column("id", Integer, primary_key=True),
        Column("t_id", ForeignKey("t.id")),
    )
    return t, u


def test_same_shape_equal_keys_values_extracted(tables):
    t, _ = tables
    k1 = q.select(t).where(t.c.id == 5, t.c.name == "a")._generate_cache_key()
    k2 = q.select(t).where(t.c.id == 6, t.c.name == "b")._generate_cache_key()
    assert k1 == k2 and hash(k1) == hash(k2)
    assert [b.value for b in k1.bindparams] == [5, "a"]
    assert [b.value for b in k2.bindparams] == [6, "b"]


@pytest.mark.parametrize(
    "other",
    [
        lambda t: q.select(t).where(t.c.id > 5),
        lambda t: q.select(t.c.id).where(t.c.id == 5),
        lambda t: q.select(t).where(t.c.name == 5),
        lambda t: q.select(t).where(t.c.id == 5).limit(1),
        lambda t: q.select(t).where(t.c.id == 5).order_by(t.c.id),
    ],
)
def test_different_shape_different_keys(tables, other):
    t, _ = tables
    base = q.select(t).where(t.c.id == 5)._generate_cache_key()
    assert base != other(t)._generate_cache_key()


def test_in_list_length_not_in_key(tables):
    t, _ = tables
    a = q.select(t).where(t.c.id.in_([1, 2]))._generate_cache_key()
    b = q.select(t).where(t.c.id.in_([1, 2, 3, 4]))._generate_cache_key()
    assert a == b


def test_compile_cache_reuses_compiled(tables, monkeypatch):
    t, _ = tables
    d = sqlite_dialect()
    count = 0
    orig = SQLCompiler.__init__

    def counting(self, *a, **kw):
        nonlocal count
        count += 1
        orig(self, *a, **kw)

    monkeypatch.setattr(SQLCompiler, "__init__", counting)
    cache: dict = {}
    results = []
    for i in range(5):
        stmt = q.select(t).where(t.c.id == i).limit(i + 1)
        compiled, extracted, hit = stmt._compile_w_cache(
            d, compiled_cache=cache, column_keys=None
        )
        results.append((hit, compiled.construct_params(extracted_parameters=extracted)))
    assert count == 1
    assert [h for h, _ in results] == ["generated"] + ["cached"] * 4
    assert results[3][1] == {"id_1": 3, "param_1": 4, "param_2": 0}


def test_uncacheable_type_decorator(tables):
    class NoCache(TypeDecorator):
        impl = String

    m = MetaData()
    t = Table("x", m, Column("a", NoCache()))
    assert q.select(t).where(t.c.a == "x")._generate_cache_key() is None
    compiled, extracted, hit = q.select(t)._compile_w_cache(
        sqlite_dialect(), compiled_cache={}, column_keys=None
    )
    assert hit == "generated"
    _, _, hit = (
        q.select(t)
        .where(t.c.a == "x")
        ._compile_w_cache(sqlite_dialect(), compiled_cache={}, column_keys=None)
    )
    assert hit == "uncacheable"


def test_construct_params_user_overrides_and_required(tables):
    t, _ = tables
    c = q.select(t).where(t.c.id == q.bindparam("ident")).compile()
    assert c.construct_params({"ident": 3}) == {"ident": 3}
    with pytest.raises(
        exc.InvalidRequestError, match="A value is required for bind parameter 'ident'"
    ):
        c.construct_params()


def test_insert_column_keys_and_prefetch(tables):
    t, _ = tables
    c = q.insert(t).compile(dialect=sqlite_dialect(), column_keys=["name"])
    assert c.string == "INSERT INTO t (name, n) VALUES (?, ?)"
    assert c.prefetch == [("n", t.c.n, True)]
    assert c.column_bind_names == {t.c.name: "name", t.c.n: "n"}
    assert c.implicit_returning is None
    pg = q.insert(t).compile(dialect=pg_dialect(), column_keys=["name"])
    assert (
        pg.string == "INSERT INTO t (name, n) VALUES (%(name)s, %(n)s) RETURNING t.id"
    )
    assert pg.implicit_returning == [t.c.id]
    many = q.insert(t).compile(
        dialect=pg_dialect(), column_keys=["name"], for_executemany=True
    )
    assert many.implicit_returning is None and "RETURNING" not in many.string


def test_expanding_in_positional(tables):
    t, _ = tables
    c = (
        q.select(t.c.id)
        .where(t.c.id.in_([1, 2, 3]), t.c.name == "a")
        .compile(dialect=sqlite_dialect())
    )
    params = c.construct_params()
    string, new_params, pos = c._render_expanding(params)
    assert string.endswith("WHERE t.id IN (?, ?, ?) AND t.name = ?")
    assert [new_params[n] for n in pos] == [1, 2, 3, "a"]
    c2 = q.select(t.c.id).where(t.c.id.in_([])).compile(dialect=sqlite_dialect())
    string, _, pos = c2._render_expanding(c2.construct_params())
    assert "IN (SELECT 1 FROM (SELECT 1) WHERE 1!=1)" in string and pos == []


def test_numeric_dollar(tables):
    t, _ = tables
    c = (
        q.select(t.c.id)
        .where(t.c.id.in_([1, 2]), t.c.name == "a")
        .compile(dialect=pg_dialect(paramstyle="numeric_dollar"))
    )
    assert c.string.endswith("WHERE t.id IN (__[POSTCOMPILE_id_1]) AND t.name = $2")
    string, params, pos = c._render_expanding(c.construct_params())
    assert string.endswith("WHERE t.id IN ($1, $2) AND t.name = $3")
    assert [params[n] for n in pos] == [1, 2, "a"]


def test_literal_binds_escape_quotes(tables):
    t, _ = tables
    s = q.select(t.c.id).where(t.c.name == "o'hara", t.c.id.in_([1, 2]))
    sql = str(s.compile(compile_kwargs={"literal_binds": True}))
    assert sql.endswith("WHERE t.name = 'o''hara' AND t.id IN (1, 2)")


def test_unsupported_literal_raises(tables):
    t, _ = tables
    with pytest.raises(exc.ArgumentError):
        t.c.id == object()  # noqa: B015


def _proc(type_, dialect=None, key="col"):
    return type_._named_bind_processor(dialect or sqlite_dialect(), key)


@pytest.mark.parametrize(
    "type_, bad",
    [
        (Integer(), "1"),
        (Integer(), 1.5),
        (Integer(), True),
        (String(3), 5),
        (String(3), "abcd"),
        (Boolean(), "yes"),
        (DateTime(), "2024-01-01"),
        (Date(), 5),
        (Numeric(), "1.5"),
        (LargeBinary(), "x"),
        (Uuid(), 12),
    ],
)
def test_bind_type_checks(type_, bad):
    for dialect in (sqlite_dialect(), pg_dialect()):
        proc = _proc(type_, dialect)
        with pytest.raises(BindTypeError, match="column 'col'") as ei:
            proc(bad)
        assert type(bad).__name__ in str(ei.value)


def test_bind_accepts_good_values():
    p = _proc(Integer())
    assert (
        p(3) == 3 and p(2.0) == 2 and p(None) is None and p(decimal.Decimal("4")) == 4
    )
    assert _proc(String(3))("abc") == "abc"


@pytest.mark.parametrize(
    "type_, value",
    [
        (DateTime(), dt.datetime(2024, 1, 2, 3, 4, 5, 6)),
        (Date(), dt.date(2024, 1, 2)),
        (Time(), dt.time(3, 4, 5, 6)),
        (Interval(), dt.timedelta(days=2, seconds=5, microseconds=3)),
        (Numeric(10, 2), decimal.Decimal("12.30")),
        (Boolean(), True),
        (Uuid(), uuid.UUID("12345678123456781234567812345678")),
        (JSON(), {"a": [1, 2, None]}),
        (LargeBinary(), b"\x00\x01"),
        (Enum("a", "b"), "b"),
    ],
)
def test_sqlite_round_trip(type_, value):
    d = sqlite_dialect()
    bind = type_._named_bind_processor(d, "c")
    res = type_._cached_result_processor(d, None)
    stored = bind(value) if bind else value
    db = sqlite3.connect(":memory:")
    ddl = d.type_compiler_instance.process(type_)
    db.execute(f"CREATE TABLE x (c {ddl})")
    db.execute("INSERT INTO x VALUES (?)", (stored,))
    (raw,) = db.execute("SELECT c FROM x").fetchone()
    assert (res(raw) if res else raw) == value


def test_sqlite_datetime_storage_format():
    d = sqlite_dialect()
    p = DateTime()._named_bind_processor(d, "c")
    assert p(dt.datetime(2024, 1, 2, 3, 4, 5, 6)) == "2024-01-02 03:04:05.000006"
    assert Uuid()._named_bind_processor(d, "c")(uuid.UUID(int=1)) == "0" * 31 + "1"


def test_run_compiled_against_sqlite3(tables):
    t, u = tables
    d = sqlite_dialect()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(5), n INTEGER)")
    db.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER)")

    def run(stmt, params=None, column_keys=None):
        c = stmt.compile(dialect=d, column_keys=column_keys)
        p = c.construct_params(params)
        for k, fn in c.bind_processors.items():
            if k in p:
                p[k] = fn(p[k])
        string, pos = c.string, c.positiontup
        if c._has_expanding:
            string, p, pos = c._render_expanding(p)
        return db.execute(string, [p[n] for n in pos]).fetchall()

    for i, name in enumerate(["a", "b", "c"], 1):
        run(
            q.insert(t),
            {"id": i, "name": name, "n": i * 10},
            column_keys=["id", "name", "n"],
        )
    run(q.insert(u).values(id=1, t_id=2))
    assert run(q.select(t.c.name).where(t.c.id.in_([1, 3])).order_by(t.c.id)) == [
        ("a",),
        ("c",),
    ]
    assert run(q.select(t.c.name).select_from(t).join(u)) == [("b",)]
    assert run(q.select(q.func.count()).select_from(t).where(t.c.n > 10)) == [(2,)]
    run(q.update(t).where(t.c.id == 1).values(name="z"))
    assert run(q.select(t.c.name).where(t.c.id == 1)) == [("z",)]
    run(q.delete(t).where(t.c.name.startswith("c")))
    assert run(q.select(q.func.count(t.c.id))) == [(2,)]
