"""scoped_session without a database: registry semantics, proxies, and the
same scenarios run against SQLAlchemy's scoped_session as the oracle."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from quicksilver import exc
from quicksilver.orm import scoping
from quicksilver.orm.scoping import (
    ScopedRegistry,
    ThreadLocalRegistry,
    scoped_session,
)


class FakeSession:
    """Records what the scoped_session does to it."""

    instances: list["FakeSession"] = []

    def __init__(self, **kw: Any) -> None:
        self.kw = kw
        self.closed = 0
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.autoflush = True
        self._is_asyncio = False
        self.info: dict[str, Any] = {}
        FakeSession.instances.append(self)

    def close(self) -> None:
        self.closed += 1

    def add(self, obj: Any, _warn: bool = True) -> None:
        self.calls.append(("add", (obj,), {"_warn": _warn}))

    def execute(self, *a: Any, **kw: Any) -> str:
        self.calls.append(("execute", a, kw))
        return "result"

    def query(self, *entities: Any) -> tuple[str, tuple[Any, ...]]:
        return ("query", entities)


class FakeFactory:
    """A sessionmaker look-alike: callable, with configure()."""

    def __init__(self, **kw: Any) -> None:
        self.kw = kw

    def __call__(self, **kw: Any) -> FakeSession:
        return FakeSession(**{**self.kw, **kw})

    def configure(self, **kw: Any) -> None:
        self.kw.update(kw)


def _oracle_scoped_session() -> Any:
    sa_scoping = pytest.importorskip("sqlalchemy.orm.scoping")
    return sa_scoping.scoped_session


@pytest.fixture(params=["quicksilver", "sqlalchemy"])
def impl(request: pytest.FixtureRequest) -> Any:
    """The scoped_session class under test, ours and the oracle's."""
    if request.param == "sqlalchemy":
        return _oracle_scoped_session()
    return scoped_session


# -- differential scenarios: both implementations must behave the same ------


def test_identity_within_a_thread(impl: Any) -> None:
    scoped = impl(FakeFactory())
    first = scoped()
    assert scoped() is first
    assert scoped.registry() is first
    assert scoped.registry.has()


def test_distinct_sessions_across_16_threads(impl: Any) -> None:
    scoped = impl(FakeFactory())
    barrier = threading.Barrier(16)
    seen: dict[int, tuple[Any, Any]] = {}

    def work(i: int) -> None:
        barrier.wait()
        a = scoped()
        b = scoped()
        seen[i] = (a, b)
        scoped.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a is b for a, b in seen.values())
    assert len({id(a) for a, _ in seen.values()}) == 16
    assert all(a.closed == 1 for a, _ in seen.values())
    assert not scoped.registry.has()


def test_remove_closes_and_discards(impl: Any) -> None:
    scoped = impl(FakeFactory())
    first = scoped()
    scoped.remove()
    assert first.closed == 1
    assert not scoped.registry.has()
    second = scoped()
    assert second is not first
    scoped.remove()
    scoped.remove()  # nothing left: a no-op that creates nothing
    assert second.closed == 1
    assert not scoped.registry.has()


def test_keywords_only_before_the_session_exists(impl: Any) -> None:
    scoped = impl(FakeFactory(a=1))
    session = scoped(b=2)
    assert session.kw == {"a": 1, "b": 2}
    assert scoped() is session
    error = (exc.InvalidRequestError, _sa_exc().InvalidRequestError)
    with pytest.raises(error) as info:
        scoped(b=3)
    assert str(info.value) == (
        "Scoped session is already present; no new arguments may be specified."
    )
    scoped.remove()
    assert scoped(b=4).kw == {"a": 1, "b": 4}


def test_custom_scopefunc(impl: Any) -> None:
    token = ["a"]
    scoped = impl(FakeFactory(), scopefunc=lambda: token[0])
    a = scoped()
    token[0] = "b"
    b = scoped()
    assert a is not b
    token[0] = "a"
    assert scoped() is a
    assert set(scoped.registry.registry) == {"a", "b"}
    scoped.remove()
    assert a.closed == 1 and b.closed == 0
    assert set(scoped.registry.registry) == {"b"}


