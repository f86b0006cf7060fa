"""Paired measurement of a ratio to the raw driver (``python bench/paired.py``).

The main suite (``bench/run.py``) times each cell in its own process and
reports medians.  On a shared virtual machine the speed of the machine itself
drifts by 20-60% over seconds (see bench/README.md), and a cell measured in a
slow phase against a baseline measured in a fast one moves the ratio more
than any code change does.  Here every process holds all the implementations
on one database and runs them in rounds -- each round runs every
implementation once, in a shuffled order, seconds apart -- so each ratio is
taken between measurements made under the same machine conditions.  The
summary is the median, over all rounds of all processes, of the per-round
ratio to ``raw``; the per-implementation medians are reported too.

Used for issue 3's target (``core_select_pk_prebuilt`` <= 1.3x raw on SQLite);
any synchronous workload works.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.targets import BACKENDS, BENCH_DIR, FreshDatabase, seed  # noqa: E402
from bench.worker import verify  # noqa: E402
from bench.workloads import BASELINE, WORKLOADS, make_impl, supports  # noqa: E402

_MARKER = "@@paired@@"


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH_DIR.parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def run_rounds(
    workload: str, impls: list[str], backend: str, n: int, rounds: int, seed_: int
) -> dict[str, list[float]]:
    """In this process: ``rounds`` timed rounds after one untimed warm-up
    round; seconds per implementation, in round order."""
    w = WORKLOADS[workload]
    if w.is_async:
        raise SystemExit(f"{workload} is asynchronous: pairing runs sync workloads")
    times: dict[str, list[float]] = {name: [] for name in impls}
    with FreshDatabase(backend) as target:
        seed(
            target,
            customers=n if w.seed_customers else 0,
            parents=n if w.seed_parents else 0,
        )
        made = {name: make_impl(name, target, workload) for name in impls}
        for impl in made.values():
            impl.setup()
        try:
            order = list(impls)
            rnd = random.Random(seed_)
            for round_no in range(rounds + 1):
                rnd.shuffle(order)
                for name in order:
                    method = getattr(made[name], workload)
                    gc.collect()
                    t0 = time.perf_counter()
                    result = method(n)
                    elapsed = time.perf_counter() - t0
                    verify(w, n, target, result)
                    if round_no:  # round 0 warms up (imports, compiled caches)
                        times[name].append(elapsed)
        finally:
            for impl in made.values():
                impl.close()
    return times


def _child(spec: dict[str, Any]) -> None:
    times = run_rounds(
        spec["workload"],
        spec["impls"],
        spec["backend"],
        spec["n"],
        spec["rounds"],
        spec["seed"],
    )
    print(_MARKER + json.dumps(times), flush=True)


def summarize(processes: list[dict[str, list[float]]]) -> dict[str, Any]:
    """Per implementation: median seconds and the median per-round ratio."""
    impls = list(processes[0])
    out: dict[str, Any] = {}
    for name in impls:
        seconds = [t for p in processes for t in p[name]]
        ratios = [
            t / base
            for p in processes
            for t, base in zip(p[name], p[BASELINE], strict=True)
        ]
        out[name] = {
            "median_seconds": statistics.median(seconds),
            "min_seconds": min(seconds),
            "median_ratio": statistics.median(ratios),
            "ratio_quartiles": statistics.quantiles(ratios, n=4)
            if len(ratios) > 1
            else [ratios[0]] * 3,
        }
    return out


def render(doc: dict[str, Any]) -> str:
    meta, summary = doc["meta"], doc["summary"]
    lines = [
        f"Paired run {meta['date']}, quicksilver {meta['commit']}; "
        f"Python {meta['python']}, SQLite {meta['sqlite']}; "
        f"{meta['workload']} (N = {meta['n']:,}) on {meta['backend']}: "
        f"{meta['processes']} processes x {meta['rounds']} rounds.",
        "",
        "| implementation | median time | best time | median ratio to raw "
        "(per round) | middle half of the ratios |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, s in summary.items():
        q1, _, q3 = s["ratio_quartiles"]
        lines.append(
            f"| {name} | {s['median_seconds'] * 1e3:.1f} ms | "
            f"{s['min_seconds'] * 1e3:.1f} ms | {s['median_ratio']:.2f}x | "
            f"{q1:.2f}-{q3:.2f}x |"
        )
    return "\n".join(lines)


def measure(
    workload: str,
    impls: list[str],
    backend: str,
    n: int,
    rounds: int,
    processes: int,
) -> dict[str, Any]:
    """Run ``processes`` fresh processes of ``rounds`` rounds each; the
    results document (meta, every time, summary)."""
    if BASELINE not in impls:
        impls = [BASELINE, *impls]
    impls = [i for i in impls if supports(i, workload)]
    runs = []
    for k in range(processes):
        spec = {
            "workload": workload,
            "impls": impls,
            "backend": backend,
            "n": n,
            "rounds": rounds,
            "seed": k,
        }
        child = [sys.executable, str(Path(__file__).resolve()), "--child"]
        proc = subprocess.run(
            [*child, json.dumps(spec)],
            capture_output=True,
            text=True,
        )
        found = [ln for ln in proc.stdout.splitlines() if ln.startswith(_MARKER)]
        if proc.returncode or not found:
            sys.stderr.write(proc.stderr)
            raise RuntimeError(f"paired process {k} failed (exit {proc.returncode})")
        runs.append(json.loads(found[-1][len(_MARKER) :]))
        print(f"paired: process {k + 1}/{processes} done", file=sys.stderr)
    return {
        "meta": {
            "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "commit": _git_commit(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "workload": workload,
            "backend": backend,
            "n": n,
            "rounds": rounds,
            "processes": processes,
        },
        "processes": runs,
        "summary": summarize(runs),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench/paired.py", description=__doc__)
    p.add_argument("--workload", default="core_select_pk_prebuilt")
    p.add_argument("--impls", default="raw,qs_core,sa_core")
    p.add_argument("--backend", default="sqlite-tmpfs", choices=list(BACKENDS))
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--processes", type=int, default=3)
    p.add_argument("--n", type=int, help="default: the workload's N")
    p.add_argument("--output", type=Path, help="write the JSON document here")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child(json.loads(args.child))
        return 0
    if args.workload not in WORKLOADS:
        p.error(f"unknown workload {args.workload!r}")
    impls = [i.strip() for i in args.impls.split(",") if i.strip()]
    n = args.n or WORKLOADS[args.workload].default_n
    doc = measure(args.workload, impls, args.backend, n, args.rounds, args.processes)
    print(render(doc))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
