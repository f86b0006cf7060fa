"""``create_engine``: URL + keyword arguments -> Dialect + Pool + Engine.

Every keyword is checked here, at creation, so that a typo or nonsense value
fails at once rather than at the first checkout.  Unknown keywords raise
``TypeError`` with SQLAlchemy's wording; ill-typed values raise ``ArgumentError``.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Optional, Union

from .. import exc
from .base import Connection, Engine, _NoWarnFairy
from .url import URL, make_url

_POOL_ARGS = {
    "pool_size": "pool_size",
    "max_overflow": "max_overflow",
    "pool_timeout": "timeout",
    "pool_recycle": "recycle",
    "echo_pool": "echo",
    "pool_logging_name": "logging_name",
    "pool_reset_on_return": "reset_on_return",
    "pool_pre_ping": "pre_ping",
    "pool_use_lifo": "use_lifo",
    "pool_events": "events",
}
_ENGINE_ARGS = (
    "echo",
    "logging_name",
    "query_cache_size",
    "execution_options",
    "hide_parameters",
)
_IGNORED_ARGS = (
    "future",
    "enable_from_linting",
    "insertmanyvalues_page_size",
    "use_insertmanyvalues",
    "_coerce_config",
    "strategy",
    "use_setinputsizes",
    "paramstyle_override",
)
_ECHO_VALUES = (None, True, False, "debug")


def _load_dialect_cls(url: URL) -> type:
    import importlib

    registry = importlib.import_module("quicksilver.dialects").registry
    name = url.drivername.replace("+", ".")
    return registry.load(name)  # type: ignore[no-any-return]


def _init_arg_names(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for param in inspect.signature(init).parameters.values():
            if param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
                names.add(param.name)
    names.discard("self")
    return names


def _check_number(
    name: str,
    value: Any,
    *,
    allow_none: bool = False,
    minimum: Optional[float] = None,
    integer: bool = False,
) -> None:
    if value is None and allow_none:
        return
    types: tuple[type, ...] = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, types):
        raise exc.ArgumentTypeError(
            f"{name} must be {'an integer' if integer else 'a number'}, "
            f"got {value!r} ({type(value).__name__})"
        )
    if minimum is not None and value < minimum:
        raise exc.ArgumentError(f"{name} must be >= {minimum}, got {value!r}")


def _validate(kwargs: dict[str, Any]) -> None:
    if "echo" in kwargs and kwargs["echo"] not in _ECHO_VALUES:
        raise exc.ArgumentError(
            f"echo must be True, False, None or 'debug', got {kwargs['echo']!r}"
        )
    if "echo_pool" in kwargs and kwargs["echo_pool"] not in _ECHO_VALUES:
        raise exc.ArgumentError(
            "echo_pool must be True, False, None or 'debug', "
            f"got {kwargs['echo_pool']!r}"
        )
    if "pool_size" in kwargs:
        _check_number("pool_size", kwargs["pool_size"], minimum=0, integer=True)
    if "max_overflow" in kwargs:
        _check_number("max_overflow", kwargs["max_overflow"], minimum=-1, integer=True)
    if "pool_timeout" in kwargs:
        _check_number(
            "pool_timeout", kwargs["pool_timeout"], minimum=0, allow_none=True
        )
    if "pool_recycle" in kwargs:
        _check_number("pool_recycle", kwargs["pool_recycle"], minimum=-1)
    if "query_cache_size" in kwargs:
        _check_number(
            "query_cache_size", kwargs["query_cache_size"], minimum=0, integer=True
        )
    if "connect_args" in kwargs and not isinstance(kwargs["connect_args"], dict):
        raise exc.ArgumentTypeError(
            f"connect_args must be a dict, got {type(kwargs['connect_args']).__name__}"
        )
    if "execution_options" in kwargs and not isinstance(
        kwargs["execution_options"], dict
    ):
        raise exc.ArgumentTypeError(
            "execution_options must be a dict, got "
            f"{type(kwargs['execution_options']).__name__}"
        )
    if "creator" in kwargs and not callable(kwargs["creator"]):
        raise exc.ArgumentTypeError(
            "creator must be a callable returning a DBAPI connection"
        )
    if "poolclass" in kwargs and not (
        isinstance(kwargs["poolclass"], type)
        and hasattr(kwargs["poolclass"], "connect")
    ):
        raise exc.ArgumentError(
            f"poolclass must be a Pool subclass, got {kwargs['poolclass']!r}"
        )


def create_engine(url: Union[str, URL], **kwargs: Any) -> Engine:
    """Create an Engine; mirrors ``sqlalchemy.create_engine``.

    Defaults per dialect follow SQLAlchemy 2.x: QueuePool (5 + 10, 30 s) for
    PostgreSQL and file SQLite, SingletonThreadPool for ``:memory:`` SQLite.
    """
    u = make_url(url)
    _validate(kwargs)
    dialect_cls = _load_dialect_cls(u)
    # create_async_engine() passes _is_async: a driver with an async twin
    # (psycopg) swaps in that dialect class.
    if kwargs.pop("_is_async", False) and hasattr(dialect_cls, "get_async_dialect_cls"):
        dialect_cls = dialect_cls.get_async_dialect_cls(u)
    elif hasattr(dialect_cls, "get_dialect_cls"):
        dialect_cls = dialect_cls.get_dialect_cls(u)
    used: set[str] = set()

    def pop(name: str, default: Any = None) -> Any:
        if name in kwargs:
            used.add(name)
            return kwargs[name]
        return default

    dbapi = pop("module")
    if dbapi is None:
        dbapi = dialect_cls.import_dbapi()
    dialect_arg_names = _init_arg_names(dialect_cls) - {"dbapi"}
    dialect_args: dict[str, Any] = {"dbapi": dbapi}
    for name in dialect_arg_names:
        if name in kwargs:
            dialect_args[name] = pop(name)
    dialect_args.update(pop("dialect_kwargs", {}) or {})
    dialect = dialect_cls(**dialect_args)

    cargs, cparams = dialect.create_connect_args(u)
    cparams.update(pop("connect_args", {}) or {})
    creator: Optional[Callable[..., Any]] = pop("creator")
    engine_ref: list[Engine] = []

    if creator is None:

        def connect(connection_record: Any = None) -> Any:
            engine = engine_ref[0] if engine_ref else None
            if engine is not None and engine._has_events:
                hook = getattr(engine.dispatch, "do_connect", None)
                if hook:
                    for fn in hook:
                        conn = fn(dialect, connection_record, cargs, cparams)
                        if conn is not None:
                            return conn
            return dialect.connect(*cargs, **cparams)

        creator = connect

    pool = pop("pool")
    if pool is None:
        poolclass = pop("poolclass") or dialect_cls.get_pool_class(u)
        accepted = _init_arg_names(poolclass)
        pool_args: dict[str, Any] = {"dialect": dialect}
        for engine_key, pool_key in _POOL_ARGS.items():
            if engine_key in kwargs and pool_key in accepted:
                pool_args[pool_key] = pop(engine_key)
        pool = poolclass(creator, **pool_args)
    else:
        if hasattr(pool, "_dialect"):
            pool._dialect = dialect
        poolclass = type(pool)

    engine_args: dict[str, Any] = {}
    for name in _ENGINE_ARGS:
        if name in kwargs:
            engine_args[name] = pop(name)
    for name in _IGNORED_ARGS:
        pop(name)

    unknown = [k for k in kwargs if k not in used]
    if unknown:
        raise TypeError(
            "Invalid argument(s) %s sent to create_engine(), using configuration "
            "%s/%s/%s.  Please check that the keyword arguments are appropriate "
            "for this combination of components."
            % (
                ",".join(repr(k) for k in unknown),
                type(dialect).__name__,
                poolclass.__name__,
                Engine.__name__,
            )
        )

    engine = Engine(pool, dialect, u, **engine_args)
    engine_ref.append(engine)
    _install_connect_hooks(engine, dialect)
    return engine


def _install_connect_hooks(engine: Engine, dialect: Any) -> None:
    from .. import event

    on_connect = dialect.on_connect()
    pool = engine.pool

    def first_connect(dbapi_connection: Any, connection_record: Any) -> None:
        conn = Connection(
            engine,
            connection=_InitFairy(dbapi_connection),
            _has_events=False,
            _allow_autobegin=False,
        )
        conn._events_frozen = True
        try:
            dialect.initialize(conn)
        finally:
            conn._dbapi_connection = None
        dialect.do_rollback(dbapi_connection)

    event.listen(pool, "connect", first_connect, once=True, insert=True)
    if on_connect is not None:

        def do_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
            on_connect(dbapi_connection)

        event.listen(pool, "connect", do_on_connect)


class _InitFairy(_NoWarnFairy):
    """Stands in for a pooled connection while the dialect initialises."""

    is_valid = True

    def __init__(self, dbapi_connection: Any) -> None:
        self.dbapi_connection = self.driver_connection = dbapi_connection
        self.info: dict[str, Any] = {}

    def cursor(self, *args: Any, **kw: Any) -> Any:
        return self.dbapi_connection.cursor(*args, **kw)

    def _checkin(self, transaction_was_reset: bool = False) -> None:
        pass

    def close(self) -> None:
        pass

    def invalidate(self, e: Any = None, soft: bool = False) -> None:
        pass


def engine_from_config(
    configuration: dict[str, Any], prefix: str = "sqlalchemy.", **kwargs: Any
) -> Engine:
    """An Engine from a config dict of prefixed keys (string values coerced)."""
    options = {
        key[len(prefix) :]: value
        for key, value in configuration.items()
        if key.startswith(prefix)
    }
    coerce = {
        "pool_size": int,
        "max_overflow": int,
        "pool_timeout": float,
        "pool_recycle": int,
        "echo": _coerce_echo,
        "echo_pool": _coerce_echo,
        "pool_pre_ping": _coerce_bool,
        "hide_parameters": _coerce_bool,
        "pool_use_lifo": _coerce_bool,
        "future": _coerce_bool,
        "query_cache_size": int,
    }
    for key, fn in coerce.items():
        if key in options and isinstance(options[key], str):
            options[key] = fn(options[key])
    options.update(kwargs)
    url = options.pop("url")
    return create_engine(url, **options)


def _coerce_bool(value: str) -> bool:
    return value.strip().lower() in ("true", "yes", "on", "y", "t", "1")


def _coerce_echo(value: str) -> Any:
    return "debug" if value.strip().lower() == "debug" else _coerce_bool(value)


def create_pool_from_url(url: Union[str, URL], **kwargs: Any) -> Any:
    """A Pool for ``url`` with the options ``create_engine`` would use.

    Keywords are the pool's own (``pool_size``, ``timeout``...), optionally
    written with the ``pool_`` prefix, as in SQLAlchemy.
    """
    for key in list(kwargs):
        if key.startswith("pool_"):
            kwargs[key[5:]] = kwargs.pop(key)
    renames = {"size": "pool_size"}
    engine_kw: dict[str, Any] = {}
    for key, value in kwargs.items():
        engine_key = {v: k for k, v in _POOL_ARGS.items()}.get(
            key, renames.get(key, key)
        )
        engine_kw[engine_key] = value
    return create_engine(url, **engine_kw).pool
