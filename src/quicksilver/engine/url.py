"""Database URLs: ``dialect+driver://user:password@host:port/database?query``.

Mirrors ``sqlalchemy.engine.url``.  A :class:`URL` is an immutable value
object: a ``NamedTuple`` of seven fields whose ``query`` is an immutable
mapping of ``str`` to ``str`` (one value) or ``tuple`` of ``str`` (a key given
several times).  Every "change" (:meth:`URL.set`, ``update_query_*``) returns a
new URL, so a URL can be shared between engines, cached and hashed safely.

Parsing rules (matched against SQLAlchemy by ``tests/unit/engine/test_url.py``):

* the scheme is one or more word characters or ``+`` followed by ``://``;
* ``user[:password]@`` is optional; the user part stops at ``:`` or ``/``,
  the password runs to the *first* ``@`` after it, and the user part may
  itself contain ``@`` (the *last* ``@`` ends it when there is no password);
* the host is either ``[ipv6]`` or runs to the first ``/``, ``:`` or ``?``;
  it is not percent-decoded (an IPv6 zone id stays ``%25eth0``);
* ``:port`` must be an integer (``int()``);
* ``/database`` runs to the first ``?`` and is percent-decoded, so every
  SQLite form works: ``sqlite://`` (memory), ``sqlite:///relative.db``,
  ``sqlite:////absolute.db``, ``sqlite:///:memory:``;
* ``?query`` is decoded with ``parse_qsl``; blank values are dropped.

Where SQLAlchemy raises a built-in ``TypeError``/``ValueError`` for bad input
(a non-integer port, a non-string field), quicksilver raises an
:class:`~quicksilver.exc.ArgumentError` subclass that *also* derives from that
built-in class, so ``except ValueError`` written for SQLAlchemy keeps working.
Messages name the URL with its password masked.
"""

from __future__ import annotations

import re
from typing import (
    Any,
    Dict,
    Iterable,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Type,
    Union,
)
from urllib.parse import parse_qsl, quote, quote_plus, unquote

from .. import exc
from ..util import EMPTY_DICT, immutabledict, warn_deprecated

__all__ = ["URL", "make_url"]

_QueryValue = Union[str, Tuple[str, ...]]
_QueryArg = Mapping[str, Union[str, Sequence[str]]]


class URLArgumentValueError(exc.ArgumentError, ValueError):
    """A URL field has the right type but an unusable value (e.g. port ``'x'``).

    Also a ``ValueError``, which is what SQLAlchemy raises for the same input.
    """


class URLArgumentTypeError(exc.ArgumentError, TypeError):
    """A URL field was given a value of the wrong type.

    Also a ``TypeError``, which is what SQLAlchemy raises for the same input.
    """


#: The whole grammar.  Every part after ``://`` is optional, so once the
#: scheme matches the rest always does; what is left to check is the port.
_URL_RE = re.compile(
    r"""
    (?P<name>[\w+]+)://
    (?:
        (?P<username>[^:/]*)
        (?::(?P<password>[^@]*))?
        @
    )?
    (?:
        \[(?P<ipv6host>[^/?\]]+)\](?=[:/?]|\Z)
        |
        (?P<host>[^/:?]+)
    )?
    (?::(?P<port>[^/?]*))?
    (?:/(?P<database>[^?]*))?
    (?:\?(?P<query>.*))?
    \Z
    """,
    re.VERBOSE | re.DOTALL,
)

#: Finds the password of a string that may not parse, to mask it in errors.
_PASSWORD_RE = re.compile(r"(://[^:/@]*:)[^@]*(@)", re.DOTALL)

_SCHEME_RE = re.compile(r"[\w+]+\Z")

_FORM = "'dialect+driver://user:password@host:port/database'"


def _mask(text: str) -> str:
    """Hide the password of a URL string that is quoted in an error message."""
    return _PASSWORD_RE.sub(r"\1***\2", text, count=1)


def _parse_error(name: str, reason: str) -> exc.ArgumentError:
    return exc.ArgumentError(
        "Could not parse SQLAlchemy URL from given URL string "
        f"{_mask(name)!r}: {reason}; expected the form {_FORM}."
    )


