"""Results: :class:`Result` and its filtered views; result metadata.

Mirrors ``sqlalchemy.engine.result``.  A :class:`Result` hands out
:class:`~quicksilver.engine.row.Row` objects; ``scalars()``, ``mappings()``
and ``tuples()`` give views of the same rows as single values, as
:class:`~quicksilver.engine.row.RowMapping` objects, or as typed tuples.
``columns()`` and ``unique()`` change the result in place and return it.

The fetch protocol (what a subclass such as ``CursorResult`` writes)
--------------------------------------------------------------------

A subclass of :class:`Result` deals only in *raw rows*: plain tuples (or any
sequences) straight from the driver.  It implements five methods:

``_fetchiter_impl() -> Iterator[raw]``
    every remaining raw row; soft-close when exhausted.
``_fetchone_impl(hard_close=False) -> raw | None``
    the next raw row, or ``None`` when there are no more (then soft-close,
    hard-close when ``hard_close`` is true).
``_fetchmany_impl(size: int | None) -> list[raw]``
    up to ``size`` raw rows (``None``: a batch of the subclass's choosing);
    ``[]`` when exhausted.
``_fetchall_impl() -> list[raw]``
    every remaining raw row, then soft-close.
``_soft_close(hard=False) -> None``
    release the cursor; with ``hard=True`` also mark the result closed so
    that any later fetch raises :class:`~quicksilver.exc.ResourceClosedError`
    (``"This result object is closed."``).  A soft-closed result just
    returns no more rows.

plus a ``closed`` property (true once hard-closed), and sets ``self._metadata``
to a :class:`ResultMetaData` by calling ``Result.__init__(self, metadata)``.
Every fetch method of a hard-closed result must raise ResourceClosedError.

The base class turns raw rows into rows.  The metadata describes the columns:

* ``_keys``: the column names, one per column;
* ``_keymap``: a dict from every lookup key to a column index: the names and
  any other hashable object (a Column, a label) a subclass adds; integer
  positions are *not* stored (they are handled arithmetically);
* ``_processors``: ``None``, or one entry per column, ``None`` or a callable
  converting the driver value to the Python value;
* ``_ambiguous_keys``: names that match several columns (looking them up
  raises :class:`~quicksilver.exc.AmbiguousColumnError`).

A metadata is immutable once built, so what is derived from it is cached on
it: the Row subclass (``_row_class``) and the raw-to-Row function
(``_row_maker``).  Rows are built with C-level calls only when no column has
a processor (``list(map(row_class, raw_rows))``); otherwise only the columns
that have a processor cost Python work.  ``_metadata_for_keys(keys)`` makes the
metadata of a ``columns()`` selection; the selection is applied to raw rows by
index (``_translated_indexes``) before the processors run.

``CursorResultMetaData`` can subclass :class:`ResultMetaData` and set the four
attributes above in its ``__init__``; it may override
``_metadata_for_keys``, ``_for_freeze`` and ``_for_pickle``.
"""

from __future__ import annotations

import itertools
import operator
from typing import (
    Any,
    Callable,
    Dict,
    FrozenSet,
    Generic,
    Iterable,
    Iterator,
    List,
    Mapping,
    NoReturn,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
    Union,
    cast,
)

from typing_extensions import Self, TypeVarTuple, Unpack

from .. import exc
from ..util import EMPTY_DICT, memoized_property
from ..util._gc import gc_paused
from .row import RMKeyView, Row, RowMapping, make_row_class

__all__ = [
    "ResultMetaData",
    "SimpleResultMetaData",
    "RMKeyView",
    "Result",
    "FilterResult",
    "ScalarResult",
    "MappingResult",
    "TupleResult",
    "IteratorResult",
    "ChunkedIteratorResult",
    "MergedResult",
    "FrozenResult",
    "null_result",
    "result_tuple",
    "Row",
    "RowMapping",
]

_T = TypeVar("_T")
_R = TypeVar("_R")
_Ts = TypeVarTuple("_Ts")

_KeyType = Union[str, Any]
_ProcessorType = Optional[Callable[[Any], Any]]
_ProcessorsType = Sequence[_ProcessorType]
_UniqueFilterType = Callable[[Any], Any]
_RawRowMaker = Callable[[Any], Any]


