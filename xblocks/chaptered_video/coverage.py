"""What a learner has really watched: the server's rules, with no XBlock runtime.

The watched set is a per-second bitmap (bit ``i`` = second ``[i, i+1)`` was played), stored as base64
text: a 90-minute video needs 5,400 bits = 675 bytes (900 characters), a two-hour one 1,200 characters,
whatever the learner does. An interval ``[start, end]`` marks the seconds from ``round(start)`` to
``round(end)`` (the last partial second counts once ``end`` reaches the duration), so consecutive reports
``[0, 10.3]``, ``[10.3, 20.6]`` leave no gap and replaying a report adds nothing.

Trust: a report may add at most ``elapsed * TOP_SPEED + ALLOWANCE_SECONDS`` new seconds, where
``elapsed`` is the wall-clock time since the previous accepted report (or since the page was opened);
the excess is dropped, never counted.
"""

import base64
import binascii
import math
from dataclasses import dataclass
from typing import NamedTuple

from xblocks.common.chapters import chapter_bounds

TOP_SPEED = 2.0  # the fastest playback rate the player offers
ALLOWANCE_SECONDS = 10.0  # player rounding, a report sent a little late, two tabs opened together
MAX_INTERVALS = 1000
PAST_END_TOLERANCE = 60.0  # seconds past the end that are clamped (player rounding, a slightly long file)
MAX_DURATION = 12 * 3600.0  # bounds the stored bitmap (12 h = 5.4 KB)


class ReportError(ValueError):
    """A progress report that breaks the rules; the message says what and where."""


@dataclass(frozen=True)
class Report:
    """A checked report: intervals clamped to ``[0, duration]``; ``position`` None when not sent."""

    intervals: tuple
    position: float | None


class ChapterState(NamedTuple):
    """One chapter's share watched (0..1) and whether it reached the threshold (a tuple: made per report)."""

    index: int
    coverage: float
    complete: bool


@dataclass(frozen=True)
class Progress:
    """The learner's standing: whole coverage, completion (0..1) and each chapter."""

    coverage: float
    completion: float
    chapters: tuple

    @property
    def chapters_complete(self):
        return sum(1 for c in self.chapters if c.complete)

    @property
    def all_complete(self):
        return bool(self.chapters) and all(c.complete for c in self.chapters)


def _number(value, what):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportError(f"{what} must be a number of seconds.")
    number = float(value)
    if not math.isfinite(number):
        raise ReportError(f"{what} must be a finite number of seconds.")
    if number < 0:
        raise ReportError(f"{what} must not be negative ({number:g}).")
    if number > MAX_DURATION * 10:
        raise ReportError(f"{what} is far too large ({number:g} seconds).")
    return number


def parse_report(data, duration):
    """Check a report body ``{"watched": [[start, end], ...], "position": seconds}``.

    Values a little past the end are clamped to ``duration``; further past is refused.
    """
    if not isinstance(data, dict):
        raise ReportError("The report must be a JSON object.")
    if "watched" not in data:
        raise ReportError('"watched" is missing: send the intervals played, e.g. [[0, 10.5]].')
    watched = data["watched"]
    if not isinstance(watched, list):
        raise ReportError('"watched" must be a list of [start, end] pairs.')
    if len(watched) > MAX_INTERVALS:
        raise ReportError(f'"watched" has {len(watched)} intervals; at most {MAX_INTERVALS} are accepted.')
    limit = duration + PAST_END_TOLERANCE
    intervals = []
    for i, pair in enumerate(watched):
        where = f"watched[{i}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise ReportError(f"{where} must be a [start, end] pair of numbers.")
        start = _number(pair[0], f"{where} start")
        end = _number(pair[1], f"{where} end")
        if end < start:
            raise ReportError(f"{where} is reversed: it ends ({end:g}) before it starts ({start:g}).")
        if end > limit:
            raise ReportError(f"{where} ends at {end:g} s, past the end of the video ({duration:g} s).")
        intervals.append((min(start, duration), min(end, duration)))
    position = None
    if data.get("position") is not None:
        position = _number(data["position"], '"position"')
        if position > limit:
            raise ReportError(f'"position" ({position:g} s) is past the end of the video ({duration:g} s).')
        position = min(position, duration)
    return Report(tuple(intervals), position)


