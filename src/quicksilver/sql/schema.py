"""Schema objects: ``MetaData``, ``Table``, ``Column``, constraints, defaults.

Mirrors ``sqlalchemy.schema``.  A ``Column`` may be created without a name or
table (declarative fills them later through ``name`` / ``_set_parent``);
a ``ForeignKey`` resolves its target column lazily, on first use, so tables
may be declared in any order.
"""

from __future__ import annotations

import inspect as _inspect
import itertools
from typing import Any, Callable, Iterable, Iterator, Optional

from .. import exc
from ..util import immutabledict
from .base import ColumnCollection, DedupeColumnCollection
from .elements import ClauseElement, ColumnClause, TextClause
from .selectable import TableClause, _serial
from .type_api import TypeEngine, to_instance
from .visitors import Visitable

_order = itertools.count(1)

DEFAULT_NAMING_CONVENTION: dict[str, str] = {"ix": "ix_%(column_0_label)s"}
BLANK_SCHEMA = object()
RETAIN_SCHEMA = object()


class SchemaItem(Visitable):
    """Base of items that attach to a Table or Column (mirrors SQLAlchemy)."""

    __visit_name__ = "schema_item"
    info: dict[str, Any]

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        raise NotImplementedError()

    def _set_parent_with_dispatch(self, parent: Any, **kw: Any) -> None:
        self._set_parent(parent, **kw)


class SchemaConst:
    pass


# ---------------------------------------------------------------- defaults
class DefaultGenerator(SchemaItem):
    """Base of column defaults, Python-side or server-side."""

    is_sequence = False
    is_server_default = False
    is_clause_element = False
    is_callable = False
    is_scalar = False
    is_identity = False
    column: Any = None
    for_update = False

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        self.column = parent
        if self.for_update:
            parent.onupdate = self
        else:
            parent.default = self


def _wrap_callable(fn: Callable[..., Any]) -> Callable[[Any], Any]:
    """Make ``fn`` callable as ``fn(context)`` whether or not it takes one."""
    try:
        sig = _inspect.signature(fn)
    except (TypeError, ValueError):
        return lambda ctx: fn()
    positional = [
        p
        for p in sig.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.default is p.empty
    ]
    if positional:
        return fn
    return lambda ctx: fn()


class ColumnDefault(DefaultGenerator):
    """A Python-side default: a scalar, a callable, or a SQL expression.

    For callables, ``arg`` is a function of one argument, the execution
    context (a zero-argument callable is wrapped), as in SQLAlchemy.
    """

    def __init__(self, arg: Any, for_update: bool = False) -> None:
        if isinstance(arg, FetchedValue):
            raise exc.ArgumentError(
                "ColumnDefault may not be a server-side default type."
            )
        self.for_update = for_update
        if (
            callable(arg)
            and not isinstance(arg, ClauseElement)
            and not hasattr(arg, "__clause_element__")
        ):
            self.is_callable = True
            self.arg = _wrap_callable(arg)
            self._orig = arg
        elif isinstance(arg, ClauseElement) or hasattr(arg, "__clause_element__"):
            from .coercions import _unwrap

            self.is_clause_element = True
            arg = _unwrap(arg)
            if getattr(arg, "_is_select_base", False):
                arg = arg.scalar_subquery()
            self.arg = arg
        else:
            self.is_scalar = True
            self.arg = arg

    def __repr__(self) -> str:
        return (
            f"ScalarElementColumnDefault({self.arg!r})"
            if self.is_scalar
            else f"ColumnDefault({self.arg!r})"
        )


