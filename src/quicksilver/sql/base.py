"""Shared building blocks: column collections and generative statements."""

from __future__ import annotations

from typing import Any, Iterator, Optional, Union

from .. import exc
from ..util import EMPTY_DICT, immutabledict


class ColumnCollection:
    """An ordered collection of columns by key (``table.c``, ``selected_columns``).

    Mirrors ``sqlalchemy.sql.expression.ColumnCollection``: attribute and
    item access by key, integer index, iteration over the columns.
    """

    __slots__ = ("_collection", "_index", "_colset")

    def __init__(self, columns: Any = None) -> None:
        object.__setattr__(self, "_collection", [])
        object.__setattr__(self, "_index", {})
        object.__setattr__(self, "_colset", set())
        if columns:
            for key, col in columns:
                self._append(key, col)

    def _append(self, key: str, col: Any) -> None:
        self._collection.append((key, col))
        self._colset.add(col)
        if key not in self._index:
            self._index[key] = col

    def add(self, column: Any, key: Optional[str] = None) -> None:
        self._append(key if key is not None else column.key, column)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._index[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise NotImplementedError("ColumnCollection is read-only")

    def __getitem__(self, key: Union[str, int, tuple[Any, ...], slice]) -> Any:
        if isinstance(key, str):
            return self._index[key]
        if isinstance(key, int):
            return self._collection[key][1]
        if isinstance(key, slice):
            return ColumnCollection(self._collection[key])
        if isinstance(key, tuple):
            return ColumnCollection(
                [
                    (k, self[k])
                    if isinstance(k, str)
                    else (self._collection[k][0], self[k])
                    for k in key
                ]
            )
        raise KeyError(key)

    def __contains__(self, key: Any) -> bool:
        if not isinstance(key, str):
            raise exc.ArgumentError("__contains__ requires a string argument")
        return key in self._index

    def contains_column(self, col: Any) -> bool:
        return col in self._colset

    def __iter__(self) -> Iterator[Any]:
        return iter([col for _, col in self._collection])

    def __len__(self) -> int:
        return len(self._collection)

    def __bool__(self) -> bool:
        return bool(self._collection)

    def keys(self) -> list[str]:
        return [k for k, _ in self._collection]

    def values(self) -> list[Any]:
        return [c for _, c in self._collection]

    def items(self) -> list[tuple[str, Any]]:
        return list(self._collection)

    def get(self, key: str, default: Any = None) -> Any:
        return self._index.get(key, default)

    def as_readonly(self) -> "ColumnCollection":
        return self

    def corresponding_column(self, column: Any, require_embedded: bool = False) -> Any:
        if column in self._colset:
            return column
        target = column.proxy_set
        best = None
        for c in self:
            if c.proxy_set & target:
                if best is None or len(c.proxy_set) < len(best.proxy_set):
                    best = c
        return best

    def __eq__(self, other: Any) -> Any:
        from .elements import BooleanClauseList

        pairs = zip(self, other, strict=False)
        return BooleanClauseList.and_(*[c == o for c, o in pairs])

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return repr([str(c) for c in self])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(c) for c in self)})"


ReadOnlyColumnCollection = ColumnCollection


class DedupeColumnCollection(ColumnCollection):
    """A collection where adding a column with an existing key replaces it."""

    __slots__ = ()

    def replace(self, column: Any) -> None:
        key = column.key
        if key in self._index:
            old = self._index[key]
            self._colset.discard(old)
            self._collection[:] = [
                (k, column if c is old else c) for k, c in self._collection
            ]
            self._index[key] = column
            self._colset.add(column)
        else:
            self._append(key, column)

    def add(self, column: Any, key: Optional[str] = None) -> None:
        self.replace(column)

    def remove(self, column: Any) -> None:
        self._collection[:] = [(k, c) for k, c in self._collection if c is not column]
        self._colset.discard(column)
        self._index.clear()
        for k, c in self._collection:
            self._index.setdefault(k, c)


def _prefix_entries(items: Any, dialect: str) -> tuple[tuple[str, str], ...]:
    """``prefix_with`` / ``suffix_with`` arguments as ``(text, dialect)`` pairs.

    A ``text()`` element contributes its text; ``dialect`` limits the
    prefix to that dialect's name ("*" for all), as in SQLAlchemy.
    """
    return tuple((getattr(i, "text", i), dialect) for i in items)


class HasPrefixes:
    """``prefix_with()`` for SELECT / INSERT / UPDATE / DELETE (mirrors
    ``sqlalchemy.sql.expression.HasPrefixes``)."""

    _prefixes: tuple[tuple[str, str], ...] = ()

    def prefix_with(self, *prefixes: Any, dialect: str = "*") -> Any:
        """Words after the statement keyword: ``INSERT OR IGNORE INTO``,
        ``SELECT SQL_NO_CACHE``; only on ``dialect`` unless it is "*"."""
        new = self._generate()  # type: ignore[attr-defined]
        new._prefixes = self._prefixes + _prefix_entries(prefixes, dialect)
        return new


class HasSuffixes:
    """``suffix_with()`` (mirrors ``sqlalchemy.sql.expression.HasSuffixes``)."""

    _suffixes: tuple[tuple[str, str], ...] = ()

    def suffix_with(self, *suffixes: Any, dialect: str = "*") -> Any:
        """Words at the end of the statement; only on ``dialect`` unless "*"."""
        new = self._generate()  # type: ignore[attr-defined]
        new._suffixes = self._suffixes + _prefix_entries(suffixes, dialect)
        return new


class Generative:
    """Methods of generative statements return modified copies."""

    def _generate(self) -> Any:
        cls = self.__class__
        new = cls.__new__(cls)
        new.__dict__ = dict(self.__dict__)
        new.__dict__.pop("_qs_key_memo", None)
        new.__dict__.pop("_qs_memo", None)
        return new


class Executable(Generative):
    """A statement that can be executed (mirrors ``sqlalchemy.sql.Executable``)."""

    supports_execution = True
    _execution_options: immutabledict[str, Any] = EMPTY_DICT
    is_select = False
    is_update = False
    is_insert = False
    is_delete = False
    is_text = False
    is_dml = False

    def execution_options(self, **kw: Any) -> Any:
        """A copy with execution options added (``yield_per``,
        ``compiled_cache``...)."""
        if "isolation_level" in kw:
            raise exc.ArgumentError(
                "'isolation_level' execution option may only be specified on "
                "Connection.execution_options(), or per-engine using the "
                "isolation_level argument to create_engine()."
            )
        new = self._generate()
        new._execution_options = self._execution_options.union(kw)
        return new

    def get_execution_options(self) -> immutabledict[str, Any]:
        return self._execution_options

    def options(self, *options: Any) -> Any:
        """Attach ORM loader options (stored for the ORM's compile step)."""
        new = self._generate()
        new._with_options = getattr(self, "_with_options", ()) + options
        return new


_NONE_NAME = object()
