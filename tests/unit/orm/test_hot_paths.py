"""Guards on the ORM's hot paths, without timing anything.

A mapped attribute read must cost what a plain ``__dict__`` attribute read
costs: the class attribute is a non-data descriptor, so CPython serves a
present value without calling Python code (checked by spying on the
descriptor; tests/perf counts the calls of whole operations).
"""

from typing import Optional

from quicksilver.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Hot(Base):
    __tablename__ = "hot"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Optional[str]]


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
