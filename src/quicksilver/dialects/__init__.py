"""Dialects, found by name: ``registry.load("postgresql.psycopg")``.

Nothing above ``engine`` imports a dialect module directly; ``create_engine``
asks this registry for the class a URL names, and the dialect imports its
driver only when the engine is created.
"""

from ..util._plugin import PluginLoader

registry = PluginLoader(__name__)

__all__ = ["registry"]
