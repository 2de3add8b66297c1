"""``make bench``: run every benchmark module, print one table, write it to ``bench/RESULTS.md``."""

import argparse
import dataclasses
import importlib
import json
import os
import pkgutil
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

import scripts.benchmarks as benchmarks
from scripts.benchmarks import Row

REPO = Path(__file__).resolve().parents[1]


def _python_pass_seconds():
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def table(rows):
    lines = ["| area | measure | value | target | ok |", "| --- | --- | --- | --- | --- |"]
    for row in rows:
        mark = "—" if row.ok is None else ("yes" if row.ok else "**NO**")
        lines.append(f"| {row.area} | {row.measure} | {row.value} | {row.target} | {mark} |")
    return "\n".join(lines)


def run_module(name, quick):
    """Rows of one benchmark module, run in this process (the child side of ``main``)."""
    module = importlib.import_module(f"scripts.benchmarks.{name}")
    try:
        return module.run(quick=quick)
    except Exception as err:  # one broken benchmark must not hide the others
        traceback.print_exc()
        return [Row(name, "benchmark failed", f"{type(err).__name__}: {err}", "runs", False)]


def run_isolated(name, quick):
    """Run one module in a fresh interpreter: what an earlier module left in memory (objects for the
    garbage collector to walk, warm caches) must not tilt this module's ratios."""
    command = [sys.executable, "-m", "scripts.bench", "--child", name] + (["--quick"] if quick else [])
    done = subprocess.run(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    lines = done.stdout.strip().splitlines()
    try:
        return [Row(**row) for row in json.loads(lines[-1])]
    except (IndexError, ValueError, TypeError):
        return [Row(name, "benchmark failed", f"exit code {done.returncode}", "runs", False)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        rows = run_module(args.child, args.quick)
        print(json.dumps([dataclasses.asdict(row) for row in rows]))
        return 0
    names = [m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name != "common"]
    if args.only:
        names = [n for n in names if n in args.only]
    rows = []
    for name in names:
        print(f"== {name}", flush=True)
        got = run_isolated(name, args.quick)
        for row in got:
            print(f"   {row.measure}: {row.value} (target {row.target})", flush=True)
        rows.extend(got)
    header = (
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; "
        f"`python -c pass` takes {_python_pass_seconds() * 1000:.0f} ms here."
    )
    text = f"# Benchmark results\n\n{header}\n\n{table(rows)}\n"
    print("\n" + text)
    if not args.only and not args.quick:
        (REPO / "bench").mkdir(exist_ok=True)
        (REPO / "bench" / "RESULTS.md").write_text(text, encoding="utf-8")
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
