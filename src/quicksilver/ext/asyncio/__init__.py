"""asyncio support (mirrors ``sqlalchemy.ext.asyncio``).

Importing this package imports neither greenlet nor any driver; both load
when the first async engine is created.  It does import the ORM, for
``AsyncSession`` and friends (``session.py``, ``scoping.py``), as
``sqlalchemy.ext.asyncio`` does.
"""

from . import base as base
from . import engine as engine
from . import exc as exc
from . import result as result
from . import scoping as scoping
from . import session as session
from .engine import AsyncConnection as AsyncConnection
from .engine import AsyncEngine as AsyncEngine
from .engine import AsyncTransaction as AsyncTransaction
from .engine import async_engine_from_config as async_engine_from_config
from .engine import create_async_engine as create_async_engine
from .engine import create_async_pool_from_url as create_async_pool_from_url
from .result import AsyncMappingResult as AsyncMappingResult
from .result import AsyncResult as AsyncResult
from .result import AsyncScalarResult as AsyncScalarResult
from .result import AsyncTupleResult as AsyncTupleResult
from .scoping import async_scoped_session as async_scoped_session
from .session import AsyncAttrs as AsyncAttrs
from .session import AsyncSession as AsyncSession
from .session import AsyncSessionTransaction as AsyncSessionTransaction
from .session import async_object_session as async_object_session
from .session import async_session as async_session
from .session import async_sessionmaker as async_sessionmaker
from .session import close_all_sessions as close_all_sessions

__all__ = [
    "AsyncAttrs",
    "AsyncConnection",
    "AsyncEngine",
    "AsyncMappingResult",
    "AsyncResult",
    "AsyncScalarResult",
    "AsyncSession",
    "AsyncSessionTransaction",
    "AsyncTransaction",
    "AsyncTupleResult",
    "async_engine_from_config",
    "async_object_session",
    "async_scoped_session",
    "async_session",
    "async_sessionmaker",
    "close_all_sessions",
    "create_async_engine",
    "create_async_pool_from_url",
]
