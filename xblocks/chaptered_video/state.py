"""One learner's stored state, packed into ONE user_state field (read and written once per report).

Text form (ASCII, a few dozen characters plus the bitmap)::

    1;<last_report_at>;<position>;<completion_published>;<watched bitmap, base64>

- ``last_report_at``: server time (Unix seconds) of the last accepted report, or of the last time the
  learner opened the video if later (the trust rule's clock);
- ``position``: where the learner last was (seconds), the player resumes there;
- ``completion_published``: the highest completion (0..1) already published (completion only rises);
- the bitmap: ``coverage.WatchedSet.to_text`` (bit ``i`` = second ``[i, i+1)`` was played), kept as text
  until a caller that knows the duration decodes it.

Unreadable text (another version, hand-edited data) never fails a learner's request: each unreadable part
counts as its default (nothing watched, position 0, no clock, nothing published).
"""

import math

from xblocks.chaptered_video.coverage import WatchedSet

VERSION = "1"


def _seconds(text):
    """A finite, non-negative float from stored text; 0.0 for anything else."""
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if 0.0 < value < math.inf else 0.0  # NaN fails both comparisons


class LearnerState:
    """The learner's watched bitmap (text), position, trust clock and published completion."""

    __slots__ = ("watched_text", "position", "last_report_at", "completion_published")

    def __init__(self, watched_text="", position=0.0, last_report_at=0.0, completion_published=0.0):
        self.watched_text = watched_text
        self.position = position
        self.last_report_at = last_report_at
        self.completion_published = completion_published

    @classmethod
    def from_text(cls, text):
        """Decode the stored field (see the module docstring); unreadable text gives a fresh state."""
        parts = text.split(";", 4) if isinstance(text, str) else ()
        if len(parts) != 5 or parts[0] != VERSION:
            return cls()
        return cls(
            parts[4],
            position=_seconds(parts[2]),
            last_report_at=_seconds(parts[1]),
            completion_published=min(1.0, _seconds(parts[3])),
        )

    def watched(self, duration):
        """The WatchedSet of a ``duration``-second video (unreadable bits count as nothing watched)."""
        return WatchedSet.from_text(self.watched_text, duration)

    def to_text(self):
        """The packed text stored in the field."""
        return (
            f"{VERSION};{float(self.last_report_at)!r};{float(self.position)!r};"
            f"{float(self.completion_published)!r};{self.watched_text}"
        )
