"""The core expression nodes: clauses, columns, bound parameters, operators.

Part of ``quicksilver.sql.elements`` (the facade re-exporting every name);
text, labels and named columns live in ``_elements_named``.

Every node is immutable after construction (generative methods return
copies), which is what lets a statement's structure be cached: see
``cache_key.py``.  Each node implements ``_gen_cache_key(anon_map, binds)``
returning a tuple of its structure, appending the ``BindParameter`` objects it
contains (their values are not part of the key).
"""

from __future__ import annotations

import itertools
import re
from typing import (
    TYPE_CHECKING,
    AbstractSet,
    Any,
    Iterable,
    Optional,
    Sequence,
    TypeVar,
    Union,
)

from .. import exc
from ..util import EMPTY_DICT
from . import operators as ops
from .type_api import TypeEngine, to_instance
from .visitors import Visitable

if TYPE_CHECKING:
    from ._elements_named import ColumnClause, Label
    from .cache_key import CacheKey

_counter = itertools.count(1)
_CE = TypeVar("_CE", bound="ClauseElement")
_BP = TypeVar("_BP", bound="BindParameter")


class _anonymous_label(str):
    """A name resolved at compile time to ``base_N`` (``id_1``, ``anon_2``).

    The text is ``%(<seed> <base>)s``; the compiler replaces each distinct seed
    with the next free number for that base, so names follow the order in
    which they are rendered, as in SQLAlchemy.
    """

    __slots__ = ()

    @classmethod
    def make(cls, seed: int, base: str) -> "_anonymous_label":
        clean = _CLEAN_BASES.get(base)
        if clean is None:
            clean = base.translate(_LABEL_UNSAFE)
            if len(_CLEAN_BASES) < 10000:
                _CLEAN_BASES[base] = clean
        return cls("%%(%d %s)s" % (seed, clean))

    def __add__(self, other: str) -> "_anonymous_label":
        return _anonymous_label(str.__add__(self, other))

    def __radd__(self, other: str) -> "_anonymous_label":
        return _anonymous_label(str.__add__(other, self))


_ANON_RE = re.compile(r"%\((\d+) ([^)]+)\)s")
#: base name -> its form inside an anonymous label (bounded memo: the same
#: few column names recur in every statement)
_CLEAN_BASES: dict[str, str] = {}
_LABEL_UNSAFE = str.maketrans({"%": None, "(": None, ")": None, " ": "_"})


def _anon_key(name: Any, anon_map: dict[Any, int]) -> Any:
    """A cache-key form of a possibly anonymous name (seeds -> ordinals)."""
    if isinstance(name, _anonymous_label):

        def repl(m: "re.Match[str]") -> str:
            seed = int(m.group(1))
            idx = anon_map.get(seed)
            if idx is None:
                idx = anon_map[seed] = len(anon_map)
            return "%%(%d %s)s" % (idx, m.group(2))

        return ("anon", _ANON_RE.sub(repl, name))
    return name