class _NoRow:
    """Sentinel type: no row was there (distinct from a row whose value is None)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<no row>"


_NO_ROW = _NoRow()

#: Up to this many columns, rows with processors are built by a function
#: compiled for the metadata (see _compile_row_maker); wider rows use a loop.
_MAX_COMPILED_COLUMNS = 250


class NoSuchColumnIndexError(exc.NoSuchColumnError, IndexError):
    """A column position out of range; also an ``IndexError`` as in SQLAlchemy."""


class UniqueUnhashableError(exc.InvalidRequestError, TypeError):
    """``unique()`` met an unhashable value; also a ``TypeError`` as in SQLAlchemy."""


class ResultArgumentValueError(exc.ArgumentError, ValueError):
    """Bad argument to a result method; also a ``ValueError`` as in SQLAlchemy."""


def _compile_row_maker(
    cls: type, processors: Sequence[_ProcessorType], indexes: Optional[Sequence[int]]
) -> _RawRowMaker:
    """A raw-row -> Row function specialised for one metadata.

    ``lambda raw: cls((raw[0], p1(raw[1]), raw[2]))`` runs no loop and touches
    only the columns that have a processor, which makes it about a third
    faster than a generic loop.  Only integer positions and generated names
    go into the source text, never a column name or other outside data.
    """
    namespace: Dict[str, Any] = {"cls": cls}
    parts = []
    for position, proc in enumerate(processors):
        source = f"raw[{int(indexes[position]) if indexes else position}]"
        if proc is not None:
            namespace[f"p{position}"] = proc
            source = f"p{position}({source})"
        parts.append(source)
    code = f"def make(raw):\n    return cls(({', '.join(parts)},))\n"
    exec(compile(code, "<quicksilver row maker>", "exec"), namespace)
    return namespace["make"]  # type: ignore[no-any-return]


def _closed_error() -> exc.ResourceClosedError:
    return exc.ResourceClosedError("This result object is closed.")


def _select_getter(indexes: Sequence[int]) -> Callable[[Any], Tuple[Any, ...]]:
    """A function picking ``indexes`` out of a raw row, always as a tuple."""
    if len(indexes) == 1:
        (only,) = indexes
        return lambda raw: (raw[only],)
    return operator.itemgetter(*indexes)  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# metadata


class ResultMetaData:
    """What a result knows about its columns; mirrors SQLAlchemy's class.

    Subclasses set ``_keys``, ``_keymap``, ``_processors`` and optionally
    ``_ambiguous_keys`` (see the module docstring) and never change them
    afterwards: rows and lookups are cached against them.
    """

    _keys: List[str]
    _keymap: Dict[Any, int]
    _processors: Optional[_ProcessorsType] = None
    _ambiguous_keys: FrozenSet[Any] = frozenset()
    #: Raw index of each column when this metadata selects from wider raw
    #: rows (a ``columns()`` view); ``None`` when raw rows match one to one.
    _translated_indexes: Optional[List[int]] = None
    #: An opaque raw-row -> selected-tuple function (SQLAlchemy's spelling);
    #: only used when the selection is not given as indexes.
    _tuplefilter: Optional[Callable[[Any], Sequence[Any]]] = None

    @property
    def keys(self) -> RMKeyView:
        """The column names, as a list-like view (``Result.keys()``)."""
        return RMKeyView(self)

    @memoized_property
    def _fields(self) -> Tuple[str, ...]:
        return tuple(self._keys)

    @memoized_property
    def _row_class(self) -> type:
        """The Row subclass for this metadata (column names as attributes)."""
        return make_row_class(self)

    @memoized_property
    def _row_maker(self) -> _RawRowMaker:
        """Raw row -> Row; just the Row class itself when nothing is to be done."""
        cls = self._row_class
        select = self._raw_selector()
        processors = list(self._processors or ())
        if not any(proc is not None for proc in processors):
            if select is None:
                return cls
            return lambda raw: cls(select(raw))
        if self._tuplefilter is None and len(processors) <= _MAX_COMPILED_COLUMNS:
            return _compile_row_maker(cls, processors, self._translated_indexes)
        procs = [(i, proc) for i, proc in enumerate(processors) if proc is not None]

        def make(raw: Any) -> Row[Any]:
            values = list(raw if select is None else select(raw))
            for i, proc in procs:
                values[i] = proc(values[i])
            return cls(values)  # type: ignore[no-any-return]

        return make

    def _raw_selector(self) -> Optional[Callable[[Any], Sequence[Any]]]:
        if self._translated_indexes is not None:
            return _select_getter(self._translated_indexes)
        return self._tuplefilter

    def _scalar_maker(self, index: int = 0) -> _RawRowMaker:
        """Raw row -> processed value of column ``index``, without a Row."""
        proc = self._processors[index] if self._processors else None
        if self._translated_indexes is not None:
            raw_index = self._translated_indexes[index]
            getter: _RawRowMaker = operator.itemgetter(raw_index)
        elif self._tuplefilter is not None:
            tuplefilter = self._tuplefilter
            getter = lambda raw: tuplefilter(raw)[index]
        else:
            getter = operator.itemgetter(index)
        if proc is None:
            return getter
        return lambda raw: proc(getter(raw))

    # -- lookups -----------------------------------------------------------

    def _has_key(self, key: Any) -> bool:
        try:
            return key in self._keymap or key in self._ambiguous_keys
        except TypeError:
            return False

    def _key_not_found(self, key: Any, attr_error: bool) -> NoReturn:
        """Raise the error for a key this metadata does not resolve."""
        try:
            ambiguous = key in self._ambiguous_keys
        except TypeError:
            ambiguous = False
        if ambiguous:
            raise exc.AmbiguousColumnError(
                f"Ambiguous column name '{key}' in result set column descriptions"
            )
        message = f"Could not locate column in row for column '{key}'"
        if attr_error:
            raise AttributeError(message)
        if isinstance(key, int):
            raise NoSuchColumnIndexError(message)
        raise exc.NoSuchColumnError(message)

    def _index_for_key(self, key: Any, raiseerr: bool = True) -> Optional[int]:
        """The column index of ``key``: a name, a known object, or a position."""
        if isinstance(key, int):
            count = len(self._keys)
            if -count <= key < count:
                return key % count
            if raiseerr:
                self._key_not_found(key, False)
            return None
        try:
            return self._keymap[key]
        except (KeyError, TypeError):
            index = self._index_by_clause_element(key)
            if index is not None:
                return index
            if raiseerr:
                self._key_not_found(key, False)
            return None

    def _index_by_clause_element(self, key: Any) -> Optional[int]:
        """The index of a key standing for a column it is not itself -- an ORM
        attribute (``User.name``): SQLAlchemy resolves ``row._mapping[User.name]``
        through the attribute's ``__clause_element__()``."""
        unwrap = getattr(key, "__clause_element__", None)
        if unwrap is None or isinstance(key, str):
            return None
        try:
            element = unwrap()
        except Exception:  # noqa: BLE001 - not a usable column: not found
            return None
        try:
            return self._keymap.get(element)
        except TypeError:  # unhashable: not a key
            return None

    def _indexes_for_keys(self, keys: Sequence[Any]) -> List[int]:
        return [cast(int, self._index_for_key(key)) for key in keys]

    def _objects_by_index(self) -> List[List[Any]]:
        """Each column's lookup keys other than its own name (Columns, labels)."""
        objects: List[List[Any]] = [[] for _ in self._keys]
        for key, index in self._keymap.items():
            if key != self._keys[index] or not isinstance(key, str):
                objects[index].append(key)
        return objects

    def _metadata_for_keys(self, keys: Sequence[Any]) -> "ResultMetaData":
        """Metadata for a ``columns(*keys)`` selection of these columns.

        Memoised per key tuple: metadata is immutable, and a new one per call
        (``scalars()`` on every short query) would also build a new Row class.
        """
        try:
            memo_key = tuple(keys)
            memo = self.__dict__.setdefault("_qs_selection_memo", {})
            found = memo.get(memo_key)
        except TypeError:  # an unhashable key: no memo
            return self._build_metadata_for_keys(keys)
        if found is None:
            found = memo[memo_key] = self._build_metadata_for_keys(keys)
        return found

    def _build_metadata_for_keys(self, keys: Sequence[Any]) -> "ResultMetaData":
        if not keys:
            raise ResultArgumentValueError(
                "columns() needs at least one column name, position or column object"
            )
        indexes = self._indexes_for_keys(keys)
        objects = self._objects_by_index()
        processors = (
            [self._processors[i] for i in indexes] if self._processors else None
        )
        translated: Optional[List[int]]
        tuplefilter: Optional[Callable[[Any], Sequence[Any]]] = None
        if self._translated_indexes is not None:
            translated = [self._translated_indexes[i] for i in indexes]
        elif self._tuplefilter is not None:
            translated = None
            outer, inner = self._tuplefilter, _select_getter(indexes)
            tuplefilter = lambda raw: inner(outer(raw))
        else:
            translated = indexes
        return SimpleResultMetaData(
            [self._keys[i] for i in indexes],
            extra=[objects[i] for i in indexes],
            _processors=processors,
            _tuplefilter=tuplefilter,
            _translated_indexes=translated,
        )

    _reduce = _metadata_for_keys

    def _for_freeze(self) -> "ResultMetaData":
        """Metadata for rows already selected and processed (FrozenResult)."""
        return SimpleResultMetaData(
            self._keys,
            extra=self._objects_by_index(),
            _ambiguous_keys=self._ambiguous_keys,
        )

    @memoized_property
    def _pickled(self) -> "ResultMetaData":
        return SimpleResultMetaData(
            self._keys,
            extra=[
                [o for o in objs if isinstance(o, str)]
                for objs in self._objects_by_index()
            ],
            _ambiguous_keys=frozenset(
                k for k in self._ambiguous_keys if isinstance(k, str)
            ),
        )

    def _for_pickle(self) -> "ResultMetaData":
        """What a pickled Row carries: names only, no processors or columns.

        Cached, so a list of rows pickled together shares one metadata.
        """
        return self._pickled


