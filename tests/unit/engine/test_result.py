"""quicksilver.engine.result: unit tests and differential tests against SQLAlchemy.

No database: results are fed plain tuples through
``IteratorResult(SimpleResultMetaData([...]), iter(rows))``.  The differential
tests run the same scenario on SQLAlchemy's classes and on ours and compare
every value returned and every exception (class and message).
"""

from __future__ import annotations

import pickle
import warnings
from types import SimpleNamespace
from typing import Any, Callable, Iterator, List, Optional

import pytest
import sqlalchemy.engine.result as sa_result
import sqlalchemy.exc as sa_exc
from hypothesis import given, settings
from hypothesis import strategies as st

from quicksilver import exc
from quicksilver.engine import result as qs_result
from quicksilver.engine.result import (
    ChunkedIteratorResult,
    FrozenResult,
    IteratorResult,
    MappingResult,
    MergedResult,
    Result,
    ResultMetaData,
    ScalarResult,
    SimpleResultMetaData,
    null_result,
    result_tuple,
)
from quicksilver.engine.row import RMKeyView, Row, RowMapping

ROWS = [(1, "a", 10), (2, "b", 20), (1, "a", 30)]
KEYS = ["x", "y", "z"]


# ---------------------------------------------------------------------------
# differential harness


def _api(module: Any) -> SimpleNamespace:
    def mk(rows: Any = ROWS, keys: Any = KEYS, **kw: Any) -> Any:
        return module.IteratorResult(
            module.SimpleResultMetaData(keys, **kw), iter(list(rows))
        )

    return SimpleNamespace(
        mk=mk,
        IteratorResult=module.IteratorResult,
        ChunkedIteratorResult=module.ChunkedIteratorResult,
        SimpleResultMetaData=module.SimpleResultMetaData,
    )


SA = _api(sa_result)
QS = _api(qs_result)


def _norm(value: Any) -> Any:
    """Library-neutral form of a result value, for comparison."""
    if isinstance(value, (sa_result.Row, Row)):
        return ("Row", tuple(_norm(v) for v in value), tuple(value._fields))
    if isinstance(value, (sa_result.RowMapping, RowMapping)):
        return ("Mapping", [(k, _norm(v)) for k, v in value.items()])
    if isinstance(value, (sa_result.RMKeyView, RMKeyView)):
        return ("Keys", list(value))
    if isinstance(value, (list, tuple)):
        return type(value)(_norm(v) for v in value)
    if isinstance(value, (sa_result.Result, Result)):
        return "<result>"
    if isinstance(value, (sa_result.FilterResult, qs_result.FilterResult)):
        return "<view>"
    if isinstance(value, Iterator):
        return ("iter", [_norm(v) for v in value])
    if callable(value) and hasattr(value, "__self__"):
        return ("method", value.__name__)
    return value


class Recorder:
    """Runs steps, keeping each value (normalised) or exception."""

    def __init__(self) -> None:
        self.out: List[Any] = []

    def __call__(self, fn: Callable[[], Any]) -> Any:
        try:
            value = fn()
        except Exception as err:  # noqa: BLE001 - every error is compared
            self.out.append(("error", err))
            return None
        self.out.append(("ok", _norm(value)))
        return value


def _assert_same_error(sa_err: BaseException, qs_err: BaseException) -> None:
    sa_cls = type(sa_err)
    if issubclass(sa_cls, sa_exc.SQLAlchemyError):
        ours = getattr(exc, sa_cls.__name__)
        assert isinstance(qs_err, ours), (sa_err, qs_err)
        assert str(qs_err) == str(sa_err)
    else:
        # SQLAlchemy raises a built-in class (KeyError, IndexError, TypeError);
        # ours is a quicksilver error that is also an instance of that class.
        # AttributeError, TypeError from tuple operations and StopIteration are
        # Python's own protocol errors and stay as they are.
        assert isinstance(qs_err, sa_cls), (sa_err, qs_err)
        if sa_cls in (KeyError, ValueError):
            assert isinstance(qs_err, exc.SQLAlchemyError), qs_err


