"""The SQL constructs the ORM builds statements with, imported in one place.

Everything goes through the public facade ``quicksilver.sql.expression``
when it exists; during early development the concrete modules are used.
Keeping the imports here means no other ORM module cares where Core keeps
its functions.
"""

from __future__ import annotations

from typing import Any


def _load() -> dict[str, Any]:
    names = (
        "select",
        "insert",
        "update",
        "delete",
        "and_",
        "or_",
        "bindparam",
        "text",
        "literal_column",
        "func",
        "tuple_",
        "true",
        "null",
    )
    found: dict[str, Any] = {}
    try:
        from ..sql import expression as facade

        for name in names:
            if hasattr(facade, name):
                found[name] = getattr(facade, name)
    except ImportError:
        pass
    if len(found) < len(names):
        from ..sql import dml, elements, operators
        from ..sql import select as select_mod

        fallback = {
            "select": getattr(select_mod, "select", None),
            "insert": dml.insert,
            "update": dml.update,
            "delete": dml.delete,
            "and_": operators.and_,
            "or_": operators.or_,
            "bindparam": getattr(elements, "bindparam", None)
            or (lambda key, value=None, **kw: elements.BindParameter(key, value, **kw)),
            "text": getattr(elements, "text", None) or elements.TextClause,
            "literal_column": getattr(elements, "literal_column", None),
            "func": None,
            "tuple_": getattr(elements, "tuple_", None),
            "true": getattr(elements, "true", None),
            "null": getattr(elements, "null", None),
        }
        for name, value in fallback.items():
            found.setdefault(name, value)
    return found


_cache: dict[str, Any] = {}


def sql(name: str) -> Any:
    """The Core construct ``name`` (``select``, ``and_``, ``bindparam``...)."""
    if not _cache:
        _cache.update(_load())
    return _cache[name]


def column_bind(name: str, column: Any) -> Any:
    """A bind parameter under a generated ``name`` standing for ``column``:
    a bad value's error names the column, not the generated name."""
    bind = sql("bindparam")(name, type_=column.type)
    bind._qs_column_key = column.key
    return bind
