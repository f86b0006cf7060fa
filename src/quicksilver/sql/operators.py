"""Operator functions and their precedence.

Operators are plain functions (the ``operator`` module's for Python's own
operators), so expressions store them by identity and the compiler maps them
to SQL text with one dict lookup.  Precedence decides where parentheses go.
"""

from __future__ import annotations

import operator as _op
from typing import Any, Callable, Optional

from .. import exc

eq = _op.eq
ne = _op.ne
lt = _op.lt
le = _op.le
gt = _op.gt
ge = _op.ge
add = _op.add
sub = _op.sub
mul = _op.mul
truediv = _op.truediv
floordiv = _op.floordiv
mod = _op.mod
neg = _op.neg
inv = _op.inv
getitem = _op.getitem


def and_(*a: Any) -> Any:
    """The AND conjunction (marker function)."""
    raise NotImplementedError()


def or_(*a: Any) -> Any:
    """The OR conjunction (marker function)."""
    raise NotImplementedError()


def comma_op(*a: Any) -> Any:
    """A comma-separated list (marker)."""
    raise NotImplementedError()


def concat_op(a: Any, b: Any) -> Any:
    """String concatenation, ``||``."""
    return a.concat(b)


def like_op(a: Any, b: Any, escape: Any = None) -> Any:
    return a.like(b, escape=escape)


def not_like_op(a: Any, b: Any, escape: Any = None) -> Any:
    return a.not_like(b, escape=escape)


def ilike_op(a: Any, b: Any, escape: Any = None) -> Any:
    return a.ilike(b, escape=escape)


def not_ilike_op(a: Any, b: Any, escape: Any = None) -> Any:
    return a.not_ilike(b, escape=escape)


def in_op(a: Any, b: Any) -> Any:
    return a.in_(b)


def not_in_op(a: Any, b: Any) -> Any:
    return a.not_in(b)


def is_(a: Any, b: Any) -> Any:
    return a.is_(b)


def is_not(a: Any, b: Any) -> Any:
    return a.is_not(b)


def is_distinct_from(a: Any, b: Any) -> Any:
    return a.is_distinct_from(b)


def is_not_distinct_from(a: Any, b: Any) -> Any:
    return a.is_not_distinct_from(b)


def between_op(a: Any, b: Any, c: Any, symmetric: bool = False) -> Any:
    return a.between(b, c, symmetric=symmetric)


def not_between_op(a: Any, b: Any, c: Any, symmetric: bool = False) -> Any:
    return ~a.between(b, c, symmetric=symmetric)


def collate(a: Any, b: Any) -> Any:
    return a.collate(b)


def exists(a: Any) -> Any:
    raise NotImplementedError()


def distinct_op(a: Any) -> Any:
    return a.distinct()


def asc_op(a: Any) -> Any:
    return a.asc()


def desc_op(a: Any) -> Any:
    return a.desc()


def nulls_first_op(a: Any) -> Any:
    return a.nulls_first()


def nulls_last_op(a: Any) -> Any:
    return a.nulls_last()


def json_getitem_op(a: Any, b: Any) -> Any:
    raise NotImplementedError()


def json_path_getitem_op(a: Any, b: Any) -> Any:
    raise NotImplementedError()


def any_op(a: Any) -> Any:
    raise NotImplementedError()


def all_op(a: Any) -> Any:
    raise NotImplementedError()


def bitwise_and_op(a: Any, b: Any) -> Any:
    raise NotImplementedError()


def bitwise_or_op(a: Any, b: Any) -> Any:
    raise NotImplementedError()


def bitwise_xor_op(a: Any, b: Any) -> Any:
    raise NotImplementedError()


def bitwise_not_op(a: Any) -> Any:
    raise NotImplementedError()


def bitwise_lshift_op(a: Any, b: Any) -> Any:
    raise NotImplementedError()


def bitwise_rshift_op(a: Any, b: Any) -> Any:
    raise NotImplementedError()


def regexp_match_op(a: Any, b: Any, flags: Any = None) -> Any:
    return a.regexp_match(b, flags=flags)


def contains_op(a: Any, b: Any, **kw: Any) -> Any:
    return a.contains(b, **kw)


