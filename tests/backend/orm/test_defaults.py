"""Column defaults through the ORM: Python scalars and callables, server-side."""

import datetime
import decimal
import enum
import uuid
from typing import Optional

import pytest

from quicksilver import String, select, text
from quicksilver.inspection import inspect
from quicksilver.orm import DeclarativeBase, Mapped, mapped_column

pytestmark = pytest.mark.backend


class Color(enum.Enum):
    red = "r"
    blue = "b"


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "qd_thing"
    id: Mapped[int] = mapped_column(primary_key=True)
    created: Mapped[datetime.datetime] = mapped_column(default=datetime.datetime.utcnow)
    token: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4)
    color: Mapped[Color] = mapped_column(default=Color.red)
    price: Mapped[decimal.Decimal] = mapped_column(default=decimal.Decimal("1.50"))
    status: Mapped[str] = mapped_column(String(10), server_default=text("'new'"))
    updated: Mapped[Optional[datetime.datetime]] = mapped_column(
        onupdate=datetime.datetime.utcnow
    )
    note: Mapped[Optional[str]] = mapped_column(String(10))
    echo: Mapped[Optional[str]] = mapped_column(
        String(12),
        default=lambda ctx: (ctx.get_current_parameters().get("note") or "") + "!",
    )


def test_python_defaults_are_set_on_flush(session):
    t = Thing()
    session.add(t)
    session.flush()
    d = t.__dict__
    assert isinstance(d["created"], datetime.datetime)
    assert isinstance(d["token"], uuid.UUID)
    assert d["color"] is Color.red and d["price"] == decimal.Decimal("1.50")
    # the server default came back with INSERT .. RETURNING (eager defaults)
    assert inspect(t).expired_attributes == set()
    assert d["status"] == "new"


def test_onupdate_value_is_set_on_flush(session):
    t = Thing()
    session.add(t)
    session.flush()
    t.note = "x"
    session.flush()
    # computed in the flush, as SQLAlchemy's prefetch: no reload needed
    assert "updated" not in inspect(t).expired_attributes
    assert isinstance(t.__dict__["updated"], datetime.datetime)


def test_many_rows_with_defaults(session):
    session.add_all([Thing(note=str(i)) for i in range(5)])
    session.commit()
    rows = session.scalars(select(Thing).order_by(Thing.id)).all()
    assert [(r.color, r.status, r.note) for r in rows] == [
        (Color.red, "new", str(i)) for i in range(5)
    ]
    assert len({r.token for r in rows}) == 5


def test_context_taking_default(session):
    session.add_all([Thing(note="a"), Thing(note="b"), Thing()])
    session.flush()
    assert sorted(t.echo for t in session.scalars(select(Thing))) == ["!", "a!", "b!"]
