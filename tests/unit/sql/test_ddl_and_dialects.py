"""DDL per dialect, create_all ordering, dialect-specific constructs."""

from __future__ import annotations

import enum
import sqlite3

import pytest

import quicksilver.sql as q
from quicksilver import exc
from quicksilver.dialects.postgresql import dml as pg_dml
from quicksilver.dialects.postgresql import types as pg_types
from quicksilver.dialects.sqlite import dml as sqlite_dml
from quicksilver.schema import (
    CheckConstraint,
    Column,
    CreateIndex,
    CreateTable,
    ForeignKey,
    MetaData,
    Table,
    UniqueConstraint,
)
from quicksilver.types import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    Enum,
    Float,
    Integer,
    Interval,
    LargeBinary,
    Numeric,
    String,
    Text,
    Time,
    Uuid,
)
from tests.harness.assertsql import assert_compile, pg_dialect, sqlite_dialect

sa = pytest.importorskip("sqlalchemy")


class Color(enum.Enum):
    red = 1
    green = 2


def _md(lib, types, E):
    m = lib.MetaData()
    lib.Table(
        "t",
        m,
        lib.Column("id", types.Integer, primary_key=True),
        lib.Column(
            "name",
            types.String(20),
            nullable=False,
            server_default="x",
            index=True,
            unique=True,
        ),
        lib.Column("ts", types.DateTime(timezone=True)),
        lib.Column("e", types.Enum(E)),
        lib.Column("d", types.Numeric(10, 2)),
        lib.Column("f", types.Float),
        lib.Column("b", types.Boolean),
        lib.Column("j", types.JSON),
        lib.Column("u", types.Uuid),
        lib.Column("bin", types.LargeBinary),
        lib.Column("dbl", types.Double),
        lib.Column("iv", types.Interval),
        lib.Column("tx", types.Text),
        lib.Column("dt", types.Date),
        lib.Column("tm", types.Time),
    )
    lib.Table(
        "u",
        m,
        lib.Column("id", types.BigInteger, primary_key=True),
        lib.Column("t_id", lib.ForeignKey("t.id", ondelete="CASCADE")),
        lib.UniqueConstraint("t_id", name="uq1"),
        lib.CheckConstraint("id > 0", name="ck1"),
        sqlite_autoincrement=True,
    )
    return m


def test_ddl_matches_sqlalchemy():
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex as SACreateIndex
    from sqlalchemy.schema import CreateTable as SACreateTable

    import quicksilver.schema as qs
    import quicksilver.types as qt

    sam = _md(sa, sa, Color)
    qsm = _md(qs, qt, Color)
    for sad, qd in (
        (sqlite.dialect(), sqlite_dialect()),
        (postgresql.psycopg2.dialect(), pg_dialect()),
    ):
        for name in ("t", "u"):
            exp = str(SACreateTable(sam.tables[name]).compile(dialect=sad))
            got = str(CreateTable(qsm.tables[name]).compile(dialect=qd))
            assert got == exp
        exp_i = sorted(
            str(SACreateIndex(i).compile(dialect=sad)) for i in sam.tables["t"].indexes
        )
        got_i = sorted(
            str(CreateIndex(i).compile(dialect=qd)) for i in qsm.tables["t"].indexes
        )
        assert got_i == exp_i


def test_sorted_tables_and_cycle():
    m = MetaData()
    c = Table(
        "c",
        m,
        Column("id", Integer, primary_key=True),
        Column("b_id", ForeignKey("b.id")),
    )
    a = Table("a", m, Column("id", Integer, primary_key=True))
    b = Table(
        "b",
        m,
        Column("id", Integer, primary_key=True),
        Column("a_id", ForeignKey("a.id")),
    )
    assert m.sorted_tables == [a, b, c]
    Table("a", m, Column("c_id", ForeignKey("c.id")), extend_existing=True)
    with pytest.raises(exc.CircularDependencyError, match="a, b, c"):
        m.sorted_tables  # noqa: B018


class _FakeDialect:
    def __init__(self, real):
        self.real = real
        self.tables: set = set()

    def __getattr__(self, k):
        return getattr(self.real, k)

    def has_table(self, conn, name, schema=None):
        return name in self.tables


class _FakeConn:
    """Duck-typed Connection: executes compiled DDL on sqlite3."""

    def __init__(self):
        self.db = sqlite3.connect(":memory:")
        self.dialect = _FakeDialect(sqlite_dialect())
        self.log: list[str] = []

    def execute(self, stmt):
        sql = str(stmt.compile(dialect=self.dialect.real)).strip()
        self.log.append(sql)
        self.db.execute(sql)
        if isinstance(stmt, CreateTable):
            self.dialect.tables.add(stmt.element.name)