class SimpleResultMetaData(ResultMetaData):
    """Metadata from a list of names; mirrors SQLAlchemy's class.

    ``extra`` gives, per column, more keys it answers to (a sequence of
    objects, e.g. Columns).  ``_processors`` gives per-column converters.
    A name given twice resolves to the last column of that name, unless it is
    listed in ``_ambiguous_keys``.
    """

    def __init__(
        self,
        keys: Sequence[str],
        extra: Optional[Sequence[Any]] = None,
        _processors: Optional[_ProcessorsType] = None,
        _tuplefilter: Optional[Callable[[Any], Sequence[Any]]] = None,
        _translated_indexes: Optional[Sequence[int]] = None,
        _create_unique_filters: Optional[Any] = None,
        _ambiguous_keys: Optional[FrozenSet[Any]] = None,
    ) -> None:
        self._keys = list(keys)
        if extra is not None and len(extra) != len(self._keys):
            raise exc.ArgumentError(
                f"SimpleResultMetaData got {len(extra)} 'extra' entries for "
                f"{len(self._keys)} keys; give one sequence of objects per key."
            )
        if _processors is not None and len(_processors) != len(self._keys):
            raise exc.ArgumentError(
                f"SimpleResultMetaData got {len(_processors)} processors for "
                f"{len(self._keys)} keys; give one (or None) per key."
            )
        ambiguous = frozenset(_ambiguous_keys or ())
        keymap: Dict[Any, int] = {}
        for index, key in enumerate(self._keys):
            keymap[key] = index
        if extra is not None:
            for index, objects in enumerate(extra):
                for obj in objects or ():
                    keymap[obj] = index
        for key in ambiguous:
            keymap.pop(key, None)
        self._keymap = keymap
        self._ambiguous_keys = ambiguous
        self._processors = list(_processors) if _processors is not None else None
        self._tuplefilter = _tuplefilter
        self._translated_indexes = (
            list(_translated_indexes) if _translated_indexes is not None else None
        )
        self._create_unique_filters = _create_unique_filters

    def __reduce__(self) -> Any:
        extra = [
            [o for o in objs if isinstance(o, str)] for objs in self._objects_by_index()
        ]
        return (
            SimpleResultMetaData,
            (self._keys, extra, None, None, None, None, self._ambiguous_keys),
        )

    def __repr__(self) -> str:
        return f"SimpleResultMetaData({self._keys!r})"