def _compare(sa_out: List[Any], qs_out: List[Any]) -> None:
    assert len(sa_out) == len(qs_out)
    for step, (sa_item, qs_item) in enumerate(zip(sa_out, qs_out, strict=True)):
        assert sa_item[0] == qs_item[0], (step, sa_item, qs_item)
        if sa_item[0] == "error":
            _assert_same_error(sa_item[1], qs_item[1])
        else:
            assert qs_item[1] == sa_item[1], (step, sa_item, qs_item)


def differential(scenario: Callable[[SimpleNamespace, Recorder], None]) -> None:
    outputs = []
    for api in (SA, QS):
        rec = Recorder()
        with warnings.catch_warnings():
            # SQLAlchemy 2.1 deprecates tuples()/t/_t, which quicksilver keeps.
            warnings.simplefilter("ignore", DeprecationWarning)
            scenario(api, rec)
        outputs.append(rec.out)
    _compare(*outputs)


# ---------------------------------------------------------------------------
# scenarios


def sc_first_closes(a: Any, rec: Recorder) -> None:
    r = a.mk()
    rec(r.first)
    rec(lambda: r.closed)
    rec(r.all)
    rec(r.fetchone)
    rec(r.first)
    rec(lambda: list(r))
    rec(lambda: r.keys())


def sc_one_variants(a: Any, rec: Recorder) -> None:
    for rows in ([], [(1, "a", 10)], ROWS):
        for method in (
            "one",
            "one_or_none",
            "first",
            "scalar",
            "scalar_one",
            "scalar_one_or_none",
            "all",
            "fetchall",
        ):
            r = a.mk(rows)
            rec(getattr(r, method))
            rec(lambda r=r: r.closed)
            rec(getattr(r, method))


def sc_scalars(a: Any, rec: Recorder) -> None:
    rec(lambda: a.mk().scalars().all())
    rec(lambda: a.mk().scalars(1).all())
    rec(lambda: a.mk().scalars("z").all())
    rec(lambda: a.mk().scalars(-1).all())
    rec(lambda: a.mk().scalars("nope").all())
    rec(lambda: a.mk().scalars(9).all())
    rec(lambda: list(a.mk().scalars()))
    rec(lambda: a.mk().scalars().fetchmany(2))
    rec(lambda: a.mk().scalars().fetchall())
    rec(lambda: list(a.mk().scalars().partitions(2)))
    rec(lambda: a.mk().scalars().first())
    rec(lambda: a.mk().scalars().one())
    rec(lambda: a.mk().scalars().one_or_none())
    rec(lambda: a.mk([(5, 6, 7)]).scalars(2).one())
    rec(lambda: a.mk([]).scalars().one_or_none())
    rec(lambda: a.mk().scalars().unique().all())
    rec(lambda: a.mk().scalars(1).unique().all())
    rec(lambda: a.mk().unique().scalars(1).all())
    s = a.mk().scalars()
    rec(lambda: next(s))
    rec(lambda: s.closed)
    rec(s.close)
    rec(lambda: s.closed)
    rec(s.all)


def sc_mappings(a: Any, rec: Recorder) -> None:
    rec(lambda: a.mk().mappings().all())
    rec(lambda: a.mk().mappings().keys())
    rec(lambda: a.mk().mappings().columns("z", "x").all())
    rec(lambda: a.mk().mappings().first())
    rec(lambda: a.mk().mappings().one())
    rec(lambda: a.mk([(1, 2, 3)]).mappings().one())
    rec(lambda: a.mk().mappings().one_or_none())
    rec(lambda: a.mk().mappings().fetchmany(2))
    rec(lambda: list(a.mk().mappings().partitions(2)))
    rec(lambda: list(a.mk().mappings()))
    rec(lambda: a.mk().mappings().unique().all())
    r = a.mk()
    m = r.mappings()
    rec(m.fetchone)
    rec(r.fetchone)
    rec(lambda: m.fetchmany(5))
    rec(m.fetchone)
    r = a.mk()
    rec(lambda: r.mappings().first())
    rec(lambda: r.closed)


