"""Engines, connections and results (mirrors ``sqlalchemy.engine``)."""

from . import events as events
from .base import Connection as Connection
from .base import Engine as Engine
from .base import NestedTransaction as NestedTransaction
from .base import OptionEngine as OptionEngine
from .base import RootTransaction as RootTransaction
from .base import Transaction as Transaction
from .create import create_engine as create_engine
from .create import create_pool_from_url as create_pool_from_url
from .create import engine_from_config as engine_from_config
from .cursor import CursorResult as CursorResult
from .cursor import ResultProxy as ResultProxy
from .default import DefaultDialect as DefaultDialect
from .default import DefaultExecutionContext as DefaultExecutionContext
from .interfaces import Dialect as Dialect
from .interfaces import ExceptionContext as ExceptionContext
from .interfaces import ExecutionContext as ExecutionContext
from .reflection import Inspector as Inspector
from .result import ChunkedIteratorResult as ChunkedIteratorResult
from .result import FrozenResult as FrozenResult
from .result import IteratorResult as IteratorResult
from .result import MappingResult as MappingResult
from .result import MergedResult as MergedResult
from .result import Result as Result
from .result import ScalarResult as ScalarResult
from .result import TupleResult as TupleResult
from .result import result_tuple as result_tuple
from .row import Row as Row
from .row import RowMapping as RowMapping
from .url import URL as URL
from .url import make_url as make_url

__all__ = [
    "Connection",
    "Engine",
    "NestedTransaction",
    "OptionEngine",
    "RootTransaction",
    "Transaction",
    "create_engine",
    "engine_from_config",
    "CursorResult",
    "DefaultDialect",
    "DefaultExecutionContext",
    "Inspector",
    "ChunkedIteratorResult",
    "FrozenResult",
    "IteratorResult",
    "MappingResult",
    "Result",
    "ScalarResult",
    "TupleResult",
    "Row",
    "RowMapping",
    "URL",
    "make_url",
    "create_pool_from_url",
    "ResultProxy",
    "Dialect",
    "ExceptionContext",
    "ExecutionContext",
    "MergedResult",
    "result_tuple",
]
