"""``select(1)``-style constants in a SELECT list, as SQLAlchemy 2.x coerces them."""

import decimal

import pytest

from quicksilver import Column, Integer, MetaData, Table, exc, select
from tests.harness.assertsql import assert_compile


def test_numbers_render_inline_named_by_their_text():
    stmt = select(1, 2.5, decimal.Decimal("3.25"))
    assert_compile(stmt, "SELECT 1, 2.5, 3.25")
    assert list(stmt.selected_columns.keys()) == ["1", "2.5", "3.25"]


def test_none_and_booleans_become_null_true_false():
    assert_compile(
        select(None, True, False),
        "SELECT NULL AS anon_1, true AS anon_2, false AS anon_3",
        dialect="postgresql",
    )


def test_strings_still_refused():
    with pytest.raises(exc.ArgumentError, match="Textual column expression 'x'"):
        select("x")


def test_table_kwargs_is_dialect_kwargs():
    t = Table(
        "t_kw",
        MetaData(),
        Column("id", Integer, primary_key=True),
        sqlite_autoincrement=True,
    )
    assert t.kwargs == {"sqlite_autoincrement": True}
    assert t.kwargs is t.dialect_kwargs


def test_for_update_is_part_of_the_cache_key():
    t = Table("t_fu", MetaData(), Column("id", Integer, primary_key=True))
    plain = select(t.c.id)
    keys = {
        plain._generate_cache_key(),
        plain.with_for_update()._generate_cache_key(),
        plain.with_for_update(nowait=True)._generate_cache_key(),
    }
    assert len(keys) == 3
