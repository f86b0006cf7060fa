"""Compilers: turn SQL constructs into strings for a dialect.

Split by concept: ``sql`` (expressions and SELECT), ``crud`` (INSERT /
UPDATE / DELETE), ``ddl``, ``types`` (type names), ``preparer`` (identifier
quoting), ``base`` (``Compiled`` and parameter handling), ``default`` (the
dialect behind ``str(stmt)``).
"""

from .base import Compiled as Compiled
from .base import ResultColumnsEntry as ResultColumnsEntry
from .ddl import DDLCompiler as DDLCompiler
from .default import StrCompileDialect as StrCompileDialect
from .default import StrSQLCompiler as StrSQLCompiler
from .default import default_dialect as default_dialect
from .preparer import RESERVED_WORDS as RESERVED_WORDS
from .preparer import IdentifierPreparer as IdentifierPreparer
from .sql import OPERATORS as OPERATORS
from .sql import SQLCompiler as SQLCompiler
from .types import GenericTypeCompiler as GenericTypeCompiler
from .types import StrSQLTypeCompiler as StrSQLTypeCompiler
