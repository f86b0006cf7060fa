"""Deferred columns stay unloaded through get() and refresh(), as in SQLAlchemy."""

from __future__ import annotations

from typing import Any

from quicksilver import String, event
from quicksilver.orm import DeclarativeBase, Mapped, Session, deferred, mapped_column


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "dg_doc"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = deferred(mapped_column(String(200)))


def test_get_and_refresh_leave_deferred_unloaded(engine: Any) -> None:
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    try:
        with Session(engine) as s:
            s.add(Doc(id=1, title="t", body="long text"))
            s.commit()
        statements: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            with Session(engine) as s:
                doc = s.get(Doc, 1)
                assert "body" not in doc.__dict__ and "body" not in statements[-1]
                s.refresh(doc)
                assert "body" not in doc.__dict__
                n = len(statements)
                assert doc.body == "long text"  # loaded on first access
                assert len(statements) == n + 1 and "body" in statements[-1]
        finally:
            event.remove(engine, "before_cursor_execute", count)
    finally:
        Base.metadata.drop_all(engine)