def test_configure_warns_when_a_session_exists(impl: Any) -> None:
    factory = FakeFactory()
    scoped = impl(factory)
    scoped.configure(x=1)  # no session yet: silent
    assert factory.kw == {"x": 1}
    scoped()
    with pytest.warns(Warning) as record:
        scoped.configure(x=2)
    assert factory.kw == {"x": 2}
    (w,) = record
    assert type(w.message).__name__ == "SAWarning"
    assert str(w.message) == (
        "At least one scoped session is already present.  configure() can not "
        "affect sessions that have already been created."
    )


def test_proxies_reach_the_current_session(impl: Any) -> None:
    scoped = impl(FakeFactory())
    obj = object()
    scoped.add(obj)
    assert scoped().calls == [("add", (obj,), {"_warn": True})]
    assert scoped.execute("stmt", {"p": 1}) == "result"
    assert scoped.autoflush is True
    scoped.autoflush = False
    assert scoped().autoflush is False
    assert scoped.info is scoped().info


def test_stored_proxy_follows_the_thread(impl: Any) -> None:
    """A method fetched once acts on the caller's session, not the fetcher's."""
    scoped = impl(FakeFactory())
    add = scoped.add
    main = scoped()
    other: list[Any] = []

    def work() -> None:
        add("x")
        other.append(scoped())

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert main.calls == []
    assert other[0].calls == [("add", ("x",), {"_warn": True})]


def test_query_property(impl: Any) -> None:
    scoped = impl(FakeFactory())

    class Model:
        query = scoped.query_property()

    assert Model.query == ("query", (Model,))
    assert Model().query == ("query", (Model,))

    class MyQuery:
        def __init__(self, entity: Any, session: Any) -> None:
            self.entity, self.session = entity, session

    class Other:
        query = scoped.query_property(MyQuery)

    q = Other.query
    assert isinstance(q, MyQuery) and q.entity is Other and q.session is scoped()


def test_public_names_match_sqlalchemy() -> None:
    oracle = _oracle_scoped_session()

    def public(cls: type) -> set[str]:
        return {n for n in dir(cls) if not n.startswith("_")}

    assert public(scoped_session) == public(oracle)


def test_read_only_attribute_proxies(impl: Any) -> None:
    scoped = impl(FakeFactory())
    for name in ("dirty", "new", "deleted", "is_active", "no_autoflush", "info"):
        with pytest.raises(AttributeError):
            setattr(scoped, name, 1)


def _sa_exc() -> Any:
    return pytest.importorskip("sqlalchemy.exc")


# -- quicksilver specifics ---------------------------------------------------


def test_registry_classes() -> None:
    assert isinstance(scoped_session(FakeFactory()).registry, ThreadLocalRegistry)
    scoped = scoped_session(FakeFactory(), scopefunc=lambda: 1)
    assert type(scoped.registry) is ScopedRegistry
    reg = ScopedRegistry(FakeSession, lambda: "k")
    assert not reg.has()
    s = FakeSession()
    reg.set(s)
    assert reg.has() and reg() is s
    reg.clear()
    reg.clear()
    assert not reg.has()
    tl = ThreadLocalRegistry(FakeSession)
    tl.set(s)
    assert tl() is s
    tl.clear()
    tl.clear()
    assert not tl.has()


def test_remove_forgets_even_if_close_fails() -> None:
    class Broken(FakeSession):
        def close(self) -> None:
            raise RuntimeError("boom")

    scoped = scoped_session(Broken)
    scoped()
    with pytest.raises(RuntimeError):
        scoped.remove()
    assert not scoped.registry.has()


def test_repr_and_module_names() -> None:
    factory = FakeFactory()
    assert repr(scoped_session(factory)).startswith("scoped_session(<")
    assert "scopefunc=" in repr(scoped_session(factory, scopefunc=id))
    assert scoping.ScopedSession is scoped_session
    assert scoped_session.add.__name__ == "add"
    assert "Session.add" in (scoped_session.add.__doc__ or "")
    assert scoped_session[FakeSession] is not None  # generic, as in SQLAlchemy


def test_class_level_proxies() -> None:
    from quicksilver.orm.session import Session

    assert scoped_session.object_session == Session.object_session
    assert scoped_session.identity_key == Session.identity_key
    scoped = scoped_session(FakeFactory())
    from quicksilver.orm.exc import UnmappedInstanceError

    with pytest.raises(UnmappedInstanceError):  # as Session.object_session
        scoped.object_session(object())
    # unbound call through the class, as with a plain function attribute
    scoped_session.add(scoped, "y")
    assert scoped().calls[-1] == ("add", ("y",), {"_warn": True})