class WatchedSet:
    """Seconds watched of a ``duration``-second video, as an int used as a bitset."""

    __slots__ = ("duration", "size", "bits")

    def __init__(self, duration, bits=0):
        self.duration = float(duration)
        self.size = max(1, math.ceil(self.duration))
        self.bits = bits & ((1 << self.size) - 1)

    @classmethod
    def from_text(cls, text, duration):
        """Decode stored text; unreadable text counts as nothing watched (never an error for the learner)."""
        if not text:
            return cls(duration)
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return cls(duration)
        return cls(duration, int.from_bytes(raw, "little"))

    def to_text(self):
        """Base64 of the bitmap, ``ceil(size / 8)`` bytes."""
        raw = self.bits.to_bytes((self.size + 7) // 8, "little")
        return base64.b64encode(raw).decode("ascii")

    def index(self, seconds):
        """The bit where time ``seconds`` falls at one-second resolution (``size`` at the end)."""
        if seconds >= self.duration:
            return self.size
        return min(self.size, max(0, math.floor(seconds + 0.5)))

    def _mask(self, start, end):
        low, high = self.index(start), self.index(end)
        return ((1 << (high - low)) - 1) << low if high > low else 0

    def count(self, start=0.0, end=None):
        """Seconds watched inside ``[start, end]``."""
        end = self.duration if end is None else end
        return (self.bits & self._mask(start, end)).bit_count()

    def share(self, start=0.0, end=None):
        """Share (0..1) of ``[start, end]`` watched."""
        end = self.duration if end is None else end
        width = self.index(end) - self.index(start)
        return (self.bits & self._mask(start, end)).bit_count() / width if width > 0 else 0.0

    @property
    def seconds(self):
        return self.bits.bit_count()

    @property
    def coverage(self):
        return self.bits.bit_count() / self.size

    def merge(self, intervals, budget=None):
        """A new set with ``intervals`` added; at most ``budget`` new seconds (None: no limit).

        Returns ``(WatchedSet, added_seconds, dropped_seconds)``; intervals are taken in the order sent.
        """
        bits, added, refused = self.bits, 0, 0
        for start, end in intervals:
            new = self._mask(start, end) & ~bits
            if not new:
                continue
            gain = new.bit_count()
            room = gain if budget is None else max(0, int(budget) - added)
            if gain > room:
                kept = _lowest_bits(new, room)
                refused |= new ^ kept
                new, gain = kept, room
            bits |= new
            added += gain
        return WatchedSet(self.duration, bits), added, (refused & ~bits).bit_count()


def _lowest_bits(value, count):
    """The ``count`` lowest set bits of ``value`` (the earliest new seconds are kept)."""
    if count <= 0:
        return 0
    low, high = 0, value.bit_length()  # smallest width whose low bits hold ``count`` set bits
    while low < high:
        mid = (low + high) // 2
        if (value & ((1 << mid) - 1)).bit_count() >= count:
            high = mid
        else:
            low = mid + 1
    return value & ((1 << low) - 1)


def budget(now, last_at, top_speed=TOP_SPEED, allowance=ALLOWANCE_SECONDS):
    """New seconds a report may add: wall-clock since ``last_at`` times the top speed, plus the allowance.

    No earlier clock (``last_at`` falsy) or a clock that went backwards gives the allowance only.
    """
    elapsed = max(0.0, now - last_at) if last_at else 0.0
    return elapsed * top_speed + allowance


def chapter_masks(chapters, duration):
    """``((mask, width), ...)``: each chapter's seconds as a bitmask (compute once per video, reuse)."""
    if not chapters:
        return ()
    empty = WatchedSet(duration)
    masks = []
    for start, end in chapter_bounds(list(chapters), duration):
        mask = empty._mask(start, end)
        masks.append((mask, mask.bit_count()))
    return tuple(masks)


def progress(watched, chapters, duration, threshold, masks=None):
    """The learner's Progress for ``chapters`` (Chapter list) of a ``duration``-second video.

    ``masks`` (from ``chapter_masks``) saves recomputing the chapters' bitmasks on every report.
    """
    bits = watched.bits
    if masks is None:
        masks = chapter_masks(chapters, duration)
    states = []
    complete_all = bool(masks)
    for i, (mask, width) in enumerate(masks):
        share = (bits & mask).bit_count() / width if width else 0.0
        complete = share >= threshold - 1e-9
        complete_all = complete_all and complete
        states.append(ChapterState(i, share, complete))
    coverage = watched.coverage
    return Progress(coverage, 1.0 if complete_all else min(coverage, 1.0), tuple(states))


@dataclass(frozen=True)
class Changes:
    """What a report changed: chapters first played, chapters completed, the whole video completed."""

    reached: tuple
    completed: tuple
    video_completed: bool
    started: bool


def changes(before, after):
    """Compare two Progress values of the same video."""
    reached = tuple(
        a.index for b, a in zip(before.chapters, after.chapters, strict=True) if b.coverage == 0 < a.coverage
    )
    completed = tuple(
        a.index for b, a in zip(before.chapters, after.chapters, strict=True) if a.complete and not b.complete
    )
    return Changes(
        reached=reached,
        completed=completed,
        video_completed=after.all_complete and not before.all_complete,
        started=before.coverage == 0 < after.coverage,
    )


def round_share(value):
    """Shares as sent to the browser and logged: 4 decimals."""
    return round(float(value), 4)
