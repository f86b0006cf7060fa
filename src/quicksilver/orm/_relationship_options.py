"""Relationship loader options: ``selectinload(A.bs).joinedload(B.cs)``...

Each public function returns a :class:`Load` holding a *path* of steps, one
per relationship attribute, each with the strategy to use for it
(``"selectin"``, ``"joined"``, ``"subquery"``, ``"select"``, ``"raise"``,
``"raise_on_sql"``, ``"noload"``, ``"immediate"``, ``"contains_eager"``, or
``None`` for ``defaultload``), plus column options (``load_only``,
``defer``, ``undefer``) applying to the entity at the end of the path.
Chaining extends the path; ``.options(...)`` attaches sub-options relative to
the end of the path, as in SQLAlchemy.

At execution :func:`compile_options` folds every option of a statement into
one :class:`LoadNode` tree per root entity, which :mod:`.strategies` walks.
Column options (``load_only`` & co.) are :mod:`.strategy_options` objects;
those reached through a relationship path are kept on the node and handed to
the statement loading that path.  :mod:`.strategy_options` delegates its
relationship functions (``joinedload``...) here.
"""

from __future__ import annotations

from typing import Any, Optional

from .. import exc as sa_exc


class LoadNode:
    """The loading plan for one entity at one path: strategies per relationship."""

    __slots__ = (
        "strategy",
        "children",
        "col_options",
        "alias",
        "innerjoin",
        "wildcard",
        "depth",
    )

    def __init__(self) -> None:
        self.strategy: Optional[str] = None
        self.children: dict[str, LoadNode] = {}
        self.col_options: list[Any] = []
        self.alias: Any = None
        self.innerjoin: Any = None
        self.wildcard: Optional[str] = None
        self.depth = 0

    def child(self, key: str) -> "LoadNode":
        node = self.children.get(key)
        if node is None:
            node = self.children[key] = LoadNode()
        return node

    def __repr__(self) -> str:
        return f"<LoadNode {self.strategy} {list(self.children)}>"


def _attr_of(attr: Any) -> Any:
    if isinstance(attr, str):
        return attr
    if not hasattr(attr, "prop") or not hasattr(attr, "class_"):
        raise sa_exc.ArgumentError(
            f"expected ORM mapped attribute for loader strategy argument, got {attr!r}"
        )
    return attr


class Load:
    """A chain of loader options (``sqlalchemy.orm.Load``).

    ``Load(User).selectinload(User.addresses)`` or the module-level
    functions (``selectinload(User.addresses)``), chainable.
    """

    _is_loader_option = True
    propagate_to_loaders = True

    def __init__(self, entity: Any = None) -> None:
        self.entity = entity
        # steps: (attribute or "*", strategy, kw)
        self.steps: tuple[tuple[Any, Optional[str], dict[str, Any]], ...] = ()
        # column options (.strategy_options objects) for the path's end
        self.columns: tuple[Any, ...] = ()
        self.sub: tuple[Any, ...] = ()

    def _copy(self) -> "Load":
        new = Load.__new__(Load)
        new.entity = self.entity
        new.steps = self.steps
        new.columns = self.columns
        new.sub = self.sub
        return new

    def _step(self, attr: Any, strategy: Optional[str], **kw: Any) -> "Load":
        if self.columns:
            raise sa_exc.ArgumentError(
                "Loader options can't be chained after a column option; use "
                ".options() to combine them"
            )
        new = self._copy()
        new.steps = self.steps + ((_attr_of(attr), strategy, kw),)
        return new

    def _col(self, opt: Any) -> "Load":
        new = self._copy()
        new.columns = self.columns + (opt,)
        return new

    def joinedload(self, attr: Any, innerjoin: Any = None) -> "Load":
        return self._step(attr, "joined", innerjoin=innerjoin)

    def selectinload(self, attr: Any, recursion_depth: Optional[int] = None) -> "Load":
        return self._step(attr, "selectin", recursion_depth=recursion_depth)

    def subqueryload(self, attr: Any) -> "Load":
        return self._step(attr, "subquery")

    def lazyload(self, attr: Any) -> "Load":
        return self._step(attr, "select")

    def immediateload(self, attr: Any, recursion_depth: Optional[int] = None) -> "Load":
        return self._step(attr, "immediate")

    def noload(self, attr: Any) -> "Load":
        return self._step(attr, "noload")

    def raiseload(self, attr: Any, sql_only: bool = False) -> "Load":
        return self._step(attr, "raise_on_sql" if sql_only else "raise")

    def defaultload(self, attr: Any) -> "Load":
        return self._step(attr, None)

    def contains_eager(self, attr: Any, alias: Any = None) -> "Load":
        return self._step(attr, "contains_eager", alias=alias)

    def selectin_polymorphic(self, classes: Any) -> "Load":
        return self._copy()

    def load_only(self, *attrs: Any, raiseload: bool = False) -> "Load":
        from .strategy_options import load_only

        return self._col(load_only(*attrs, raiseload=raiseload))

    def defer(self, key: Any, raiseload: bool = False) -> "Load":
        from .strategy_options import defer

        return self._col(defer(key, raiseload=raiseload))

    def undefer(self, key: Any) -> "Load":
        from .strategy_options import undefer

        return self._col(undefer(key))

    def undefer_group(self, name: str) -> "Load":
        from .strategy_options import undefer_group

        return self._col(undefer_group(name))

    def with_expression(self, key: Any, expression: Any) -> "Load":
        raise NotImplementedError("with_expression() is not supported yet")

    def options(self, *opts: "Load") -> "Load":
        new = self._copy()
        new.sub = self.sub + tuple(opts)
        return new

    def __repr__(self) -> str:
        return "Load(%s)" % " -> ".join(
            f"{getattr(a, 'key', a)}:{s}" for a, s, _ in self.steps
        )