def sc_columns(a: Any, rec: Recorder) -> None:
    rec(lambda: a.mk().columns("z", 0).all())
    rec(lambda: a.mk().columns("y").all())
    rec(lambda: a.mk().columns(-1, "x").all())
    rec(lambda: a.mk().columns("q"))
    rec(lambda: a.mk().columns(9))
    rec(lambda: a.mk().columns("z", "x").keys())
    rec(lambda: a.mk().columns("z", "x").scalars().all())
    rec(lambda: a.mk().columns("z", "x").columns("x").all())
    rec(lambda: a.mk().columns("z", "x").mappings().all())
    rec(lambda: a.mk().columns("x").unique().all())
    rec(lambda: a.mk().columns("x", "y").unique().one())
    rec(lambda: a.mk().columns("x", "y").unique().all())
    r = a.mk()
    rec(lambda: r.columns("x") is r)
    r = a.mk()
    rec(r.fetchone)
    rec(lambda: r.columns("z").all())
    rec(lambda: a.mk([(1, 2)], ["x", "x"]).columns("x").all())


def sc_keys(a: Any, rec: Recorder) -> None:
    k = a.mk().keys()
    rec(lambda: k)
    rec(lambda: k == ["x", "y", "z"])
    rec(lambda: k == ("x", "y", "z"))
    rec(lambda: k == ["x", "y"])
    rec(lambda: "x" in k)
    rec(lambda: "q" in k)
    rec(lambda: 0 in k)
    rec(lambda: len(k))
    rec(lambda: list(k))
    rec(lambda: repr(k))
    rec(lambda: a.mk([], []).keys())


def sc_unique(a: Any, rec: Recorder) -> None:
    rec(lambda: a.mk().unique().all())
    rec(lambda: a.mk().unique(lambda r: r[0]).all())
    rec(lambda: a.mk().unique(lambda r: r.y).fetchmany(2))
    r = a.mk().unique(lambda r: r[0])
    rec(lambda: r.fetchmany(1))
    rec(lambda: r.fetchmany(1))
    rec(lambda: r.fetchmany(1))
    rec(lambda: list(a.mk().unique(lambda r: r[0]).partitions(1)))
    rec(lambda: a.mk().unique(lambda r: r[0]).one())
    rec(lambda: a.mk([(1, 1, 1), (1, 1, 1)]).unique().one())
    rec(lambda: a.mk([(1, 1, 1), (1, 1, 1)]).unique().scalar_one())
    rec(lambda: a.mk([(1, 1, 1), (1, 1, 1)]).unique().one_or_none())
    r = a.mk()
    rec(r.fetchone)
    rec(lambda: r.unique().all())
    r = a.mk([(1, 1, 1), (1, 1, 1), (2, 2, 2)]).unique()
    rec(r.fetchone)
    rec(r.fetchone)
    rec(r.fetchone)
    rec(lambda: list(a.mk(ROWS * 3).unique()))
    r = a.mk()
    rec(lambda: r.unique() is r)


def sc_fetch(a: Any, rec: Recorder) -> None:
    r = a.mk()
    rec(lambda: r.fetchmany(2))
    rec(lambda: r.fetchmany(2))
    rec(lambda: r.fetchmany(2))
    rec(lambda: r.closed)
    rec(lambda: a.mk().fetchmany())
    r = a.mk()
    rec(r.fetchall)
    rec(r.fetchall)
    rec(r.fetchone)
    rec(lambda: r.closed)
    r = a.mk()
    rec(r.fetchone)
    rec(r.fetchone)
    rec(r.fetchone)
    rec(r.fetchone)
    rec(lambda: r.closed)
    r = a.mk()
    rec(r.close)
    rec(lambda: r.closed)
    rec(r.all)
    rec(r.fetchone)
    rec(lambda: r.fetchmany(1))
    rec(r.fetchall)
    rec(r.first)
    rec(r.one)
    rec(r.scalar)
    rec(lambda: r.keys())
    rec(lambda: list(r))
    rec(lambda: r.scalars().all())
    rec(lambda: r.mappings().all())
    rec(r.close)


