"""``relationship()``: links between mapped classes (``sqlalchemy.orm.relationship``).

A :class:`RelationshipProperty` is declared with a target (class, mapper,
name string or callable) and optional join arguments.  Everything that
depends on other classes is resolved late, when the mappers are configured
(``configure_mappers()``, which the first instantiation, query or flush
triggers):

* the target mapper and the ``secondary`` table (strings resolve through the
  declarative class registry and the MetaData),
* the join condition: given as ``primaryjoin`` or inferred from the foreign
  keys between the tables (``foreign_keys`` / ``remote_side`` / ``foreign()``
  / ``remote()`` disambiguate), from which come the *direction*
  (one-to-many, many-to-one, many-to-many), the local/remote column pairs and
  the *synchronize pairs* a flush copies primary-key values along,
* ``backref`` (creates the reverse property) and ``back_populates`` (links
  two declared properties), so both sides stay in step in memory.

Instance-level behaviour lives elsewhere: attribute implementations and
collections in :mod:`.collections`, loading in :mod:`.strategies`, flush
ordering and cascades in :mod:`.dependency`.  The SQL built from the join
analysis (lazy-load criterion, ``any()`` / ``has()`` / ``contains()``,
comparisons, ``with_parent()``, ``select(A).join(A.bs)``) is here.
"""

from __future__ import annotations

import enum
import sys
import weakref
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from .. import exc as sa_exc
from ..sql import operators as ops
from ._sql import sql
from .attributes import InstrumentedAttribute
from .base import NO_VALUE, instance_state, opt_manager_of_class
from .interfaces import StrategizedProperty

if TYPE_CHECKING:
    from .mapper import Mapper


class RelationshipDirection(enum.Enum):
    """Which side holds the foreign key (``sqlalchemy.orm.RelationshipDirection``)."""

    ONETOMANY = 1
    MANYTOONE = 2
    MANYTOMANY = 3


ONETOMANY = RelationshipDirection.ONETOMANY
MANYTOONE = RelationshipDirection.MANYTOONE
MANYTOMANY = RelationshipDirection.MANYTOMANY

_ALL = ("save-update", "merge", "refresh-expire", "expunge", "delete")
_KNOWN = set(_ALL) | {"delete-orphan", "all", "none"}


class CascadeOptions(frozenset):  # type: ignore[type-arg]
    """The parsed ``cascade=`` string (``sqlalchemy.orm.CascadeOptions``)."""

    save_update: bool
    delete: bool
    refresh_expire: bool
    merge: bool
    expunge: bool
    delete_orphan: bool

    def __new__(cls, value: Any) -> "CascadeOptions":
        if isinstance(value, str):
            items = [v.strip() for v in value.replace(" ", ",").split(",")]
        else:
            items = [str(v).strip() for v in (value or ())]
        items = [v for v in items if v]
        unknown = [v for v in items if v not in _KNOWN]
        if unknown:
            raise sa_exc.ArgumentError(
                "Invalid cascade option(s): %s"
                % ", ".join(repr(x) for x in sorted(unknown))
            )
        values = set(items)
        if "all" in values:
            values.discard("all")
            values.update(_ALL)
        values.discard("none")
        self = super().__new__(cls, values)
        self.save_update = "save-update" in values
        self.delete = "delete" in values
        self.refresh_expire = "refresh-expire" in values
        self.merge = "merge" in values
        self.expunge = "expunge" in values
        self.delete_orphan = "delete-orphan" in values
        return self

    def __repr__(self) -> str:
        return "CascadeOptions(%r)" % ",".join(sorted(self))


# --------------------------------------------------------------------------
# foreign() / remote() annotations and expression helpers


def _mark(expr: Any, flag: str) -> Any:
    expr = expr.__clause_element__() if hasattr(expr, "__clause_element__") else expr
    orig = _orig(expr)
    annotations = dict(getattr(expr, "_annotations", None) or {})
    annotations[flag] = True
    annotations["_qs_orig"] = orig
    new = orig._clone()
    new._annotations = annotations
    return new


def foreign(expr: Any) -> Any:
    """Mark a column of a ``primaryjoin`` as the foreign (referencing) side."""
    return _mark(expr, "foreign")


def remote(expr: Any) -> Any:
    """Mark a column of a ``primaryjoin`` as belonging to the related (remote) side."""
    return _mark(expr, "remote")


def _orig(col: Any) -> Any:
    annotations = getattr(col, "_annotations", None) or {}
    return annotations.get("_qs_orig", col)


def _flags(col: Any) -> Any:
    return getattr(col, "_annotations", None) or {}


def _elements() -> Any:
    from ..sql import elements

    return elements


def _replace(expr: Any, fn: Callable[[Any], Any]) -> Any:
    """A copy of ``expr`` with nodes replaced where ``fn`` returns non-None.

    Only the node kinds a join condition is made of are descended into
    (binary, boolean lists, groupings, unary); anything else is kept.
    """
    found = fn(expr)
    if found is not None:
        return found
    el = _elements()
    if isinstance(expr, el.BinaryExpression):
        left = _replace(expr.left, fn)
        right = _replace(expr.right, fn)
        if left is expr.left and right is expr.right:
            return expr
        new = expr._clone()
        new.left, new.right = left, right
        return new
    if isinstance(expr, el.ClauseList):
        clauses = [_replace(c, fn) for c in expr.clauses]
        if all(a is b for a, b in zip(clauses, expr.clauses, strict=False)):
            return expr
        new = expr._clone()
        new.clauses = clauses
        return new
    if isinstance(expr, (el.Grouping, el.UnaryExpression)):
        inner = _replace(expr.element, fn)
        if inner is expr.element:
            return expr
        new = expr._clone()
        new.element = inner
        return new
    return expr


def _columns_in(expr: Any) -> list[Any]:
    from ..sql.visitors import iterate

    el = _elements()
    return [n for n in iterate(expr) if isinstance(n, el.ColumnClause)]


def _eq_pairs(expr: Any) -> list[tuple[Any, Any]]:
    """(left, right) columns of each ``col = col`` in an AND'ed condition."""
    el = _elements()
    out: list[tuple[Any, Any]] = []
    stack = [expr]
    while stack:
        node = stack.pop(0)
        if isinstance(node, el.Grouping):
            stack.append(node.element)
        elif isinstance(node, el.ClauseList):
            stack.extend(node.clauses)
        elif isinstance(node, el.BinaryExpression) and node.operator is ops.eq:
            left, right = node.left, node.right
            if isinstance(left, el.ColumnClause) and isinstance(right, el.ColumnClause):
                out.append((left, right))
    return out


