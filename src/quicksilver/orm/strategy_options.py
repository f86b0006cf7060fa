"""Loader options for column attributes: ``defer``, ``undefer``, ``load_only``.

``select(User).options(load_only(User.name))`` changes which columns the
SELECT fetches for an entity; attributes left out are loaded on first access.
Relationship loader options (``joinedload``, ``selectinload``...) are
accepted and, until relationships exist, change nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .. import exc as sa_exc

if TYPE_CHECKING:
    from .mapper import Mapper


class LoaderOption:
    """Base of ORM loader options (``sqlalchemy.orm.Load`` results)."""

    _is_column_option = False
    propagate_to_loaders = False

    def __init__(self, kind: str, attrs: tuple[Any, ...], **kw: Any) -> None:
        self.kind = kind
        self.attrs = attrs
        self.kw = kw

    def options(self, *opts: Any) -> "LoaderOption":
        return self

    def __repr__(self) -> str:
        return f"{self.kind}({', '.join(str(a) for a in self.attrs)})"


class _ColumnOption(LoaderOption):
    _is_column_option = True

    def keys_for(self, mapper: "Mapper[Any]") -> Optional[set[str]]:
        """The attribute keys of ``mapper`` this option names (None: not ours)."""
        keys: set[str] = set()
        for attr in self.attrs:
            if isinstance(attr, str):
                if attr in mapper._props:
                    keys.add(attr)
                continue
            cls = getattr(attr, "class_", None)
            key = getattr(attr, "key", None)
            if cls is None or key is None:
                raise sa_exc.ArgumentError(
                    f"{self.kind}() expects mapped attributes such as User.name; "
                    f"got {attr!r}"
                )
            if issubclass(mapper.class_, cls) or issubclass(cls, mapper.class_):
                keys.add(key)
        return keys or None


def defer(key: Any, *addl_attrs: Any, raiseload: bool = False) -> LoaderOption:
    """Leave ``key`` out of the SELECT; load it on first access."""
    return _ColumnOption("defer", (key,) + addl_attrs, raiseload=raiseload)


def undefer(key: Any, *addl_attrs: Any) -> LoaderOption:
    """Load a deferred column with the row."""
    return _ColumnOption("undefer", (key,) + addl_attrs)


def undefer_group(name: str) -> LoaderOption:
    """Load every deferred column of group ``name`` with the row."""
    return _ColumnOption("undefer_group", (), group=name)


def load_only(*attrs: Any, raiseload: bool = False) -> LoaderOption:
    """Load only ``attrs`` (and the primary key); the rest on first access."""
    return _ColumnOption("load_only", attrs, raiseload=raiseload)


def _relationship_option(kind: str) -> Any:
    def option(*attrs: Any, **kw: Any) -> Any:
        # relationship options: ._relationship_options (issue 5)
        from ._relationship_options import make_option

        return make_option(kind, attrs, kw)

    option.__name__ = kind
    option.__doc__ = f"``{kind}()``: relationship loader option (as SQLAlchemy)."
    return option


joinedload = _relationship_option("joinedload")
selectinload = _relationship_option("selectinload")
subqueryload = _relationship_option("subqueryload")
lazyload = _relationship_option("lazyload")
noload = _relationship_option("noload")
raiseload = _relationship_option("raiseload")
immediateload = _relationship_option("immediateload")
defaultload = _relationship_option("defaultload")
contains_eager = _relationship_option("contains_eager")
selectin_polymorphic = _relationship_option("selectin_polymorphic")


def apply_column_options(
    mapper: "Mapper[Any]", columns: list[Any], options: tuple[Any, ...]
) -> Optional[list[Any]]:
    """Columns to SELECT for ``mapper`` under ``options``, or None if unchanged."""
    from .properties import ColumnProperty

    col_opts = [o for o in options if getattr(o, "_is_column_option", False)]
    if not col_opts:
        return None
    props = {k: p for k, p in mapper._props.items() if isinstance(p, ColumnProperty)}
    wanted = {k for k, p in props.items() if not p.deferred}
    changed = False
    for opt in col_opts:
        if opt.kind == "undefer_group":
            group = opt.kw.get("group")
            wanted |= {k for k, p in props.items() if p.group == group}
            changed = True
            continue
        keys = opt.keys_for(mapper)
        if keys is None:
            continue
        changed = True
        if opt.kind == "defer":
            wanted -= keys
        elif opt.kind == "undefer":
            wanted |= keys
        elif opt.kind == "load_only":
            wanted = set(keys)
    if not changed:
        return None
    wanted |= set(mapper._pk_keys)
    if mapper.polymorphic_on is not None:
        poly = mapper._columntoproperty.get(mapper.polymorphic_on)
        if poly is not None:
            wanted.add(poly.key)
    table_cols = set(columns)
    out = [c for c in columns if _key(mapper, c) in wanted]
    for key in sorted(wanted, key=list(props).index):
        col = props[key].columns[0]
        if col not in table_cols and all(
            c not in table_cols for c in props[key].columns
        ):
            out.append(expression_label(mapper, key, col))
    return out


def expression_label(mapper: "Mapper[Any]", key: str, col: Any) -> Any:
    """One labelled column per expression property, reused by every SELECT.

    Loading maps row positions by column identity, so the label object for
    ``column_property(a + b)`` must be the same on each query.
    """
    labels = mapper.__dict__.setdefault("_qs_labels", {})
    label = labels.get(key)
    if label is None:
        label = labels[key] = col.label(None) if hasattr(col, "label") else col
        mapper.__dict__.setdefault("_qs_load_extra", {})[id(label)] = key
    return label


def _key(mapper: "Mapper[Any]", col: Any) -> Optional[str]:
    prop = mapper._columntoproperty.get(col)
    if prop is not None:
        return prop.key  # type: ignore[no-any-return]
    return (mapper.__dict__.get("_qs_load_extra") or {}).get(id(col))
