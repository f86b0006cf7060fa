"""A name -> class loader, so that layers find dialects by name, not by import."""

from __future__ import annotations

import importlib
from typing import Any, Callable


class PluginLoader:
    """Loads ``"name.driver"`` plugins from a package, with run-time registration.

    ``load("postgresql.psycopg")`` imports ``<package>.postgresql.psycopg`` and
    returns its ``dialect`` attribute; ``load("postgresql")`` takes the
    package's default driver.  ``register(name, modulepath, objname)`` adds
    third-party plugins, as ``sqlalchemy.dialects.registry.register`` does.
    """

    def __init__(self, group: str) -> None:
        self.group = group
        self.impls: dict[str, Callable[[], Any]] = {}

    def load(self, name: str) -> Any:
        from ..exc import NoSuchModuleError

        if name in self.impls:
            return self.impls[name]()
        package, _, driver = name.partition(".")
        if not package.isidentifier() or (driver and not driver.isidentifier()):
            raise NoSuchModuleError(f"Can't load plugin: {self.group}:{name}")
        try:
            module = importlib.import_module(f"{self.group}.{package}")
        except ImportError as err:
            if err.name not in (f"{self.group}.{package}",):
                raise
            raise NoSuchModuleError(f"Can't load plugin: {self.group}:{name}") from None
        if driver:
            try:
                submodule = importlib.import_module(f"{self.group}.{package}.{driver}")
            except ImportError as err:
                if err.name != f"{self.group}.{package}.{driver}":
                    raise
                raise NoSuchModuleError(
                    f"Can't load plugin: {self.group}:{name}"
                ) from None
            return submodule.dialect
        return module.dialect

    def register(self, name: str, modulepath: str, objname: str) -> None:
        def load() -> Any:
            module = importlib.import_module(modulepath)
            return getattr(module, objname)

        self.impls[name] = load
