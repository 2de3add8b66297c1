"""Course build and validate times: the whole course without media processing, median of 5.

Targets: build < 1 s, validate < 0.5 s; the machine's ``python -c pass`` time is reported beside them.
Imports are warmed up once first (a CLI run pays them once too; ``python -c pass`` shows that floor).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from scripts.benchmarks import Row
from scripts.benchmarks.common import median_of


def _python_pass():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def run(quick=False):
    from course.build import build
    from course.cli import DEFAULT_SOURCE
    from course.validate import validate

    repeat = 3 if quick else 5
    floor = median_of(_python_pass, repeat)
    with tempfile.TemporaryDirectory(prefix="course-bench-") as folder:
        out = Path(folder)
        build(DEFAULT_SOURCE, out)  # warm-up: imports, caches of the block packages
        build_s = median_of(lambda: build(DEFAULT_SOURCE, out), repeat)
    validate_s = median_of(lambda: validate(DEFAULT_SOURCE), repeat)
    beside = f"`python -c pass` {floor * 1000:.0f} ms"
    return [
        Row(
            "course",
            f"build whole course, no media (median of {repeat})",
            f"{build_s * 1000:.0f} ms ({beside})",
            "< 1 s",
            build_s < 1.0,
        ),
        Row(
            "course",
            f"validate whole course (median of {repeat})",
            f"{validate_s * 1000:.0f} ms ({beside})",
            "< 0.5 s",
            validate_s < 0.5,
        ),
    ]
