"""Running a statement object again the way it ran before ("the memo path").

A statement executed on a Connection with no events, no options and no echo
leaves a memo in its ``__dict__``: the Compiled, its extracted parameters and
a plan for turning the caller's parameters into the driver's.  The next
``execute()`` of the same object skips the cache key and the cache lookup.

The commonest shape -- a SELECT with one bind parameter, given under its own
name, on a dialect that calls the driver directly (``select(...).where(
t.c.id == bindparam("ident"))``) -- gets its own memo, :class:`OneBindMemo`,
and its own result class, :class:`PreparedCursorResult`, whose execution
context is only built if something asks for it: on that path the context is
the largest single cost after the driver's own work, and ``first()`` or
``scalar()`` never look at it.
"""

from __future__ import annotations

from typing import Any, Optional

from ..util import memoized_property
from .cursor import CursorResult
from .default import DefaultDialect, DefaultExecutionContext

_default_create_cursor = DefaultExecutionContext.create_cursor
_default_do_execute = DefaultDialect.do_execute
_default_post_exec = DefaultExecutionContext.post_exec


class OneBind(tuple):  # type: ignore[type-arg]
    """The memo plan of a statement with one caller-given bind parameter:
    ``(name, processor, pass-through class)``."""

    __slots__ = ()


class NoPassthrough:
    """No value is of this class: every value goes through its processor."""


class NamedPlan(dict):  # type: ignore[type-arg]
    """Bind processors of a named-paramstyle statement (a dict: never a tuple)."""

    __slots__ = ()


def memo_plan(elem: Any, dialect: Any, compiled: Any, for_executemany: bool) -> Any:
    """``((bind name, processor, pass-through class), ...)`` for running
    ``compiled`` through the memo path, or None if it needs the general one.
    A value of the pass-through class needs no processing (an ``int`` for
    ``Integer``'s bind check), so the hot loop tests its class, not a call.

    Only what the memo path can run unchanged: a single-row positional
    SELECT with no IN expansion, no prefetch and no RETURNING bookkeeping.
    Statements are immutable (generative methods copy), so a memo stays true
    for its statement object's life; it is per dialect instance.
    """
    if for_executemany or not elem.supports_execution:
        return None
    if (
        compiled.isinsert
        or compiled.isupdate
        or compiled.isdelete
        or compiled.prefetch
        or getattr(compiled, "has_expanding", False)
        or getattr(compiled, "isddl", False)
    ):
        return None
    processors = compiled.bind_processors or {}
    if not dialect.positional:
        return NamedPlan(processors)
    positions = compiled.positiontup or ()
    infos = getattr(compiled, "_bind_infos", None)
    if (
        len(positions) == 1
        and infos is not None
        and len(infos) == 1
        and infos[0].name == positions[0]
        and infos[0].lookup == positions[0]
    ):
        proc = processors.get(positions[0])
        return OneBind(
            (positions[0], proc, getattr(proc, "_qs_passthrough", NoPassthrough))
        )
    return tuple(
        (key, proc, getattr(proc, "_qs_passthrough", NoPassthrough))
        for key, proc in (
            (key, processors.get(key)) for key in compiled.positiontup or ()
        )
    )


def plain_execution(dialect: Any) -> bool:
    """True when ``dialect`` keeps the default cursor creation, execution and
    post-execution steps, so the memo path may call the driver directly
    (worked out once per dialect: class attribute lookups cost a little on
    every call)."""
    plain = dialect.__dict__.get("_qs_plain_execution")
    if plain is None:
        ctx_cls = dialect.execution_ctx_cls
        plain = dialect._qs_plain_execution = bool(
            ctx_cls.create_cursor is _default_create_cursor
            and ctx_cls.post_exec is _default_post_exec
            and type(dialect).do_execute is _default_do_execute
        )
    return plain  # type: ignore[no-any-return]


class OneBindMemo:
    """The memo of a one-bind SELECT on a plain-execution dialect.

    ``metadata`` is filled in by the first run through the memo path, once
    the statement's result metadata is cached on the Compiled; ``ncols`` is
    the column count it was made for (a different ``cursor.description``
    length sends the run down the general result path).
    """

    __slots__ = (
        "dialect",
        "ident",
        "name",
        "proc",
        "passthrough",
        "compiled",
        "extracted",
        "sql",
        "metadata",
        "ncols",
    )

    def __init__(
        self, dialect: Any, ident: int, plan: OneBind, compiled: Any, extracted: Any
    ) -> None:
        self.dialect = dialect
        self.ident = ident
        self.name, self.proc, self.passthrough = plan
        self.compiled = compiled
        self.extracted = extracted
        self.sql = compiled.string
        self.metadata: Optional[Any] = None
        self.ncols = -1

    def learn_metadata(self, description: Any) -> None:
        """Take the Compiled's cached result metadata once it exists and is
        valid for any run of this statement (not rechecked per description)."""
        cached = self.compiled.__dict__.get("_qs_cached_metadata")
        if cached is not None and not cached[3] and cached[2] == len(description):
            self.metadata = cached[1]
            self.ncols = cached[2]


def one_bind_context(
    connection: Any,
    fairy: Any,
    memo: OneBindMemo,
    statement: Any,
    value: Any,
    processed: Any,
    cursor: Any,
) -> DefaultExecutionContext:
    """The execution context of a one-bind memo run, made when asked for."""
    context = connection._bare_context(
        fairy,
        memo.compiled,
        statement,
        memo.extracted,
        "cached",
        {memo.name: value},
        memo.sql,
        (processed,),
    )
    context.cursor = cursor
    return context  # type: ignore[no-any-return]


class PreparedCursorResult(CursorResult):
    """A CursorResult of a one-bind memo run (see the module docstring).

    Holds what its execution context would be made of in ``_qs_origin``
    (``(fairy, memo, statement, value, processed)``) and builds the context
    the first time ``context`` is read.
    """

    _qs_origin: tuple[Any, ...]

    @memoized_property
    def context(self) -> DefaultExecutionContext:  # type: ignore[override]
        fairy, memo, statement, value, processed = self._qs_origin
        return one_bind_context(
            self.connection, fairy, memo, statement, value, processed, self.cursor
        )

    @property
    def dialect(self) -> Any:  # type: ignore[override]
        return self.connection.dialect

    def first(self) -> Any:
        """``CursorResult.first`` for a result that cannot have row logging,
        a scalar view or no rows: only unique() or a close change the path.

        The fetch-and-close below repeats ``CursorResult.first``'s on
        purpose (keep the two in step): a shared helper is one Python call
        more on the select-by-key path issue 3 measures."""
        if (
            self._unique_filter_state is not None
            or self._soft_closed
            or self._hard_closed
        ):
            return super().first()
        cursor = self.cursor
        try:
            raw = cursor.fetchone()
        finally:
            # _soft_close(hard=True), inlined; a SELECT's context keeps no
            # rowcount, so there is none to save (rowcount asks the cursor)
            self._soft_closed = self._hard_closed = True
            try:
                cursor.close()
            except Exception:
                pass
        return None if raw is None else self._metadata._row_maker(raw)
