"""Inspector: schema reflection, as ``sqlalchemy.inspect(engine)`` gives.

The Inspector asks the dialect (``get_table_names``, ``get_columns``,
``get_pk_constraint``, ``get_foreign_keys``, ``get_indexes``...) and turns the
answers into ``Table`` contents for ``Table(..., autoload_with=engine)``.
Dialects return plain dicts shaped like SQLAlchemy's ``ReflectedColumn`` etc.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Iterator, Optional, Sequence

from .. import exc, inspection
from .base import Connection, Engine

if TYPE_CHECKING:
    from .default import DefaultDialect


class Inspector:
    """Reads schema information from a database (mirrors SQLAlchemy's Inspector)."""

    def __init__(self, bind: Any) -> None:
        if isinstance(bind, Engine):
            self.engine = bind
            self.bind: Any = bind
        elif isinstance(bind, Connection):
            self.engine = bind.engine
            self.bind = bind
        else:
            raise exc.ArgumentError(
                f"Inspector needs an Engine or Connection, got {bind!r}"
            )
        self.dialect: "DefaultDialect" = self.engine.dialect
        self.info_cache: dict[Any, Any] = {}
        if not self.dialect._initialized and isinstance(bind, Engine):
            # the first connect teaches the dialect its defaults (schema...)
            bind.connect().close()

    @classmethod
    def from_engine(cls, bind: Any) -> "Inspector":
        return cls(bind)

    def __repr__(self) -> str:
        return f"<Inspector bind={self.bind!r}>"

    @contextlib.contextmanager
    def _operation_context(self) -> Iterator[Connection]:
        if isinstance(self.bind, Connection):
            yield self.bind
            return
        conn = self.engine.connect()
        try:
            yield conn
        finally:
            conn.close()

    def _call(self, method: str, *args: Any, **kw: Any) -> Any:
        fn = getattr(self.dialect, method, None)
        if fn is None:
            raise NotImplementedError(
                f"{type(self.dialect).__name__} does not implement {method}()"
            )
        with self._operation_context() as conn:
            return fn(conn, *args, **kw)

    @property
    def default_schema_name(self) -> Optional[str]:
        return self.dialect.default_schema_name

    def clear_cache(self) -> None:
        self.info_cache.clear()

    def get_schema_names(self, **kw: Any) -> list[str]:
        return self._call("get_schema_names", **kw)  # type: ignore[no-any-return]

    def get_table_names(self, schema: Optional[str] = None, **kw: Any) -> list[str]:
        """Names of the tables in ``schema`` (the default schema if None), sorted."""
        return self._call("get_table_names", schema=schema, **kw)  # type: ignore[no-any-return]

    def get_view_names(self, schema: Optional[str] = None, **kw: Any) -> list[str]:
        return self._call("get_view_names", schema=schema, **kw)  # type: ignore[no-any-return]

    def has_table(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> bool:
        return self._call("has_table", table_name, schema=schema, **kw)  # type: ignore[no-any-return]

    def has_index(
        self, table_name: str, index_name: str, schema: Optional[str] = None, **kw: Any
    ) -> bool:
        return self._call("has_index", table_name, index_name, schema=schema, **kw)  # type: ignore[no-any-return]

    def has_schema(self, schema_name: str, **kw: Any) -> bool:
        return self._call("has_schema", schema_name, **kw)  # type: ignore[no-any-return]

    def _require_table(self, table_name: str, schema: Optional[str]) -> None:
        if not self.has_table(table_name, schema=schema):
            name = f"{schema}.{table_name}" if schema else table_name
            raise exc.NoSuchTableError(name)

    def get_temp_table_names(self, **kw: Any) -> list[str]:
        """Temporary tables (SQLite)."""
        return self._call("get_temp_table_names", **kw)  # type: ignore[no-any-return]

    def get_table_options(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> dict[str, Any]:
        if hasattr(self.dialect, "get_table_options"):
            return self._call("get_table_options", table_name, schema=schema, **kw)  # type: ignore[no-any-return]
        return {}

    def _require_table(self, table_name: str, schema: Optional[str]) -> None:
        if not self.has_table(table_name, schema=schema):
            name = f"{schema}.{table_name}" if schema else table_name
            raise exc.NoSuchTableError(name)

    def _call_for_table(
        self, method: str, table_name: str, schema: Optional[str], **kw: Any
    ) -> Any:
        """A per-table answer; an empty one for a missing table raises
        NoSuchTableError, as SQLAlchemy's Inspector does."""
        value = self._call(method, table_name, schema=schema, **kw)
        if not value or (
            isinstance(value, dict) and not value.get("constrained_columns")
        ):
            self._require_table(table_name, schema)
        return value

    def get_columns(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> list[dict[str, Any]]:
        """Column dicts: name, type, nullable, default, autoincrement, comment."""
        return self._call_for_table("get_columns", table_name, schema, **kw)  # type: ignore[no-any-return]

    def get_pk_constraint(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> dict[str, Any]:
        return self._call_for_table("get_pk_constraint", table_name, schema, **kw)  # type: ignore[no-any-return]

    def get_foreign_keys(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> list[dict[str, Any]]:
        return self._call_for_table("get_foreign_keys", table_name, schema, **kw)  # type: ignore[no-any-return]

    def get_indexes(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> list[dict[str, Any]]:
        return self._call_for_table("get_indexes", table_name, schema, **kw)  # type: ignore[no-any-return]

    def get_unique_constraints(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> list[dict[str, Any]]:
        return self._call_for_table(  # type: ignore[no-any-return]
            "get_unique_constraints", table_name, schema, **kw
        )

    def get_check_constraints(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> list[dict[str, Any]]:
        return self._call_for_table(  # type: ignore[no-any-return]
            "get_check_constraints", table_name, schema, **kw
        )

    def get_table_comment(
        self, table_name: str, schema: Optional[str] = None, **kw: Any
    ) -> dict[str, Any]:
        """``{"text": ...}``; NotImplementedError where the database has no
        comments (SQLite), as in SQLAlchemy."""
        return self._call("get_table_comment", table_name, schema=schema, **kw)  # type: ignore[no-any-return]

    def get_sorted_table_and_fkc_names(self, schema: Optional[str] = None) -> list[Any]:
        names = self.get_table_names(schema)
        deps = {
            name: {
                fk["referred_table"]
                for fk in self.get_foreign_keys(name, schema)
                if fk["referred_table"] != name
            }
            for name in names
        }
        ordered: list[str] = []
        seen: set[str] = set()

        def visit(name: str, stack: tuple[str, ...]) -> None:
            if name in seen or name in stack:
                return
            for dep in sorted(deps.get(name, ())):
                visit(dep, stack + (name,))
            seen.add(name)
            ordered.append(name)

        for name in sorted(names):
            visit(name, ())
        return [(name, []) for name in ordered] + [(None, [])]

    def reflect_table(
        self,
        table: Any,
        include_columns: Optional[Sequence[str]] = None,
        exclude_columns: Sequence[str] = (),
        resolve_fks: bool = True,
        _extend_on: Optional[set[Any]] = None,
        **kw: Any,
    ) -> None:
        """Fill ``table`` (a Table) with the columns and constraints found.

        Tables its foreign keys refer to are reflected into the same
        MetaData (``resolve_fks=False`` leaves them unresolved).
        """
        from ..sql.elements import TextClause
        from ..sql.schema import (
            Column,
            Computed,
            DefaultClause,
            ForeignKeyConstraint,
            Identity,
            Index,
            PrimaryKeyConstraint,
            Table,
        )

        if _extend_on is None:
            _extend_on = set()
        _extend_on.add(table)
        schema = table.schema
        name = table.name
        columns = self.get_columns(name, schema)
        existing = set(table.c.keys()) if hasattr(table.c, "keys") else set()
        for info in columns:
            colname = info["name"]
            if include_columns and colname not in include_columns:
                continue
            if colname in exclude_columns:
                continue
            if colname in existing:
                continue
            col_kw: dict[str, Any] = {"nullable": info.get("nullable", True)}
            if info.get("comment"):
                col_kw["comment"] = info["comment"]
            if "autoincrement" in info:
                col_kw["autoincrement"] = info["autoincrement"]
            default = info.get("default")
            col_args: list[Any] = []
            if "identity" in info:
                col_args.append(Identity(**info["identity"]))
            elif "computed" in info:
                col_args.append(Computed(**info["computed"]))
            elif default is not None:
                col_kw["server_default"] = DefaultClause(TextClause(default))
            table.append_column(Column(colname, info["type"], *col_args, **col_kw))

        pk = self.get_pk_constraint(name, schema)
        pk_cols = [c for c in pk.get("constrained_columns", []) if c in table.c]
        if pk_cols:
            table.append_constraint(PrimaryKeyConstraint(*pk_cols, name=pk.get("name")))

        for fk in self.get_foreign_keys(name, schema):
            local = fk["constrained_columns"]
            if any(c not in table.c for c in local):
                continue
            referred_schema = fk.get("referred_schema")
            referred_table = fk["referred_table"]
            key = (
                f"{referred_schema}.{referred_table}"
                if referred_schema
                else referred_table
            )
            if resolve_fks and key not in table.metadata.tables:
                referred = Table(referred_table, table.metadata, schema=referred_schema)
                if referred not in _extend_on:
                    self.reflect_table(referred, _extend_on=_extend_on)
            refspec = [f"{key}.{col}" for col in fk["referred_columns"]]
            options = fk.get("options") or {}
            table.append_constraint(
                ForeignKeyConstraint(local, refspec, name=fk.get("name"), **options)
            )

        for ix in self.get_indexes(name, schema):
            if ix.get("duplicates_constraint"):
                continue
            cols = [c for c in ix["column_names"] if c is not None]
            if not cols or any(c not in table.c for c in cols):
                continue
            if any(getattr(i, "name", None) == ix["name"] for i in table.indexes):
                continue
            Index(
                ix["name"],
                *[table.c[c] for c in cols],
                unique=bool(ix.get("unique", False)),
            )


def reflect_metadata(
    bind: Any,
    metadata: Any,
    schema: Optional[str] = None,
    views: bool = False,
    only: Any = None,
    extend_existing: bool = False,
    autoload_replace: bool = True,
    resolve_fks: bool = True,
    **kw: Any,
) -> None:
    """``MetaData.reflect(bind, ...)``: load every (or the ``only``) table."""
    from ..sql.schema import Table

    insp = inspection.inspect(bind)
    if schema is None:
        schema = metadata.schema
    available = list(insp.get_table_names(schema))
    if views:
        available += insp.get_view_names(schema)
    if only is None:
        wanted = available
    elif callable(only):
        wanted = [name for name in available if only(name, metadata)]
    else:
        missing = [name for name in only if name not in available]
        if missing:
            raise exc.InvalidRequestError(
                "Could not reflect: requested table(s) not available in %r%s: (%s)"
                % (
                    insp.bind,
                    f" schema '{schema}'" if schema else "",
                    ", ".join(missing),
                )
            )
        wanted = list(only)
    extend_on: set[Any] = set()
    for name in wanted:
        key = f"{schema}.{name}" if schema else name
        if key in metadata.tables and not extend_existing:
            continue
        table = Table(name, metadata, schema=schema)
        if table in extend_on:
            continue
        insp.reflect_table(table, resolve_fks=resolve_fks, _extend_on=extend_on)


@inspection._inspects(Engine)
def _engine_insp(bind: Engine) -> Inspector:
    return getattr(bind.dialect, "inspector", Inspector)(bind)  # type: ignore[no-any-return]


@inspection._inspects(Connection)
def _connection_insp(bind: Connection) -> Inspector:
    return getattr(bind.dialect, "inspector", Inspector)(bind)  # type: ignore[no-any-return]
