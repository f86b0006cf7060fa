"""The workloads and the implementations that run them.

An implementation is a class taking a :class:`~bench.targets.Target` (its
``workload`` attribute names the workload about to run); its
``setup()`` (or ``asetup()`` for async workloads) does everything that is not
timed: import the library, declare the models, create the engine and open a
first connection.  Each workload is a method of the same name taking ``n``; the
worker times exactly that call.  A class without the method does not take part
in that workload ("n/a" in the table).  The value a workload returns is checked
afterwards, untimed, so an implementation cannot look fast by doing nothing.

``quicksilver`` and ``sqlalchemy`` are one class (:mod:`.orm_common`) given a
different library name; ``qs_core`` and ``sa_core`` likewise (:mod:`.core_common`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Workload:
    """A named workload: default N, what is seeded first, what is timed."""

    name: str
    default_n: int
    timed: str
    seed_customers: bool = False
    seed_parents: bool = False
    is_async: bool = False


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload("orm_bulk_insert", 50_000, "build N objects, add_all, one commit"),
        Workload(
            "single_inserts", 5_000, "N x (new Session, add one object, commit, close)"
        ),
        Workload(
            "large_resultset",
            100_000,
            "session.scalars(select(Model)).all()",
            seed_customers=True,
        ),
        Workload(
            "short_selects_get",
            10_000,
            "N x (new Session, session.get(Model, id), close)",
            seed_customers=True,
        ),
        Workload(
            "short_selects_query",
            10_000,
            "one Session, N x select(Model).where(Model.id == x)",
            seed_customers=True,
        ),
        Workload(
            "bulk_update",
            20_000,
            "load N objects, change one attribute on each, one commit",
            seed_customers=True,
        ),
        Workload("pool_checkout", 50_000, "N x engine.connect() + close()"),
        Workload(
            "relationship_selectin",
            1_000,
            "N parents x 10 children, selectinload, touch every collection",
            seed_parents=True,
        ),
        Workload(
            "relationship_lazy",
            1_000,
            "N parents x 10 children, lazy load of every collection",
            seed_parents=True,
        ),
        Workload(
            "async_orm_insert",
            10_000,
            "AsyncSession: N objects, add_all, one commit",
            is_async=True,
        ),
        Workload(
            "async_orm_get",
            10_000,
            "N x (new AsyncSession, await get(Model, id), close)",
            seed_customers=True,
            is_async=True,
        ),
        Workload(
            "core_select_pk",
            10_000,
            "one connection, N x execute(select(t.c.id, t.c.name, t.c.score)"
            ".where(t.c.id == x)).first()",
            seed_customers=True,
        ),
        Workload(
            "core_select_pk_prebuilt",
            10_000,
            "one connection, one select(t.c.id, t.c.name, t.c.score).where(t.c.id =="
            " bindparam('ident')) executed N x with {'ident': x}, .first()",
            seed_customers=True,
        ),
    )
}

#: names accepted by ``--workloads`` that stand for several workloads
ALIASES: dict[str, tuple[str, ...]] = {
    "relationship_load": ("relationship_selectin", "relationship_lazy"),
    "async_orm": ("async_orm_insert", "async_orm_get"),
}

#: implementation name -> (module, class, constructor keyword arguments)
IMPLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "raw": ("raw", "RawDriver", {}),
    "quicksilver": ("orm_common", "OrmImpl", {"lib": "quicksilver"}),
    "sqlalchemy": ("orm_common", "OrmImpl", {"lib": "sqlalchemy"}),
    "qs_core": ("core_common", "CoreImpl", {"lib": "quicksilver"}),
    "sa_core": ("core_common", "CoreImpl", {"lib": "sqlalchemy"}),
    "peewee": ("peewee_impl", "PeeweeImpl", {}),
    "pony": ("pony_impl", "PonyImpl", {}),
}

BASELINE = "raw"


def impl_class(impl: str) -> type:
    """The class implementing ``impl`` (imports no database library)."""
    module, cls, _ = IMPLS[impl]
    return getattr(importlib.import_module(f"{__name__}.{module}"), cls)  # type: ignore[no-any-return]


def make_impl(impl: str, target: Any, workload: str) -> Any:
    """An instance of implementation ``impl`` for ``target`` (not yet set up)."""
    _, _, kwargs = IMPLS[impl]
    obj = impl_class(impl)(target, **kwargs)
    obj.workload = workload
    return obj


def supports(impl: str, workload: str) -> bool:
    """Whether ``impl`` takes part in ``workload``."""
    return callable(getattr(impl_class(impl), workload, None))
