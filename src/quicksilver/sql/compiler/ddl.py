"""``DDLCompiler``: CREATE / DROP for tables, indexes, sequences, schemas."""

from __future__ import annotations

from typing import Any, Optional

from ... import exc
from .base import Compiled


class DDLCompiler(Compiled):
    """Compiles DDL elements (mirrors SQLAlchemy's ``DDLCompiler``)."""

    isddl = True

    def __init__(
        self,
        dialect: Any,
        statement: Any,
        schema_translate_map: Any = None,
        compile_kwargs: Any = None,
        **kw: Any,
    ) -> None:
        self.sql_compiler_instance = dialect.statement_compiler(dialect, None)
        self.bind_processors: dict[str, Any] = {}
        self.result_columns: list[Any] = []
        self._result_columns = self.result_columns
        self.prefetch: list[Any] = []
        self.postfetch: list[Any] = []
        self.column_bind_names: dict[Any, str] = {}
        self.positiontup = [] if getattr(dialect, "positional", False) else None
        self.for_executemany = False
        super().__init__(
            dialect,
            statement,
            schema_translate_map=schema_translate_map,
            compile_kwargs=compile_kwargs,
        )

    @property
    def sql_compiler(self) -> Any:
        return self.sql_compiler_instance

    @property
    def type_compiler(self) -> Any:
        return self.dialect.type_compiler_instance

    def construct_params(
        self, params: Any = None, extracted_parameters: Any = None, **kw: Any
    ) -> dict[str, Any]:
        return {}

    def _render_expanding(self, params: dict[str, Any]) -> Any:
        return self.string, params, self.positiontup

    # -- helpers -------------------------------------------------------------
    def _table_name(self, table: Any) -> str:
        schema = table.schema
        if self.schema_translate_map:
            schema = self.schema_translate_map.get(schema, schema)
        name = self.preparer.quote(table.name)
        if schema:
            return self.preparer.quote_schema(schema) + "." + name
        return name

    def _literal_sql(self, element: Any) -> str:
        comp = self.dialect.statement_compiler(self.dialect, None)
        comp.literal_binds = True
        return comp.process(element, literal_binds=True, include_table=False)  # type: ignore[no-any-return]

    def _name(self, item: Any) -> Optional[str]:
        from ..schema import conv_name

        table = getattr(item, "table", None)
        md = getattr(table, "metadata", None)
        name = conv_name(item, md)
        if name is None:
            return None
        max_len = getattr(self.dialect, "max_identifier_length", None)
        if max_len and len(name) > max_len:
            raise exc.IdentifierError(
                f"Identifier '{name}' exceeds maximum length of {max_len} characters"
            )
        return self.preparer.quote(name)

    # -- DDL elements ----------------------------------------------------------
    def visit_ddl(self, ddl: Any, **kw: Any) -> str:
        context = dict(ddl.context)
        target = getattr(ddl, "target", None)
        if target is not None:
            context.setdefault(
                "table",
                self._table_name(target) if hasattr(target, "c") else str(target),
            )
            context.setdefault(
                "fullname",
                self._table_name(target) if hasattr(target, "c") else str(target),
            )
        return ddl.statement % context if context else ddl.statement  # type: ignore[no-any-return]

    def visit_create_schema(self, create: Any, **kw: Any) -> str:
        text = "CREATE SCHEMA "
        if create.if_not_exists:
            text += "IF NOT EXISTS "
        return text + self.preparer.format_schema(create.element)

    def visit_drop_schema(self, drop: Any, **kw: Any) -> str:
        text = "DROP SCHEMA "
        if drop.if_exists:
            text += "IF EXISTS "
        text += self.preparer.format_schema(drop.element)
        if drop.cascade:
            text += " CASCADE"
        return text

    def visit_create_table(self, create: Any, **kw: Any) -> str:
        table = create.element
        text = "\nCREATE "
        if table._prefixes:
            text += " ".join(table._prefixes) + " "
        text += "TABLE "
        if create.if_not_exists:
            text += "IF NOT EXISTS "
        text += self._table_name(table) + " "
        text += "("
        separator = "\n"
        for col in table.columns:
            if getattr(col, "system", False):
                continue
            line = self.get_column_specification(
                col,
                first_pk=(
                    col.primary_key
                    and table.primary_key.columns_autoinc_first[:1] == [col]
                ),
            )
            if line is not None:
                text += separator + "\t" + line
                separator = ", \n"
        constraints = self.create_table_constraints(table)
        if constraints:
            text += ", \n\t" + constraints
        text += "\n)" + self.post_create_table(table) + "\n\n"
        return text

    def post_create_table(self, table: Any) -> str:
        return ""

    def create_table_constraints(self, table: Any) -> str:
        parts = []
        pk = table.primary_key
        if pk.columns and self._render_pk_constraint(table):
            parts.append(self.process(pk))
        from ..schema import ForeignKeyConstraint

        # foreign keys last, each group in creation order (as SQLAlchemy renders)
        others = sorted(
            (c for c in table.constraints if c is not pk),
            key=lambda c: (isinstance(c, ForeignKeyConstraint), c._qs_order),
        )
        for con in others:
            if getattr(con, "use_alter", False):
                continue
            if getattr(con, "_type_bound", False):
                continue
            rendered = self.process(con)
            if rendered:
                parts.append(rendered)
        return ", \n\t".join(p for p in parts if p)

    def _render_pk_constraint(self, table: Any) -> bool:
        return True

    def visit_drop_table(self, drop: Any, **kw: Any) -> str:
        text = "\nDROP TABLE "
        if drop.if_exists:
            text += "IF EXISTS "
        return text + self._table_name(drop.element)

    def get_column_specification(
        self, column: Any, first_pk: bool = False, **kw: Any
    ) -> str:
        colspec = (
            self.preparer.format_column(column)
            + " "
            + self.dialect.type_compiler_instance.process(
                column.type, type_expression=column
            )
        )
        default = self.get_column_default_string(column)
        if default is not None:
            colspec += " DEFAULT " + default
        if column.computed is not None:
            colspec += " " + self.process(column.computed)
        if column.identity is not None:
            colspec += " " + self.process(column.identity)
        if not column.nullable and column.identity is None:
            colspec += " NOT NULL"
        return colspec

    def get_column_default_string(self, column: Any) -> Optional[str]:
        from ..schema import DefaultClause

        sd = column.server_default
        if isinstance(sd, DefaultClause):
            arg = sd.arg
            if isinstance(arg, str):
                return "'" + arg.replace("'", "''") + "'"
            return self._literal_sql(arg)
        return None

    def visit_computed_column(self, generated: Any, **kw: Any) -> str:
        text = f"GENERATED ALWAYS AS ({self._literal_sql(generated.sqltext)})"
        if generated.persisted is True:
            text += " STORED"
        elif generated.persisted is False:
            text += " VIRTUAL"
        return text

    def visit_identity_column(self, identity: Any, **kw: Any) -> str:
        text = "GENERATED %s AS IDENTITY" % (
            "ALWAYS" if identity.always else "BY DEFAULT"
        )
        opts = []
        if identity.start is not None:
            opts.append(f"START WITH {identity.start}")
        if identity.increment is not None:
            opts.append(f"INCREMENT BY {identity.increment}")
        if opts:
            text += " (" + " ".join(opts) + ")"
        return text

    def _constraint_prefix(self, con: Any) -> str:
        name = self._name(con)
        return f"CONSTRAINT {name} " if name is not None else ""

    def _deferrable(self, con: Any) -> str:
        text = ""
        if con.deferrable is not None:
            text += " DEFERRABLE" if con.deferrable else " NOT DEFERRABLE"
        if con.initially is not None:
            text += f" INITIALLY {con.initially}"
        return text

    def visit_primary_key_constraint(self, con: Any, **kw: Any) -> str:
        if not len(con):
            return ""
        cols = con.columns_autoinc_first if False else list(con.columns)
        return (
            self._constraint_prefix(con)
            + "PRIMARY KEY ("
            + ", ".join(self.preparer.quote(c.name) for c in cols)
            + ")"
            + self._deferrable(con)
        )

    def visit_unique_constraint(self, con: Any, **kw: Any) -> str:
        if not len(con):
            return ""
        return (
            self._constraint_prefix(con)
            + "UNIQUE ("
            + ", ".join(self.preparer.quote(c.name) for c in con.columns)
            + ")"
            + self._deferrable(con)
        )

    def visit_check_constraint(self, con: Any, **kw: Any) -> str:
        return (
            self._constraint_prefix(con)
            + "CHECK ("
            + self._literal_sql(con.sqltext)
            + ")"
            + self._deferrable(con)
        )

    def visit_foreign_key_constraint(self, con: Any, **kw: Any) -> str:
        remote = con.elements[0].column.table
        text = self._constraint_prefix(con)
        text += (
            "FOREIGN KEY("
            + ", ".join(self.preparer.quote(fk.parent.name) for fk in con.elements)
            + ") REFERENCES "
        )
        text += (
            self._table_name(remote)
            + " ("
            + ", ".join(self.preparer.quote(fk.column.name) for fk in con.elements)
            + ")"
        )
        if con.match is not None:
            text += f" MATCH {con.match}"
        if con.ondelete is not None:
            text += f" ON DELETE {con.ondelete}"
        if con.onupdate is not None:
            text += f" ON UPDATE {con.onupdate}"
        return text + self._deferrable(con)

    def visit_add_constraint(self, create: Any, **kw: Any) -> str:
        table = self._table_name(create.element.table)
        return f"ALTER TABLE {table} ADD {self.process(create.element)}"

    def visit_drop_constraint(self, drop: Any, **kw: Any) -> str:
        name = self._name(drop.element)
        if name is None:
            raise exc.CompileError(
                f"Can't emit DROP CONSTRAINT for constraint {drop.element!r}; it has "
                "no name"
            )
        text = f"ALTER TABLE {self._table_name(drop.element.table)} DROP CONSTRAINT "
        if drop.if_exists:
            text += "IF EXISTS "
        text += name
        if drop.cascade:
            text += " CASCADE"
        return text

    def _index_name(self, index: Any) -> str:
        name = self._name(index)
        if name is None:
            raise exc.CompileError("CREATE INDEX requires that the index have a name")
        return name

    def visit_create_index(
        self, create: Any, include_schema: bool = False, **kw: Any
    ) -> str:
        index = create.element
        text = "CREATE "
        if index.unique:
            text += "UNIQUE "
        text += "INDEX "
        if create.if_not_exists:
            text += "IF NOT EXISTS "
        name = self._index_name(index)
        schema = index.table.schema
        if include_schema and schema:
            name = self.preparer.quote_schema(schema) + "." + name
        text += "{} ON {} ({})".format(
            name,
            self._table_name(index.table),
            ", ".join(self._index_expr(e) for e in index.expressions),
        )
        return text + self.post_create_index(index)

    def _index_expr(self, expr: Any) -> str:
        if (
            getattr(expr, "__visit_name__", None) == "column"
            and getattr(expr, "table", None) is not None
            and not expr.is_literal
        ):
            return self.preparer.quote(expr.name)
        return self._literal_sql(expr)

    def post_create_index(self, index: Any) -> str:
        return ""

    def visit_drop_index(self, drop: Any, **kw: Any) -> str:
        index = drop.element
        text = "\nDROP INDEX "
        if drop.if_exists:
            text += "IF EXISTS "
        name = self._index_name(index)
        schema = index.table.schema
        if schema:
            name = self.preparer.quote_schema(schema) + "." + name
        return text + name

    def visit_create_sequence(self, create: Any, **kw: Any) -> str:
        seq = create.element
        text = "CREATE SEQUENCE "
        if create.if_not_exists:
            text += "IF NOT EXISTS "
        text += self.preparer.format_sequence(seq)
        if seq.increment is not None:
            text += f" INCREMENT BY {seq.increment}"
        if seq.start is not None:
            text += f" START WITH {seq.start}"
        if seq.minvalue is not None:
            text += f" MINVALUE {seq.minvalue}"
        if seq.maxvalue is not None:
            text += f" MAXVALUE {seq.maxvalue}"
        if seq.cache is not None:
            text += f" CACHE {seq.cache}"
        if seq.cycle:
            text += " CYCLE"
        return text

    def visit_drop_sequence(self, drop: Any, **kw: Any) -> str:
        text = "DROP SEQUENCE "
        if drop.if_exists:
            text += "IF EXISTS "
        return text + self.preparer.format_sequence(drop.element)

    def visit_set_table_comment(self, create: Any, **kw: Any) -> str:
        return "COMMENT ON TABLE {} IS {}".format(
            self._table_name(create.element),
            "'" + create.element.comment.replace("'", "''") + "'",
        )

    def visit_drop_table_comment(self, drop: Any, **kw: Any) -> str:
        return f"COMMENT ON TABLE {self._table_name(drop.element)} IS NULL"

    def visit_set_column_comment(self, create: Any, **kw: Any) -> str:
        col = create.element
        return "COMMENT ON COLUMN {}.{} IS {}".format(
            self._table_name(col.table),
            self.preparer.quote(col.name),
            "'" + col.comment.replace("'", "''") + "'",
        )
