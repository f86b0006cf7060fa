"""A statement object executed again takes the memo path (Connection._execute_memo):
no cache-key walk, no LRU lookup.  These tests run each scenario twice or more
on the same statement object, so the second run goes through the memo, and
check it behaves exactly as the general path: rows, errors, events, logging,
options and the concurrent-use guard."""

from __future__ import annotations

import logging
import threading
from typing import Any, Iterator

import pytest

from quicksilver import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    exc,
    select,
)

metadata = MetaData()
items = Table(
    "qs_memo_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
    Column("score", Integer),
)


@pytest.fixture(scope="module", autouse=True)
def _table(engine: Any) -> Iterator[None]:
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            items.insert(),
            [{"id": i, "name": f"n{i}", "score": i * 10} for i in range(1, 6)],
        )
    yield
    metadata.drop_all(engine)


BY_ID = select(items.c.id, items.c.name, items.c.score).where(
    items.c.id == bindparam("ident")
)


def test_same_statement_new_values(engine: Any) -> None:
    with engine.connect() as conn:
        got = [tuple(conn.execute(BY_ID, {"ident": i}).one()) for i in (1, 3, 5, 3)]
        assert "_qs_exec_memo" in BY_ID.__dict__
        assert got == [(1, "n1", 10), (3, "n3", 30), (5, "n5", 50), (3, "n3", 30)]
        assert conn.execute(BY_ID, {"ident": 99}).first() is None


def test_literal_values_and_no_params(engine: Any) -> None:
    stmt = select(items.c.name).where(items.c.score > 20).order_by(items.c.id)
    with engine.connect() as conn:
        for _ in range(3):
            assert conn.execute(stmt).scalars().all() == ["n3", "n4", "n5"]


def test_other_parameter_names_take_the_general_path(engine: Any) -> None:
    with engine.connect() as conn:
        conn.execute(BY_ID, {"ident": 1}).one()
        with pytest.raises(exc.StatementError, match="ident"):
            conn.execute(BY_ID, {"other": 1})
        assert conn.execute(BY_ID, {"ident": 2}).one().name == "n2"


def test_one_bind_shape_values_none_and_int_subclasses(engine: Any) -> None:
    """The single-parameter shape (select by key) has its own short path:
    None, an int subclass and extra keys behave as on the general path."""
    import enum

    class Rank(enum.IntEnum):
        THIRD = 3

    stmt = select(items.c.name).where(items.c.id == bindparam("ident"))
    with engine.connect() as conn:
        assert conn.execute(stmt, {"ident": 1}).scalar() == "n1"
        assert conn.execute(stmt, {"ident": None}).first() is None
        assert conn.execute(stmt, {"ident": Rank.THIRD}).scalar() == "n3"
        # a bool is refused by Integer's bind check, as on the general path
        with pytest.raises(exc.StatementError, match="bool"):
            conn.execute(stmt, {"ident": True})
        conn.rollback()
        # an extra key is ignored, as the general path ignores it
        assert conn.execute(stmt, {"ident": 4, "unused": 9}).scalar() == "n4"
        with pytest.raises(exc.StatementError, match="ident"):
            conn.execute(stmt, {})
        conn.rollback()
        assert conn.execute(stmt, {"ident": 5}).scalar() == "n5"


def test_bad_value_fails_the_same_way_every_time(engine: Any) -> None:
    with engine.connect() as conn:
        conn.execute(BY_ID, {"ident": 1}).one()
        for _ in range(2):
            with pytest.raises(exc.StatementError, match="ident"):
                conn.execute(BY_ID, {"ident": "not a number"})
            conn.rollback()


def test_listeners_added_later_see_memo_statements(engine: Any) -> None:
    seen: list[Any] = []

    def before(conn: Any, cursor: Any, statement: str, params: Any, *a: Any) -> None:
        seen.append(params)

    with engine.connect() as conn:
        conn.execute(BY_ID, {"ident": 1}).one()
        conn.execute(BY_ID, {"ident": 1}).one()
        event.listen(engine, "before_cursor_execute", before)
        try:
            with engine.connect() as conn2:
                assert conn2.execute(BY_ID, {"ident": 4}).one().score == 40
        finally:
            event.remove(engine, "before_cursor_execute", before)
    assert [list(p.values() if isinstance(p, dict) else p) for p in seen] == [[4]]


def test_echo_logs_memo_statements(engine: Any, caplog: Any) -> None:
    with engine.connect() as conn:
        conn.execute(BY_ID, {"ident": 1}).one()
    with caplog.at_level(logging.INFO, logger="quicksilver.engine.Engine"):
        with engine.connect() as conn:
            conn.execute(BY_ID, {"ident": 2}).one()
    assert any("qs_memo_items" in r.getMessage() for r in caplog.records)


