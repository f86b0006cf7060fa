"""DDL statements and ``create_all`` / ``drop_all`` ordering.

Engine-agnostic: ``bind`` is anything with ``begin()`` (an Engine: a context
manager yielding a connection) or a Connection (has ``execute`` and
``dialect``).  ``checkfirst`` asks ``dialect.has_table(conn, name,
schema=schema)`` (and ``has_type`` / ``has_sequence`` when the dialect has
them).  Dialect-specific extras (PostgreSQL ENUM types) come from the
dialect's DDL compiler: ``ddl_compiler.types_to_create(tables)``.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Optional

from .. import exc
from .base import Executable
from .elements import ClauseElement


class ExecutableDDLElement(Executable, ClauseElement):
    """Base of executable DDL (mirrors ``sqlalchemy.schema.ExecutableDDLElement``)."""

    target: Any = None
    _execution_options: Any = Executable._execution_options

    def _compiler(self, dialect: Any, **kw: Any) -> Any:
        from .compiler.ddl import DDLCompiler

        kw.pop("cache_key", None)
        kw.pop("column_keys", None)
        kw.pop("for_executemany", None)
        cls = getattr(dialect, "ddl_compiler", None) or DDLCompiler
        return cls(dialect, self, **kw)

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return None

    def _execute_on_connection(
        self, connection: Any, distilled_params: Any, execution_options: Any
    ) -> Any:
        meth = getattr(connection, "_execute_ddl", None)
        if meth is not None:
            return meth(self, distilled_params, execution_options)
        return connection._execute_clauseelement(
            self, distilled_params, execution_options
        )

    def against(self, target: Any) -> Any:
        new = self._generate()
        new.target = target
        return new

    def execute_if(
        self, dialect: Any = None, callable_: Any = None, state: Any = None
    ) -> Any:
        new = self._generate()
        new._execute_if = (dialect, callable_)
        return new


DDLElement = ExecutableDDLElement


class DDL(ExecutableDDLElement):
    """Literal DDL text; ``%(table)s`` is replaced by the target table's name."""

    __visit_name__ = "ddl"

    def __init__(
        self, statement: str, context: Optional[dict[str, Any]] = None
    ) -> None:
        if not isinstance(statement, str):
            raise exc.ArgumentError(
                f"Expected a string or unicode SQL statement, got '{statement!r}'"
            )
        self.statement = statement
        self.context = context or {}

    def __repr__(self) -> str:
        return f"<DDL {self.statement!r}>"


class _CreateDropBase(ExecutableDDLElement):
    def __init__(
        self,
        element: Any,
        if_exists: bool = False,
        if_not_exists: bool = False,
        cascade: bool = False,
    ) -> None:
        self.element = self.target = element
        self.if_exists = if_exists
        self.if_not_exists = if_not_exists
        self.cascade = cascade


class CreateTable(_CreateDropBase):
    """``CREATE TABLE``."""

    __visit_name__ = "create_table"

    def __init__(
        self,
        element: Any,
        include_foreign_key_constraints: Any = None,
        if_not_exists: bool = False,
    ) -> None:
        super().__init__(element, if_not_exists=if_not_exists)
        self.include_foreign_key_constraints = include_foreign_key_constraints


class DropTable(_CreateDropBase):
    """``DROP TABLE``."""

    __visit_name__ = "drop_table"


class CreateIndex(_CreateDropBase):
    __visit_name__ = "create_index"


class DropIndex(_CreateDropBase):
    __visit_name__ = "drop_index"


class CreateSchema(_CreateDropBase):
    __visit_name__ = "create_schema"


class DropSchema(_CreateDropBase):
    __visit_name__ = "drop_schema"


class CreateSequence(_CreateDropBase):
    __visit_name__ = "create_sequence"


class DropSequence(_CreateDropBase):
    __visit_name__ = "drop_sequence"


class AddConstraint(_CreateDropBase):
    __visit_name__ = "add_constraint"


class DropConstraint(_CreateDropBase):
    __visit_name__ = "drop_constraint"


class SetTableComment(_CreateDropBase):
    __visit_name__ = "set_table_comment"


class DropTableComment(_CreateDropBase):
    __visit_name__ = "drop_table_comment"


class SetColumnComment(_CreateDropBase):
    __visit_name__ = "set_column_comment"


# ---------------------------------------------------------------- ordering
def sort_tables(
    tables: Iterable[Any], skip_fn: Any = None, extra_dependencies: Any = None
) -> list[Any]:
    """Tables ordered so each comes after the tables it references.

    Raises ``CircularDependencyError`` naming the tables of a cycle; foreign
    keys with ``use_alter=True`` are ignored for ordering.
    """
    tables = list(tables)
    ids = {id(t) for t in tables}
    deps: dict[int, set[int]] = {id(t): set() for t in tables}
    for t in tables:
        for fk in t.foreign_keys:
            if fk.use_alter or (fk.constraint is not None and fk.constraint.use_alter):
                continue
            if skip_fn is not None and skip_fn(fk):
                continue
            try:
                parent = fk.column.table
            except exc.NoReferenceError:
                continue
            if id(parent) in ids and parent is not t:
                deps[id(t)].add(id(parent))
    for parent, child in extra_dependencies or ():
        deps[id(child)].add(id(parent))
    by_id = {id(t): t for t in tables}
    ordered: list[Any] = []
    done: set[int] = set()
    remaining = [id(t) for t in tables]
    while remaining:
        ready = [i for i in remaining if deps[i] <= done]
        if not ready:
            cycle = [by_id[i] for i in remaining]
            raise exc.CircularDependencyError(
                "Can't sort tables for DROP; an unresolvable foreign key dependency "
                "exists "
                "between tables: "
                + ", ".join(sorted(t.fullname for t in cycle))
                + ".  Consider using use_alter=True on the ForeignKey to break "
                "the cycle",
                cycles=[t.fullname for t in cycle],
                edges=[],
                msg="Circular dependency between tables: "
                + ", ".join(sorted(t.fullname for t in cycle)),
            )
        for i in ready:
            ordered.append(by_id[i])
            done.add(i)
        remaining = [i for i in remaining if i not in done]
    return ordered


