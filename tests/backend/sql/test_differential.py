"""The same statements on the same data through SQLAlchemy (oracle) and quicksilver."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")
import quicksilver  # noqa: E402


def _schema(lib: Any) -> tuple[Any, Any, Any]:
    md = lib.MetaData()
    users = lib.Table(
        "df_users",
        md,
        lib.Column("id", lib.Integer, primary_key=True),
        lib.Column("name", lib.String(30)),
        lib.Column("age", lib.Integer),
    )
    posts = lib.Table(
        "df_posts",
        md,
        lib.Column("id", lib.Integer, primary_key=True),
        lib.Column("user_id", lib.Integer, lib.ForeignKey("df_users.id")),
        lib.Column("title", lib.String(50)),
    )
    return md, users, posts


def _engine_for(lib: Any, url: str) -> Any:
    return lib.create_engine(url)


@pytest.fixture(scope="module")
def both(db_url: str) -> Iterator[dict[str, Any]]:
    qs_md, qs_users, qs_posts = _schema(quicksilver)
    sa_md, sa_users, sa_posts = _schema(sqlalchemy)
    qs_engine = quicksilver.create_engine(db_url)
    sa_engine = sqlalchemy.create_engine(db_url)
    qs_md.drop_all(qs_engine)
    qs_md.create_all(qs_engine)
    with qs_engine.begin() as conn:
        conn.execute(
            quicksilver.insert(qs_users),
            [
                {
                    "id": i,
                    "name": f"user{i % 7}",
                    "age": (i * 37) % 90 if i % 5 else None,
                }
                for i in range(1, 60)
            ],
        )
        conn.execute(
            quicksilver.insert(qs_posts),
            [
                {"id": i, "user_id": (i * 13) % 59 + 1, "title": f"t{i % 11}"}
                for i in range(1, 120)
            ],
        )
    yield {
        "quicksilver": (quicksilver, qs_engine, qs_users, qs_posts),
        "sqlalchemy": (sqlalchemy, sa_engine, sa_users, sa_posts),
    }
    qs_md.drop_all(qs_engine)
    qs_engine.dispose()
    sa_engine.dispose()


SCENARIOS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "where_order": lambda L, u, p: (
        L.select(u.c.id, u.c.name).where(u.c.age > 40).order_by(u.c.id)
    ),
    "nulls": lambda L, u, p: L.select(u.c.id).where(u.c.age.is_(None)).order_by(u.c.id),
    "group_having": lambda L, u, p: (
        L.select(u.c.name, L.func.count(), L.func.max(u.c.age))
        .group_by(u.c.name)
        .having(L.func.count() > 7)
        .order_by(u.c.name)
    ),
    "join": lambda L, u, p: (
        L.select(u.c.name, p.c.title).join(p).where(p.c.id < 20).order_by(p.c.id)
    ),
    "outerjoin_count": lambda L, u, p: (
        L.select(u.c.id, L.func.count(p.c.id))
        .select_from(u.outerjoin(p))
        .group_by(u.c.id)
        .order_by(u.c.id)
    ),
    "in_like": lambda L, u, p: (
        L.select(u.c.id)
        .where(u.c.name.in_(["user1", "user3"]))
        .where(u.c.name.like("user%"))
        .order_by(u.c.id)
    ),
    "subquery": lambda L, u, p: (
        L.select(u.c.name)
        .where(u.c.id.in_(L.select(p.c.user_id).where(p.c.title == "t3")))
        .order_by(u.c.name)
    ),
    "case": lambda L, u, p: (
        L.select(u.c.id, L.case((u.c.age > 50, "old"), else_="young"))
        .order_by(u.c.id)
        .limit(15)
    ),
    "union": lambda L, u, p: L.union(
        L.select(u.c.id).where(u.c.id < 5), L.select(p.c.id).where(p.c.id > 115)
    ).order_by("id"),
    "exists": lambda L, u, p: (
        L.select(u.c.id).where(L.exists().where(p.c.user_id == u.c.id)).order_by(u.c.id)
    ),
    "distinct_offset": lambda L, u, p: (
        L.select(p.c.title).distinct().order_by(p.c.title).limit(5).offset(2)
    ),
    "scalar_subq": lambda L, u, p: L.select(
        u.c.id,
        L.select(L.func.count(p.c.id))
        .where(p.c.user_id == u.c.id)
        .scalar_subquery()
        .label("n"),
    ).order_by(u.c.id),
    "window": lambda L, u, p: L.select(
        u.c.id, L.func.rank().over(partition_by=u.c.name, order_by=u.c.id)
    ).order_by(u.c.id),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_rows(both: dict[str, Any], name: str) -> None:
    results = {}
    for key, (lib, engine, users, posts) in both.items():
        stmt = SCENARIOS[name](lib, users, posts)
        with engine.connect() as conn:
            result = conn.execute(stmt)
            results[key] = (list(result.keys()), [tuple(r) for r in result])
    assert results["quicksilver"] == results["sqlalchemy"]
