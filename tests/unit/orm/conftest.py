"""Differential fixtures: one scenario, run on SQLAlchemy (the oracle) and quicksilver.

``lib`` is a namespace holding what a user would import: ``lib.orm``
(``sqlalchemy.orm`` or ``quicksilver.orm``), ``lib.inspect``, Core names
(``Column``, ``Integer``, ``String``, ``ForeignKey``, ``select``...) and
``lib.exc`` / ``lib.orm_exc``.  Tests written against ``lib`` run unchanged
on both, and compare observable results.
"""

import importlib
import types
from typing import Any

import pytest

_CORE_NAMES = (
    "Column",
    "Integer",
    "String",
    "ForeignKey",
    "Boolean",
    "Float",
    "Numeric",
    "DateTime",
    "Date",
    "Text",
    "MetaData",
    "Table",
    "select",
    "insert",
    "update",
    "delete",
    "func",
    "text",
    "and_",
    "or_",
    "Enum",
    "JSON",
    "LargeBinary",
    "Uuid",
    "Interval",
    "Time",
    "UniqueConstraint",
    "Index",
)


def _core(modname: str, name: str) -> Any:
    root = importlib.import_module(modname)
    if hasattr(root, name):
        return getattr(root, name)
    for sub in (
        "sql.schema",
        "sql.sqltypes",
        "sql.select",
        "sql.dml",
        "sql.operators",
        "sql.elements",
        "sql.functions",
        "sql.expression",
        "schema",
        "types",
    ):
        try:
            mod = importlib.import_module(f"{modname}.{sub}")
        except ImportError:
            continue
        if hasattr(mod, name):
            return getattr(mod, name)
    return None


def make_lib(modname: str) -> types.SimpleNamespace:
    ns = types.SimpleNamespace()
    ns.name = modname
    ns.orm = importlib.import_module(f"{modname}.orm")
    ns.orm_exc = importlib.import_module(f"{modname}.orm.exc")
    ns.exc = importlib.import_module(f"{modname}.exc")
    ns.inspect = importlib.import_module(f"{modname}.inspection").inspect
    ns.hybrid = importlib.import_module(f"{modname}.ext.hybrid")
    for name in _CORE_NAMES:
        setattr(ns, name, _core(modname, name))
    return ns


@pytest.fixture(params=["sqlalchemy", "quicksilver"])
def lib(request: pytest.FixtureRequest) -> types.SimpleNamespace:
    """The library under test: the oracle or quicksilver."""
    return make_lib(request.param)


@pytest.fixture
def qs() -> types.SimpleNamespace:
    """quicksilver only."""
    return make_lib("quicksilver")


@pytest.fixture
def user_model(lib: types.SimpleNamespace) -> types.SimpleNamespace:
    """A small User mapping in ``lib``: ``id``, ``name`` (nullable), ``age``."""
    from typing import Optional

    orm = lib.orm

    class Base(orm.DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
        name: orm.Mapped[Optional[str]]
        age: orm.Mapped[int] = orm.mapped_column(default=0)

    return types.SimpleNamespace(Base=Base, User=User, lib=lib)