def result_tuple(
    fields: Sequence[str], extra: Optional[Sequence[Any]] = None
) -> Callable[[Iterable[Any]], Row[Any]]:
    """A factory making Rows with these column names from plain values.

    Mirrors ``sqlalchemy.engine.result.result_tuple`` (used by the ORM).
    """
    return SimpleResultMetaData(fields, extra)._row_class  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------
# shared machinery


class ResultInternal(Generic[_R]):
    """Row building, uniqueness and one-row logic shared by results and views."""

    _real_result: Optional["Result[Unpack[Tuple[Any, ...]]]"] = None
    _metadata: ResultMetaData
    _unique_filter_state: Optional[Tuple[Set[Any], Optional[_UniqueFilterType]]] = None
    _source_supports_scalars: bool = False
    #: When set (echo="debug"), called with every Row built, of the columns
    #: handed out (a ``scalars()`` view logs its one-column rows); returns it.
    _row_logging_fn: Optional[Callable[[Row[Any]], Row[Any]]] = None
    #: "row", "scalar" (values of column 0) or "mapping" (RowMappings).
    _view_kind: str = "row"
    _makers: Optional[Tuple[Any, ...]] = None

    # -- raw fetch protocol, implemented by subclasses -----------------------

    def _fetchiter_impl(self) -> Iterator[Any]:
        raise NotImplementedError()

    def _fetchone_impl(self, hard_close: bool = False) -> Optional[Any]:
        raise NotImplementedError()

    def _fetchmany_impl(self, size: Optional[int] = None) -> List[Any]:
        raise NotImplementedError()

    def _fetchall_impl(self) -> List[Any]:
        raise NotImplementedError()

    def _soft_close(self, hard: bool = False) -> None:
        raise NotImplementedError()

    @property
    def _yield_per_size(self) -> Optional[int]:
        real = self._real_result
        return real._yield_per if real is not None else None

    # -- turning raw rows into output objects ----------------------------------

    def _get_makers(self) -> Tuple[Any, ...]:
        """``(metadata, row_maker, out_maker, post)`` for the current metadata.

        ``row_maker`` builds the Row (used by ``unique()``), ``out_maker`` the
        object handed out (``None`` meaning the raw row itself), and ``post``
        turns a Row into that object (``None`` for "the Row").
        """
        makers = self._makers
        metadata = self._metadata
        if makers is not None and makers[0] is metadata:
            return makers
        if self._source_supports_scalars:
            cls = metadata._row_class
            row_maker: _RawRowMaker = lambda obj: cls((obj,))
        else:
            row_maker = metadata._row_maker
        log = self._row_logging_fn
        if log is not None:
            inner = row_maker
            row_maker = lambda raw: log(inner(raw))
        kind = self._view_kind
        out_maker: Optional[_RawRowMaker]
        post: Optional[Callable[[Any], Any]]
        if kind == "scalar":
            post = operator.itemgetter(0)
            if self._source_supports_scalars:
                out_maker = None
            elif log is not None:
                out_maker = lambda raw: row_maker(raw)[0]
            else:
                out_maker = metadata._scalar_maker(0)
        elif kind == "mapping":
            post = RowMapping
            out_maker = lambda raw: RowMapping(row_maker(raw))
        else:
            post = None
            out_maker = row_maker
        makers = (metadata, row_maker, out_maker, post)
        self._makers = makers
        return makers

    def _unique_rows(self, raws: Iterable[Any]) -> Iterator[Any]:
        """Output objects for ``raws``, skipping rows already seen."""
        assert self._unique_filter_state is not None
        seen, strategy = self._unique_filter_state
        _, row_maker, _, post = self._get_makers()
        for raw in raws:
            row = row_maker(raw)
            key = strategy(row) if strategy is not None else row
            try:
                if key in seen:
                    continue
                seen.add(key)
            except TypeError as err:
                raise _unhashable(row, strategy) from err
            yield row if post is None else post(row)

    def _make_all(self, raws: List[Any]) -> List[Any]:
        if self._unique_filter_state is not None:
            return list(self._unique_rows(raws))
        out_maker = self._get_makers()[2]
        if out_maker is None:
            return list(raws)
        return list(map(out_maker, raws))

    def _fetch_all_out(self) -> List[Any]:
        return self._make_all(self._fetchall_impl())

    def _fetch_one_out(self, hard_close: bool = False) -> Any:
        if self._unique_filter_state is None:
            raw = self._fetchone_impl(hard_close=hard_close)
            if raw is None:
                return _NO_ROW
            out_maker = self._get_makers()[2]
            return raw if out_maker is None else out_maker(raw)
        while True:
            raw = self._fetchone_impl(hard_close=hard_close)
            if raw is None:
                return _NO_ROW
            for out in self._unique_rows((raw,)):
                return out

    def _fetch_many_out(self, size: Optional[int]) -> List[Any]:
        if size is None:
            size = self._yield_per_size
        if self._unique_filter_state is None:
            return self._make_all(self._fetchmany_impl(size))
        collected: List[Any] = []
        while size is None or len(collected) < size:
            batch = self._fetchmany_impl(
                None if size is None else size - len(collected)
            )
            if not batch:
                break
            collected.extend(self._unique_rows(batch))
            if size is None and collected:
                break
        return collected

    def _iter_out(self) -> Iterator[Any]:
        size = self._yield_per_size
        if size:
            return self._iter_chunks(size)
        raws = self._fetchiter_impl()
        if self._unique_filter_state is not None:
            return self._unique_rows(raws)
        out_maker = self._get_makers()[2]
        if out_maker is None:
            return raws
        return map(out_maker, raws)

    def _iter_chunks(self, size: int) -> Iterator[Any]:
        while True:
            chunk = self._fetch_many_out(size)
            if not chunk:
                return
            yield from chunk

    def _next_out(self) -> Any:
        out = self._fetch_one_out()
        if out is _NO_ROW:
            raise StopIteration()
        return out

    def _partitions(self, size: Optional[int]) -> Iterator[List[Any]]:
        while True:
            partition = self._fetch_many_out(size)
            if not partition:
                return
            yield partition

    def _only_one_row(
        self, raise_for_second_row: bool, raise_for_none: bool
    ) -> Optional[Any]:
        """The first row; closes the result.  Checks for a second one if asked."""
        if raise_for_second_row and self._unique_filter_state is None:
            # one() / one_or_none(): both rows in one fetch of two
            try:
                rows = self._fetch_many_out(2)
            finally:
                self._soft_close(hard=True)
            if not rows:
                if raise_for_none:
                    raise exc.NoResultFound("No row was found when one was required")
                return None
            if len(rows) > 1:
                if raise_for_none:
                    raise exc.MultipleResultsFound(
                        "Multiple rows were found when exactly one was required"
                    )
                raise exc.MultipleResultsFound(
                    "Multiple rows were found when one or none was required"
                )
            return rows[0]
        try:
            row = self._fetch_one_out(hard_close=True)
            if row is _NO_ROW:
                if raise_for_none:
                    raise exc.NoResultFound("No row was found when one was required")
                return None
            if raise_for_second_row:
                other = self._fetch_one_out(hard_close=True)
                if other is not _NO_ROW:
                    if raise_for_none:
                        raise exc.MultipleResultsFound(
                            "Multiple rows were found when exactly one was required"
                        )
                    raise exc.MultipleResultsFound(
                        "Multiple rows were found when one or none was required"
                    )
            return row
        finally:
            self._soft_close(hard=True)

    def _set_unique(self, strategy: Optional[_UniqueFilterType]) -> None:
        self._unique_filter_state = (set(), strategy)

    def _set_columns(self, keys: Sequence[Any]) -> None:
        self._metadata = self._metadata._metadata_for_keys(keys)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, type_: Any, value: Any, traceback: Any) -> None:
        self._soft_close(hard=True)


