"""Fixtures for the asyncio tests: one async URL per async driver.

aiosqlite always runs (a temp file per test).  PostgreSQL runs when
``QUICKSILVER_PG_URL`` is set (the README's test command exports it), over
asyncpg and over psycopg's AsyncConnection; otherwise those are skipped.
No pytest-asyncio: tests are plain functions wrapped by ``async_test``.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

DRIVERS = ["aiosqlite", "asyncpg", "psycopg"]


def pg_url(driver: str) -> str:
    url = os.environ.get("QUICKSILVER_PG_URL")
    if not url:
        pytest.skip("PostgreSQL not configured (QUICKSILVER_PG_URL unset)")
    rest = url.split("://", 1)[1]
    return f"postgresql+{driver}://{rest}"


@pytest.fixture(params=DRIVERS)
def async_url(request: Any, tmp_path: Any) -> Iterator[str]:
    """An async database URL for each async driver."""
    if request.param == "aiosqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    else:
        yield pg_url(request.param)


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
