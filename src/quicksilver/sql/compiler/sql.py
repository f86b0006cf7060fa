"""``SQLCompiler``: renders expressions and statements to SQL text.

FROM clauses and SELECT live in ``select.py``, INSERT/UPDATE/DELETE in
``crud.py`` (both mixed in), DDL in
``ddl.py``, type names in ``types.py``.  Dialects subclass and override the
``visit_*`` methods that differ.
"""

from __future__ import annotations

from typing import Any

from ... import exc
from .. import operators as ops
from ..elements import (
    _ANON_RE,
    BindParameter,
    ColumnClause,
    Label,
    TextClause,
    _anonymous_label,
)
from .base import BindCompiledMixin, ResultColumnsEntry
from .crud import CrudMixin
from .select import SelectCompilerMixin

OPERATORS: dict[Any, str] = {
    ops.and_: " AND ",
    ops.or_: " OR ",
    ops.add: " + ",
    ops.mul: " * ",
    ops.sub: " - ",
    ops.truediv: " / ",
    ops.floordiv: " / ",
    ops.mod: " % ",
    ops.neg: "-",
    ops.lt: " < ",
    ops.le: " <= ",
    ops.ne: " != ",
    ops.gt: " > ",
    ops.ge: " >= ",
    ops.eq: " = ",
    ops.is_distinct_from: " IS DISTINCT FROM ",
    ops.is_not_distinct_from: " IS NOT DISTINCT FROM ",
    ops.concat_op: " || ",
    ops.like_op: " LIKE ",
    ops.not_like_op: " NOT LIKE ",
    ops.in_op: " IN ",
    ops.not_in_op: " NOT IN ",
    ops.comma_op: ", ",
    ops.is_: " IS ",
    ops.is_not: " IS NOT ",
    ops.collate: " COLLATE ",
    ops.exists: "EXISTS ",
    ops.distinct_op: "DISTINCT ",
    ops.inv: "NOT ",
    ops.any_op: "ANY ",
    ops.all_op: "ALL ",
    ops.desc_op: " DESC",
    ops.asc_op: " ASC",
    ops.nulls_first_op: " NULLS FIRST",
    ops.nulls_last_op: " NULLS LAST",
    ops.bitwise_and_op: " & ",
    ops.bitwise_or_op: " | ",
    ops.bitwise_xor_op: " ^ ",
    ops.bitwise_not_op: "~",
    ops.bitwise_lshift_op: " << ",
    ops.bitwise_rshift_op: " >> ",
    ops.between_op: " BETWEEN ",
    ops.not_between_op: " NOT BETWEEN ",
    ops.regexp_match_op: " REGEXP ",
}

_ANSI_FUNCTIONS = {
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "localtime",
    "localtimestamp",
    "session_user",
    "user",
}


