"""One-to-one relationships (``uselist=False`` on the one-to-many side) set to
None, replaced and cascaded, on SQLAlchemy (the oracle) and quicksilver: the
rows left in the database must match."""

import importlib
from typing import Any, Optional

from tests.backend.differential import on_both


def scenario(name: str, url: str) -> list[Any]:
    sa = importlib.import_module(name)
    orm = importlib.import_module(name + ".orm")

    class Base(orm.DeclarativeBase):
        pass

    class Owner(Base):
        __tablename__ = "o2o_owner"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        profile: orm.Mapped[Optional["Profile"]] = orm.relationship(
            back_populates="owner"
        )
        card: orm.Mapped[Optional["Card"]] = orm.relationship(
            cascade="all, delete-orphan"
        )

    class Profile(Base):
        __tablename__ = "o2o_profile"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        owner_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("o2o_owner.id")
        )
        owner: orm.Mapped[Optional[Owner]] = orm.relationship(back_populates="profile")

    class Card(Base):
        __tablename__ = "o2o_card"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        owner_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("o2o_owner.id"))

    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    out: list[Any] = []

    def rows() -> Any:
        return (
            [tuple(r) for r in s.execute(sa.select(Profile.id, Profile.owner_id))],
            [tuple(r) for r in s.execute(sa.select(Card.id, Card.owner_id))],
        )

    with orm.Session(engine) as s:
        owner = Owner(id=1, profile=Profile(id=1), card=Card(id=1))
        s.add(owner)
        s.commit()
        owner.profile = None  # released: its key is set to NULL
        owner.card = None  # an orphan: deleted
        s.commit()
        out.append(rows())
        owner.profile = s.get(Profile, 1)
        owner.card = Card(id=2)
        s.commit()
        out.append(rows())
        owner.card = Card(id=3)  # replaced: the old card is an orphan
        s.commit()
        out.append(rows())
        s.delete(owner)
        s.commit()
        out.append(rows())
    engine.dispose()
    return out


def test_same_as_sqlalchemy(tmp_path: Any) -> None:
    expected, got = on_both(scenario, tmp_path)
    assert got == expected
    assert expected[0] == ([(1, None)], [])
