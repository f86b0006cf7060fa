"""The raw DBAPI driver: the physical limit every ratio is measured against.

sqlite3 or psycopg 3 for the synchronous workloads, aiosqlite or asyncpg for
the async ones.  One connection is opened in setup and kept: it stands for the
pooled connection the libraries hold.  Statements are executed the way a
library must execute them (a cursor per statement, parameters bound by the
driver), and rows stay tuples: no objects are built, which is the point.

``pool_checkout`` has no driver-level equivalent; the irreducible work of a
checkin is the reset-on-return ``rollback()``, so that is what is timed.
"""

from __future__ import annotations

from typing import Any

from ..targets import Target, customer_values

_COLS = "id, name, description, score"
_BATCH = 1000


class RawDriver:
    """Plain sqlite3 / psycopg / aiosqlite / asyncpg."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.conn: Any = None
        self.m = "?" if target.is_sqlite else "%s"

    # -- sync -------------------------------------------------------------

    def setup(self) -> None:
        if self.target.is_sqlite:
            import sqlite3

            self.conn = sqlite3.connect(self.target.sqlite_path)
        else:
            import psycopg

            self.conn = psycopg.connect(self.target.libpq_url())

    def close(self) -> None:
        self.conn.close()

    def _insert_sql(self) -> str:
        m = self.m
        return f"INSERT INTO customer (name, description, score) VALUES ({m}, {m}, {m})"

    def orm_bulk_insert(self, n: int) -> int:
        rows = [customer_values(i) for i in range(1, n + 1)]
        if self.target.is_sqlite:
            self.conn.executemany(self._insert_sql(), rows)
        else:
            # multi-row VALUES in batches beats psycopg's pipelined executemany
            cur = self.conn.cursor()
            for start in range(0, n, _BATCH):
                batch = rows[start : start + _BATCH]
                values = ", ".join(["(%s, %s, %s)"] * len(batch))
                cur.execute(
                    "INSERT INTO customer (name, description, score) VALUES " + values,
                    [v for row in batch for v in row],
                )
        self.conn.commit()
        return n

    def single_inserts(self, n: int) -> int:
        conn, sql = self.conn, self._insert_sql()
        for i in range(1, n + 1):
            conn.execute(sql, customer_values(i))
            conn.commit()
        return n

    def large_resultset(self, n: int) -> list[Any]:
        rows = self.conn.execute(f"SELECT {_COLS} FROM customer").fetchall()
        self.conn.commit()
        return rows  # type: ignore[no-any-return]

    def short_selects_get(self, n: int) -> list[Any]:
        conn = self.conn
        sql = f"SELECT {_COLS} FROM customer WHERE id = {self.m}"
        out = []
        for i in range(1, n + 1):
            out.append(conn.execute(sql, (i,)).fetchone())
            conn.commit()
        return out

    def short_selects_query(self, n: int) -> list[Any]:
        conn = self.conn
        sql = f"SELECT {_COLS} FROM customer WHERE id = {self.m}"
        out = [conn.execute(sql, (i,)).fetchone() for i in range(1, n + 1)]
        conn.commit()
        return out

    def core_select_pk(self, n: int) -> list[Any]:
        conn = self.conn
        sql = f"SELECT id, name, score FROM customer WHERE id = {self.m}"
        out = [conn.execute(sql, (i,)).fetchone() for i in range(1, n + 1)]
        conn.commit()
        return out

    def core_select_pk_prebuilt(self, n: int) -> list[Any]:
        return self.core_select_pk(n)

    def bulk_update(self, n: int) -> int:
        conn = self.conn
        rows = conn.execute(f"SELECT {_COLS} FROM customer").fetchall()
        params = [(r[3] + 1, r[0]) for r in rows]
        conn.cursor().executemany(
            f"UPDATE customer SET score = {self.m} WHERE id = {self.m}", params
        )
        conn.commit()
        return len(params)

    def pool_checkout(self, n: int) -> int:
        rollback = self.conn.rollback
        for _ in range(n):
            rollback()
        return n

    def relationship_selectin(self, n: int) -> int:
        conn = self.conn
        parents = conn.execute("SELECT id, name FROM parent").fetchall()
        children: dict[int, list[Any]] = {p[0]: [] for p in parents}
        ids = list(children)
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ", ".join([self.m] * len(batch))
            for row in conn.execute(
                "SELECT id, parent_id, name, position FROM child "
                f"WHERE parent_id IN ({marks})",
                batch,
            ):
                children[row[1]].append(row)
        conn.commit()
        return sum(len(c) for c in children.values())

    def relationship_lazy(self, n: int) -> int:
        conn = self.conn
        sql = (
            "SELECT id, parent_id, name, position FROM child "
            f"WHERE parent_id = {self.m}"
        )
        total = 0
        for p in conn.execute("SELECT id, name FROM parent").fetchall():
            total += len(conn.execute(sql, (p[0],)).fetchall())
        conn.commit()
        return total

    # -- async ------------------------------------------------------------

    async def asetup(self) -> None:
        if self.target.is_sqlite:
            import aiosqlite

            self.conn = await aiosqlite.connect(self.target.sqlite_path)
        else:
            import asyncpg

            self.conn = await asyncpg.connect(self.target.libpq_url())

    async def aclose(self) -> None:
        await self.conn.close()

    async def async_orm_insert(self, n: int) -> int:
        rows = [customer_values(i) for i in range(1, n + 1)]
        if self.target.is_sqlite:
            await self.conn.executemany(self._insert_sql(), rows)
            await self.conn.commit()
        else:
            async with self.conn.transaction():
                await self.conn.executemany(
                    "INSERT INTO customer (name, description, score) "
                    "VALUES ($1, $2, $3)",
                    rows,
                )
        return n

    async def async_orm_get(self, n: int) -> list[Any]:
        conn = self.conn
        out = []
        if self.target.is_sqlite:
            sql = f"SELECT {_COLS} FROM customer WHERE id = ?"
            for i in range(1, n + 1):
                async with conn.execute(sql, (i,)) as cur:
                    out.append(await cur.fetchone())
                await conn.commit()
        else:
            sql = f"SELECT {_COLS} FROM customer WHERE id = $1"
            for i in range(1, n + 1):
                out.append(await conn.fetchrow(sql, i))
        return out