def sc_iteration(a: Any, rec: Recorder) -> None:
    r = a.mk()
    rec(lambda: (next(r), next(r), next(r)))
    rec(lambda: next(r))
    rec(lambda: list(r))
    r = a.mk()
    rec(lambda: next(r))
    rec(lambda: list(r))
    r = a.mk()
    it = iter(r)
    rec(lambda: next(it))
    rec(r.fetchone)
    rec(lambda: list(it))
    rec(lambda: [row.x for row in a.mk()])
    rec(lambda: [(x, y) for x, y, _ in a.mk()])


def sc_partitions(a: Any, rec: Recorder) -> None:
    rec(lambda: list(a.mk().partitions(2)))
    rec(lambda: list(a.mk().partitions()))
    rec(lambda: list(a.mk().partitions(0)))
    rec(lambda: list(a.mk().partitions(1)))
    rec(lambda: list(a.mk().partitions(10)))
    rec(lambda: list(a.mk([]).partitions(2)))
    rec(lambda: list(a.mk().yield_per(2).partitions()))
    rec(lambda: a.mk().yield_per(2).fetchmany())
    rec(lambda: list(a.mk().yield_per(1)))
    rec(lambda: list(a.mk().yield_per(2).scalars()))
    rec(lambda: a.mk().yield_per(2).scalars().fetchmany())
    r = a.mk()
    rec(lambda: r.yield_per(5) is r)


def sc_tuples(a: Any, rec: Recorder) -> None:
    rec(lambda: a.mk().tuples().all())
    rec(lambda: a.mk().t.all())
    rec(lambda: a.mk().tuples().one_or_none())


def sc_freeze(a: Any, rec: Recorder) -> None:
    frozen = a.mk().freeze()
    rec(lambda: frozen().all())
    rec(lambda: frozen().all())
    rec(lambda: frozen().keys())
    rec(lambda: frozen().scalars(2).all())
    rec(lambda: list(frozen.data))
    rec(lambda: frozen().columns("z").all())
    frozen = a.mk().columns("z", "x").freeze()
    rec(lambda: frozen().all())
    rec(lambda: frozen().keys())
    r = a.mk()
    rec(r.fetchone)
    frozen = r.freeze()
    rec(lambda: frozen().all())
    rec(lambda: r.closed)
    frozen = a.mk().unique(lambda r: r[0]).freeze()
    rec(lambda: frozen().all())


def sc_processors(a: Any, rec: Recorder) -> None:
    procs = [None, str.upper, lambda v: v * 10]
    rows = [(1, "a", 10), (2, "b", 20)]
    rec(lambda: a.mk(rows, _processors=procs).all())
    rec(lambda: a.mk(rows, _processors=procs).scalars(1).all())
    rec(lambda: a.mk(rows, _processors=procs).scalars(0).all())
    rec(lambda: a.mk(rows, _processors=procs).columns("z", "y").all())
    rec(lambda: a.mk(rows, _processors=procs).columns("z", "y").scalars().all())
    rec(lambda: a.mk(rows, _processors=procs).mappings().all())
    rec(lambda: a.mk(rows, _processors=procs).scalar())
    rec(lambda: a.mk(rows, _processors=procs).scalar_one_or_none())
    rec(lambda: a.mk(rows, _processors=procs).first())
    rec(lambda: a.mk(rows, _processors=procs).fetchmany(1))
    rec(lambda: list(a.mk(rows, _processors=procs)))
    rec(lambda: a.mk(rows, _processors=[str, str, str]).all())
    rec(lambda: a.mk(rows, _processors=[None, None, None]).all())
    frozen = a.mk(rows, _processors=procs).freeze()
    rec(lambda: frozen().all())
    rec(lambda: frozen().all())
    rec(lambda: a.mk(rows, _processors=procs).unique(lambda r: r.y).all())


