"""SQLite ``insert()`` with ``ON CONFLICT`` (mirrors the SQLAlchemy dialect's)."""

from __future__ import annotations

from typing import Any

from ...sql._on_conflict import Insert as _OnConflictInsert
from ...sql._on_conflict import OnConflictDoNothing as OnConflictDoNothing
from ...sql._on_conflict import OnConflictDoUpdate as OnConflictDoUpdate


class Insert(_OnConflictInsert):
    """SQLite INSERT: ``on_conflict_do_nothing()`` / ``on_conflict_do_update()``."""

    inherit_cache = True


def insert(table: Any) -> Insert:
    """A SQLite ``INSERT`` (mirrors ``sqlalchemy.dialects.sqlite.insert``)."""
    return Insert(table)
