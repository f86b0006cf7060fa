"""CursorResult: a Result over a DBAPI cursor.

The column metadata of a compiled SELECT depends only on the compiled
statement and the shape of ``cursor.description``, so it is built once and
cached on the Compiled object; running the same statement shape again costs
a dict lookup, not a rebuild of keymaps, processors and Row classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Sequence, TypeVar

from .. import exc
from .result import Result, ResultMetaData

if TYPE_CHECKING:
    from .default import DefaultExecutionContext

_T = TypeVar("_T")


class CursorResultMetaData(ResultMetaData):
    """Column metadata from ``cursor.description`` plus the compiled columns.

    Names come from the cursor; when the statement was compiled, each column
    is also reachable by the Column/label objects it was selected as, and gets
    its type's result processor.
    """

    def __init__(
        self,
        description: Sequence[Any],
        result_columns: Optional[Sequence[Any]] = None,
        dialect: Any = None,
        textual_types: Optional[dict[str, Any]] = None,
    ) -> None:
        keys = [d[0] for d in description]
        keymap: dict[Any, int] = {}
        seen: dict[str, int] = {}
        ambiguous: set[Any] = set()
        for index, key in enumerate(keys):
            if key in seen:
                ambiguous.add(key)
            seen[key] = index
            keymap[key] = index
        processors: List[Any] = [None] * len(keys)
        if result_columns and len(result_columns) == len(keys):
            for index, entry in enumerate(result_columns):
                keyname, objects, type_ = entry[0], entry[2], entry[3]
                for obj in objects or ():
                    try:
                        keymap.setdefault(obj, index)
                    except TypeError:
                        pass
                if keyname is not None and keyname != keys[index]:
                    keymap.setdefault(keyname, index)
                if type_ is not None and dialect is not None:
                    processors[index] = type_._cached_result_processor(
                        dialect, description[index][1]
                    )
        elif result_columns:
            by_name = {}
            for entry in result_columns:
                by_name.setdefault(entry[1], entry)
                by_name.setdefault(entry[0], entry)
            for index, key in enumerate(keys):
                entry = by_name.get(key)
                if entry is None:
                    continue
                for obj in entry[2] or ():
                    try:
                        keymap.setdefault(obj, index)
                    except TypeError:
                        pass
                if entry[3] is not None and dialect is not None:
                    processors[index] = entry[3]._cached_result_processor(
                        dialect, description[index][1]
                    )
        if textual_types:
            for index, key in enumerate(keys):
                type_ = textual_types.get(key)
                if type_ is not None and dialect is not None:
                    processors[index] = type_._cached_result_processor(
                        dialect, description[index][1]
                    )
        for key in ambiguous:
            keymap.pop(key, None)
        self._keys = keys
        self._keymap = keymap
        self._ambiguous_keys = frozenset(ambiguous)
        self._processors = (
            processors if any(p is not None for p in processors) else None
        )

    def __repr__(self) -> str:
        return f"CursorResultMetaData({self._keys!r})"


class _NoResultMetaData(ResultMetaData):
    """Metadata of a statement that returns no rows: every use raises."""

    _processors = None

    def _we_dont_return_rows(self, err: Optional[BaseException] = None) -> Any:
        raise exc.ResourceClosedError(
            "This result object does not return rows. It has been closed automatically."
        ) from err

    @property
    def _keys(self) -> List[str]:  # type: ignore[override]
        self._we_dont_return_rows()

    @property
    def _keymap(self) -> dict[Any, int]:  # type: ignore[override]
        self._we_dont_return_rows()

    @property
    def keys(self) -> Any:
        self._we_dont_return_rows()

    @property
    def _row_maker(self) -> Any:  # type: ignore[override]
        self._we_dont_return_rows()

    def _scalar_maker(self, index: int = 0) -> Any:
        self._we_dont_return_rows()

    def _index_for_key(self, key: Any, raiseerr: bool = True) -> Any:
        self._we_dont_return_rows()

    def _metadata_for_keys(self, keys: Sequence[Any]) -> Any:
        self._we_dont_return_rows()


_NO_RESULT_METADATA = _NoResultMetaData()


def _row_logger(logger: Any) -> Any:
    def log_row(row: Any) -> Any:
        logger.debug("Row %r", row)
        return row

    return log_row


def _description_key(description: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(d[0] for d in description)


class CursorResult(Result[Any]):
    """The result of executing a statement on a Connection.

    Mirrors ``sqlalchemy.engine.CursorResult``: rows plus ``rowcount``,
    ``lastrowid``, ``inserted_primary_key``, ``returned_defaults``.
    """

    _soft_closed = False
    _hard_closed = False
    _no_rows = False
    _rowcount_at_close: Optional[int] = None

    def __init__(
        self, context: "DefaultExecutionContext", description: Optional[Sequence[Any]]
    ) -> None:
        self.context = context
        self.dialect = context.dialect
        self.cursor = context.cursor
        self.connection = context.root_connection
        if description is None:
            metadata: ResultMetaData = _NO_RESULT_METADATA
            self._no_rows = True
            self._soft_close()
        else:
            metadata = self._metadata_from(context, description)
            if self.connection._echo:
                logger = self.connection.engine.logger
                if logger.isEnabledFor(10):  # echo="debug": log each row too
                    logger.debug("Col %r", tuple(d[0] for d in description))
                    self._row_logging_fn = _row_logger(logger)
        Result.__init__(self, metadata)

    @staticmethod
    def _metadata_from(
        context: "DefaultExecutionContext", description: Sequence[Any]
    ) -> ResultMetaData:
        compiled = context.compiled
        if compiled is None:
            # driver SQL: metadata depends only on the column names, so reuse
            # it per dialect (a small bounded dict, cleared when full)
            key = _description_key(description)
            cache = context.dialect.__dict__.get("_qs_raw_metadata")
            if cache is None:
                cache = context.dialect._qs_raw_metadata = {}
            metadata = cache.get(key)
            if metadata is None:
                if len(cache) >= 256:
                    cache.clear()
                metadata = cache[key] = CursorResultMetaData(description)
            return metadata
        cached = getattr(compiled, "_qs_cached_metadata", None)
        if cached is not None and cached[2] == len(description):
            if not cached[3]:
                # a compiled SELECT names its columns itself: same shape
                return cached[1]  # type: ignore[no-any-return]
            if cached[0] == _description_key(description):
                return cached[1]  # type: ignore[no-any-return]
        key = _description_key(description)
        metadata = CursorResultMetaData(
            description,
            getattr(compiled, "result_columns", None),
            context.dialect,
            getattr(compiled, "_textual_ordered_types", None),
        )
        # textual SQL (text(), columns chosen by the string) rechecks names
        recheck = bool(getattr(compiled, "is_text", False)) or not getattr(
            compiled, "result_columns", None
        )
        try:
            compiled._qs_cached_metadata = (key, metadata, len(description), recheck)
        except AttributeError:
            pass
        return metadata

    def first(self) -> Any:
        """The first row or ``None``; closes the result.

        The plain case (no unique(), no row logging, rows still to read) in
        one step: ``first()`` after ``execute()`` is the commonest Core call.
        ``PreparedCursorResult.first`` (engine/_prepared.py) repeats the
        fetch-and-close; keep the two in step.
        """
        if (
            self._unique_filter_state is not None
            or self._soft_closed
            or self._hard_closed
            or self._no_rows
            or self._row_logging_fn is not None
            or self._view_kind != "row"
            or self._source_supports_scalars
        ):
            return super().first()
        cursor = self.cursor
        try:
            raw = cursor.fetchone()
        finally:
            # _soft_close(hard=True), inlined
            self._soft_closed = self._hard_closed = True
            if self._rowcount_at_close is None:
                self._rowcount_at_close = self.context._rowcount
            try:
                cursor.close()
            except Exception:
                pass
        return None if raw is None else self._metadata._row_maker(raw)

    # -- the fetch protocol -------------------------------------------------

    def _fetchiter_impl(self) -> Iterator[Any]:
        if self._no_rows:
            _NO_RESULT_METADATA._we_dont_return_rows()
        if self._hard_closed:
            raise exc.ResourceClosedError("This result object is closed.")
        if self._soft_closed:
            return iter(())
        return self._iter_cursor()

    def _iter_cursor(self) -> Iterator[Any]:
        cursor = self.cursor
        while True:
            rows = cursor.fetchmany(1000)
            if not rows:
                self._soft_close()
                return
            yield from rows

    def _fetchone_impl(self, hard_close: bool = False) -> Optional[Any]:
        if self._no_rows:
            _NO_RESULT_METADATA._we_dont_return_rows()
        if self._hard_closed:
            raise exc.ResourceClosedError("This result object is closed.")
        if self._soft_closed:
            return None
        row = self.cursor.fetchone()
        if row is None:
            self._soft_close(hard=hard_close)
        return row

    def _fetchmany_impl(self, size: Optional[int] = None) -> List[Any]:
        if self._no_rows:
            _NO_RESULT_METADATA._we_dont_return_rows()
        if self._hard_closed:
            raise exc.ResourceClosedError("This result object is closed.")
        if self._soft_closed:
            return []
        if size is None:
            rows = self.cursor.fetchmany()
        else:
            rows = self.cursor.fetchmany(size)
        if not rows:
            self._soft_close()
        return list(rows)

    def _fetchall_impl(self) -> List[Any]:
        if self._no_rows:
            _NO_RESULT_METADATA._we_dont_return_rows()
        if self._hard_closed:
            raise exc.ResourceClosedError("This result object is closed.")
        if self._soft_closed:
            return []
        rows = self.cursor.fetchall()
        self._soft_close()
        return rows  # type: ignore[no-any-return]

    def _soft_close(self, hard: bool = False) -> None:
        if not self._soft_closed:
            self._soft_closed = True
            if self._rowcount_at_close is None:
                # only what was read before closing survives the close
                self._rowcount_at_close = self.context._rowcount
            try:
                self.cursor.close()
            except Exception:
                pass
        if hard and not self._no_rows:
            # a result without rows stays "open" through first()/scalar()
            # (which raise), as in SQLAlchemy; only close() closes it
            self._hard_closed = True

    @property
    def closed(self) -> bool:
        return self._hard_closed

    def close(self) -> None:
        """Release the cursor; later fetches raise ResourceClosedError."""
        self._soft_close(hard=True)
        self._hard_closed = True

    # -- cursor facts ---------------------------------------------------------

    @property
    def returns_rows(self) -> bool:
        """True if the statement produced rows (even zero rows)."""
        return self._metadata is not _NO_RESULT_METADATA

    @property
    def is_insert(self) -> bool:
        return bool(self.context.isinsert)

    @property
    def rowcount(self) -> int:
        """Rows matched by an UPDATE/DELETE (driver's ``cursor.rowcount``)."""
        if self._rowcount_at_close is not None and self._soft_closed:
            return self._rowcount_at_close
        return self.context.rowcount

    @property
    def lastrowid(self) -> Any:
        try:
            return self.context.get_lastrowid()
        except BaseException as err:  # pragma: no cover - driver failure
            self.connection._handle_dbapi_exception(
                err, None, None, self.cursor, self.context
            )
            raise

    @property
    def inserted_primary_key_rows(self) -> List[Any]:
        ctx = self.context
        if not ctx.compiled:
            raise exc.InvalidRequestError(
                "Statement is not a compiled expression construct."
            )
        if not ctx.isinsert:
            raise exc.InvalidRequestError(
                "Statement is not an insert() expression construct."
            )
        if ctx._is_explicit_returning:
            raise exc.InvalidRequestError(
                "Can't call inserted_primary_key when returning() is used."
            )
        return list(ctx.inserted_primary_key_rows or [])

    @property
    def inserted_primary_key(self) -> Any:
        """The primary key of the row a single-row INSERT created, as a Row."""
        if self.context.executemany:
            raise exc.InvalidRequestError(
                "This statement was an executemany call; if primary key returning "
                "is supported, please use .inserted_primary_key_rows."
            )
        rows = self.inserted_primary_key_rows
        if not rows:
            return None
        from .result import result_tuple

        table = self.context.compiled.statement.table
        keys = [c.key for c in table.primary_key.columns]
        return result_tuple(keys, [[c] for c in table.primary_key.columns])(rows[0])

    @property
    def returned_defaults_rows(self) -> Optional[List[Any]]:
        return list(self.context.returned_default_rows or []) or None

    @property
    def returned_defaults(self) -> Any:
        rows = self.context.returned_default_rows
        if not rows:
            return None
        return rows[0]

    def postfetch_cols(self) -> Any:
        return getattr(self.context.compiled, "postfetch", None)

    def prefetch_cols(self) -> Any:
        prefetch = getattr(self.context.compiled, "prefetch", None) or []
        return [col for _, col, _ in prefetch]

    def supports_sane_rowcount(self) -> bool:
        return bool(self.dialect.supports_sane_rowcount)

    def supports_sane_multi_rowcount(self) -> bool:
        return bool(self.dialect.supports_sane_multi_rowcount)

    def last_inserted_params(self) -> Any:
        params = self.context.compiled_parameters
        if self.context.executemany:
            return params
        return params[0] if params else None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} returns_rows={self.returns_rows}>"


#: SQLAlchemy 1.x name
ResultProxy = CursorResult
