"""The one exception tree of quicksilver.

Class names mirror ``sqlalchemy.exc`` one for one, because user code catches them
by name (``except sqlalchemy.exc.IntegrityError``) and must keep working when the
import is switched to quicksilver.  ORM-only errors live in ``quicksilver.orm.exc``.

Conditions that need more than a sentence of explanation carry a ``code``: a
readable slug appended to the message and explained in ``docs/errors.md``.
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar, Optional, Sequence

_DOCS = "docs/errors.md"


class HasDescriptionCode:
    """Mixin adding an optional ``code`` that points at ``docs/errors.md``."""

    code: Optional[str] = None

    def __init__(self, *arg: Any, **kw: Any) -> None:
        code = kw.pop("code", None)
        if code is not None:
            self.code = code
        super().__init__(*arg, **kw)

    def _code_str(self) -> str:
        if not self.code:
            return ""
        return f"(Background on this error at: {_DOCS}#{self.code})"

    def __str__(self) -> str:
        message = super().__str__()
        if self.code:
            message = f"{message} {self._code_str()}"
        return message


class SQLAlchemyError(HasDescriptionCode, Exception):
    """Root of every quicksilver error; named like SQLAlchemy's for compatibility."""

    def _message(self) -> str:
        if len(self.args) == 1:
            text = self.args[0]
            return text if isinstance(text, str) else str(text)
        return str(self.args)

    def _sql_message(self) -> str:
        message = self._message()
        if self.code:
            message = f"{message}\n{self._code_str()}"
        return message

    def __str__(self) -> str:
        return self._sql_message()


#: quicksilver's own name for the root class.
QuicksilverError = SQLAlchemyError


class ArgumentError(SQLAlchemyError):
    """Bad input or configuration given to a function or constructor."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument of the wrong type (quicksilver's own).

    Also a ``TypeError``: where SQLAlchemy lets such a value through until
    Python itself fails on it with a ``TypeError``, quicksilver says at once
    which argument is wrong, and code catching ``TypeError`` still works.
    """


class DuplicateColumnError(ArgumentError):
    """A column was added to a table that already has one of that name."""


class ObjectNotExecutableError(ArgumentError):
    """An object that is not a statement was passed to ``execute()``."""

    def __init__(self, target: Any) -> None:
        super().__init__(f"Not an executable object: {target!r}")
        self.target = target

    def __reduce__(self) -> Any:
        return self.__class__, (self.target,)


class NoSuchModuleError(ArgumentError):
    """A dialect or driver named in a URL does not exist."""


class NoForeignKeysError(ArgumentError):
    """No foreign key links two tables that were asked to be joined."""


class AmbiguousForeignKeysError(ArgumentError):
    """More than one foreign key could join two tables."""


class ConstraintColumnNotFoundError(ArgumentError):
    """A constraint names a column its table does not have."""


