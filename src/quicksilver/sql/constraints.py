"""Foreign keys, constraints, indexes and constraint naming conventions.

Part of ``sql/schema`` (re-exported there), split out by concept.  A
``ForeignKey`` resolves its target column lazily, on first use, so tables may
be declared in any order.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional

from .. import exc
from .base import DedupeColumnCollection
from .defaults import DEFAULT_NAMING_CONVENTION, SchemaItem, _order
from .elements import ColumnClause, TextClause


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
        assert col is not None  # a ForeignKey is built from a str or a column
        if col.table is None:
            return str(col.key)
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

    def _set_parent(self, column: Any, /, **kw: Any) -> None:
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

    def _set_parent(self, table: Any, /, **kw: Any) -> None:
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

    def _set_parent(self, table: Any, /, **kw: Any) -> None:
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

    def _set_parent(self, table: Any, /, **kw: Any) -> None:
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

    def _set_parent(self, table: Any, /, **kw: Any) -> None:
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

    def _set_parent(self, table: Any, /, **kw: Any) -> None:
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
                if isinstance(e, ColumnClause) and not e.is_literal:
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
