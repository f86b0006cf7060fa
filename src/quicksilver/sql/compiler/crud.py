"""INSERT / UPDATE / DELETE rendering, mixed into ``SQLCompiler``.

Which columns appear in VALUES / SET:

* values given to ``.values()`` (literals are already bound parameters named
  after the column key; SQL expressions are rendered inline);
* keys in ``column_keys`` (the engine's first parameter dict) as required
  parameters named after the column key;
* with ``column_keys=None`` and no ``.values()``, every column (what
  ``str(insert(t))`` shows);
* columns not given: a Python default/onupdate becomes a parameter listed in
  ``prefetch`` for the execution context to fill; a SQL-expression default
  is rendered inline; server defaults go to ``postfetch``.

On a dialect with ``insert_returning`` (and ``implicit_returning`` not
False), a single-row INSERT without ``.returning()`` gets the primary-key
columns that have no value added to RETURNING (``implicit_returning``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ... import exc
from ..elements import (
    BinaryExpression,
    BindParameter,
    ClauseElement,
    ColumnElement,
    Grouping,
)
from .base import ResultColumnsEntry

if TYPE_CHECKING:
    # the type checker sees the other mixins' methods (process, _and,
    # _render_ctes...); at run time SQLCompiler combines them
    from .select import SelectCompilerMixin

    _Base = SelectCompilerMixin
else:
    _Base = object


class CrudMixin(_Base):
    """INSERT/UPDATE/DELETE visit methods for ``SQLCompiler``."""

    # set up by SQLCompiler.__init__
    column_keys: Any
    for_executemany: bool
    for_implicit_returning: bool
    column_bind_names: dict[Any, str]
    prefetch: list[tuple[str, Any, bool]]
    insert_prefetch: list[Any]
    update_prefetch: list[Any]
    postfetch: list[Any]
    returning: Optional[list[Any]]
    implicit_returning: Optional[list[Any]]

    def _crud_bind(self, col: Any, name: str, required: bool) -> str:
        bind = BindParameter(
            name, None, type_=col.type, required=required, _is_crud=True
        )
        text = self.process(bind)
        self.column_bind_names[col] = self.bind_names[bind]
        return text

    def _crud_value(self, col: Any, value: Any, **kw: Any) -> str:
        if isinstance(value, BindParameter) and value._is_crud:
            text = self.process(value, **kw)
            self.column_bind_names[col] = self.bind_names.get(value, value.key)
            return text
        if isinstance(value, ClauseElement):
            if isinstance(value, BinaryExpression):
                value = Grouping(value)
            return self.process(value, **kw)
        raise exc.CompileError(f"Unconsumed value {value!r} for column {col.key!r}")

    def _check_unconsumed(self, stmt: Any, values: dict[Any, Any]) -> None:
        unknown = [k for k in values if k not in stmt.table.c]
        if unknown:
            raise exc.CompileError(
                "Unconsumed column names: " + ", ".join(sorted(str(k) for k in unknown))
            )

    def _default_for(self, col: Any, is_insert: bool, **kw: Any) -> Any:
        """Render the column's default; returns SQL text or None (not rendered)."""
        default = col.default if is_insert else col.onupdate
        if default is None:
            return None
        if getattr(default, "is_sequence", False):
            if getattr(self.dialect, "supports_sequences", False) and is_insert:
                return self.visit_sequence(default, **kw)
            return None
        if default.is_clause_element:
            return self.process(default.arg.self_group(), **kw)
        name = col.key
        text = self._crud_bind(col, name, required=False)
        bind_name = self.column_bind_names[col]
        self.prefetch.append((bind_name, col, is_insert))
        (self.insert_prefetch if is_insert else self.update_prefetch).append(col)
        return text

    def visit_sequence(self, seq: Any, **kw: Any) -> str:
        raise exc.CompileError(f"Dialect does not support sequences: {seq.name}")

    # -- INSERT ---------------------------------------------------------------
    def visit_insert(self, stmt: Any, **kw: Any) -> str:
        self.isinsert = True
        toplevel = not self.stack
        table = stmt.table
        self.stack.append(
            {
                "selectable": stmt,
                "correlate_froms": [table],
                "froms": [table],
            }
        )
        try:
            text = (
                "INSERT "
                + self._prefixes_text(stmt._prefixes)
                + "INTO "
                + self.process(table, asfrom=True)
            )
            if stmt._select is not None:
                text += self._insert_from_select(stmt, **kw)
            elif stmt._multi_values:
                text += self._insert_multi(stmt, **kw)
            else:
                text += self._insert_single(stmt, toplevel, **kw)
            if stmt._post_values_clause is not None:
                post = self.process(stmt._post_values_clause, **kw)
                if post:
                    text += " " + post
            text += self._returning_text(stmt, toplevel, **kw)
        finally:
            self.stack.pop()
        if toplevel and self._ctes:
            text = self._render_ctes() + text
        return text

    def _insert_single(self, stmt: Any, toplevel: bool, **kw: Any) -> str:
        table = stmt.table
        values = stmt._values or {}
        self._check_unconsumed(stmt, values)
        column_keys = self.column_keys
        all_columns = column_keys is None and not values
        keyset = set(column_keys or ())
        names: list[str] = []
        rendered: list[str] = []
        missing_pk: list[Any] = []
        for col in table.columns:
            key = col.key
            if key in values:
                names.append(self.preparer.format_column(col))
                rendered.append(self._crud_value(col, values[key], **kw))
                if col.primary_key and not isinstance(values[key], BindParameter):
                    missing_pk.append(col)
                continue
            if all_columns or key in keyset:
                names.append(self.preparer.format_column(col))
                rendered.append(self._crud_bind(col, key, required=True))
                continue
            default_sql = self._default_for(col, True, **kw)
            if default_sql is not None:
                names.append(self.preparer.format_column(col))
                rendered.append(default_sql)
                if (
                    col.primary_key
                    and col.default is not None
                    and (col.default.is_clause_element or col.default.is_sequence)
                ):
                    missing_pk.append(col)
                elif col.default is not None and col.default.is_clause_element:
                    self.postfetch.append(col)
                continue
            if col.primary_key:
                missing_pk.append(col)
            elif col.server_default is not None:
                self.postfetch.append(col)
        self._set_implicit_returning(stmt, toplevel, missing_pk)
        if not names:
            return " DEFAULT VALUES"
        return " ({}) VALUES ({})".format(", ".join(names), ", ".join(rendered))

    def _set_implicit_returning(
        self, stmt: Any, toplevel: bool, missing_pk: list[Any]
    ) -> None:
        d = self.dialect
        if (
            toplevel
            and missing_pk
            and getattr(d, "insert_returning", False)
            and getattr(d, "implicit_returning", True)
            and getattr(stmt.table, "implicit_returning", True)
            and self.for_implicit_returning
            and not stmt._returning
            and not stmt._inline
            and not self.for_executemany
        ):
            self.implicit_returning = list(missing_pk)
            self.postfetch = [c for c in self.postfetch if c not in missing_pk]

    def _insert_multi(self, stmt: Any, **kw: Any) -> str:
        table = stmt.table
        rows = stmt._multi_bind()
        keys: list[str] = []
        for row in rows:
            self._check_unconsumed(stmt, row)
            for k in row:
                if k not in keys:
                    keys.append(k)
        cols = [c for c in table.columns if c.key in keys]
        default_cols = [
            c
            for c in table.columns
            if c.key not in keys
            and c.default is not None
            and not getattr(c.default, "is_sequence", False)
        ]
        names = [self.preparer.format_column(c) for c in cols + default_cols]
        groups = []
        for i, row in enumerate(rows):
            vals = []
            for c in cols:
                if c.key in row:
                    vals.append(self._crud_value(c, row[c.key], **kw))
                else:
                    vals.append(self._crud_bind(c, f"{c.key}_m{i}", required=True))
            for c in default_cols:
                if c.default.is_clause_element:
                    vals.append(self.process(c.default.arg.self_group(), **kw))
                else:
                    name = f"{c.key}_m{i}"
                    bind = BindParameter(
                        name, None, type_=c.type, required=False, _is_crud=True
                    )
                    vals.append(self.process(bind, **kw))
                    self.prefetch.append((self.bind_names[bind], c, True))
            groups.append("(" + ", ".join(vals) + ")")
        return " ({}) VALUES {}".format(", ".join(names), ", ".join(groups))

    def _insert_from_select(self, stmt: Any, **kw: Any) -> str:
        table = stmt.table
        names = [self.preparer.format_column(table.c[n]) for n in stmt._select_names]
        select = stmt._select
        if stmt._include_insert_from_select_defaults:
            extra_cols = [
                c
                for c in table.columns
                if c.key not in stmt._select_names
                and c.default is not None
                and c.default.is_clause_element
            ]
            extra_scalar = [
                c
                for c in table.columns
                if c.key not in stmt._select_names
                and c.default is not None
                and c.default.is_scalar
            ]
            if extra_cols or extra_scalar:
                add = [c.default.arg for c in extra_cols]
                from ..constructors import literal

                add += [literal(c.default.arg, c.type) for c in extra_scalar]
                select = select.add_columns(*add)
                names += [
                    self.preparer.format_column(c) for c in extra_cols + extra_scalar
                ]
        inner = self.process(select, **kw)
        return " ({}) {}".format(", ".join(names), inner)

    # -- UPDATE -----------------------------------------------------------
    def visit_update(self, stmt: Any, **kw: Any) -> str:
        self.isupdate = True
        toplevel = not self.stack
        table = stmt.table
        extra_froms = self._update_extra_froms(stmt)
        self.stack.append(
            {
                "selectable": stmt,
                "correlate_froms": [table] + extra_froms,
                "froms": [table],
            }
        )
        try:
            text = (
                "UPDATE "
                + self._prefixes_text(stmt._prefixes)
                + self.process(table, asfrom=True)
            )
            sets = self._update_sets(stmt, **kw)
            if not sets:
                raise exc.CompileError(
                    f"UPDATE construct for table '{table.description}' has no values "
                    "in "
                    "its SET clause; pass values with .values() or execution parameters"
                )
            text += " SET " + ", ".join(sets)
            if extra_froms:
                text += self.update_from_clause(stmt, extra_froms, **kw)
            if stmt._where_criteria:
                text += " WHERE " + self._and(stmt._where_criteria, **kw)
            text += self._returning_text(stmt, toplevel, **kw)
        finally:
            self.stack.pop()
        if toplevel and self._ctes:
            text = self._render_ctes() + text
        return text

    def _update_extra_froms(self, stmt: Any) -> list[Any]:
        # the target itself is no extra FROM, whether named as the Table or
        # through a stand-in for it (an ORM entity: ``update(User)``)
        seen = {id(stmt.table), *(id(f) for f in stmt.table._from_objects)}
        out = []
        for w in stmt._where_criteria:
            for f in w._from_objects:
                if id(f) not in seen:
                    seen.add(id(f))
                    out.append(f)
        return out

    def update_from_clause(self, stmt: Any, extra_froms: list[Any], **kw: Any) -> str:
        return " FROM " + ", ".join(
            self.process(f, asfrom=True, **kw) for f in extra_froms
        )

    def _explicit_bind_names(self, stmt: Any) -> set[str]:
        from ..visitors import iterate

        names: set[str] = set()
        for w in stmt._where_criteria:
            for node in iterate(w):
                if isinstance(node, BindParameter) and not node.unique:
                    names.add(node.key)
        return names

    def _update_sets(self, stmt: Any, **kw: Any) -> list[str]:
        table = stmt.table
        values = stmt._values or {}
        self._check_unconsumed(stmt, values)
        column_keys = self.column_keys
        all_columns = column_keys is None and not values
        reserved = self._explicit_bind_names(stmt)
        keyset = set(column_keys or ()) - reserved
        sets: list[tuple[Any, str]] = []
        for col in table.columns:
            key = col.key
            if key in values:
                sets.append((col, self._crud_value(col, values[key], **kw)))
            elif all_columns or key in keyset:
                sets.append((col, self._crud_bind(col, key, required=True)))
            else:
                default_sql = self._default_for(col, False, **kw)
                if default_sql is not None:
                    sets.append((col, default_sql))
                    if col.onupdate.is_clause_element:
                        self.postfetch.append(col)
                elif col.server_onupdate is not None:
                    self.postfetch.append(col)
        if stmt._ordered_values:
            order = {k: i for i, k in enumerate(stmt._ordered_values)}
            sets.sort(key=lambda item: order.get(item[0].key, len(order)))
        fmt = self.preparer.format_column
        return [f"{fmt(col)}={sql}" for col, sql in sets]

    # -- DELETE -----------------------------------------------------------
    def visit_delete(self, stmt: Any, **kw: Any) -> str:
        self.isdelete = True
        toplevel = not self.stack
        table = stmt.table
        self.stack.append(
            {
                "selectable": stmt,
                "correlate_froms": [table],
                "froms": [table],
            }
        )
        try:
            text = (
                "DELETE "
                + self._prefixes_text(stmt._prefixes)
                + "FROM "
                + self.process(table, asfrom=True)
            )
            extra = self._update_extra_froms(stmt)
            if extra:
                text += self.delete_extra_from_clause(stmt, extra, **kw)
            if stmt._where_criteria:
                text += " WHERE " + self._and(stmt._where_criteria, **kw)
            text += self._returning_text(stmt, toplevel, **kw)
        finally:
            self.stack.pop()
        if toplevel and self._ctes:
            text = self._render_ctes() + text
        return text

    def delete_extra_from_clause(self, stmt: Any, extra: list[Any], **kw: Any) -> str:
        raise exc.CompileNotImplementedError(
            "This backend does not support multiple-table criteria within "
            "DELETE (compile for a dialect that has DELETE ... USING or "
            "DELETE ... FROM, or select the rows in a subquery)"
        )

    # -- RETURNING ---------------------------------------------------------
    returning_qualified = True

    def _returning_text(self, stmt: Any, toplevel: bool, **kw: Any) -> str:
        cols = stmt._returning_columns()
        if not cols and self.implicit_returning:
            cols = list(self.implicit_returning)
        elif (
            not cols
            and stmt._return_defaults
            and getattr(
                self.dialect,
                "insert_returning",
                False,
            )
        ):
            cols = list(stmt._return_defaults_columns) or list(stmt.table.primary_key)
            self.implicit_returning = list(cols)
        if not cols:
            return ""
        if stmt._returning:
            self.returning = list(cols)
        parts = []
        for col in cols:
            name = getattr(col, "_non_anon_label", None)
            if (
                isinstance(col, ColumnElement)
                and name is not None
                and col.__visit_name__ == "column"
            ):
                text = self.process(col, include_table=self.returning_qualified, **kw)
                keyname = col.name
            else:
                keyname = self._anon(name if name is not None else col._anon_name_label)
                inner = col.element if col.__visit_name__ == "label" else col
                text = (
                    self.process(inner, include_table=self.returning_qualified, **kw)
                    + " AS "
                    + self.preparer.quote(keyname)
                )
            parts.append(text)
            if toplevel:
                objects: tuple[Any, ...] = (col, keyname)
                key = getattr(col, "key", None)
                if key and key != keyname:
                    objects += (key,)
                self._result_columns.append(
                    ResultColumnsEntry(keyname, keyname, objects, col.type)
                )
        return " RETURNING " + ", ".join(parts)