def test_execution_options_still_apply(engine: Any) -> None:
    with engine.connect() as conn:
        conn.execute(BY_ID, {"ident": 1}).one()
        result = conn.execute(BY_ID, {"ident": 2}, execution_options={"yield_per": 1})
        assert [r.id for r in result] == [2]


def test_memo_path_autobegins_and_guards_threads(engine: Any) -> None:
    with engine.connect() as conn:
        conn.execute(BY_ID, {"ident": 1}).one()
        conn.rollback()
        assert not conn.in_transaction()
        conn.execute(BY_ID, {"ident": 1}).one()
        assert conn.in_transaction()
        errors: list[BaseException] = []
        conn._guard.acquire()  # another thread is inside an operation
        conn._guard_owner = -1
        try:
            t = threading.Thread(
                target=lambda: errors.append(
                    pytest.raises(
                        exc.ConcurrentUseError, conn.execute, BY_ID, {"ident": 1}
                    ).value
                )
            )
            t.start()
            t.join()
        finally:
            conn._guard_owner = 0
            conn._guard.release()
        assert len(errors) == 1


def test_generative_copies_do_not_inherit_the_memo(engine: Any) -> None:
    """select.where() copies the statement's __dict__, memo included: the copy
    must still run its own SQL."""
    base = select(items.c.id).order_by(items.c.id)
    with engine.connect() as conn:
        for _ in range(2):
            assert conn.execute(base).scalars().all() == [1, 2, 3, 4, 5]
        narrowed = base.where(items.c.id > 3)
        assert conn.execute(narrowed).scalars().all() == [4, 5]
        assert conn.execute(narrowed.limit(1)).scalars().all() == [4]
        assert conn.execute(base).scalars().all() == [1, 2, 3, 4, 5]


def test_engine_listener_added_while_a_connection_is_open(engine: Any) -> None:
    """As in SQLAlchemy, a Connection made before the listener sees it."""
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
        seen.append(statement)

    with engine.connect() as conn:
        conn.execute(BY_ID, {"ident": 1}).one()
        event.listen(engine, "before_cursor_execute", before)
        try:
            conn.execute(BY_ID, {"ident": 2}).one()
            conn.exec_driver_sql("SELECT 1").scalar()
        finally:
            event.remove(engine, "before_cursor_execute", before)
    assert len(seen) == 2 and "qs_memo_items" in seen[0] and seen[1] == "SELECT 1"


@pytest.fixture
def fresh(engine: Any) -> Iterator[Any]:
    """An Engine on the same database that never had a listener: an engine
    that had one keeps taking the general path (as SQLAlchemy's keeps its
    dispatch), and the tests above add some."""
    from quicksilver import create_engine

    eng = create_engine(engine.url)
    yield eng
    eng.dispose()


def _prepared(conn: Any, stmt: Any, params: dict[str, Any]) -> Any:
    """Run ``stmt`` until it goes through the whole memo path (the first run
    leaves the memo, the second its result metadata); return that result."""
    for _ in range(2):
        conn.execute(stmt, params).all()
    return conn.execute(stmt, params)


def test_one_bind_result_context_matches_the_general_path(fresh: Any) -> None:
    """The one-bind result (PreparedCursorResult, positional dialects) builds
    its execution context only when asked: the context it builds holds what
    the general path's context holds."""
    from quicksilver.engine._prepared import PreparedCursorResult

    with fresh.connect() as conn:
        fast = _prepared(conn, BY_ID, {"ident": 2})
        # execution_options={} is not None: the general path
        general = conn.execute(BY_ID, {"ident": 2}, execution_options={})
        assert type(general) is not PreparedCursorResult
        assert (type(fast) is PreparedCursorResult) == conn.dialect.positional
        assert "context" not in fast.__dict__ or not conn.dialect.positional
        for name in (
            "statement",
            "compiled_parameters",
            "parameters",
            "cache_hit",
            "execution_options",
        ):
            assert getattr(fast.context, name) == getattr(general.context, name), name
        assert fast.context.invoked_statement is BY_ID
        assert fast.context.compiled is general.context.compiled
        assert fast.context.cursor is fast.cursor
        assert fast.context.root_connection is conn
        assert fast.dialect is conn.dialect
        assert fast.keys() == general.keys()
        assert tuple(fast.first()) == tuple(general.first()) == (2, "n2", 20)
        assert fast.rowcount == general.rowcount
        assert fast.closed and general.closed
        with pytest.raises(exc.ResourceClosedError):
            fast.first()


