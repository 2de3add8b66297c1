"""Across learners: the reach counters kept in user_state_summary, the staff bar chart, report rows.

Plain functions (no runtime); the block passes field values in and stores what comes back.
"""

from xblocks.chaptered_video.coverage import progress, round_share
from xblocks.chaptered_video.state import LearnerState
from xblocks.common.timecode import format_time

BAR_WIDTH = 240  # px of the longest bar in the staff chart
BAR_HEIGHT = 18
BAR_GAP = 8


def _counts(values, size):
    counts = [
        int(v) if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else 0 for v in values or []
    ]
    return (counts + [0] * size)[:size]


def normalise(reach, size):
    """The counters as ``{"learners": int, "reached": [size ints], "completed": [size ints]}``."""
    reach = reach if isinstance(reach, dict) else {}
    learners = reach.get("learners", 0)
    return {
        "learners": learners if isinstance(learners, int) and not isinstance(learners, bool) else 0,
        "reached": _counts(reach.get("reached"), size),
        "completed": _counts(reach.get("completed"), size),
    }


def count_changes(reach, size, changes):
    """New counters after one learner's report (``changes`` is a ``coverage.Changes``); None if unchanged."""
    if not (changes.started or changes.reached or changes.completed):
        return None
    counters = normalise(reach, size)
    if changes.started:
        counters["learners"] += 1
    for index in changes.reached:
        counters["reached"][index] += 1
    for index in changes.completed:
        counters["completed"][index] += 1
    return counters


def chart(reach, chapters):
    """Rows for the inline SVG: per chapter the reached/completed counts and bar widths (px)."""
    counters = normalise(reach, len(chapters))
    top = max([counters["learners"], *counters["reached"], 1])
    rows = []
    for i, chapter in enumerate(chapters):
        reached, completed = counters["reached"][i], counters["completed"][i]
        rows.append(
            {
                "index": i,
                "title": chapter.title,
                "reached": reached,
                "completed": completed,
                "reached_width": round(BAR_WIDTH * reached / top, 1),
                "completed_width": round(BAR_WIDTH * completed / top, 1),
                "y": i * (BAR_HEIGHT + BAR_GAP),
            }
        )
    return {
        "learners": counters["learners"],
        "rows": rows,
        "bar_height": BAR_HEIGHT,
        "bar_width": BAR_WIDTH,
        "height": max(1, len(chapters)) * (BAR_HEIGHT + BAR_GAP),
    }


def report_rows(user_states, chapters, duration, threshold, limit=None):
    """``(username, columns)`` for each learner state (objects with ``.username`` and ``.state``, the dict
    of stored fields: ``learner_state`` holds the packed ``state.LearnerState``)."""
    produced = 0
    for user_state in user_states:
        if limit is not None and produced >= limit:
            return
        fields = getattr(user_state, "state", None)
        learner = LearnerState.from_text(fields.get("learner_state") if isinstance(fields, dict) else None)
        standing = progress(learner.watched(duration), chapters, duration, threshold)
        position = learner.position
        yield (
            user_state.username,
            {
                "coverage": round_share(standing.coverage),
                "chapters_completed": standing.chapters_complete,
                "last_position": format_time(min(max(position, 0.0), duration)),
                "completed": "yes" if standing.all_complete else "no",
            },
        )
        produced += 1
