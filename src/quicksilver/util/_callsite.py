"""Call sites outside quicksilver, recorded cheaply and formatted only on demand.

A pool that times out names who holds its connections, and a Session or
Connection collected while still holding one says where it came from.  Both
need "the first frame outside this package"; walking a few frames and keeping
the code object plus the bytecode offset costs well under a microsecond, and
turning that into ``file:line`` (the expensive part) waits until a message is
actually written.
"""

from __future__ import annotations

import os
import sys
import threading
from types import CodeType, FrameType
from typing import Optional

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

#: filename -> "belongs to quicksilver"; bounded so generated code can't grow it.
internal_files: dict[str, bool] = {}

_getframe = sys._getframe


def is_internal(filename: str) -> bool:
    internal = filename.startswith(_PKG_DIR)
    if len(internal_files) < 10000:
        internal_files[filename] = internal
    return internal


def lineno(code: Optional[CodeType], lasti: int) -> int:
    """The source line of bytecode offset ``lasti`` in ``code``."""
    if code is None:
        return 0
    for start, end, line in code.co_lines():
        if start <= lasti < end:
            return line or code.co_firstlineno
    return code.co_firstlineno


def outside_caller(depth: int = 2) -> tuple[Optional[CodeType], int]:
    """``(code, lasti)`` of the first frame outside quicksilver, from ``depth`` up."""
    f: Optional[FrameType] = _getframe(depth)
    internal = internal_files
    while f is not None:
        code = f.f_code
        flag = internal.get(code.co_filename)
        if flag is None:
            flag = is_internal(code.co_filename)
        if not flag:
            return code, f.f_lasti
        f = f.f_back
    return None, 0


def format_site(code: Optional[CodeType], lasti: int, thread: Optional[str]) -> str:
    if code is None:
        return "an unknown place"
    where = f"{code.co_filename}:{lineno(code, lasti)}"
    return f"{where} (thread {thread!r})" if thread else where


#: Per-thread cache of the thread's name: one attribute load where
#: ``threading.current_thread().name`` costs a call.
_thread_local = threading.local()


def thread_name() -> str:
    try:
        return _thread_local.name  # type: ignore[no-any-return]
    except AttributeError:
        name = _thread_local.name = threading.current_thread().name
        return name
