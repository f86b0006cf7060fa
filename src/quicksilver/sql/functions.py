"""SQL functions: ``func.<name>(...)`` and the typed generic functions.

``func.anything(x)`` renders ``anything(x)``; names registered here
(``count``, ``sum``, ``now``...) also know their return type, which is what
result processing uses.  Mirrors ``sqlalchemy.sql.functions``.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from . import operators as ops
from . import sqltypes
from .elements import (
    BindParameter,
    ClauseList,
    ColumnElement,
    _anonymous_label,
    _key_of_all,
)
from .special import (
    FunctionFilter,
    Over,
    WithinGroup,
)
from .type_api import TypeEngine, to_instance

_registry: dict[str, type["GenericFunction"]] = {}


class FunctionElement(ColumnElement):
    """Base of SQL function calls (mirrors
    ``sqlalchemy.sql.functions.FunctionElement``)."""

    __visit_name__ = "function"
    packagenames: tuple[str, ...] = ()
    name = "function"
    _has_args = False

    def __init__(self, *clauses: Any, type_: Any = None) -> None:
        self._init_args(clauses)
        if type_ is not None:
            self.type = to_instance(type_)

    def _init_args(self, clauses: Iterable[Any]) -> None:
        from .coercions import _unwrap, check_literal

        args = []
        for c in clauses:
            c = _unwrap(c)
            if isinstance(c, ColumnElement):
                args.append(c)
            elif getattr(c, "_is_select_base", False):
                args.append(c.scalar_subquery())
            elif getattr(c, "_is_from_clause", False):
                args.append(c)
            else:
                check_literal(c, None)
                args.append(
                    BindParameter(
                        None,
                        c,
                        unique=True,
                        _key_seed=self.name,
                        _compared_to_operator=ops.comma_op,
                    )
                )
        self._has_args = bool(args)
        self.clause_expr = ClauseList(
            *args, operator=ops.comma_op, group_contents=True, _literal_as=lambda x: x
        )

    @property
    def key(self) -> str:  # type: ignore[override]
        return self.name

    @property
    def clauses(self) -> ClauseList:
        return self.clause_expr

    @property
    def _from_objects(self) -> list[Any]:
        return self.clause_expr._from_objects

    @property
    def _anon_name_label(self) -> str:
        try:
            return self.__dict__["_qs_anon_label"]  # type: ignore[no-any-return]
        except KeyError:
            label = self.__dict__["_qs_anon_label"] = _anonymous_label.make(
                id(self), self.name
            )
            return label

    def over(
        self,
        partition_by: Any = None,
        order_by: Any = None,
        rows: Any = None,
        range_: Any = None,
    ) -> Over:
        """This function as a window function."""
        return Over(
            self, partition_by=partition_by, order_by=order_by, rows=rows, range_=range_
        )

    def filter(self, *criterion: Any) -> Any:
        """``FILTER (WHERE ...)`` for an aggregate."""
        if not criterion:
            return self
        return FunctionFilter(self, *criterion)

    def within_group(self, *order_by: Any) -> WithinGroup:
        return WithinGroup(self, *order_by)

    def select(self) -> Any:
        from .select import Select

        return Select(self)

    def scalar_subquery(self) -> Any:
        return self.select().scalar_subquery()

    def alias(self, name: Optional[str] = None, joins_implicitly: bool = False) -> Any:
        from .selectable import TableValuedAlias

        return TableValuedAlias(self, name)

    def table_valued(self, *names: Any, **kw: Any) -> Any:
        from .selectable import TableValuedAlias

        return TableValuedAlias(self, kw.get("name"), names)

    def self_group(self, against: Any = None) -> Any:
        return self

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        ak = _key_of_all(self.clause_expr.clauses, anon_map, binds)
        tk = self.type._static_cache_key
        if ak is None or tk is None:
            return None
        return ("func", self.name, self.packagenames, ak, tk)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class Function(FunctionElement):
    """A function named at call time (``func.my_function(x)``)."""

    __visit_name__ = "function"

    def __init__(
        self,
        name: str,
        *clauses: Any,
        type_: Any = None,
        packagenames: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.packagenames = tuple(packagenames)
        self.type = to_instance(type_)
        self._init_args(clauses)


class GenericFunction(Function):
    """A function with a known name and return type; subclasses auto-register."""

    type: TypeEngine = sqltypes.NULLTYPE
    _register = True
    identifier: str = ""

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.__dict__.get("_register", True):
            ident = (
                cls.__dict__.get("identifier")
                or cls.__dict__.get("name")
                or cls.__name__
            )
            cls.identifier = ident
            if "name" not in cls.__dict__:
                cls.name = ident
            _registry[ident.lower()] = cls

    def __init__(self, *args: Any, type_: Any = None, **kw: Any) -> None:
        self.packagenames = ()
        self._init_args(args)
        if type_ is not None:
            self.type = to_instance(type_)
        else:
            t = type(self).__dict__.get("type") or self._return_type_from_args()
            self.type = to_instance(t) if t is not None else self._default_type()

    def _return_type_from_args(self) -> Optional[TypeEngine]:
        return None

    def _default_type(self) -> TypeEngine:
        for klass in type(self).__mro__:
            t = klass.__dict__.get("type")
            if isinstance(t, TypeEngine) or (
                isinstance(t, type) and issubclass(t, TypeEngine)
            ):
                return to_instance(t)
        return sqltypes.NULLTYPE


class ReturnTypeFromArgs(GenericFunction):
    """A function returning the type of its first argument (``max``, ``coalesce``)."""

    _register = False

    def _return_type_from_args(self) -> Optional[TypeEngine]:
        for c in self.clause_expr.clauses:
            if not c.type._is_null_type:
                return c.type  # type: ignore[no-any-return]
        return sqltypes.NULLTYPE


class AnsiFunction(GenericFunction):
    """A function rendered without parentheses (``CURRENT_TIMESTAMP``)."""

    _register = False
    __visit_name__ = "ansi_function"


class coalesce(ReturnTypeFromArgs):
    pass


class max(ReturnTypeFromArgs):  # noqa: A001 - the SQL name
    pass


class min(ReturnTypeFromArgs):  # noqa: A001 - the SQL name
    pass


class sum(ReturnTypeFromArgs):  # noqa: A001 - the SQL name
    pass


class avg(ReturnTypeFromArgs):
    pass


class count(GenericFunction):
    """``count(expr)``; ``count()`` renders ``count(*)``."""

    type = sqltypes.Integer()

    def __init__(self, expression: Any = None, **kw: Any) -> None:
        from .elements import ColumnClause

        if expression is None:
            expression = ColumnClause("*", is_literal=True)
        super().__init__(expression, **kw)


class now(GenericFunction):
    type = sqltypes.DateTime()


class current_timestamp(AnsiFunction):
    type = sqltypes.DateTime()


class current_date(AnsiFunction):
    type = sqltypes.Date()


class current_time(AnsiFunction):
    type = sqltypes.Time()


class localtimestamp(AnsiFunction):
    type = sqltypes.DateTime()


class localtime(AnsiFunction):
    type = sqltypes.DateTime()


class current_user(AnsiFunction):
    type = sqltypes.String()


class session_user(AnsiFunction):
    type = sqltypes.String()


class user(AnsiFunction):
    type = sqltypes.String()


class lower(GenericFunction):
    type = sqltypes.String()


class upper(GenericFunction):
    type = sqltypes.String()


class length(GenericFunction):
    type = sqltypes.Integer()


class char_length(GenericFunction):
    type = sqltypes.Integer()


class concat(GenericFunction):
    type = sqltypes.String()


class random(GenericFunction):
    type = sqltypes.Float()


class row_number(GenericFunction):
    type = sqltypes.Integer()


class rank(GenericFunction):
    type = sqltypes.Integer()


class dense_rank(GenericFunction):
    type = sqltypes.Integer()


class percent_rank(GenericFunction):
    type = sqltypes.Numeric()


class cume_dist(GenericFunction):
    type = sqltypes.Numeric()


class array_agg(GenericFunction):
    """``array_agg(expr)``; typed as an ARRAY of the argument's type."""

    def _return_type_from_args(self) -> Optional[TypeEngine]:
        args = self.clause_expr.clauses
        if args:
            return sqltypes.ARRAY(args[0].type)
        return None