class Sequence(DefaultGenerator):
    """A database sequence (PostgreSQL); ``next_value()`` renders ``nextval(...)``."""

    __visit_name__ = "sequence"
    is_sequence = True

    def __init__(
        self,
        name: str,
        start: Optional[int] = None,
        increment: Optional[int] = None,
        minvalue: Optional[int] = None,
        maxvalue: Optional[int] = None,
        cycle: Optional[bool] = None,
        schema: Optional[str] = None,
        cache: Optional[int] = None,
        order: Optional[bool] = None,
        optional: bool = False,
        quote: Any = None,
        metadata: Any = None,
        for_update: bool = False,
        **kw: Any,
    ) -> None:
        self.name = name
        self.start = start
        self.increment = increment
        self.minvalue = minvalue
        self.maxvalue = maxvalue
        self.cycle = cycle
        self.schema = schema
        self.cache = cache
        self.optional = optional
        self.metadata = metadata
        self.for_update = for_update
        if metadata is not None:
            metadata._sequences[self._key] = self

    @property
    def _key(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def next_value(self) -> Any:
        from .functions import next_value

        return next_value(self)

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        super()._set_parent(parent)
        if parent.table is not None:
            self._set_table(parent.table)

    def _set_table(self, table: Any) -> None:
        if self.metadata is None:
            self.metadata = table.metadata
            if table.metadata is not None:
                table.metadata._sequences[self._key] = self

    def create(self, bind: Any, checkfirst: bool = True) -> None:
        from .ddl import run_ddl_item

        run_ddl_item(bind, "create_sequence", self, checkfirst)

    def drop(self, bind: Any, checkfirst: bool = True) -> None:
        from .ddl import run_ddl_item

        run_ddl_item(bind, "drop_sequence", self, checkfirst)

    def __repr__(self) -> str:
        return f"Sequence({self.name!r})"


class FetchedValue(SchemaItem):
    """A value the database generates (trigger, server default) and we fetch."""

    is_server_default = True
    reflected = False
    has_argument = False
    is_clause_element = False
    is_identity = False
    column: Any = None

    def __init__(self, for_update: bool = False) -> None:
        self.for_update = for_update

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        self.column = parent
        if self.for_update:
            parent.server_onupdate = self
        else:
            parent.server_default = self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class DefaultClause(FetchedValue):
    """A ``DEFAULT`` clause in DDL (``server_default=``): str, ``text()`` or SQL."""

    has_argument = True

    def __init__(
        self, arg: Any, for_update: bool = False, _reflected: bool = False
    ) -> None:
        from .coercions import _unwrap

        arg = _unwrap(arg)
        if not isinstance(arg, (str, ClauseElement)):
            raise exc.ArgumentError(
                f"Argument 'arg' is expected to be one of type '<class 'str'>' or "
                "'<class 'ClauseElement'>' or '<class 'TextClause'>', got "
                f"{type(arg)!r}"
            )
        super().__init__(for_update)
        self.arg = arg
        self.reflected = _reflected

    def __repr__(self) -> str:
        return f"DefaultClause({self.arg!r}, for_update={self.for_update!r})"


class Computed(FetchedValue):
    """``GENERATED ALWAYS AS (expr)`` column."""

    __visit_name__ = "computed_column"

    def __init__(self, sqltext: Any, persisted: Optional[bool] = None) -> None:
        super().__init__()
        self.sqltext = TextClause(sqltext) if isinstance(sqltext, str) else sqltext
        self.persisted = persisted

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        self.column = parent
        parent.computed = self
        parent.server_default = self
        parent.server_onupdate = self


class Identity(FetchedValue):
    """``GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY`` column."""

    __visit_name__ = "identity_column"
    is_identity = True

    def __init__(
        self,
        always: bool = False,
        on_null: Optional[bool] = None,
        start: Optional[int] = None,
        increment: Optional[int] = None,
        **kw: Any,
    ):
        super().__init__()
        self.always = always
        self.on_null = on_null
        self.start = start
        self.increment = increment
        self.options = kw

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        self.column = parent
        parent.identity = self
        parent.server_default = self


# ---------------------------------------------------------------- columns
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
        self.foreign_keys: set[ForeignKey] = set()  # type: ignore[assignment]
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

    def _set_parent(self, table: Any, **kw: Any) -> None:
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


def _copy_default(d: Any) -> Any:
    if isinstance(d, ColumnDefault):
        return ColumnDefault(getattr(d, "_orig", d.arg), for_update=d.for_update)
    if isinstance(d, DefaultClause):
        return DefaultClause(d.arg, for_update=d.for_update)
    if isinstance(d, Sequence):
        return Sequence(
            d.name,
            start=d.start,
            increment=d.increment,
            schema=d.schema,
            optional=d.optional,
        )
    if isinstance(d, FetchedValue):
        return FetchedValue(for_update=d.for_update)
    return d


# ---------------------------------------------------------------- foreign keys
class ForeignKey(SchemaItem):
    """A column-level foreign key; the target column resolves lazily (``.column``)."""

    __visit_name__ = "foreign_key"

    def __init__(
        self,
        column: Any,
        _constraint: Any = None,
        use_alter: bool = False,
        name: Optional[str] = None,
        onupdate: Optional[str] = None,
        ondelete: Optional[str] = None,
        deferrable: Optional[bool] = None,
        initially: Optional[str] = None,
        link_to_name: bool = False,
        match: Optional[str] = None,
        info: Optional[dict[str, Any]] = None,
        comment: Optional[str] = None,
        **dialect_kw: Any,
    ) -> None:
        from .coercions import _unwrap

        column = _unwrap(column)
        self._colspec = column
        if isinstance(column, str):
            self._table_column = None
        elif isinstance(column, ColumnClause):
            self._table_column = column
        else:
            raise exc.ArgumentError(
                f"String column name or column expression for DDL constraint expected, "
                f"got {column!r}"
            )
        self.constraint = _constraint
        self.parent: Any = None
        self.use_alter = use_alter
        self.name = name
        self.onupdate = onupdate
        self.ondelete = ondelete
        self.deferrable = deferrable
        self.initially = initially
        self.link_to_name = link_to_name
        self.match = match
        self.info = dict(info) if info else {}
        self.comment = comment
        self.dialect_kwargs = dialect_kw

    def __repr__(self) -> str:
        return f"ForeignKey({self._get_colspec()!r})"

    def _copy(self, **kw: Any) -> "ForeignKey":
        return ForeignKey(
            self._get_colspec(),
            use_alter=self.use_alter,
            name=self.name,
            onupdate=self.onupdate,
            ondelete=self.ondelete,
            deferrable=self.deferrable,
            initially=self.initially,
            link_to_name=self.link_to_name,
            match=self.match,
        )

    copy = _copy

    def _get_colspec(self, schema: Any = None) -> str:
        if isinstance(self._colspec, str):
            return self._colspec
        col = self._table_column
        if col.table is None:
            return col.key  # type: ignore[no-any-return]
        return f"{col.table.fullname}.{col.key}"

    @property
    def target_fullname(self) -> str:
        return self._get_colspec()

    def _column_tokens(self) -> tuple[Optional[str], str, str]:
        spec = self._get_colspec()
        parts = spec.split(".")
        if len(parts) < 2:
            raise exc.ArgumentError(f"Invalid foreign key column specification: {spec}")
        colname = parts[-1]
        tname = parts[-2]
        schema = ".".join(parts[:-2]) or None
        return schema, tname, colname

    @property
    def column(self) -> Any:
        """The referenced Column, resolved from the MetaData on first access."""
        col = self.__dict__.get("_resolved")
        if col is not None:
            return col
        if self._table_column is not None and self._table_column.table is not None:
            col = self._table_column
        else:
            col = self._resolve_from_metadata()
        self.__dict__["_resolved"] = col
        if self.parent is not None and self.parent.type._is_null_type:
            self.parent.type = col.type
        return col

    def _resolve_from_metadata(self) -> Any:
        if self.parent is None or self.parent.table is None:
            raise exc.InvalidRequestError(
                f"this ForeignKey object, {self!r}, has no parent Column; it can't "
                "resolve "
                "its target column yet"
            )
        parenttable = self.parent.table
        metadata = getattr(parenttable, "metadata", None)
        schema, tname, colname = self._column_tokens()
        if schema is None and metadata is not None and metadata.schema is not None:
            schema = metadata.schema
        key = f"{schema}.{tname}" if schema else tname
        if metadata is None or key not in metadata.tables:
            raise exc.NoReferencedTableError(
                f"Foreign key associated with column '{self.parent}' could not find "
                "table "
                f"'{key}' with which to generate a foreign key to target column "
                f"'{colname}'",
                key,
            )
        table = metadata.tables[key]
        if self.link_to_name:
            found = next((c for c in table.c if c.name == colname), None)
        else:
            found = table.c.get(colname)
        if found is None:
            raise exc.NoReferencedColumnError(
                "Could not initialize target column for ForeignKey "
                f"'{self._get_colspec()}' "
                f"on table '{parenttable.name}': table '{table.name}' has no column "
                "named "
                f"'{colname}'",
                table.name,
                colname,
            )
        return found

    def references(self, table: Any) -> bool:
        return self.column.table is table  # type: ignore[no-any-return]

    def get_referent(self, table: Any) -> Any:
        """The column of ``table`` (or an alias of it) this key points at, or None."""
        try:
            col = self.column
        except exc.NoReferenceError:
            return None
        return table.corresponding_column(col)

    def parent_in(self, selectable: Any) -> Any:
        found = selectable.corresponding_column(self.parent)
        return self.parent if found is None else found

    def _set_parent(self, column: Any, **kw: Any) -> None:
        if self.parent is not None and self.parent is not column:
            raise exc.InvalidRequestError("This ForeignKey already has a parent !")
        self.parent = column
        column.foreign_keys.add(self)
        if column.table is not None:
            self._set_table_from_column(column, column.table)

    def _set_table_from_column(self, column: Any, table: Any) -> None:
        if self.constraint is None:
            c = ForeignKeyConstraint(
                [],
                [],
                use_alter=self.use_alter,
                name=self.name,
                onupdate=self.onupdate,
                ondelete=self.ondelete,
                deferrable=self.deferrable,
                initially=self.initially,
                match=self.match,
                _fk_objects=[self],
            )
            self.constraint = c
            table.append_constraint(c)
        elif self.constraint.table is None:
            table.append_constraint(self.constraint)
        table.foreign_keys.add(self)


# ---------------------------------------------------------------- constraints
class Constraint(SchemaItem):
    """Base of table constraints."""

    __visit_name__ = "constraint"
    _column_flag = False
    table: Any = None

    def __init__(
        self,
        name: Optional[str] = None,
        deferrable: Optional[bool] = None,
        initially: Optional[str] = None,
        info: Optional[dict[str, Any]] = None,
        comment: Optional[str] = None,
        _create_rule: Any = None,
        _column_flag: bool = False,
        **dialect_kw: Any,
    ) -> None:
        self.name = name
        self.deferrable = deferrable
        self.initially = initially
        self.info = dict(info) if info else {}
        self.comment = comment
        self._column_flag = _column_flag
        self.dialect_kwargs = dialect_kw
        self._qs_order = next(_order)

    def _set_parent(self, table: Any, **kw: Any) -> None:
        self.table = table
        table.constraints.add(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class ColumnCollectionConstraint(Constraint):
    """A constraint over a list of columns (given as names or Column objects)."""

    def __init__(self, *columns: Any, **kw: Any) -> None:
        super().__init__(**kw)
        self._pending = list(columns)
        self.columns = DedupeColumnCollection()

    def _set_parent(self, table: Any, **kw: Any) -> None:
        super()._set_parent(table)
        for c in self._pending:
            self._add_column(c)

    def _add_column(self, c: Any) -> None:
        if isinstance(c, str):
            try:
                col = self.table.c[c]
            except KeyError:
                raise exc.ConstraintColumnNotFoundError(
                    f"Can't create {type(self).__name__} on table "
                    f"'{self.table.description}': "
                    f"no column named '{c}' is present."
                ) from None
        else:
            from .coercions import _unwrap

            col = _unwrap(c)
        if not self.columns.contains_column(col):
            self.columns.add(col)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def __contains__(self, col: Any) -> bool:
        return self.columns.contains_column(col)

    def contains_column(self, col: Any) -> bool:
        return self.columns.contains_column(col)


class PrimaryKeyConstraint(ColumnCollectionConstraint):
    """The table's primary key; ``table.primary_key`` (iterates its columns)."""

    __visit_name__ = "primary_key_constraint"

    def _set_parent(self, table: Any, **kw: Any) -> None:
        existing = getattr(table, "primary_key", None)
        Constraint._set_parent(self, table)
        if existing is not None and existing is not self:
            table.constraints.discard(existing)
            for c in existing.columns:
                if c not in self._pending:
                    pass
        table.primary_key = self
        for c in self._pending:
            self._add_column(c)
        for col in self.columns:
            col.primary_key = True
            if col._user_defined_nullable is Ellipsis:
                col.nullable = False

    def _add_column(self, c: Any) -> None:
        super()._add_column(c)

    @property
    def columns_autoinc_first(self) -> list[Any]:
        autoinc = self._autoincrement_column
        cols = list(self.columns)
        if autoinc is not None:
            cols.remove(autoinc)
            cols.insert(0, autoinc)
        return cols

    @property
    def _autoincrement_column(self) -> Any:
        from .sqltypes import Integer

        cols = list(self.columns)
        candidates = []
        for col in cols:
            if col.autoincrement is True:
                return col
            if (
                col.autoincrement == "auto"
                and len(cols) == 1
                and isinstance(col.type._type_affinity, type)
                and issubclass(col.type._type_affinity, Integer)
                and not col.foreign_keys
                and (col.default is None or getattr(col.default, "is_sequence", False))
                and (
                    col.server_default is None
                    or getattr(col.server_default, "is_identity", False)
                )
            ):
                candidates.append(col)
        return candidates[0] if candidates else None


class UniqueConstraint(ColumnCollectionConstraint):
    """``UNIQUE (cols)``."""

    __visit_name__ = "unique_constraint"


class CheckConstraint(Constraint):
    """``CHECK (sqltext)``."""

    __visit_name__ = "check_constraint"

    def __init__(self, sqltext: Any, name: Optional[str] = None, **kw: Any) -> None:
        super().__init__(name=name, **kw)
        self.sqltext = TextClause(sqltext) if isinstance(sqltext, str) else sqltext


class ForeignKeyConstraint(ColumnCollectionConstraint):
    """A (possibly composite) foreign key: ``FOREIGN KEY (cols) REFERENCES t
    (cols)``."""

    __visit_name__ = "foreign_key_constraint"

    def __init__(
        self,
        columns: Any,
        refcolumns: Any,
        name: Optional[str] = None,
        onupdate: Optional[str] = None,
        ondelete: Optional[str] = None,
        deferrable: Optional[bool] = None,
        initially: Optional[str] = None,
        use_alter: bool = False,
        link_to_name: bool = False,
        match: Optional[str] = None,
        table: Any = None,
        info: Optional[dict[str, Any]] = None,
        comment: Optional[str] = None,
        _fk_objects: Optional[list[ForeignKey]] = None,
        **dialect_kw: Any,
    ) -> None:
        super().__init__(
            name=name,
            deferrable=deferrable,
            initially=initially,
            info=info,
            comment=comment,
            **dialect_kw,
        )
        self.onupdate = onupdate
        self.ondelete = ondelete
        self.use_alter = use_alter
        self.match = match
        if _fk_objects is not None:
            self.elements = list(_fk_objects)
            self._pending = []
        else:
            if len(columns) != len(refcolumns):
                raise exc.ArgumentError(
                    "ForeignKeyConstraint number of constrained columns must match the "
                    "number of referenced columns."
                )
            self._pending = list(columns)
            self.elements = [
                ForeignKey(
                    ref,
                    _constraint=self,
                    name=name,
                    onupdate=onupdate,
                    ondelete=ondelete,
                    use_alter=use_alter,
                    link_to_name=link_to_name,
                    match=match,
                    deferrable=deferrable,
                    initially=initially,
                )
                for ref in refcolumns
            ]
        if table is not None:
            table.append_constraint(self)

    def _set_parent(self, table: Any, **kw: Any) -> None:
        Constraint._set_parent(self, table)
        if self._pending:
            for c, fk in zip(self._pending, self.elements, strict=False):
                self._add_column(c)
                col = (
                    self.columns[-1]
                    if False
                    else (table.c[c] if isinstance(c, str) else c)
                )
                if fk.parent is None:
                    fk.parent = col
                    col.foreign_keys.add(fk)
                table.foreign_keys.add(fk)
        else:
            for fk in self.elements:
                if fk.parent is not None:
                    self._add_column(fk.parent)

    @property
    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def referred_table(self) -> Any:
        return self.elements[0].column.table

    @property
    def _referred_schema(self) -> Optional[str]:
        return self.elements[0]._column_tokens()[0]

    def _col_description(self) -> str:
        return ", ".join(c.name for c in self.columns)


class Index(SchemaItem):
    """``CREATE [UNIQUE] INDEX name ON table (exprs)`` (mirrors
    ``sqlalchemy.Index``)."""

    __visit_name__ = "index"
    table: Any = None

    def __init__(
        self,
        name: Optional[str],
        *expressions: Any,
        unique: bool = False,
        quote: Any = None,
        info: Optional[dict[str, Any]] = None,
        _table: Any = None,
        _column_flag: bool = False,
        **dialect_kw: Any,
    ) -> None:
        self.name = name
        self.unique = unique
        self.info = dict(info) if info else {}
        self._column_flag = _column_flag
        self.dialect_kwargs = dialect_kw
        self.dialect_options = dialect_kw
        self._pending = list(expressions)
        self.expressions: list[Any] = []
        self.columns = DedupeColumnCollection()
        self._qs_order = next(_order)
        table = _table
        if table is None:
            for e in expressions:
                t = getattr(e, "table", None)
                if t is not None and not isinstance(e, str):
                    table = t
                    break
        if table is not None:
            table.append_constraint(self)

    def _set_parent(self, table: Any, **kw: Any) -> None:
        if self.table is not None and self.table is not table:
            raise exc.ArgumentError(
                f"Index '{self.name}' is against table '{self.table.description}', and "
                f"cannot be associated with table '{table.description}'."
            )
        self.table = table
        table.indexes.add(self)
        for e in self._pending:
            if isinstance(e, str):
                col = table.c.get(e)
                if col is None:
                    raise exc.ConstraintColumnNotFoundError(
                        f"Can't create Index on table '{table.description}': no column "
                        "named "
                        f"'{e}' is present."
                    )
                self.columns.add(col)
                self.expressions.append(col)
            else:
                from .coercions import _unwrap

                e = _unwrap(e)
                if isinstance(e, Column):
                    self.columns.add(e)
                self.expressions.append(e)
        self._pending = []

    def create(self, bind: Any, checkfirst: bool = False) -> None:
        from .ddl import run_ddl_item

        run_ddl_item(bind, "create_index", self, checkfirst)

    def drop(self, bind: Any, checkfirst: bool = False) -> None:
        from .ddl import run_ddl_item

        run_ddl_item(bind, "drop_index", self, checkfirst)

    def __repr__(self) -> str:
        return f"Index({self.name!r}, {', '.join(repr(e) for e in self.expressions)})"


# ---------------------------------------------------------------- naming
def _column_label(col: Any) -> str:
    t = col.table
    return f"{t.name}_{col.name}" if t is not None else col.name


def conv_name(item: Any, metadata: Any) -> Optional[str]:
    """The name of a constraint/index after the MetaData naming convention."""
    name = getattr(item, "name", None)
    if isinstance(name, conv):
        return str(name)
    convention = (
        metadata.naming_convention
        if metadata is not None
        else DEFAULT_NAMING_CONVENTION
    )
    prefix = {
        Index: "ix",
        UniqueConstraint: "uq",
        CheckConstraint: "ck",
        ForeignKeyConstraint: "fk",
        PrimaryKeyConstraint: "pk",
    }.get(type(item))
    if prefix is None:
        for cls, p in (
            (Index, "ix"),
            (UniqueConstraint, "uq"),
            (CheckConstraint, "ck"),
            (ForeignKeyConstraint, "fk"),
            (PrimaryKeyConstraint, "pk"),
        ):
            if isinstance(item, cls):
                prefix = p
                break
    template = convention.get(prefix) if prefix else None
    if template is None:
        return name
    if name is None and "%(constraint_name)s" in template:
        return None
    if (
        name is not None
        and "%(constraint_name)s" not in template
        and not item._column_flag
    ):
        return name
    if name is not None and prefix == "ix" and not item._column_flag:
        return name
    cols = list(getattr(item, "columns", []) or [])
    tokens = _Tokens(item, cols, name)
    try:
        return template % tokens
    except KeyError as e:
        raise exc.InvalidRequestError(
            f"Naming convention including %({e.args[0]})s token requires that "
            "constraint is explicitly named."
        ) from None


class _Tokens(dict[str, Any]):
    def __init__(self, item: Any, cols: list[Any], name: Optional[str]) -> None:
        super().__init__()
        self.item = item
        self.cols = cols
        self.cname = name

    def __missing__(self, key: str) -> str:
        item, cols = self.item, self.cols
        if key == "table_name":
            return item.table.name  # type: ignore[no-any-return]
        if key == "constraint_name":
            if self.cname is None:
                raise KeyError(key)
            return self.cname
        if key.startswith("referred_"):
            if key == "referred_table_name":
                return item.elements[0].column.table.name  # type: ignore[no-any-return]
            rest = key[len("referred_") :]
            refcols = [fk.column for fk in item.elements]
            return _col_token(rest, refcols)
        return _col_token(key, cols)


def _col_token(key: str, cols: list[Any]) -> str:
    import re

    m = re.match(r"column_0(_?N)?_(name|label|key)$", key)
    if not m:
        raise KeyError(key)
    multi, attr = m.groups()

    def one(c: Any) -> str:
        if attr == "label":
            return _column_label(c)
        return c.key if attr == "key" else c.name  # type: ignore[no-any-return]

    if multi is None:
        return one(cols[0])
    sep = "_" if multi == "_N" else ""
    return sep.join(one(c) for c in cols)


class conv(str):
    """A name already converted by a naming convention (used verbatim)."""

    __slots__ = ()


# ---------------------------------------------------------------- tables
class Table(TableClause, SchemaItem):
    """A table in a ``MetaData`` (mirrors ``sqlalchemy.Table``)."""

    __visit_name__ = "table"
    _is_table = True
    primary_key: Any = None  # instance attributes (shadow FromClause's properties)
    foreign_keys: Any = None

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
        kw.pop("autoload_with", None)
        kw.pop("autoload_replace", None)
        kw.pop("resolve_fks", None)
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
        metadata._resolve_fk_types()

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

    def _set_parent(self, metadata: Any, **kw: Any) -> None:
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