def _why_unparseable(name: str) -> str:
    if not name:
        return "the string is empty"
    if "://" not in name:
        return "it has no '://' after the dialect name"
    scheme = name.split("://", 1)[0]
    if not scheme:
        return "the dialect name before '://' is missing"
    if not _SCHEME_RE.match(scheme):
        return f"the dialect name {scheme!r} may hold only letters, digits, '_' and '+'"
    return "it does not follow the URL grammar"  # pragma: no cover - defensive


def _assert_str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise URLArgumentTypeError(f"{name} must be a string")
    return value


def _assert_none_str(value: Any, name: str) -> Optional[str]:
    if value is None:
        return None
    return _assert_str(value, name)


def _to_port(port: Any, url_text: Optional[str] = None) -> Optional[int]:
    """Convert a port like SQLAlchemy does (``int(port)``), with a clear error."""
    if port is None:
        return None
    try:
        return int(port)
    except TypeError:
        raise URLArgumentTypeError("Port argument must be an integer or None")
    except ValueError:
        where = f" in URL {_mask(url_text)!r}" if url_text is not None else ""
        if port == "":
            what = "is empty after ':'"
        else:
            what = f"{port!r} is not an integer"
        raise URLArgumentValueError(
            f"Invalid port{where}: the port {what}; give an integer port "
            "or leave out the ':'."
        )