def _deannotate(expr: Any) -> Any:
    def fn(node: Any) -> Any:
        if "_qs_orig" in _flags(node):
            return node._annotations["_qs_orig"]
        return None

    return _replace(expr, fn)


def _corresponding(selectable: Any, col: Any) -> Any:
    """``col`` as read from ``selectable`` (an alias of its table), else ``col``."""
    found = selectable.corresponding_column(col)
    return col if found is None else found


def adapt_join(
    prop: "RelationshipProperty",
    parent_sel: Any = None,
    target_sel: Any = None,
    secondary_sel: Any = None,
) -> tuple[Any, Any]:
    """``(primaryjoin, secondaryjoin)`` with each side read from another FROM.

    ``parent_sel`` / ``target_sel`` / ``secondary_sel`` are Core aliases (or
    None: keep the table) of the parent, target and ``secondary`` tables.
    Which side a column is on comes from the join analysis, so a
    self-referential relationship (both sides the same table) adapts its
    remote columns to ``target_sel`` and the others to ``parent_sel``.
    ``secondaryjoin`` is None for a relationship without ``secondary``.
    Used by ORM joins to ``aliased()`` entities and by joined eager loading.
    """
    prop._check_configured()
    parent_tables = {id(t) for t in prop._parent_tables()}
    target_tables = {id(t) for t in prop._target_tables()}
    sec = prop.secondary

    def side(sel: Any, tables: set[int], only: Optional[set[int]] = None) -> Any:
        def fn(node: Any) -> Any:
            table = getattr(node, "table", None)
            if table is None or not isinstance(node, _elements().ColumnClause):
                return None
            if sec is not None and table is sec:
                if secondary_sel is None:
                    return None
                return _corresponding(secondary_sel, node)
            if sel is None or id(table) not in tables:
                return None
            if only is not None and id(node) not in only:
                return None
            return _corresponding(sel, node)

        return fn

    if sec is not None:
        primary = _replace(prop.primaryjoin, side(parent_sel, parent_tables))
        secondary = _replace(prop.secondaryjoin, side(target_sel, target_tables))
        return primary, secondary
    remote_ids = {id(rc) for _, rc in prop.local_remote_pairs}
    remote_ids |= {id(c) for c in prop.remote_side or ()}
    if parent_tables & target_tables:
        to_target = side(target_sel, target_tables, only=remote_ids)
        to_parent = side(parent_sel, parent_tables)

        def both(node: Any) -> Any:
            if id(node) in remote_ids:
                return to_target(node)
            return to_parent(node)

        return _replace(prop.primaryjoin, both), None
    crit = _replace(prop.primaryjoin, side(target_sel, target_tables))
    return _replace(crit, side(parent_sel, parent_tables)), None


def _and(*crit: Any) -> Any:
    crit = tuple(c for c in crit if c is not None)
    if len(crit) == 1:
        return crit[0]
    return sql("and_")(*crit)


def _resolve_string(prop: "RelationshipProperty", text: str, what: str) -> Any:
    """Evaluate a string argument in the namespace of the declarative registry."""
    registry = getattr(prop.parent, "registry", None)
    namespace: dict[str, Any] = {}
    module = sys.modules.get(getattr(prop.parent.class_, "__module__", ""), None)
    if module is not None:
        namespace.update(vars(module))
    if registry is not None:
        namespace.update(registry._class_registry)
        metadata = getattr(registry, "metadata", None)
        if metadata is not None:
            for name, table in metadata.tables.items():
                namespace.setdefault(name, table)
    namespace.update(
        {"foreign": foreign, "remote": remote, "and_": sql("and_"), "or_": sql("or_")}
    )
    try:
        return eval(text, namespace)  # noqa: S307 - relationship() argument text
    except NameError as err:
        raise sa_exc.InvalidRequestError(
            f"When initializing mapper {prop.parent}, expression {text!r} failed "
            f"to locate a name ({err}). If this is a class name, consider adding "
            "this relationship() to the "
            f"{prop.parent.class_!r} class after both dependent classes have been "
            "defined."
        ) from err


def _table_of(col: Any) -> Any:
    return getattr(col, "table", None)


def _is_sql(value: Any) -> bool:
    return bool(getattr(value, "_is_clause_element", False))


def _col(value: Any) -> Any:
    if hasattr(value, "__clause_element__"):
        return value.__clause_element__()
    return value


def backref(name: str, **kwargs: Any) -> Any:
    """Arguments for the reverse relationship created by ``backref=``.

    Mirrors ``sqlalchemy.orm.backref``: ``relationship(B, backref=backref("a",
    lazy="joined"))``.
    """
    return (name, kwargs)


#: every relationship property instrumented so far (weakly held); a flush
#: runs :mod:`.dependency` only when one of them touches a flushed mapper
_all_relationships: "weakref.WeakSet[RelationshipProperty]" = weakref.WeakSet()
#: bumped whenever a relationship is instrumented: invalidates the per-mapper
#: answers of :func:`in_relationship`
_relationship_generation: list[int] = [0]

_LAZY = {
    True: "select",
    False: "joined",
    None: "noload",
    "select": "select",
    "joined": "joined",
    "selectin": "selectin",
    "subquery": "subquery",
    "raise": "raise",
    "raise_on_sql": "raise_on_sql",
    "noload": "noload",
    "dynamic": "dynamic",
    "write_only": "write_only",
    "immediate": "immediate",
}


