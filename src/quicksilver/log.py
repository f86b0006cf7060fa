"""Logging, wired the way SQLAlchemy's ``echo`` flags are.

Loggers are named after the class that logs (``quicksilver.engine.Engine``,
``quicksilver.pool.impl.QueuePool``), optionally suffixed with the object's
``logging_name``.  ``echo=True`` means INFO, ``echo="debug"`` means DEBUG; either
one adds a stdout handler to the ``quicksilver`` logger if it has none, so that
``create_engine(url, echo=True)`` prints without any logging set-up.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal, Optional, Union

_EchoFlag = Union[None, bool, Literal["debug"]]

rootlogger = logging.getLogger("quicksilver")
if rootlogger.level == logging.NOTSET:
    rootlogger.setLevel(logging.WARN)


def _add_default_handler(logger: logging.Logger) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    logger.addHandler(handler)


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__name__}"


class Identified:
    """Mixin for objects that log: cheap ``_should_log_*`` checks."""

    __slots__ = ()
    logging_name: Optional[str] = None
    logger: Union[logging.Logger, "InstanceLogger"]
    _echo: _EchoFlag = None

    def _should_log_debug(self) -> bool:
        return self.logger.isEnabledFor(logging.DEBUG)

    def _should_log_info(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


class InstanceLogger:
    """A logger adapter honouring an object's own ``echo`` flag.

    With echo set the object logs at INFO (or DEBUG) whatever the logging
    configuration says; with echo unset it defers to the standard logger.
    """

    _echo_map = {
        None: logging.NOTSET,
        False: logging.NOTSET,
        True: logging.INFO,
        "debug": logging.DEBUG,
    }

    def __init__(self, echo: _EchoFlag, name: str) -> None:
        self.echo = echo
        self.logger = logging.getLogger(name)
        if self._echo_map[echo] <= logging.INFO and not self.logger.handlers:
            _add_default_handler(self.logger)

    def debug(self, msg: str, *args: Any, **kw: Any) -> None:
        self.log(logging.DEBUG, msg, *args, **kw)

    def info(self, msg: str, *args: Any, **kw: Any) -> None:
        self.log(logging.INFO, msg, *args, **kw)

    def warning(self, msg: str, *args: Any, **kw: Any) -> None:
        self.log(logging.WARNING, msg, *args, **kw)

    warn = warning

    def error(self, msg: str, *args: Any, **kw: Any) -> None:
        self.log(logging.ERROR, msg, *args, **kw)

    def exception(self, msg: str, *args: Any, **kw: Any) -> None:
        kw["exc_info"] = 1
        self.log(logging.ERROR, msg, *args, **kw)

    def critical(self, msg: str, *args: Any, **kw: Any) -> None:
        self.log(logging.CRITICAL, msg, *args, **kw)

    def log(self, level: int, msg: str, *args: Any, **kw: Any) -> None:
        if self.logger.manager.disable >= level:
            return
        selected = self._echo_map[self.echo]
        if selected == logging.NOTSET:
            selected = self.logger.getEffectiveLevel()
        if level >= selected:
            kw.setdefault("stacklevel", 2)
            self.logger._log(level, msg, args, **kw)

    def isEnabledFor(self, level: int) -> bool:
        if self.logger.manager.disable >= level:
            return False
        return level >= self.getEffectiveLevel()

    def getEffectiveLevel(self) -> int:
        level = self._echo_map[self.echo]
        if level == logging.NOTSET:
            level = self.logger.getEffectiveLevel()
        return level


def instance_logger(instance: Identified, echoflag: _EchoFlag = None) -> None:
    """Give ``instance`` its ``logger``, named after its class and logging_name."""
    name = getattr(instance, "_sqla_logger_namespace", None) or _qualified_name(
        type(instance)
    )
    if instance.logging_name:
        name = f"{name}.{instance.logging_name}"
    logger: Union[logging.Logger, InstanceLogger]
    if echoflag in (False, None):
        logger = logging.getLogger(name)
    else:
        logger = InstanceLogger(echoflag, name)
    instance.logger = logger


class echo_property:
    """The ``echo`` attribute of Engine and Pool: setting it re-creates the logger."""

    __doc__ = "When true, log statements (Engine) or checkouts (Pool) to stdout."

    def __get__(self, instance: Optional[Identified], owner: type) -> Any:
        if instance is None:
            return self
        return instance._echo

    def __set__(self, instance: Identified, value: _EchoFlag) -> None:
        instance._echo = value
        instance_logger(instance, echoflag=value)