def sc_extra_keys(a: Any, rec: Recorder) -> None:
    marker = ("column", "object")
    extra = [("X", marker), (), ("Z",)]
    row = a.mk(extra=extra).first()
    rec(lambda: row._mapping["X"])
    rec(lambda: row._mapping[marker])
    rec(lambda: row._mapping["Z"])
    rec(lambda: row.X)
    rec(lambda: "X" in row._mapping)
    rec(lambda: marker in row._mapping)
    rec(lambda: "X" in a.mk(extra=extra).keys())
    rec(lambda: a.mk(extra=extra).scalars("Z").all())
    rec(lambda: a.mk(extra=extra).scalars(marker).all())
    rec(lambda: a.mk(extra=extra).columns(marker, "Z").all())
    rec(lambda: a.mk(extra=extra).columns(marker).one_or_none())
    rec(lambda: a.mk(extra=extra).columns("z", marker).first()._mapping[marker])
    rec(lambda: a.mk(extra=extra).columns("z", marker).first()._mapping["Z"])


def sc_chunked(a: Any, rec: Recorder) -> None:
    def chunks(size: Optional[int]) -> Iterator[List[Any]]:
        step = size or 2
        for start in range(0, 7, step):
            yield [(i, i * 2) for i in range(start, min(start + step, 7))]

    def mk(**kw: Any) -> Any:
        return a.ChunkedIteratorResult(a.SimpleResultMetaData(["a", "b"]), chunks, **kw)

    rec(lambda: mk().all())
    rec(lambda: mk().yield_per(3).fetchmany())
    rec(lambda: list(mk().yield_per(3).partitions()))
    rec(lambda: mk(dynamic_yield_per=True).fetchmany(3))
    r = mk()
    rec(r.fetchone)
    rec(r.close)
    rec(r.all)
    rec(lambda: mk().scalars(1).all())
    rec(lambda: mk().first())


def sc_context_manager(a: Any, rec: Recorder) -> None:
    r = a.mk()
    with r as entered:
        rec(lambda: entered is r)
        rec(entered.fetchone)
    rec(lambda: r.closed)
    rec(r.fetchone)


def sc_null(a: Any, rec: Recorder) -> None:
    module = sa_result if a is SA else qs_result
    rec(lambda: module.null_result().all())
    rec(lambda: module.null_result().keys())
    rec(lambda: module.null_result().first())
    rec(lambda: module.result_tuple(["a", "b"])((1, 2)))
    rec(lambda: module.result_tuple(["a", "b"])((1, 2)).b)
    rec(lambda: module.result_tuple(["a", "b"], [("A",), ()])((1, 2))._mapping["A"])


def sc_merge(a: Any, rec: Recorder) -> None:
    rec(lambda: a.mk().merge(a.mk([(7, "g", 70)]), a.mk([])).all())
    merged = a.mk().merge(a.mk([(7, "g", 70)]))
    rec(merged.fetchone)
    rec(lambda: merged.scalars().all())
    first, second = a.mk(), a.mk()
    merged = first.merge(second)
    rec(merged.close)
    rec(lambda: (merged.closed, first.closed, second.closed))
    rec(lambda: a.mk().unique().merge(a.mk()).all())


SCENARIOS = [
    sc_first_closes,
    sc_one_variants,
    sc_scalars,
    sc_mappings,
    sc_columns,
    sc_keys,
    sc_unique,
    sc_fetch,
    sc_iteration,
    sc_partitions,
    sc_tuples,
    sc_freeze,
    sc_processors,
    sc_extra_keys,
    sc_chunked,
    sc_context_manager,
    sc_null,
    sc_merge,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_differential(scenario: Callable[[SimpleNamespace, Recorder], None]) -> None:
    differential(scenario)


# -- random operation sequences against the oracle ---------------------------

_OPS = st.sampled_from(
    [
        "fetchone",
        "fetchmany1",
        "fetchmany2",
        "fetchmany",
        "fetchall",
        "all",
        "first",
        "one",
        "one_or_none",
        "scalar",
        "scalar_one",
        "scalar_one_or_none",
        "scalars_all",
        "scalars1_fetchmany",
        "mappings_fetchone",
        "mappings_all",
        "partitions",
        "next",
        "close",
        "closed",
        "unique",
        "unique_strategy",
        "columns_zx",
        "columns_y",
        "yield_per",
        "keys",
        "iter2",
    ]
)


def _apply(result: Any, op: str) -> Any:
    if op == "fetchmany1":
        return result.fetchmany(1)
    if op == "fetchmany2":
        return result.fetchmany(2)
    if op == "scalars_all":
        return result.scalars().all()
    if op == "scalars1_fetchmany":
        return result.scalars(-1).fetchmany(2)
    if op == "mappings_fetchone":
        return result.mappings().fetchone()
    if op == "mappings_all":
        return result.mappings().all()
    if op == "partitions":
        return list(result.partitions(2))
    if op == "next":
        return next(result)
    if op == "closed":
        return result.closed
    if op == "unique":
        return result.unique()
    if op == "unique_strategy":
        return result.unique(lambda row: row[0])
    if op == "columns_zx":
        return result.columns("z", "x") if "z" in result.keys() else None
    if op == "columns_y":
        return result.columns("y") if "y" in result.keys() else None
    if op == "yield_per":
        return result.yield_per(2)
    if op == "keys":
        return result.keys()
    if op == "iter2":
        it = iter(result)
        return [next(it, None), next(it, None)]
    return getattr(result, op)()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(["a", "b"]), st.integers(0, 3)),
        max_size=6,
    ),
    ops=st.lists(_OPS, min_size=1, max_size=8),
)
def test_random_operation_sequences(rows: List[Any], ops: List[str]) -> None:
    def scenario(a: Any, rec: Recorder) -> None:
        result = a.mk(rows)
        for op in ops:
            rec(lambda op=op: _apply(result, op))

    differential(scenario)


