"""quicksilver.engine.row: Row and RowMapping, against SQLAlchemy and on their own."""

from __future__ import annotations

import copy
import operator
import pickle
from typing import Any

import pytest

from quicksilver import exc
from quicksilver.engine.result import IteratorResult, SimpleResultMetaData
from quicksilver.engine.row import RMKeyView, Row, RowMapping

from .test_result import Recorder, differential


def _row(a: Any, keys: Any = ("a", "b", "count"), values: Any = (1, "x", 3)) -> Any:
    return a.mk([tuple(values)], list(keys)).one()


def sc_row_basics(a: Any, rec: Recorder) -> None:
    row = _row(a)
    rec(lambda: row)
    rec(lambda: repr(row))
    rec(lambda: str(row))
    rec(lambda: row[0])
    rec(lambda: row[-1])
    rec(lambda: row[0:2])
    rec(lambda: row[::-1])
    rec(lambda: row[5])
    rec(lambda: row["a"])
    rec(lambda: row.a)
    rec(lambda: row.b)
    rec(lambda: row.count)
    rec(lambda: row.nope)
    rec(lambda: len(row))
    rec(lambda: list(row))
    rec(lambda: tuple(row))
    rec(lambda: row.index("x"))
    rec(lambda: 1 in row)
    rec(lambda: "a" in row)
    rec(lambda: row._fields)
    rec(lambda: row._asdict())
    rec(lambda: row._t)
    rec(lambda: row._tuple())


def sc_row_compare(a: Any, rec: Recorder) -> None:
    row = _row(a)
    other = a.mk([(1, "x", 3)], ["p", "q", "r"]).one()
    rec(lambda: row == (1, "x", 3))
    rec(lambda: (1, "x", 3) == row)
    rec(lambda: row != (1, "x", 4))
    rec(lambda: row == other)
    rec(lambda: row == [1, "x", 3])
    rec(lambda: hash(row) == hash((1, "x", 3)))
    rec(lambda: row < (2,))
    rec(lambda: row > (0, "z"))
    rec(lambda: row <= (1, "x", 3))
    rec(lambda: sorted([_row(a, values=(2, "y", 0)), row]))
    rec(lambda: {row: 1}[(1, "x", 3)])


def sc_row_mapping(a: Any, rec: Recorder) -> None:
    m = _row(a)._mapping
    rec(lambda: m)
    rec(lambda: repr(m))
    rec(lambda: m["a"])
    rec(lambda: m["count"])
    rec(lambda: m[0])
    rec(lambda: m["zz"])
    rec(lambda: list(m.keys()))
    rec(lambda: m.keys() == ["a", "b", "count"])
    rec(lambda: list(m.values()))
    rec(lambda: m.values() == [1, "x", 3])
    rec(lambda: list(m.items()))
    rec(lambda: m.items() == [("a", 1), ("b", "x"), ("count", 3)])
    rec(lambda: "a" in m)
    rec(lambda: "zz" in m)
    rec(lambda: 0 in m)
    rec(lambda: len(m))
    rec(lambda: list(m))
    rec(lambda: dict(m))
    rec(lambda: m == {"a": 1, "b": "x", "count": 3})
    rec(lambda: m == {"a": 1})
    rec(lambda: m == _row(a)._mapping)
    rec(lambda: m.get("a"))
    rec(lambda: m.get("zz"))
    rec(lambda: m.get("zz", 5))
    rec(lambda: hash(m) == hash(_row(a)._mapping))


def sc_row_names(a: Any, rec: Recorder) -> None:
    for keys in (
        ["count"],
        ["index"],
        ["_fields"],
        ["_mapping"],
        ["keys"],
        ["_asdict"],
        ["_t"],
        ["a b"],
        ["1a"],
        ["x", "x"],
        ["_parent_x"],
        ["values", "items"],
    ):
        row = a.mk([tuple(range(len(keys)))], keys).one()
        rec(lambda row=row, keys=keys: getattr(row, keys[0]))
        rec(lambda row=row, keys=keys: row._mapping[keys[-1]])
        rec(lambda row=row: row._asdict())


def sc_row_repr(a: Any, rec: Recorder) -> None:
    rec(lambda: repr(_row(a, ["a", "b"], ("x" * 400, b"y" * 400))))
    rec(lambda: repr(_row(a, ["a"], (1,))))
    rec(lambda: repr(_row(a, [], ())))
    rec(lambda: repr(_row(a, ["a", "b"], (None, 1.5))))
    rec(lambda: repr(_row(a, ["a"], ("x" * 300,))))
    rec(lambda: repr(_row(a, ["a"], ("x" * 299,))))


