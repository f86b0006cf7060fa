"""Values round-trip exactly on every backend: equal, and of the same type."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quicksilver import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    Interval,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    TypeDecorator,
    Unicode,
    Uuid,
    delete,
    insert,
    select,
)


class Color(enum.Enum):
    red = 1
    green = 2


class Upper(TypeDecorator):
    """A user type: stores upper case, returns lower case."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else value.upper()

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else value.lower()


metadata = MetaData()
from quicksilver import Table  # noqa: E402

values_table = Table(
    "ty_values",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("i", Integer),
    Column("bi", BigInteger),
    Column("f", Float),
    Column("n", Numeric(20, 6)),
    Column("s", String(200)),
    Column("t", Text),
    Column("u", Unicode(50)),
    Column("b", Boolean),
    Column("d", Date),
    Column("dtm", DateTime),
    Column("dtz", DateTime(timezone=True)),
    Column("tm", Time),
    Column("iv", Interval),
    Column("lb", LargeBinary),
    Column("e", Enum(Color)),
    Column("es", Enum("small", "large", name="size_enum")),
    Column("j", JSON),
    Column("uid", Uuid),
    Column("up", Upper),
)


@pytest.fixture(scope="module", autouse=True)
def _tables(engine: Any) -> Iterator[None]:
    metadata.drop_all(engine)
    metadata.create_all(engine)
    yield
    metadata.drop_all(engine)


SAMPLE = {
    "i": -7,
    "bi": 2**40,
    "f": 1.25,
    "n": decimal.Decimal("12345.678901"),
    "s": "héllo wörld ✓ 漢字",
    "t": "x" * 5000,
    "u": "ünïcode",
    "b": True,
    "d": dt.date(2024, 2, 29),
    "dtm": dt.datetime(2024, 1, 2, 3, 4, 5, 6),
    "dtz": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
    "tm": dt.time(13, 14, 15, 16),
    "iv": dt.timedelta(days=2, seconds=5, microseconds=7),
    "lb": b"\x00\x01\xffbytes",
    "e": Color.green,
    "es": "large",
    "j": {"a": [1, 2, {"b": None}], "c": "ü"},
    "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "up": "Mixed",
}


def test_round_trip_each_type(connection: Any, engine: Any) -> None:
    connection.execute(insert(values_table).values(id=1, **SAMPLE))
    row = connection.execute(select(values_table).where(values_table.c.id == 1)).one()
    for key, expected in SAMPLE.items():
        got = row._mapping[key]
        if key == "up":
            assert got == "mixed"
            continue
        if key == "dtz" and engine.dialect.name == "sqlite":
            # SQLite has no time zones: the value comes back as stored, naive UTC
            assert got.replace(tzinfo=dt.timezone.utc) == expected
            continue
        assert got == expected, key
        assert type(got) is type(expected), (key, type(got))


def test_nulls_round_trip(connection: Any) -> None:
    connection.execute(insert(values_table).values(id=2))
    row = connection.execute(select(values_table).where(values_table.c.id == 2)).one()
    assert all(row._mapping[k] is None for k in SAMPLE)


_settings = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=200,
)


@_settings
@given(
    s=_text,
    lb=st.binary(max_size=200),
    i=st.integers(min_value=-(2**31), max_value=2**31 - 1),
    bi=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    # 15 significant digits: SQLite stores NUMERIC as a double, as SQLAlchemy's
    # DDL has it (docs/differences.md); PostgreSQL would take any precision
    n=st.decimals(
        min_value=-(10**8),
        max_value=10**8,
        places=6,
        allow_nan=False,
        allow_infinity=False,
    ),
    dtm=st.datetimes(
        min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)
    ),
)
def test_property_round_trip(
    engine: Any,
    s: str,
    lb: bytes,
    i: int,
    bi: int,
    n: decimal.Decimal,
    dtm: dt.datetime,
) -> None:
    with engine.connect() as conn:
        conn.execute(delete(values_table).where(values_table.c.id == 3))
        conn.execute(
            insert(values_table).values(id=3, s=s, lb=lb, i=i, bi=bi, n=n, dtm=dtm)
        )
        row = conn.execute(select(values_table).where(values_table.c.id == 3)).one()
        assert row.s == s
        assert row.lb == lb
        assert row.i == i and row.bi == bi
        assert row.n == n and isinstance(row.n, decimal.Decimal)
        assert row.dtm == dtm
        # arbitrary strings used as filter values never change the meaning
        found = (
            conn.execute(select(values_table.c.id).where(values_table.c.s == s))
            .scalars()
            .all()
        )
        assert found == [3]
        other = (
            conn.execute(select(values_table.c.id).where(values_table.c.s == s + "x"))
            .scalars()
            .all()
        )
        assert other == []
        conn.rollback()
