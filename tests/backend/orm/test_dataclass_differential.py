"""``MappedAsDataclass`` and ``registry.mapped_as_dataclass`` on SQLAlchemy (the
oracle) and quicksilver: constructors, reprs, equality, field metadata and
persistence must match."""

import dataclasses
import importlib
from typing import Any, List, Optional

from tests.backend.differential import on_both


def scenario(name: str, url: str) -> list[Any]:
    sa = importlib.import_module(name)
    orm = importlib.import_module(name + ".orm")

    class Base(orm.MappedAsDataclass, orm.DeclarativeBase):
        pass

    class Author(Base):
        __tablename__ = "dc_author"
        id: orm.Mapped[int] = orm.mapped_column(init=False, primary_key=True)
        name: orm.Mapped[str]
        nick: orm.Mapped[Optional[str]] = orm.mapped_column(default=None)
        books: orm.Mapped[List["Book"]] = orm.relationship(
            default_factory=list, back_populates="author", repr=False
        )

    class Book(Base, kw_only=True):
        __tablename__ = "dc_book"
        id: orm.Mapped[int] = orm.mapped_column(init=False, primary_key=True)
        title: orm.Mapped[str]
        pages: orm.Mapped[int] = orm.mapped_column(default=100, compare=False)
        author_id: orm.Mapped[Optional[int]] = orm.mapped_column(
            sa.ForeignKey("dc_author.id"), init=False, default=None
        )
        author: orm.Mapped[Optional[Author]] = orm.relationship(
            default=None, back_populates="books", repr=False
        )

        def __post_init__(self) -> None:
            self.title = self.title.strip()

    reg = orm.registry()

    @reg.mapped_as_dataclass
    class Note:
        __tablename__ = "dc_note"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        text: orm.Mapped[str] = orm.mapped_column(default="")

    out: list[Any] = []
    a = Author("ann")
    out.append(repr(a))
    out.append(a == Author("ann", nick=None))
    out.append(a == Author("bob"))
    b = Book(title=" Dune ", author=a)
    out.append((repr(b), b.title, b.pages, a.books == [b]))
    out.append(Book(title="x", pages=1) == Book(title="x", pages=2))
    out.append([f.name for f in dataclasses.fields(Author)])
    out.append([(f.name, f.init) for f in dataclasses.fields(Book)])
    for bad in (lambda: Author(), lambda: Book("positional")):
        try:
            bad()
            out.append("no error")
        except TypeError:
            out.append("TypeError")
    out.append(repr(Note(1, "n")))
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    reg.metadata.create_all(engine)
    with orm.Session(engine) as s:
        s.add(a)
        s.add(Note(2))
        s.commit()
        out.append((a.id, [bk.title for bk in a.books], repr(s.get(Note, 2))))
    with orm.Session(engine) as s:
        loaded = s.scalars(sa.select(Book)).one()
        out.append((repr(loaded), loaded.author.name))
    engine.dispose()
    return out


def test_same_as_sqlalchemy(tmp_path: Any) -> None:
    expected, got = on_both(scenario, tmp_path)
    assert got == expected
    assert expected[0].endswith("Author(id=None, name='ann', nick=None)")
