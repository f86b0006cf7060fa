"""The benchmark driver behind ``make bench`` (``python bench/run.py``).

Every measurement runs in a fresh process (:mod:`bench.worker`) on a fresh
database.  Implementations are interleaved: for each backend and workload, the
repeats are rounds in which every implementation runs once, the order rotated
each round, so a slow drift of the machine (thermal, other load) spreads over
all columns instead of hitting one.  The table reports medians and the ratio
to the raw driver measured in the same run; failures are table cells with a
footnote, never a crash of the run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import report
from .targets import BACKENDS, BENCH_DIR, postgres_reachable
from .worker import MARKER
from .workloads import ALIASES, BASELINE, IMPLS, WORKLOADS, supports

REPO = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results"
QUICK_SCALE = 0.02
MIN_N = 20


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench/run.py",
        description="quicksilver's benchmark suite: ORM and Core workloads against "
        "SQLAlchemy, peewee, Pony and the raw DBAPI driver.",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: N x {QUICK_SCALE}, 1 repeat, sqlite-tmpfs only (< 1 min)",
    )
    p.add_argument("--workloads", type=_csv, help="comma-separated (default: all)")
    p.add_argument("--impls", type=_csv, help="comma-separated (default: all)")
    p.add_argument(
        "--backends", type=_csv, help=f"comma-separated from {', '.join(BACKENDS)}"
    )
    p.add_argument("--repeat", type=int, help="measurements per cell (default 3)")
    p.add_argument("--scale", type=float, help="multiply every default N")
    p.add_argument(
        "--n",
        action="append",
        default=[],
        metavar="WORKLOAD=N",
        help="set N for one workload (repeatable)",
    )
    p.add_argument(
        "--timeout", type=float, default=900.0, help="seconds per measurement"
    )
    p.add_argument(
        "--profile",
        nargs=2,
        metavar=("WORKLOAD", "IMPL"),
        help="run one measurement under cProfile; print the top 25 functions",
    )
    p.add_argument("--output", type=Path, default=RESULTS, help="results directory")
    p.add_argument("--no-chart", action="store_true", help="skip the PNG chart")
    p.add_argument(
        "--update-readme",
        action="store_true",
        help="replace the results table in bench/README.md",
    )
    p.add_argument(
        "--no-paired",
        action="store_true",
        help="skip the paired measurement of core_select_pk_prebuilt (bench/paired.py)",
    )
    p.add_argument("--list", action="store_true", help="list workloads and impls")
    args = p.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.scale is None:
        args.scale = QUICK_SCALE if args.quick else 1.0
    if args.backends is None:
        args.backends = ["sqlite-tmpfs"] if args.quick else list(BACKENDS)
    return args


def _select_workloads(names: list[str] | None) -> list[str]:
    if not names:
        return list(WORKLOADS)
    out: list[str] = []
    for name in names:
        for w in ALIASES.get(name, (name,)):
            if w not in WORKLOADS:
                sys.exit(f"unknown workload {w!r}; known: {', '.join(WORKLOADS)}")
            if w not in out:
                out.append(w)
    return out


def _select_impls(names: list[str] | None) -> list[str]:
    if not names:
        return list(IMPLS)
    for name in names:
        if name not in IMPLS:
            sys.exit(f"unknown implementation {name!r}; known: {', '.join(IMPLS)}")
    # the baseline always runs: every ratio needs it
    return ([BASELINE] if BASELINE not in names else []) + names


def _sizes(args: argparse.Namespace, workloads: list[str]) -> dict[str, int]:
    sizes = {
        w: max(MIN_N, round(WORKLOADS[w].default_n * args.scale)) for w in workloads
    }
    for item in args.n:
        name, _, value = item.partition("=")
        for w in ALIASES.get(name, (name,)):
            if w not in WORKLOADS or not value.isdigit():
                sys.exit(f"--n expects WORKLOAD=N, got {item!r}")
            sizes[w] = int(value)
    return sizes


def run_worker(
    spec: dict[str, Any], timeout: float, passthrough: bool = False
) -> dict[str, Any]:
    """Run one measurement in a new process; its result dict (never raises)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), env.get("PYTHONPATH", "")) if p
    )
    env.setdefault("PYTHONHASHSEED", "0")
    cmd = [sys.executable, "-m", "bench.worker", json.dumps(spec)]
    try:
        proc = subprocess.run(
            cmd,
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=None if passthrough else subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {
            **spec,
            "ok": False,
            "stage": "run",
            "error": f"timeout ({timeout:g} s)",
        }
    for line in reversed((proc.stdout or "").splitlines()):
        if line.startswith(MARKER):
            result: dict[str, Any] = json.loads(line[len(MARKER) :])
            if passthrough:
                sys.stdout.write(proc.stdout.replace(line, "").rstrip() + "\n")
            elif not result["ok"] and proc.stderr:
                result["traceback"] = proc.stderr[-4000:]
            return result
    tail = (proc.stderr or "").strip().splitlines()[-1:] or [""]
    return {
        **spec,
        "ok": False,
        "stage": "worker",
        "error": f"worker exited with {proc.returncode}: {tail[0][:250]}",
    }


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the planned measurements; the whole results document."""
    workloads = _select_workloads(args.workloads)
    impls = _select_impls(args.impls)
    sizes = _sizes(args, workloads)
    notes: list[str] = []
    backends: list[str] = []
    for b in args.backends:
        if b not in BACKENDS:
            sys.exit(f"unknown backend {b!r}; known: {', '.join(BACKENDS)}")
        if b == "postgresql":
            ok, why = postgres_reachable()
            if not ok:
                notes.append(f"postgresql skipped: {why}")
                print(f"bench: {notes[-1]}", file=sys.stderr)
                continue
        backends.append(b)

    plan: list[dict[str, Any]] = []
    for backend in backends:
        for w in workloads:
            cell_impls = [i for i in impls if supports(i, w)]
            for r in range(args.repeat):
                k = r % len(cell_impls)
                for impl in cell_impls[k:] + cell_impls[:k]:
                    plan.append(
                        {"workload": w, "impl": impl, "backend": backend, "n": sizes[w]}
                    )
    measurements: list[dict[str, Any]] = []
    started = time.time()
    for i, spec in enumerate(plan, 1):
        res = run_worker(spec, args.timeout)
        measurements.append(res)
        status = _fmt(res["seconds"]) if res["ok"] else f"ERROR {res['error'][:90]}"
        print(
            f"[{i:>4}/{len(plan)}] {spec['backend']:<12} {spec['workload']:<22} "
            f"{spec['impl']:<12} {status}",
            file=sys.stderr,
            flush=True,
        )
    doc = {
        "meta": report.metadata(args, backends, sizes, impls, workloads),
        "notes": notes,
        "measurements": measurements,
    }
    paired_w = "core_select_pk_prebuilt"
    if (
        not args.no_paired
        and paired_w in workloads
        and report.TARGET_BACKEND in backends
        and "qs_core" in impls
    ):
        # issue 3's ratio, measured in rounds within each process as well
        from . import paired

        try:
            doc["paired"] = paired.measure(
                paired_w,
                [i for i in impls if i in (BASELINE, "qs_core", "sa_core")],
                report.TARGET_BACKEND,
                sizes[paired_w],
                rounds=3 if args.quick else 15,
                processes=1 if args.quick else 3,
            )
        except RuntimeError as e:
            notes.append(f"paired measurement failed: {e}")
    doc["meta"]["wall_seconds"] = round(time.time() - started, 1)
    doc["summary"] = report.summarize(measurements, backends, workloads, impls)
    return doc


def profile(args: argparse.Namespace) -> int:
    """``--profile WORKLOAD IMPL``: one measurement under cProfile."""
    workload, impl = args.profile
    workload = _select_workloads([workload])[0]
    if impl not in IMPLS or not supports(impl, workload):
        sys.exit(f"{impl!r} does not implement {workload!r}")
    backend = args.backends[0]
    n = _sizes(args, [workload])[workload]
    print(f"profiling {workload} / {impl} on {backend}, N={n}", flush=True)
    spec = {"workload": workload, "impl": impl, "backend": backend, "n": n}
    res = run_worker({**spec, "profile": True}, args.timeout, passthrough=True)
    if res["ok"]:
        print(f"\n{workload} / {impl}: {_fmt(res['seconds'])} (under the profiler)")
        return 0
    print(f"\n{workload} / {impl} failed at {res['stage']}: {res['error']}")
    return 1


def _compile_bytecode() -> None:
    """Write .pyc files for the libraries under test before timing anything.

    Installed packages (SQLAlchemy, peewee, Pony) got their bytecode at install
    time; quicksilver's editable source may have none (PYTHONDONTWRITEBYTECODE
    is common in containers), and a module first imported inside a timed
    region would then be compiled from source inside the measurement.
    """
    import compileall
    import importlib.util

    for name in ("quicksilver", "sqlalchemy", "peewee", "pony"):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            compileall.compile_dir(location, quiet=2, workers=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for w in WORKLOADS.values():
            who = ", ".join(i for i in IMPLS if supports(i, w.name))
            print(f"{w.name:<22} N={w.default_n:<7} {w.timed}\n{'':<22} [{who}]")
        return 0
    _compile_bytecode()
    if args.profile:
        return profile(args)
    doc = run(args)
    text = report.render_markdown(doc)
    print("\n" + text)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "latest.json").write_text(json.dumps(doc, indent=1) + "\n")
    (args.output / "latest.md").write_text(text)
    written = [args.output / "latest.json", args.output / "latest.md"]
    if not args.no_chart:
        chart = report.chart(doc, args.output / "latest.png")
        if chart:
            written.append(chart)
    if args.update_readme:
        report.update_readme(BENCH_DIR / "README.md", text)
        written.append(BENCH_DIR / "README.md")
    print("wrote " + ", ".join(os.path.relpath(p) for p in written))
    return 0