class SQLCompiler(CrudMixin, SelectCompilerMixin, BindCompiledMixin):
    """Compiles SQL expressions and statements (mirrors SQLAlchemy's
    ``SQLCompiler``)."""

    ansi_bind_rules = False
    #: render ``::TYPE`` after typed binds (see ``bind_cast_suffix``)
    _render_bind_casts = False

    def __init__(
        self,
        dialect: Any,
        statement: Any,
        cache_key: Any = None,
        column_keys: Any = None,
        for_executemany: bool = False,
        linting: Any = None,
        schema_translate_map: Any = None,
        compile_kwargs: Any = None,
        for_implicit_returning: bool = True,
        **kw: Any,
    ) -> None:
        self.cache_key = cache_key
        self.column_keys = column_keys
        self.for_executemany = for_executemany
        self.for_implicit_returning = for_implicit_returning
        self.binds: dict[str, Any] = {}
        self.bind_names: dict[Any, str] = {}
        self.stack: list[dict[str, Any]] = []
        self.paramstyle = dialect.paramstyle
        self.positional = bool(getattr(dialect, "positional", False))
        self._result_columns: list[ResultColumnsEntry] = []
        self.prefetch: list[tuple[str, Any, bool]] = []
        self.insert_prefetch: list[Any] = []
        self.update_prefetch: list[Any] = []
        self.postfetch: list[Any] = []
        self.returning = None
        self.implicit_returning = None
        self.column_bind_names: dict[Any, str] = {}
        self._anon_map: dict[tuple[str, str], str] = {}
        self._anon_counters: dict[str, int] = {}
        self._ctes: dict[Any, str] = {}
        self._cte_recursive = False
        self._expanding_names: list[str] = []
        self._expanding_empty: dict[str, str] = {}
        self._expanding_tuple: dict[str, bool] = {}
        self._expanding_casts: dict[str, str] = {}
        self._has_expanding = False
        self._pct = "%%" if self.paramstyle in ("pyformat", "format") else "%"
        self._native_boolean = getattr(dialect, "supports_native_boolean", True)
        compile_kwargs = dict(compile_kwargs or {})
        self.literal_binds = bool(compile_kwargs.get("literal_binds"))
        super().__init__(
            dialect,
            statement,
            schema_translate_map=schema_translate_map,
            compile_kwargs=compile_kwargs,
        )
        if self.positional:
            self.string = self._finalize_positional(self.string)
        self._build_bind_infos()
        if compile_kwargs.get("render_postcompile") and self._has_expanding:
            params = self.construct_params(_check=False)
            self.string, _, self.positiontup = self._render_expanding(params)

    # -- contract -----------------------------------------------------------
    @property
    def result_columns(self) -> list[ResultColumnsEntry]:
        return self._result_columns

    @property
    def bind_processors(self) -> dict[str, Any]:
        """Rendered bind name -> processor, for binds whose type has one."""
        try:
            return self.__dict__["_qs_bind_processors"]  # type: ignore[no-any-return]
        except KeyError:
            pass
        procs: dict[str, Any] = {}
        for bind, name in self.bind_names.items():
            if name in procs:
                continue
            # the name a bad value's error shows: the column's key when the
            # bind stands for a column under a generated name
            key = bind.__dict__.get("_qs_column_key") or (
                bind._orig_key if not bind._is_crud else bind.key
            )
            proc = bind.type._named_bind_processor(self.dialect, key)
            if proc is None:
                continue
            if bind.expanding:
                proc = _expanding_proc(
                    proc, self._expanding_tuple.get(name), bind.type, self.dialect, key
                )
            procs[name] = proc
        self.__dict__["_qs_bind_processors"] = procs
        return procs

    @property
    def current_executable(self) -> Any:
        return self.stack[-1]["selectable"] if self.stack else self.statement

    # -- helpers --------------------------------------------------------------
    def _anon(self, name: str) -> str:
        """Resolve anonymous ``%(seed base)s`` parts of ``name`` to ``base_N``."""
        if not isinstance(name, _anonymous_label):
            return name

        def repl(m: Any) -> str:
            key = (m.group(1), m.group(2))
            found = self._anon_map.get(key)
            if found is None:
                base = m.group(2)
                n = self._anon_counters.get(base, 0) + 1
                self._anon_counters[base] = n
                found = self._anon_map[key] = f"{base}_{n}"
            return found

        return _ANON_RE.sub(repl, name)

    def bindparam_string(self, name: str, expanding: bool = False, **kw: Any) -> str:
        if expanding:
            self._has_expanding = True
            if self.positional:
                return f"\x01~{name}\x02"
            return f"__[POSTCOMPILE_{name}]"
        if self.positional:
            return f"\x01{name}\x02"
        if self.paramstyle == "pyformat":
            return f"%({name})s"
        return f":{name}"

    def escape_literal_column(self, text: str) -> str:
        if self._pct == "%%":
            return text.replace("%", "%%")
        return text

    def render_literal_value(self, value: Any, type_: Any) -> str:
        """``value`` as SQL literal text, via the type's literal processor."""
        if value is None:
            return "NULL"
        if type_._is_null_type:
            from ..sqltypes import _resolve_value_to_type

            type_ = _resolve_value_to_type(value)
            if type_._is_null_type:
                raise exc.CompileError(
                    "No literal value renderer is available for literal value "
                    f"{value!r} "
                    f"with datatype {type_!r}"
                )
        proc = type_._cached_literal_processor(self.dialect)
        if proc is None:
            raise exc.CompileError(
                f"No literal value renderer is available for literal value {value!r} "
                f"with datatype {type_!r}"
            )
        text = proc(value)
        return self.escape_literal_column(text) if isinstance(text, str) else str(text)

    # -- leaves -----------------------------------------------------------------
    def visit_bindparam(
        self,
        bindparam: BindParameter,
        literal_binds: bool = False,
        literal_execute: bool = False,
        **kw: Any,
    ) -> str:
        if literal_binds or self.literal_binds or bindparam.literal_execute and False:
            if (
                bindparam.value is None
                and bindparam.callable is None
                and bindparam.required
            ):
                raise exc.CompileError(
                    f"Bind parameter '{bindparam.key}' without a renderable value not "
                    "allowed here."
                )
            value = bindparam.effective_value
            if bindparam.expanding:
                if not value:
                    return self._empty_set_expr(bindparam.type)
                if self._is_tuple_type(bindparam.type):
                    return ", ".join(
                        "("
                        + ", ".join(
                            self.render_literal_value(v, t)
                            for v, t in zip(row, _tuple_types(bindparam), strict=False)
                        )
                        + ")"
                        for row in value
                    )
                return ", ".join(
                    self.render_literal_value(v, bindparam.type) for v in value
                )
            return self.render_literal_value(value, bindparam.type)
        name = self._anon(bindparam.key)
        existing = self.binds.get(name)
        if existing is not None and existing is not bindparam:
            if (
                (existing._is_crud or bindparam._is_crud)
                and not (existing._is_crud and bindparam._is_crud)
                and not existing.unique
                and not bindparam.unique
            ):
                raise exc.CompileError(
                    f"bindparam() name '{bindparam.key}' is reserved for automatic "
                    "usage in "
                    "the VALUES or SET clause of this insert/update statement.   "
                    "Please use "
                    "a name other than column name when using bindparam() with "
                    "insert() or "
                    "update() (for example, 'b_" + bindparam.key + "')."
                )
            if existing.unique or bindparam.unique:
                raise exc.CompileError(
                    f"Bind parameter '{name}' conflicts with unique bind parameter of "
                    "the "
                    "same name"
                )
        self.binds[name] = bindparam
        self.bind_names[bindparam] = name
        if bindparam.expanding:
            if name not in self._expanding_empty:
                self._expanding_names.append(name)
                self._expanding_empty[name] = self._empty_set_expr(bindparam.type)
                is_tuple = self._is_tuple_type(bindparam.type)
                self._expanding_tuple[name] = is_tuple
                if self._render_bind_casts and not is_tuple:
                    cast = self.bind_cast_suffix(bindparam.type)
                    if cast:
                        self._expanding_casts[name] = cast
            return self.bindparam_string(name, expanding=True)
        if self._render_bind_casts:
            return self.bindparam_string(name) + self.bind_cast_suffix(bindparam.type)
        return self.bindparam_string(name)

    def bind_cast_suffix(self, type_: Any) -> str:
        """``::TYPE`` written after a bound parameter, or ``""``.

        Only compilers whose driver binds server-side (PostgreSQL with
        psycopg 3 / asyncpg) set ``_render_bind_casts``; they override this
        to say which types need the server told (SQLAlchemy's
        ``render_bind_cast``).
        """
        return ""

    def _is_tuple_type(self, type_: Any) -> bool:
        from ..sqltypes import TupleType

        return isinstance(type_, TupleType)

    def _empty_set_expr(self, type_: Any) -> str:
        if self._is_tuple_type(type_):
            return "SELECT {} FROM (SELECT 1) WHERE 1!=1".format(
                ", ".join("1" for _ in type_.types)
            )
        return "SELECT 1 FROM (SELECT 1) WHERE 1!=1"

    def visit_textclause(
        self, textclause: TextClause, add_to_result_map: Any = None, **kw: Any
    ) -> str:
        binds = textclause._bindparams

        def repl(m: Any) -> str:
            name = m.group(1)
            bind = binds.get(name)
            if bind is None:
                return m.group(0)
            return self.process(bind, **kw)

        text = (
            self.escape_literal_column(textclause.text)
            if self._pct == "%%"
            else textclause.text
        )
        if not self.stack and self.statement is textclause:
            self.isplaintext = True
        out = textclause._bind_re.sub(repl, text)
        return out.replace("\\:", ":")

    def visit_null(self, expr: Any, **kw: Any) -> str:
        return "NULL"

    def visit_true(self, expr: Any, **kw: Any) -> str:
        return "true" if self._native_boolean else "1"

    def visit_false(self, expr: Any, **kw: Any) -> str:
        return "false" if self._native_boolean else "0"

    def visit_empty_boolean(self, expr: Any, **kw: Any) -> str:
        return ""

    def visit_percent_literal(self, expr: Any, **kw: Any) -> str:
        return "'" + self._pct + "'"

    def visit_concat_pattern(self, expr: Any, **kw: Any) -> str:
        return " || ".join(self.process(c, **kw) for c in expr.clauses.clauses)

    def visit_collation(self, element: Any, **kw: Any) -> str:
        return (
            self.preparer.quote_identifier(element.collation)
            if not element.collation.isidentifier() or True
            else element.collation
        )

    def visit_label_reference(
        self, element: Any, within_columns_clause: bool = False, **kw: Any
    ) -> str:
        names = kw.get("_label_names") or {}
        if element.name in names:
            return self.preparer.quote(names[element.name])
        raise exc.CompileError(
            "Can't resolve label reference for ORDER BY / GROUP BY / DISTINCT etc. "
            f"Textual SQL expression {element.name!r} should be explicitly declared as "
            f"text({element.name!r})"
        )

    def visit_column(
        self,
        column: ColumnClause,
        add_to_result_map: Any = None,
        include_table: bool = True,
        **kw: Any,
    ) -> str:
        name = self._anon(column.name)
        if column.is_literal:
            name = self.escape_literal_column(name)
        else:
            name = (
                self.preparer.quote(name)
                if getattr(column, "quote", None) is not True
                else self.preparer.quote_identifier(name)
            )
        table = column.table
        if table is None or not include_table or not table.named_with_column:
            return name
        tname = self._anon(table.name)
        schema = getattr(table, "schema", None) if table._is_table else None
        if self.schema_translate_map and table._is_table:
            schema = self.schema_translate_map.get(schema, schema)
        prefix = self.preparer.quote(tname)
        if schema:
            prefix = self.preparer.quote_schema(schema) + "." + prefix
        return prefix + "." + name

    # -- composite expressions -----------------------------------------------
    def visit_grouping(self, grouping: Any, asfrom: bool = False, **kw: Any) -> str:
        return "(" + self.process(grouping.element, **kw) + ")"

    def visit_clauselist(self, clauselist: Any, **kw: Any) -> str:
        sep = OPERATORS.get(clauselist.operator, ", ")
        return sep.join(
            s for s in (self.process(c, **kw) for c in clauselist.clauses) if s
        )

    def visit_expression_clauselist(self, clauselist: Any, **kw: Any) -> str:
        return self.visit_clauselist(clauselist, **kw)

    def visit_tuple(self, clauselist: Any, **kw: Any) -> str:
        return "(" + self.visit_clauselist(clauselist, **kw) + ")"

    def visit_binary(self, binary: Any, **kw: Any) -> str:
        op = binary.operator
        special = _BINARY_SPECIAL.get(op)
        if special is not None:
            return getattr(self, special)(binary, op, **kw)  # type: ignore[no-any-return]
        if isinstance(op, ops.custom_op):
            opstring = " " + self.escape_literal_column(op.opstring) + " "
        else:
            try:
                opstring = OPERATORS[op]
            except KeyError:
                raise exc.UnsupportedCompilationError(self, op) from None
            if op is ops.mod:
                opstring = f" {self._pct} "
        return (
            self.process(binary.left, **kw)
            + opstring
            + self.process(binary.right, **kw)
        )

    def _like_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        escape = binary.modifiers.get("escape")
        text = (
            self.process(binary.left, **kw)
            + OPERATORS[op]
            + self.process(binary.right, **kw)
        )
        if escape is not None:
            text += " ESCAPE " + self.render_literal_value(escape, _string_type())
        return text

    def _ilike_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        escape = binary.modifiers.get("escape")
        word = " LIKE " if op is ops.ilike_op else " NOT LIKE "
        left = "lower(" + self.process(binary.left, **kw) + ")"
        right = binary.right
        if right.__visit_name__ == "concat_pattern":
            parts = []
            for c in right.clauses.clauses:
                text = self.process(c, **kw)
                if c.__visit_name__ != "percent_literal":
                    text = "lower(" + text + ")"
                parts.append(text)
            rtext = " || ".join(parts)
        else:
            rtext = "lower(" + self.process(right, **kw) + ")"
        text = left + word + rtext
        if escape is not None:
            text += " ESCAPE " + self.render_literal_value(escape, _string_type())
        return text

    def _between_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        word = OPERATORS[op]
        if binary.modifiers.get("symmetric"):
            word += "SYMMETRIC "
        pair = binary.right
        return (
            self.process(binary.left, **kw)
            + word
            + self.process(pair.clauses[0], **kw)
            + " AND "
            + self.process(pair.clauses[1], **kw)
        )

    def _in_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        right = binary.right
        left = self.process(binary.left, **kw)
        word = OPERATORS[op]
        if isinstance(right, BindParameter) and right.expanding:
            return left + word + "(" + self.process(right, **kw) + ")"
        return left + word + self.process(right, **kw)

    def _getitem_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        raise exc.UnsupportedCompilationError(
            self,
            type(binary.left.type),
            "index access needs a dialect that supports it",
        )

    def _json_getitem_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        raise exc.UnsupportedCompilationError(
            self, type(binary.left.type), "JSON index access needs a dialect"
        )

    def _bitwise_xor_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        return (
            self.process(binary.left, **kw) + " ^ " + self.process(binary.right, **kw)
        )

    def _regexp_binary(self, binary: Any, op: Any, **kw: Any) -> str:
        return (
            self.process(binary.left, **kw)
            + " REGEXP "
            + self.process(binary.right, **kw)
        )

    def visit_unary(self, unary: Any, **kw: Any) -> str:
        text = self.process(unary.element, **kw)
        if unary.operator is not None:
            if (
                unary.operator is ops.inv
                and unary.element.__class__.__name__ == "Grouping"
            ):
                text = "NOT " + text
            else:
                text = OPERATORS[unary.operator] + text
        if unary.modifier is not None:
            text = text + OPERATORS[unary.modifier]
        return text

    def visit_as_boolean(self, element: Any, **kw: Any) -> str:
        inner = self.process(element.element, **kw)
        if self._native_boolean:
            return inner if element.operator is ops.is_true else "NOT " + inner
        return inner + (" = 1" if element.operator is ops.is_true else " = 0")

    def visit_label(
        self,
        label: Label,
        within_columns_clause: bool = False,
        render_label_as_label: Any = None,
        **kw: Any,
    ) -> str:
        name = self._anon(label.name)
        if within_columns_clause:
            return (
                self.process(label.element, **kw) + " AS " + self.preparer.quote(name)
            )
        if render_label_as_label is not None and label in render_label_as_label:
            return self.preparer.quote(name)
        return self.process(label.element, **kw)

    def visit_cast(self, cast: Any, **kw: Any) -> str:
        inner = self.process(cast.clause, **kw)
        return f"CAST({inner} AS {self.process(cast.typeclause, **kw)})"

    def visit_typeclause(self, typeclause: Any, **kw: Any) -> str:
        return self.dialect.type_compiler_instance.process(typeclause.type)  # type: ignore[no-any-return]

    def visit_type_coerce(self, element: Any, **kw: Any) -> str:
        return self.process(element.clause, **kw)

    def visit_case(self, case: Any, **kw: Any) -> str:
        text = "CASE "
        if case.value is not None:
            text += self.process(case.value, **kw) + " "
        for cond, result in case.whens:
            text += (
                "WHEN "
                + self.process(cond, **kw)
                + " THEN "
                + self.process(result, **kw)
                + " "
            )
        if case.else_ is not None:
            text += "ELSE " + self.process(case.else_, **kw) + " "
        return text + "END"

    def visit_extract(self, extract: Any, **kw: Any) -> str:
        return f"EXTRACT({extract.field} FROM {self.process(extract.expr, **kw)})"

    def visit_over(self, over: Any, **kw: Any) -> str:
        parts = []
        if over.partition_by:
            parts.append(
                "PARTITION BY "
                + ", ".join(self.process(c, **kw) for c in over.partition_by)
            )
        if over.order_by:
            parts.append(
                "ORDER BY " + ", ".join(self.process(c, **kw) for c in over.order_by)
            )
        for word, rng in (("RANGE", over.range_), ("ROWS", over.rows)):
            if rng is not None:
                parts.append(
                    f"{word} BETWEEN {_frame(rng[0], True)} AND {_frame(rng[1], False)}"
                )
        return "{} OVER ({})".format(self.process(over.element, **kw), " ".join(parts))

    def visit_funcfilter(self, ff: Any, **kw: Any) -> str:
        fn = self.process(ff.func, **kw)
        return f"{fn} FILTER (WHERE {self.process(ff.criterion, **kw)})"

    def visit_withingroup(self, wg: Any, **kw: Any) -> str:
        return "{} WITHIN GROUP (ORDER BY {})".format(
            self.process(wg.element, **kw),
            ", ".join(self.process(o, **kw) for o in wg.order_by),
        )

    def visit_function(
        self, func: Any, add_to_result_map: Any = None, **kw: Any
    ) -> str:
        meth = getattr(self, f"visit_{func.name.lower()}_func", None)
        if meth is not None:
            return meth(func, **kw)  # type: ignore[no-any-return]
        name = func.name
        if (
            not name.replace("_", "").isalnum()
            or name.lower() != name
            and self.preparer._requires_quotes(name.lower())
        ):
            name = self.preparer.quote(name)
        pkg = "".join(self.preparer.quote(p) + "." for p in func.packagenames)
        if name.lower() in _ANSI_FUNCTIONS and not func._has_args:
            return pkg + name.upper()
        return pkg + name + "(" + self.process(func.clause_expr, **kw) + ")"

    def visit_ansi_function(self, func: Any, **kw: Any) -> str:
        if func._has_args:
            return func.name + "(" + self.process(func.clause_expr, **kw) + ")"
        return func.name.upper()

    def visit_next_value(self, func: Any, **kw: Any) -> str:
        raise exc.CompileError(
            f"Dialect '{self.dialect.name}' does not support sequence increments."
        )

    def visit_in_subquery(self, element: Any, **kw: Any) -> str:
        return "(" + self._compile_nested_select(element.element, **kw) + ")"

    def visit_scalar_select(self, element: Any, **kw: Any) -> str:
        return "(" + self._compile_nested_select(element.element, **kw) + ")"

    def visit_exists(self, element: Any, **kw: Any) -> str:
        return "EXISTS " + self.process(element.element, **kw)

    def _compile_nested_select(self, select: Any, **kw: Any) -> str:
        kw.pop("asfrom", None)
        kw.pop("within_columns_clause", None)
        kw.pop("add_to_result_map", None)
        return self.process(select, asfrom=False, nested=True, **kw)

    # -- FROM elements ------------------------------------------------------