class RelationshipProperty(StrategizedProperty):
    """A mapped relationship to another class (``sqlalchemy.orm.RelationshipProperty``).

    Made by :func:`relationship`; instances appear in ``Mapper.relationships``
    and as ``User.addresses.property``.
    """

    _is_relationship = True
    _persists = True
    strategy_wildcard_key = "relationship"
    # the target Mapper once configured (shadows MapperProperty.mapper)
    mapper: Any = None

    def __init__(
        self,
        argument: Any = None,
        secondary: Any = None,
        *,
        uselist: Optional[bool] = None,
        collection_class: Any = None,
        primaryjoin: Any = None,
        secondaryjoin: Any = None,
        back_populates: Optional[str] = None,
        order_by: Any = False,
        backref: Any = None,
        overlaps: Optional[str] = None,
        post_update: bool = False,
        cascade: str = "save-update, merge",
        viewonly: bool = False,
        lazy: Any = "select",
        passive_deletes: Any = False,
        passive_updates: bool = True,
        active_history: bool = False,
        enable_typechecks: bool = True,
        foreign_keys: Any = None,
        remote_side: Any = None,
        join_depth: Optional[int] = None,
        comparator_factory: Any = None,
        single_parent: bool = False,
        innerjoin: Any = False,
        distinct_target_key: Optional[bool] = None,
        load_on_pending: bool = False,
        query_class: Any = None,
        info: Optional[dict[Any, Any]] = None,
        omit_join: Any = None,
        sync_backref: Optional[bool] = None,
        doc: Optional[str] = None,
        bake_queries: bool = True,
        cascade_backrefs: bool = False,
        _cascade_given: bool = True,
        **kw: Any,
    ) -> None:
        super().__init__(info=info, doc=doc)
        # the dataclass field options (MappedAsDataclass; see decl_dataclass)
        self._qs_dc: dict[str, Any] = {}
        for dataclass_only in (
            "init",
            "repr",
            "default",
            "default_factory",
            "compare",
            "kw_only",
            "hash",
            "dataclass_metadata",
        ):
            if dataclass_only in kw:
                self._qs_dc[dataclass_only] = kw.pop(dataclass_only)
        if kw:
            raise TypeError(
                f"relationship() got unexpected keyword arguments: {sorted(kw)}"
            )
        if lazy not in _LAZY:
            raise sa_exc.ArgumentError(
                f"Unknown lazy= value {lazy!r}; expected one of 'select', 'joined', "
                "'selectin', 'subquery', 'raise', 'raise_on_sql', 'noload', "
                "'dynamic', 'write_only'"
            )
        if back_populates and backref:
            raise sa_exc.ArgumentError(
                "backref and back_populates keyword arguments are mutually exclusive"
            )
        self.argument = argument
        self.secondary = secondary
        self.uselist = uselist
        self.collection_class = collection_class
        self.primaryjoin = primaryjoin
        self.secondaryjoin = secondaryjoin
        self.back_populates = back_populates
        self.order_by = order_by
        self.backref = backref
        self.overlaps = overlaps
        self.post_update = post_update
        self.viewonly = viewonly
        self.lazy = _LAZY[lazy]
        self.passive_deletes = passive_deletes
        self.passive_updates = passive_updates
        self.active_history = active_history
        self.enable_typechecks = enable_typechecks
        self._foreign_keys_arg = foreign_keys
        self._remote_side_arg = remote_side
        self.join_depth = join_depth
        self.comparator_factory = comparator_factory
        self.single_parent = single_parent
        self.innerjoin = innerjoin
        self.distinct_target_key = distinct_target_key
        self.load_on_pending = load_on_pending
        self.query_class = query_class
        self.omit_join = omit_join
        self.sync_backref = sync_backref
        self.cascade_backrefs = cascade_backrefs
        if viewonly:
            if _cascade_given and cascade not in ("save-update, merge", "", "none"):
                bad = CascadeOptions(cascade) & {
                    "delete",
                    "delete-orphan",
                    "save-update",
                }
                if bad:
                    raise sa_exc.ArgumentError(
                        'Cascade settings "%s" apply to persistence operations and '
                        "should not be combined with a viewonly=True relationship."
                        % ", ".join(sorted(bad))
                    )
            cascade = "merge" if "merge" in CascadeOptions(cascade) else ""
        self.cascade = CascadeOptions(cascade)
        self._configured = False
        self._reverse_property: Optional[RelationshipProperty] = None
        self._declared_annotation: Any = None
        # list / set / dict / None (Optional) / False (plain) from Mapped[...]
        self._annotated_collection: Any = NO_VALUE
        self.mapper: "Mapper[Any]" = None  # type: ignore[assignment]
        self.direction: RelationshipDirection = None  # type: ignore[assignment]

    # ------------------------------------------------------------------
    # declarative and instrumentation

    def _qs_declarative_annotation(self, cls: type, key: str, inner: Any) -> None:
        """Receive the ``Mapped[...]`` argument declarative found for this key."""
        self._declared_annotation = inner
        raw = None
        for owner in cls.__mro__:
            raw = owner.__dict__.get("__annotations__", {}).get(key)
            if raw is not None:
                break
        text = raw if isinstance(raw, str) else repr(raw)
        if "WriteOnlyMapped" in text and self.lazy == "select":
            self.lazy = "write_only"
        elif "DynamicMapped" in text and self.lazy == "select":
            self.lazy = "dynamic"

    def set_parent(self, parent: "Mapper[Any]", init: bool) -> None:
        # a subclass mapper installing the inherited property keeps the
        # declaring mapper as parent (as SQLAlchemy does)
        if self.parent is None:
            self.parent = parent

    def instrument_class(self, mapper: "Mapper[Any]") -> None:
        from .collections import make_impl

        _all_relationships.add(self)
        _relationship_generation[0] += 1
        impl = make_impl(self, mapper.class_)
        attr = RelationshipAttribute(mapper.class_, self.key, impl, self, mapper)
        mapper.class_manager.instrument_attribute(self.key, attr)
        manager = mapper.class_manager
        keys = manager.__dict__.get("_qs_rel_keys") or frozenset()
        manager.__dict__["_qs_rel_keys"] = frozenset(keys | {self.key})

    def _attribute_expression(self) -> Any:
        self._check_configured()
        return self.primaryjoin

    @property
    def entity(self) -> Any:
        """The target mapper (``RelationshipProperty.entity``)."""
        self._check_configured()
        return self.mapper

    @property
    def target(self) -> Any:
        self._check_configured()
        return self.mapper.local_table

    def _check_configured(self) -> None:
        if not self._configured:
            from .mapper import configure_mappers

            configure_mappers()
            if not self._configured:
                self.do_init()

    # ------------------------------------------------------------------
    # configuration (once every mapper exists)

    def do_init(self) -> None:
        if self._configured:
            return
        self._configured = True
        try:
            self._resolve_target()
            self._resolve_secondary()
            self._setup_join_conditions()
            self._determine_uselist()
            self._resolve_order_by()
            self._check_cascade()
        except BaseException:
            self._configured = False
            raise
        self._setup_backref()

    def _resolve_arg(self, value: Any, what: str) -> Any:
        if isinstance(value, str):
            return _resolve_string(self, value, what)
        if (
            callable(value)
            and not isinstance(value, type)
            and not hasattr(value, "__clause_element__")
            and not _is_sql(value)
        ):
            return value()
        return value

    def _resolve_target(self) -> None:
        from .mapper import Mapper

        argument = self.argument
        if argument is None:
            argument = self._target_from_annotation()
        if argument is None:
            raise sa_exc.ArgumentError(
                f"relationship() {self} has no target class; pass it as the "
                "first argument or annotate the attribute with Mapped[...]"
            )
        target = self._resolve_arg(argument, "argument")
        if isinstance(target, Mapper):
            mapper = target
        else:
            manager = opt_manager_of_class(target)
            if manager is None or manager.mapper is None:
                raise sa_exc.ArgumentError(
                    f"relationship '{self.key}' expects a class or a mapper "
                    f"argument (received: {type(target)})"
                )
            mapper = manager.mapper
        self.mapper = mapper
        self.entity_class = mapper.class_

    def _target_from_annotation(self) -> Any:
        inner = self._declared_annotation
        if inner is None:
            return None
        from .decl_base import _strip_optional

        text = getattr(inner, "text", None)
        if text is not None:  # an unresolved forward reference: parse the text
            body = text.strip()
            start = body.find("[")
            body = body[start + 1 : -1] if start >= 0 and body.endswith("]") else body
            self._annotated_collection = False
            for prefix in (
                "Optional[",
                "list[",
                "List[",
                "set[",
                "Set[",
                "dict[",
                "Dict[",
            ):
                if body.startswith(prefix):
                    low = prefix.lower()
                    if low.startswith("list"):
                        self._annotated_collection = list
                    elif low.startswith("set"):
                        self._annotated_collection = set
                    elif low.startswith("dict"):
                        self._annotated_collection = dict
                    else:
                        self._annotated_collection = None
                    body = body[len(prefix) : -1]
                    if low.startswith("dict"):  # dict[str, "Note"]: the value
                        body = body.split(",", 1)[-1].strip()
            return body.strip().strip("'\"").split("|")[0].strip()
        optional, tp = _strip_optional(inner)
        origin = getattr(tp, "__origin__", None)
        if origin in (list, set, frozenset, dict) or (
            origin is not None
            and getattr(origin, "__name__", "") in ("List", "Set", "Dict")
        ):
            self._annotated_collection = origin
            args = getattr(tp, "__args__", ())
            tp = args[-1] if args else None  # dict[str, Note]: the value type
        elif optional:
            self._annotated_collection = None
        else:
            self._annotated_collection = False
        if tp is None:
            return None
        forward = getattr(tp, "__forward_arg__", None)
        if forward is not None:
            return forward
        if isinstance(tp, str):
            return tp.strip("'\"")
        return tp

    def _resolve_secondary(self) -> None:
        secondary = self.secondary
        if secondary is None:
            return
        if isinstance(secondary, str):
            registry = getattr(self.parent, "registry", None)
            metadata = getattr(registry, "metadata", None)
            table = metadata.tables.get(secondary) if metadata is not None else None
            if table is None:
                table = _resolve_string(self, secondary, "secondary")
            secondary = table
        elif callable(secondary) and not _is_sql(secondary):
            secondary = secondary()
        self.secondary = secondary

    def _parent_tables(self) -> list[Any]:
        return list(self.parent.tables)

    def _target_tables(self) -> list[Any]:
        return list(self.mapper.tables)

    def _self_referential(self) -> bool:
        return bool(
            set(map(id, self._parent_tables())) & set(map(id, self._target_tables()))
        )

    def _setup_join_conditions(self) -> None:
        fk_arg = self._foreign_keys_arg
        if isinstance(fk_arg, str):
            fk_arg = _resolve_string(self, fk_arg, "foreign_keys")
        if fk_arg is not None and not isinstance(fk_arg, (list, tuple, set)):
            fk_arg = [fk_arg]
        self._user_foreign = {id(_orig(_col(c))) for c in (fk_arg or ())}
        remote_arg = self._remote_side_arg
        if isinstance(remote_arg, str):
            remote_arg = _resolve_string(self, remote_arg, "remote_side")
        if remote_arg is not None and not isinstance(remote_arg, (list, tuple, set)):
            remote_arg = [remote_arg]
        self._user_remote = {id(_orig(_col(c))) for c in (remote_arg or ())}
        self.remote_side = [_orig(_col(c)) for c in (remote_arg or ())]
        pj = self.primaryjoin
        if pj is not None:
            pj = _col(self._resolve_arg(pj, "primaryjoin"))
        sj = self.secondaryjoin
        if sj is not None:
            sj = _col(self._resolve_arg(sj, "secondaryjoin"))
        if self.secondary is not None:
            self._setup_m2m(pj, sj)
        elif pj is None:
            self._infer_join()
        else:
            self._analyze_primaryjoin(pj)

    def _fk_pairs(
        self, referencing: Sequence[Any], referenced: Sequence[Any]
    ) -> list[tuple[Any, Any, Any]]:
        """(fk column, referenced column, constraint) from tables to tables."""
        out = []
        ref_ids = {id(t) for t in referenced}
        for table in referencing:
            for col in table.c:
                for fk in getattr(col, "foreign_keys", ()) or ():
                    try:
                        target = fk.column
                    except Exception:
                        continue
                    if id(_table_of(target)) not in ref_ids:
                        continue
                    if self._user_foreign and id(col) not in self._user_foreign:
                        continue
                    out.append((col, target, fk.constraint))
        return out

    def _setup_m2m(self, pj: Any, sj: Any) -> None:
        sec = self.secondary
        self.direction = MANYTOMANY
        if pj is None:
            pairs = self._fk_pairs([sec], self._parent_tables())
            if self._self_referential() and len(pairs) > 1:
                raise sa_exc.AmbiguousForeignKeysError(
                    "Could not determine join condition between parent/child "
                    f"tables on relationship {self} - there are multiple foreign "
                    "key paths linking the tables via secondary table "
                    f"'{sec.name}'.  Specify the 'foreign_keys' argument, "
                    "providing a list of those columns which should be counted "
                    "as containing a foreign key reference from the secondary "
                    "table to each of the parent and child tables."
                )
            if not pairs:
                raise self._no_fks()
            pj = _and(*[ref == fk for fk, ref, _ in pairs])
        if sj is None:
            pairs = self._fk_pairs([sec], self._target_tables())
            if not pairs:
                raise self._no_fks()
            sj = _and(*[ref == fk for fk, ref, _ in pairs])
        self.primaryjoin = _deannotate(pj)
        self.secondaryjoin = _deannotate(sj)
        sec_cols = {id(c) for c in sec.c}

        def pairs_of(expr: Any) -> list[tuple[Any, Any]]:
            out = []
            for a, b in _eq_pairs(expr):
                if id(b) in sec_cols and id(a) not in sec_cols:
                    out.append((a, b))
                elif id(a) in sec_cols and id(b) not in sec_cols:
                    out.append((b, a))
            return out

        self.synchronize_pairs = pairs_of(self.primaryjoin)
        self.secondary_synchronize_pairs = pairs_of(self.secondaryjoin)
        self.local_remote_pairs = list(self.synchronize_pairs) + list(
            self.secondary_synchronize_pairs
        )

    def _no_fks(self) -> Exception:
        if self.secondary is not None:
            return sa_exc.NoForeignKeysError(
                "Could not determine join condition between parent/child tables on "
                f"relationship {self} - there are no foreign keys linking these "
                f"tables via secondary table '{self.secondary.name}'.  Ensure that "
                "referencing columns are associated with a ForeignKey or "
                "ForeignKeyConstraint, or specify 'primaryjoin' and 'secondaryjoin' "
                "expressions."
            )
        return sa_exc.NoForeignKeysError(
            "Could not determine join condition between parent/child tables on "
            f"relationship {self} - there are no foreign keys linking these tables.  "
            "Ensure that referencing columns are associated with a ForeignKey or "
            "ForeignKeyConstraint, or specify a 'primaryjoin' expression."
        )

    def _ambiguous(self) -> Exception:
        return sa_exc.AmbiguousForeignKeysError(
            "Could not determine join condition between parent/child tables on "
            f"relationship {self} - there are multiple foreign key paths linking "
            "the tables.  Specify the 'foreign_keys' argument, providing a list of "
            "those columns which should be counted as containing a foreign key "
            "reference to the parent table."
        )

    def _check_single_constraint(self, pairs: list[tuple[Any, Any, Any]]) -> None:
        if len({id(c) for _, _, c in pairs}) > 1:
            raise self._ambiguous()

    def _infer_join(self) -> None:
        ptables, ttables = self._parent_tables(), self._target_tables()
        to_parent = self._fk_pairs(ttables, ptables)  # target rows reference parent
        if self._self_referential():
            # the same foreign keys read both ways: remote_side picks the way
            if not to_parent:
                raise self._no_fks()
            self._check_single_constraint(to_parent)
            remote_ids = self._user_remote
            direction = ONETOMANY
            if remote_ids and not any(id(fk) in remote_ids for fk, _, _ in to_parent):
                direction = MANYTOONE
            self._setup_from_pairs([(fk, ref) for fk, ref, _ in to_parent], direction)
            return
        to_target = self._fk_pairs(ptables, ttables)  # parent rows reference target
        if to_parent and to_target:
            raise self._ambiguous()
        if to_parent:
            self._check_single_constraint(to_parent)
            self._setup_from_pairs([(fk, ref) for fk, ref, _ in to_parent], ONETOMANY)
        elif to_target:
            self._check_single_constraint(to_target)
            self._setup_from_pairs([(fk, ref) for fk, ref, _ in to_target], MANYTOONE)
        else:
            raise self._no_fks()

    def _setup_from_pairs(
        self, pairs: list[tuple[Any, Any]], direction: RelationshipDirection
    ) -> None:
        """Set up from (foreign key column, referenced column) pairs."""
        self.direction = direction
        if self.primaryjoin is None or not _is_sql(self.primaryjoin):
            self.primaryjoin = _and(*[ref == fk for fk, ref in pairs])
        if direction is ONETOMANY:
            # local: the parent's referenced column; remote: the child's fk
            self.local_remote_pairs = [(ref, fk) for fk, ref in pairs]
        else:
            self.local_remote_pairs = [(fk, ref) for fk, ref in pairs]
        # (source, destination) of the values a flush copies
        self.synchronize_pairs = [(ref, fk) for fk, ref in pairs]
        self.secondary_synchronize_pairs = []
        if not self.remote_side:
            self.remote_side = [rc for _, rc in self.local_remote_pairs]

    def _analyze_primaryjoin(self, pj: Any) -> None:
        ttables = {id(t) for t in self._target_tables()}
        raw_pairs = _eq_pairs(pj)
        foreign_ids = set(self._user_foreign)
        remote_ids = set(self._user_remote)
        for col in _columns_in(pj):
            flags = _flags(col)
            if flags.get("foreign"):
                foreign_ids.add(id(_orig(col)))
            if flags.get("remote"):
                remote_ids.add(id(_orig(col)))
        pj = _deannotate(pj)
        pairs = [(_orig(a), _orig(b)) for a, b in raw_pairs]
        if not foreign_ids:
            for a, b in pairs:
                for x, y in ((a, b), (b, a)):
                    for fk in getattr(x, "foreign_keys", ()) or ():
                        try:
                            if fk.column is y:
                                foreign_ids.add(id(x))
                        except Exception:
                            continue
        fk_pairs: list[tuple[Any, Any]] = []  # (foreign col, referenced col)
        for a, b in pairs:
            if id(a) in foreign_ids and id(b) not in foreign_ids:
                fk_pairs.append((a, b))
            elif id(b) in foreign_ids and id(a) not in foreign_ids:
                fk_pairs.append((b, a))
        if not fk_pairs:
            raise sa_exc.ArgumentError(
                "Could not locate any relevant foreign key columns for primary join "
                f"condition '{pj}' on relationship {self}.  Ensure that referencing "
                "columns are associated with a ForeignKey or ForeignKeyConstraint, "
                "or are annotated in the join condition with the foreign() "
                "annotation."
            )
        if self._self_referential():
            direction = ONETOMANY
            if remote_ids and not all(id(fk) in remote_ids for fk, _ in fk_pairs):
                direction = MANYTOONE
        else:
            in_target = all(id(_table_of(fk)) in ttables for fk, _ in fk_pairs)
            direction = ONETOMANY if in_target else MANYTOONE
        self.primaryjoin = pj
        self._setup_from_pairs(fk_pairs, direction)

    def _determine_uselist(self) -> None:
        annotated = getattr(self, "_annotated_collection", NO_VALUE)
        if self.uselist is None:
            if self.lazy in ("dynamic", "write_only"):
                self.uselist = True  # WriteOnlyMapped["B"]: a collection
            elif annotated is not NO_VALUE and annotated not in (None, False):
                self.uselist = True
            elif annotated is not NO_VALUE and self.direction is not MANYTOONE:
                self.uselist = False  # Mapped["Child"]: one-to-one
            else:
                self.uselist = self.direction is not MANYTOONE
        if self.collection_class is None:
            self.collection_class = set if annotated in (set, frozenset) else list
        if not self.uselist and self.lazy in ("dynamic", "write_only"):
            raise sa_exc.InvalidRequestError(
                f"On relationship {self}, {self.lazy!r} loaders cannot be used with "
                "many-to-one/one-to-one relationships and/or uselist=False."
            )

    def _resolve_order_by(self) -> None:
        ob = self.order_by
        if ob is False or ob is None:
            self.order_by = False
            return
        ob = self._resolve_arg(ob, "order_by")
        items = list(ob) if isinstance(ob, (list, tuple)) else [ob]
        self.order_by = [
            _col(self._resolve_arg(o, "order_by") if isinstance(o, str) else o)
            for o in items
        ]

    def _check_cascade(self) -> None:
        if (
            self.cascade.delete_orphan
            and self.direction is not ONETOMANY
            and not self.single_parent
        ):
            kind = "many-to-one" if self.direction is MANYTOONE else "many-to-many"
            raise sa_exc.ArgumentError(
                f"For {kind} relationship {self}, delete-orphan cascade is normally "
                'configured only on the "one" side of a one-to-many relationship, '
                'and not on the "many" side of a many-to-one or many-to-many '
                "relationship.  To force this relationship to allow a particular "
                '"Related" object to be referenced by only a single "Parent" '
                f"object at a time via the {self} relationship, which would allow "
                "delete-orphan cascade to take place in this direction, set the "
                "single_parent=True flag."
            )

    def _setup_backref(self) -> None:
        if self.back_populates:
            other = self.mapper._props.get(self.back_populates)
            if other is None:
                raise sa_exc.InvalidRequestError(
                    f"Mapper '{self.mapper}' has no property '{self.back_populates}'. "
                    "If this property was indicated from other mappers or configure "
                    "events, ensure registry.configure() has been called."
                )
            if not isinstance(other, RelationshipProperty):
                raise sa_exc.ArgumentError(
                    f"back_populates on relationship '{self}' refers to attribute "
                    f"'{other}' that is not a relationship."
                )
            self._reverse_property = other
            other._reverse_property = self
            if not other._configured:
                other.do_init()
            return
        if not self.backref:
            return
        spec = self.backref
        name, kw = (spec, {}) if isinstance(spec, str) else (spec[0], dict(spec[1]))
        if name in self.mapper._props:
            raise sa_exc.ArgumentError(
                f"Error creating backref '{name}' on relationship '{self}': property "
                f"of that name exists on mapper '{self.mapper}'"
            )
        for k in ("viewonly", "post_update", "passive_updates", "sync_backref"):
            kw.setdefault(k, getattr(self, k))
        secondary = None
        if self.secondary is not None:
            secondary = self.secondary
            kw.setdefault("primaryjoin", self.secondaryjoin)
            kw.setdefault("secondaryjoin", self.primaryjoin)
        else:
            kw.setdefault("primaryjoin", self.primaryjoin)
            kw.setdefault("foreign_keys", [fk for _, fk in self.synchronize_pairs])
            if self._self_referential() and "remote_side" not in kw:
                if self.direction is ONETOMANY:
                    kw["remote_side"] = [ref for ref, _ in self.synchronize_pairs]
                else:
                    kw["remote_side"] = [fk for _, fk in self.synchronize_pairs]
        reverse = RelationshipProperty(
            self.parent, secondary, _cascade_given="cascade" in kw, **kw
        )
        self.mapper.add_property(name, reverse)
        self._reverse_property = reverse
        reverse._reverse_property = self
        reverse.do_init()
        reverse._reverse_property = self

    # ------------------------------------------------------------------
    # SQL helpers

    def _target_entity(self) -> Any:
        from .context import entity_from

        return entity_from(self.mapper)

    def _lazy_criterion(
        self, reverse: bool = False, named: bool = False
    ) -> tuple[Any, list[tuple[Any, Any]]]:
        """The criterion selecting related rows with the parent side as binds.

        Returns ``(criterion, [(bindparam, bound column)])``.  ``reverse``
        swaps the roles (the target side is bound), which ``Child.parent ==
        obj``, ``contains()`` and ``with_parent()`` need; ``named`` gives the
        binds fixed names (``param_1``...) so a cached statement can be run
        with a parameter dictionary.
        """
        self._check_configured()
        bindparam = sql("bindparam")
        binds: list[tuple[Any, Any]] = []
        if self.secondary is not None:
            pairs = (
                self.secondary_synchronize_pairs if reverse else self.synchronize_pairs
            )
            bound = {id(c) for c, _ in pairs}
            base = self.secondaryjoin if reverse else self.primaryjoin
            other = self.primaryjoin if reverse else self.secondaryjoin
        else:
            index = 1 if reverse else 0
            bound = {id(p[index]) for p in self.local_remote_pairs}
            base, other = self.primaryjoin, None
        made: dict[int, Any] = {}

        def fn(node: Any) -> Any:
            if id(node) not in bound:
                return None
            bp = made.get(id(node))
            if bp is None:
                if named:
                    name = f"param_{len(made) + 1}"
                    bp = bindparam(name, type_=node.type)
                else:
                    bp = bindparam(None, type_=node.type, unique=True)
                made[id(node)] = bp
                binds.append((bp, node))
            return bp

        crit = _replace(base, fn)
        if other is not None and not reverse:
            crit = _and(crit, other)
        return crit, binds

    def _order_by_clauses(self) -> list[Any]:
        return list(self.order_by) if self.order_by else []

    def _criterion_for(self, obj: Any, reverse: bool = False) -> Any:
        """The lazy criterion with the values of ``obj`` bound (evaluated late)."""
        crit, binds = self._lazy_criterion(reverse=reverse)
        state = instance_state(obj)
        for bp, col in binds:
            bp.callable = _value_getter(state, state.mapper, col, obj)
            bp.required = False
        return crit

    def __str__(self) -> str:
        if self.parent is None:
            return repr(self)
        return f"{self.parent.class_.__name__}.{self.key}"


