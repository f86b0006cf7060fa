"""Names of SQLAlchemy's ``engine.interfaces`` module.

quicksilver's dialect and execution-context base classes are concrete; these
aliases let code that annotates with (or subclasses) the interface names work.
"""

from .base import ExceptionContextImpl as ExceptionContext
from .default import DefaultDialect as Dialect
from .default import DefaultExecutionContext as ExecutionContext

__all__ = ["Dialect", "ExecutionContext", "ExceptionContext"]
