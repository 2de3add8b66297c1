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

import binascii
import bisect
import math
import operator
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


# Why the player sent a report. The moments of the xAPI video profile (play, pause, seek, leaving the page)
# are published even when they add no watched second; "progress" is the periodic report while playing.
PROGRESS = "progress"
MOMENTS = ("play", "pause", "seek", "leave")
REASONS = (PROGRESS, *MOMENTS)


class Report(NamedTuple):
    """A checked report: intervals clamped to ``[0, duration]``; ``position`` None when not sent.

    ``reason`` is one of ``REASONS`` ("progress" when the body says none: the mobile apps, older pages);
    ``seek_from`` is where a seek left from (only for reason "seek").
    """

    intervals: tuple
    position: float | None
    reason: str = PROGRESS
    seek_from: float | None = None

    @property
    def moment(self):
        return self.reason != PROGRESS


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


def _number(value, index=None, part="", name="position"):
    """``value`` as seconds: a finite, non-negative, bounded number (the message names ``watched[index]``)."""
    if type(value) is float or type(value) is int:  # the usual case, checked without building a message
        number = float(value)
        if 0 <= number <= MAX_DURATION * 10:
            return number
    what = f'"{name}"' if index is None else f"watched[{index}] {part}"
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
    """Check a report body ``{"watched": [[start, end], ...], "position": seconds, "reason": ...}``.

    Values a little past the end are clamped to ``duration``; further past is refused. A seek also says
    ``"from"``: the position it left.
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
        if not isinstance(pair, list) or len(pair) != 2:
            raise ReportError(f"watched[{i}] must be a [start, end] pair of numbers.")
        start = _number(pair[0], i, "start")
        end = _number(pair[1], i, "end")
        if end < start:
            raise ReportError(f"watched[{i}] is reversed: it ends ({end:g}) before it starts ({start:g}).")
        if end > limit:
            raise ReportError(f"watched[{i}] ends at {end:g} s, past the end of the video ({duration:g} s).")
        intervals.append((min(start, duration), min(end, duration)))
    position = None
    if data.get("position") is not None:
        position = _clamped(data["position"], "position", duration, limit)
    reason = data.get("reason")
    if reason is None or reason == PROGRESS:  # the periodic report: the usual case, no further checks
        return Report(tuple(intervals), position)
    if not isinstance(reason, str) or reason not in REASONS:
        shown = reason[:40] if isinstance(reason, str) else type(reason).__name__
        raise ReportError(f'"reason" must be one of {", ".join(REASONS)} (got {shown!r}).')
    seek_from = None
    if reason == "seek":
        if data.get("from") is None:
            raise ReportError('"from" is missing: a seek says the position it left, in seconds.')
        seek_from = _clamped(data["from"], "from", duration, limit)
    return Report(tuple(intervals), position, reason, seek_from)


def _clamped(value, name, duration, limit):
    """``value`` (the body's ``name``) as seconds clamped to ``duration``; past ``limit`` is refused."""
    seconds = _number(value, name=name)
    if seconds > limit:
        raise ReportError(f'"{name}" ({seconds:g} s) is past the end of the video ({duration:g} s).')
    return min(seconds, duration)


class WatchedSet:
    """Seconds watched of a ``duration``-second video, as an int used as a bitset."""

    __slots__ = ("duration", "size", "bits")

    def __init__(self, duration, bits=0):
        self.duration = float(duration)
        self.size = max(1, math.ceil(self.duration))
        inside = 0 <= bits and bits.bit_length() <= self.size
        self.bits = bits if inside else bits & ((1 << self.size) - 1)

    def _same_video(self, bits):
        """A set of this video holding ``bits`` (already inside ``size``): no re-checking on the hot path."""
        other = object.__new__(WatchedSet)
        other.duration, other.size, other.bits = self.duration, self.size, bits
        return other

    @classmethod
    def from_text(cls, text, duration):
        """Decode stored text; unreadable text counts as nothing watched (never an error for the learner)."""
        if not text:
            return cls(duration)
        try:
            raw = binascii.a2b_base64(text, strict_mode=True)  # = base64.b64decode(validate=True)
        except (binascii.Error, TypeError, ValueError):
            return cls(duration)
        return cls(duration, int.from_bytes(raw, "little"))

    def to_text(self):
        """Base64 of the bitmap, ``ceil(size / 8)`` bytes."""
        raw = self.bits.to_bytes((self.size + 7) // 8, "little")
        return binascii.b2a_base64(raw, newline=False).decode("ascii")

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
            mask = self._mask(start, end)
            new = mask ^ (mask & bits)  # = mask & ~bits, without a negative big int
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
        return self._same_video(bits), added, (refused & ~bits).bit_count() if refused else 0


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


class Changes(NamedTuple):
    """What a report changed: chapters first played, chapters completed, the whole video completed.

    (A tuple, not a dataclass: one is made per report.)
    """

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


def answer(standing, position):
    """The report answer (the server's view) of a Progress as a dict: what the player shows."""
    return {
        "coverage": round_share(standing.coverage),
        "completion": round_share(standing.completion),
        "position": position,
        "chapters": [
            {"index": c.index, "coverage": round_share(c.coverage), "complete": c.complete}
            for c in standing.chapters
        ],
    }


# --- the report's hot path: one pass over the chapters, a cheap answer -----------------------------


def seconds_needed(width, threshold):
    """The fewest seconds of a ``width``-second chapter that complete it (``width + 1``: never).

    The same rule as ``progress``: complete when ``seconds / width >= threshold`` (within 1e-9).
    """
    floor = threshold - 1e-9
    if width <= 0:
        return 0 if 0.0 >= floor else 1
    needed = max(0, math.ceil(floor * width) - 2)  # float rounding: start a little low, step up
    while needed <= width and needed / width < floor:
        needed += 1
    return needed


class Assessment(NamedTuple):
    """One pass over a video's chapters: seconds watched in each, totals, and what a report changed."""

    counts: tuple
    chapters_complete: int
    coverage: float
    completion: float
    changes: Changes


NO_CHANGES = Changes((), (), False, False)


def _chapter_json(index, seconds, width, needed):
    share = round(seconds / width, 4) if width else 0.0
    return f'{{"index":{index},"coverage":{share!r},"complete":{"true" if seconds >= needed else "false"}}}'


def _window(mask):
    """``(low, window)`` with ``window << low == mask``: the mask's lowest bit and the mask shifted down."""
    if not mask:
        return 0, 0
    low = (mask & -mask).bit_length() - 1
    return low, mask >> low


class Timeline:
    """A video's chapters as reports need them, built once per authored (duration, chapters, threshold).

    It holds derived content only, never learner state, so one instance serves every learner (the block
    caches it keyed on the content's own values). Per chapter: its bitmask, width (seconds) and the seconds
    that complete it; the answer's JSON for "not started" and "fully watched" is prepared once.
    """

    def __init__(self, duration, chapters, threshold):
        self.duration = float(duration)
        self.size = max(1, math.ceil(self.duration))
        self.chapters = tuple(chapters)
        self.threshold = threshold
        self.masks = chapter_masks(self.chapters, self.duration)
        self.rules = tuple((mask, width, seconds_needed(width, threshold)) for mask, width in self.masks)
        # each chapter's mask as (lowest bit, mask shifted down): ``bits >> low & window`` reads a chapter
        # without and-ing the whole bitmap with a mask as long as the video
        self._windows = tuple(_window(mask) for mask, _width in self.masks)
        self._needed = tuple(needed for _mask, _width, needed in self.rules)
        starts = [WatchedSet(self.duration).index(chapter.start) for chapter in self.chapters]
        self._starts = tuple(starts) if starts == sorted(starts) else None  # None: look at every chapter
        self._fixed = tuple(  # per chapter: (index, width, needed, JSON when unstarted, JSON when full)
            (i, width, needed, _chapter_json(i, 0, width, needed), _chapter_json(i, width, width, needed))
            for i, (_mask, width, needed) in enumerate(self.rules)
        )
        self._start_seconds = tuple(chapter.start for chapter in self.chapters)

    def chapter_at(self, seconds):
        """The index of the chapter playing at ``seconds`` (the last one starting at or before it), or None
        before the first chapter starts."""
        index = bisect.bisect_right(self._start_seconds, seconds) - 1
        return index if index >= 0 else None

    def assess(self, bits, before=None):
        """The Assessment of bitmap ``bits``; with ``before`` (the bits before a report), what changed.

        Equal to ``progress`` and ``changes`` (tests check it), in one pass: a chapter's seconds before the
        report are its seconds now minus the report's new seconds inside it, and only the chapters the new
        seconds fall in are looked at twice.
        """
        counts = [(bits >> low & window).bit_count() for low, window in self._windows]
        complete = sum(map(operator.ge, counts, self._needed))
        total = len(counts)
        all_complete = total > 0 and complete == total
        coverage = bits.bit_count() / self.size
        completion = 1.0 if all_complete else min(coverage, 1.0)
        new = (bits ^ before) & bits if before is not None else 0  # = bits & ~before
        if not new:
            return Assessment(tuple(counts), complete, coverage, completion, NO_CHANGES)
        reached, completed = [], []
        first, last = 0, total - 1
        if self._starts is not None:  # the chapters holding the lowest and the highest new second
            first = max(0, bisect.bisect_right(self._starts, (new & -new).bit_length() - 1) - 1)
            last = bisect.bisect_left(self._starts, new.bit_length()) - 1
        for i in range(first, last + 1):
            low, window = self._windows[i]
            fresh = (new >> low & window).bit_count()
            if fresh:
                seconds, needed = counts[i], self._needed[i]
                had = seconds - fresh
                if had == 0:
                    reached.append(i)
                if had < needed <= seconds:
                    completed.append(i)
        video_completed = all_complete and complete - len(completed) < total
        changes = Changes(tuple(reached), tuple(completed), video_completed, not before)
        return Assessment(tuple(counts), complete, coverage, completion, changes)

    def answer_json(self, found, position, added, dropped):
        """``answer(progress(...), position)`` plus ``added``/``dropped``, as compact JSON text.

        Built from per-video parts instead of ``json.dumps``; equal to dumping the dict (tests check it).
        ``position`` must be a finite float (reports and stored state are checked): never NaN in the text.
        """
        parts = [
            empty if seconds == 0 else full if seconds == width else _chapter_json(i, seconds, width, needed)
            for seconds, (i, width, needed, empty, full) in zip(found.counts, self._fixed, strict=True)
        ]
        coverage = repr(round(found.coverage, 4))
        completion = coverage if found.completion == found.coverage else repr(round(found.completion, 4))
        return (
            f'{{"coverage":{coverage},"completion":{completion},'
            f'"position":{float(position)!r},"chapters":[{",".join(parts)}],'
            f'"added":{int(added)},"dropped":{int(dropped)}}}'
        )
