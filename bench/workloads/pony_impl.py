"""Pony ORM: each workload written the way Pony's documentation would write it.

A unit of work is a ``db_session``, which commits on exit; Pony has no bulk
insert or update API, no public connection pool (so no ``pool_checkout``) and
no asyncio support (so no async workloads).  Its PostgreSQL provider speaks
psycopg2 only.  Queries are generator expressions, translated once per code
object and cached by Pony.
"""

from __future__ import annotations

from typing import Any

from ..targets import Target, customer_values


def _declare_models(pony: Any, db: Any) -> tuple[Any, Any, Any]:
    class Customer(db.Entity):  # type: ignore[name-defined]
        _table_ = "customer"
        id = pony.PrimaryKey(int, auto=True)
        name = pony.Required(str, 100)
        description = pony.Optional(str, 255, nullable=True)
        score = pony.Required(int)

    class Parent(db.Entity):  # type: ignore[name-defined]
        _table_ = "parent"
        id = pony.PrimaryKey(int, auto=True)
        name = pony.Required(str, 100)
        children = pony.Set("Child")

    class Child(db.Entity):  # type: ignore[name-defined]
        _table_ = "child"
        id = pony.PrimaryKey(int, auto=True)
        parent = pony.Required(Parent, column="parent_id")
        name = pony.Required(str, 100)
        position = pony.Required(int)

    return Customer, Parent, Child


class PonyImpl:
    """Pony ORM 0.7 entities over the benchmark schema."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def setup(self) -> None:
        from pony import orm

        self.orm = orm
        db = self.db = orm.Database()
        self.Customer, self.Parent, self.Child = _declare_models(orm, db)
        t = self.target
        if t.is_sqlite:
            db.bind(provider="sqlite", filename=t.sqlite_path)
        else:
            db.bind(provider="postgres", database=t.dbname, **t.pg_params())
        db.generate_mapping(create_tables=False)

    def close(self) -> None:
        self.db.disconnect()

    def orm_bulk_insert(self, n: int) -> int:
        Customer = self.Customer
        with self.orm.db_session:
            for name, desc, score in map(customer_values, range(1, n + 1)):
                Customer(name=name, description=desc, score=score)
        return n

    def single_inserts(self, n: int) -> int:
        Customer, db_session = self.Customer, self.orm.db_session
        for i in range(1, n + 1):
            name, desc, score = customer_values(i)
            with db_session:
                Customer(name=name, description=desc, score=score)
        return n

    def large_resultset(self, n: int) -> list[Any]:
        with self.orm.db_session:
            return list(self.Customer.select())

    def short_selects_get(self, n: int) -> list[Any]:
        Customer, db_session = self.Customer, self.orm.db_session
        out = []
        for i in range(1, n + 1):
            with db_session:
                out.append(Customer[i])
        return out

    def short_selects_query(self, n: int) -> list[Any]:
        Customer, select = self.Customer, self.orm.select
        with self.orm.db_session:
            return [
                select(c for c in Customer if c.id == i).get() for i in range(1, n + 1)
            ]

    def core_select_pk(self, n: int) -> list[Any]:
        Customer, select = self.Customer, self.orm.select
        with self.orm.db_session:
            return [
                select((c.id, c.name, c.score) for c in Customer if c.id == i).get()
                for i in range(1, n + 1)
            ]

    def bulk_update(self, n: int) -> int:
        with self.orm.db_session:
            customers = list(self.Customer.select())
            for c in customers:
                c.score = c.score + 1
        return len(customers)

    def relationship_selectin(self, n: int) -> int:
        Parent = self.Parent
        with self.orm.db_session:
            parents = Parent.select().prefetch(Parent.children)
            return sum(len(p.children) for p in parents)

    def relationship_lazy(self, n: int) -> int:
        with self.orm.db_session:
            return sum(len(p.children) for p in self.Parent.select())
