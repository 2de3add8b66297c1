"""``report`` on generated tracking logs: events per second, against pandas, and peak memory.

- Speed: ``scan`` over a 1,000,000-line log (``scripts.gen_tracking_log``), best of three runs, one core.
- Against pandas, same file, same run: ``read_json(lines=True)`` (in chunks of 100,000 lines, else pandas
  alone needs gigabytes) and a groupby for the same figure the report's hot path computes (the highest
  coverage per learner and session, the last activity per learner).
- Memory: tracemalloc peak of ``scan`` on a 100,000-line and a 1,000,000-line log of the same learners
  (the generator changes only how often players report progress), so only the event count differs.
The logs carry no corrupt lines here, since pandas stops at the first one; the report's own handling of
them is in the tests.
"""

import tempfile
import time
import tracemalloc
from pathlib import Path

from scripts.benchmarks import Row
from scripts.gen_tracking_log import generate
from xblocks.facilitator_progress.report import PROGRESS_EVENT, scan

AREA = "report"
LEARNERS = 400


def _scan_seconds(path, repeat):
    best = None
    tally = None
    for _ in range(repeat):
        start = time.perf_counter()
        tally = scan([path])
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best, tally


def _pandas_seconds(path):
    import pandas as pd

    start = time.perf_counter()
    coverage, last = [], []
    for chunk in pd.read_json(path, lines=True, chunksize=100_000, dtype=False, convert_dates=False):
        last.append(chunk.groupby("username")["time"].max())
        progress = chunk[chunk["event_type"] == PROGRESS_EVENT]
        events = pd.json_normalize(progress["event"].tolist())
        frame = pd.DataFrame(
            {
                "username": progress["username"].to_numpy(),
                "module_id": events["module_id"].to_numpy(),
                "coverage": events["coverage"].to_numpy(),
            }
        )
        coverage.append(frame.groupby(["username", "module_id"])["coverage"].max())
    pd.concat(coverage).groupby(level=[0, 1]).max()
    pd.concat(last).groupby(level=0).max()
    return time.perf_counter() - start


def _peak_bytes(path):
    tracemalloc.start()
    try:
        scan([path])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(quick=False):
    big_events = 200_000 if quick else 1_000_000
    small_events = big_events // 10
    learners = LEARNERS // 4 if quick else LEARNERS
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        big = Path(folder) / "big.log"
        small = Path(folder) / "small.log"
        generate(big, learners=learners, seed=42, events=big_events, corrupt_rate=0.0)
        generate(small, learners=learners, seed=42, events=small_events, corrupt_rate=0.0)
        seconds, tally = _scan_seconds(big, repeat=1 if quick else 3)
        rate = tally.lines / seconds
        rows.append(
            Row(
                AREA,
                f"scan {tally.lines:,} events ({len(tally.learners)} learners)",
                f"{rate:,.0f} events/s",
                "≥ 300,000 events/s",
                rate >= 300_000,
            )
        )
        pandas_seconds = _pandas_seconds(big)
        ratio = pandas_seconds / seconds
        rows.append(
            Row(
                AREA,
                "speed vs pandas read_json(lines=True) + groupby",
                f"{ratio:.1f}× ({pandas_seconds:.1f} s vs {seconds:.1f} s)",
                "≥ 3×",
                ratio >= 3,
            )
        )
        small_peak, big_peak = _peak_bytes(small), _peak_bytes(big)
        growth = big_peak / small_peak
        rows.append(
            Row(
                AREA,
                f"peak memory {small_events:,} → {big_events:,} events",
                f"{small_peak / 2**20:.2f} → {big_peak / 2**20:.2f} MiB ({growth:.2f}×)",
                "flat (≤ 1.25×)",
                growth <= 1.25,
            )
        )
    return rows
