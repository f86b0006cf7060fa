"""Connection pooling, as ``sqlalchemy.pool``.

Every public name of ``sqlalchemy.pool`` is here under the same name; see
``docs/pool.md`` for what quicksilver does differently (fair waiting, timeout
messages naming who holds the connections, fork safety, SingletonThreadPool).
"""

from . import events as events
from .base import ConnectionPoolEntry as ConnectionPoolEntry
from .base import ManagesConnection as ManagesConnection
from .base import Pool as Pool
from .base import PoolProxiedConnection as PoolProxiedConnection
from .base import PoolResetState as PoolResetState
from .base import ResetStyle as ResetStyle
from .base import _ConnDialect as _ConnDialect
from .base import _ConnectionFairy as _ConnectionFairy
from .base import _ConnectionRecord as _ConnectionRecord
from .base import _CreatorFnType as _CreatorFnType
from .base import _CreatorWRecFnType as _CreatorWRecFnType
from .base import _ResetStyleArgType as _ResetStyleArgType
from .base import reset_commit as reset_commit
from .base import reset_none as reset_none
from .base import reset_rollback as reset_rollback
from .events import PoolEvents as PoolEvents
from .impl import AssertionPool as AssertionPool
from .impl import AsyncAdaptedQueuePool as AsyncAdaptedQueuePool
from .impl import FallbackAsyncAdaptedQueuePool as FallbackAsyncAdaptedQueuePool
from .impl import NullPool as NullPool
from .impl import QueuePool as QueuePool
from .impl import SingletonThreadPool as SingletonThreadPool
from .impl import StaticPool as StaticPool

__all__ = [
    "AssertionPool",
    "AsyncAdaptedQueuePool",
    "ConnectionPoolEntry",
    "FallbackAsyncAdaptedQueuePool",
    "ManagesConnection",
    "NullPool",
    "Pool",
    "PoolEvents",
    "PoolProxiedConnection",
    "PoolResetState",
    "QueuePool",
    "ResetStyle",
    "SingletonThreadPool",
    "StaticPool",
    "reset_commit",
    "reset_none",
    "reset_rollback",
]
