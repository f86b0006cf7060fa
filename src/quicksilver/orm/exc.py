"""ORM exceptions, named and rooted exactly as ``sqlalchemy.orm.exc``.

User code catches these by name (``except orm_exc.StaleDataError``), so the
class names and bases follow SQLAlchemy; the messages are ours and say which
object or attribute is involved and what to do next.
"""

from __future__ import annotations

from typing import Any, Optional

from .. import exc as sa_exc
from ..exc import MultipleResultsFound as MultipleResultsFound
from ..exc import NoResultFound as NoResultFound

NO_STATE = (AttributeError, KeyError)
"""Errors raised when looking up the instrumentation state of an unmapped object."""


class StaleDataError(sa_exc.SQLAlchemyError):
    """An UPDATE or DELETE matched a different number of rows than expected.

    Usually another transaction changed or deleted the row, or the version
    counter did not match.
    """


ConcurrentModificationError = StaleDataError


class FlushError(sa_exc.SQLAlchemyError):
    """A flush could not be carried out (duplicate identity, missing key...)."""


class UnmappedError(sa_exc.InvalidRequestError):
    """Base for errors about classes or instances that have no mapping."""


class ObjectDereferencedError(sa_exc.SQLAlchemyError):
    """An operation needed an object that was garbage collected."""


class DetachedInstanceError(sa_exc.SQLAlchemyError):
    """An attribute needing a load was read on an object with no Session."""

    code = "bhk3"


class UnmappedInstanceError(UnmappedError):
    """A mapping operation was given an instance of an unmapped class."""

    def __init__(self, obj: object, msg: Optional[str] = None) -> None:
        if not msg:
            try:
                cls = type(obj)
                msg = (
                    f"Class {_safe_cls_name(obj)!r} is not mapped; was a class "
                    f"({obj}) supplied where an "
                    "instance was required?"
                    if isinstance(obj, type)
                    else f"Class {_safe_cls_name(cls)!r} is not mapped"
                )
            except Exception:  # pragma: no cover - exotic objects
                msg = f"Object {obj!r} is not mapped"
        UnmappedError.__init__(self, msg)

    def __reduce__(self) -> Any:
        return self.__class__, (None, self.args[0])


class UnmappedClassError(UnmappedError):
    """A mapping operation was given a class that is not mapped."""

    def __init__(self, cls: type, msg: Optional[str] = None) -> None:
        if not msg:
            msg = f"Class {_safe_cls_name(cls)!r} is not mapped"
        UnmappedError.__init__(self, msg)

    def __reduce__(self) -> Any:
        return self.__class__, (None, self.args[0])


class ObjectDeletedError(sa_exc.InvalidRequestError):
    """A refresh of an expired object found its row gone from the database."""

    def __init__(self, state: Any, msg: Optional[str] = None) -> None:
        if not msg:
            msg = (
                f"Instance '{state_str(state)}' has been deleted, or its row is "
                "otherwise not "
                "present."
            )
        sa_exc.InvalidRequestError.__init__(self, msg)

    def __reduce__(self) -> Any:
        return self.__class__, (None, self.args[0])


class UnmappedColumnError(sa_exc.InvalidRequestError):
    """A column was asked for that the mapper does not map."""


class LoaderStrategyException(sa_exc.InvalidRequestError):
    """A loader option does not apply to the attribute it was given."""

    def __init__(
        self,
        applied_to_property_type: Any,
        requesting_property: Any,
        applies_to: Any,
        actual_strategy_type: Any,
        strategy_key: Any,
    ) -> None:
        if actual_strategy_type is None:
            sa_exc.InvalidRequestError.__init__(
                self,
                f"Can't find strategy {strategy_key} for {requesting_property}",
            )
        else:
            sa_exc.InvalidRequestError.__init__(
                self,
                'Can\'t apply "{}" strategy to property "{}", which is a "{}"; '
                'this loader strategy is intended to be used with a "{}".'.format(
                    getattr(actual_strategy_type, "__name__", actual_strategy_type),
                    requesting_property,
                    getattr(applied_to_property_type, "__name__", ""),
                    getattr(applies_to, "__name__", applies_to),
                ),
            )


class MappedAnnotationError(sa_exc.ArgumentError):
    """A ``Mapped[...]`` annotation could not be turned into a mapping."""


def _safe_cls_name(cls: Any) -> str:
    try:
        name = f"{cls.__module__}.{cls.__name__}"
    except AttributeError:
        name = getattr(cls, "__name__", None) or repr(cls)
    return name


def state_str(state: Any) -> str:
    """``<User at 0x...>`` for a state, or ``None``; used in messages."""
    if state is None:
        return "None"
    obj = state.obj()
    if obj is None:
        return f"<{state.class_.__name__} at 0x{id(state):x}>"
    return f"<{type(obj).__name__} at 0x{id(obj):x}>"


def instance_str(obj: object) -> str:
    """``<User at 0x...>`` for an instance; used in messages."""
    return f"<{type(obj).__name__} at 0x{id(obj):x}>"