def _frame(value: Any, lower: bool) -> str:
    if value is None:
        return "UNBOUNDED PRECEDING" if lower else "UNBOUNDED FOLLOWING"
    if value == 0:
        return "CURRENT ROW"
    if value < 0:
        return f"{-value} PRECEDING"
    return f"{value} FOLLOWING"


def _tuple_types(bindparam: BindParameter) -> list[Any]:
    """The element types of a tuple-IN bind (its type is a ``TupleType``)."""
    return list(getattr(bindparam.type, "types", ()))


def _string_type() -> Any:
    from ..sqltypes import String

    return String()


def _expanding_proc(
    proc: Any, is_tuple: Any, type_: Any, dialect: Any, key: Any
) -> Any:
    if is_tuple:
        procs = [t._named_bind_processor(dialect, key) for t in type_.types]

        def process_rows(values: Any) -> Any:
            return [
                tuple(
                    p(v) if p is not None else v
                    for p, v in zip(procs, row, strict=False)
                )
                for row in values
            ]

        return process_rows

    def process(values: Any) -> Any:
        return [proc(v) for v in values]

    return process


_BINARY_SPECIAL: dict[Any, str] = {
    ops.like_op: "_like_binary",
    ops.not_like_op: "_like_binary",
    ops.ilike_op: "_ilike_binary",
    ops.not_ilike_op: "_ilike_binary",
    ops.between_op: "_between_binary",
    ops.not_between_op: "_between_binary",
    ops.in_op: "_in_binary",
    ops.not_in_op: "_in_binary",
    ops.getitem: "_getitem_binary",
    ops.json_getitem_op: "_json_getitem_binary",
    ops.json_path_getitem_op: "_json_getitem_binary",
    ops.regexp_match_op: "_regexp_binary",
    ops.bitwise_xor_op: "_bitwise_xor_binary",
}
