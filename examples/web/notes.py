"""The model and database setup shared by the two example web apps.

One ``Note`` table and one request-scoped session registry: every request
handled by the middleware gets its own session from ``Session``.
"""

from __future__ import annotations

from typing import Any

from quicksilver import String, create_engine
from quicksilver.engine import Engine
from quicksilver.ext.web import request_scopefunc
from quicksilver.orm import (
    DeclarativeBase,
    Mapped,
    mapped_column,
    scoped_session,
    sessionmaker,
)


class Base(DeclarativeBase):
    pass


class Note(Base):
    """A short text owned by someone."""

    __tablename__ = "web_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(50), index=True)
    body: Mapped[str] = mapped_column(String(500))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "owner": self.owner, "body": self.body}


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files wait up to 30 s for a write lock
    instead of failing at once when several requests write together."""
    connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
    return create_engine(url, connect_args=connect_args)


def make_session(engine: Engine) -> scoped_session[Any]:
    """The app's session registry: one session per request."""
    return scoped_session(sessionmaker(bind=engine), scopefunc=request_scopefunc)
