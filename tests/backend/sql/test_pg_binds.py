"""Binds whose type the server must infer run on every backend.

psycopg 3 binds server-side, so PostgreSQL has to know each parameter's type:
an untyped ``$1`` in ``SELECT $1 + $2`` or ``coalesce($1, 0)`` fails with
"could not determine data type of parameter".  The PostgreSQL compiler
renders ``%(x)s::TYPE`` for the types that need it (as SQLAlchemy's psycopg
dialect does); each case here runs on SQLite and PostgreSQL and checks the
value.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, Callable, Iterator

import pytest

from quicksilver import (
    JSON,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Uuid,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    text,
    tuple_,
    update,
)

metadata = MetaData()
binds = Table(
    "pgb_values",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("s", String(20)),
    Column("n", Numeric(10, 2)),
    Column("d", Date),
    Column("ts", DateTime),
    Column("u", Uuid),
    Column("j", JSON),
    Column("jn", JSON(none_as_null=True)),
)
ROW = {
    "id": 1,
    "s": "abc",
    "n": decimal.Decimal("2.50"),
    "d": dt.date(2024, 1, 2),
    "ts": dt.datetime(2024, 1, 2, 3, 4, 5),
    "u": uuid.UUID(int=7),
    "j": {"a": 1, "b": {"c": [1, 2]}, "s": "x"},
    "jn": [1],
}


@pytest.fixture(scope="module", autouse=True)
def _tables(engine: Any) -> Iterator[None]:
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(binds), ROW)
    yield
    metadata.drop_all(engine)


t = binds.c
CASES: dict[str, tuple[Callable[[], Any], Any]] = {
    "literal_plus_literal": (lambda: select(literal(1) + literal(2)), 3),
    "literal_eq_literal": (lambda: select(literal(1) == literal(1)), True),
    "literal_str": (lambda: select(literal("abc")), "abc"),
    "literal_concat": (lambda: select(literal("a") + "b"), "ab"),
    "literal_none": (lambda: select(literal(None)), None),
    "literal_date": (lambda: select(literal(dt.date(2020, 1, 2))), dt.date(2020, 1, 2)),
    "literal_uuid": (lambda: select(literal(uuid.UUID(int=5))), uuid.UUID(int=5)),
    "literal_json": (lambda: select(literal({"a": [1]}, JSON)), {"a": [1]}),
    "coalesce_bindparam_typed": (
        lambda: select(func.coalesce(bindparam("x", 5, type_=Integer), 0)),
        5,
    ),
    "coalesce_null_literal": (lambda: select(func.coalesce(None, literal(4))), 4),
    "func_lower_literal": (lambda: select(func.lower("ABC")), "abc"),
    "func_length_literal": (lambda: select(func.length("ABC")), 3),
    "case_literals": (
        lambda: select(case((literal(1) > 0, literal(3)), else_=literal(4))),
        3,
    ),
    "between_literals": (lambda: select(literal(3).between(1, 5)), True),
    "like_literals": (lambda: select(literal("abc").like("a%")), True),
    "cast_str_to_int": (lambda: select(cast(literal("5"), Integer)), 5),
    "cast_int_to_str": (lambda: select(cast(5, String)), "5"),
    "scalar_subquery_plus": (
        lambda: select(select(literal(1)).scalar_subquery() + 1),
        2,
    ),
    "text_typed_bind": (
        lambda: select(text(":x + 1").bindparams(bindparam("x", 4, type_=Integer))),
        5,
    ),
    "column_compare_bindparam": (
        lambda: select(t.id).where(t.id == bindparam("ident", 1)),
        1,
    ),
    "numeric_plus_int": (lambda: select(t.n + 1), decimal.Decimal("3.50")),
    "date_compare": (lambda: select(t.id).where(t.d >= dt.date(2024, 1, 1)), 1),
    "datetime_plus_timedelta": (
        lambda: select(t.ts + dt.timedelta(days=1)),
        dt.datetime(2024, 1, 3, 3, 4, 5),
    ),
    "datetime_minus_timedelta_compare": (
        lambda: select(t.id).where(t.ts - dt.timedelta(days=1) < t.ts),
        1,
    ),
    "uuid_compare": (lambda: select(t.id).where(t.u == uuid.UUID(int=7)), 1),
    "in_list": (lambda: select(t.id).where(t.id.in_([1, 2])), 1),
    "in_strings": (lambda: select(t.id).where(t.s.in_(["abc", "x"])), 1),
    "in_empty": (lambda: select(func.count()).where(t.id.in_([])), 0),
    "tuple_in": (lambda: select(t.id).where(tuple_(t.id, t.s).in_([(1, "abc")])), 1),
    "json_index_str": (lambda: select(t.j["a"]), 1),
    "json_index_nested": (lambda: select(t.j["b"]["c"]), [1, 2]),
    "json_path": (lambda: select(t.j[("b", "c", 1)]), 2),
    "json_as_string": (lambda: select(t.j["s"].as_string()), "x"),
    "json_as_integer": (lambda: select(t.j["a"].as_integer() + 1), 2),
    "json_path_as_integer": (lambda: select(t.j[("b", "c", 0)].as_integer()), 1),
    "limit_offset": (lambda: select(t.id).limit(1).offset(0), 1),
}


#: SQLite stores dates as text and has no date arithmetic (nor does
#: SQLAlchemy emulate it)
_DATE_ARITHMETIC = {"datetime_plus_timedelta", "datetime_minus_timedelta_compare"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bind_runs(connection: Any, name: str) -> None:
    if name in _DATE_ARITHMETIC and connection.dialect.name == "sqlite":
        pytest.skip("SQLite has no date arithmetic")
    build, expected = CASES[name]
    assert connection.execute(build()).scalar() == expected


def test_json_index_values_not_cached(connection: Any) -> None:
    """One cached statement shape, new index values each time."""
    for key, expected in (("a", 1), ("s", "x")):
        assert connection.execute(select(t.j[key])).scalar() == expected
    for path, expected in ((("b", "c", 0), 1), (("b", "c", 1), 2)):
        assert connection.execute(select(t.j[path])).scalar() == expected


def _stored_json(connection: Any, column: Any, row_id: int) -> Any:
    """The stored JSON as text: ``'null'`` for JSON null, None for SQL NULL."""
    return connection.execute(
        select(cast(column, String)).where(t.id == row_id)
    ).scalar_one()


def test_json_none_is_json_null(connection: Any) -> None:
    connection.execute(insert(binds), {"id": 10, "j": None, "jn": None})
    connection.execute(insert(binds).values(id=11, j=None, jn=None))
    for row_id in (10, 11):
        assert _stored_json(connection, binds.c.j, row_id) == "null"
        assert _stored_json(connection, binds.c.jn, row_id) is None


def test_json_null_constant_and_sql_null(connection: Any) -> None:
    connection.execute(insert(binds).values(id=12, j=null(), jn=JSON.NULL))
    assert _stored_json(connection, binds.c.j, 12) is None
    assert _stored_json(connection, binds.c.jn, 12) == "null"
    connection.execute(update(binds).where(binds.c.id == 12).values(j=JSON.NULL))
    assert _stored_json(connection, binds.c.j, 12) == "null"


def test_json_none_executemany(connection: Any) -> None:
    connection.execute(
        insert(binds), [{"id": 13, "j": None}, {"id": 14, "j": {"k": None}}]
    )
    assert _stored_json(connection, binds.c.j, 13) == "null"
    assert connection.execute(select(binds.c.j).where(t.id == 14)).scalar() == {
        "k": None
    }


def test_json_omitted_is_sql_null(connection: Any) -> None:
    connection.execute(insert(binds), {"id": 15})
    assert _stored_json(connection, binds.c.j, 15) is None
    assert (
        connection.execute(
            select(func.count()).where(binds.c.j.is_(None), t.id == 15)
        ).scalar()
        == 1
    )