def _unhashable(row: Any, strategy: Optional[_UniqueFilterType]) -> Exception:
    """The error for a ``unique()`` key that cannot be hashed."""
    culprit: Any = type(row).__name__
    for value in row if isinstance(row, tuple) else (row,):
        try:
            hash(value)
        except TypeError:
            culprit = type(value).__name__
            break
    if strategy is not None:
        return UniqueUnhashableError(
            f"The unique() strategy {strategy!r} returned an unhashable value "
            f"(of type {culprit!r}); it must return a hashable key."
        )
    return UniqueUnhashableError(
        f"Can't apply uniqueness to row tuple containing value of type "
        f"{culprit!r}; this datatype produces non-hashable values.  Pass "
        f"unique() a strategy returning a hashable key for each row."
    )


# ---------------------------------------------------------------------------
# Result


class Result(ResultInternal[Row[Unpack[_Ts]]]):
    """Rows of a statement's result; mirrors ``sqlalchemy.engine.Result``.

    A Result is an iterator of :class:`~quicksilver.engine.row.Row`.  Rows
    are read once: ``all()``, iteration and the ``fetch*()`` methods consume
    them.  ``first()``, ``one()``, ``one_or_none()``, ``scalar()`` and
    friends read what they need and close the result.
    """

    _yield_per: Optional[int] = None
    _attributes: Mapping[Any, Any] = EMPTY_DICT

    def __init__(self, cursor_metadata: ResultMetaData) -> None:
        self._metadata = cursor_metadata

    @property
    def _yield_per_size(self) -> Optional[int]:
        return self._yield_per

    @property
    def closed(self) -> bool:
        """True once the result was closed (explicitly or by first()/one()...)."""
        raise NotImplementedError()

    def close(self) -> None:
        """Close the result: release its cursor; further fetches raise."""
        self._soft_close(hard=True)

    def keys(self) -> RMKeyView:
        """The column names, as a view that compares equal to a list."""
        return self._metadata.keys

    def yield_per(self, num: int) -> Self:
        """Fetch ``num`` rows at a time; the default size of ``fetchmany()``
        and ``partitions()``.  Returns this result."""
        self._yield_per = num
        return self

    def unique(self, strategy: Optional[_UniqueFilterType] = None) -> Self:
        """Skip rows equal to one already returned; returns this result.

        ``strategy`` maps a Row to the key compared (needed when values are
        not hashable).
        """
        self._set_unique(strategy)
        return self

    def columns(self, *col_expressions: _KeyType) -> Self:
        """Keep only these columns (names, positions or column objects), in
        this order; returns this result."""
        self._set_columns(col_expressions)
        return self

    def scalars(self, index: _KeyType = 0) -> "ScalarResult[Any]":
        """A view returning the values of one column instead of rows."""
        return ScalarResult(self, index)  # type: ignore[arg-type]

    def mappings(self) -> "MappingResult":
        """A view returning RowMapping objects (dict-like rows)."""
        return MappingResult(self)  # type: ignore[arg-type]

    def tuples(self) -> "TupleResult[Tuple[Unpack[_Ts]]]":
        """This result, typed as returning tuples (rows already are)."""
        return cast("TupleResult[Tuple[Unpack[_Ts]]]", self)

    @property
    def t(self) -> "TupleResult[Tuple[Unpack[_Ts]]]":
        """Short for :meth:`tuples`."""
        return cast("TupleResult[Tuple[Unpack[_Ts]]]", self)

    def _raw_row_iterator(self) -> Iterator[Any]:
        return self._fetchiter_impl()

    def __iter__(self) -> Iterator[Row[Unpack[_Ts]]]:
        return self._iter_out()

    def __next__(self) -> Row[Unpack[_Ts]]:
        return self._next_out()  # type: ignore[no-any-return]

    def partitions(
        self, size: Optional[int] = None
    ) -> Iterator[List[Row[Unpack[_Ts]]]]:
        """Lists of up to ``size`` rows (default: ``yield_per`` or all)."""
        return self._partitions(size)

    def fetchall(self) -> List[Row[Unpack[_Ts]]]:
        """Every remaining row (same as :meth:`all`)."""
        return self._fetch_all_out()

    def fetchone(self) -> Optional[Row[Unpack[_Ts]]]:
        """The next row, or ``None`` when there are no more."""
        row = self._fetch_one_out()
        return None if row is _NO_ROW else row  # type: ignore[no-any-return]

    def fetchmany(self, size: Optional[int] = None) -> List[Row[Unpack[_Ts]]]:
        """Up to ``size`` rows; ``[]`` when there are no more."""
        return self._fetch_many_out(size)

    def all(self) -> List[Row[Unpack[_Ts]]]:
        """Every remaining row, as a list."""
        return self._fetch_all_out()

    def first(self) -> Optional[Row[Unpack[_Ts]]]:
        """The first row or ``None``; closes the result."""
        return self._only_one_row(False, False)

    def one_or_none(self) -> Optional[Row[Unpack[_Ts]]]:
        """The only row or ``None``; raises MultipleResultsFound if more."""
        return self._only_one_row(True, False)

    def one(self) -> Row[Unpack[_Ts]]:
        """The only row; raises NoResultFound or MultipleResultsFound."""
        return self._only_one_row(True, True)  # type: ignore[return-value]

    def scalar(self) -> Any:
        """The first column of the first row, or ``None``; closes the result."""
        return self.scalars()._only_one_row(False, False)

    def scalar_one(self) -> Any:
        """The first column of the only row (raises like :meth:`one`)."""
        return self.scalars()._only_one_row(True, True)

    def scalar_one_or_none(self) -> Any:
        """The first column of the only row or ``None`` (as :meth:`one_or_none`)."""
        return self.scalars()._only_one_row(True, False)

    def freeze(self) -> "FrozenResult[Unpack[_Ts]]":
        """Read every row into a FrozenResult, callable to replay them."""
        return FrozenResult(self)

    def merge(self, *others: "Result[Any]") -> "MergedResult[Unpack[_Ts]]":
        """A result returning this result's rows, then the others'."""
        return MergedResult(self._metadata, (self,) + others)


