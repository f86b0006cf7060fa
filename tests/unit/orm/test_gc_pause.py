"""The cyclic GC is paused during an ORM fetchall and a flush, never beyond.

quicksilver disables the collector for the duration of those two calls (see
docs/differences.md); these tests pin the contract: it is paused while the
work runs, enabled again afterwards -- also when the call raises -- and left
alone when the application had disabled it.
"""

from __future__ import annotations

import gc
from typing import Any, Iterator, Optional

import pytest

from quicksilver import String, create_engine, event, exc, select
from quicksilver.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "gc_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[Optional[str]] = mapped_column(String(10))


@pytest.fixture
def engine() -> Iterator[Any]:
    eng = create_engine("sqlite://")
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        s.add_all([Note(body=f"n{i}") for i in range(50)])
        s.commit()
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def gc_enabled_after() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()


def test_fetchall_pauses_and_resumes(engine: Any) -> None:
    seen: list[bool] = []

    def on_load(target: Any, context: Any) -> None:
        seen.append(gc.isenabled())

    event.listen(Note, "load", on_load)
    try:
        with Session(engine) as s:
            notes = s.scalars(select(Note)).all()
    finally:
        event.remove(Note, "load", on_load)
    assert len(notes) == 50
    assert seen and not any(seen)  # paused while the objects were built
    assert gc.isenabled()


def test_flush_pauses_and_resumes_after_an_error(engine: Any) -> None:
    states: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(*args: Any) -> None:
        states.append(gc.isenabled())

    with Session(engine) as s:
        s.add(Note(body="far too long for ten"))
        with pytest.raises(exc.StatementError):
            s.flush()
        s.rollback()
    assert gc.isenabled()
    with Session(engine) as s:
        s.add(Note(body="ok"))
        s.flush()
        s.commit()
    assert states and not any(states)  # the INSERT ran with the GC paused
    assert gc.isenabled()


def test_disabled_collector_is_left_disabled(engine: Any) -> None:
    gc.disable()
    with Session(engine) as s:
        assert len(s.scalars(select(Note)).all()) == 50
        s.add(Note(body="x"))
        s.commit()
    assert not gc.isenabled()
