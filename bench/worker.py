"""One measurement, in a process of its own: ``python -m bench.worker SPEC``.

SPEC is a JSON object ``{"workload", "impl", "backend", "n", "profile"}``.  The
worker creates a fresh database, seeds it, sets the implementation up (all
untimed), times the one workload call with ``time.perf_counter``, checks the
result (untimed) and prints one line ``BENCH-RESULT {json}`` on stdout.  Any
failure, at any stage, is reported in that line as an error rather than a
crash, so one broken implementation never stops the run.
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import json
import os
import pstats
import sys
import time
import traceback
from typing import Any, Callable

from .targets import CHILDREN_PER_PARENT, FreshDatabase, Target, scalar, seed
from .workloads import WORKLOADS, Workload, make_impl

MARKER = "BENCH-RESULT "


class VerificationError(Exception):
    """The workload ran but did not do what it should have."""


def _score(x: Any) -> int:
    s = getattr(x, "score", None)
    if s is None:
        s = x[len(x) - 1]  # raw rows: score is the last column selected
    return int(s)


def _expect(what: str, got: Any, want: Any) -> None:
    if got != want:
        raise VerificationError(f"{what}: expected {want!r}, got {got!r}")


def verify(w: Workload, n: int, target: Target, result: Any) -> None:
    """Check, untimed, that the workload did its work."""
    total = n * (n + 1) // 2
    name = w.name
    if name in ("orm_bulk_insert", "single_inserts", "async_orm_insert"):
        _expect("rows inserted", scalar(target, "SELECT count(*) FROM customer"), n)
        _expect("sum(score)", scalar(target, "SELECT sum(score) FROM customer"), total)
    elif name == "bulk_update":
        _expect("rows updated", result, n)
        _expect(
            "sum(score)", scalar(target, "SELECT sum(score) FROM customer"), total + n
        )
    elif name in ("relationship_selectin", "relationship_lazy"):
        _expect("children loaded", result, n * CHILDREN_PER_PARENT)
    elif name == "pool_checkout":
        _expect("checkouts", result, n)
    else:
        rows = list(result)
        _expect("rows returned", len(rows), n)
        _expect("sum of scores returned", sum(_score(r) for r in rows), total)


def _print_profile(prof: cProfile.Profile) -> None:
    for key in ("cumulative", "tottime"):
        print(f"\n=== top 25 functions by {key} time ===", flush=True)
        stats = pstats.Stats(prof, stream=sys.stdout)
        stats.sort_stats(key).print_stats(25)
    if os.environ.get("BENCH_CALLERS"):
        stats.print_callers(os.environ["BENCH_CALLERS"])
    sys.stdout.flush()


def _timed(fn: Callable[[], Any], profile: bool) -> tuple[float, Any]:
    gc.collect()
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    t0 = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t0
    if prof:
        prof.disable()
        _print_profile(prof)
    return elapsed, result


async def _atimed(coro_fn: Callable[[], Any], profile: bool) -> tuple[float, Any]:
    gc.collect()
    prof = cProfile.Profile() if profile else None
    if prof:
        prof.enable()
    t0 = time.perf_counter()
    result = await coro_fn()
    elapsed = time.perf_counter() - t0
    if prof:
        prof.disable()
        _print_profile(prof)
    return elapsed, result


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement; the outcome as a JSON-able dict."""
    w = WORKLOADS[spec["workload"]]
    n = int(spec["n"])
    profile = bool(spec.get("profile"))
    out: dict[str, Any] = {**spec, "ok": False}
    stage = "create database"
    try:
        with FreshDatabase(spec["backend"]) as target:
            stage = "seed"
            seed(
                target,
                customers=n if w.seed_customers else 0,
                parents=n if w.seed_parents else 0,
            )
            stage = "setup"
            impl = make_impl(spec["impl"], target, w.name)
            method = getattr(impl, w.name)
            if w.is_async:

                async def main() -> tuple[float, Any]:
                    nonlocal stage
                    await impl.asetup()
                    try:
                        stage = "run"
                        return await _atimed(lambda: method(n), profile)
                    finally:
                        await impl.aclose()

                elapsed, result = asyncio.run(main())
            else:
                impl.setup()
                try:
                    stage = "run"
                    elapsed, result = _timed(lambda: method(n), profile)
                finally:
                    impl.close()
            stage = "verify"
            verify(w, n, target, result)
            out.update(ok=True, seconds=elapsed)
    except BaseException as e:  # noqa: BLE001 - every failure becomes a table cell
        traceback.print_exc(file=sys.stderr)
        msg = str(e).strip().splitlines()
        out.update(
            stage=stage,
            error=f"{type(e).__name__}: {msg[0] if msg else ''}"[:300],
        )
        if isinstance(e, KeyboardInterrupt):
            raise
    return out


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    result = measure(spec)
    print(MARKER + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