class FilterResult(ResultInternal[_R]):
    """Base of the views of a Result (scalars, mappings)."""

    _real_result: "Result[Any]"

    def _fetchiter_impl(self) -> Iterator[Any]:
        return self._real_result._fetchiter_impl()

    def _fetchone_impl(self, hard_close: bool = False) -> Optional[Any]:
        return self._real_result._fetchone_impl(hard_close=hard_close)

    def _fetchmany_impl(self, size: Optional[int] = None) -> List[Any]:
        return self._real_result._fetchmany_impl(size)

    def _fetchall_impl(self) -> List[Any]:
        return self._real_result._fetchall_impl()

    def _soft_close(self, hard: bool = False) -> None:
        self._real_result._soft_close(hard=hard)

    @property
    def _attributes(self) -> Mapping[Any, Any]:
        return self._real_result._attributes

    @property
    def closed(self) -> bool:
        """True once the underlying result was closed."""
        return self._real_result.closed

    def close(self) -> None:
        """Close the underlying result."""
        self._real_result.close()

    def yield_per(self, num: int) -> Self:
        """Set ``yield_per`` on the underlying result; returns this view."""
        self._real_result.yield_per(num)
        return self


class ScalarResult(FilterResult[_R]):
    """Values of one column; mirrors ``sqlalchemy.engine.ScalarResult``.

    From ``Result.scalars(index)``.  ``unique()`` compares values.
    """

    _view_kind = "scalar"

    def __init__(self, real_result: "Result[Any]", index: _KeyType) -> None:
        self._real_result = real_result
        self._source_supports_scalars = real_result._source_supports_scalars
        if real_result._source_supports_scalars:
            self._metadata = real_result._metadata
        else:
            self._metadata = real_result._metadata._metadata_for_keys([index])
        self._unique_filter_state = real_result._unique_filter_state
        self._row_logging_fn = real_result._row_logging_fn

    def unique(self, strategy: Optional[_UniqueFilterType] = None) -> Self:
        """Skip values already returned; returns this view."""
        self._set_unique(strategy)
        return self

    def partitions(self, size: Optional[int] = None) -> Iterator[List[_R]]:
        """Lists of up to ``size`` values."""
        return self._partitions(size)

    def fetchall(self) -> List[_R]:
        """Every remaining value (same as :meth:`all`)."""
        return self._fetch_all_out()

    def fetchmany(self, size: Optional[int] = None) -> List[_R]:
        """Up to ``size`` values."""
        return self._fetch_many_out(size)

    def all(self) -> List[_R]:
        """Every remaining value, as a list."""
        return self._fetch_all_out()

    def __iter__(self) -> Iterator[_R]:
        return self._iter_out()

    def __next__(self) -> _R:
        return self._next_out()  # type: ignore[no-any-return]

    def first(self) -> Optional[_R]:
        """The first value or ``None``; closes the result."""
        return self._only_one_row(False, False)

    def one_or_none(self) -> Optional[_R]:
        """The only value or ``None``; raises MultipleResultsFound if more."""
        return self._only_one_row(True, False)

    def one(self) -> _R:
        """The only value; raises NoResultFound or MultipleResultsFound."""
        return self._only_one_row(True, True)  # type: ignore[return-value]