# ---------------------------------------------------------------------------
# quicksilver-only behaviour


def mk(rows: Any = ROWS, keys: Any = KEYS, **kw: Any) -> IteratorResult[Any]:
    return IteratorResult(SimpleResultMetaData(keys, **kw), iter(list(rows)))


def test_error_messages() -> None:
    with pytest.raises(
        exc.NoResultFound, match="^No row was found when one was required$"
    ):
        mk([]).one()
    with pytest.raises(
        exc.MultipleResultsFound,
        match="^Multiple rows were found when exactly one was required$",
    ):
        mk().one()
    with pytest.raises(
        exc.MultipleResultsFound,
        match="^Multiple rows were found when one or none was required$",
    ):
        mk().one_or_none()
    r = mk()
    r.close()
    with pytest.raises(
        exc.ResourceClosedError, match="^This result object is closed.$"
    ):
        r.all()


def test_unknown_column_errors() -> None:
    with pytest.raises(exc.NoSuchColumnError) as info:
        mk().scalars("nope")
    assert isinstance(info.value, KeyError)
    assert str(info.value) == "Could not locate column in row for column 'nope'"
    with pytest.raises(exc.NoSuchColumnError) as info2:
        mk().columns(3)
    assert isinstance(info2.value, IndexError)
    with pytest.raises(exc.ArgumentError) as info3:
        mk().columns()
    assert isinstance(info3.value, ValueError)


def test_ambiguous_column() -> None:
    result = mk([(1, 2, 3)], ["a", "a", "b"], _ambiguous_keys=frozenset(["a"]))
    with pytest.raises(exc.AmbiguousColumnError, match="Ambiguous column name 'a'"):
        result.columns("a")
    row = mk([(1, 2, 3)], ["a", "a", "b"], _ambiguous_keys=frozenset(["a"])).one()
    with pytest.raises(exc.InvalidRequestError, match="Ambiguous column name 'a'"):
        _ = row.a
    with pytest.raises(exc.InvalidRequestError):
        row._mapping["a"]
    assert row.b == 3
    assert "a" in row._mapping


def test_unique_unhashable_is_invalid_request_and_type_error() -> None:
    result = mk([([1],), ([1],)], ["x"]).unique()
    with pytest.raises(exc.InvalidRequestError, match="type 'list'") as info:
        result.all()
    assert isinstance(info.value, TypeError)
    assert "strategy" in str(info.value)
    rows = mk([([1],), ([1],), ([2],)], ["x"]).unique(lambda r: tuple(r.x)).all()
    assert rows == [([1],), ([2],)]
    with pytest.raises(qs_result.UniqueUnhashableError, match="strategy"):
        mk([([1],)], ["x"]).unique(lambda r: r.x).all()
    with pytest.raises(TypeError):
        mk([([1],), ([1],)], ["x"]).scalars().unique().all()


