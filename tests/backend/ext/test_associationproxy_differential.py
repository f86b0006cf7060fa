"""``association_proxy`` on SQLAlchemy (the oracle) and quicksilver: the
instance views, the objects they create and the criteria they build must
give the same results."""

import importlib
from typing import Any, List, Optional

from tests.backend.differential import on_both


def scenario(name: str, url: str) -> list[Any]:
    sa = importlib.import_module(name)
    orm = importlib.import_module(name + ".orm")
    ap = importlib.import_module(name + ".ext.associationproxy")

    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "ap_user"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[str]
        kw_assocs: orm.Mapped[List["UserKeyword"]] = orm.relationship(
            back_populates="user", cascade="all, delete-orphan"
        )
        keywords = ap.association_proxy(
            "kw_assocs", "keyword", creator=lambda k: UserKeyword(keyword=k)
        )
        tags: orm.Mapped[List["Tag"]] = orm.relationship(cascade="all, delete-orphan")
        tag_names = ap.association_proxy("tags", "name", creator=lambda n: Tag(name=n))

    class Keyword(Base):
        __tablename__ = "ap_keyword"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        word: orm.Mapped[str]

    class UserKeyword(Base):
        __tablename__ = "ap_user_keyword"
        user_id: orm.Mapped[int] = orm.mapped_column(
            sa.ForeignKey("ap_user.id"), primary_key=True
        )
        keyword_id: orm.Mapped[int] = orm.mapped_column(
            sa.ForeignKey("ap_keyword.id"), primary_key=True
        )
        special: orm.Mapped[Optional[str]]
        user: orm.Mapped[User] = orm.relationship(back_populates="kw_assocs")
        keyword: orm.Mapped[Keyword] = orm.relationship()
        word = ap.association_proxy("keyword", "word")

    class Tag(Base):
        __tablename__ = "ap_tag"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("ap_user.id"))
        name: orm.Mapped[str]

    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    out: list[Any] = []
    with orm.Session(engine) as s:
        u, v = User(id=1, name="u"), User(id=2, name="v")
        a, b = Keyword(id=1, word="a"), Keyword(id=2, word="b")
        u.keywords.append(a)
        u.keywords.extend([b])
        v.keywords.append(b)
        u.tag_names.extend(["t1", "t2"])
        out.append(([k.word for k in u.keywords], len(u.keywords), list(u.tag_names)))
        out.append(("t2" in u.tag_names, u.tag_names[1], u.tag_names == ["t1", "t2"]))
        s.add_all([u, v])
        s.commit()

        def names(crit: Any) -> Any:
            return s.scalars(sa.select(User.name).where(crit).order_by(User.id)).all()

        out.append(names(User.tag_names.any(Tag.name == "t2")))
        out.append(names(User.tag_names.contains("t1")))
        out.append(names(User.keywords.any(Keyword.word == "b")))
        out.append(names(User.keywords.contains(a)))
        out.append(
            s.scalars(
                sa.select(UserKeyword.user_id).where(UserKeyword.word == "b")
            ).all()
        )
        out.append([uk.word for uk in u.kw_assocs])
        u.tag_names.remove("t1")
        s.commit()
        u.tag_names = ["x", "y"]
        s.commit()
        out.append((list(u.tag_names), sorted(s.scalars(sa.select(Tag.name)).all())))
    engine.dispose()
    return out


def test_same_as_sqlalchemy(tmp_path: Any) -> None:
    expected, got = on_both(scenario, tmp_path)
    assert got == expected
    assert expected[2:4] == [["u"], ["u"]] and expected[4] == ["u", "v"]
