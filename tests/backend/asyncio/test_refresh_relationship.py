"""``await session.refresh(obj, ["rel"])`` loads a lazy relationship now.

SQLAlchemy 2.0.4+ loads a "select" relationship named in ``refresh()``'s
attribute names immediately: the documented way to load a relationship under
asyncio without an implicit (greenlet-less) lazy load.
"""

from __future__ import annotations

from typing import List, Optional

from quicksilver import ForeignKey, String
from quicksilver.ext.asyncio import AsyncSession, create_async_engine
from quicksilver.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ._util import async_test


class Base(DeclarativeBase):
    pass


class Parent(Base):
    __tablename__ = "qs_as_ref_parent"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(20))
    children: Mapped[List["Child"]] = relationship(back_populates="parent")


class Child(Base):
    __tablename__ = "qs_as_ref_child"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey(Parent.id))
    parent: Mapped[Optional[Parent]] = relationship(back_populates="children")


@async_test
async def test_refresh_named_relationships_loads_them(async_url: str) -> None:
    engine = create_async_engine(async_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
        async with AsyncSession(engine) as session:
            session.add(Parent(id=1, name="p", children=[Child(id=1), Child(id=2)]))
            await session.commit()
        async with AsyncSession(engine) as session:
            parent = await session.get(Parent, 1)
            assert parent is not None
            assert "children" not in parent.__dict__
            await session.refresh(parent, ["children"])
            # loaded: plain attribute access does no I/O
            assert sorted(c.id for c in parent.children) == [1, 2]
            child = await session.get(Child, 2)
            assert child is not None
            session.expire(child)
            await session.refresh(child, ["parent", "parent_id"])
            assert child.parent is parent
            assert child.parent_id == 1
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
    finally:
        await engine.dispose()
