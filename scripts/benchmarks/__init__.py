"""Benchmarks run by ``make bench`` (``python -m scripts.bench``).

Each module here offers ``run(quick=False) -> list[Row]``. Targets are ratios against a floor measured
side by side in the same run, so a noisy shared machine moves both sides together.
"""

from dataclasses import dataclass


@dataclass
class Row:
    """One line of the results table."""

    area: str
    measure: str
    value: str
    target: str
    ok: bool | None  # None: reported only, no target