def startswith_op(a: Any, b: Any, **kw: Any) -> Any:
    return a.startswith(b, **kw)


def endswith_op(a: Any, b: Any, **kw: Any) -> Any:
    return a.endswith(b, **kw)


class custom_op:
    """A user-defined operator made by ``ColumnOperators.op()``.

    Mirrors ``sqlalchemy.sql.operators.custom_op``: compares equal to another
    custom_op with the same text and settings, so it can sit in a cache key.
    """

    __name__ = "custom_op"

    def __init__(
        self,
        opstring: str,
        precedence: int = 0,
        is_comparison: bool = False,
        return_type: Any = None,
        python_impl: Any = None,
    ) -> None:
        self.opstring = opstring
        self.precedence = precedence
        self.is_comparison = is_comparison
        self.return_type = return_type
        self.python_impl = python_impl

    def __eq__(self, other: object) -> bool:
        return isinstance(other, custom_op) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[Any, ...]:
        rt = self.return_type
        return (self.opstring, self.precedence, self.is_comparison, rt)

    def __call__(self, a: Any, b: Any) -> Any:
        return a.op(self.opstring, self.precedence, self.is_comparison)(b)

    def __repr__(self) -> str:
        return f"custom_op({self.opstring!r})"


_PRECEDENCE: dict[Any, int] = {
    getitem: 15,
    json_getitem_op: 15,
    json_path_getitem_op: 15,
    mul: 8,
    truediv: 8,
    floordiv: 8,
    mod: 8,
    neg: 8,
    bitwise_and_op: 7,
    bitwise_or_op: 7,
    bitwise_xor_op: 7,
    bitwise_not_op: 7,
    bitwise_lshift_op: 7,
    bitwise_rshift_op: 7,
    add: 7,
    sub: 7,
    concat_op: 5,
    regexp_match_op: 5,
    in_op: 5,
    not_in_op: 5,
    is_: 5,
    is_not: 5,
    is_distinct_from: 5,
    is_not_distinct_from: 5,
    eq: 5,
    ne: 5,
    gt: 5,
    lt: 5,
    ge: 5,
    le: 5,
    like_op: 5,
    not_like_op: 5,
    ilike_op: 5,
    not_ilike_op: 5,
    between_op: 5,
    not_between_op: 5,
    distinct_op: 5,
    inv: 5,
    collate: 4,
    and_: 3,
    or_: 2,
    comma_op: -1,
    asc_op: 0,
    desc_op: 0,
    nulls_first_op: 0,
    nulls_last_op: 0,
    any_op: 15,
    all_op: 15,
    exists: 0,
}

_SMALLEST = -100
_LARGEST = 100

_COMPARISON = {
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    like_op,
    not_like_op,
    ilike_op,
    not_ilike_op,
    in_op,
    not_in_op,
    is_,
    is_not,
    is_distinct_from,
    is_not_distinct_from,
    between_op,
    not_between_op,
    regexp_match_op,
}

_COMMUTATIVE = {eq, ne, add, mul, and_, or_, is_distinct_from, is_not_distinct_from}

_ASSOCIATIVE = {concat_op, and_, or_, add, mul, comma_op}

_NEGATIONS: dict[Any, Any] = {
    eq: ne,
    ne: eq,
    lt: ge,
    ge: lt,
    gt: le,
    le: gt,
    like_op: not_like_op,
    not_like_op: like_op,
    ilike_op: not_ilike_op,
    not_ilike_op: ilike_op,
    in_op: not_in_op,
    not_in_op: in_op,
    is_: is_not,
    is_not: is_,
    is_distinct_from: is_not_distinct_from,
    is_not_distinct_from: is_distinct_from,
    between_op: not_between_op,
}


def is_precedent(op: Any, against: Any) -> bool:
    """True when ``op`` inside an ``against`` expression needs parentheses."""
    if against is None or (op is against and op in _ASSOCIATIVE):
        return False
    return _precedence(op) <= _precedence(against)


def _precedence(op: Any) -> int:
    if isinstance(op, custom_op):
        return op.precedence
    return _PRECEDENCE.get(op, _LARGEST)


