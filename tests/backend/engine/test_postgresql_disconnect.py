"""A backend killed under a pooled connection: wrapped, invalidated, recovered."""

from __future__ import annotations

from typing import Any

import pytest

from quicksilver import create_engine, exc, text


@pytest.fixture
def pg_engine(db_url: str) -> Any:
    if not db_url.startswith("postgresql"):
        pytest.skip("needs a server whose backends can be terminated")
    eng = create_engine(db_url, pool_size=2, max_overflow=0)
    yield eng
    eng.dispose()


def test_terminated_backend_invalidates_and_recovers(pg_engine: Any) -> None:
    with pg_engine.connect() as victim:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar()
        with pg_engine.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killer.commit()
        with pytest.raises(exc.OperationalError) as info:
            victim.execute(text("SELECT 1"))
        assert info.value.connection_invalidated
        assert victim.invalidated
        victim.rollback()
        assert victim.execute(text("SELECT 1")).scalar() == 1
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT 42")).scalar() == 42
    assert pg_engine.pool.checkedout() == 0


def test_pre_ping_replaces_dead_connection(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("needs a server whose backends can be terminated")
    eng = create_engine(db_url, pool_size=1, max_overflow=0, pool_pre_ping=True)
    try:
        with eng.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        killer_engine = create_engine(db_url)
        with killer_engine.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer_engine.dispose()
        with eng.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        eng.dispose()