class next_value(GenericFunction):
    """``next_value(Sequence)``; renders the dialect's sequence call."""

    type = sqltypes.Integer()
    __visit_name__ = "next_value"

    def __init__(self, seq: Any, **kw: Any) -> None:
        self.sequence = seq
        self.packagenames = ()
        self._init_args(())
        self.type = sqltypes.Integer()

    def _gen_cache_key(self, anon_map: dict[Any, int], binds: list[Any]) -> Any:
        return ("next_value", self.sequence.name, self.sequence.schema)


class _FunctionGenerator:
    """The ``func`` namespace: ``func.name(*args)`` builds a function call."""

    def __init__(self, *names: str, **opts: Any) -> None:
        self.__names = list(names)
        self.opts = opts

    def __getattr__(self, name: str) -> "_FunctionGenerator":
        if name.startswith("__"):
            raise AttributeError(name)
        if name.endswith("_"):
            name = name[:-1]
        return _FunctionGenerator(*(self.__names + [name]), **self.opts)

    def __call__(self, *c: Any, **kwargs: Any) -> Function:
        o = dict(self.opts)
        o.update(kwargs)
        names = self.__names
        if len(names) == 1:
            cls = _registry.get(names[0].lower())
            if cls is not None:
                return cls(*c, **o)
        return Function(names[-1], *c, packagenames=tuple(names[:-1]), **o)


func = _FunctionGenerator()
