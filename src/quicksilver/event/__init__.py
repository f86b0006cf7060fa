"""Event listening, as ``sqlalchemy.event``."""

from .api import contains as contains
from .api import listen as listen
from .api import listens_for as listens_for
from .api import remove as remove
from .base import Dispatch as Dispatch
from .base import EventList as EventList
from .base import Events as Events

__all__ = [
    "listen",
    "listens_for",
    "remove",
    "contains",
    "Events",
    "Dispatch",
    "EventList",
]
