"""Named and textual expression nodes: ``text()``, labels, named columns
(``column()``, ``literal_column()``) and COLLATE.

Part of ``quicksilver.sql.elements`` (the facade re-exporting every name);
split out by concept.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional, Sequence

from .. import exc
from . import operators as ops
from ._elements_base import (
    BindParameter,
    ClauseElement,
    ColumnElement,
    Grouping,
    _anon_key,
    _anonymous_label,
    _null_type,
)
from .type_api import to_instance


class TextClause(ColumnElement):
    """Literal SQL text with ``:name`` bind markers (mirrors ``text()``)."""

    __visit_name__ = "textclause"
    _is_textual = True
    supports_execution = True
    _bind_re = re.compile(r"(?<![:\w\x5c]):(\w+)(?!:)", re.UNICODE)
    key = None
    _allow_label_resolve = False

    def __init__(self, text: str) -> None:
        self._bindparams: dict[str, BindParameter] = {}
        for name in self._bind_re.findall(text):
            self._bindparams[name] = BindParameter(name, required=True)
        self.text = text
        self.type = _null_type()

    @property
    def _select_iterable(self) -> Sequence[Any]:
        return (self,)

    @property
    def selected_columns(self) -> Any:
        from .base import ColumnCollection

        return ColumnCollection()

    def bindparams(self, *binds: BindParameter, **names_to_values: Any) -> "TextClause":
        """Give values or types to the text's ``:name`` parameters."""
        new = self._clone()
        new._bindparams = dict(self._bindparams)  # type: ignore[attr-defined]
        for bind in binds:
            if bind.key not in new._bindparams:  # type: ignore[attr-defined]
                raise exc.ArgumentError(
                    "This text() construct doesn't define a bound parameter named "
                    f"{bind.key!r}"
                )
            new._bindparams[bind.key] = bind  # type: ignore[attr-defined]
        for key, value in names_to_values.items():
            try:
                existing = new._bindparams[key]  # type: ignore[attr-defined]
            except KeyError:
                raise exc.ArgumentError(
                    "This text() construct doesn't define a bound parameter named "
                    f"{key!r}"
                ) from None
            new._bindparams[key] = existing._with_value(value)  # type: ignore[attr-defined]
        return new  # type: ignore[return-value]

    def columns(self, *cols: Any, **types: Any) -> Any:
        """A ``TextualSelect`` naming the columns this text returns."""
        from .select import TextualSelect

        positional = []
        for c in cols:
            if isinstance(c, ColumnElement):
                positional.append(c)
            else:
                positional.append(ColumnClause(str(c), types.pop(str(c), None)))
        for name, type_ in types.items():
            positional.append(ColumnClause(name, type_))
        return TextualSelect(self, positional)

    def self_group(self, against: Any = None) -> ClauseElement:
        if against is ops.in_op:
            return Grouping(self)
        return self

    def execution_options(self, **kw: Any) -> "TextClause":
        new = self._clone()
        new._execution_options = dict(self._execution_options, **kw)
        return new  # type: ignore[return-value]

    def get_execution_options(self) -> Any:
        return self._execution_options

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        parts = []
        for b in self._bindparams.values():
            k = b._gen_cache_key(anon_map, binds)
            if k is None:
                return None
            parts.append(k)
        return ("text", self.text, tuple(parts))

    def __repr__(self) -> str:
        return f"<TextClause {self.text[:40]!r}>"


class Label(ColumnElement):
    """``expr AS name`` (made by ``expr.label(name)``)."""

    __visit_name__ = "label"

    def __init__(self, name: Optional[str], element: Any, type_: Any = None) -> None:
        from .coercions import expect_column

        element = expect_column(element)
        while isinstance(element, Label):
            element = element.element
        if name is None:
            name = _anonymous_label.make(
                id(self), getattr(element, "name", None) or "anon"
            )
        self.name = self.key = self._proxy_key = name
        self._element = element
        self.type = to_instance(type_) if type_ is not None else element.type

    @property
    def element(self) -> Any:
        return self._element

    def get_children(self, **kw: Any) -> Iterable[Any]:
        return (self._element,)

    @property
    def _from_objects(self) -> list[Any]:
        return self._element._from_objects  # type: ignore[no-any-return]

    @property
    def _non_anon_label(self) -> Optional[str]:
        return self.name

    @property
    def _order_by_label_element(self) -> Any:
        return self

    def self_group(self, against: Any = None) -> ClauseElement:
        return self

    def _negate(self) -> ClauseElement:
        return Label(self.name, self._element._negate(), self.type)

    @property
    def primary_key(self) -> bool:  # type: ignore[override]
        return bool(getattr(self._element, "primary_key", False))

    def _make_proxy(
        self, selectable: Any, name: Optional[str] = None, key: Optional[str] = None
    ) -> "ColumnClause":
        col = ColumnClause(name or self.name, self.type, _selectable=selectable)
        col.key = key or name or self.name
        col.__dict__["_qs_proxies"] = [self]
        return col

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self._element._gen_cache_key(anon_map, binds)
        if k is None:
            return None
        return ("label", _anon_key(self.name, anon_map), k, self.type._static_cache_key)

    def __repr__(self) -> str:
        return f"<Label {self.name!r}>"


class ColumnClause(ColumnElement):
    """A named column (``column("x")``); also ``literal_column()`` text.

    ``schema.Column`` subclasses this for table columns.
    """

    __visit_name__ = "column"
    onupdate = default = server_default = server_onupdate = None
    _is_multiparam_column = False

    def __init__(
        self,
        text: str,
        type_: Any = None,
        is_literal: bool = False,
        _selectable: Any = None,
    ) -> None:
        self.key = self.name = text
        self.table = _selectable
        self.type = to_instance(type_)
        self.is_literal = is_literal

    @property
    def _from_objects(self) -> list[Any]:
        t = self.table
        return [t] if t is not None else []

    @property
    def _non_anon_label(self) -> Optional[str]:
        if self.is_literal:
            return None
        return self.name

    @property
    def _anon_name_label(self) -> str:
        if self.is_literal:
            return ColumnElement._anon_name_label.fget(self)  # type: ignore[attr-defined,no-any-return]
        return super()._anon_name_label

    @property
    def description(self) -> str:
        return self.name

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        tk = self.type._static_cache_key
        if tk is None:
            return None
        t = self.table
        tkey = t._gen_cache_key(anon_map, binds) if t is not None else None
        return ("column", _anon_key(self.name, anon_map), tk, self.is_literal, tkey)

    def __repr__(self) -> str:
        return f"<ColumnClause {self.name!r}>"


class CollationClause(ColumnElement):
    """The ``COLLATE name`` target."""

    __visit_name__ = "collation"

    def __init__(self, collation: str) -> None:
        self.collation = collation
        self.type = _null_type()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("collation", self.collation)
