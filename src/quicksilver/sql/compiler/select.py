"""FROM clauses and SELECT rendering, mixed into ``SQLCompiler``.

Tables, joins, aliases, subqueries, LATERAL, CTEs, SELECT bodies (columns,
WHERE, GROUP BY, ORDER BY, LIMIT) and compound selects.  Split from
``sql.py`` by concept; dialects override these ``visit_*`` methods on their
``SQLCompiler`` subclass as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ... import exc
from ..elements import ColumnClause, Label, TextClause, _anonymous_label
from .base import ResultColumnsEntry

if TYPE_CHECKING:
    from .base import BindCompiledMixin

    _Base = BindCompiledMixin
else:
    _Base = object


class SelectCompilerMixin(_Base):
    """SELECT / FROM rendering for ``SQLCompiler``."""

    # set up by SQLCompiler.__init__
    stack: list[dict[str, Any]]
    _ctes: dict[Any, str]
    _result_columns: list[ResultColumnsEntry]

    def _anon(self, name: str) -> str:  # pragma: no cover - SQLCompiler's
        raise NotImplementedError

    def visit_table(self, table: Any, asfrom: bool = False, **kw: Any) -> str:
        schema = table.schema
        if self.schema_translate_map:
            schema = self.schema_translate_map.get(schema, schema)
        name = (
            self.preparer.quote(table.name)
            if getattr(table, "quote", None) is not True
            else self.preparer.quote_identifier(table.name)
        )
        if schema:
            return self.preparer.quote_schema(schema) + "." + name
        return name

    def visit_join(self, join: Any, asfrom: bool = False, **kw: Any) -> str:
        if join.full:
            word = " FULL OUTER JOIN "
        elif join.isouter:
            word = " LEFT OUTER JOIN "
        else:
            word = " JOIN "
        return (
            self.process(join.left, asfrom=True, **kw)
            + word
            + self.process(join.right, asfrom=True, **kw)
            + " ON "
            + self.process(join.onclause, **kw)
        )

    def visit_alias(self, alias: Any, asfrom: bool = False, **kw: Any) -> str:
        name = self.preparer.format_alias(alias, self._anon(alias.name))
        if not asfrom:
            return name
        inner = alias.element
        if getattr(inner, "_is_select_base", False):
            return (
                "("
                + self.process(inner, asfrom=True, subquery=True, **kw)
                + ") AS "
                + name
            )
        return self.process(inner, asfrom=True, **kw) + " AS " + name

    def visit_tablesample(self, ts: Any, asfrom: bool = False, **kw: Any) -> str:
        text = self.visit_alias(ts, asfrom=asfrom, **kw)
        if not asfrom:
            return text
        text += " TABLESAMPLE " + self.process(ts.sampling, **kw)
        if ts.seed is not None:
            text += " REPEATABLE (" + self.process(ts.seed, **kw) + ")"
        return text

    def visit_subquery(self, sq: Any, asfrom: bool = False, **kw: Any) -> str:
        name = self.preparer.format_alias(sq, self._anon(sq.name))
        if not asfrom:
            return name
        kw.pop("nested", None)
        return (
            "("
            + self.process(sq.element, asfrom=True, subquery=True, **kw)
            + ") AS "
            + name
        )

    def visit_lateral(self, lateral: Any, asfrom: bool = False, **kw: Any) -> str:
        name = self.preparer.format_alias(lateral, self._anon(lateral.name))
        if not asfrom:
            return name
        enclosing = self.stack[-1]["froms"] if self.stack else []
        return (
            "LATERAL ("
            + self.process(
                lateral.element,
                asfrom=True,
                subquery=True,
                _lateral_froms=enclosing,
                **kw,
            )
            + ") AS "
            + name
        )

    def visit_table_valued_alias(
        self, element: Any, asfrom: bool = False, **kw: Any
    ) -> str:
        name = self.preparer.format_alias(element, self._anon(element.name))
        if not asfrom:
            return name
        return self.process(element.element, **kw) + " AS " + name

    def _values_rows(self, element: Any, **kw: Any) -> str:
        kw.pop("asfrom", None)
        if element.literal_binds:
            kw["literal_binds"] = True
        return "VALUES " + ", ".join(
            "(" + ", ".join(self.process(v, **kw) for v in row) + ")"
            for row in element._rows()
        )

    def visit_values(self, element: Any, asfrom: bool = False, **kw: Any) -> str:
        text = self._values_rows(element, **kw)
        if not asfrom:
            return text
        text = ("LATERAL (" if element._is_lateral else "(") + text + ")"
        if element._unnamed:
            return text
        cols = ", ".join(self.preparer.quote(c.name) for c in element._column_args)
        name = self.preparer.quote(self._anon(element.name))
        return f"{text} AS {name} ({cols})"

    def visit_scalar_values(self, element: Any, **kw: Any) -> str:
        return "(" + self._values_rows(element.element, **kw) + ")"

    def visit_text_from(self, element: Any, **kw: Any) -> str:
        return self.process(element.text, **kw)

    def visit_cte(self, cte: Any, asfrom: bool = False, **kw: Any) -> str:
        target = cte
        while target._restates is not None:
            target = target._restates
        source = cte._cte_alias if cte._cte_alias is not None else cte
        base = source
        while base._restates is not None:
            base = base._restates
        name = self._anon(base.name)
        if cte.recursive or source.recursive:
            self._cte_recursive = True
        if base not in self._ctes:
            self._ctes[base] = ""  # placeholder: recursive references see it
            real = (
                source if source._restates is None and cte._cte_alias is None else cte
            )
            if cte._cte_alias is not None:
                real = cte._cte_alias
            body_elem = self._latest_cte(real)
            inner = self.process(
                body_elem.element, asfrom=True, subquery=True, **_no_nested(kw)
            )
            header = self.preparer.quote(name)
            if self._cte_recursive:
                cols = [self.preparer.quote(self._anon(c.name)) for c in body_elem.c]
                header += "(" + ", ".join(cols) + ")"
            self._ctes[base] = header + " AS \n(" + inner + ")"
        if not asfrom:
            return self.preparer.quote(name)
        if cte._cte_alias is not None:
            return (
                self.preparer.quote(self._anon(cte._cte_alias.name))
                + " AS "
                + self.preparer.quote(self._anon(cte.name))
            )
        return self.preparer.quote(name)

    def _latest_cte(self, cte: Any) -> Any:
        return cte

    def _render_ctes(self) -> str:
        if not self._ctes:
            return ""
        word = "WITH RECURSIVE " if self._cte_recursive else "WITH "
        return word + ", \n".join(self._ctes.values()) + "\n "

    # -- SELECT ---------------------------------------------------------------
    def _enclosing_froms(self) -> list[Any]:
        out: list[Any] = []
        for entry in self.stack:
            out.extend(entry["correlate_froms"])
        return out

    def visit_select(
        self,
        select: Any,
        asfrom: bool = False,
        subquery: bool = False,
        nested: bool = False,
        compound_index: Optional[int] = None,
        _lateral_froms: Any = None,
        **kw: Any,
    ) -> str:
        toplevel = not self.stack
        kw.pop("within_columns_clause", None)
        kw.pop("add_to_result_map", None)
        kw.pop("_label_names", None)
        kw.pop("render_label_as_label", None)
        if compound_index is not None:
            entry = self.stack[-1]
            populate = entry.get("populate_result", False) and compound_index == 0
        else:
            populate = toplevel
        if nested:
            enclosing = self._enclosing_froms()
        elif _lateral_froms is not None:
            enclosing = list(_lateral_froms)
        else:
            enclosing = None
        froms = select._display_froms(enclosing)
        correlate_froms = list(froms)
        for f in froms:
            correlate_froms.extend(f._hide_froms)
        self.stack.append(
            {"selectable": select, "correlate_froms": correlate_froms, "froms": froms}
        )
        try:
            text = self._select_body(select, froms, populate, asfrom or subquery, **kw)
        finally:
            self.stack.pop()
        if toplevel and self._ctes:
            text = self._render_ctes() + text
        return text

    def _select_body(
        self, select: Any, froms: list[Any], populate: bool, label_all: bool, **kw: Any
    ) -> str:
        text = "SELECT "
        text += self._prefixes_text(select._prefixes)
        text += self.get_select_precolumns(select, **kw)
        columns = []
        label_names: dict[str, str] = {}
        labels_in_cols: set[Any] = set()
        for _key, name, col in select._column_naming():
            rendered = self._label_select_column(col, name, label_all, populate, **kw)
            if rendered:
                columns.append(rendered)
            if isinstance(col, Label):
                labels_in_cols.add(col)
                label_names[self._anon(col.name)] = self._anon(col.name)
            elif isinstance(name, str) and not _unlabeled(col, label_all):
                label_names[self._anon(name)] = self._anon(name)
        text += ", ".join(columns)
        if froms:
            text += " \nFROM " + ", ".join(
                self.process(f, asfrom=True, **kw) for f in froms
            )
        else:
            text += self.default_from()
        if select._where_criteria:
            where = self._and(select._where_criteria, **kw)
            if where:
                text += " \nWHERE " + where
        ob_kw = dict(kw, _label_names=label_names, render_label_as_label=labels_in_cols)
        if select._group_by_clauses:
            text += " GROUP BY " + ", ".join(
                self.process(c, **ob_kw) for c in select._group_by_clauses
            )
        if select._having_criteria:
            text += " \nHAVING " + self._and(select._having_criteria, **kw)
        if select._order_by_clauses:
            text += " ORDER BY " + ", ".join(
                self.process(c, **ob_kw) for c in select._order_by_clauses
            )
        text += self._limit_or_fetch(select, **kw)
        if select._for_update_arg is not None:
            text += self.for_update_clause(select, **kw)
        suffixes = self._prefixes_text(select._suffixes)
        if suffixes:
            text += " " + suffixes
        return text

    def _prefixes_text(self, entries: Any) -> str:
        """The prefixes meant for this dialect, each followed by a space."""
        name = self.dialect.name
        return "".join(t + " " for t, d in entries if d == "*" or d == name)

    def _and(self, criteria: Any, **kw: Any) -> str:
        from ..elements import BooleanClauseList

        return self.process(BooleanClauseList.and_(*criteria), **kw)

    def default_from(self) -> str:
        return ""

    def get_select_precolumns(self, select: Any, **kw: Any) -> str:
        if select._distinct_on:
            raise exc.CompileError(
                "DISTINCT ON is supported only by the PostgreSQL dialect"
            )
        return "DISTINCT " if select._distinct else ""

    def _label_select_column(
        self, col: Any, name: str, label_all: bool, populate: bool, **kw: Any
    ) -> str:
        if _unlabeled(col, label_all):
            # -x, NOT x, ~x, DISTINCT x: written without a label (and without
            # using up an anon_N) at the top level, as SQLAlchemy does; rows
            # are matched to columns by position
            text = self.process(col, **kw)
            if populate:
                self._result_columns.append(
                    ResultColumnsEntry(text, text, (col,), col.type)
                )
            return text
        resolved = self._anon(name) if isinstance(name, str) else name
        if isinstance(col, TextClause):
            text = self.process(col, **kw)
            if populate:
                self._result_columns.append(
                    ResultColumnsEntry(text, text, (col, text), col.type)
                )
            return text
        if isinstance(col, Label):
            text = self.process(col, within_columns_clause=True, **kw)
        elif isinstance(col, ColumnClause) and col.is_literal:
            text = self.process(col, **kw)
            if label_all and col._non_anon_label is None and False:
                text += " AS " + self.preparer.quote(resolved)
            if populate:
                self._result_columns.append(
                    ResultColumnsEntry(col.name, col.name, (col, col.name), col.type)
                )
            return text
        elif isinstance(col, ColumnClause) and not label_all and name == col.name:
            text = self.process(col, **kw)

        else:
            text = self.process(col, **kw) + " AS " + self.preparer.quote(resolved)
        if populate:
            objects: tuple[Any, ...] = (col, resolved)
            key = getattr(col, "key", None)
            if key and key != resolved and not isinstance(key, _anonymous_label):
                objects += (key,)
            if isinstance(col, Label):
                objects += (col.element,)
            self._result_columns.append(
                ResultColumnsEntry(resolved, resolved, objects, col.type)
            )
        return text

    def _limit_or_fetch(self, select: Any, **kw: Any) -> str:
        if select._fetch_clause is not None:
            return self.fetch_clause(select, **kw)
        if select._limit_clause is not None or select._offset_clause is not None:
            return self.limit_clause(select, **kw)
        return ""

    def fetch_clause(self, select: Any, **kw: Any) -> str:
        """``OFFSET n ROWS FETCH FIRST m ROWS ONLY`` (SQL:2008) for ``fetch()``."""
        text = ""
        if select._offset_clause is not None:
            offset = self._fetch_operand(select._offset_clause, **kw)
            text += f"\n OFFSET {offset} ROWS"
        opts = select._fetch_clause_options or {}
        count = self._fetch_operand(select._fetch_clause, **kw)
        percent = " PERCENT" if opts.get("percent") else ""
        ending = "WITH TIES" if opts.get("with_ties") else "ONLY"
        return text + f"\n FETCH FIRST {count}{percent} ROWS {ending}"

    def _fetch_operand(self, clause: Any, **kw: Any) -> str:
        """One FETCH / OFFSET operand; PostgreSQL parenthesizes it."""
        return self.process(clause, **kw)

    def limit_clause(self, select: Any, **kw: Any) -> str:
        text = ""
        if select._limit_clause is not None:
            text += "\n LIMIT " + self.process(select._limit_clause, **kw)
        if select._offset_clause is not None:
            if select._limit_clause is None:
                text += "\n LIMIT -1"
            text += " OFFSET " + self.process(select._offset_clause, **kw)
        return text

    def for_update_clause(self, select: Any, **kw: Any) -> str:
        return " FOR UPDATE"

    def visit_compound_select(
        self,
        cs: Any,
        asfrom: bool = False,
        subquery: bool = False,
        nested: bool = False,
        **kw: Any,
    ) -> str:
        toplevel = not self.stack
        kw.pop("compound_index", None)
        self.stack.append(
            {
                "selectable": cs,
                "correlate_froms": [],
                "froms": [],
                "populate_result": toplevel
                or (
                    self.stack
                    and self.stack[-1].get("populate_result")
                    and kw.get("_cs_first")
                ),
            }
        )
        kw.pop("_cs_first", None)
        try:
            parts = []
            for i, s in enumerate(cs.selects):
                inner = self.process(
                    s,
                    compound_index=i,
                    asfrom=asfrom or subquery,
                    _cs_first=(i == 0),
                    **kw,
                )
                if (
                    getattr(s, "_limit_clause", None) is not None
                    or getattr(s, "_fetch_clause", None) is not None
                    or bool(getattr(s, "_order_by_clauses", None))
                    or s.__visit_name__ == "compound_select"
                ):
                    inner = "(" + inner + ")"
                parts.append(inner)
            text = (" " + cs.keyword + " ").join(parts)
            ob_kw = dict(
                kw,
                _label_names={
                    self._anon(n): self._anon(n)
                    for _, n, _ in cs._column_naming()
                    if isinstance(n, str)
                },
            )
            if cs._order_by_clauses:
                text += " ORDER BY " + ", ".join(
                    self.process(c, **ob_kw) for c in cs._order_by_clauses
                )
            text += self._limit_or_fetch(cs, **kw)
        finally:
            self.stack.pop()
        if toplevel and self._ctes:
            text = self._render_ctes() + text
        return text

    def visit_textual_select(self, ts: Any, asfrom: bool = False, **kw: Any) -> str:
        toplevel = not self.stack
        self.stack.append({"selectable": ts, "correlate_froms": [], "froms": []})
        try:
            text = self.process(ts.element, **kw)
        finally:
            self.stack.pop()
        if toplevel or (self.stack and self.stack[-1].get("populate_result")):
            for c in ts.column_args:
                self._result_columns.append(
                    ResultColumnsEntry(c.name, c.name, (c, c.name, c.key), c.type)
                )
        return text


def _no_nested(kw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if k not in ("nested", "asfrom", "subquery")}


def _unlabeled(col: Any, label_all: bool) -> bool:
    """Whether a selected column is written without ``AS label``."""
    return (
        not label_all
        and col.__visit_name__ in ("unary", "as_boolean")
        and col.operator is not None
    )
