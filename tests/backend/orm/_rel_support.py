"""Helpers for the relationship differential tests (sqlalchemy vs quicksilver).

A scenario gets ``lib`` (the library's modules as attributes) and builds its
models with it, so the same code runs against SQLAlchemy (the oracle) and
quicksilver; SQLite connections enforce foreign keys as PostgreSQL does.
"""

import importlib
from typing import Any, Callable, Iterator

import pytest

LIBS = ["sqlalchemy", "quicksilver"]


def load_lib(name: str) -> Any:
    """``lib.sa``, ``lib.orm``, ``lib.event``, ``lib.exc`` of ``name``."""
    ns: dict[str, Any] = {"name": name}
    ns["sa"] = importlib.import_module(name)
    ns["orm"] = importlib.import_module(name + ".orm")
    ns["event"] = importlib.import_module(name + ".event")
    ns["exc"] = importlib.import_module(name + ".exc")
    return type("Lib", (), ns)


def make_engine(lib: Any, db_url: str) -> Any:
    eng = lib.sa.create_engine(db_url)
    if db_url.startswith("sqlite"):

        @lib.event.listens_for(eng, "connect")
        def _fk_on(dbapi_conn: Any, record: Any) -> None:
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

    return eng


def count(s: Any, lib: Any, what: Any) -> int:
    return int(s.scalar(lib.sa.select(lib.sa.func.count()).select_from(what)))


def setup_fixture(models: Callable[[Any], Any]) -> Any:
    """A fixture yielding ``(lib, models, engine)`` for each library."""

    @pytest.fixture(params=LIBS)
    def setup(request: pytest.FixtureRequest, db_url: str) -> Iterator[Any]:
        lib = load_lib(request.param)
        m = models(lib)
        eng = make_engine(lib, db_url)
        m.Base.metadata.drop_all(eng)
        m.Base.metadata.create_all(eng)
        yield lib, m, eng
        m.Base.metadata.drop_all(eng)
        eng.dispose()

    return setup


def statements(lib: Any, eng: Any) -> list[str]:
    """A list that collects every statement ``eng`` sends from now on."""
    seen: list[str] = []
    lib.event.listen(eng, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen
