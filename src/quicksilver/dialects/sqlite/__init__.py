"""SQLite: the embedded default, through the standard ``sqlite3`` module."""

from . import base as base
from . import pysqlite as pysqlite
from .base import SQLiteDialect as SQLiteDialect

dialect = pysqlite.dialect

try:  # dialect-specific DML and types, written alongside the compilers
    from .dml import Insert as Insert
    from .dml import insert as insert
except ImportError:  # pragma: no cover - during bring-up only
    pass

__all__ = ["SQLiteDialect", "dialect", "base", "pysqlite"]
