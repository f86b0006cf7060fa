"""Guards on the ORM's hot paths (generous thresholds; never flaky by design).

A mapped attribute read must cost what a plain ``__dict__`` attribute read
costs: the class attribute is a non-data descriptor, so CPython serves a
present value without calling Python code.
"""

import timeit
from typing import Optional

import pytest

from quicksilver.orm import DeclarativeBase, Mapped, mapped_column

pytestmark = pytest.mark.timing


class Base(DeclarativeBase):
    pass


class Hot(Base):
    __tablename__ = "hot"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Optional[str]]


class Plain:
    def __init__(self, id, name):
        self.id = id
        self.name = name


def _best(stmt, obj):
    return min(timeit.repeat(stmt, globals={"o": obj}, number=20000, repeat=7))


def test_attribute_read_costs_a_dict_read():
    mapped = Hot(id=1, name="x")
    plain = Plain(1, "x")
    plain.__dict__  # noqa: B018 - same storage layout as a mapped object
    stmt = "o.name;o.name;o.name;o.name;o.name;o.name;o.name;o.name"
    assert _best(stmt, mapped) < 2.0 * _best(stmt, plain)


def test_reads_do_not_call_the_descriptor():
    calls = []
    original = type(Hot.__dict__["name"]).__get__

    def spy(self, instance, owner=None):
        calls.append(1)
        return original(self, instance, owner)

    h = Hot(id=1, name="x")
    type(Hot.__dict__["name"]).__get__ = spy
    try:
        for _ in range(10):
            assert h.name == "x"
    finally:
        type(Hot.__dict__["name"]).__get__ = original
    assert calls == []
