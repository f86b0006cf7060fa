"""The Core workloads, once, for SQLAlchemy Core and quicksilver's SQL layer.

Like :mod:`.orm_common`, one file for both libraries: every name comes from the
library module passed in.  Statements are built inside the loops, as
application code builds them; the per-engine compiled cache is what makes
repeating them cheap, and that is part of what is measured.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..targets import Target, customer_values


class CoreImpl:
    """SQLAlchemy 2.x Core code; ``lib`` is ``"sqlalchemy"`` or ``"quicksilver"``."""

    def __init__(self, target: Target, lib: str) -> None:
        self.target = target
        self.lib = lib

    def _import(self) -> None:
        sa = self.sa = importlib.import_module(self.lib)
        md = sa.MetaData()
        self.customer = sa.Table(
            "customer",
            md,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("description", sa.String(255)),
            sa.Column("score", sa.Integer, nullable=False),
        )

    # -- sync -------------------------------------------------------------

    def setup(self) -> None:
        self._import()
        self.engine = self.sa.create_engine(self.target.sa_url())
        with self.engine.connect():
            pass

    def close(self) -> None:
        self.engine.dispose()

    def orm_bulk_insert(self, n: int) -> int:
        rows = [
            {"name": name, "description": desc, "score": score}
            for name, desc, score in map(customer_values, range(1, n + 1))
        ]
        with self.engine.begin() as conn:
            conn.execute(self.sa.insert(self.customer), rows)
        return n

    def single_inserts(self, n: int) -> int:
        engine, insert, t = self.engine, self.sa.insert, self.customer
        for i in range(1, n + 1):
            name, desc, score = customer_values(i)
            with engine.begin() as conn:
                conn.execute(
                    insert(t), {"name": name, "description": desc, "score": score}
                )
        return n

    def large_resultset(self, n: int) -> list[Any]:
        with self.engine.connect() as conn:
            return conn.execute(self.sa.select(self.customer)).all()  # type: ignore[no-any-return]

    def short_selects_get(self, n: int) -> list[Any]:
        engine, select, t = self.engine, self.sa.select, self.customer
        out = []
        for i in range(1, n + 1):
            with engine.connect() as conn:
                out.append(conn.execute(select(t).where(t.c.id == i)).one())
        return out

    def short_selects_query(self, n: int) -> list[Any]:
        select, t = self.sa.select, self.customer
        with self.engine.connect() as conn:
            return [
                conn.execute(select(t).where(t.c.id == i)).one()
                for i in range(1, n + 1)
            ]

    def core_select_pk(self, n: int) -> list[Any]:
        select, t = self.sa.select, self.customer
        c = t.c
        with self.engine.connect() as conn:
            return [
                conn.execute(select(c.id, c.name, c.score).where(c.id == i)).first()
                for i in range(1, n + 1)
            ]

    def core_select_pk_prebuilt(self, n: int) -> list[Any]:
        # the statement built once: what "a cached select" costs per execution
        sa, t = self.sa, self.customer
        c = t.c
        stmt = sa.select(c.id, c.name, c.score).where(c.id == sa.bindparam("ident"))
        with self.engine.connect() as conn:
            execute = conn.execute
            return [execute(stmt, {"ident": i}).first() for i in range(1, n + 1)]

    def bulk_update(self, n: int) -> int:
        sa, t = self.sa, self.customer
        stmt = (
            sa.update(t)
            .where(t.c.id == sa.bindparam("b_id"))
            .values(score=sa.bindparam("b_score"))
        )
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(t)).all()
            params = [{"b_id": r.id, "b_score": r.score + 1} for r in rows]
            conn.execute(stmt, params)
        return len(params)

    def pool_checkout(self, n: int) -> int:
        connect = self.engine.connect
        for _ in range(n):
            connect().close()
        return n

    # -- async ------------------------------------------------------------

    async def asetup(self) -> None:
        self._import()
        aio = importlib.import_module(f"{self.lib}.ext.asyncio")
        self.engine = aio.create_async_engine(self.target.sa_url(is_async=True))
        async with self.engine.connect():
            pass

    async def aclose(self) -> None:
        await self.engine.dispose()

    async def async_orm_insert(self, n: int) -> int:
        rows = [
            {"name": name, "description": desc, "score": score}
            for name, desc, score in map(customer_values, range(1, n + 1))
        ]
        async with self.engine.begin() as conn:
            await conn.execute(self.sa.insert(self.customer), rows)
        return n

    async def async_orm_get(self, n: int) -> list[Any]:
        engine, select, t = self.engine, self.sa.select, self.customer
        out = []
        for i in range(1, n + 1):
            async with engine.connect() as conn:
                out.append((await conn.execute(select(t).where(t.c.id == i))).one())
        return out
