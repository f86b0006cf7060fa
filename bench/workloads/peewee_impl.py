"""peewee: each workload written the way peewee's documentation would write it.

peewee has no Session or identity map: "new Session" becomes nothing, a unit
of work becomes ``db.atomic()``, ``add_all`` becomes ``bulk_create`` and the
bulk update ``bulk_update``.  On PostgreSQL it runs on psycopg 3 (the same
driver as everyone else); the async workloads use ``playhouse.pwasyncio``
(aiosqlite / asyncpg).
"""

from __future__ import annotations

from typing import Any

from ..targets import Target, customer_values


def _declare_models(pw: Any, db: Any) -> tuple[Any, Any, Any]:
    class Base(pw.Model):
        class Meta:
            database = db

    class Customer(Base):
        id = pw.AutoField()
        name = pw.CharField(max_length=100)
        description = pw.CharField(max_length=255, null=True)
        score = pw.IntegerField()

        class Meta:
            table_name = "customer"

    class Parent(Base):
        id = pw.AutoField()
        name = pw.CharField(max_length=100)

        class Meta:
            table_name = "parent"

    class Child(Base):
        id = pw.AutoField()
        parent = pw.ForeignKeyField(Parent, backref="children", column_name="parent_id")
        name = pw.CharField(max_length=100)
        position = pw.IntegerField()

        class Meta:
            table_name = "child"

    return Customer, Parent, Child


class PeeweeImpl:
    """peewee 3.x / 4.x models over the benchmark schema."""

    def __init__(self, target: Target, workload: str = "") -> None:
        self.target = target
        self.workload = workload

    def _database(self, kind: str) -> Any:
        t = self.target
        if kind == "async":
            from playhouse import pwasyncio as mod

            sqlite_cls, pg_cls = mod.AsyncSqliteDatabase, mod.AsyncPostgresqlDatabase
        elif kind == "pooled":
            from playhouse import pool as mod

            sqlite_cls, pg_cls = mod.PooledSqliteDatabase, mod.PooledPostgresqlDatabase
        else:
            import peewee as mod

            sqlite_cls, pg_cls = mod.SqliteDatabase, mod.PostgresqlDatabase
        if t.is_sqlite:
            return sqlite_cls(t.sqlite_path)
        kw = t.pg_params()
        if kind != "async":
            kw["prefer_psycopg3"] = True
        return pg_cls(t.dbname, **kw)

    def _setup(self, kind: str) -> None:
        import peewee

        self.pw = peewee
        self.db = self._database(kind)
        self.Customer, self.Parent, self.Child = _declare_models(peewee, self.db)

    # -- sync -------------------------------------------------------------

    def setup(self) -> None:
        # pool_checkout measures peewee's pool (playhouse.pool); the rest use
        # the plain database, which keeps one connection open per thread
        self._setup("pooled" if self.workload == "pool_checkout" else "plain")
        self.db.connect()
        if self.workload == "pool_checkout":
            self.db.close()

    def close(self) -> None:
        self.db.close()

    def orm_bulk_insert(self, n: int) -> int:
        Customer = self.Customer
        objs = [
            Customer(name=name, description=desc, score=score)
            for name, desc, score in map(customer_values, range(1, n + 1))
        ]
        with self.db.atomic():
            Customer.bulk_create(objs, batch_size=500)
        return n

    def single_inserts(self, n: int) -> int:
        Customer, db = self.Customer, self.db
        for i in range(1, n + 1):
            name, desc, score = customer_values(i)
            with db.atomic():
                Customer.create(name=name, description=desc, score=score)
        return n

    def large_resultset(self, n: int) -> list[Any]:
        return list(self.Customer.select())

    def short_selects_get(self, n: int) -> list[Any]:
        get = self.Customer.get_by_id
        return [get(i) for i in range(1, n + 1)]

    def short_selects_query(self, n: int) -> list[Any]:
        Customer = self.Customer
        return [
            Customer.select().where(Customer.id == i).get() for i in range(1, n + 1)
        ]

    def core_select_pk(self, n: int) -> list[Any]:
        C = self.Customer
        return [
            C.select(C.id, C.name, C.score).where(C.id == i).tuples().get()
            for i in range(1, n + 1)
        ]

    def bulk_update(self, n: int) -> int:
        Customer = self.Customer
        with self.db.atomic():
            customers = list(Customer.select())
            for c in customers:
                c.score = c.score + 1
            Customer.bulk_update(customers, fields=[Customer.score], batch_size=500)
        return len(customers)

    def relationship_selectin(self, n: int) -> int:
        parents = self.pw.prefetch(self.Parent.select(), self.Child.select())
        return sum(len(p.children) for p in parents)

    def relationship_lazy(self, n: int) -> int:
        return sum(len(list(p.children)) for p in self.Parent.select())

    def pool_checkout(self, n: int) -> int:
        connect, close = self.db.connect, self.db.close
        for _ in range(n):
            connect()
            close()
        return n

    # -- async (playhouse.pwasyncio) -------------------------------------

    async def asetup(self) -> None:
        self._setup("async")
        await self.db.aconnect()

    async def aclose(self) -> None:
        await self.db.close_pool()

    async def async_orm_insert(self, n: int) -> int:
        Customer = self.Customer
        objs = [
            Customer(name=name, description=desc, score=score)
            for name, desc, score in map(customer_values, range(1, n + 1))
        ]
        async with self.db.atomic():
            await self.db.run(Customer.bulk_create, objs, 500)
        return n

    async def async_orm_get(self, n: int) -> list[Any]:
        C, db = self.Customer, self.db
        return [await db.get(C.select().where(C.id == i)) for i in range(1, n + 1)]
