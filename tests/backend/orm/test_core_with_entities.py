"""Core statements naming ORM entities (``update(Item).where(Item.id == 1)``)
run on a plain Connection, outside any Session: the SQLAlchemy 2.x style.

The same scenario runs on SQLAlchemy (the oracle) and on quicksilver, and the
rows and counts must match; it also runs on every backend under test.
"""

import importlib
import types
from typing import Any

import pytest

from tests.backend.differential import on_both


def _lib(name: str, engine_url: str) -> Any:
    root = importlib.import_module(name)
    orm = importlib.import_module(name + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    class Item(Base):
        __tablename__ = "qs_core_items"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        qty: orm.Mapped[int]
        name: orm.Mapped[str] = orm.mapped_column(root.String(10), default="x")

    class Other(Base):
        __tablename__ = "qs_core_other"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        q: orm.Mapped[int]

    engine = root.create_engine(engine_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return types.SimpleNamespace(
        sa=root, orm=orm, Base=Base, Item=Item, Other=Other, engine=engine
    )


def scenario(lib: Any) -> list[Any]:
    sa, Item, Other = lib.sa, lib.Item, lib.Other
    out: list[Any] = []
    with lib.engine.begin() as c:
        out.append(
            c.execute(
                sa.insert(Item), [{"id": 1, "qty": 1}, {"id": 2, "qty": 2}]
            ).rowcount
        )
        out.append(
            tuple(c.execute(sa.insert(Item).values(id=3, qty=3)).inserted_primary_key)
        )
        c.execute(sa.insert(Other), [{"id": 1, "q": 10}, {"id": 2, "q": 20}])
        out.append(
            c.execute(
                sa.update(Item).where(Item.id == 1).values(qty=Item.qty + 5)
            ).rowcount
        )
        out.append(c.execute(sa.select(Item.qty).where(Item.id == 1)).scalar())
        out.append(c.execute(sa.delete(Item).where(Item.id == 3)).rowcount)
        out.append([tuple(r) for r in c.execute(sa.select(Item).order_by(Item.id))])
        out.append(list(c.execute(sa.select(Item)).keys()))
        out.append(
            [
                tuple(r)
                for r in c.execute(
                    sa.select(Item.id, Other.q)
                    .join(Other, Other.id == Item.id)
                    .order_by(Item.id)
                )
            ]
        )
    with lib.orm.Session(lib.engine) as s:
        out.append(
            s.execute(sa.update(Item).where(Item.id == 2).values(qty=22)).rowcount
        )
        out.append(
            [(i.id, i.qty) for i in s.scalars(sa.select(Item).order_by(Item.id))]
        )
        s.commit()
    lib.Base.metadata.drop_all(lib.engine)
    lib.engine.dispose()
    return out


def test_same_as_sqlalchemy(tmp_path: Any) -> None:
    expected, got = on_both(lambda name, url: scenario(_lib(name, url)), tmp_path)
    assert got == expected
    assert expected[2:4] == [1, 6]  # the entity UPDATE hit its row


def test_update_from_another_entity_on_every_backend(db_url: str) -> None:
    lib = _lib("quicksilver", db_url)
    sa, Item, Other = lib.sa, lib.Item, lib.Other
    try:
        with lib.engine.begin() as c:
            c.execute(sa.insert(Item), [{"id": 1, "qty": 1}, {"id": 2, "qty": 2}])
            c.execute(sa.insert(Other), [{"id": 1, "q": 10}, {"id": 2, "q": 20}])
            stmt = sa.update(Item).where(Item.id == Other.id).values(qty=Other.q)
            assert c.execute(stmt).rowcount == 2
            assert c.execute(sa.select(Item.qty).order_by(Item.id)).scalars().all() == [
                10,
                20,
            ]
            delete = sa.delete(Item).where(Item.id == Other.id, Other.q > 15)
            if lib.engine.dialect.name == "sqlite":
                # SQLAlchemy raises NotImplementedError here; quicksilver's
                # error is one, and a CompileError, and says what to do
                with pytest.raises(NotImplementedError, match="subquery") as info:
                    c.execute(delete)
                assert isinstance(info.value, sa.exc.CompileError)
            else:
                assert c.execute(delete).rowcount == 1
                assert c.execute(sa.select(Item.id)).scalars().all() == [1]
    finally:
        lib.Base.metadata.drop_all(lib.engine)
        lib.engine.dispose()