def test_processors_run_only_where_present() -> None:
    calls: List[Any] = []

    def proc(value: Any) -> Any:
        calls.append(value)
        return value * 2

    result = mk([(1, 2, 3), (4, 5, 6)], _processors=[None, proc, None])
    assert result.all() == [(1, 4, 3), (4, 10, 6)]
    assert calls == [2, 5]
    calls.clear()
    assert mk([(1, 2, 3)], _processors=[None, proc, None]).scalars(0).all() == [1]
    assert calls == []
    assert mk([(1, 2, 3)], _processors=[None, proc, None]).columns("y").all() == [(4,)]
    assert calls == [2]


def test_fast_path_builds_rows_with_the_row_class_itself() -> None:
    metadata = SimpleResultMetaData(KEYS)
    assert metadata._row_maker is metadata._row_class
    metadata2 = SimpleResultMetaData(KEYS, _processors=[None, None, None])
    assert metadata2._row_maker is metadata2._row_class


def test_row_class_is_per_metadata_and_cached() -> None:
    metadata = SimpleResultMetaData(KEYS)
    first = IteratorResult(metadata, iter(ROWS)).all()
    second = IteratorResult(metadata, iter(ROWS)).all()
    assert type(first[0]) is type(second[0]) is metadata._row_class
    assert type(first[0])._parent is metadata
    other = SimpleResultMetaData(KEYS)
    assert other._row_class is not metadata._row_class
    assert issubclass(metadata._row_class, Row)
    assert issubclass(metadata._row_class, tuple)


def test_wide_rows_with_processors() -> None:
    width = qs_result._MAX_COMPILED_COLUMNS + 5
    keys = [f"c{i}" for i in range(width)]
    procs = [None if i % 2 else (lambda v: -v) for i in range(width)]
    row = mk([tuple(range(width))], keys, _processors=procs).one()
    assert row[0] == 0 and row[1] == 1 and row[2] == -2
    assert row.c4 == -4
    narrow = mk([tuple(range(4))], keys[:4], _processors=procs[:4]).columns(2, 1).one()
    assert narrow == (-2, 1)


def test_raw_rows_may_be_lists() -> None:
    result = mk([[1, "a", 10], [2, "b", 20]])
    rows = result.all()
    assert rows == [(1, "a", 10), (2, "b", 20)]
    assert rows[0].y == "a"


class ListResult(Result[Any]):
    """A minimal Result subclass written only against the fetch protocol."""

    def __init__(self, metadata: ResultMetaData, rows: List[Any]) -> None:
        super().__init__(metadata)
        self.rows = list(rows)
        self.soft_closes: List[bool] = []
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def _check(self) -> None:
        if self._closed:
            raise exc.ResourceClosedError("This result object is closed.")

    def _soft_close(self, hard: bool = False) -> None:
        self.soft_closes.append(hard)
        if hard:
            self._closed = True

    def _fetchiter_impl(self) -> Iterator[Any]:
        self._check()
        while self.rows:
            yield self.rows.pop(0)
        self._soft_close()

    def _fetchone_impl(self, hard_close: bool = False) -> Optional[Any]:
        self._check()
        if not self.rows:
            self._soft_close(hard=hard_close)
            return None
        return self.rows.pop(0)

    def _fetchmany_impl(self, size: Optional[int] = None) -> List[Any]:
        self._check()
        size = 2 if size is None else size  # like a cursor's arraysize
        batch, self.rows = self.rows[:size], self.rows[size:]
        return batch

    def _fetchall_impl(self) -> List[Any]:
        self._check()
        batch, self.rows = self.rows, []
        self._soft_close()
        return batch


