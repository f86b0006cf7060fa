"""Compile assertions without a database: ``assert_compile`` and stand-in dialects.

``sqlite_dialect()`` / ``pg_dialect()`` build plain objects carrying the
attributes the compilers read (paramstyle, flags, preparer, type compiler,
colspecs) from quicksilver's own compiler classes, so compile tests run
without the engine layer.
"""

from __future__ import annotations

from typing import Any, Optional

from quicksilver.sql.compiler import StrCompileDialect


def _make(
    name: str, paramstyle: str, compiler_mod: Any, **flags: Any
) -> StrCompileDialect:
    prefix = "SQLite" if name == "sqlite" else "PG"
    d = StrCompileDialect.__new__(StrCompileDialect)
    d.name = name
    d.paramstyle = paramstyle
    d.positional = paramstyle in ("qmark", "format", "numeric", "numeric_dollar")
    d.statement_compiler = getattr(compiler_mod, prefix + "Compiler")
    d.ddl_compiler = getattr(compiler_mod, prefix + "DDLCompiler")
    d.colspecs = compiler_mod.colspecs
    for k, v in flags.items():
        setattr(d, k, v)
    d.identifier_preparer = getattr(compiler_mod, prefix + "IdentifierPreparer")(d)
    d.type_compiler_instance = getattr(compiler_mod, prefix + "TypeCompiler")(d)
    return d


def sqlite_dialect(paramstyle: str = "qmark", **flags: Any) -> StrCompileDialect:
    """A stand-in SQLite dialect (sqlite3's ``qmark`` paramstyle)."""
    from quicksilver.dialects.sqlite import compiler

    base = dict(
        supports_native_boolean=False,
        supports_native_uuid=False,
        supports_sequences=False,
        insert_returning=True,
        update_returning=True,
        delete_returning=True,
        max_identifier_length=9999,
    )
    base.update(flags)
    return _make("sqlite", paramstyle, compiler, **base)


def pg_dialect(paramstyle: str = "pyformat", **flags: Any) -> StrCompileDialect:
    """A stand-in PostgreSQL dialect (psycopg's ``pyformat`` paramstyle)."""
    from quicksilver.dialects.postgresql import compiler

    base = dict(
        supports_native_boolean=True,
        supports_native_uuid=True,
        supports_sequences=True,
        insert_returning=True,
        update_returning=True,
        delete_returning=True,
        max_identifier_length=63,
    )
    base.update(flags)
    return _make("postgresql", paramstyle, compiler, **base)


def assert_compile(
    stmt: Any,
    expected: str,
    dialect: Any = None,
    checkparams: Optional[dict[str, Any]] = None,
    checkpositional: Optional[tuple[Any, ...]] = None,
    literal_binds: bool = False,
    column_keys: Any = None,
    params: Optional[dict[str, Any]] = None,
) -> Any:
    """Compile ``stmt`` and compare its SQL (newlines/tabs ignored, as SQLAlchemy's)."""
    kw: dict[str, Any] = {}
    if literal_binds:
        kw["compile_kwargs"] = {"literal_binds": True}
    if column_keys is not None:
        kw["column_keys"] = column_keys
    if dialect is None or dialect == "default":
        compiled = stmt.compile(**kw)
    elif dialect == "sqlite":
        compiled = stmt.compile(dialect=sqlite_dialect(), **kw)
    elif dialect == "postgresql":
        compiled = stmt.compile(dialect=pg_dialect(), **kw)
    else:
        compiled = stmt.compile(dialect=dialect, **kw)
    got = _norm(compiled.string)
    assert got == _norm(expected), f"\n{got!r}\n!=\n{_norm(expected)!r}"
    if checkparams is not None:
        assert compiled.construct_params(params) == checkparams, (
            compiled.construct_params(params)
        )
    if checkpositional is not None:
        p = compiled.construct_params(params)
        assert tuple(p[n] for n in compiled.positiontup) == checkpositional
    return compiled


def _norm(sql: str) -> str:
    return sql.replace("\n", "").replace("\t", "")
