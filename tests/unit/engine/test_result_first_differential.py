"""``Result.first()`` and friends, on quicksilver and on SQLAlchemy (oracle).

CursorResult.first() has a one-step path for the plain case; these
observations pin it, and every case that must leave it, to SQLAlchemy's
behaviour: closing, empty results, DML results, views and filters."""

from __future__ import annotations

import importlib
from typing import Any, Callable


def _observe(lib: str) -> list[tuple[str, Any]]:
    sa = importlib.import_module(lib)
    engine = sa.create_engine("sqlite://")
    out: list[tuple[str, Any]] = []

    def t(label: str, fn: Callable[[], Any]) -> None:
        try:
            out.append((label, fn()))
        except Exception as err:  # noqa: BLE001 - the class is the observation
            out.append((label, type(err).__name__))

    with engine.connect() as c:
        c.exec_driver_sql("CREATE TABLE x (a INTEGER, b TEXT)")
        c.exec_driver_sql("INSERT INTO x VALUES (1, 'a'), (2, 'b')")
        st = sa.text("SELECT a, b FROM x ORDER BY a")
        r = c.execute(st)
        t("first", lambda: tuple(r.first()))
        t("fetchone after first", lambda: r.fetchone())
        t("closed", lambda: r.closed)
        r = c.execute(st)
        r.fetchone()
        t("first after fetchone", lambda: tuple(r.first()))
        r = c.execute(sa.text("SELECT a FROM x WHERE a > 5"))
        t("empty first", lambda: r.first())
        t("empty closed", lambda: r.closed)
        r = c.execute(sa.text("UPDATE x SET b = 'z' WHERE a = 1"))
        t("dml first", lambda: r.first())
        r = c.execute(st)
        r.all()
        t("exhausted first", lambda: r.first())
        r = c.execute(st)
        t("mappings first", lambda: dict(r.mappings().first()))
        r = c.execute(st)
        t("scalars first", lambda: r.scalars().first())
        r = c.execute(st)
        t("unique first", lambda: tuple(r.unique().first()))
        r = c.execute(st)
        t("columns first", lambda: tuple(r.columns("b").first()))
        row = c.execute(st).first()
        t("row", lambda: (row.a, row._mapping["b"], tuple(row._fields)))
    engine.dispose()
    return out


def test_first_same_as_sqlalchemy() -> None:
    assert _observe("quicksilver") == _observe("sqlalchemy")
