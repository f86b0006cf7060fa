"""``GenericTypeCompiler``: the DDL name of each type (``VARCHAR(20)``...)."""

from __future__ import annotations

from typing import Any


class GenericTypeCompiler:
    """Renders type names; dialects override ``visit_<type>`` (mirrors SQLAlchemy)."""

    def __init__(self, dialect: Any) -> None:
        self.dialect = dialect

    def process(self, type_: Any, **kw: Any) -> str:
        variant = getattr(type_, "_variant_mapping", None)
        if variant and getattr(self.dialect, "name", None) in variant:
            type_ = variant[self.dialect.name]
        meth = getattr(self, "visit_" + type_.__visit_name__, None)
        if meth is None:
            from ... import exc

            raise exc.UnsupportedCompilationError(self, type(type_))
        return meth(type_, **kw)  # type: ignore[no-any-return]

    # uppercase (exact names)
    def visit_FLOAT(self, t: Any, **kw: Any) -> str:
        return "FLOAT" if t.precision is None else f"FLOAT({t.precision})"

    def visit_DOUBLE(self, t: Any, **kw: Any) -> str:
        return "DOUBLE"

    def visit_DOUBLE_PRECISION(self, t: Any, **kw: Any) -> str:
        return "DOUBLE PRECISION"

    def visit_REAL(self, t: Any, **kw: Any) -> str:
        return "REAL"

    def _numeric(self, word: str, t: Any) -> str:
        if t.precision is None:
            return word
        if t.scale is None:
            return f"{word}({t.precision})"
        return f"{word}({t.precision}, {t.scale})"

    def visit_NUMERIC(self, t: Any, **kw: Any) -> str:
        return self._numeric("NUMERIC", t)

    def visit_DECIMAL(self, t: Any, **kw: Any) -> str:
        return self._numeric("DECIMAL", t)

    def visit_INTEGER(self, t: Any, **kw: Any) -> str:
        return "INTEGER"

    def visit_SMALLINT(self, t: Any, **kw: Any) -> str:
        return "SMALLINT"

    def visit_BIGINT(self, t: Any, **kw: Any) -> str:
        return "BIGINT"

    def visit_TIMESTAMP(self, t: Any, **kw: Any) -> str:
        return "TIMESTAMP"

    def visit_DATETIME(self, t: Any, **kw: Any) -> str:
        return "DATETIME"

    def visit_DATE(self, t: Any, **kw: Any) -> str:
        return "DATE"

    def visit_TIME(self, t: Any, **kw: Any) -> str:
        return "TIME"

    def visit_CLOB(self, t: Any, **kw: Any) -> str:
        return "CLOB"

    def visit_NCLOB(self, t: Any, **kw: Any) -> str:
        return "NCLOB"

    def _text_with_length(self, word: str, t: Any) -> str:
        text = word
        if getattr(t, "length", None):
            text += f"({t.length})"
        if getattr(t, "collation", None):
            text += f' COLLATE "{t.collation}"'
        return text

    def visit_CHAR(self, t: Any, **kw: Any) -> str:
        return self._text_with_length("CHAR", t)

    def visit_NCHAR(self, t: Any, **kw: Any) -> str:
        return self._text_with_length("NCHAR", t)

    def visit_VARCHAR(self, t: Any, **kw: Any) -> str:
        return self._text_with_length("VARCHAR", t)

    def visit_NVARCHAR(self, t: Any, **kw: Any) -> str:
        return self._text_with_length("NVARCHAR", t)

    def visit_TEXT(self, t: Any, **kw: Any) -> str:
        return self._text_with_length("TEXT", t)

    def visit_UUID(self, t: Any, **kw: Any) -> str:
        return "UUID"

    def visit_BLOB(self, t: Any, **kw: Any) -> str:
        return "BLOB"

    def visit_BINARY(self, t: Any, **kw: Any) -> str:
        return "BINARY" + (f"({t.length})" if t.length else "")

    def visit_VARBINARY(self, t: Any, **kw: Any) -> str:
        return "VARBINARY" + (f"({t.length})" if t.length else "")

    def visit_BOOLEAN(self, t: Any, **kw: Any) -> str:
        return "BOOLEAN"

    def visit_JSON(self, t: Any, **kw: Any) -> str:
        return "JSON"

    def visit_ARRAY(self, t: Any, **kw: Any) -> str:
        return self.process(t.item_type) + "[]"

    # generic -> uppercase
    def visit_large_binary(self, t: Any, **kw: Any) -> str:
        return self.visit_BLOB(t, **kw)

    def visit_boolean(self, t: Any, **kw: Any) -> str:
        return self.visit_BOOLEAN(t, **kw)

    def visit_time(self, t: Any, **kw: Any) -> str:
        return self.visit_TIME(t, **kw)

    def visit_datetime(self, t: Any, **kw: Any) -> str:
        return self.visit_DATETIME(t, **kw)

    def visit_date(self, t: Any, **kw: Any) -> str:
        return self.visit_DATE(t, **kw)

    def visit_big_integer(self, t: Any, **kw: Any) -> str:
        return self.visit_BIGINT(t, **kw)

    def visit_small_integer(self, t: Any, **kw: Any) -> str:
        return self.visit_SMALLINT(t, **kw)

    def visit_integer(self, t: Any, **kw: Any) -> str:
        return self.visit_INTEGER(t, **kw)

    def visit_real(self, t: Any, **kw: Any) -> str:
        return self.visit_REAL(t, **kw)

    def visit_float(self, t: Any, **kw: Any) -> str:
        return self.visit_FLOAT(t, **kw)

    def visit_double(self, t: Any, **kw: Any) -> str:
        return self.visit_DOUBLE(t, **kw)

    def visit_numeric(self, t: Any, **kw: Any) -> str:
        return self.visit_NUMERIC(t, **kw)

    def visit_string(self, t: Any, **kw: Any) -> str:
        return self.visit_VARCHAR(t, **kw)

    def visit_unicode(self, t: Any, **kw: Any) -> str:
        return self.visit_VARCHAR(t, **kw)

    def visit_text(self, t: Any, **kw: Any) -> str:
        return self.visit_TEXT(t, **kw)

    def visit_unicode_text(self, t: Any, **kw: Any) -> str:
        return self.visit_TEXT(t, **kw)

    def visit_enum(self, t: Any, **kw: Any) -> str:
        return self.visit_VARCHAR(t, **kw)

    def visit_interval(self, t: Any, **kw: Any) -> str:
        return "DATETIME"

    def visit_uuid(self, t: Any, **kw: Any) -> str:
        if t.native_uuid and getattr(self.dialect, "supports_native_uuid", False):
            return self.visit_UUID(t, **kw)
        return "CHAR(32)"

    def visit_null(self, t: Any, **kw: Any) -> str:
        from ... import exc

        raise exc.CompileError(
            f"Can't generate DDL for {t!r}; did you forget to specify a type on this "
            "Column?"
        )

    def visit_type_decorator(self, t: Any, **kw: Any) -> str:
        return self.process(t.type_engine(self.dialect), **kw)

    def visit_user_defined(self, t: Any, **kw: Any) -> str:
        return t.get_col_spec(**kw)  # type: ignore[no-any-return]

    def visit_tuple_type(self, t: Any, **kw: Any) -> str:
        from ... import exc

        raise exc.CompileError("A tuple type has no DDL")


class StrSQLTypeCompiler(GenericTypeCompiler):
    """Type compiler of the default (string) dialect: never fails."""

    def process(self, type_: Any, **kw: Any) -> str:
        try:
            return super().process(type_, **kw)
        except Exception:
            return type(type_).__name__.upper()
