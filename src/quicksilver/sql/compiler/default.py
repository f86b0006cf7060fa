"""The dialect used by ``str(stmt)`` and ``stmt.compile()`` with no dialect.

A plain object with the attributes compilers read from a dialect; the
engine's ``DefaultDialect`` offers the same attributes.
"""

from __future__ import annotations

from typing import Any, Optional

from .._on_conflict import OnConflictCompilerMixin
from ..type_api import TypeEngine, adapt_type
from .preparer import IdentifierPreparer
from .sql import SQLCompiler
from .types import StrSQLTypeCompiler


class StrSQLCompiler(OnConflictCompilerMixin, SQLCompiler):
    """The compiler behind ``str(stmt)`` (mirrors SQLAlchemy's ``StrSQLCompiler``).

    Renders some constructs no real dialect would accept in this generic
    form, so that printing a statement never fails: index access of ARRAY /
    JSON values as ``expr[index]``, PostgreSQL / SQLite ``ON CONFLICT``
    (SQLAlchemy prints those with the statement's own dialect; this layer
    cannot import dialects, so they print with ``:name`` parameters).
    """

    def _getitem_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        return (
            self.process(binary.left, **kw)
            + "["
            + self.process(binary.right, **kw)
            + "]"
        )

    _json_getitem_binary = _getitem_binary

    def visit_array(self, element: Any, **kw: Any) -> str:
        # PostgreSQL's array() literal: printed in its own ARRAY[...] form
        return (
            "ARRAY[" + ", ".join(self.process(c, **kw) for c in element.clauses) + "]"
        )


class StrCompileDialect:
    """Named-paramstyle, ANSI-ish dialect for ``str()`` (mirrors SQLAlchemy's)."""

    name = "default"
    driver = "default"
    paramstyle = "named"
    positional = False
    supports_native_boolean = True
    supports_native_uuid = True
    supports_sequences = True
    supports_returning = True
    insert_returning = False
    update_returning = False
    delete_returning = False
    supports_multivalues_insert = True
    max_identifier_length = 9999
    colspecs: dict[type, type] = {}
    _json_serializer = None
    _json_deserializer = None

    def __init__(self, paramstyle: Optional[str] = None, **kw: Any) -> None:
        from .ddl import DDLCompiler

        if paramstyle is not None:
            self.paramstyle = paramstyle
            self.positional = paramstyle in (
                "qmark",
                "format",
                "numeric",
                "numeric_dollar",
            )
        for k, v in kw.items():
            setattr(self, k, v)
        self.statement_compiler = getattr(self, "statement_compiler", StrSQLCompiler)
        self.ddl_compiler = getattr(self, "ddl_compiler", DDLCompiler)
        self.identifier_preparer = IdentifierPreparer(self)
        self.type_compiler_instance = StrSQLTypeCompiler(self)

    def type_descriptor(self, typeobj: TypeEngine) -> TypeEngine:
        return adapt_type(typeobj, self.colspecs)

    def __repr__(self) -> str:
        return f"<StrCompileDialect paramstyle={self.paramstyle}>"


_default: Optional[StrCompileDialect] = None


def default_dialect() -> StrCompileDialect:
    """The shared default dialect instance."""
    global _default
    if _default is None:
        _default = StrCompileDialect()
    return _default
