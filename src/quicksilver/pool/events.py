"""Pool events, as ``sqlalchemy.events.PoolEvents``.

Listeners attach to a Pool instance, a Pool class (every present and future
pool of that class), an Engine instance (meaning its pool) or the Engine class
(meaning every pool).  The pool layer never imports the engine: an Engine is
recognised by the class attribute ``_is_engine_for_pool_events`` that the
engine layer sets, and an Engine instance by that flag plus its ``.pool``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Optional

from ..event.base import Events

if TYPE_CHECKING:
    from .base import (
        ConnectionPoolEntry,
        Pool,  # noqa: F401 - named in the Events["Pool"] string
        PoolProxiedConnection,
        PoolResetState,
    )


class PoolEvents(Events["Pool"]):
    """Events fired by a :class:`.Pool`; mirrors ``sqlalchemy.events.PoolEvents``.

    Each method documents one event by its signature; register listeners with
    ``quicksilver.event.listen(target, "checkout", fn)``.
    """

    #: The Pool base class, filled in by ``pool.base`` once it is defined, so
    #: that the Engine class can stand for "every pool" without an import
    #: cycle between this module and ``pool.base``.
    _dispatch_target: ClassVar[Optional[type]] = None

    @classmethod
    def _accept_with(cls, target: Any, identifier: str) -> Any:
        """Map an Engine (class or instance) onto the pool it stands for."""
        if isinstance(target, type):
            if getattr(target, "_is_engine_for_pool_events", False):
                return cls._dispatch_target
            return super()._accept_with(target, identifier)
        if getattr(type(target), "_is_engine_for_pool_events", False):
            return getattr(target, "pool", None)
        return super()._accept_with(target, identifier)

    def connect(
        self, dbapi_connection: Any, connection_record: ConnectionPoolEntry
    ) -> None:
        """A new DBAPI connection was created for ``connection_record``."""

    def first_connect(
        self, dbapi_connection: Any, connection_record: ConnectionPoolEntry
    ) -> None:
        """The first DBAPI connection of this pool was created (fires once)."""

    def checkout(
        self,
        dbapi_connection: Any,
        connection_record: ConnectionPoolEntry,
        connection_proxy: PoolProxiedConnection,
    ) -> None:
        """A connection is being handed out by ``Pool.connect()``.

        Raising :class:`quicksilver.exc.DisconnectionError` makes the pool
        drop this connection and retry with a fresh one.
        """

    def checkin(
        self, dbapi_connection: Any, connection_record: ConnectionPoolEntry
    ) -> None:
        """A connection came back to the pool (``dbapi_connection`` may be None
        if it was invalidated)."""

    def reset(
        self,
        dbapi_connection: Any,
        connection_record: ConnectionPoolEntry,
        reset_state: PoolResetState,
    ) -> None:
        """A connection is being reset on return, before rollback/commit."""

    def invalidate(
        self,
        dbapi_connection: Any,
        connection_record: ConnectionPoolEntry,
        exception: Optional[BaseException],
    ) -> None:
        """A connection is being invalidated (it is closed right after)."""

    def soft_invalidate(
        self,
        dbapi_connection: Any,
        connection_record: ConnectionPoolEntry,
        exception: Optional[BaseException],
    ) -> None:
        """A connection was soft-invalidated: replaced at its next checkout."""

    def close(
        self, dbapi_connection: Any, connection_record: ConnectionPoolEntry
    ) -> None:
        """A pooled DBAPI connection is being closed."""

    def detach(
        self, dbapi_connection: Any, connection_record: ConnectionPoolEntry
    ) -> None:
        """A connection was detached from its pool entry."""

    def close_detached(self, dbapi_connection: Any) -> None:
        """A detached DBAPI connection is being closed."""


__all__ = ["PoolEvents"]