def _query_values(value: Any) -> Union[str, List[str]]:
    """Return a str unchanged or a sequence of str as a list; reject the rest."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise URLArgumentTypeError(
        "Query dictionary values must be strings or sequences of strings"
    )


def _as_list(value: Union[str, Sequence[str]]) -> List[str]:
    return [value] if isinstance(value, str) else list(value)


def _freeze_query(query: Optional[_QueryArg]) -> immutabledict[str, _QueryValue]:
    """Validate a user-given query mapping and make it immutable.

    A single string stays a string; any sequence (even of one item) becomes a
    tuple, as in SQLAlchemy.
    """
    if not query:
        return EMPTY_DICT
    frozen: Dict[str, _QueryValue] = {}
    for key, value in query.items():
        if not isinstance(key, str):
            raise URLArgumentTypeError("Query dictionary keys must be strings")
        values = _query_values(value)
        frozen[key] = values if isinstance(values, str) else tuple(values)
    return immutabledict(frozen)


class URL(NamedTuple):
    """An immutable database URL; mirrors ``sqlalchemy.engine.URL``.

    Build one with :func:`make_url` (from a string) or :meth:`URL.create`
    (from parts); constructing ``URL(...)`` directly skips validation.
    ``str(url)`` and ``repr(url)`` mask the password as ``***`` so a URL can be
    logged; :meth:`render_as_string` with ``hide_password=False`` gives the
    full string back.
    """

    drivername: str
    """``dialect`` or ``dialect+driver``."""

    username: Optional[str]
    """The user name, percent-decoded; ``None`` when absent."""

    password: Optional[Any]
    """The password, percent-decoded (any object with ``__str__`` is accepted)."""

    host: Optional[str]
    """The host name or IPv6 address (without brackets)."""

    port: Optional[int]
    """The port as an int, or ``None``."""

    database: Optional[str]
    """The database name or, for SQLite, the file path."""

    query: Mapping[str, _QueryValue]
    """Immutable mapping of query-string keys to a str or a tuple of str."""

    @classmethod
    def create(
        cls,
        drivername: str,
        username: Optional[str] = None,
        password: Optional[Any] = None,
        host: Optional[str] = None,
        port: Optional[int] = None,
        database: Optional[str] = None,
        query: _QueryArg = EMPTY_DICT,
    ) -> "URL":
        """Build a validated URL from its parts; mirrors ``URL.create``.

        Strings are taken as they are (no percent-decoding), the port goes
        through ``int()`` and the query values become str or tuples of str.
        """
        return cls(
            _assert_str(drivername, "drivername"),
            _assert_none_str(username, "username"),
            password,
            _assert_none_str(host, "host"),
            _to_port(port),
            _assert_none_str(database, "database"),
            _freeze_query(query),
        )

    def set(
        self,
        drivername: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[Any] = None,
        host: Optional[str] = None,
        port: Optional[int] = None,
        database: Optional[str] = None,
        query: Optional[_QueryArg] = None,
    ) -> "URL":
        """Return a copy with the given (non-``None``) fields replaced.

        As in SQLAlchemy, ``None`` means "keep", so ``set()`` cannot clear a
        field; use ``URL.create`` for that.  Values are validated like
        :meth:`create` (quicksilver also turns a string port into an int,
        where SQLAlchemy would store the string).
        """
        changes: Dict[str, Any] = {}
        if drivername is not None:
            changes["drivername"] = _assert_str(drivername, "drivername")
        if username is not None:
            changes["username"] = _assert_str(username, "username")
        if password is not None:
            changes["password"] = password
        if host is not None:
            changes["host"] = _assert_str(host, "host")
        if port is not None:
            changes["port"] = _to_port(port)
        if database is not None:
            changes["database"] = _assert_str(database, "database")
        if query is not None:
            changes["query"] = _freeze_query(query)
        return self._replace(**changes)

    # -- query string ------------------------------------------------------

    def update_query_string(
        self,
        query_string: str,
        append: bool = False,
        *,
        keep_blank_values: bool = False,
    ) -> "URL":
        """Return a copy with the parameters of ``query_string`` merged in.

        ``append=True`` adds values to existing keys instead of replacing them.
        """
        pairs = parse_qsl(query_string, keep_blank_values=keep_blank_values)
        return self.update_query_pairs(pairs, append=append)

    def update_query_pairs(
        self,
        key_value_pairs: Iterable[Tuple[str, Union[str, Sequence[str]]]],
        append: bool = False,
    ) -> "URL":
        """Return a copy with ``(key, value)`` pairs merged into the query.

        A key given several times collects its values into a tuple; with
        ``append=True`` the existing values of a key are kept in front.
        """
        incoming: Dict[str, Union[str, List[str]]] = {}
        for key, value in key_value_pairs:
            if not isinstance(key, str):
                raise URLArgumentTypeError("Query dictionary keys must be strings")
            values = _query_values(value)
            if key in incoming:
                incoming[key] = _as_list(incoming[key]) + _as_list(values)
            else:
                incoming[key] = values
        merged: Dict[str, _QueryValue] = dict(self.query)
        for key, values in incoming.items():
            if append and key in merged:
                merged[key] = tuple(_as_list(merged[key]) + _as_list(values))
            else:
                merged[key] = values if isinstance(values, str) else tuple(values)
        return self._replace(query=immutabledict(merged))

    def update_query_dict(
        self, query_parameters: _QueryArg, append: bool = False
    ) -> "URL":
        """Return a copy with a mapping merged into the query (see pairs)."""
        return self.update_query_pairs(query_parameters.items(), append=append)

    def difference_update_query(self, names: Iterable[str]) -> "URL":
        """Return a copy without the given query keys (``self`` if none is there)."""
        drop = set(names)
        if not drop.intersection(self.query):
            return self
        kept = {k: v for k, v in self.query.items() if k not in drop}
        return self._replace(query=immutabledict(kept))

    @property
    def normalized_query(self) -> Mapping[str, Tuple[str, ...]]:
        """The query with every value as a tuple, for code that wants one shape."""
        return immutabledict(
            {k: (v,) if isinstance(v, str) else v for k, v in self.query.items()}
        )

    # -- names ---------------------------------------------------------------

    def get_backend_name(self) -> str:
        """Dialect part of ``drivername``: ``postgresql`` of ``postgresql+psycopg``."""
        return self.drivername.split("+")[0]

    def get_driver_name(self) -> str:
        """The driver part of ``drivername``; the dialect's default when absent.

        Finding the default loads the dialect (lazily, through the registry).
        """
        if "+" in self.drivername:
            return self.drivername.split("+")[1]
        return str(self.get_dialect().driver)

    def _dialect_name_for_registry(self) -> str:
        """Registry name: ``postgresql+psycopg`` -> ``postgresql.psycopg``."""
        return self.drivername.replace("+", ".")

    def get_dialect(self, _is_async: bool = False) -> Type[Any]:
        """Return the Dialect class this URL names; mirrors ``URL.get_dialect``.

        The registry is imported here, not at module level, because ``engine``
        never imports a dialect module directly and ``import quicksilver`` must
        load no dialect.
        """
        import importlib

        # by name: engine sits below the dialects in the layering
        registry = importlib.import_module("quicksilver.dialects").registry
        entrypoint = registry.load(self._dialect_name_for_registry())
        if _is_async and hasattr(entrypoint, "get_async_dialect_cls"):
            return entrypoint.get_async_dialect_cls(self)  # type: ignore[no-any-return]
        if hasattr(entrypoint, "get_dialect_cls"):
            return entrypoint.get_dialect_cls(self)  # type: ignore[no-any-return]
        return entrypoint  # type: ignore[no-any-return]

    def translate_connect_args(
        self, names: Optional[List[str]] = None, **kw: Any
    ) -> Dict[str, Any]:
        """Return host/database/username/password/port as connect() kwargs.

        ``kw`` renames a field (``username="user"``) or drops it (``=None``);
        empty fields are left out.  The positional ``names`` list is
        deprecated, as in SQLAlchemy.
        """
        if names is not None:
            warn_deprecated(
                "The `URL.translate_connect_args.name`s parameter is deprecated. "
                "Please pass the alternate names as kw arguments.",
                "1.4",
            )
            names = list(names)
        translated: Dict[str, Any] = {}
        for field in ("host", "database", "username", "password", "port"):
            if names:
                name = names.pop(0)
            else:
                name = kw.get(field, field)
            value = getattr(self, field)
            if name is None or not value:
                continue
            translated[name] = str(value) if field == "password" else value
        return translated

    # -- rendering -------------------------------------------------------------

    def render_as_string(self, hide_password: bool = True) -> str:
        """Render the URL back to a string; the password is ``***`` by default."""
        parts = [self.drivername, "://"]
        if self.username is not None:
            parts.append(quote(self.username, safe=" +"))
            if self.password is not None:
                parts.append(":")
                if hide_password:
                    parts.append("***")
                else:
                    parts.append(quote(str(self.password), safe=" +"))
            parts.append("@")
        if self.host is not None:
            parts.append(f"[{self.host}]" if ":" in self.host else self.host)
        if self.port is not None:
            parts.append(f":{self.port}")
        if self.database is not None:
            parts.append("/")
            parts.append(quote(self.database, safe=" +/"))
        if self.query:
            pairs = []
            for key in sorted(self.query):
                value = self.query[key]
                for item in (value,) if isinstance(value, str) else value:
                    pairs.append(f"{quote_plus(key)}={quote_plus(item)}")
            parts.append("?")
            parts.append("&".join(pairs))
        return "".join(parts)

    def __repr__(self) -> str:
        return self.render_as_string()

    def __str__(self) -> str:
        return self.render_as_string()

    def __copy__(self) -> "URL":
        return self

    def __deepcopy__(self, memo: Any) -> "URL":
        return self

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, URL)
            and self.drivername == other.drivername
            and self.username == other.username
            and self.password == other.password
            and self.host == other.host
            and self.port == other.port
            and self.database == other.database
            and dict(self.query) == dict(other.query)
        )

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        # The password is masked in str(), so URLs differing only in password
        # share a hash but are unequal, which is allowed.
        return hash(str(self))


def make_url(name_or_url: Union[str, URL]) -> URL:
    """Parse a URL string into a :class:`URL`; a URL is returned unchanged.

    Mirrors ``sqlalchemy.engine.make_url``.
    """
    if isinstance(name_or_url, URL):
        return name_or_url
    if not isinstance(name_or_url, str):
        raise exc.ArgumentError(f"Expected string or URL object, got {name_or_url!r}")
    return _parse_url(name_or_url)


def _parse_url(name: str) -> URL:
    match = _URL_RE.match(name)
    if match is None:
        raise _parse_error(name, _why_unparseable(name))
    parts = match.groupdict()

    query: Dict[str, Union[str, List[str]]] = {}
    if parts["query"] is not None:
        for key, value in parse_qsl(parts["query"]):
            if key in query:
                query[key] = _as_list(query[key]) + [value]
            else:
                query[key] = value

    username = parts["username"]
    password = parts["password"]
    database = parts["database"]
    host = parts["ipv6host"] if parts["ipv6host"] is not None else parts["host"]
    if parts["host"] is not None and parts["host"].startswith("["):
        # SQLAlchemy silently drops text after a bracketed host; refuse instead.
        raise _parse_error(
            name,
            "a host starting with '[' must be an IPv6 address in brackets "
            "followed by ':port', '/database', '?query' or nothing",
        )
    return URL(
        parts["name"],
        unquote(username) if username is not None else None,
        unquote(password) if password is not None else None,
        host,
        _to_port(parts["port"], name),
        unquote(database) if database is not None else None,
        immutabledict(
            {k: v if isinstance(v, str) else tuple(v) for k, v in query.items()}
        ),
    )