class TupleResult(FilterResult[_R]):
    """A Result typed as returning tuples; mirrors SQLAlchemy's typing-only class.

    ``Result.tuples()`` returns the Result itself: rows already are tuples.
    """


class MappingResult(FilterResult[RowMapping]):
    """RowMapping objects; mirrors ``sqlalchemy.engine.MappingResult``."""

    _view_kind = "mapping"

    def __init__(self, result: "Result[Any]") -> None:
        self._real_result = result
        self._unique_filter_state = result._unique_filter_state
        self._metadata = result._metadata
        self._row_logging_fn = result._row_logging_fn
        self._source_supports_scalars = result._source_supports_scalars
        if result._source_supports_scalars:
            self._metadata = result._metadata._metadata_for_keys([0])
            self._source_supports_scalars = True

    def keys(self) -> RMKeyView:
        """The column names, as a view that compares equal to a list."""
        return self._metadata.keys

    def unique(self, strategy: Optional[_UniqueFilterType] = None) -> Self:
        """Skip rows already returned; returns this view."""
        self._set_unique(strategy)
        return self

    def columns(self, *col_expressions: _KeyType) -> Self:
        """Keep only these columns, in this order; returns this view."""
        self._set_columns(col_expressions)
        return self

    def partitions(self, size: Optional[int] = None) -> Iterator[List[RowMapping]]:
        """Lists of up to ``size`` mappings."""
        return self._partitions(size)

    def fetchall(self) -> List[RowMapping]:
        """Every remaining mapping (same as :meth:`all`)."""
        return self._fetch_all_out()

    def fetchone(self) -> Optional[RowMapping]:
        """The next mapping, or ``None``."""
        row = self._fetch_one_out()
        return None if row is _NO_ROW else row  # type: ignore[no-any-return]

    def fetchmany(self, size: Optional[int] = None) -> List[RowMapping]:
        """Up to ``size`` mappings."""
        return self._fetch_many_out(size)

    def all(self) -> List[RowMapping]:
        """Every remaining mapping, as a list."""
        return self._fetch_all_out()

    def __iter__(self) -> Iterator[RowMapping]:
        return self._iter_out()

    def __next__(self) -> RowMapping:
        return self._next_out()  # type: ignore[no-any-return]

    def first(self) -> Optional[RowMapping]:
        """The first mapping or ``None``; closes the result."""
        return self._only_one_row(False, False)

    def one_or_none(self) -> Optional[RowMapping]:
        """The only mapping or ``None``; raises MultipleResultsFound if more."""
        return self._only_one_row(True, False)

    def one(self) -> RowMapping:
        """The only mapping; raises NoResultFound or MultipleResultsFound."""
        return self._only_one_row(True, True)  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# concrete results


class IteratorResult(Result[Unpack[_Ts]]):
    """A Result over an iterator of raw rows; mirrors SQLAlchemy's class.

    ``IteratorResult(SimpleResultMetaData(["a", "b"]), iter([(1, 2)]))`` is a
    complete result; the ORM and tests build results this way.
    """

    _hard_closed = False
    _soft_closed = False

    def __init__(
        self,
        cursor_metadata: ResultMetaData,
        iterator: Iterator[Any],
        raw: Optional[Result[Any]] = None,
        _source_supports_scalars: bool = False,
        context: Optional[Any] = None,
    ) -> None:
        self._metadata = cursor_metadata
        self.iterator = iterator
        self.raw = raw
        self._source_supports_scalars = _source_supports_scalars
        self.context = context

    @property
    def closed(self) -> bool:
        """True once the result was hard-closed."""
        return self._hard_closed

    def _soft_close(self, hard: bool = False, **kw: Any) -> None:
        if hard:
            self._hard_closed = True
        if self.raw is not None:
            self.raw._soft_close(hard=hard, **kw)
        self.iterator = iter(())
        self._soft_closed = True

    def _raise_hard_closed(self) -> NoReturn:
        raise _closed_error()

    def _close_when_exhausted(self) -> Iterator[Any]:
        # Chained after the rows: runs once they are all read, yields nothing.
        self._soft_close()
        return
        yield  # pragma: no cover - makes this a generator

    def _fetchiter_impl(self) -> Iterator[Any]:
        if self._hard_closed:
            self._raise_hard_closed()
        return itertools.chain(self.iterator, self._close_when_exhausted())

    def _fetchone_impl(self, hard_close: bool = False) -> Optional[Any]:
        if self._hard_closed:
            self._raise_hard_closed()
        row = next(self.iterator, _NO_ROW)
        if row is _NO_ROW:
            self._soft_close(hard=hard_close)
            return None
        return row

    def _fetchall_impl(self) -> List[Any]:
        if self._hard_closed:
            self._raise_hard_closed()
        try:
            return list(self.iterator)
        finally:
            self._soft_close()

    def _fetchmany_impl(self, size: Optional[int] = None) -> List[Any]:
        if self._hard_closed:
            self._raise_hard_closed()
        if size is None:
            return self._fetchall_impl()
        return list(itertools.islice(self.iterator, size))


