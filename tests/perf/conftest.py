"""tests/perf: call-count guards.

A bare ``pytest`` leaves this directory alone; it runs when named on the
command line (``pytest tests/perf``) or with ``QUICKSILVER_PERF=1`` set, which
``make test`` (and so CI) does.  The guards count function calls, never time,
so they are deterministic.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent


def _requested(config: pytest.Config) -> bool:
    if os.environ.get("QUICKSILVER_PERF", "") not in ("", "0"):
        return True
    for arg in config.args:
        path = Path(arg.split("::", 1)[0]).resolve()
        if path == _HERE or _HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.resolve() != Path(__file__) and not _requested(config):
        return True
    return None