def test_one_bind_result_every_fetch_style(fresh: Any) -> None:
    with fresh.connect() as conn:
        _prepared(conn, BY_ID, {"ident": 1})
        assert conn.execute(BY_ID, {"ident": 3}).scalar() == 3
        assert conn.execute(BY_ID, {"ident": 3}).scalar_one() == 3
        assert conn.execute(BY_ID, {"ident": 3}).one().name == "n3"
        assert conn.execute(BY_ID, {"ident": 3}).mappings().first() == {
            "id": 3,
            "name": "n3",
            "score": 30,
        }
        assert [tuple(r) for r in conn.execute(BY_ID, {"ident": 4}).unique()] == [
            (4, "n4", 40)
        ]
        assert conn.execute(BY_ID, {"ident": 4}).unique().first().score == 40
        assert conn.execute(BY_ID, {"ident": 5}).columns("name").first() == ("n5",)
        result = conn.execute(BY_ID, {"ident": 5})
        assert result.fetchone().id == 5 and result.fetchone() is None
        result = conn.execute(BY_ID, {"ident": 5})
        result.close()
        with pytest.raises(exc.ResourceClosedError):
            result.first()
        assert conn.execute(BY_ID, {"ident": 42}).first() is None


def test_one_bind_driver_error_names_statement_and_value(fresh: Any) -> None:
    """A driver error on the memo path is wrapped as on the general path:
    same class, the statement and the driver's parameters attached."""
    side = MetaData()
    gone = Table("qs_memo_gone", side, Column("id", Integer, primary_key=True))
    side.create_all(fresh)
    stmt = select(gone.c.id).where(gone.c.id == bindparam("ident"))
    try:
        with fresh.connect() as conn:
            _prepared(conn, stmt, {"ident": 1})
            conn.commit()
        with fresh.begin() as conn:
            conn.exec_driver_sql("DROP TABLE qs_memo_gone")
        errors = []
        with fresh.connect() as conn:
            for s in (stmt, select(gone.c.id).where(gone.c.id == bindparam("ident"))):
                with pytest.raises(exc.DBAPIError) as info:
                    conn.execute(s, {"ident": 7})
                errors.append(info.value)
                conn.rollback()
        fast, general = errors
        assert type(fast) is type(general)
        assert fast.statement == general.statement and "qs_memo_gone" in fast.statement
        assert list(fast.params.values() if isinstance(fast.params, dict) else fast.params) == [7]
    finally:
        side.drop_all(fresh)


def test_same_statement_on_two_engines(fresh: Any) -> None:
    """The memo belongs to one dialect instance: alternating engines re-plans
    and each engine reads its own rows."""
    from quicksilver import create_engine

    other = create_engine("sqlite://")
    metadata.create_all(other)
    with other.begin() as conn:
        conn.execute(items.insert(), {"id": 1, "name": "other", "score": 0})
    try:
        with fresh.connect() as a, other.connect() as b:
            for _ in range(3):
                assert a.execute(BY_ID, {"ident": 1}).one().name == "n1"
                assert b.execute(BY_ID, {"ident": 1}).one().name == "other"
    finally:
        other.dispose()


def test_one_bind_text_and_changing_column_count(fresh: Any) -> None:
    """text() rechecks its columns every run; a ``*`` select whose table
    gains a column reads the new shape (the memo's metadata is per width)."""
    from quicksilver import literal_column, text

    by_text = text("SELECT name FROM qs_memo_items WHERE id = :ident")
    with fresh.connect() as conn:
        assert [conn.execute(by_text, {"ident": i}).scalar() for i in (1, 2, 1)] == [
            "n1",
            "n2",
            "n1",
        ]
    side = MetaData()
    wide = Table("qs_memo_wide", side, Column("id", Integer, primary_key=True))
    side.create_all(fresh)
    star = select(literal_column("*")).select_from(wide).where(
        wide.c.id == bindparam("ident")
    )
    try:
        with fresh.begin() as conn:
            conn.execute(wide.insert(), {"id": 1})
        with fresh.connect() as conn:
            assert tuple(_prepared(conn, star, {"ident": 1}).one()) == (1,)
        with fresh.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE qs_memo_wide ADD COLUMN extra INTEGER")
            conn.exec_driver_sql("UPDATE qs_memo_wide SET extra = 5")
        with fresh.connect() as conn:
            row = conn.execute(star, {"ident": 1}).one()
            assert tuple(row) == (1, 5) and row.extra == 5
    finally:
        side.drop_all(fresh)