def sort_tables_and_constraints(tables: Iterable[Any]) -> list[tuple[Any, list[Any]]]:
    return [(t, []) for t in sort_tables(tables)] + [(None, [])]


# ---------------------------------------------------------------- running
@contextmanager
def _connection(bind: Any) -> Iterator[Any]:
    if hasattr(bind, "execute"):  # a Connection (an Engine has no execute())
        yield bind
        return
    with bind.begin() as conn:
        yield conn


def _has_table(conn: Any, table: Any) -> bool:
    return bool(conn.dialect.has_table(conn, table.name, schema=table.schema))


def _ddl_compiler_cls(dialect: Any) -> Any:
    from .compiler.ddl import DDLCompiler

    return getattr(dialect, "ddl_compiler", None) or DDLCompiler


def _extra_create(conn: Any, tables: list[Any], checkfirst: bool) -> None:
    """Dialect extras before tables (PostgreSQL ENUM types, sequences)."""
    comp_cls = _ddl_compiler_cls(conn.dialect)
    hook = getattr(comp_cls, "pre_create_all", None)
    if hook is not None:
        hook(conn, tables, checkfirst)
    if getattr(conn.dialect, "supports_sequences", False):
        for seq in _sequences(tables):
            if checkfirst and _has_sequence(conn, seq):
                continue
            conn.execute(CreateSequence(seq))


def _extra_drop(conn: Any, tables: list[Any], checkfirst: bool) -> None:
    comp_cls = _ddl_compiler_cls(conn.dialect)
    if getattr(conn.dialect, "supports_sequences", False):
        for seq in _sequences(tables):
            if checkfirst and not _has_sequence(conn, seq):
                continue
            conn.execute(DropSequence(seq))
    hook = getattr(comp_cls, "post_drop_all", None)
    if hook is not None:
        hook(conn, tables, checkfirst)


def _has_sequence(conn: Any, seq: Any) -> bool:
    fn = getattr(conn.dialect, "has_sequence", None)
    if fn is None:
        return False
    return bool(fn(conn, seq.name, schema=seq.schema))


def _sequences(tables: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for t in tables:
        for c in t.columns:
            d = c.default
            if d is not None and getattr(d, "is_sequence", False) and not d.optional:
                seen.setdefault(d._key, d)
    return list(seen.values())


def _create_table_and_indexes(conn: Any, table: Any) -> None:
    conn.execute(CreateTable(table))
    for index in sorted(table.indexes, key=lambda i: (i.name or "", i._qs_order)):
        conn.execute(CreateIndex(index))
    comp_cls = _ddl_compiler_cls(conn.dialect)
    if getattr(comp_cls, "supports_comments", False):
        if table.comment is not None:
            conn.execute(SetTableComment(table))
        for col in table.columns:
            if col.comment is not None:
                conn.execute(SetColumnComment(col))


def create_all(
    metadata: Any,
    bind: Any,
    tables: Optional[list[Any]] = None,
    checkfirst: bool = True,
) -> None:
    """``MetaData.create_all``: types, then tables in dependency order, then indexes."""
    chosen = sort_tables(
        tables if tables is not None else list(metadata._tables.values())
    )
    with _connection(bind) as conn:
        if checkfirst:
            todo = [t for t in chosen if not _has_table(conn, t)]
        else:
            todo = chosen
        _extra_create(conn, todo, checkfirst)
        for t in todo:
            _create_table_and_indexes(conn, t)


def drop_all(
    metadata: Any,
    bind: Any,
    tables: Optional[list[Any]] = None,
    checkfirst: bool = True,
) -> None:
    """``MetaData.drop_all``: tables in reverse dependency order, then types."""
    chosen = list(
        reversed(
            sort_tables(
                tables if tables is not None else list(metadata._tables.values())
            )
        )
    )
    with _connection(bind) as conn:
        if checkfirst:
            todo = [t for t in chosen if _has_table(conn, t)]
        else:
            todo = chosen
        for t in todo:
            conn.execute(DropTable(t))
        _extra_drop(conn, todo, checkfirst)


def run_ddl_item(bind: Any, kind: str, item: Any, checkfirst: bool) -> None:
    """``Table.create`` / ``Table.drop`` / ``Index.create`` ... against ``bind``."""
    with _connection(bind) as conn:
        if kind == "create_table":
            if checkfirst and _has_table(conn, item):
                return
            _extra_create(conn, [item], True)
            _create_table_and_indexes(conn, item)
        elif kind == "drop_table":
            if checkfirst and not _has_table(conn, item):
                return
            conn.execute(DropTable(item))
            _extra_drop(conn, [item], True)
        elif kind == "create_index":
            conn.execute(CreateIndex(item, if_not_exists=False))
        elif kind == "drop_index":
            conn.execute(DropIndex(item))
        elif kind == "create_sequence":
            if checkfirst and _has_sequence(conn, item):
                return
            conn.execute(CreateSequence(item))
        elif kind == "drop_sequence":
            if checkfirst and not _has_sequence(conn, item):
                return
            conn.execute(DropSequence(item))
        else:  # pragma: no cover
            raise exc.ArgumentError(kind)
