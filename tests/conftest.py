"""Test configuration: which databases the backend tests run on.

Backends come from ``--dburi`` (repeatable) or ``QUICKSILVER_TEST_DBURIS``
(space-separated).  SQLite always runs.  Under CI (``CI=true``) a configured
PostgreSQL that cannot be reached fails the run; a bare ``pytest`` by hand with
no PostgreSQL configured skips those tests, and the report header says so.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

_SQLITE = "sqlite"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--dburi", action="append", default=[], help="database URL to test on"
    )


def _configured_uris(config: pytest.Config) -> list[str]:
    uris = list(config.getoption("--dburi") or [])
    if not uris:
        uris = os.environ.get("QUICKSILVER_TEST_DBURIS", "").split()
    if not any(u.startswith("sqlite") for u in uris):
        uris.insert(0, "sqlite://")
    return uris


def _postgres_status(uris: list[str]) -> tuple[list[str], str]:
    pg = [u for u in uris if u.startswith("postgresql")]
    if not pg:
        return [], "not configured (set QUICKSILVER_TEST_DBURIS or use `make test`)"
    try:
        import psycopg

        url = pg[0].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=5):
            pass
    except Exception as e:  # noqa: BLE001 - any failure to reach it is reported
        return [], f"unreachable: {e}"
    return pg, "ok"


def pytest_configure(config: pytest.Config) -> None:
    uris = _configured_uris(config)
    pg, status = _postgres_status(uris)
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") and not pg:
        raise pytest.UsageError(f"CI run without PostgreSQL: {status}")
    config._qs_backends = [u for u in uris if u.startswith("sqlite")][:1] + pg  # type: ignore[attr-defined]
    config._qs_pg_status = status  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> list[str]:
    backends = config._qs_backends  # type: ignore[attr-defined]
    return [
        "quicksilver backends: " + ", ".join(_backend_id(u) for u in backends),
        "postgresql: " + config._qs_pg_status,  # type: ignore[attr-defined]
    ]


def _backend_id(uri: str) -> str:
    return uri.split("://", 1)[0]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_uri" in metafunc.fixturenames:
        backends = metafunc.config._qs_backends  # type: ignore[attr-defined]
        metafunc.parametrize(
            "db_uri", backends, ids=[_backend_id(u) for u in backends], scope="module"
        )


@pytest.fixture(scope="module")
def db_url(db_uri: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A URL for the backend under test; SQLite gets a fresh file per module."""
    if db_uri.startswith("sqlite"):
        path = tmp_path_factory.mktemp("sqlite") / "test.db"
        return f"sqlite:///{path}"
    return db_uri


@pytest.fixture(scope="module")
def engine(db_url: str) -> Iterator[Any]:
    """An Engine on the backend under test, disposed after the module."""
    from quicksilver import create_engine

    eng = create_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Any) -> Iterator[Any]:
    """A Connection inside a transaction that is rolled back afterwards."""
    with engine.connect() as conn:
        trans = conn.begin()
        yield conn
        if trans.is_active:
            trans.rollback()
