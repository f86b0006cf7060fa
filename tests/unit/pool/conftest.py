"""Fixtures for pool tests: a fresh fake driver, and no leftover listeners."""

from __future__ import annotations

import gc
from typing import Iterator

import pytest

from quicksilver.pool.events import PoolEvents
from tests.harness.fake_dbapi import FakeDBAPI


@pytest.fixture
def dbapi() -> FakeDBAPI:
    return FakeDBAPI()


@pytest.fixture(autouse=True)
def _clean_pool_events() -> Iterator[None]:
    yield
    PoolEvents._clear()
    gc.collect()