class ChunkedIteratorResult(IteratorResult[Unpack[_Ts]]):
    """A Result over a function yielding chunks of raw rows (the ORM's loader).

    ``chunks(size)`` returns an iterator of lists; ``size`` is ``yield_per``
    (``None`` for "your choice").  With ``dynamic_yield_per`` each
    ``fetchmany(n)`` asks for chunks of ``n``.
    """

    def __init__(
        self,
        cursor_metadata: ResultMetaData,
        chunks: Callable[[Optional[int]], Iterator[Sequence[Any]]],
        source_supports_scalars: bool = False,
        raw: Optional[Result[Any]] = None,
        dynamic_yield_per: bool = False,
        context: Optional[Any] = None,
    ) -> None:
        self.chunks = chunks
        self.dynamic_yield_per = dynamic_yield_per
        super().__init__(
            cursor_metadata,
            itertools.chain.from_iterable(chunks(None)),
            raw=raw,
            _source_supports_scalars=source_supports_scalars,
            context=context,
        )

    def yield_per(self, num: int) -> Self:
        """Ask for chunks of ``num`` rows from now on; returns this result."""
        self._yield_per = num
        self.iterator = itertools.chain.from_iterable(self.chunks(num))
        return self

    def _soft_close(self, hard: bool = False, **kw: Any) -> None:
        super()._soft_close(hard=hard, **kw)
        self.chunks = lambda size: iter(())

    def _fetchmany_impl(self, size: Optional[int] = None) -> List[Any]:
        if self.dynamic_yield_per:
            self.iterator = itertools.chain.from_iterable(self.chunks(size))
        return super()._fetchmany_impl(size)

    def _fetchall_impl(self) -> List[Any]:
        # The cyclic GC stays paused for the whole fetch, not chunk by chunk:
        # every object a load builds is live (it is returned), yet with the
        # collector running between chunks the young and middle generations
        # were traversed again and again -- half the time of loading 100,000
        # objects.  Collection resumes when the rows are all read; nothing is
        # skipped, and the pause never outlives this call.
        with gc_paused():
            return super()._fetchall_impl()


class MergedResult(IteratorResult[Unpack[_Ts]]):
    """The rows of several results of the same shape, one after the other."""

    def __init__(
        self, cursor_metadata: ResultMetaData, results: Sequence[Result[Any]]
    ) -> None:
        self._results = results
        super().__init__(
            cursor_metadata,
            itertools.chain.from_iterable(r._raw_row_iterator() for r in results),
            _source_supports_scalars=results[0]._source_supports_scalars,
        )
        self._unique_filter_state = results[0]._unique_filter_state
        self._yield_per = results[0]._yield_per
        attributes: Dict[Any, Any] = {}
        for result in results:
            attributes.update(result._attributes)
        self._attributes = attributes

    def _soft_close(self, hard: bool = False, **kw: Any) -> None:
        for result in self._results:
            result._soft_close(hard=hard, **kw)
        super()._soft_close(hard=hard, **kw)


class FrozenResult(Generic[Unpack[_Ts]]):
    """The rows of a result kept in memory; call it for a fresh Result.

    Mirrors ``sqlalchemy.engine.FrozenResult`` (used for result caching).
    """

    def __init__(self, result: Result[Unpack[_Ts]]) -> None:
        self.metadata = result._metadata._for_freeze()
        self._source_supports_scalars = result._source_supports_scalars
        self._attributes = result._attributes
        self.data: Sequence[Any]
        if self._source_supports_scalars:
            self.data = list(result._raw_row_iterator())
        else:
            self.data = result.fetchall()

    def rewrite_rows(self) -> List[List[Any]]:
        """The rows as lists, for code that edits them before ``with_new_rows``."""
        if self._source_supports_scalars:
            return [[elem] for elem in self.data]
        return [list(row) for row in self.data]

    def with_new_rows(
        self, tuple_data: Sequence[Sequence[Any]]
    ) -> "FrozenResult[Unpack[_Ts]]":
        """A FrozenResult with the same columns and other rows."""
        frozen = FrozenResult.__new__(FrozenResult)
        frozen.metadata = self.metadata
        frozen._attributes = self._attributes
        frozen._source_supports_scalars = self._source_supports_scalars
        if self._source_supports_scalars:
            frozen.data = [row[0] for row in tuple_data]
        else:
            frozen.data = list(tuple_data)
        return frozen

    def __call__(self) -> IteratorResult[Unpack[_Ts]]:
        result: IteratorResult[Unpack[_Ts]] = IteratorResult(
            self.metadata,
            iter(self.data),
            _source_supports_scalars=self._source_supports_scalars,
        )
        result._attributes = self._attributes
        return result


def null_result() -> IteratorResult[Any]:
    """An empty result with no columns."""
    return IteratorResult(SimpleResultMetaData([]), iter(()))