def is_comparison(op: Any) -> bool:
    """True for operators whose result is boolean."""
    if isinstance(op, custom_op):
        return op.is_comparison
    return op in _COMPARISON


def negate(op: Any) -> Any:
    """The operator meaning NOT ``op``, or None when there is none."""
    return _NEGATIONS.get(op)


def check_callable(fn: Any) -> Callable[..., Any]:
    if not callable(fn):
        raise exc.ArgumentError(f"Operator {fn!r} is not callable")
    return fn  # type: ignore[no-any-return]


class Operators:
    """Base for objects supporting SQL operators through ``operate()``.

    Mirrors ``sqlalchemy.sql.operators.Operators``: every Python operator and
    method calls ``self.operate(op, *other)``, so ORM attributes can reuse all
    of them by implementing ``operate`` / ``reverse_operate`` alone.
    """

    __slots__ = ()

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(str(op))

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(str(op))

    def __and__(self, other: Any) -> Any:
        return self.operate(and_, other)

    def __or__(self, other: Any) -> Any:
        return self.operate(or_, other)

    def __invert__(self) -> Any:
        return self.operate(inv)

    def op(
        self,
        opstring: str,
        precedence: int = 0,
        is_comparison: bool = False,
        return_type: Any = None,
        python_impl: Any = None,
    ) -> Callable[[Any], Any]:
        """A function applying the custom operator ``opstring`` (``a.op("@>")(b)``)."""
        operator = custom_op(
            opstring, precedence, is_comparison, return_type, python_impl
        )

        def against(other: Any) -> Any:
            return self.operate(operator, other)

        return against

    def bool_op(
        self, opstring: str, precedence: int = 0, python_impl: Any = None
    ) -> Any:
        """``op()`` with ``is_comparison=True``."""
        return self.op(opstring, precedence=precedence, is_comparison=True)


