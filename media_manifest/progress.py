"""A one-line progress bar fed by ffmpeg's ``-progress`` output: percent done and time left.

Drawn only on a terminal; elsewhere (logs, CI, tests) it stays silent.
"""

import sys
import time

from xblocks.common.timecode import format_time


class ProgressBar:
    """``bar(seconds_done)`` redraws; ``bar.close()`` ends the line. Silent unless ``stream`` is a TTY."""

    def __init__(self, label, total_seconds, stream=None, enabled=None, width=28):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label, self.total, self.width = label, max(float(total_seconds), 0.001), width
        self.started = time.monotonic()
        self.drawn = False

    def __call__(self, done):
        if not self.enabled:
            return
        fraction = min(1.0, max(0.0, done / self.total))
        elapsed = time.monotonic() - self.started
        left = elapsed / fraction * (1 - fraction) if fraction > 0.01 else None
        filled = int(round(fraction * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        eta = f"{format_time(left, always_hours=False)} left" if left is not None else "..."
        self.stream.write(f"\r{self.label} [{bar}] {fraction * 100:5.1f}% {eta}   ")
        self.stream.flush()
        self.drawn = True

    def close(self):
        if self.enabled and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def no_progress(label, total_seconds):
    """A bar factory that never draws."""
    return ProgressBar(label, total_seconds, enabled=False)


def terminal_progress(label, total_seconds):
    """A bar factory that draws on stderr when it is a terminal."""
    return ProgressBar(label, total_seconds)