Relationship = RelationshipProperty


def relationships_of(mapper: Any) -> list[RelationshipProperty]:
    """The relationship properties of ``mapper`` (configured), cached."""
    cache = mapper.__dict__.get("_qs_rel_props")
    if cache is not None and cache[0] == len(mapper._props):
        return cache[1]  # type: ignore[no-any-return]
    rels = [p for p in mapper._props.values() if isinstance(p, RelationshipProperty)]
    for p in rels:
        p._check_configured()
    mapper.__dict__["_qs_rel_props"] = (len(mapper._props), rels)
    return rels


def in_relationship(mapper: Any) -> bool:
    """True when ``mapper`` (or a mapper it inherits from) is the parent or
    the target of some relationship, so its flush needs :mod:`.dependency`.

    Cached on the mapper per relationship generation: an application that maps
    relationships elsewhere does not slow down flushes of unrelated classes.
    """
    gen = _relationship_generation[0]
    cached = mapper.__dict__.get("_qs_in_rel")
    if cached is not None and cached[0] == gen:
        return cached[1]  # type: ignore[no-any-return]
    chain = set()
    m = mapper
    while m is not None:
        chain.add(m)
        m = m.inherits
    found = False
    for prop in list(_all_relationships):
        if prop.parent in chain:
            found = True
            break
        try:
            target = prop.mapper
        except Exception:
            found = True  # unresolvable target: take the careful path
            break
        if target in chain:
            found = True
            break
    mapper.__dict__["_qs_in_rel"] = (gen, found)
    return found


