"""VALUES, FETCH, JSON index / path access, TABLESAMPLE and PostgreSQL arrays
run on each backend; the rows that come back are checked.

TABLESAMPLE and ARRAY tests need PostgreSQL and skip on SQLite.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator

import pytest

from quicksilver import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    all_,
    any_,
    case,
    column,
    desc,
    extract,
    func,
    insert,
    literal,
    select,
    tablesample,
    values,
)
from quicksilver.dialects import postgresql as pg

metadata = MetaData()
items = Table(
    "gx_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
    Column("doc", JSON),
)
pg_metadata = MetaData()
tagged = Table(
    "gx_tagged",
    pg_metadata,
    Column("id", Integer, primary_key=True),
    Column("tags", pg.ARRAY(Integer)),
)

ITEMS = [
    {"id": 1, "name": "one", "doc": {"a": "x", "n": 5, "o": {"b": 7}, "l": [10, 20]}},
    {"id": 2, "name": "two", "doc": {"a": "y", "n": 2, "o": {"b": 8}, "l": [30]}},
    {"id": 3, "name": "three", "doc": {"a": "x", "n": 9, "o": {"b": 9}, "l": []}},
]
TAGGED = [
    {"id": 1, "tags": [1, 2, 3]},
    {"id": 2, "tags": [2, 5]},
    {"id": 3, "tags": [7]},
]


@pytest.fixture(scope="module", autouse=True)
def _tables(engine: Any) -> Iterator[None]:
    metadata.drop_all(engine)
    metadata.create_all(engine)
    is_pg = engine.dialect.name == "postgresql"
    if is_pg:
        pg_metadata.drop_all(engine)
        pg_metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(items), ITEMS)
        if is_pg:
            conn.execute(insert(tagged), TAGGED)
    yield
    metadata.drop_all(engine)
    if is_pg:
        pg_metadata.drop_all(engine)


def _rows(connection: Any, stmt: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in connection.execute(stmt)]


def _postgresql_only(connection: Any) -> None:
    if connection.dialect.name != "postgresql":
        pytest.skip("PostgreSQL feature")


def _pairs(*rows: tuple[Any, ...], name: str = "v") -> Any:
    return values(column("a", Integer), column("b", String), name=name).data(rows)


# -- 1. VALUES -----------------------------------------------------------------
def test_values_as_from(connection: Any) -> None:
    v = _pairs((1, "x"), (2, "y"))
    assert _rows(connection, select(v).order_by(v.c.a)) == [(1, "x"), (2, "y")]
    assert _rows(connection, select(v.c.b).where(v.c.a > 1)) == [("y",)]


def test_values_join_and_select_from(connection: Any) -> None:
    v = _pairs((1, "uno"), (3, "tres"))
    stmt = select(items.c.name, v.c.b).join(v, v.c.a == items.c.id).order_by(v.c.a)
    assert _rows(connection, stmt) == [("one", "uno"), ("three", "tres")]
    stmt = (
        select(items.c.name).select_from(v).where(v.c.a == items.c.id, v.c.b == "tres")
    )
    assert _rows(connection, stmt) == [("three",)]


def test_values_literal_binds(connection: Any) -> None:
    v = values(
        column("a", Integer), column("b", String), name="lv", literal_binds=True
    ).data([(2, "it's"), (3, "z")])
    stmt = select(items.c.id, v.c.b).join(v, v.c.a == items.c.id).order_by(v.c.a)
    assert "it''s" in str(stmt.compile(connection))
    assert _rows(connection, stmt) == [(2, "it's"), (3, "z")]


def test_values_scalar_in_and_subquery(connection: Any) -> None:
    ids = values(column("a", Integer), name="w").data([(2,), (3,)])
    stmt = select(items.c.id).where(items.c.id.in_(ids.scalar_values()))
    assert sorted(_rows(connection, stmt)) == [(2,), (3,)]
    v = _pairs((1, "x"), (5, "y"), (7, "z"))
    sq = select(v).where(v.c.a > 1).subquery()
    assert sorted(_rows(connection, select(sq.c.b))) == [("y",), ("z",)]
    anon = values(column("a", Integer)).data([(4,), (6,)]).alias("q")
    assert _rows(connection, select(anon.c.a).order_by(anon.c.a)) == [(4,), (6,)]


def test_values_same_shape_new_data_not_served_from_cache(connection: Any) -> None:
    for rows in ([(1, "p"), (2, "q")], [(3, "r"), (4, "s")]):
        v = _pairs(*rows)
        assert _rows(connection, select(v).order_by(v.c.a)) == rows


def test_insert_from_values(connection: Any) -> None:
    v = _pairs((10, "ten"), (11, "eleven"))
    connection.execute(items.insert().from_select(["id", "name"], select(v)))
    stmt = select(items.c.name).where(items.c.id >= 10).order_by(items.c.id)
    assert _rows(connection, stmt) == [("ten",), ("eleven",)]


# -- 5. FETCH ------------------------------------------------------------------
def test_fetch_first(connection: Any) -> None:
    stmt = select(items.c.id).order_by(items.c.id).fetch(2)
    assert _rows(connection, stmt) == [(1,), (2,)]
    stmt = select(items.c.id).order_by(items.c.id).offset(1).fetch(1)
    assert _rows(connection, stmt) == [(2,)]
    # limit() after fetch() replaces it, as in SQLAlchemy
    stmt = select(items.c.id).order_by(items.c.id).fetch(1).limit(3)
    assert _rows(connection, stmt) == [(1,), (2,), (3,)]


def test_fetch_with_ties_postgresql(connection: Any) -> None:
    _postgresql_only(connection)
    stmt = (
        select(items.c.id)
        .order_by(items.c.doc["a"].as_string())
        .fetch(1, with_ties=True)
    )
    assert sorted(_rows(connection, stmt)) == [(1,), (3,)]


# -- 4. JSON index and path access ---------------------------------------------
def test_json_index_as_scalars(connection: Any) -> None:
    doc = items.c.doc
    stmt = select(items.c.id).where(doc["a"].as_string() == "x").order_by(items.c.id)
    assert _rows(connection, stmt) == [(1,), (3,)]
    stmt = select(items.c.id).where(doc["n"].as_integer() > 4).order_by(items.c.id)
    assert _rows(connection, stmt) == [(1,), (3,)]
    stmt = select(doc["n"].as_integer()).where(items.c.id == 2)
    assert connection.execute(stmt).scalar() == 2


def test_json_index_returns_json(connection: Any) -> None:
    doc = items.c.doc
    assert connection.execute(select(doc["o"]).where(items.c.id == 1)).scalar() == {
        "b": 7
    }
    stmt = select(doc["l"]).where(items.c.id == 1)
    assert connection.execute(stmt).scalar() == [10, 20]


def test_json_path(connection: Any) -> None:
    doc = items.c.doc
    stmt = select(doc[("o", "b")]).where(items.c.id == 2)
    assert connection.execute(stmt).scalar() == 8
    stmt = select(items.c.id).where(doc[("o", "b")].as_integer() >= 8)
    assert sorted(_rows(connection, stmt)) == [(2,), (3,)]
    stmt = select(doc[("l", 1)].as_integer()).where(items.c.id == 1)
    assert connection.execute(stmt).scalar() == 20


# -- 2. TABLESAMPLE (PostgreSQL) ------------------------------------------------
def test_tablesample_postgresql(connection: Any) -> None:
    _postgresql_only(connection)
    everything = tablesample(items, func.bernoulli(100), name="s", seed=literal(1))
    assert (
        connection.execute(select(func.count()).select_from(everything)).scalar() == 3
    )
    nothing = items.tablesample(func.system(0))
    assert _rows(connection, select(nothing.c.id)) == []
    sampled = items.tablesample(100.0, name="all_rows")
    stmt = select(sampled.c.name).order_by(sampled.c.id)
    assert _rows(connection, stmt) == [("one",), ("two",), ("three",)]


# -- 3. ARRAY, array(), any_ / all_ (PostgreSQL) -----------------------------------
def test_any_all_with_arrays(connection: Any) -> None:
    _postgresql_only(connection)
    stmt = select(items.c.id).where(items.c.id == any_(pg.array([1, 3])))
    assert sorted(_rows(connection, stmt)) == [(1,), (3,)]
    stmt = select(tagged.c.id).where(tagged.c.id == any_(tagged.c.tags))
    assert sorted(_rows(connection, stmt)) == [(1,), (2,)]
    stmt = select(tagged.c.id).where(5 == any_(tagged.c.tags))
    assert _rows(connection, stmt) == [(2,)]
    stmt = select(tagged.c.id).where(tagged.c.id < all_(tagged.c.tags))
    assert sorted(_rows(connection, stmt)) == [(3,)]
    stmt = select(tagged.c.id).where(any_(tagged.c.tags) > 4)
    assert sorted(_rows(connection, stmt)) == [(2,), (3,)]


def test_array_literal(connection: Any) -> None:
    _postgresql_only(connection)
    assert connection.execute(select(pg.array([1, 2, 3]))).scalar() == [1, 2, 3]
    assert connection.execute(select(pg.array([1, 2, 3])[2])).scalar() == 2
    empty = pg.array([], type_=Integer)
    assert connection.execute(select(empty)).scalar() == []


def test_array_comparators(connection: Any) -> None:
    _postgresql_only(connection)
    tags = tagged.c.tags
    assert _rows(connection, select(tags[1]).order_by(tagged.c.id)) == [
        (1,),
        (2,),
        (7,),
    ]
    assert connection.execute(select(tags[2:3]).where(tagged.c.id == 1)).scalar() == [
        2,
        3,
    ]
    stmt = select(tagged.c.id).where(tags.contains([2])).order_by(tagged.c.id)
    assert _rows(connection, stmt) == [(1,), (2,)]
    stmt = select(tagged.c.id).where(tags.contained_by([2, 5, 7, 9]))
    assert sorted(_rows(connection, stmt)) == [(2,), (3,)]
    stmt = select(tagged.c.id).where(tags.overlap([3, 7]))
    assert sorted(_rows(connection, stmt)) == [(1,), (3,)]
    stmt = select(tagged.c.id).where(tags.any(5))
    assert _rows(connection, stmt) == [(2,)]
    stmt = select(tagged.c.id).where(tags.contains(pg.array([1, 2])))
    assert _rows(connection, stmt) == [(1,)]


# -- found by probing Core constructs against SQLAlchemy ---------------------------
def test_recursive_cte_union_all(connection: Any) -> None:
    nums = select(literal(1).label("n")).cte("nums", recursive=True)
    nums = nums.union_all(select(nums.c.n + 1).where(nums.c.n < 4))
    assert _rows(connection, select(nums.c.n).order_by(nums.c.n)) == [
        (1,),
        (2,),
        (3,),
        (4,),
    ]
    base = select(items.c.id).where(items.c.id == 1).cte("walk", recursive=True)
    step = base.alias("prev")
    walk = base.union_all(select(items.c.id).join(step, items.c.id == step.c.id + 1))
    assert _rows(connection, select(walk.c.id).order_by(walk.c.id)) == [
        (1,),
        (2,),
        (3,),
    ]


def test_case_with_value_and_desc_label(connection: Any) -> None:
    stmt = select(case({1: "one", 2: "two"}, value=items.c.id, else_="many")).order_by(
        items.c.id
    )
    assert _rows(connection, stmt) == [("one",), ("two",), ("many",)]
    stmt = select(items.c.name.label("n")).order_by(desc("n"))
    assert _rows(connection, stmt) == [("two",), ("three",), ("one",)]


def test_unary_columns_unlabeled(connection: Any) -> None:
    row = connection.execute(
        select(-items.c.id, items.c.id.bitwise_not()).where(items.c.id == 2)
    ).one()
    assert tuple(row) == (-2, -3)


def test_bitwise_operators(connection: Any) -> None:
    i = items.c.id
    stmt = select(
        i.bitwise_and(1),
        i.bitwise_or(4),
        i.bitwise_xor(1),
        i.bitwise_lshift(1),
        i.bitwise_rshift(1),
    ).order_by(i)
    assert _rows(connection, stmt) == [
        (1, 5, 0, 2, 0),
        (0, 6, 3, 4, 1),
        (1, 7, 2, 6, 1),
    ]


def test_extract_and_regexp(connection: Any) -> None:
    born = literal(dt.date(1990, 5, 6))
    assert connection.execute(select(extract("year", born))).scalar() == 1990
    assert connection.execute(select(extract("month", born))).scalar() == 5
    stmt = (
        select(items.c.id).where(items.c.name.regexp_match("^t")).order_by(items.c.id)
    )
    assert _rows(connection, stmt) == [(2,), (3,)]


def test_insert_prefix_for_one_dialect(connection: Any) -> None:
    stmt = insert(items).prefix_with("OR IGNORE", dialect="sqlite").values(id=1)
    if connection.dialect.name == "sqlite":
        connection.execute(stmt)  # the duplicate is ignored
        assert connection.execute(select(func.count()).select_from(items)).scalar() == 3
    else:
        assert "OR IGNORE" not in str(stmt.compile(connection))
