"""Instrumentation and object state, compared against SQLAlchemy (no database)."""

import gc
import weakref
from typing import Optional

import pytest


def test_transient_state(user_model):
    lib, User = user_model.lib, user_model.User
    u = User()
    st = lib.inspect(u)
    assert (st.transient, st.pending, st.persistent, st.deleted, st.detached) == (
        True,
        False,
        False,
        False,
        False,
    )
    assert st.key is None and st.identity is None and st.identity_key is None
    assert st.has_identity is False
    assert st.modified is False
    assert st.unloaded == {"id", "name", "age"}
    assert st.expired_attributes == set()
    assert st.session is None
    assert st.object is u
    assert st.mapper is lib.inspect(User)
    assert st.dict is u.__dict__


def test_unset_attribute_reads_none_without_populating(user_model):
    User = user_model.User
    u = User()
    assert u.name is None
    assert u.age is None  # column defaults apply at flush, not construction
    assert "name" not in u.__dict__


def test_history_of_transient(user_model):
    lib, User = user_model.lib, user_model.User
    u = User()
    st = lib.inspect(u)
    assert tuple(st.attrs.name.history) == ((), (), ())
    u.name = "a"
    assert tuple(st.attrs.name.history) == (["a"], (), ())
    assert st.modified is True
    u.name = "b"
    assert tuple(st.attrs.name.history) == (["b"], (), ())
    assert st.attrs.name.value == "b"
    assert st.attrs.name.loaded_value == "b"
    assert (
        st.attrs.age.loaded_value is lib.orm.NO_VALUE
        if hasattr(lib.orm, "NO_VALUE")
        else True
    )


def test_history_functions(user_model):
    lib, User = user_model.lib, user_model.User
    from importlib import import_module

    attributes = import_module(lib.name + ".orm.attributes")
    u = User(name="x")
    h = attributes.get_history(u, "name")
    assert h.added == ["x"] and not h.deleted
    assert h.has_changes()
    assert h.sum() == ["x"]
    assert h.non_deleted() == ["x"]
    assert not h.empty()
    attributes.set_committed_value(u, "age", 3)
    assert u.age == 3


def test_invalid_constructor_keyword(user_model):
    User = user_model.User
    with pytest.raises(TypeError) as err:
        User(foo=1)
    assert str(err.value) == "'foo' is an invalid keyword argument for User"


def test_constructor_sets_attributes(user_model):
    User = user_model.User
    u = User(id=5, name="n")
    assert (u.id, u.name) == (5, "n")


def test_attrs_collection(user_model):
    lib, User = user_model.lib, user_model.User
    u = User(name="q")
    st = lib.inspect(u)
    assert [a.key for a in st.attrs] == ["id", "name", "age"]
    assert st.attrs.name.value == "q"
    assert "name" in st.attrs.keys()


def test_class_attribute_is_instrumented(user_model):
    lib, User = user_model.lib, user_model.User
    assert isinstance(User.name, lib.orm.InstrumentedAttribute)
    assert str(User.name) == "User.name"
    assert User.name.key == "name"
    assert User.name.property is lib.inspect(User).attrs.name
    assert User.name.class_ is User
    assert User.name.parent is lib.inspect(User)


def test_expression_from_attribute(user_model):
    _lib, User = user_model.lib, user_model.User
    expr = User.name == "x"
    assert str(expr) == "users.name = :name_1"
    assert str(User.name.like("a%")) == "users.name LIKE :name_1"
    col = User.name.__clause_element__()
    assert col.key == "name" and col.table is User.__table__


def test_unmapped_errors(lib):
    class A:
        pass

    with pytest.raises(lib.orm_exc.UnmappedClassError) as e1:
        lib.orm.class_mapper(A)
    with pytest.raises(lib.orm_exc.UnmappedInstanceError) as e2:
        lib.orm.object_mapper(A())
    with pytest.raises(lib.exc.NoInspectionAvailable):
        lib.inspect(A())
    with pytest.raises(lib.exc.NoInspectionAvailable):
        lib.inspect(A)
    with pytest.raises(lib.exc.ArgumentError):
        lib.orm.class_mapper(5)
    assert "is not mapped" in str(e1.value)
    assert "is not mapped" in str(e2.value)


def test_orm_exception_tree(lib):
    e = lib.orm_exc
    assert issubclass(e.DetachedInstanceError, lib.exc.SQLAlchemyError)
    assert issubclass(e.ObjectDeletedError, lib.exc.InvalidRequestError)
    assert issubclass(e.StaleDataError, lib.exc.SQLAlchemyError)
    assert issubclass(e.UnmappedInstanceError, e.UnmappedError)
    assert issubclass(e.UnmappedClassError, lib.exc.InvalidRequestError)
    assert issubclass(e.UnmappedColumnError, lib.exc.InvalidRequestError)
    assert issubclass(e.FlushError, lib.exc.SQLAlchemyError)
    assert e.NoResultFound is lib.exc.NoResultFound
    assert e.MultipleResultsFound is lib.exc.MultipleResultsFound
    assert issubclass(e.ObjectDereferencedError, lib.exc.SQLAlchemyError)
    assert issubclass(e.LoaderStrategyException, lib.exc.InvalidRequestError)
    assert e.DetachedInstanceError.code == "bhk3"


def test_flag_modified(user_model):
    lib, User = user_model.lib, user_model.User
    from importlib import import_module

    attributes = import_module(lib.name + ".orm.attributes")
    u = User()
    with pytest.raises(lib.exc.InvalidRequestError):
        attributes.flag_modified(u, "name")
    u.name = "x"
    attributes.flag_modified(u, "name")
    assert lib.inspect(u).modified


def test_object_is_not_kept_alive_by_state(user_model):
    User = user_model.User
    u = User(name="x")
    ref = weakref.ref(u)
    del u
    gc.collect()
    assert ref() is None


def test_delete_attribute(user_model):
    _lib, User = user_model.lib, user_model.User
    u = User(name="x")
    del u.name
    assert u.name is None
    with pytest.raises(AttributeError):
        del u.name


def test_init_event(lib):
    orm = lib.orm
    seen = []

    class Base(orm.DeclarativeBase):
        pass

    class T(Base):
        __tablename__ = "t"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)

    import importlib

    event = importlib.import_module(lib.name + ".event")
    event.listen(T, "init", lambda target, args, kw: seen.append((target, kw)))
    t = T(id=3)
    assert seen == [(t, {"id": 3})]


def test_validates(lib):
    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class T(Base):
        __tablename__ = "t"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        email: orm.Mapped[Optional[str]]

        @orm.validates("email")
        def check(self, key, value):
            if "@" not in value:
                raise ValueError("bad email")
            return value.lower()

    t = T(email="A@B")
    assert t.email == "a@b"
    with pytest.raises(ValueError):
        t.email = "nope"


def test_set_event_retval(lib):
    import importlib

    orm = lib.orm
    event = importlib.import_module(lib.name + ".event")

    class Base(orm.DeclarativeBase):
        pass

    class T(Base):
        __tablename__ = "t"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[Optional[str]]

    event.listen(T.name, "set", lambda t, v, old, init: v.upper(), retval=True)
    t = T(name="abc")
    assert t.name == "ABC"
