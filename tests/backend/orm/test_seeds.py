"""The ORM code of the seed blog posts (/work/shared/seeds), run on each backend.

Each test reproduces one post's code blocks with the post's own API calls;
only the database URL comes from the test configuration.
"""

import warnings
from contextlib import contextmanager

import pytest

from quicksilver import create_engine, exc
from quicksilver.inspection import inspect
from quicksilver.orm import scoped_session, sessionmaker
from quicksilver.sql.schema import Column
from quicksilver.sql.sqltypes import Boolean, Date, Integer, String

pytestmark = pytest.mark.backend

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from quicksilver.ext.declarative import declarative_base as _legacy_base

    Base = _legacy_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    age = Column(Integer)
    active = Column(Boolean, default=True)
    last_login = Column(Date)


class MyObject(Base):
    __tablename__ = "myobjects"
    id = Column(Integer, primary_key=True)
    name = Column(String)
    age = Column(Integer)


@pytest.fixture(autouse=True)
def _empty_tables(request, engine):
    yield
    if "models" in request.fixturenames:
        from tests.backend.orm.conftest import clear_tables

        clear_tables(engine, Base.metadata)


def test_ext_declarative_base_warns():
    from quicksilver.ext.declarative import declarative_base

    with pytest.warns(exc.MovedIn20Warning):
        declarative_base()


def test_post_000_commit_synchronize_session(engine, models):
    Session = sessionmaker(bind=engine)
    session = Session()
    user = User(name="John Doe", age=30)
    session.add(user)
    session.commit(synchronize_session=True)
    assert inspect(user).expired_attributes  # synchronized: reloaded on access
    assert user.age == 30
    user.age = 31
    session.commit(synchronize_session=False)
    assert user.__dict__["age"] == 31
    session.commit(synchronize_session="evaluate")
    session.close()


def test_post_001_multiple_sessions(engine, models):
    Session = sessionmaker()
    Session.configure(bind=engine)
    session1 = Session()
    session2 = Session()
    assert session1 is not session2
    session1.execute("SELECT * FROM users")
    session1.commit()
    session2.execute("UPDATE users SET active = False WHERE last_login < '2022-01-01'")
    session2.commit()
    session1.close()
    session2.close()

    @contextmanager
    def session_scope(Session):
        session = Session()
        try:
            yield session
            session.commit()
        except:  # noqa: E722 - the post's code
            session.rollback()
            raise
        finally:
            session.close()

    with session_scope(Session) as session:
        session.execute("INSERT INTO users (name) VALUES ('John')")
    with session_scope(Session) as session:
        assert session.query(User).filter_by(name="John").count() == 1
    with pytest.raises(exc.DBAPIError):
        with session_scope(Session) as session:
            session.execute("INSERT INTO no_such_table (name) VALUES ('x')")


def test_post_002_session_management(engine, models):
    Session = sessionmaker(bind=engine)
    session = Session()
    user = User(name="John Doe", age=30)
    session.add(user)
    session.commit()
    with pytest.warns(exc.LegacyAPIWarning):
        user = session.query(User).get(user.id)
    user.age = 31
    session.commit()
    users = session.query(User).all()
    assert [(u.name, u.age) for u in users] == [("John Doe", 31)]
    with pytest.warns(exc.LegacyAPIWarning):
        user = session.query(User).get(user.id)
    session.delete(user)
    session.commit()
    assert session.query(User).all() == []
    session.close()


def test_post_003_synchronization(engine, models):
    Session = sessionmaker(bind=engine)
    session = Session()
    result = session.query(MyObject).all()
    assert result == []
    new_obj = MyObject(name="John", age=25)
    session.add(new_obj)
    session.commit()
    obj = session.query(MyObject).filter_by(name="John").first()
    obj.age = 30
    session.commit()
    obj = session.query(MyObject).filter_by(name="John").first()
    assert obj.age == 30
    session.delete(obj)
    session.commit()
    assert session.query(MyObject).filter_by(name="John").first() is None
    session.close()


def test_post_003_create_all_on_file_database(tmp_path):
    # the post's own flow: declarative_base() + create_all on a SQLite file
    engine = create_engine(f"sqlite:///{tmp_path / 'mydatabase.db'}")
    from tests.backend.orm.conftest import create_tables

    create_tables(engine, Base.metadata)
    Session = sessionmaker(bind=engine)
    with Session() as s:
        s.add(MyObject(name="John", age=25))
        s.commit()
        assert s.query(MyObject).count() == 1
    engine.dispose()


def test_post_004_scoped_session(engine, models):
    session_factory = sessionmaker(bind=engine)
    Session = scoped_session(session_factory)
    some_session = Session()
    some_other_session = Session()
    assert some_session is some_other_session
    Session.add(MyObject(name="x", age=1))
    Session.commit()
    assert [o.name for o in Session.query(MyObject).all()] == ["x"]
    Session.remove()
    new_session = Session()
    assert new_session is not some_session
    Session.query(MyObject).delete()
    Session.commit()
    Session.remove()


def test_post_004_legacy_autocommit(engine, models):
    with pytest.warns(exc.SADeprecationWarning, match="autocommit=False"):
        Session = sessionmaker(bind=engine, autocommit=True)
        session = Session()
    obj = MyObject(name="auto", age=1)
    session.add(obj)
    session.flush()  # commits at once: no transaction is held
    assert not session.in_transaction()
    with sessionmaker(bind=engine)() as other:
        assert other.query(MyObject).filter_by(name="auto").count() == 1
    session.begin()
    obj.age = 2
    session.flush()
    assert session.in_transaction()  # begin() opened one: flush does not commit
    session.rollback()
    assert session.query(MyObject).filter_by(name="auto").one().age == 1
    assert not session.in_transaction()
    session.query(MyObject).delete()
    session.close()
