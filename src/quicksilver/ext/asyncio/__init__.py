"""asyncio support (mirrors ``sqlalchemy.ext.asyncio``).

Importing this package imports neither greenlet nor any driver; both load
when the first async engine is created.  ``AsyncSession``,
``async_sessionmaker``, ``async_scoped_session`` and ``AsyncAttrs`` come with
the ORM Session (``ext/asyncio/session.py``, ``scoping.py``), not yet here.
"""

from . import base as base
from . import engine as engine
from . import exc as exc
from . import result as result
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

__all__ = [
    "AsyncConnection",
    "AsyncEngine",
    "AsyncMappingResult",
    "AsyncResult",
    "AsyncScalarResult",
    "AsyncTransaction",
    "AsyncTupleResult",
    "async_engine_from_config",
    "create_async_engine",
    "create_async_pool_from_url",
]
