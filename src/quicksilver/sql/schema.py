"""Schema objects: ``MetaData``, ``Table``, ``Column``, constraints, defaults.

Mirrors ``sqlalchemy.schema``.  A ``Column`` may be created without a name or
table (declarative fills them later through ``name`` / ``_set_parent``);
a ``ForeignKey`` resolves its target column lazily, on first use, so tables
may be declared in any order.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from .. import exc
from ..util import immutabledict
from .base import ColumnCollection, DedupeColumnCollection
from .constraints import CheckConstraint as CheckConstraint
from .constraints import ColumnCollectionConstraint as ColumnCollectionConstraint
from .constraints import Constraint as Constraint
from .constraints import ForeignKey as ForeignKey
from .constraints import ForeignKeyConstraint as ForeignKeyConstraint
from .constraints import Index as Index
from .constraints import PrimaryKeyConstraint as PrimaryKeyConstraint
from .constraints import UniqueConstraint as UniqueConstraint
from .constraints import conv as conv
from .constraints import conv_name as conv_name
from .defaults import BLANK_SCHEMA as BLANK_SCHEMA
from .defaults import DEFAULT_NAMING_CONVENTION as DEFAULT_NAMING_CONVENTION
from .defaults import RETAIN_SCHEMA as RETAIN_SCHEMA
from .defaults import ColumnDefault as ColumnDefault
from .defaults import Computed as Computed
from .defaults import DefaultClause as DefaultClause
from .defaults import DefaultGenerator as DefaultGenerator
from .defaults import FetchedValue as FetchedValue
from .defaults import Identity as Identity
from .defaults import SchemaConst as SchemaConst
from .defaults import SchemaItem as SchemaItem
from .defaults import Sequence as Sequence
from .defaults import _copy_default, _order
from .elements import ColumnClause
from .selectable import TableClause, _serial
from .type_api import TypeEngine, to_instance


class Column(ColumnClause, SchemaItem):
    """A table column (mirrors ``sqlalchemy.Column``).

    ``Column(name, type, *items, **options)``; the name may be omitted and
    set later (declarative).  The type may be a class or an instance; with
    no type and a ``ForeignKey``, the referenced column's type is used.
    """

    __visit_name__ = "column"
    inherit_cache = True
    computed: Any = None
    identity: Any = None

    def __init__(
        self,
        *args: Any,
        name: Optional[str] = None,
        type_: Any = None,
        key: Optional[str] = None,
        primary_key: bool = False,
        nullable: Any = Ellipsis,
        default: Any = None,
        insert_default: Any = None,
        onupdate: Any = None,
        server_default: Any = None,
        server_onupdate: Any = None,
        unique: Optional[bool] = None,
        index: Optional[bool] = None,
        autoincrement: Any = "auto",
        comment: Optional[str] = None,
        quote: Any = None,
        info: Optional[dict[str, Any]] = None,
        doc: Any = None,
        system: bool = False,
        sort_order: Optional[int] = None,
        _proxies: Any = None,
        **dialect_kwargs: Any,
    ) -> None:
        args_l = list(args)
        if args_l and isinstance(args_l[0], str):
            if name is not None:
                raise exc.ArgumentError(
                    "May not pass name positionally and as a keyword."
                )
            name = args_l.pop(0)
        if args_l:
            first = args_l[0]
            if isinstance(first, TypeEngine) or (
                isinstance(first, type) and issubclass(first, TypeEngine)
            ):
                if type_ is not None:
                    raise exc.ArgumentError(
                        "May not pass type_ positionally and as a keyword."
                    )
                type_ = args_l.pop(0)
        self.name = name  # type: ignore[assignment]
        self.key = key if key is not None else name  # type: ignore[assignment]
        self._user_key = key
        self.type = to_instance(type_)
        self.table = None
        self.is_literal = False
        self.primary_key = primary_key
        self._user_defined_nullable = nullable
        self.nullable = (not primary_key) if nullable is Ellipsis else bool(nullable)
        self.autoincrement = autoincrement
        self.comment = comment
        self.quote = quote
        self.doc = doc
        self.system = system
        self.unique = unique
        self.index = index
        self.info = dict(info) if info else {}
        self.dialect_kwargs = dict(dialect_kwargs)
        self.dialect_options = self.dialect_kwargs
        self.constraints: set[Any] = set()
        self.foreign_keys: set[ForeignKey] = set()
        self.default = None
        self.onupdate = None
        self.server_default = None
        self.server_onupdate = None
        self._qs_order = next(_order)
        self._qs_serial = next(_serial)
        self._qs_ckey = ("c", self._qs_serial)
        if _proxies:
            self.__dict__["_qs_proxies"] = list(_proxies)
        if insert_default is not None:
            default = insert_default
        if default is not None:
            d = (
                default
                if isinstance(default, (ColumnDefault, Sequence))
                else ColumnDefault(default)
            )
            args_l.append(d)
        if onupdate is not None:
            d = (
                onupdate
                if isinstance(onupdate, ColumnDefault)
                else ColumnDefault(onupdate, for_update=True)
            )
            args_l.append(d)
        if server_default is not None:
            sd = (
                server_default
                if isinstance(server_default, FetchedValue)
                else DefaultClause(server_default)
            )
            args_l.append(sd)
        if server_onupdate is not None:
            so = (
                server_onupdate
                if isinstance(server_onupdate, FetchedValue)
                else DefaultClause(server_onupdate, for_update=True)
            )
            if not so.for_update:
                so.for_update = True
            args_l.append(so)
        self._init_items(args_l)

    def _init_items(self, items: Iterable[Any]) -> None:
        for item in items:
            if item is None:
                continue
            if not isinstance(item, SchemaItem):
                raise exc.ArgumentError(
                    "'SchemaItem' object, such as a 'Column' or a 'Constraint' "
                    "expected, "
                    f"got {item!r}"
                )
            item._set_parent(self)

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return self._qs_ckey

    def __hash__(self) -> int:
        return id(self)

    @property
    def _non_anon_label(self) -> Optional[str]:
        return self.name

    @property
    def description(self) -> str:
        return self.name

    def references(self, column: "Column") -> bool:
        """True if this column has a foreign key to ``column``."""
        return any(fk.column is column for fk in self.foreign_keys)

    def _set_parent(self, table: Any, /, **kw: Any) -> None:
        if self.name is None:
            raise exc.ArgumentError(
                "Column must be constructed with a non-blank name or assign a "
                "non-blank .name before adding to a Table."
            )
        existing = getattr(self, "table", None)
        if existing is not None and existing is not table:
            raise exc.ArgumentError(
                f"Column object '{self.key}' already assigned to Table "
                f"'{existing.description}'"
            )
        if self.key is None:
            self.key = self.name
        old = table._columns_coll.get(self.key)
        if old is not None and old is not self:
            if not kw.get("allow_replacements", True) and not kw.get(
                "replace_existing"
            ):
                raise exc.DuplicateColumnError(
                    f"A column with name '{self.key}' is already present in table "
                    f"'{table.name}'. Specify replace_existing=True to "
                    "Table.append_column() "
                    "to replace an existing column."
                )
            table._remove_column(old)
        self.table = table
        table._columns_coll.replace(self)
        if self.primary_key:
            table.primary_key._add_column(self)
        elif self.key in table.primary_key.columns:
            self.primary_key = True
        for fk in self.foreign_keys:
            fk._set_table_from_column(self, table)
        if self.unique and not self.index:
            table.append_constraint(UniqueConstraint(self.key, _column_flag=True))
        if self.index:
            table.append_constraint(
                Index(None, self.key, unique=bool(self.unique), _column_flag=True)
            )
        if isinstance(self.default, Sequence):
            self.default._set_table(table)

    def _copy(self, **kw: Any) -> "Column":
        """An unattached copy (declarative mixins, ``Table.to_metadata``)."""
        items: list[Any] = [
            fk._copy()
            for fk in self.foreign_keys
            if fk.constraint is None or len(fk.constraint.elements) == 1 or True
        ]
        items = [fk._copy() for fk in self.foreign_keys]
        new = Column(
            self.name,
            self.type,
            *items,
            key=self._user_key,
            primary_key=self.primary_key,
            nullable=self._user_defined_nullable,
            unique=self.unique,
            index=self.index,
            autoincrement=self.autoincrement,
            comment=self.comment,
            quote=self.quote,
            info=self.info,
            doc=self.doc,
            system=self.system,
            **self.dialect_kwargs,
        )
        for attr in ("default", "onupdate", "server_default", "server_onupdate"):
            val = getattr(self, attr)
            if val is not None:
                new_val = _copy_default(val)
                new_val._set_parent(new)
        if self.computed is not None:
            Computed(self.computed.sqltext, self.computed.persisted)._set_parent(new)
        if self.identity is not None:
            i = self.identity
            Identity(i.always, i.on_null, i.start, i.increment)._set_parent(new)
        return new

    copy = _copy

    def _make_proxy(
        self, selectable: Any, name: Optional[str] = None, key: Optional[str] = None
    ) -> ColumnClause:
        col = ColumnClause(name or self.name, self.type, _selectable=selectable)
        col.key = key or (self.key if name is None or name == self.name else name)
        col.__dict__["_qs_proxies"] = [self]
        col.primary_key = self.primary_key
        col.foreign_keys = self.foreign_keys
        col.nullable = self.nullable  # type: ignore[attr-defined]
        return col

    def __repr__(self) -> str:
        kwarg = []
        if self._user_key and self._user_key != self.name:
            kwarg.append("key")
        if self.primary_key:
            kwarg.append("primary_key")
        if not self.nullable and not self.primary_key:
            kwarg.append("nullable")
        args = [repr(self.name)] + [repr(self.type)]
        args += [repr(fk) for fk in self.foreign_keys]
        if self.table is not None:
            args.append(f"table=<{self.table.description}>")
        args += [f"{k}={getattr(self, k)!r}" for k in kwarg if k != "key"]
        if "key" in kwarg:
            args.append(f"key={self._user_key!r}")
        return f"Column({', '.join(args)})"


class Table(TableClause, SchemaItem):
    """A table in a ``MetaData`` (mirrors ``sqlalchemy.Table``)."""

    __visit_name__ = "table"
    _is_table = True
    primary_key: Any = None  # instance attributes (shadow FromClause's properties)
    foreign_keys: Any = None

    @property
    def kwargs(self) -> dict[str, Any]:
        """The dialect keyword arguments (``Table.kwargs``, an alias of
        ``dialect_kwargs``)."""
        return self.dialect_kwargs

    def __new__(cls, *args: Any, **kw: Any) -> "Table":
        if not args and not kw:
            return object.__new__(cls)
        try:
            name, metadata, *rest = args
        except ValueError:
            raise TypeError("Table() takes at least two positional arguments") from None
        if not isinstance(metadata, MetaData):
            raise exc.ArgumentError(
                f"Table() second argument must be a MetaData, got {metadata!r}"
            )
        schema = kw.get("schema", None)
        if schema is None:
            schema = metadata.schema
        elif schema is BLANK_SCHEMA:
            schema = None
        key = f"{schema}.{name}" if schema else name
        existing = metadata.tables.get(key)
        if existing is not None:
            keep = kw.get("keep_existing", False)
            extend = kw.get("extend_existing", False)
            if keep and extend:
                raise exc.ArgumentError(
                    "keep_existing and extend_existing are mutually exclusive."
                )
            if not keep and not extend and (rest or set(kw) - {"schema"}):
                raise exc.InvalidRequestError(
                    f"Table '{key}' is already defined for this MetaData instance.  "
                    "Specify "
                    "'extend_existing=True' to redefine options and columns on an "
                    "existing "
                    "Table object."
                )
            if extend:
                existing._extend(rest, kw)
            existing.__dict__["_qs_skip_init"] = True
            return existing
        table = object.__new__(cls)
        return table

    def __init__(self, *args: Any, **kw: Any) -> None:
        if self.__dict__.pop("_qs_skip_init", False):
            return
        name, metadata, *items = args
        schema = kw.pop("schema", None)
        if schema is None:
            schema = metadata.schema
        elif schema is BLANK_SCHEMA:
            schema = None
        kw.pop("keep_existing", None)
        kw.pop("extend_existing", None)
        autoload_with = kw.pop("autoload_with", None)
        kw.pop("autoload_replace", None)
        kw.pop("autoload", None)
        resolve_fks = kw.pop("resolve_fks", True)
        include_columns = kw.pop("include_columns", None)
        exclude_columns = kw.pop("exclude_columns", ())
        self.name = name
        self.schema = schema
        self.metadata = metadata
        self._qs_serial = next(_serial)
        self._columns_coll = DedupeColumnCollection()
        self.indexes: set[Index] = set()
        self.constraints: set[Constraint] = set()
        self.foreign_keys: set[ForeignKey] = set()  # type: ignore[assignment]
        self.primary_key = PrimaryKeyConstraint(_column_flag=True)  # type: ignore[assignment]
        self.primary_key._set_parent(self)
        self.info = dict(kw.pop("info", None) or {})
        self.comment = kw.pop("comment", None)
        self.implicit_returning = kw.pop("implicit_returning", True)
        self.quote = kw.pop("quote", None)
        self.quote_schema = kw.pop("quote_schema", None)
        self._prefixes = list(kw.pop("prefixes", None) or [])
        kw.pop("listeners", None)
        kw.pop("must_exist", None)
        self.dialect_kwargs: dict[str, Any] = {}
        for k, v in kw.items():
            if "_" not in k:
                raise TypeError(
                    "Additional arguments should be named <dialectname>_<argument>, "
                    f"got '{k}'"
                )
            self.dialect_kwargs[k] = v
        self.dialect_options = _DialectOptions(self.dialect_kwargs)
        metadata._add_table(self)
        self._init_items(items)
        if autoload_with is not None:
            self._autoload(autoload_with, include_columns, exclude_columns, resolve_fks)
        metadata._resolve_fk_types()

    def _autoload(
        self,
        bind: Any,
        include_columns: Any,
        exclude_columns: Any,
        resolve_fks: bool,
    ) -> None:
        """Reflect columns and constraints from ``bind`` (an Engine/Connection).

        Explicitly given columns were added first and win over reflected ones.
        The Inspector comes through ``inspection``: sql imports no engine.
        """
        from ..inspection import inspect as _inspect

        try:
            _inspect(bind).reflect_table(
                self,
                include_columns=include_columns,
                exclude_columns=exclude_columns or (),
                resolve_fks=resolve_fks,
            )
        except BaseException:
            self.metadata._tables.pop(self.key, None)
            raise

    def _extend(self, items: Any, kw: dict[str, Any]) -> None:
        for k in ("comment", "implicit_returning"):
            if k in kw:
                setattr(self, k, kw[k])
        for item in items:
            if isinstance(item, Column):
                self.append_column(item, replace_existing=True)
            else:
                item._set_parent(self)

    def _init_items(self, items: Iterable[Any]) -> None:
        for item in items:
            if item is None:
                continue
            if not isinstance(item, SchemaItem):
                raise exc.ArgumentError(
                    "'SchemaItem' object, such as a 'Column' or a 'Constraint' "
                    "expected, "
                    f"got {item!r}"
                )
            item._set_parent(self)

    @property
    def _columns(self) -> ColumnCollection:  # type: ignore[override]
        return self._columns_coll

    @property
    def c(self) -> ColumnCollection:
        return self._columns_coll

    columns = c

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def fullname(self) -> str:
        return self.key

    @property
    def description(self) -> str:  # type: ignore[override]
        return self.name

    @property
    def autoincrement_column(self) -> Any:
        return self.primary_key._autoincrement_column

    @property
    def foreign_key_constraints(self) -> set[ForeignKeyConstraint]:
        return {c for c in self.constraints if isinstance(c, ForeignKeyConstraint)}

    def append_column(self, column: Any, replace_existing: bool = False) -> None:  # type: ignore[override]
        column._set_parent(
            self, replace_existing=replace_existing, allow_replacements=replace_existing
        )

    def _remove_column(self, col: Any) -> None:
        self._columns_coll.remove(col)
        if self.primary_key.columns.contains_column(col):
            self.primary_key.columns.remove(col)
        for fk in list(col.foreign_keys):
            self.foreign_keys.discard(fk)
            if fk.constraint is not None:
                self.constraints.discard(fk.constraint)

    def append_constraint(self, constraint: Any) -> None:
        constraint._set_parent(self)

    def _set_parent(self, metadata: Any, /, **kw: Any) -> None:
        metadata._add_table(self)

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("T", self._qs_serial, len(self._columns_coll))

    def create(self, bind: Any, checkfirst: bool = False) -> None:
        """CREATE this table (and its indexes) on ``bind`` (Engine or Connection)."""
        from .ddl import run_ddl_item

        run_ddl_item(bind, "create_table", self, checkfirst)

    def drop(self, bind: Any, checkfirst: bool = False) -> None:
        from .ddl import run_ddl_item

        run_ddl_item(bind, "drop_table", self, checkfirst)

    def to_metadata(
        self,
        metadata: "MetaData",
        schema: Any = RETAIN_SCHEMA,
        referred_schema_fn: Any = None,
        name: Optional[str] = None,
    ) -> "Table":
        """A copy of this table in another MetaData."""
        if schema is RETAIN_SCHEMA:
            schema = self.schema
        elif schema is None:
            schema = metadata.schema
        name = name or self.name
        key = f"{schema}.{name}" if schema else name
        if key in metadata.tables:
            return metadata.tables[key]  # type: ignore[no-any-return]
        cols = [c._copy() for c in self.columns]
        args: list[Any] = list(cols)
        for con in self.constraints:
            if isinstance(con, UniqueConstraint) and not con._column_flag:
                args.append(
                    UniqueConstraint(*[c.key for c in con.columns], name=con.name)
                )
            elif isinstance(con, CheckConstraint):
                args.append(CheckConstraint(con.sqltext, name=con.name))
            elif isinstance(con, PrimaryKeyConstraint) and con.name:
                args.append(
                    PrimaryKeyConstraint(*[c.key for c in con.columns], name=con.name)
                )
        table = Table(
            name,
            metadata,
            *args,
            schema=schema if schema else BLANK_SCHEMA,
            comment=self.comment,
            **self.dialect_kwargs,
        )
        for idx in self.indexes:
            if not idx._column_flag:
                Index(
                    idx.name,
                    *[table.c[c.key] for c in idx.columns],
                    unique=idx.unique,
                    **idx.dialect_kwargs,
                )
        return table

    tometadata = to_metadata

    def __repr__(self) -> str:
        items = [repr(self.name), "MetaData()"] + [repr(c) for c in self.columns]
        items.append(f"schema={self.schema!r}")
        return f"Table({', '.join(items)})"

    def __str__(self) -> str:
        return self.fullname

    def __hash__(self) -> int:
        return id(self)


class _DialectOptions(dict[str, Any]):
    """``table.dialect_options["sqlite"]["autoincrement"]`` view of dialect kwargs."""

    def __init__(self, kwargs: dict[str, Any]) -> None:
        super().__init__()
        self._kw = kwargs

    def __missing__(self, dialect: str) -> dict[str, Any]:
        prefix = dialect + "_"
        return {
            k[len(prefix) :]: v for k, v in self._kw.items() if k.startswith(prefix)
        }


class MetaData(SchemaItem):
    """A collection of tables (mirrors ``sqlalchemy.MetaData``)."""

    __visit_name__ = "metadata"

    def __init__(
        self,
        schema: Optional[str] = None,
        naming_convention: Optional[dict[Any, str]] = None,
        info: Optional[dict[str, Any]] = None,
        quote_schema: Any = None,
    ) -> None:
        if schema is not None and not isinstance(schema, str):
            raise exc.ArgumentError(
                f"expected schema argument to be a string, got {type(schema)}."
            )
        self.schema = schema
        self.naming_convention = dict(naming_convention or DEFAULT_NAMING_CONVENTION)
        self.info = dict(info) if info else {}
        self._tables: dict[str, Table] = {}
        self._sequences: dict[str, Sequence] = {}
        self._schemas: set[str] = set()

    @property
    def tables(self) -> immutabledict[str, Table]:
        """The tables by key (``schema.name`` or ``name``)."""
        return immutabledict(self._tables)

    def _add_table(self, table: Table) -> None:
        self._tables[table.key] = table
        if table.schema:
            self._schemas.add(table.schema)

    def _resolve_fk_types(self) -> None:
        """Give untyped foreign-key columns their target's type once it exists."""
        for table in self._tables.values():
            for fk in table.foreign_keys:
                if fk.parent is not None and fk.parent.type._is_null_type:
                    try:
                        fk.column  # noqa: B018 - resolving copies the type
                    except exc.SQLAlchemyError:
                        pass

    def remove(self, table: Table) -> None:
        self._tables.pop(table.key, None)

    def clear(self) -> None:
        self._tables.clear()
        self._schemas.clear()

    def __contains__(self, table_or_key: Any) -> bool:
        if not isinstance(table_or_key, str):
            table_or_key = table_or_key.key
        return table_or_key in self._tables

    @property
    def sorted_tables(self) -> list[Table]:
        """Tables in foreign-key dependency order (parents first)."""
        from .ddl import sort_tables

        return sort_tables(sorted(self._tables.values(), key=lambda t: t.key))

    def create_all(
        self, bind: Any, tables: Optional[list[Table]] = None, checkfirst: bool = True
    ) -> None:
        """CREATE every table (and enum types, indexes) in dependency order."""
        from .ddl import create_all

        create_all(self, bind, tables, checkfirst)

    def drop_all(
        self, bind: Any, tables: Optional[list[Table]] = None, checkfirst: bool = True
    ) -> None:
        """DROP every table in reverse dependency order."""
        from .ddl import drop_all

        drop_all(self, bind, tables, checkfirst)

    def reflect(
        self,
        bind: Any,
        schema: Optional[str] = None,
        views: bool = False,
        only: Any = None,
        extend_existing: bool = False,
        autoload_replace: bool = True,
        resolve_fks: bool = True,
        **kw: Any,
    ) -> None:
        """Load table definitions from the database (implemented by the engine
        layer)."""
        reflect = getattr(bind, "_reflect_metadata", None)
        if reflect is None:
            engine = getattr(bind, "engine", None)
            reflect = getattr(engine, "_reflect_metadata", None)
        if reflect is None:
            raise exc.InvalidRequestError(
                "MetaData.reflect() needs an Engine or Connection that supports "
                "reflection"
            )
        reflect(
            self,
            schema=schema,
            views=views,
            only=only,
            extend_existing=extend_existing,
            autoload_replace=autoload_replace,
            resolve_fks=resolve_fks,
            **kw,
        )

    def __repr__(self) -> str:
        return "MetaData()"


def _get_table_key(name: str, schema: Optional[str]) -> str:
    return f"{schema}.{name}" if schema else name
