"""Identifier quoting: which names need double quotes on a dialect."""

from __future__ import annotations

import re
from typing import Any, Optional

RESERVED_WORDS = frozenset(
    """all analyse analyze and any array as asc asymmetric authorization between
    binary both case cast check collate column constraint create cross
    current_date current_role current_time current_timestamp current_user default
    deferrable desc distinct do else end except false fetch for foreign freeze from
    full grant group having ilike in initially inner intersect into is isnull join
    lateral leading left like limit localtime localtimestamp natural new not notnull
    null off offset old on only or order outer overlaps placing primary references
    returning right select session_user similar some symmetric table then to
    trailing true union unique user using variadic verbose when where window with
    """.split()
)

_LEGAL = re.compile(r"^[A-Z0-9_$]+$", re.I)
_ILLEGAL_INITIAL = set("0123456789$")


class IdentifierPreparer:
    """Quotes identifiers for a dialect (mirrors SQLAlchemy's ``IdentifierPreparer``).

    A name is quoted when it is a reserved word, contains characters other
    than letters, digits, ``_`` and ``$``, starts with a digit or ``$``, or is
    not all lower case (SQL folds unquoted names to lower case).
    """

    reserved_words = RESERVED_WORDS
    legal_characters = _LEGAL
    illegal_initial_characters = _ILLEGAL_INITIAL
    initial_quote = '"'
    final_quote = '"'
    escape_quote = '"'
    escape_to_quote = '""'

    def __init__(
        self,
        dialect: Any = None,
        initial_quote: str = '"',
        final_quote: Optional[str] = None,
        escape_quote: str = '"',
        omit_schema: bool = False,
    ) -> None:
        self.dialect = dialect
        self.initial_quote = initial_quote
        self.final_quote = final_quote or initial_quote
        self.escape_quote = escape_quote
        self.escape_to_quote = escape_quote * 2
        self.omit_schema = omit_schema
        self._strings: dict[str, str] = {}

    def _escape_identifier(self, value: str) -> str:
        return value.replace(self.escape_quote, self.escape_to_quote)

    def quote_identifier(self, value: str) -> str:
        """Always quote ``value``."""
        return self.initial_quote + self._escape_identifier(value) + self.final_quote

    def _requires_quotes(self, value: str) -> bool:
        lc_value = value.lower()
        return (
            lc_value in self.reserved_words
            or value[0] in self.illegal_initial_characters
            or not self.legal_characters.match(value)
            or lc_value != value
        )

    def quote(self, ident: str, force: Any = None) -> str:
        """``ident``, quoted if it needs to be."""
        if getattr(ident, "quote", None) is True:
            return self.quote_identifier(ident)
        try:
            return self._strings[ident]
        except KeyError:
            pass
        if not ident:
            return ident
        result = self.quote_identifier(ident) if self._requires_quotes(ident) else ident
        self._strings[ident] = result
        return result

    def quote_schema(self, schema: str, force: Any = None) -> str:
        return self.quote(schema)

    def format_table(
        self, table: Any, use_schema: bool = True, name: Optional[str] = None
    ) -> str:
        """The table's name, schema-qualified and quoted."""
        if name is None:
            name = table.name
        result = (
            self.quote(name)
            if getattr(table, "quote", None) is not True
            else self.quote_identifier(name)
        )
        schema = getattr(table, "schema", None)
        if use_schema and schema and not self.omit_schema:
            result = self.quote_schema(schema) + "." + result
        return result

    def format_column(
        self,
        column: Any,
        use_table: bool = False,
        name: Optional[str] = None,
        table_name: Optional[str] = None,
        **kw: Any,
    ) -> str:
        if name is None:
            name = column.name
        if getattr(column, "is_literal", False):
            text = name
        elif getattr(column, "quote", None) is True:
            text = self.quote_identifier(name)
        else:
            text = self.quote(name)
        if use_table and column.table is not None:
            text = (
                self.format_table(column.table, use_schema=False, name=table_name)
                + "."
                + text
            )
        return text

    def format_label(self, label: Any, name: Optional[str] = None) -> str:
        return self.quote(name or label.name)

    def format_alias(self, alias: Any, name: Optional[str] = None) -> str:
        return self.quote(name or alias.name)

    def format_constraint(
        self, constraint: Any, name: Optional[str] = None
    ) -> Optional[str]:
        name = name if name is not None else constraint.name
        if name is None:
            return None
        return self.quote(name)

    def format_index(self, index: Any, name: Optional[str] = None) -> Optional[str]:
        return self.format_constraint(index, name)

    def format_sequence(self, sequence: Any, use_schema: bool = True) -> str:
        name = self.quote(sequence.name)
        if use_schema and sequence.schema and not self.omit_schema:
            name = self.quote_schema(sequence.schema) + "." + name
        return name

    def format_type(self, type_: Any, use_schema: bool = True) -> str:
        name = self.quote(type_.name)
        schema = getattr(type_, "schema", None)
        if use_schema and schema and not self.omit_schema:
            name = self.quote_schema(schema) + "." + name
        return name

    def format_schema(self, name: str) -> str:
        return self.quote_schema(name)
