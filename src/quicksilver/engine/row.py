"""Result rows: :class:`Row` and its mapping view :class:`RowMapping`.

Mirrors ``sqlalchemy.engine.row``.  Rows are the hottest objects in the
library, so the design is chosen for speed in pure Python:

* :class:`Row` is a ``tuple`` subclass with ``__slots__ = ()``.  A row *is*
  its values: indexing, slicing, unpacking, ``len``, equality with plain
  tuples, hashing and ``count``/``index`` are the C implementations of
  ``tuple``.
* Every :class:`~quicksilver.engine.result.ResultMetaData` gets its own
  subclass of :class:`Row` (built lazily by :func:`make_row_class` and cached
  on the metadata).  The subclass holds the metadata as the class attribute
  ``_parent`` and exposes each column name as a
  ``property(operator.itemgetter(i))``, so ``row.name`` is a C-level lookup
  with no ``__getattr__`` in the way.
* Building a row is calling the subclass with the raw values (``tuple``'s own
  ``__new__``, no Python code per row); results do it with ``map()``.

A column name becomes an attribute unless it would hide the Row API (names
such as ``_mapping``, ``_fields``, ``keys``); like SQLAlchemy, ``count`` and
``index`` are the exception: a column of that name wins over the tuple method.

The metadata object handed to :func:`make_row_class` needs ``_keys`` (list of
names, one per column), ``_keymap`` (key -> column index, for names and any
other hashable key such as a Column; never plain int positions),
``_ambiguous_keys`` (names that match several columns) and
``_key_not_found(key, attr_error)`` (raises).  ``ResultMetaData`` provides all
of them; this module does not import ``result`` so the two cannot form a cycle.
"""

from __future__ import annotations

import operator
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Generic,
    Iterator,
    KeysView,
    List,
    Mapping,
    NoReturn,
    Tuple,
    Type,
    TypeVar,
)

from typing_extensions import TypeVarTuple, Unpack

from ..util import warn_deprecated

if TYPE_CHECKING:
    from .result import ResultMetaData

__all__ = [
    "Row",
    "RowMapping",
    "RMKeyView",
    "ROMappingView",
    "ROMappingKeysValuesView",
    "ROMappingItemsView",
]

_Ts = TypeVarTuple("_Ts")
_T = TypeVar("_T")

#: Row values whose repr is longer than this are shown shortened, as SQLAlchemy
#: does, so printing a row holding a large blob stays readable.
_MAX_VALUE_REPR = 300


def _repr_value(value: Any) -> str:
    text = repr(value)
    if len(text) > _MAX_VALUE_REPR:
        half = _MAX_VALUE_REPR // 2
        cut = len(text) - _MAX_VALUE_REPR
        text = f"{text[:half]} ... ({cut} characters truncated) ... {text[-half:]}"
    return text


def _restore_row(metadata: "ResultMetaData", values: Tuple[Any, ...]) -> "Row[Any]":
    """Unpickle a row: rebuild it with the row class of its (unpickled) metadata."""
    return metadata._row_class(values)  # type: ignore[no-any-return]


class Row(Tuple[Any, ...], Generic[Unpack[_Ts]]):
    """One result row: a tuple that also answers to column names.

    Mirrors ``sqlalchemy.engine.Row``: ``row[0]``, ``row.name``,
    ``row._mapping["name"]``, ``row._mapping[column]``, ``row._fields``,
    ``row._asdict()``.  It compares and hashes like the plain tuple of its
    values.  Rows are built by results, never directly.
    """

    __slots__ = ()

    #: The ResultMetaData this row class was made for (set on each subclass).
    _parent: "ResultMetaData"

    @property
    def _mapping(self) -> "RowMapping":
        """A read-only mapping view of this row keyed by name or column object."""
        return RowMapping(self)  # type: ignore[arg-type]

    @property
    def _fields(self) -> Tuple[str, ...]:
        """The column names, in order (as ``namedtuple._fields``)."""
        return self._parent._fields

    def _asdict(self) -> Dict[str, Any]:
        """A new dict of column name to value (as ``namedtuple._asdict``)."""
        return dict(zip(self._parent._fields, self, strict=True))

    @property
    def _t(self) -> "Row[Unpack[_Ts]]":
        """This row, typed as a tuple (a row already is one)."""
        return self

    def _tuple(self) -> "Row[Unpack[_Ts]]":
        """This row, typed as a tuple (a row already is one)."""
        return self

    @property
    def t(self) -> "Row[Unpack[_Ts]]":
        """Deprecated spelling of :attr:`_t`, kept for SQLAlchemy 2.0 code."""
        warn_deprecated(
            "The Row.t attribute is deprecated in favor of Row._t; all Row "
            "methods and library-level attributes are intended to be "
            "underscored to avoid name conflicts.  Please use Row._t.",
            "2.0.19",
        )
        return self

    def tuple(self) -> "Row[Unpack[_Ts]]":
        """Deprecated spelling of :meth:`_tuple`, kept for SQLAlchemy 2.0 code."""
        warn_deprecated(
            "The Row.tuple() method is deprecated in favor of Row._tuple(); all "
            "Row methods and library-level attributes are intended to be "
            "underscored to avoid name conflicts.  Please use Row._tuple().",
            "2.0.19",
        )
        return self

    def __getattr__(self, name: str) -> NoReturn:
        # Only reached when no column property and no Row attribute matched.
        parent = getattr(type(self), "_parent", None)
        if parent is None:
            raise AttributeError(name)
        parent._key_not_found(name, True)
        raise AssertionError("unreachable")  # pragma: no cover

    def __repr__(self) -> str:
        values = [_repr_value(v) for v in self]
        if len(values) == 1:
            return f"({values[0]},)"
        return "(" + ", ".join(values) + ")"

    def __reduce__(self) -> Any:
        return _restore_row, (self._parent._for_pickle(), tuple(self))

    def __copy__(self) -> "Row[Unpack[_Ts]]":
        return self

    def __deepcopy__(self, memo: Any) -> "Row[Unpack[_Ts]]":
        return self