class ClauseElement(Visitable):
    """Base of every SQL expression node (mirrors ``sqlalchemy.sql.ClauseElement``)."""

    #: see Select.__init__: only ORM attributes of single-inheritance
    #: subclasses have one (a class default keeps the lookup cheap)
    _qs_single_criterion: Any = None

    __visit_name__ = "clause"
    _is_clause_element = True
    is_selectable = False
    is_dml = False
    _is_select_statement = False
    _is_textual = False
    _is_from_clause = False
    _is_column_element = False
    _is_bind_parameter = False
    supports_execution = False
    _propagate_attrs: Any = EMPTY_DICT
    _annotations: Any = EMPTY_DICT
    _execution_options: Any = EMPTY_DICT
    is_clause_element = True

    def _clone(self: _CE, **kw: Any) -> _CE:
        new = self.__class__.__new__(self.__class__)
        new.__dict__ = dict(self.__dict__)
        new.__dict__.pop("_qs_key_memo", None)
        return new

    def _generate(self) -> Any:
        return self._clone()

    @property
    def _from_objects(self) -> list[Any]:
        return []

    def self_group(self, against: Any = None) -> "ClauseElement":
        return self

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        """This node's structure as a tuple; None makes the statement uncacheable."""
        return None

    def _generate_cache_key(self) -> Optional["CacheKey"]:
        """The statement's cache key and its bound parameters, or None."""
        return _late.generate_cache_key(self)  # type: ignore[no-any-return]

    def _compile_w_cache(self, dialect: Any, **kw: Any) -> Any:
        return _late.compile_w_cache(self, dialect, **kw)

    def compile(self, bind: Any = None, dialect: Any = None, **kw: Any) -> Any:
        """Compile to a ``Compiled`` for ``dialect`` (default: the generic one)."""
        if dialect is None:
            if bind is not None:
                dialect = bind.dialect
            else:
                from .compiler.default import default_dialect

                dialect = default_dialect()
        return self._compiler(dialect, **kw)

    def _compiler(self, dialect: Any, **kw: Any) -> Any:
        from .compiler.sql import SQLCompiler

        cls = getattr(dialect, "statement_compiler", None) or SQLCompiler
        return cls(dialect, self, **kw)

    def __str__(self) -> str:
        return str(self.compile())

    def _execute_on_connection(
        self, connection: Any, distilled_params: Any, execution_options: Any
    ) -> Any:
        if self.supports_execution:
            return connection._execute_clauseelement(
                self, distilled_params, execution_options
            )
        raise exc.ObjectNotExecutableError(self)

    def __bool__(self) -> bool:
        raise TypeError("Boolean value of this clause is not defined")

    def _negate(self) -> "ClauseElement":
        grouped = self.self_group(against=ops.inv)
        return UnaryExpression(grouped, operator=ops.inv)

    def __invert__(self) -> Any:
        return self._negate()

    def __getstate__(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d.pop("_qs_key_memo", None)
        return d

    def _annotate(self, values: Any) -> Any:
        new = self._clone()
        new._annotations = dict(self._annotations, **values)
        return new

    def params(self, *optionaldict: Any, **kwargs: Any) -> Any:
        """A copy with bound parameter values replaced by key."""
        values = dict(*optionaldict, **kwargs)
        return _replace_binds(self, values)

    @property
    def entity_namespace(self) -> Any:
        raise AttributeError("entity_namespace")


def _replace_binds(elem: Any, values: dict[str, Any]) -> Any:
    from .visitors import iterate

    for node in list(iterate(elem)):
        if isinstance(node, BindParameter) and node._orig_key in values:
            node.value = values[node._orig_key]
            node.required = False
    return elem


class ColumnElement(ops.ColumnOperators, ClauseElement):
    """A column-valued SQL expression (mirrors ``sqlalchemy.sql.ColumnElement``)."""

    __visit_name__ = "column_element"
    _is_column_element = True
    primary_key = False
    foreign_keys: Union[Sequence[Any], AbstractSet[Any]] = ()
    key: Optional[str] = None
    table: Any = None
    _is_literal = False
    _label: Optional[str] = None
    _allow_label_resolve = True
    type: TypeEngine

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)

    __hash__ = ClauseElement.__hash__

    @property
    def comparator(self) -> Any:
        return self.type.comparator_factory(self)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_") or key == "type":
            raise AttributeError(key)
        try:
            comparator = self.type.comparator_factory(self)
        except AttributeError:
            comparator = None
        if comparator is not None and hasattr(comparator, key):
            return getattr(comparator, key)
        raise AttributeError(
            f"Neither {type(self).__name__!r} object nor {type(comparator).__name__!r} "
            f"object associated with {self!r} has an attribute {key!r}"
        )

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        return _late.operate(self, op, *other, **kwargs)

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        return _late.reverse_operate(self, op, other, **kwargs)

    def _bind_param(
        self, operator: Any, obj: Any, type_: Any = None, expanding: bool = False
    ) -> "BindParameter":
        _late.check_literal(obj, self.type if type_ is None else type_, self)
        if type_ is None and not expanding:
            # the common ``col == value``: built without __init__'s branches
            return BindParameter._compared(
                obj,
                self.type.coerce_compared_value(operator, obj),
                "param" if self._is_bind_parameter else (self.key or "param"),
            )
        return BindParameter(
            None,
            obj,
            _compared_to_operator=operator,
            _compared_to_type=self.type,
            type_=type_,
            unique=True,
            expanding=expanding,
            # a literal compared to a literal is ``param_2``, as in SQLAlchemy
            _key_seed=None if self._is_bind_parameter else self.key,
        )

    @property
    def expression(self) -> "ColumnElement":
        return self

    @property
    def _non_anon_label(self) -> Optional[str]:
        """The name this expression has in a SELECT list, if it has one."""
        return None

    @property
    def _anon_name_label(self) -> str:
        try:
            return self.__dict__["_qs_anon_label"]  # type: ignore[no-any-return]
        except KeyError:
            name = getattr(self, "name", None) or "anon"
            label = self.__dict__["_qs_anon_label"] = _anonymous_label.make(
                id(self), name
            )
            return label

    @property
    def _anon_key_label(self) -> str:
        return self._anon_name_label

    def label(self, name: Optional[str]) -> "Label":
        """This expression with ``AS name`` in a SELECT list."""
        return _late.Label(name, self, self.type)  # type: ignore[no-any-return]

    def cast(self, type_: Any) -> Any:
        from .special import Cast

        return Cast(self, type_)

    def self_group(self, against: Any = None) -> ClauseElement:
        if (
            against in (ops.and_, ops.or_)
            and self.type._type_affinity.__name__ == "Boolean"
        ):
            return AsBoolean(self, ops.is_true, ops.is_false)
        return self

    def _negate(self) -> ClauseElement:
        if self.type._type_affinity.__name__ == "Boolean":
            return AsBoolean(self, ops.is_false, ops.is_true)
        return super()._negate()

    @property
    def base_columns(self) -> set["ColumnElement"]:
        return {c for c in self.proxy_set if not c._proxies}

    @property
    def _proxies(self) -> list["ColumnElement"]:
        return self.__dict__.get("_qs_proxies", [])

    @property
    def proxy_set(self) -> set["ColumnElement"]:
        result = {self}
        for p in self._proxies:
            result |= p.proxy_set
        return result

    def shares_lineage(self, other: "ColumnElement") -> bool:
        return bool(self.proxy_set & other.proxy_set)

    def _make_proxy(
        self, selectable: Any, name: Optional[str] = None, key: Optional[str] = None
    ) -> "ColumnClause":
        name = name or self._non_anon_label or self._anon_name_label
        col = _late.ColumnClause(name, self.type, _selectable=selectable)
        col.key = key or name
        col.__dict__["_qs_proxies"] = [self]
        col.primary_key = self.primary_key
        col.foreign_keys = self.foreign_keys
        return col

    def _compare_key(self) -> Any:
        return id(self)

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} at {id(self):#x}>"


class _NoArg:
    """The default of ``bindparam(value=...)``: "no value given"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_ARG"


_NO_ARG: Any = _NoArg()


class BindParameter(ColumnElement):
    """A bound parameter (mirrors ``sqlalchemy.sql.expression.BindParameter``).

    Values never appear in SQL text; the compiler renders a placeholder and
    the value travels separately.  ``unique=True`` (the default for values
    compared to a column) gives an anonymous name like ``id_1``.
    """

    __visit_name__ = "bindparam"
    _is_bind_parameter = True
    #: always set (a name, or an anonymous ``%(id param)s`` label)
    key: str
    #: the ``id`` inside an anonymous ``key`` (None for a plain name)
    _anon_seed: Optional[int] = None

    def __init__(
        self,
        key: Optional[str],
        value: Any = _NO_ARG,
        type_: Any = None,
        unique: bool = False,
        required: Any = None,
        quote: Any = None,
        callable_: Any = None,
        expanding: bool = False,
        isoutparam: bool = False,
        literal_execute: bool = False,
        _compared_to_operator: Any = None,
        _compared_to_type: Any = None,
        _key_seed: Optional[str] = None,
        _is_crud: bool = False,
    ) -> None:
        if required is None:
            # as SQLAlchemy: required only when no value was given at all;
            # an explicit ``None`` is a value (``literal(None)``)
            required = value is _NO_ARG and callable_ is None
        if value is _NO_ARG:
            value = None
        self._orig_key = orig = key if key is not None else (_key_seed or "param")
        if key is None or unique:
            self.key = _anonymous_label.make(id(self), orig)
            self._anon_seed = id(self)
        else:
            self.key = key
        self.unique = unique
        self.value = value
        self.callable = callable_
        self.required = required
        self.expanding = expanding
        self.literal_execute = literal_execute
        self.isoutparam = isoutparam
        self._is_crud = _is_crud
        if type_ is None:
            if expanding and value:
                check = value[0] if isinstance(value, (list, tuple)) else value
            else:
                check = value
            if _compared_to_type is not None:
                self.type = _compared_to_type.coerce_compared_value(
                    _compared_to_operator, check
                )
            else:
                from .sqltypes import _resolve_value_to_type

                self.type = _resolve_value_to_type(check)
        else:
            self.type = to_instance(type_)

    @classmethod
    def _compared(cls, value: Any, type_: TypeEngine, base: str) -> "BindParameter":
        """A unique bind of ``value`` compared to a column: what
        ``__init__(None, value, unique=True, _key_seed=base, ...)`` makes."""
        new = cls.__new__(cls)
        seed = id(new)
        new.__dict__.update(
            _orig_key=base,
            key=_anonymous_label.make(seed, base),
            _anon_seed=seed,
            unique=True,
            value=value,
            callable=None,
            required=False,
            expanding=False,
            literal_execute=False,
            isoutparam=False,
            _is_crud=False,
            type=type_,
        )
        return new

    @property
    def effective_value(self) -> Any:
        if self.callable is not None:
            return self.callable()
        return self.value

    def _with_value(
        self, value: Any, maintain_key: bool = False, required: bool = False
    ) -> "BindParameter":
        new = self._clone()
        new.value = value
        new.callable = None
        new.required = required
        return new

    def _convert_to_unique(self) -> None:
        if not self.unique:
            self.unique = True
            self.key = _anonymous_label.make(id(self), self._orig_key)
            self._anon_seed = id(self)

    def _clone(self: _BP, **kw: Any) -> _BP:
        new = super()._clone()
        if new.unique or new._anon_seed is not None:
            new.key = _anonymous_label.make(id(new), new._orig_key)
            new._anon_seed = id(new)
        return new

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        tk = self.type._static_cache_key
        if tk is None:
            return None
        binds.append(self)
        seed = self._anon_seed
        if seed is not None:
            # the fast form of _anon_key(self.key): the seed's ordinal and
            # the base name, without parsing the label
            idx = anon_map.get(seed)
            if idx is None:
                idx = anon_map[seed] = len(anon_map)
            key: Any = ("anon", idx, self._orig_key)
        else:
            key = _anon_key(self.key, anon_map)
        if self.literal_execute:
            return ("bind", key, tk, self.expanding, True, repr(self.value))
        return ("bind", key, tk, self.expanding)

    def __repr__(self) -> str:
        return f"BindParameter({self.key!r}, {self.value!r}, type_={self.type!r})"


class TypeClause(ClauseElement):
    """A type name inside an expression (the ``AS type`` part of CAST)."""

    __visit_name__ = "typeclause"

    def __init__(self, type_: Any) -> None:
        self.type = to_instance(type_)

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return self.type._static_cache_key


def _null_type() -> TypeEngine:
    return _late.NULLTYPE  # type: ignore[no-any-return]


def _bool_type() -> TypeEngine:
    return _late.BOOLEANTYPE  # type: ignore[no-any-return]


class Null(ColumnElement):
    """SQL ``NULL`` (``null()``)."""

    __visit_name__ = "null"

    def __init__(self) -> None:
        self.type = _null_type()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("null",)


class False_(ColumnElement):
    """SQL ``false`` (``false()``); rendered ``0`` where booleans are not native."""

    __visit_name__ = "false"

    def __init__(self) -> None:
        self.type = _bool_type()

    def _negate(self) -> ClauseElement:
        return True_()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("false",)


class True_(ColumnElement):
    """SQL ``true`` (``true()``); rendered ``1`` where booleans are not native."""

    __visit_name__ = "true"

    def __init__(self) -> None:
        self.type = _bool_type()

    def _negate(self) -> ClauseElement:
        return False_()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("true",)


def _key_of_all(
    items: Iterable[Any], anon_map: dict[Any, int], binds: list[Any]
) -> Any:
    if not items:
        return ()
    out = tuple([item._gen_cache_key(anon_map, binds) for item in items])
    for k in out:
        if k is None:
            return None
    return out


class ClauseList(ClauseElement):
    """A list of clauses joined by an operator (comma by default)."""

    __visit_name__ = "clauselist"
    #: column expressions, or other clauses for the few non-column lists
    clauses: list[Any]

    def __init__(
        self,
        *clauses: Any,
        operator: Any = ops.comma_op,
        group: bool = True,
        group_contents: bool = True,
        _literal_as: Any = None,
    ) -> None:
        from .coercions import expect_column

        self.operator = operator
        self.group = group
        self.group_contents = group_contents
        conv = _literal_as or expect_column
        if group_contents:
            self.clauses = [conv(c).self_group(against=operator) for c in clauses]
        else:
            self.clauses = [conv(c) for c in clauses]

    def __iter__(self) -> Any:
        return iter(self.clauses)

    def __len__(self) -> int:
        return len(self.clauses)

    def get_children(self, **kw: Any) -> Iterable[Any]:
        return self.clauses

    @property
    def _from_objects(self) -> list[Any]:
        return [f for c in self.clauses for f in c._from_objects]

    def self_group(self, against: Any = None) -> ClauseElement:
        if self.group and ops.is_precedent(self.operator, against):
            return Grouping(self)
        return self

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        inner = _key_of_all(self.clauses, anon_map, binds)
        if inner is None:
            return None
        return ("clauselist", self.operator, inner)


class BooleanClauseList(ClauseList, ColumnElement):
    """``a AND b AND c`` / ``a OR b`` (made by ``and_()`` / ``or_()``)."""

    __visit_name__ = "expression_clauselist"

    def __init__(self, *a: Any, **kw: Any) -> None:
        raise exc.ArgumentError("Use and_() or or_() to build a BooleanClauseList")

    @classmethod
    def _construct(
        cls, operator: Any, continue_on: Any, skip_on: Any, clauses: Sequence[Any]
    ) -> ColumnElement:
        from .coercions import expect_where

        flat: list[ColumnElement] = []
        for clause in clauses:
            c = expect_where(clause)
            if isinstance(c, continue_on):
                continue
            if isinstance(c, skip_on):
                return c.self_group(against=operator)  # type: ignore[return-value]
            if isinstance(c, BooleanClauseList) and c.operator is operator:
                flat.extend(c.clauses)
            else:
                flat.append(c)
        if len(flat) == 1:
            return flat[0]
        if not flat:
            if clauses and isinstance(expect_where(clauses[0]), continue_on):
                return expect_where(clauses[0])
            return _EmptyBoolean(operator)
        new = cls.__new__(cls)
        new.operator = operator
        new.group = True
        new.group_contents = True
        new.clauses = [c.self_group(against=operator) for c in flat]
        new.type = _bool_type()
        return new

    @classmethod
    def and_(cls, *clauses: Any) -> ColumnElement:
        return cls._construct(ops.and_, True_, False_, clauses)

    @classmethod
    def or_(cls, *clauses: Any) -> ColumnElement:
        return cls._construct(ops.or_, False_, True_, clauses)

    def _negate(self) -> ClauseElement:
        return UnaryExpression(Grouping(self), operator=ops.inv)

    def self_group(self, against: Any = None) -> ClauseElement:
        if not self.clauses:
            return self
        return ClauseList.self_group(self, against)


class _EmptyBoolean(ColumnElement):
    """``and_()`` with no arguments: renders nothing, vanishes in a larger AND."""

    __visit_name__ = "empty_boolean"

    def __init__(self, operator: Any) -> None:
        self.operator = operator
        self.clauses: list[Any] = []
        self.type = _bool_type()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("empty_bool", self.operator)


class Tuple(ClauseList, ColumnElement):
    """A SQL tuple ``(a, b)`` (``tuple_()``), comparable to another tuple."""

    __visit_name__ = "tuple"

    def __init__(self, *clauses: Any, types: Any = None) -> None:
        from .coercions import expect_column_or_literal
        from .sqltypes import TupleType

        self.operator = ops.comma_op
        self.group = True
        self.group_contents = True
        self.clauses = [expect_column_or_literal(c) for c in clauses]
        self.type = TupleType(*[c.type for c in self.clauses])

    def self_group(self, against: Any = None) -> ClauseElement:
        return self

    def _bind_param(
        self, operator: Any, obj: Any, type_: Any = None, expanding: bool = False
    ) -> Any:
        if expanding:
            return BindParameter(
                None,
                obj,
                _compared_to_operator=operator,
                type_=self.type,
                unique=True,
                expanding=True,
                _key_seed="param",
            )
        return Tuple(
            *[
                BindParameter(
                    None,
                    o,
                    _compared_to_operator=operator,
                    _compared_to_type=c.type,
                    unique=True,
                    type_=None,
                )
                for o, c in zip(obj, self.clauses, strict=False)
            ]
        )


class Grouping(ColumnElement):
    """Parentheses around an expression."""

    __visit_name__ = "grouping"

    def __init__(self, element: Any) -> None:
        self.element = element
        self.type = getattr(element, "type", None) or _null_type()

    def self_group(self, against: Any = None) -> ClauseElement:
        return self

    def get_children(self, **kw: Any) -> Iterable[Any]:
        return (self.element,)

    @property
    def _from_objects(self) -> list[Any]:
        return self.element._from_objects  # type: ignore[no-any-return]

    @property
    def key(self) -> Any:  # type: ignore[override]
        return getattr(self.element, "key", None)

    @property
    def _non_anon_label(self) -> Optional[str]:
        return getattr(self.element, "_non_anon_label", None)

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.element._gen_cache_key(anon_map, binds)
        return None if k is None else ("grouping", k)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr == "element":
            raise AttributeError(attr)
        return getattr(self.element, attr)


class BinaryExpression(ColumnElement):
    """``left <op> right`` (mirrors ``sqlalchemy.sql.expression.BinaryExpression``)."""

    __visit_name__ = "binary"

    def __init__(
        self,
        left: Any,
        right: Any,
        operator: Any,
        type_: Any = None,
        negate: Any = None,
        modifiers: Optional[dict[str, Any]] = None,
    ) -> None:
        self.left = left.self_group(against=operator)
        self.right = right.self_group(against=operator)
        self.operator = operator
        self.type = to_instance(type_)
        self.negate = negate
        self.modifiers = modifiers or {}

    @classmethod
    def _make(
        cls, left: Any, right: Any, operator: Any, type_: TypeEngine, negate: Any
    ) -> "BinaryExpression":
        """``__init__`` for operands already grouped and a type instance."""
        new = cls.__new__(cls)
        new.__dict__.update(
            left=left,
            right=right,
            operator=operator,
            type=type_,
            negate=negate,
            modifiers=EMPTY_DICT,
        )
        return new

    def get_children(self, **kw: Any) -> Iterable[Any]:
        return (self.left, self.right)

    @property
    def _from_objects(self) -> list[Any]:
        return self.left._from_objects + self.right._from_objects  # type: ignore[no-any-return]

    def __bool__(self) -> bool:
        # lets ``col1 == col2`` work as a dict/tuple comparison (cache keys)
        if self.operator in (ops.eq, ops.ne):
            result = hash(self.left) == hash(self.right)
            return result if self.operator is ops.eq else not result
        raise TypeError("Boolean value of this clause is not defined")

    def self_group(self, against: Any = None) -> ClauseElement:
        if ops.is_precedent(self.operator, against):
            return Grouping(self)
        return self

    def _negate(self) -> ClauseElement:
        if self.negate is not None:
            new = BinaryExpression(
                self.left,
                self.right,
                self.negate,
                type_=self.type,
                negate=self.operator,
                modifiers=self.modifiers,
            )
            if self.negate is ops.not_in_op:
                return Grouping(new)
            return new
        return super()._negate()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        lk = self.left._gen_cache_key(anon_map, binds)
        if lk is None:
            return None
        rk = self.right._gen_cache_key(anon_map, binds)
        if rk is None:
            return None
        tk = self.type._static_cache_key
        if tk is None:
            return None
        mods = tuple(sorted(self.modifiers.items())) if self.modifiers else ()
        return ("binary", self.operator, lk, rk, tk, self.negate, mods)


class UnaryExpression(ColumnElement):
    """``<op> element`` or ``element <modifier>`` (NOT, DISTINCT, DESC, EXISTS...)."""

    __visit_name__ = "unary"

    def __init__(
        self,
        element: Any,
        operator: Any = None,
        modifier: Any = None,
        type_: Any = None,
        wraps_column_expression: bool = False,
    ) -> None:
        self.element = element.self_group(against=operator or modifier)
        self.operator = operator
        self.modifier = modifier
        self.type = (
            to_instance(type_)
            if type_ is not None
            else getattr(element, "type", None) or _null_type()
        )
        if operator is ops.inv:
            self.type = _bool_type()
        self.wraps_column_expression = wraps_column_expression

    def get_children(self, **kw: Any) -> Iterable[Any]:
        return (self.element,)

    @property
    def _from_objects(self) -> list[Any]:
        return self.element._from_objects  # type: ignore[no-any-return]

    def self_group(self, against: Any = None) -> ClauseElement:
        if self.operator is not None and ops.is_precedent(self.operator, against):
            return Grouping(self)
        return self

    def _negate(self) -> ClauseElement:
        if self.operator is ops.inv:
            return (
                self.element.self_group(against=None)
                if not isinstance(self.element, Grouping)
                else self.element.element
            )
        return super()._negate()

    @property
    def _order_by_label_element(self) -> Any:
        if self.modifier in (
            ops.desc_op,
            ops.asc_op,
            ops.nulls_first_op,
            ops.nulls_last_op,
        ):
            inner = self.element
            return getattr(inner, "_order_by_label_element", None)
        return None

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        k = self.element._gen_cache_key(anon_map, binds)
        if k is None:
            return None
        return ("unary", self.operator, self.modifier, k, self.type._static_cache_key)


class AsBoolean(UnaryExpression):
    """A boolean column used as a condition; ``NOT col`` when negated."""

    __visit_name__ = "as_boolean"

    def __init__(self, element: Any, operator: Any, negate: Any) -> None:
        self.element = element
        self.type = _bool_type()
        self.operator = operator
        self.negate = negate
        self.modifier = None
        self.wraps_column_expression = True

    def self_group(self, against: Any = None) -> ClauseElement:
        return self

    def _negate(self) -> ClauseElement:
        return AsBoolean(self.element, self.negate, self.operator)

    @property
    def _non_anon_label(self) -> Optional[str]:
        return self.element._non_anon_label  # type: ignore[no-any-return]


class _LateImports:
    """Functions of modules that import this one, bound on first use.

    Hot paths (``col == 5``, ``_compile_w_cache``) call them through this
    object instead of a function-level ``import``, which costs an import
    lookup per call.
    """

    def __getattr__(self, name: str) -> Any:
        from . import (
            _elements_named,
            cache_key,
            coercions,
            default_comparator,
            sqltypes,
        )

        found = {
            "Label": _elements_named.Label,
            "ColumnClause": _elements_named.ColumnClause,
            "operate": default_comparator.operate,
            "reverse_operate": default_comparator.reverse_operate,
            "check_literal": coercions.check_literal,
            "generate_cache_key": cache_key.generate_cache_key,
            "compile_w_cache": cache_key.compile_w_cache,
            "NULLTYPE": sqltypes.NULLTYPE,
            "BOOLEANTYPE": sqltypes.BOOLEANTYPE,
        }
        self.__dict__.update(found)
        return found[name]


_late: Any = _LateImports()