def test_create_all_on_duck_connection():
    m = MetaData()
    Table(
        "child",
        m,
        Column("id", Integer, primary_key=True),
        Column("p_id", ForeignKey("parent.id"), index=True),
    )
    Table("parent", m, Column("id", Integer, primary_key=True), Column("x", String(5)))
    conn = _FakeConn()
    m.create_all(conn)
    assert [s.split()[2] for s in conn.log] == ["parent", "child", "ix_child_p_id"]
    conn.log.clear()
    m.create_all(conn)  # checkfirst: nothing to do
    assert conn.log == []


def test_pg_enum_create_type_and_serial():
    m = MetaData()
    t = Table("t", m, Column("id", Integer, primary_key=True), Column("c", Enum(Color)))
    from quicksilver.dialects.postgresql.compiler import CreateEnumType

    assert str(CreateEnumType(t.c.c.type).compile(dialect=pg_dialect())) == (
        "CREATE TYPE color AS ENUM ('red', 'green')"
    )


def test_pg_on_conflict():
    m = MetaData()
    t = Table(
        "t", m, Column("id", Integer, primary_key=True), Column("name", String(10))
    )
    stmt = pg_dml.insert(t).values(id=1, name="a")
    s2 = stmt.on_conflict_do_update(
        index_elements=[t.c.id], set_={"name": stmt.excluded.name}
    )
    assert_compile(
        s2,
        "INSERT INTO t (id, name) VALUES (%(id)s, %(name)s) ON CONFLICT (id) "
        "DO UPDATE SET name = excluded.name",
        dialect="postgresql",
    )
    assert_compile(
        pg_dml.insert(t).values(id=1).on_conflict_do_nothing(),
        "INSERT INTO t (id) VALUES (?) ON CONFLICT DO NOTHING",
        dialect="sqlite",
    )
    s3 = (
        sqlite_dml.insert(t)
        .values(id=1)
        .on_conflict_do_update(
            index_elements=["id"], set_={"name": "b"}, where=t.c.name != "c"
        )
    )
    c = assert_compile(
        s3,
        "INSERT INTO t (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET name = ? "
        "WHERE t.name != ?",
        dialect="sqlite",
    )
    assert c.construct_params() == {"id": 1, "param_1": "b", "name_1": "c"}


def test_for_update_pg_only():
    m = MetaData()
    t = Table("t", m, Column("id", Integer, primary_key=True))
    s = q.select(t).with_for_update(nowait=True, of=t)
    assert_compile(s, "SELECT t.id FROM t FOR UPDATE OF t NOWAIT", dialect="postgresql")
    assert_compile(s, "SELECT t.id FROM t", dialect="sqlite")
    assert_compile(
        q.select(t).with_for_update(skip_locked=True, read=True),
        "SELECT t.id FROM t FOR SHARE SKIP LOCKED",
        dialect="postgresql",
    )


def test_pg_array_and_json():
    m = MetaData()
    t = Table("t", m, Column("a", pg_types.ARRAY(Integer)), Column("j", pg_types.JSONB))
    assert_compile(
        q.select(t.c.a[1]), "SELECT t.a[%(a_1)s] AS anon_1 FROM t", dialect="postgresql"
    )
    assert_compile(
        q.select(t).where(t.c.a.any(5)),
        "SELECT t.a, t.j FROM t WHERE %(a_1)s = ANY (t.a)",
        dialect="postgresql",
    )
    assert_compile(
        q.select(t).where(t.c.a.contains([1, 2])),
        "SELECT t.a, t.j FROM t WHERE t.a @> %(a_1)s",
        dialect="postgresql",
    )
    assert_compile(
        q.select(t.c.j["k"]),
        "SELECT t.j[%(j_1)s] AS anon_1 FROM t",
        dialect="postgresql",
    )


def test_ilike_per_dialect():
    m = MetaData()
    t = Table("t", m, Column("name", String))
    assert_compile(
        q.select(t).where(t.c.name.ilike("a")),
        "SELECT t.name FROM t WHERE t.name ILIKE %(name_1)s",
        dialect="postgresql",
    )
    assert_compile(
        q.select(t).where(t.c.name.ilike("a")),
        "SELECT t.name FROM t WHERE lower(t.name) LIKE lower(?)",
        dialect="sqlite",
    )


def test_table_redefinition_and_errors():
    m = MetaData()
    Table("t", m, Column("id", Integer, primary_key=True))
    with pytest.raises(exc.InvalidRequestError, match="already defined"):
        Table("t", m, Column("x", Integer))
    t = Table("t", m, Column("x", Integer), extend_existing=True)
    assert list(t.c.keys()) == ["id", "x"]
    assert Table("t", m) is t
    a = Table("a", m, Column("id", Integer, primary_key=True))
    with pytest.raises(exc.NoForeignKeysError):
        q.select(a).join(t).compile()


def test_unnamed_column_later_named():
    c = Column(Integer, primary_key=True)
    c.name = c.key = "id"
    m = MetaData()
    t = Table("t", m, c)
    assert_compile(q.select(t), "SELECT t.id FROM t")


_unused = (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    Float,
    Interval,
    LargeBinary,
    Numeric,
    Text,
    Time,
    Uuid,
    UniqueConstraint,
    CheckConstraint,
)