#: Attribute names a column may not take over: everything Row (and tuple)
#: already answers to, except the tuple methods SQLAlchemy lets columns hide.
_RESERVED = frozenset(dir(Row)) - {"count", "index"}


def make_row_class(metadata: "ResultMetaData") -> Type[Row[Any]]:
    """Build the Row subclass for one result metadata.

    Column names become C-level ``itemgetter`` properties; names that match
    several columns get none, so the access falls through to
    ``Row.__getattr__`` and raises the ambiguity error.
    """
    namespace: Dict[str, Any] = {
        "__slots__": (),
        "__module__": Row.__module__,
        "__qualname__": Row.__qualname__,
        "__doc__": Row.__doc__,
        "_parent": metadata,
    }
    ambiguous = metadata._ambiguous_keys
    for key, index in metadata._keymap.items():
        if (
            isinstance(key, str)
            and key not in _RESERVED
            and key not in ambiguous
            and not (key.startswith("__") and key.endswith("__"))
        ):
            namespace[key] = property(operator.itemgetter(index))
    return type("Row", (Row,), namespace)


class RMKeyView(KeysView[Any]):
    """The keys of a result or row mapping: a list-like, set-like view.

    Mirrors SQLAlchemy's ``RMKeyView``: iterates the column names in order,
    compares equal to a list (or any iterable) of the same names, and ``in``
    also finds non-name keys such as Column objects.
    """

    __slots__ = ("_parent", "_keys")

    def __init__(self, parent: "ResultMetaData") -> None:
        self._parent = parent
        self._keys = list(parent._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._keys)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, int):
            return False
        try:
            return item in self._parent._keymap
        except TypeError:  # an unhashable probe is simply not a key
            return False

    def __eq__(self, other: object) -> bool:
        try:
            return list(other) == self._keys  # type: ignore[call-overload]
        except TypeError:
            return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._keys!r})"


class ROMappingView(Generic[_T]):
    """A read-only view of a RowMapping's values or items, in column order."""

    __slots__ = ("_mapping", "_items")

    def __init__(self, mapping: "RowMapping", items: List[_T]) -> None:
        self._mapping = mapping
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[_T]:
        return iter(self._items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __eq__(self, other: object) -> bool:
        try:
            return list(other) == self._items  # type: ignore[call-overload]
        except TypeError:
            return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._mapping!r})"


class ROMappingKeysValuesView(ROMappingView[Any]):
    """``RowMapping.values()``: the values in column order."""

    __slots__ = ()


class ROMappingItemsView(ROMappingView[Tuple[Any, Any]]):
    """``RowMapping.items()``: ``(name, value)`` pairs in column order."""

    __slots__ = ()


class RowMapping(Mapping[Any, Any]):
    """A row seen as a read-only mapping; mirrors ``sqlalchemy.engine.RowMapping``.

    Keys are column names and any other key the result knows (a Column
    object); integer positions are not keys (use the Row for those).  Unknown
    keys raise :class:`~quicksilver.exc.NoSuchColumnError` (a ``KeyError``).
    """

    __slots__ = ("_row",)

    def __init__(self, row: Row[Any]) -> None:
        self._row = row

    def __getitem__(self, key: Any) -> Any:
        row = self._row
        try:
            index = row._parent._keymap[key]
        except (KeyError, TypeError):  # TypeError: an unhashable key
            index = row._parent._index_by_clause_element(key)
            if index is None:
                row._parent._key_not_found(key, False)
        return row[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._row._parent._keys)

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, key: object) -> bool:
        parent = self._row._parent
        try:
            if key in parent._keymap or key in parent._ambiguous_keys:
                return True
        except TypeError:  # an unhashable probe is simply not a key
            return False
        return parent._index_by_clause_element(key) is not None

    def keys(self) -> RMKeyView:
        """The column names, as a view that compares equal to a list."""
        return RMKeyView(self._row._parent)

    def values(self) -> ROMappingKeysValuesView:  # type: ignore[override]
        """The values, in column order."""
        return ROMappingKeysValuesView(self, list(self._row))

    def items(self) -> ROMappingItemsView:  # type: ignore[override]
        """``(name, value)`` pairs, in column order."""
        return ROMappingItemsView(self, list(zip(self, self._row, strict=True)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._row))

    def __repr__(self) -> str:
        return repr(dict(zip(self, self._row, strict=True)))

    def _asdict(self) -> Dict[str, Any]:
        return dict(zip(self, self._row, strict=True))
