"""The same scenarios on quicksilver's and SQLAlchemy's QueuePool, numbers compared.

SQLAlchemy is the oracle here only; quicksilver never imports it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quicksilver import exc as qs_exc
from quicksilver.pool import QueuePool
from tests.harness.fake_dbapi import FakeDBAPI

sa_pool = pytest.importorskip("sqlalchemy.pool")
sa_exc = pytest.importorskip("sqlalchemy.exc")


def _numbers(pool: Any) -> tuple[int, int, int, int, str]:
    return (
        pool.size(),
        pool.checkedin(),
        pool.overflow(),
        pool.checkedout(),
        pool.status(),
    )


class _Twin:
    """One scenario, played on both pools side by side."""

    def __init__(self, **kw: Any) -> None:
        self.dbapis = (FakeDBAPI(), FakeDBAPI())
        self.pools = (
            QueuePool(self.dbapis[0].connect, timeout=0, **kw),
            sa_pool.QueuePool(self.dbapis[1].connect, timeout=0, **kw),
        )
        self.held: tuple[list[Any], list[Any]] = ([], [])

    def connect(self) -> None:
        outcomes = []
        for pool, held, errors in zip(
            self.pools,
            self.held,
            (qs_exc.TimeoutError, sa_exc.TimeoutError),
            strict=True,
        ):
            try:
                held.append(pool.connect())
                outcomes.append("ok")
            except errors as e:
                outcomes.append(str(e).split(";")[0].split("\n")[0].split(" (")[0])
        assert outcomes[0] == outcomes[1]

    def close(self, index: int) -> None:
        for held in self.held:
            if held:
                held.pop(index % len(held)).close()

    def invalidate(self, index: int) -> None:
        for held in self.held:
            if held:
                held.pop(index % len(held)).invalidate()

    def dispose_if_idle(self) -> None:
        if not self.held[0]:
            for pool in self.pools:
                pool.dispose()

    def check(self) -> None:
        assert _numbers(self.pools[0]) == _numbers(self.pools[1])
        open_counts = [len(d.open_connections) for d in self.dbapis]
        assert open_counts[0] == open_counts[1]

    def finish(self) -> None:
        while self.held[0]:
            self.close(0)
            self.check()


_ops = st.lists(
    st.one_of(
        st.just(("connect", 0)),
        st.tuples(st.just("close"), st.integers(0, 20)),
        st.tuples(st.just("invalidate"), st.integers(0, 20)),
        st.just(("dispose", 0)),
    ),
    max_size=40,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    pool_size=st.integers(0, 4),
    max_overflow=st.integers(-1, 3),
    use_lifo=st.booleans(),
    ops=_ops,
)
def test_random_scenarios_match_sqlalchemy(
    pool_size: int, max_overflow: int, use_lifo: bool, ops: list[tuple[str, int]]
) -> None:
    twin = _Twin(pool_size=pool_size, max_overflow=max_overflow, use_lifo=use_lifo)
    twin.check()
    for op, arg in ops:
        if op == "connect":
            twin.connect()
        elif op == "close":
            twin.close(arg)
        elif op == "invalidate":
            twin.invalidate(arg)
        else:
            twin.dispose_if_idle()
        twin.check()
    twin.finish()


def test_scripted_scenario_matches_sqlalchemy() -> None:
    twin = _Twin(pool_size=5, max_overflow=10)
    for _ in range(15):
        twin.connect()
        twin.check()
    twin.connect()  # both time out, with the same leading message
    for i in range(15):
        twin.close(i * 7)
        twin.check()
    for _ in range(3):
        twin.connect()
    twin.check()
    twin.finish()
    twin.dispose_if_idle()
    twin.check()


def test_timeout_wording_matches_sqlalchemy() -> None:
    qs = QueuePool(FakeDBAPI().connect, pool_size=1, max_overflow=0, timeout=0)
    sa = sa_pool.QueuePool(FakeDBAPI().connect, pool_size=1, max_overflow=0, timeout=0)
    held = [qs.connect(), sa.connect()]
    with pytest.raises(qs_exc.TimeoutError) as qs_info:
        qs.connect()
    with pytest.raises(sa_exc.TimeoutError) as sa_info:
        sa.connect()
    sa_text = str(sa_info.value).split(" (Background")[0]
    assert str(qs_info.value).startswith(sa_text + ";")
    for c in held:
        c.close()
