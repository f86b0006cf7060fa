"""Errors of the asyncio extension (mirrors ``sqlalchemy.ext.asyncio.exc``)."""

from __future__ import annotations

from ... import exc


class AsyncMethodRequired(exc.InvalidRequestError):
    """A sync-style API was used where only its async form can work
    (e.g. ``execute()`` on a streaming, server-side result)."""


class AsyncContextNotStarted(exc.InvalidRequestError):
    """An ``AsyncConnection``/``AsyncTransaction`` was used before being
    awaited or entered with ``async with``."""


class AsyncContextAlreadyStarted(exc.InvalidRequestError):
    """A startable context was started twice."""


class AsyncBindNotFound(exc.InvalidRequestError):
    """A bind has no asyncio counterpart known to the ``AsyncSession``."""


__all__ = [
    "AsyncMethodRequired",
    "AsyncContextNotStarted",
    "AsyncContextAlreadyStarted",
    "AsyncBindNotFound",
]