class ColumnOperators(Operators):
    """Every SQL operator on column-like objects (mirrors SQLAlchemy's class)."""

    __slots__ = ()

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self.operate(eq, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return self.operate(ne, other)

    def __lt__(self, other: Any) -> Any:
        return self.operate(lt, other)

    def __le__(self, other: Any) -> Any:
        return self.operate(le, other)

    def __gt__(self, other: Any) -> Any:
        return self.operate(gt, other)

    def __ge__(self, other: Any) -> Any:
        return self.operate(ge, other)

    __hash__ = Operators.__hash__  # type: ignore[assignment]

    def __neg__(self) -> Any:
        return self.operate(neg)

    def __getitem__(self, index: Any) -> Any:
        return self.operate(getitem, index)

    def __add__(self, other: Any) -> Any:
        return self.operate(add, other)

    def __radd__(self, other: Any) -> Any:
        return self.reverse_operate(add, other)

    def __sub__(self, other: Any) -> Any:
        return self.operate(sub, other)

    def __rsub__(self, other: Any) -> Any:
        return self.reverse_operate(sub, other)

    def __mul__(self, other: Any) -> Any:
        return self.operate(mul, other)

    def __rmul__(self, other: Any) -> Any:
        return self.reverse_operate(mul, other)

    def __truediv__(self, other: Any) -> Any:
        return self.operate(truediv, other)

    def __rtruediv__(self, other: Any) -> Any:
        return self.reverse_operate(truediv, other)

    def __floordiv__(self, other: Any) -> Any:
        return self.operate(floordiv, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return self.reverse_operate(floordiv, other)

    def __mod__(self, other: Any) -> Any:
        return self.operate(mod, other)

    def __rmod__(self, other: Any) -> Any:
        return self.reverse_operate(mod, other)

    def concat(self, other: Any) -> Any:
        """SQL string concatenation (``||``)."""
        return self.operate(concat_op, other)

    def like(self, other: Any, escape: Optional[str] = None) -> Any:
        return self.operate(like_op, other, escape=escape)

    def ilike(self, other: Any, escape: Optional[str] = None) -> Any:
        return self.operate(ilike_op, other, escape=escape)

    def not_like(self, other: Any, escape: Optional[str] = None) -> Any:
        return self.operate(not_like_op, other, escape=escape)

    notlike = not_like

    def not_ilike(self, other: Any, escape: Optional[str] = None) -> Any:
        return self.operate(not_ilike_op, other, escape=escape)

    notilike = not_ilike

    def in_(self, other: Any) -> Any:
        return self.operate(in_op, other)

    def not_in(self, other: Any) -> Any:
        return self.operate(not_in_op, other)

    notin_ = not_in

    def is_(self, other: Any) -> Any:
        return self.operate(is_, other)

    def is_not(self, other: Any) -> Any:
        return self.operate(is_not, other)

    isnot = is_not

    def is_distinct_from(self, other: Any) -> Any:
        return self.operate(is_distinct_from, other)

    def is_not_distinct_from(self, other: Any) -> Any:
        return self.operate(is_not_distinct_from, other)

    isnot_distinct_from = is_not_distinct_from

    def startswith(
        self, other: Any, escape: Optional[str] = None, autoescape: bool = False
    ) -> Any:
        return self.operate(startswith_op, other, escape=escape, autoescape=autoescape)

    def endswith(
        self, other: Any, escape: Optional[str] = None, autoescape: bool = False
    ) -> Any:
        return self.operate(endswith_op, other, escape=escape, autoescape=autoescape)

    def contains(self, other: Any, **kw: Any) -> Any:
        return self.operate(contains_op, other, **kw)

    def istartswith(
        self, other: Any, escape: Optional[str] = None, autoescape: bool = False
    ) -> Any:
        return self.operate(
            startswith_op, other, escape=escape, autoescape=autoescape, icase=True
        )

    def iendswith(
        self, other: Any, escape: Optional[str] = None, autoescape: bool = False
    ) -> Any:
        return self.operate(
            endswith_op, other, escape=escape, autoescape=autoescape, icase=True
        )

    def icontains(self, other: Any, **kw: Any) -> Any:
        return self.operate(contains_op, other, icase=True, **kw)

    def regexp_match(self, pattern: Any, flags: Optional[str] = None) -> Any:
        return self.operate(regexp_match_op, pattern, flags=flags)

    def between(self, cleft: Any, cright: Any, symmetric: bool = False) -> Any:
        return self.operate(between_op, cleft, cright, symmetric=symmetric)

    def collate(self, collation: str) -> Any:
        return self.operate(collate, collation)

    def asc(self) -> Any:
        return self.operate(asc_op)

    def desc(self) -> Any:
        return self.operate(desc_op)

    def nulls_first(self) -> Any:
        return self.operate(nulls_first_op)

    nullsfirst = nulls_first

    def nulls_last(self) -> Any:
        return self.operate(nulls_last_op)

    nullslast = nulls_last

    def distinct(self) -> Any:
        return self.operate(distinct_op)

    def any_(self) -> Any:
        return self.operate(any_op)

    def all_(self) -> Any:
        return self.operate(all_op)

    def bitwise_and(self, other: Any) -> Any:
        return self.operate(bitwise_and_op, other)

    def bitwise_or(self, other: Any) -> Any:
        return self.operate(bitwise_or_op, other)

    def bitwise_xor(self, other: Any) -> Any:
        """``a ^ b`` (PostgreSQL ``#``; SQLite ``(a | b) - (a & b)``)."""
        return self.operate(bitwise_xor_op, other)

    def bitwise_not(self) -> Any:
        """``~a``."""
        return self.operate(bitwise_not_op)

    def bitwise_lshift(self, other: Any) -> Any:
        """``a << b``."""
        return self.operate(bitwise_lshift_op, other)

    def bitwise_rshift(self, other: Any) -> Any:
        """``a >> b``."""
        return self.operate(bitwise_rshift_op, other)


def is_true(a: Any) -> Any:
    """A boolean expression used as a condition (marker for ``AsBoolean``)."""
    raise NotImplementedError()


def is_false(a: Any) -> Any:
    """A negated boolean expression (marker for ``AsBoolean``)."""
    raise NotImplementedError()


_PRECEDENCE[is_true] = 5
_PRECEDENCE[is_false] = 5
