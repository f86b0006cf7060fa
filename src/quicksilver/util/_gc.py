"""Pausing the cyclic garbage collector around work that builds live objects.

Loading rows as objects and flushing allocate many GC-tracked objects that all
stay alive; collections in the middle of that work only re-traverse them (a
third to a half of the time of a large load or flush).  Collection resumes
when the block ends -- also when it raises -- and a collector the
application disabled is left disabled.
"""

from __future__ import annotations

from gc import disable, enable, isenabled
from typing import Any


class gc_paused:
    """``with gc_paused():`` -- the cyclic GC off for the block."""

    __slots__ = ("_paused",)

    def __enter__(self) -> None:
        self._paused = paused = isenabled()
        if paused:
            disable()

    def __exit__(self, *exc_info: Any) -> None:
        if self._paused:
            enable()