class CircularDependencyError(SQLAlchemyError):
    """A set of dependencies (tables, rows) cannot be put in order."""

    def __init__(
        self,
        message: str,
        cycles: Any = (),
        edges: Any = (),
        msg: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        if msg is None:
            message += " (%s)" % ", ".join(repr(s) for s in cycles)
        else:
            message = msg
        super().__init__(message, code=code)
        self.cycles = cycles
        self.edges = edges


class CompileError(SQLAlchemyError):
    """A statement could not be turned into SQL."""


class CompileNotImplementedError(CompileError, NotImplementedError):
    """A statement the backend has no SQL for (a multi-table DELETE on
    SQLite): SQLAlchemy raises ``NotImplementedError`` there; this is one,
    and a CompileError too."""


class UnsupportedCompilationError(CompileError):
    """A construct has no SQL form on the dialect at hand."""

    code = "l7de"

    def __init__(self, compiler: Any, element_type: Any, message: Optional[str] = None):
        super().__init__(
            "Compiler %r can't render element of type %s%s"
            % (compiler, element_type, ": %s" % message if message else "")
        )
        self.compiler = compiler
        self.element_type = element_type
        self.message = message


class IdentifierError(SQLAlchemyError):
    """An identifier is too long or otherwise unusable on the dialect."""


class DisconnectionError(SQLAlchemyError):
    """A connection was found dead; raised by pool events to force a retry."""

    invalidate_pool: bool = False


class InvalidatePoolError(DisconnectionError):
    """Like DisconnectionError, but every connection in the pool is dropped."""

    invalidate_pool = True


class TimeoutError(SQLAlchemyError):  # noqa: A001 - SQLAlchemy's name, kept.
    """No connection could be had from a pool within ``pool_timeout``."""


class InvalidRequestError(SQLAlchemyError):
    """The right call at the wrong moment, or on an object in the wrong state."""


class IllegalStateChangeError(InvalidRequestError):
    """A method was called that the object's current state does not allow."""


class ConcurrentUseError(InvalidRequestError):
    """One Session or Connection was entered by two threads at the same time.

    quicksilver's own: SQLAlchemy leaves such use undetected and state corrupted.
    """

    code = "concurrent-use"


class NoInspectionAvailable(InvalidRequestError):
    """``inspect()`` was given an object it knows nothing about."""


class NoDBAPILoaded(InvalidRequestError):
    """A dialect was used before its driver module was loaded."""


class PendingRollbackError(InvalidRequestError):
    """A transaction failed and must be rolled back before anything else."""


class ResourceClosedError(InvalidRequestError):
    """A connection, transaction or result was used after it was closed."""


class NoSuchColumnError(InvalidRequestError, KeyError):
    """A row was asked for a column it does not have."""

    def __str__(self) -> str:
        return self._sql_message()


class AmbiguousColumnError(InvalidRequestError):
    """A name matches more than one column of a row."""


class NoResultFound(InvalidRequestError):
    """Exactly one row was required and none came back."""


class MultipleResultsFound(InvalidRequestError):
    """At most one row was required and several came back."""


class NoReferenceError(InvalidRequestError):
    """A foreign key points at something that cannot be found."""

    table_name: str


class AwaitRequired(InvalidRequestError):
    """An async driver was called where the sync bridge is not in place."""

    code = "xd1r"


class MissingGreenlet(InvalidRequestError):
    """I/O was attempted from async code outside the greenlet bridge.

    Most often an implicit lazy load or expired-attribute refresh on an object
    used with ``AsyncSession``.
    """

    code = "xd2s"


class NoReferencedTableError(NoReferenceError):
    """A ForeignKey names a table its MetaData does not contain."""

    def __init__(self, message: str, tname: str) -> None:
        NoReferenceError.__init__(self, message)
        self.table_name = tname

    def __reduce__(self) -> Any:
        return self.__class__, (self.args[0], self.table_name)


class NoReferencedColumnError(NoReferenceError):
    """A ForeignKey names a column its target table does not have."""

    def __init__(self, message: str, tname: str, cname: str) -> None:
        NoReferenceError.__init__(self, message)
        self.table_name = tname
        self.column_name = cname

    def __reduce__(self) -> Any:
        return self.__class__, (self.args[0], self.table_name, self.column_name)


class NoSuchTableError(InvalidRequestError):
    """A table to reflect does not exist in the database."""


class UnreflectableTableError(InvalidRequestError):
    """A table exists but cannot be reflected."""


class UnboundExecutionError(InvalidRequestError):
    """SQL was to be run but no Engine or Connection is bound."""


class DontWrapMixin:
    """Exceptions with this mixin, raised inside execution, are not wrapped."""


class StatementError(SQLAlchemyError):
    """An error raised while running a statement; keeps the SQL and parameters."""

    statement: Optional[str] = None
    params: Any = None
    orig: Optional[BaseException] = None
    ismulti: Optional[bool] = None
    connection_invalidated: bool = False

    def __init__(
        self,
        message: str,
        statement: Optional[str],
        params: Any,
        orig: Optional[BaseException],
        hide_parameters: bool = False,
        code: Optional[str] = None,
        ismulti: Optional[bool] = None,
    ) -> None:
        SQLAlchemyError.__init__(self, message, code=code)
        self.statement = statement
        self.params = params
        self.orig = orig
        self.ismulti = ismulti
        self.hide_parameters = hide_parameters
        self.detail: list[str] = []

    def add_detail(self, msg: str) -> None:
        self.detail.append(msg)

    def __reduce__(self) -> Any:
        return (
            self.__class__,
            (self.args[0], self.statement, self.params, self.orig),
            {"detail": self.detail},
        )

    def _sql_message(self) -> str:
        details = [self._message()]
        if self.statement:
            details.append(f"[SQL: {self.statement}]")
            if self.hide_parameters:
                details.append("[SQL parameters hidden due to hide_parameters=True]")
            elif self.params:
                details.append(f"[parameters: {_repr_params(self.params)}]")
        code_str = self._code_str()
        if code_str:
            details.append(code_str)
        return "\n".join(["(%s)" % d for d in self.detail] + details)


class _ImplicitIOError(MissingGreenlet, StatementError):
    """An implicit load (lazy relationship, expired or deferred attribute)
    attempted from async code: a ``MissingGreenlet`` that is also a
    ``StatementError``, since SQLAlchemy 2.1 reports this case as a
    StatementError wrapping MissingGreenlet and 2.0 as MissingGreenlet itself;
    ``except`` clauses written for either catch it."""

    def __init__(self, message: str) -> None:
        StatementError.__init__(self, message, None, None, None, code="xd2s")
        self.orig = MissingGreenlet(message)

    def __reduce__(self) -> Any:
        return (self.__class__, (self.args[0],))


# tracebacks and error reports show the class SQLAlchemy users know
_ImplicitIOError.__name__ = "MissingGreenlet"


def _repr_params(params: Any, limit: int = 10) -> str:
    if (
        isinstance(params, (list, tuple))
        and params
        and isinstance(params[0], (dict, list, tuple))
    ):
        shown = ", ".join(repr(p) for p in params[:limit])
        more = len(params) - limit
        if more > 0:
            shown += (
                f" ... displaying {limit} of {len(params)} total bound parameter sets"
            )
        return f"[{shown}]"
    text = repr(params)
    if len(text) > 2000:
        text = text[:2000] + " ... (truncated)"
    return text


class DBAPIError(StatementError):
    """A driver (DBAPI) error, wrapped once at the execute boundary.

    ``orig`` is the driver's exception; PostgreSQL's SQLSTATE stays reachable
    through it (``err.orig.sqlstate`` with psycopg).
    """

    code = "dbapi"

    @classmethod
    def instance(
        cls,
        statement: Optional[str],
        params: Any,
        orig: BaseException,
        dbapi_base_err: type[BaseException],
        hide_parameters: bool = False,
        connection_invalidated: bool = False,
        dialect: Any = None,
        ismulti: Optional[bool] = None,
    ) -> BaseException:
        """Wrap ``orig`` in the quicksilver class matching its PEP 249 class."""
        if isinstance(orig, BaseException) and not isinstance(orig, Exception):
            return orig
        if isinstance(orig, DontWrapMixin) or isinstance(orig, StatementError):
            return orig
        if not isinstance(orig, dbapi_base_err) and statement:
            return StatementError(
                "(%s.%s) %s" % (type(orig).__module__, type(orig).__name__, orig),
                statement,
                params,
                orig,
                hide_parameters=hide_parameters,
                ismulti=ismulti,
            )
        wrapper = _wrapper_for(orig, dialect)
        return wrapper(
            statement,
            params,
            orig,
            hide_parameters=hide_parameters,
            connection_invalidated=connection_invalidated,
            ismulti=ismulti,
        )

    def __init__(
        self,
        statement: Optional[str],
        params: Any,
        orig: BaseException,
        hide_parameters: bool = False,
        connection_invalidated: bool = False,
        code: Optional[str] = None,
        ismulti: Optional[bool] = None,
    ) -> None:
        try:
            text = str(orig)
        except Exception as e:  # pragma: no cover - a driver's broken __str__
            text = "Error in str() of DB-API-generated exception: " + str(e)
        StatementError.__init__(
            self,
            "(%s.%s) %s" % (type(orig).__module__, type(orig).__name__, text),
            statement,
            params,
            orig,
            hide_parameters=hide_parameters,
            code=code,
            ismulti=ismulti,
        )
        self.connection_invalidated = connection_invalidated

    def __reduce__(self) -> Any:
        return (
            self.__class__,
            (
                self.statement,
                self.params,
                self.orig,
                self.hide_parameters,
                self.connection_invalidated,
            ),
            {"detail": self.detail},
        )


class InterfaceError(DBAPIError):
    """Wraps a DB-API InterfaceError."""

    code = "rvf5"


class DatabaseError(DBAPIError):
    """Wraps a DB-API DatabaseError."""

    code = "4xp6"


class DataError(DatabaseError):
    """Wraps a DB-API DataError."""

    code = "9h9h"


class OperationalError(DatabaseError):
    """Wraps a DB-API OperationalError."""

    code = "e3q8"


class IntegrityError(DatabaseError):
    """Wraps a DB-API IntegrityError."""

    code = "gkpj"


class InternalError(DatabaseError):
    """Wraps a DB-API InternalError."""

    code = "2j85"


class ProgrammingError(DatabaseError):
    """Wraps a DB-API ProgrammingError."""

    code = "f405"


class NotSupportedError(DatabaseError):
    """Wraps a DB-API NotSupportedError."""

    code = "tw8g"


#: PEP 249 class names, most specific first, mapped to our wrappers.
_PEP249_ORDER: Sequence[tuple[str, type[DBAPIError]]] = (
    ("IntegrityError", IntegrityError),
    ("DataError", DataError),
    ("OperationalError", OperationalError),
    ("ProgrammingError", ProgrammingError),
    ("NotSupportedError", NotSupportedError),
    ("InternalError", InternalError),
    ("DatabaseError", DatabaseError),
    ("InterfaceError", InterfaceError),
    ("Error", DBAPIError),
)


def _wrapper_for(orig: BaseException, dialect: Any) -> type[DBAPIError]:
    """Pick the wrapper by the driver's class hierarchy, not by class-name strings.

    The dialect's DBAPI module exposes the PEP 249 classes; the first one that
    ``orig`` is an instance of decides.  Without a module (a bare pool, a test
    double) the names along the MRO decide, which is as close as we can get.
    """
    dbapi = getattr(dialect, "loaded_dbapi", None) if dialect is not None else None
    if dbapi is not None:
        for name, wrapper in _PEP249_ORDER:
            dbapi_cls = getattr(dbapi, name, None)
            if dbapi_cls is not None and isinstance(orig, dbapi_cls):
                return wrapper
    names = {c.__name__ for c in type(orig).__mro__}
    for name, wrapper in _PEP249_ORDER:
        if name in names:
            return wrapper
    return DBAPIError


class SATestSuiteWarning(Warning):
    """Warning raised by the test harness."""


class SADeprecationWarning(HasDescriptionCode, DeprecationWarning):
    """A deprecated API was used."""

    deprecated_since: ClassVar[Optional[str]] = None


class Base20DeprecationWarning(SADeprecationWarning):
    """Deprecated since SQLAlchemy 2.0; kept for compatibility."""

    deprecated_since = "1.4"


class LegacyAPIWarning(Base20DeprecationWarning):
    """A legacy (1.x style) API was used."""


class MovedIn20Warning(Base20DeprecationWarning):
    """An API moved to another module in 2.0."""


class RemovedIn20Warning(Base20DeprecationWarning):
    """An API removed in 2.0, still accepted by quicksilver."""


class SAPendingDeprecationWarning(PendingDeprecationWarning):
    """An API that will be deprecated."""


class SAWarning(HasDescriptionCode, RuntimeWarning):
    """A condition that is likely a mistake but not an error."""


class QuicksilverResourceWarning(SAWarning, ResourceWarning):  # type: ignore[misc]
    """A Session or Connection was garbage-collected while holding resources."""


def _raise_from(exc: BaseException, cause: Optional[BaseException]) -> None:
    """Raise ``exc`` chained from ``cause``, dropping our own frames."""
    raise exc.with_traceback(sys.exc_info()[2]) from cause
