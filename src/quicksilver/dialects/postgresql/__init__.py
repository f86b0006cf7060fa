"""PostgreSQL: psycopg 3 is the default driver (``postgresql://``)."""

from . import base as base
from . import psycopg as psycopg
from .base import PGDialect as PGDialect

dialect = psycopg.dialect

try:  # dialect-specific DML and types, written alongside the compilers
    from .array import array as array
    from .dml import Insert as Insert
    from .dml import insert as insert
    from .types import *  # noqa: F403
    from .types import __all__ as _types_all
except ImportError:  # pragma: no cover - during bring-up only
    _types_all = []

__all__ = [
    "PGDialect",
    "dialect",
    "base",
    "psycopg",
    "insert",
    "Insert",
    "array",
    *_types_all,
]
