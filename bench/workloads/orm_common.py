"""The ORM workloads, once, for SQLAlchemy and for quicksilver.

This one file is both the ``sqlalchemy`` and the ``quicksilver`` implementation:
the library is a constructor argument and every name is imported from it with
:func:`importlib.import_module`, so the two run the very same code and differ
only in the import, as quicksilver promises its users.

The models are declared in ``setup()`` (each measurement is a fresh process)
with 2.x annotated declarative mapping; annotations are evaluated eagerly here
(no ``from __future__ import annotations``) because ``Mapped`` is a local name.
"""

import importlib
from typing import Any, List, Optional

from ..targets import Target, customer_values


def _declare_models(sa: Any, orm: Any) -> tuple[Any, Any, Any]:
    Mapped, mapped_column = orm.Mapped, orm.mapped_column

    class Base(orm.DeclarativeBase):
        pass

    class Customer(Base):
        __tablename__ = "customer"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(100))
        description: Mapped[Optional[str]] = mapped_column(sa.String(255))
        score: Mapped[int]

    class Parent(Base):
        __tablename__ = "parent"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(100))
        children: Mapped[List["Child"]] = orm.relationship(back_populates="parent")

    class Child(Base):
        __tablename__ = "child"
        id: Mapped[int] = mapped_column(primary_key=True)
        parent_id: Mapped[int] = mapped_column(sa.ForeignKey("parent.id"))
        name: Mapped[str] = mapped_column(sa.String(100))
        position: Mapped[int]
        parent: Mapped["Parent"] = orm.relationship(back_populates="children")

    orm.configure_mappers()
    return Customer, Parent, Child


class OrmImpl:
    """SQLAlchemy 2.x ORM code; ``lib`` is ``"sqlalchemy"`` or ``"quicksilver"``."""

    def __init__(self, target: Target, lib: str) -> None:
        self.target = target
        self.lib = lib

    def _import(self) -> None:
        self.sa = importlib.import_module(self.lib)
        self.orm = importlib.import_module(f"{self.lib}.orm")
        self.Customer, self.Parent, self.Child = _declare_models(self.sa, self.orm)

    # -- sync -------------------------------------------------------------

    def setup(self) -> None:
        self._import()
        self.engine = self.sa.create_engine(self.target.sa_url())
        with self.engine.connect():
            pass

    def close(self) -> None:
        self.engine.dispose()

    def orm_bulk_insert(self, n: int) -> int:
        Customer = self.Customer
        with self.orm.Session(self.engine) as session:
            session.add_all(
                [
                    Customer(name=name, description=desc, score=score)
                    for name, desc, score in map(customer_values, range(1, n + 1))
                ]
            )
            session.commit()
        return n

    def single_inserts(self, n: int) -> int:
        Customer, Session, engine = self.Customer, self.orm.Session, self.engine
        for i in range(1, n + 1):
            name, desc, score = customer_values(i)
            with Session(engine) as session:
                session.add(Customer(name=name, description=desc, score=score))
                session.commit()
        return n

    def large_resultset(self, n: int) -> list[Any]:
        with self.orm.Session(self.engine) as session:
            return session.scalars(self.sa.select(self.Customer)).all()  # type: ignore[no-any-return]

    def short_selects_get(self, n: int) -> list[Any]:
        Customer, Session, engine = self.Customer, self.orm.Session, self.engine
        out = []
        for i in range(1, n + 1):
            with Session(engine) as session:
                out.append(session.get(Customer, i))
        return out

    def short_selects_query(self, n: int) -> list[Any]:
        Customer, select = self.Customer, self.sa.select
        with self.orm.Session(self.engine) as session:
            return [
                session.scalars(select(Customer).where(Customer.id == i)).one()
                for i in range(1, n + 1)
            ]

    def bulk_update(self, n: int) -> int:
        with self.orm.Session(self.engine) as session:
            customers = session.scalars(self.sa.select(self.Customer)).all()
            for c in customers:
                c.score = c.score + 1
            session.commit()
        return len(customers)

    def relationship_selectin(self, n: int) -> int:
        Parent = self.Parent
        stmt = self.sa.select(Parent).options(self.orm.selectinload(Parent.children))
        with self.orm.Session(self.engine) as session:
            return sum(len(p.children) for p in session.scalars(stmt).all())

    def relationship_lazy(self, n: int) -> int:
        with self.orm.Session(self.engine) as session:
            parents = session.scalars(self.sa.select(self.Parent)).all()
            return sum(len(p.children) for p in parents)

    # -- async ------------------------------------------------------------

    async def asetup(self) -> None:
        self._import()
        aio = importlib.import_module(f"{self.lib}.ext.asyncio")
        self.AsyncSession = aio.AsyncSession
        self.engine = aio.create_async_engine(self.target.sa_url(is_async=True))
        async with self.engine.connect():
            pass

    async def aclose(self) -> None:
        await self.engine.dispose()

    async def async_orm_insert(self, n: int) -> int:
        Customer = self.Customer
        async with self.AsyncSession(self.engine) as session:
            session.add_all(
                [
                    Customer(name=name, description=desc, score=score)
                    for name, desc, score in map(customer_values, range(1, n + 1))
                ]
            )
            await session.commit()
        return n

    async def async_orm_get(self, n: int) -> list[Any]:
        Customer, AsyncSession, engine = self.Customer, self.AsyncSession, self.engine
        out = []
        for i in range(1, n + 1):
            async with AsyncSession(engine) as session:
                out.append(await session.get(Customer, i))
        return out
