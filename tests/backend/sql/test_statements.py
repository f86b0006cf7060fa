"""SQL constructs run against each backend; the rows that come back are checked."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from quicksilver import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    column,
    delete,
    exc,
    exists,
    func,
    insert,
    literal,
    not_,
    null,
    or_,
    select,
    text,
    union,
    union_all,
    update,
)

metadata = MetaData()
users = Table(
    "sq_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(30), nullable=False),
    Column("age", Integer),
    Column("order", String(10)),  # a reserved word as a column name
)
addresses = Table(
    "sq_addresses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("sq_users.id")),
    Column("email", String(50)),
)

USERS = [
    {"id": 1, "name": "ann", "age": 30, "order": "a"},
    {"id": 2, "name": "bob", "age": 25, "order": "b"},
    {"id": 3, "name": "cy", "age": None, "order": "c"},
    {"id": 4, "name": "dee_%", "age": 41, "order": "d"},
]
ADDRESSES = [
    {"id": 1, "user_id": 1, "email": "ann@a"},
    {"id": 2, "user_id": 1, "email": "ann@b"},
    {"id": 3, "user_id": 2, "email": "bob@a"},
]


@pytest.fixture(scope="module", autouse=True)
def _tables(engine: Any) -> Iterator[None]:
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(users), USERS)
        conn.execute(insert(addresses), ADDRESSES)
        if engine.dialect.name == "postgresql":
            # explicit ids do not advance SERIAL sequences
            conn.execute(text("SELECT setval('sq_users_id_seq', 1000)"))
            conn.execute(text("SELECT setval('sq_addresses_id_seq', 1000)"))
    yield
    metadata.drop_all(engine)


def _all(connection: Any, stmt: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in connection.execute(stmt)]


def test_select_where_order(connection: Any) -> None:
    stmt = select(users.c.name).where(users.c.age > 26).order_by(users.c.age.desc())
    assert _all(connection, stmt) == [("dee_%",), ("ann",)]


def test_filter_by_limit_offset(connection: Any) -> None:
    stmt = select(users.c.id).order_by(users.c.id).limit(2).offset(1)
    assert _all(connection, stmt) == [(2,), (3,)]
    stmt = select(users).filter_by(name="bob")
    assert connection.execute(stmt).one().age == 25


def test_reserved_word_column(connection: Any) -> None:
    stmt = select(users.c.order).where(users.c.id == 2)
    assert connection.execute(stmt).scalar() == "b"


def test_and_or_not_null(connection: Any) -> None:
    stmt = (
        select(users.c.id)
        .where(or_(and_(users.c.age > 20, users.c.age < 28), users.c.age.is_(None)))
        .order_by(users.c.id)
    )
    assert _all(connection, stmt) == [(2,), (3,)]
    stmt = select(users.c.id).where(not_(users.c.age.is_not(None)))
    assert _all(connection, stmt) == [(3,)]
    stmt = select(users.c.id).where(users.c.age == null())
    assert _all(connection, stmt) == [(3,)]


def test_in_and_empty_in(connection: Any) -> None:
    stmt = (
        select(users.c.id).where(users.c.name.in_(["ann", "cy"])).order_by(users.c.id)
    )
    assert _all(connection, stmt) == [(1,), (3,)]
    assert _all(connection, select(users.c.id).where(users.c.name.in_([]))) == []
    stmt = select(users.c.id).where(users.c.name.not_in([])).order_by(users.c.id)
    assert len(_all(connection, stmt)) == 4
    stmt = select(users.c.id).where(users.c.id.not_in([1, 2])).order_by(users.c.id)
    assert _all(connection, stmt) == [(3,), (4,)]


def test_like_family_with_escaping(connection: Any) -> None:
    assert _all(connection, select(users.c.id).where(users.c.name.like("a%"))) == [(1,)]
    assert _all(connection, select(users.c.id).where(users.c.name.startswith("b"))) == [
        (2,)
    ]
    assert _all(connection, select(users.c.id).where(users.c.name.endswith("y"))) == [
        (3,)
    ]
    # autoescape: "_%" is literal, so only dee_% matches
    stmt = select(users.c.id).where(users.c.name.contains("_%", autoescape=True))
    assert _all(connection, stmt) == [(4,)]
    stmt = select(users.c.id).where(users.c.name.ilike("ANN"))
    assert _all(connection, stmt) == [(1,)]


def test_between_case_cast_coalesce(connection: Any) -> None:
    stmt = select(users.c.id).where(users.c.age.between(25, 30)).order_by(users.c.id)
    assert _all(connection, stmt) == [(1,), (2,)]
    label = case((users.c.age >= 30, "old"), else_="young").label("kind")
    stmt = select(users.c.id, label).order_by(users.c.id)
    assert _all(connection, stmt) == [
        (1, "old"),
        (2, "young"),
        (3, "young"),
        (4, "old"),
    ]
    stmt = select(func.coalesce(users.c.age, 0)).where(users.c.id == 3)
    assert connection.execute(stmt).scalar() == 0
    stmt = select(cast(users.c.age, String)).where(users.c.id == 1)
    assert connection.execute(stmt).scalar() == "30"


def test_arithmetic_operators(connection: Any) -> None:
    stmt = select((users.c.age + 1) * 2, users.c.age % 7, users.c.age - 5).where(
        users.c.id == 1
    )
    assert tuple(connection.execute(stmt).one()) == (62, 2, 25)


def test_aggregates_group_by_having(connection: Any) -> None:
    stmt = (
        select(addresses.c.user_id, func.count().label("n"))
        .group_by(addresses.c.user_id)
        .having(func.count() > 1)
    )
    assert _all(connection, stmt) == [(1, 2)]
    stmt = select(func.max(users.c.age), func.min(users.c.age), func.sum(users.c.age))
    assert tuple(connection.execute(stmt).one()) == (41, 25, 96)
    stmt = select(func.count(users.c.age))
    assert connection.execute(stmt).scalar() == 3


def test_join_inferred_and_explicit(connection: Any) -> None:
    stmt = (
        select(users.c.name, addresses.c.email).join(addresses).order_by(addresses.c.id)
    )
    assert _all(connection, stmt) == [
        ("ann", "ann@a"),
        ("ann", "ann@b"),
        ("bob", "bob@a"),
    ]
    stmt = (
        select(users.c.name, func.count(addresses.c.id))
        .select_from(users.outerjoin(addresses, users.c.id == addresses.c.user_id))
        .group_by(users.c.name)
        .order_by(users.c.name)
    )
    assert _all(connection, stmt) == [("ann", 2), ("bob", 1), ("cy", 0), ("dee_%", 0)]


def test_subquery_cte_exists_scalar_subquery(connection: Any) -> None:
    counts = (
        select(addresses.c.user_id, func.count().label("n"))
        .group_by(addresses.c.user_id)
        .subquery()
    )
    stmt = select(users.c.name, counts.c.n).join(counts, counts.c.user_id == users.c.id)
    assert sorted(_all(connection, stmt)) == [("ann", 2), ("bob", 1)]
    cte = select(users.c.id).where(users.c.age > 26).cte("older")
    stmt = select(func.count()).select_from(cte)
    assert connection.execute(stmt).scalar() == 2
    has_address = exists().where(addresses.c.user_id == users.c.id)
    stmt = select(users.c.id).where(has_address).order_by(users.c.id)
    assert _all(connection, stmt) == [(1,), (2,)]
    n = (
        select(func.count(addresses.c.id))
        .where(addresses.c.user_id == users.c.id)
        .scalar_subquery()
    )
    stmt = select(users.c.name, n.label("n")).order_by(users.c.id)
    assert _all(connection, stmt)[:2] == [("ann", 2), ("bob", 1)]


def test_union_and_alias(connection: Any) -> None:
    a = select(users.c.id).where(users.c.id < 2)
    b = select(users.c.id).where(users.c.id > 3)
    assert sorted(_all(connection, union(a, b))) == [(1,), (4,)]
    assert len(_all(connection, union_all(a, a))) == 2
    u2 = users.alias("u2")
    stmt = (
        select(users.c.id, u2.c.id)
        .join(u2, users.c.id == u2.c.id + 1)
        .order_by(users.c.id)
    )
    assert _all(connection, stmt) == [(2, 1), (3, 2), (4, 3)]


def test_distinct_and_literal(connection: Any) -> None:
    stmt = select(addresses.c.user_id).distinct().order_by(addresses.c.user_id)
    assert _all(connection, stmt) == [(1,), (2,)]
    assert connection.execute(select(literal("it's"))).scalar() == "it's"


def test_window_function(connection: Any) -> None:
    stmt = select(
        users.c.id, func.row_number().over(order_by=users.c.id.desc()).label("rn")
    ).order_by(users.c.id)
    assert _all(connection, stmt) == [(1, 4), (2, 3), (3, 2), (4, 1)]


def test_update_delete_rowcount(connection: Any) -> None:
    result = connection.execute(
        update(users).where(users.c.age < 31).values(age=users.c.age + 100)
    )
    assert result.rowcount == 2
    assert connection.execute(select(func.max(users.c.age))).scalar() == 130
    result = connection.execute(delete(addresses).where(addresses.c.user_id == 1))
    assert result.rowcount == 2


def test_insert_returning_and_from_select(connection: Any, engine: Any) -> None:
    if not engine.dialect.insert_returning:
        pytest.skip("no RETURNING on this database version")
    row = connection.execute(
        insert(users)
        .values(id=10, name="eve", age=5)
        .returning(users.c.id, users.c.name)
    ).one()
    assert tuple(row) == (10, "eve")
    assert row.name == "eve" and row._mapping[users.c.id] == 10
    connection.execute(
        insert(addresses).from_select(
            ["user_id", "email"],
            select(users.c.id, users.c.name).where(users.c.id == 10),
        )
    )
    assert (
        connection.execute(
            select(addresses.c.email).where(addresses.c.user_id == 10)
        ).scalar()
        == "eve"
    )
    connection.execute(delete(addresses).where(addresses.c.user_id == 10))
    deleted = connection.execute(
        delete(users).where(users.c.id == 10).returning(users.c.name)
    )
    assert deleted.scalar() == "eve"


def test_inserted_primary_key(connection: Any) -> None:
    result = connection.execute(insert(users).values(name="fay", age=1))
    (pk,) = result.inserted_primary_key
    assert (
        connection.execute(select(users.c.name).where(users.c.id == pk)).scalar()
        == "fay"
    )


def test_executemany_insert(connection: Any) -> None:
    result = connection.execute(
        insert(users), [{"name": f"m{i}", "age": i} for i in range(20)]
    )
    assert result.rowcount == 20
    assert (
        connection.execute(select(func.count()).where(users.c.name.like("m%"))).scalar()
        == 20
    )


def test_text_with_bindparams_and_columns(connection: Any) -> None:
    stmt = text("SELECT id, name FROM sq_users WHERE id = :id").bindparams(id=2)
    assert tuple(connection.execute(stmt).one()) == (2, "bob")
    stmt = text("SELECT id, name FROM sq_users WHERE id > :m ORDER BY id").columns(
        column("id", Integer), column("name", String)
    )
    rows = connection.execute(stmt, {"m": 2}).all()
    assert [r.name for r in rows] == ["cy", "dee_%"]


def test_mappings_and_row_access(connection: Any) -> None:
    row = connection.execute(select(users).where(users.c.id == 1)).one()
    assert row._mapping[users.c.name] == "ann"
    assert row._mapping["name"] == "ann"
    assert row.name == "ann" and row[1] == "ann"
    m = (
        connection.execute(select(users.c.id, users.c.name).where(users.c.id == 2))
        .mappings()
        .one()
    )
    assert dict(m) == {"id": 2, "name": "bob"}


def test_strings_never_change_statement_meaning(connection: Any) -> None:
    evil = "x' OR '1'='1"
    assert _all(connection, select(users.c.id).where(users.c.name == evil)) == []
    assert _all(connection, select(users.c.id).where(users.c.name.like(evil))) == []


def test_compiled_cache_reused(engine: Any) -> None:
    compiled_before = len(engine._compiled_cache)
    with engine.connect() as conn:
        for i in range(1, 5):
            conn.execute(select(users.c.name).where(users.c.id == i)).scalar()
    assert len(engine._compiled_cache) <= compiled_before + 1


def test_unsupported_comparison_type_is_argument_error() -> None:
    with pytest.raises(exc.ArgumentError):
        select(users.c.id).where(users.c.id == object())


def test_integer_column_rejects_text_on_every_backend(connection: Any) -> None:
    with pytest.raises(exc.StatementError) as info:
        connection.execute(insert(users).values(id=99, name="z", age="abc"))
    assert "age" in str(info.value) and "str" in str(info.value)


def test_string_length_checked_on_every_backend(connection: Any) -> None:
    with pytest.raises(exc.StatementError) as info:
        connection.execute(insert(users).values(id=98, name="x" * 50))
    assert "name" in str(info.value)


def test_float_with_fraction_rejected_for_integer(connection: Any) -> None:
    with pytest.raises(exc.StatementError):
        connection.execute(insert(users).values(id=97, name="q", age=1.5))


def test_select_python_constants(connection: Any) -> None:
    # SQLAlchemy 2.x accepts select(1): numbers inline, None/True/False as SQL
    row = connection.execute(select(1, 2.5, None, True)).one()
    assert tuple(row) == (1, 2.5, None, True)
    assert connection.execute(select(1)).scalar() == 1


def test_select_with_for_update_executes(connection: Any) -> None:
    # the statement's cache key used to take the FOR UPDATE clause's truth
    # value, which a clause refuses: executing it raised TypeError
    plain = connection.execute(select(users.c.id).order_by(users.c.id)).all()
    locked = connection.execute(
        select(users.c.id).order_by(users.c.id).with_for_update()
    ).all()
    assert locked == plain
    nowait = select(users.c.id).order_by(users.c.id).with_for_update(nowait=True)
    assert connection.execute(nowait).all() == plain