def test_fetch_protocol_subclass() -> None:
    metadata = SimpleResultMetaData(KEYS, _processors=[None, str.upper, None])
    result = ListResult(metadata, [list(r) for r in ROWS])
    assert result.fetchone() == (1, "A", 10)
    assert result.fetchmany() == [(2, "B", 20), (1, "A", 30)]
    assert result.fetchmany() == []
    result.close()
    assert result.closed
    assert result.soft_closes[-1] is True
    with pytest.raises(exc.ResourceClosedError):
        result.fetchone()

    result = ListResult(metadata, ROWS)
    assert [r.y for r in result] == ["A", "B", "A"]
    assert result.soft_closes == [False]

    result = ListResult(metadata, ROWS)
    assert result.scalars(1).unique().all() == ["A", "B"]

    result = ListResult(metadata, ROWS)
    with pytest.raises(exc.MultipleResultsFound):
        result.one()
    assert result.closed

    result = ListResult(metadata, ROWS)
    assert [len(p) for p in result.mappings().partitions()] == [2, 1]


def test_source_supports_scalars() -> None:
    objects = [object(), object(), None]
    result = IteratorResult(
        SimpleResultMetaData(["obj"]), iter(objects), _source_supports_scalars=True
    )
    assert result.scalars().all() == objects
    result = IteratorResult(
        SimpleResultMetaData(["obj"]), iter(objects), _source_supports_scalars=True
    )
    rows = result.all()
    assert [r.obj for r in rows] == objects
    frozen = IteratorResult(
        SimpleResultMetaData(["obj"]), iter(objects), _source_supports_scalars=True
    ).freeze()
    assert frozen().scalars().all() == objects
    assert frozen.rewrite_rows() == [[o] for o in objects]
    assert frozen.with_new_rows([[1], [2]])().scalars().all() == [1, 2]
    mappings = IteratorResult(
        SimpleResultMetaData(["obj"]), iter([1]), _source_supports_scalars=True
    ).mappings()
    assert mappings.one() == {"obj": 1}


def test_frozen_result_rewrite() -> None:
    frozen = mk().freeze()
    assert isinstance(frozen, FrozenResult)
    assert frozen.rewrite_rows() == [list(r) for r in ROWS]
    new = frozen.with_new_rows([(9, "z", 90)])
    assert new().all() == [(9, "z", 90)]
    assert new().one().y == "z"
    assert frozen().all() == ROWS


def test_chunked_result_yield_per_asks_for_chunks() -> None:
    sizes: List[Optional[int]] = []

    def chunks(size: Optional[int]) -> Iterator[List[Any]]:
        sizes.append(size)
        yield [(1,), (2,), (3,)]

    result = ChunkedIteratorResult(SimpleResultMetaData(["a"]), chunks)
    result.yield_per(10)
    assert result.all() == [(1,), (2,), (3,)]
    assert sizes == [10]  # the first chunks(None) generator was never started


def test_row_logging_fn_sees_every_row() -> None:
    seen: List[Any] = []

    def log(row: Any) -> Any:
        seen.append(tuple(row))
        return row

    result = mk()
    result._row_logging_fn = log
    assert result.all() == ROWS
    assert seen == ROWS
    seen.clear()
    result = mk()
    result._row_logging_fn = log
    assert result.scalars(1).all() == ["a", "b", "a"]
    assert seen == [("a",), ("b",), ("a",)]  # the rows of the view's columns


def test_views_types() -> None:
    result = mk()
    assert isinstance(result.scalars(), ScalarResult)
    assert isinstance(result.mappings(), MappingResult)
    assert result.tuples() is result
    assert result.t is result
    assert isinstance(mk().merge(mk()), MergedResult)
    assert null_result().all() == []
    make = result_tuple(["a", "b"])
    assert make((1, 2)).a == 1


def test_pickle_rows_from_result() -> None:
    rows = mk(extra=[("X", object()), (), ()]).all()
    loaded = pickle.loads(pickle.dumps(rows))
    assert loaded == rows
    assert loaded[0].x == 1
    assert loaded[0]._mapping["X"] == 1
    assert type(loaded[0]) is type(loaded[1])


def test_generic_subscription() -> None:
    assert Result[int, str] is not None
    assert Result[Any] is not None
    assert ScalarResult[int] is not None
    assert IteratorResult[int] is not None


def test_metadata_arguments_checked() -> None:
    with pytest.raises(exc.ArgumentError, match="processors"):
        SimpleResultMetaData(["a", "b"], _processors=[None])
    with pytest.raises(exc.ArgumentError, match="extra"):
        SimpleResultMetaData(["a", "b"], extra=[()])
