"""quicksilver demo: the seed posts' scenarios, on SQLite.

Run with ``make demo``. Every step prints what it shows; the same script runs on
SQLAlchemy by changing the import below (``import sqlalchemy as qs``).
"""

from __future__ import annotations

import os
import tempfile
import threading
from contextlib import contextmanager
from typing import Iterator, Optional

import quicksilver as qs
from quicksilver import Column, Integer, String, create_engine, select, text, update
from quicksilver.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    scoped_session,
    sessionmaker,
)


def step(title: str) -> None:
    print(f"\n== {title}")


class Base(DeclarativeBase):
    pass


class User(Base):
    """A declarative model in the 2.x style (``Mapped`` + ``mapped_column``)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[Optional[int]]
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, name={self.name!r}, age={self.age!r})"


class MyObject(Base):
    """The seed's legacy ``Column`` style works too."""

    __tablename__ = "myobjects"
    id = Column(Integer, primary_key=True)
    name = Column(String)
    age = Column(Integer)


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="quicksilver-demo-")
    url = f"sqlite:///{os.path.join(workdir, 'mydatabase.db')}"

    step("Engine and pool (seed 004): create_engine with pool options")
    engine = create_engine(
        url, pool_size=5, max_overflow=10, pool_timeout=30, pool_recycle=3600
    )
    print(engine, "->", type(engine.pool).__name__, "|", engine.pool.status())
    with engine.connect() as conn:
        print("SELECT 1 ->", conn.execute(text("SELECT 1")).scalar())

    step("Declarative mapping and metadata.create_all (seed 003)")
    Base.metadata.create_all(engine)
    print("tables:", qs.inspect(engine).get_table_names())

    step("sessionmaker, then configure(bind=...) later (seed 001)")
    SessionFactory = sessionmaker()
    SessionFactory.configure(bind=engine)

    step("add / commit / query / get / update / delete (seed 002)")
    session = SessionFactory()
    session.add(User(name="John Doe", age=30))
    session.add_all([User(name="Ann", age=25), User(name="Bob", age=41)])
    session.commit()
    print("all users:", session.query(User).order_by(User.id).all())
    user = session.query(User).get(1)
    user.age = 31
    session.commit()
    print("after update:", session.get(User, 1))
    session.delete(session.query(User).filter_by(name="Bob").first())
    session.commit()
    print("after delete:", session.scalars(select(User).order_by(User.id)).all())
    session.close()

    step("CRUD with the legacy Column model (seed 003)")
    with SessionFactory() as session:
        session.add(MyObject(name="John", age=25))
        session.commit()
        obj = session.query(MyObject).filter_by(name="John").first()
        obj.age = 30
        session.commit()
        print(
            "MyObject age:", session.query(MyObject).filter_by(name="John").first().age
        )
        session.delete(obj)
        session.commit()
        print("MyObject rows left:", session.query(MyObject).count())

    step("Several sessions at once, and their isolation (seed 001)")
    session1 = SessionFactory()
    session2 = SessionFactory()
    session1.execute("SELECT * FROM users")  # a plain string runs as text()
    session1.commit()
    session2.add(User(name="Uncommitted", age=1))
    session2.flush()
    seen = session1.scalars(select(User.name).where(User.name == "Uncommitted")).all()
    print("session1 sees session2's uncommitted row:", bool(seen))
    session2.rollback()
    session1.close()
    session2.close()

    step("The session_scope() pattern (seed 001)")

    @contextmanager
    def session_scope(Session: sessionmaker) -> Iterator[Session]:
        session = Session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    with session_scope(SessionFactory) as session:
        session.execute(
            text("INSERT INTO users (name, age, active) VALUES ('Scoped', 50, 1)")
        )
    try:
        with session_scope(SessionFactory) as session:
            session.add(User(name="Never", age=0))
            raise RuntimeError("something went wrong")
    except RuntimeError:
        pass
    with SessionFactory() as session:
        print(
            "rows named Scoped/Never:",
            session.scalars(
                select(User.name).where(User.name.in_(["Scoped", "Never"]))
            ).all(),
        )

    step("Bulk UPDATE with synchronize_session (seed 000)")
    with SessionFactory() as session:
        ann = session.scalars(select(User).filter_by(name="Ann")).one()
        session.execute(
            update(User).where(User.age < 40).values(active=False),
            execution_options={"synchronize_session": "evaluate"},
        )
        print("Ann.active updated in place by 'evaluate':", ann.active)
        session.query(User).filter(User.name == "Ann").update(
            {"age": 26}, synchronize_session="fetch"
        )
        print("Ann.age after 'fetch':", ann.age)
        session.commit(synchronize_session=False)  # quicksilver: keep loaded state
        print("after commit(synchronize_session=False), Ann is still loaded:", ann.age)

    step("scoped_session: one session per thread (seed 004)")
    Scoped = scoped_session(sessionmaker(bind=engine))
    some_session = Scoped()
    print("same scope, same session:", some_session is Scoped())
    print("class-level proxy query:", Scoped.query(User).count(), "users")
    ids: list[int] = []
    t = threading.Thread(target=lambda: ids.append(id(Scoped())))
    t.start()
    t.join()
    print("another thread gets another session:", ids[0] != id(some_session))
    Scoped.remove()
    print("after remove(), a new session:", Scoped() is not some_session)
    Scoped.remove()

    engine.dispose()
    print("\npool after dispose:", engine.pool.status())


if __name__ == "__main__":
    main()