def sc_row_pickle(a: Any, rec: Recorder) -> None:
    row = _row(a)
    rec(lambda: pickle.loads(pickle.dumps(row)))
    rec(lambda: pickle.loads(pickle.dumps(row)).a)
    rec(lambda: pickle.loads(pickle.dumps(row))._mapping["count"])
    rec(lambda: pickle.loads(pickle.dumps(row))._fields)
    rows = a.mk().all()
    rec(lambda: pickle.loads(pickle.dumps(rows)))
    rec(lambda: copy.copy(row))
    rec(lambda: copy.deepcopy(row))


@pytest.mark.parametrize(
    "scenario",
    [
        sc_row_basics,
        sc_row_compare,
        sc_row_mapping,
        sc_row_names,
        sc_row_repr,
        sc_row_pickle,
    ],
    ids=lambda f: f.__name__,
)
def test_differential(scenario: Any) -> None:
    differential(scenario)


# ---------------------------------------------------------------------------
# quicksilver-only


def make_row(keys: Any = ("a", "b", "count"), values: Any = (1, "x", 3)) -> Any:
    return IteratorResult(SimpleResultMetaData(list(keys)), iter([values])).one()


def test_row_is_a_slotted_tuple() -> None:
    row = make_row()
    assert isinstance(row, tuple)
    assert isinstance(row, Row)
    assert type(row).__name__ == "Row"
    assert type(row).__slots__ == ()
    assert not hasattr(row, "__dict__")
    with pytest.raises(AttributeError):
        row.a = 5
    with pytest.raises(AttributeError):
        row.new_attribute = 5


def test_names_are_itemgetter_properties() -> None:
    row = make_row()
    descriptor = type(row).__dict__["a"]
    assert isinstance(descriptor, property)
    assert isinstance(descriptor.fget, operator.itemgetter)
    # the Row API is never hidden by a column name...
    row2 = make_row(["_mapping", "keys"], (1, 2))
    assert isinstance(row2._mapping, RowMapping)
    assert "_mapping" not in type(row2).__dict__
    # ...except count and index, as in SQLAlchemy
    assert make_row(["count"], (7,)).count == 7
    assert make_row(["a"], (7,)).count(7) == 1
    assert make_row(["a"], (7,)).index(7) == 0


def test_unknown_attribute_message() -> None:
    with pytest.raises(
        AttributeError, match="Could not locate column in row for column 'zz'"
    ):
        _ = make_row().zz


def test_mapping_unknown_key_is_no_such_column() -> None:
    m = make_row()._mapping
    with pytest.raises(exc.NoSuchColumnError, match="column 'zz'") as info:
        m["zz"]
    assert isinstance(info.value, KeyError)
    with pytest.raises(KeyError):
        m[0]
    with pytest.raises(KeyError):
        m[["unhashable"]]
    assert ["unhashable"] not in m


def test_mapping_by_column_object() -> None:
    class Column:
        """Stands in for a Column: hashable by identity."""

    col = Column()
    metadata = SimpleResultMetaData(["a", "b"], extra=[(col,), ()])
    row = IteratorResult(metadata, iter([(1, 2)])).one()
    assert row._mapping[col] == 1
    assert col in row._mapping
    assert col in IteratorResult(metadata, iter([])).keys()
    assert 0 not in IteratorResult(metadata, iter([])).keys()


def test_keys_view() -> None:
    keys = make_row()._mapping.keys()
    assert isinstance(keys, RMKeyView)
    assert keys == ["a", "b", "count"]
    assert keys != ["a"]
    assert repr(keys) == "RMKeyView(['a', 'b', 'count'])"
    assert keys & {"a", "zz"} == {"a"}
    assert len(keys) == 3
    assert [] not in keys


def test_asdict_and_fields() -> None:
    row = make_row()
    assert row._fields == ("a", "b", "count")
    assert row._asdict() == {"a": 1, "b": "x", "count": 3}
    assert row._mapping._asdict() == {"a": 1, "b": "x", "count": 3}
    assert row._t is row
    assert row._tuple() is row


def test_deprecated_t_and_tuple_warn() -> None:
    row = make_row()
    with pytest.warns(DeprecationWarning, match="Row._t"):
        assert row.t is row
    with pytest.warns(DeprecationWarning, match="Row._tuple"):
        assert row.tuple() is row


def test_slicing_gives_plain_tuples() -> None:
    row = make_row()
    assert type(row[0:2]) is tuple
    a, b, c = row
    assert (a, b, c) == (1, "x", 3)


def test_pickled_rows_share_metadata() -> None:
    rows = IteratorResult(SimpleResultMetaData(["a"]), iter([(1,), (2,)])).all()
    loaded = pickle.loads(pickle.dumps(rows))
    assert type(loaded[0]) is type(loaded[1])
    assert [r.a for r in loaded] == [1, 2]
