"""``async_test``: run an ``async def`` test with ``asyncio.run``."""

from __future__ import annotations

import asyncio
import functools
import inspect
from typing import Any, Callable


def async_test(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ``async def test_x(...)`` into a sync test pytest can run."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(fn(*args, **kwargs))

    wrapper.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    return wrapper


def param(url: str, n: int = 1) -> str:
    """The driver's placeholder for the n-th parameter (exec_driver_sql)."""
    if "asyncpg" in url:
        return f"${n}"
    if url.startswith("postgresql"):
        return "%s"
    return "?"