def _value_getter(
    state: Any, mapper: Any, col: Any, obj: Any = None
) -> Callable[[], Any]:
    """The late-bound value of ``col`` on ``state``'s object.  ``obj``, when
    given, is held by the getter: a criterion such as ``with_parent(
    session.get(User, 1), User.addresses)`` must outlive its (weakly mapped)
    parent object, as SQLAlchemy's does."""

    def get() -> Any:
        return column_value(state, mapper, col)

    get._qs_holds = obj  # type: ignore[attr-defined]
    return get


def column_value(state: Any, mapper: Any, col: Any) -> Any:
    """The value of the attribute mapped to ``col`` on ``state`` (loading it)."""
    prop = mapper._columntoproperty.get(col)
    if prop is None:
        return None
    obj = state()
    if obj is None:
        return None
    d = obj.__dict__
    if prop.key in d:
        return d[prop.key]
    if state.key is not None and prop.key in mapper._pk_keys:
        return state.key[1][mapper._pk_keys.index(prop.key)]
    if state.key is not None and state.session is not None:
        return getattr(obj, prop.key)
    return None


# --------------------------------------------------------------------------
# the class-level attribute: ``Parent.children``


class RelationshipAttribute(InstrumentedAttribute):
    """``Parent.children``: instance access runs the loader; SQL comparisons.

    ``Child.parent == obj``, ``!=``, ``Parent.children.any()``,
    ``Child.parent.has()``, ``Parent.children.contains(obj)`` and ``and_()``
    mirror SQLAlchemy's ``RelationshipProperty.Comparator``; the attribute
    is also a join target: ``select(A).join(A.bs)``, ``.join(B, A.bs)``.
    """

    _extra_criteria: tuple[Any, ...] = ()
    # ``A.bs.of_type(alias)``: the aliased target (AliasedInsp)
    _of_type: Any = None
    # ``alias.bs`` for ``alias = aliased(A)``: the aliased parent (AliasedInsp)
    _parent_alias: Any = None

    def impl_get(self, state: Any, d: dict[str, Any]) -> Any:
        return self.impl.get(state, d)

    @property
    def entity(self) -> Any:
        return self.prop.entity

    @property
    def mapper(self) -> Any:
        return self.prop.entity

    def of_type(self, entity: Any) -> "RelationshipAttribute":
        """The relationship joined to an ``aliased()`` target (``A.bs.of_type(b)``)."""
        prop = self.prop
        prop._check_configured()
        if entity is prop.entity or entity is prop.entity.class_:
            return self
        insp = _aliased_insp(entity)
        if insp is None or not insp.mapper.isa(prop.mapper):
            raise NotImplementedError(
                f"of_type({entity!r}) on {prop}: quicksilver supports aliased() "
                "targets only, not subclasses of the target class"
            )
        return self._copy(_of_type=insp)

    def _for_alias(self, insp: Any) -> "RelationshipAttribute":
        """This relationship read from an ``aliased()`` parent (``a.bs``)."""
        return self._copy(_parent_alias=insp)

    def _copy(self, **changes: Any) -> "RelationshipAttribute":
        new = RelationshipAttribute.__new__(RelationshipAttribute)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    def and_(self, *criteria: Any) -> "RelationshipAttribute":  # type: ignore[override]
        return self._copy(_extra_criteria=self._extra_criteria + tuple(criteria))

    def __clause_element__(self) -> Any:
        return self._joins()[0]

    def _joins(self, target_insp: Any = None) -> tuple[Any, Any]:
        """(primaryjoin, secondaryjoin) adapted to the aliases in play."""
        prop = self.prop
        prop._check_configured()
        parent = self._parent_alias
        target = target_insp if target_insp is not None else self._of_type
        if parent is None and target is None:
            return prop.primaryjoin, prop.secondaryjoin
        return adapt_join(
            prop,
            parent.selectable if parent is not None else None,
            target.selectable if target is not None else None,
        )

    def _adapt_target(self, expr: Any, target_insp: Any) -> Any:
        """Criteria written against the target class, read from its alias."""
        if target_insp is None:
            return expr
        sel = target_insp.selectable
        tables = {id(t) for t in self.prop._target_tables()}

        def fn(node: Any) -> Any:
            table = getattr(node, "table", None)
            if table is not None and id(table) in tables:
                return _corresponding(sel, node)
            return None

        return _replace(_col(expr), fn)

    # -- joins --------------------------------------------------------------

    def _qs_join_steps(self, target: Any = None) -> list[tuple[Any, Any]]:
        """[(FROM to join, ON clause)] for ``select(A).join(A.bs)``.

        ``target`` is the explicit target of ``join(target, A.bs)``; an
        ``aliased()`` one (like ``of_type()``) gets the ON clause adapted.
        """
        prop = self.prop
        prop._check_configured()
        insp = _aliased_insp(target) if target is not None else None
        if insp is None:
            insp = self._of_type
        primary, secondary = self._joins(insp)
        extra = [self._adapt_target(c, insp) for c in self._extra_criteria]
        if target is None:
            target = insp._from if insp is not None else prop._target_entity()
        if prop.secondary is not None:
            return [
                (prop.secondary, primary),
                (target, _and(secondary, *extra)),
            ]
        return [(target, _and(primary, *extra))]

    # -- comparisons --------------------------------------------------------

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        prop = self.prop
        prop._check_configured()
        if other is None or _is_null(other):
            if prop.direction is MANYTOONE:
                return _and(*[lc.is_(None) for lc, _ in prop.local_remote_pairs])
            if prop.uselist:
                return ~self._exists(None)
            return ~self._exists(None)
        if prop.uselist:
            raise sa_exc.InvalidRequestError(
                "Can't compare a collection to an object or collection; use "
                "contains() to test for membership."
            )
        if prop.direction is MANYTOONE:
            return prop._criterion_for(other, reverse=True)
        return self._exists(None, _member=other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        prop = self.prop
        prop._check_configured()
        if other is None or _is_null(other):
            if prop.direction is MANYTOONE:
                return _and(*[lc.is_not(None) for lc, _ in prop.local_remote_pairs])
            return self._exists(None)
        if prop.uselist:
            raise sa_exc.InvalidRequestError(
                "Can't compare a collection to an object or collection; use "
                "contains() to test for membership."
            )
        if prop.direction is MANYTOONE:
            state = instance_state(other)
            or_ = sql("or_")
            parts = []
            for lc, rc in prop.local_remote_pairs:
                bp = sql("bindparam")(
                    lc.key,
                    type_=lc.type,
                    unique=True,
                    callable_=_value_getter(state, state.mapper, rc, other),
                )
                bp.required = False
                parts.append(or_(lc != bp, lc.is_(None)))
            return _and(*parts)
        return ~self._exists(None, _member=other)

    __hash__ = InstrumentedAttribute.__hash__

    def _exists(self, criterion: Any, _member: Any = None, **kw: Any) -> Any:
        prop = self.prop
        target = self._of_type
        if target is None and prop._self_referential() and prop.secondary is None:
            # both sides are one table: the related rows come from an alias
            # so the EXISTS does not correlate them away (as SQLAlchemy does)
            from .util import aliased

            target = _aliased_insp(aliased(prop.mapper.class_))
        primary, secondary = self._joins(target)
        crit = [primary]
        if secondary is not None:
            crit.append(secondary)
        crit.extend(self._adapt_target(c, target) for c in self._extra_criteria)
        if criterion is not None:
            crit.append(self._adapt_target(criterion, target))
        for key, value in kw.items():
            crit.append(
                self._adapt_target(getattr(prop.mapper.class_, key) == value, target)
            )
        if _member is not None:
            state = instance_state(_member)
            for col in prop.mapper.primary_key:
                crit.append(
                    self._adapt_target(col, target) == _bound(state, prop.mapper, col)
                )
        froms = [
            target.selectable if target is not None else prop.mapper.persist_selectable
        ]
        if prop.secondary is not None:
            froms.append(prop.secondary)
        stmt = sql("select")(sql("literal_column")("1")).select_from(*froms)
        return stmt.where(_and(*crit)).exists()

    def any(self, criterion: Any = None, **kwargs: Any) -> Any:
        """EXISTS for a collection: some related row matches ``criterion``."""
        prop = self.prop
        prop._check_configured()
        if not prop.uselist:
            raise sa_exc.InvalidRequestError(
                "'any()' not implemented for scalar attributes. Use has()."
            )
        return self._exists(criterion, **kwargs)

    def has(self, criterion: Any = None, **kwargs: Any) -> Any:
        """EXISTS for a scalar reference: the related row matches ``criterion``."""
        prop = self.prop
        prop._check_configured()
        if prop.uselist:
            raise sa_exc.InvalidRequestError(
                "'has()' not implemented for collections. Use any()."
            )
        return self._exists(criterion, **kwargs)

    def contains(self, other: Any, **kwargs: Any) -> Any:
        """``Parent.children.contains(child)``: the parent rows holding ``child``."""
        prop = self.prop
        prop._check_configured()
        if not prop.uselist:
            raise sa_exc.InvalidRequestError(
                "'contains' not implemented for scalar attributes.  Use =="
            )
        if prop.secondary is not None:
            state = instance_state(other)
            crit = [prop.primaryjoin]
            for target_col, sec_col in prop.secondary_synchronize_pairs:
                crit.append(sec_col == _bound(state, prop.mapper, target_col))
            return _and(*crit)
        return prop._criterion_for(other, reverse=True)


def _aliased_insp(entity: Any) -> Any:
    """The AliasedInsp of an ``aliased()`` class (or the insp itself), else None."""
    if getattr(entity, "is_aliased_class", False):
        return entity
    d = getattr(entity, "__dict__", None)
    if isinstance(d, dict):
        return d.get("_aliased_insp")
    return None


def _bound(state: Any, mapper: Any, col: Any) -> Any:
    bp = sql("bindparam")(
        None,
        type_=col.type,
        unique=True,
        callable_=_value_getter(state, mapper, col, state()),
    )
    bp.required = False
    return bp


def _is_null(value: Any) -> bool:
    return type(value).__name__ == "Null"


def relationship(argument: Any = None, secondary: Any = None, **kw: Any) -> Any:
    """Declare a relationship to another mapped class (``sqlalchemy.orm.relationship``).

    Accepts SQLAlchemy's keyword arguments (``back_populates``, ``backref``,
    ``uselist``, ``foreign_keys``, ``primaryjoin``, ``secondary``,
    ``order_by``, ``cascade``, ``lazy``, ``viewonly``, ``post_update``,
    ``passive_deletes``, ``remote_side``, ``collection_class``...).
    """
    kw["_cascade_given"] = "cascade" in kw
    return RelationshipProperty(argument, secondary, **kw)


def with_parent(instance: object, prop: Any, from_entity: Any = None) -> Any:
    """Criterion selecting the objects related to ``instance`` through ``prop``.

    Mirrors ``sqlalchemy.orm.with_parent``: ``select(Child).where(
    with_parent(parent, Parent.children))``.
    """
    rel = getattr(prop, "prop", prop)
    if isinstance(rel, str):
        rel = instance_state(instance).mapper.get_property(rel)
    return rel._criterion_for(instance)


def dynamic_loader(argument: Any = None, **kw: Any) -> Any:
    """``relationship(argument, lazy="dynamic", ...)`` (SQLAlchemy's legacy
    spelling)."""
    return relationship(argument, lazy="dynamic", **kw)


__all__ = [
    "dynamic_loader",
    "RelationshipProperty",
    "Relationship",
    "RelationshipDirection",
    "ONETOMANY",
    "MANYTOONE",
    "MANYTOMANY",
    "CascadeOptions",
    "relationship",
    "backref",
    "foreign",
    "remote",
    "with_parent",
]
