"""Declarative with ``from __future__ import annotations`` (string annotations)."""

from __future__ import annotations

import datetime
from typing import Annotated, Optional

import pytest

from tests.unit.orm.conftest import make_lib

LIBS = ["sqlalchemy", "quicksilver"]


def _models(name: str):
    lib = make_lib(name)
    orm = lib.orm
    intpk = Annotated[int, orm.mapped_column(primary_key=True)]
    str30 = Annotated[str, 30]

    class Base(orm.DeclarativeBase):
        type_annotation_map = {str30: lib.String(30)}

    globals()["intpk"] = intpk
    globals()["str30"] = str30
    globals()["Mapped"] = orm.Mapped
    ns: dict = {}
    exec(
        "class Item(Base):\n"
        "    __tablename__ = 'item'\n"
        "    __table_args__ = {'comment': 'items'}\n"
        "    id: Mapped[intpk]\n"
        "    code: Mapped[str30]\n"
        "    when: Mapped[Optional[datetime.datetime]]\n"
        "    note: Mapped[str | None]\n",
        {**globals(), "Base": Base, "lib": lib},
        ns,
    )
    return lib, ns["Item"]


@pytest.mark.parametrize("name", LIBS)
def test_string_annotations(name):
    lib, Item = _models(name)
    cols = [
        (c.name, type(c.type).__name__, c.nullable, c.primary_key)
        for c in Item.__table__.c
    ]
    assert cols == [
        ("id", "Integer", False, True),
        ("code", "String", False, False),
        ("when", "DateTime", True, False),
        ("note", "String", True, False),
    ]
    assert Item.__table__.c.code.type.length == 30
    assert Item.__table__.comment == "items"
    assert datetime  # imported for the annotations
    assert Optional
