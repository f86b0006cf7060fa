"""Legacy ``sqlalchemy.ext.declarative`` names.

``declarative_base()`` here works as the ORM one but emits
``MovedIn20Warning``, exactly as SQLAlchemy 2.x does; new code imports it from
``quicksilver.orm``.
"""

from __future__ import annotations

from typing import Any

from ...exc import MovedIn20Warning
from ...orm.decl_api import DeclarativeMeta as DeclarativeMeta
from ...orm.decl_api import as_declarative as _as_declarative
from ...orm.decl_api import declarative_base as _declarative_base
from ...orm.decl_api import declared_attr as declared_attr
from ...orm.decl_api import has_inherited_table as has_inherited_table
from ...orm.decl_api import synonym_for as synonym_for


def _moved(name: str) -> None:
    import warnings

    warnings.warn(
        MovedIn20Warning(
            f"The ``{name}()`` function is now available as "
            f"sqlalchemy.orm.{name}(). (deprecated since: 2.0)",
            code="b8d9",
        ),
        stacklevel=3,
    )


def declarative_base(**kw: Any) -> Any:
    """``sqlalchemy.ext.declarative.declarative_base`` (moved to ``orm`` in 2.0)."""
    _moved("declarative_base")
    return _declarative_base(**kw)


def as_declarative(**kw: Any) -> Any:
    """``sqlalchemy.ext.declarative.as_declarative`` (moved to ``orm`` in 2.0)."""
    _moved("as_declarative")
    return _as_declarative(**kw)


__all__ = [
    "declarative_base",
    "as_declarative",
    "declared_attr",
    "DeclarativeMeta",
    "has_inherited_table",
    "synonym_for",
]