def _new(attr: Any, strategy: Optional[str], **kw: Any) -> Load:
    return Load()._step(attr, strategy, **kw)


def joinedload(*keys: Any, innerjoin: Any = None) -> Load:
    """Load a relationship in the same SELECT with a LEFT OUTER JOIN."""
    opt = Load()
    for key in keys:
        opt = opt.joinedload(key, innerjoin=innerjoin)
    return opt


def selectinload(*keys: Any, recursion_depth: Optional[int] = None) -> Load:
    """Load a relationship with a second SELECT .. WHERE key IN (...)."""
    opt = Load()
    for key in keys:
        opt = opt.selectinload(key, recursion_depth=recursion_depth)
    return opt


def subqueryload(*keys: Any) -> Load:
    """Load a relationship with a second SELECT (``subqueryload``)."""
    opt = Load()
    for key in keys:
        opt = opt.subqueryload(key)
    return opt


def lazyload(*keys: Any) -> Load:
    """Load a relationship on first access (the default ``lazy='select'``)."""
    opt = Load()
    for key in keys:
        opt = opt.lazyload(key)
    return opt


def immediateload(*keys: Any, recursion_depth: Optional[int] = None) -> Load:
    opt = Load()
    for key in keys:
        opt = opt.immediateload(key)
    return opt


def noload(*keys: Any) -> Load:
    """Leave a relationship empty (``None`` / empty collection); never load it."""
    opt = Load()
    for key in keys:
        opt = opt.noload(key)
    return opt


def raiseload(*keys: Any, sql_only: bool = False) -> Load:
    """Raise ``InvalidRequestError`` when a relationship would be lazy loaded."""
    opt = Load()
    for key in keys:
        opt = opt.raiseload(key, sql_only=sql_only)
    return opt


def defaultload(*keys: Any) -> Load:
    """Keep the relationship's own strategy; a path for chained options."""
    opt = Load()
    for key in keys:
        opt = opt.defaultload(key)
    return opt


def contains_eager(*keys: Any, alias: Any = None) -> Load:
    """Populate a relationship from columns the statement already joins in."""
    opt = Load()
    for key in keys:
        opt = opt.contains_eager(key, alias=alias)
    return opt


def selectin_polymorphic(base: Any, classes: Any) -> Load:
    return Load(base)


_BY_NAME = {
    "joinedload": joinedload,
    "selectinload": selectinload,
    "subqueryload": subqueryload,
    "lazyload": lazyload,
    "immediateload": immediateload,
    "noload": noload,
    "raiseload": raiseload,
    "defaultload": defaultload,
    "contains_eager": contains_eager,
    "selectin_polymorphic": selectin_polymorphic,
}


def make_option(kind: str, attrs: tuple[Any, ...], kw: dict[str, Any]) -> Load:
    """The option ``kind(*attrs, **kw)``; what :mod:`.strategy_options` calls."""
    return _BY_NAME[kind](*attrs, **kw)  # type: ignore[operator,no-any-return]


# --------------------------------------------------------------------------
# compiling the options of a statement


def _root_class(opt: Load) -> Any:
    if opt.steps:
        attr = opt.steps[0][0]
        if not isinstance(attr, str):
            return attr.class_
    for col_opt in opt.columns:
        for a in getattr(col_opt, "attrs", ()):
            if not isinstance(a, str):
                return a.class_
    entity = opt.entity
    if entity is not None:
        return getattr(entity, "class_", entity)
    return None


def _apply(opt: Load, node: LoadNode) -> None:
    for attr, strategy, kw in opt.steps:
        key = attr if isinstance(attr, str) else attr.key
        if key == "*":
            node.wildcard = strategy
            return
        node = node.child(key)
        if strategy is not None:
            node.strategy = strategy
        if kw.get("alias") is not None:
            node.alias = kw["alias"]
        elif getattr(attr, "_of_type", None) is not None:
            node.alias = attr._of_type  # contains_eager(A.bs.of_type(alias))
        if kw.get("innerjoin"):
            node.innerjoin = kw["innerjoin"]
        depth = kw.get("recursion_depth")
        if depth is not None:
            node.depth = depth
    node.col_options.extend(opt.columns)
    for sub in opt.sub:
        if isinstance(sub, Load):
            _apply(sub, node)
        elif getattr(sub, "_is_column_option", False):
            node.col_options.append(sub)


def compile_options(options: Any, mappers: list[Any]) -> dict[int, LoadNode]:
    """``{index of entity: LoadNode}`` for the loader options of a statement."""
    out: dict[int, LoadNode] = {}
    for opt in options:
        if not isinstance(opt, Load):
            continue
        cls = _root_class(opt)
        for i, mapper in enumerate(mappers):
            if mapper is None:
                continue
            if (
                cls is None
                or (isinstance(cls, type) and issubclass(mapper.class_, cls))
                or (isinstance(cls, type) and issubclass(cls, mapper.class_))
            ):
                node = out.get(i)
                if node is None:
                    node = out[i] = LoadNode()
                _apply(opt, node)
                break
    return out


__all__ = [
    "Load",
    "LoadNode",
    "joinedload",
    "selectinload",
    "subqueryload",
    "lazyload",
    "immediateload",
    "noload",
    "raiseload",
    "defaultload",
    "contains_eager",
    "selectin_polymorphic",
    "make_option",
]
