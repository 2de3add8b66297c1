"""The chaptered video's watched-set rules, no runtime: merge, clamp, trust, chapters, completion."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xblocks.chaptered_video import coverage
from xblocks.chaptered_video.coverage import ReportError, WatchedSet, budget, parse_report, progress
from xblocks.common.chapters import Chapter

CHAPTERS = [Chapter(0, "One"), Chapter(30, "Two"), Chapter(60, "Three"), Chapter(90, "Four")]


def seconds_of(intervals, duration):
    """The reference model: the set of whole seconds an interval list marks."""
    marked = set()
    size = math.ceil(duration)
    for start, end in intervals:
        low = size if start >= duration else math.floor(start + 0.5)
        high = size if end >= duration else math.floor(end + 0.5)
        marked.update(range(low, high))
    return marked


def test_merge_marks_seconds_and_replay_adds_nothing():
    empty = WatchedSet(120)
    once, added, dropped = empty.merge([(0, 10.3), (10.3, 20.6)])
    assert (added, dropped) == (21, 0)
    assert once.seconds == 21 and once.count(0, 21) == 21
    again, added, _ = once.merge([(0, 10.3), (10.3, 20.6)])
    assert added == 0 and again.bits == once.bits


def test_consecutive_reports_leave_no_gap():
    watched = WatchedSet(60)
    for start in range(0, 60, 7):
        watched, _added, _dropped = watched.merge([(start + 0.4, min(60, start + 7.4))])
    assert watched.count(1, 60) == 59


def test_last_partial_second_counts_at_the_end():
    watched, added, _ = WatchedSet(10.4).merge([(0, 10.4)])
    assert added == 11 and watched.coverage == 1.0


def test_text_round_trip_and_bound():
    watched, _added, _dropped = WatchedSet(5475).merge([(0, 100), (2000, 2500)])
    text = watched.to_text()
    assert WatchedSet.from_text(text, 5475).bits == watched.bits
    assert len(text) <= 916  # 90 minutes: 685 bytes of bitmap, base64
    two_hours, _, _ = WatchedSet(7200).merge([(0, 7200)])
    assert len(two_hours.to_text()) < 4096


@pytest.mark.parametrize("text", ["not base64!", "é", "=====", "AAAA" * 5000])
def test_unreadable_or_oversized_text_is_bounded(text):
    watched = WatchedSet.from_text(text, 120)
    assert watched.bits < (1 << 120)
    assert len(watched.to_text()) == len(WatchedSet(120).to_text())


def test_budget_trims_excess_keeping_the_earliest_seconds():
    watched, added, dropped = WatchedSet(5475).merge([(0, 5475)], budget=25)
    assert (added, dropped) == (25, 5450)
    assert watched.count(0, 25) == 25 and watched.seconds == 25


def test_budget_counts_only_new_seconds():
    watched, _, _ = WatchedSet(120).merge([(0, 50)])
    more, added, dropped = watched.merge([(0, 60)], budget=10)
    assert (added, dropped) == (10, 0) and more.seconds == 60


def test_budget_rule():
    assert budget(now=1000.0, last_at=0.0) == coverage.ALLOWANCE_SECONDS
    assert budget(now=1010.0, last_at=1000.0) == 10 * coverage.TOP_SPEED + coverage.ALLOWANCE_SECONDS
    assert budget(now=990.0, last_at=1000.0) == coverage.ALLOWANCE_SECONDS  # clock went backwards


def test_progress_chapters_and_completion():
    watched, _, _ = WatchedSet(120).merge([(0, 30), (30, 57)])
    standing = progress(watched, CHAPTERS, 120, threshold=0.9)
    assert [c.complete for c in standing.chapters] == [True, True, False, False]
    assert standing.chapters[1].coverage == pytest.approx(0.9)
    assert standing.completion == pytest.approx(57 / 120)
    assert standing.chapters_complete == 2 and not standing.all_complete


def test_completion_is_one_once_every_chapter_is_complete():
    watched, _, _ = WatchedSet(120).merge([(0, 27), (30, 57), (60, 87), (90, 117)])
    standing = progress(watched, CHAPTERS, 120, threshold=0.9)
    assert standing.all_complete and standing.completion == 1.0
    assert standing.coverage == pytest.approx(108 / 120)


def test_changes_report_transitions_once():
    empty = progress(WatchedSet(120), CHAPTERS, 120, 0.9)
    some, _, _ = WatchedSet(120).merge([(25, 35)])
    middle = progress(some, CHAPTERS, 120, 0.9)
    found = coverage.changes(empty, middle)
    assert found.reached == (0, 1) and found.completed == () and found.started
    full, _, _ = some.merge([(0, 120)])
    end = progress(full, CHAPTERS, 120, 0.9)
    found = coverage.changes(middle, end)
    assert found.reached == (2, 3) and found.completed == (0, 1, 2, 3) and found.video_completed
    assert not found.started
    assert coverage.changes(end, end) == coverage.Changes((), (), False, False)


# --- parse_report: what a body may say -----------------------------------------------------------


def test_parse_report_clamps_a_little_past_the_end():
    report = parse_report({"watched": [[100, 121.5]], "position": 120.4}, 120)
    assert report.intervals == ((100.0, 120.0),) and report.position == 120.0
    assert parse_report({"watched": []}, 120).position is None


@pytest.mark.parametrize(
    "body, words",
    [
        ({}, '"watched" is missing'),
        ({"watched": "0-10"}, "must be a list"),
        ({"watched": [[0]]}, "watched[0] must be a [start, end] pair"),
        ({"watched": [[0, 1, 2]]}, "watched[0] must be a [start, end] pair"),
        ({"watched": [["0", 10]]}, "watched[0] start must be a number"),
        ({"watched": [[True, 10]]}, "watched[0] start must be a number"),
        ({"watched": [[0, 5], [-1, 10]]}, "watched[1] start must not be negative"),
        ({"watched": [[10, 5]]}, "watched[0] is reversed"),
        ({"watched": [[0, float("nan")]]}, "finite"),
        ({"watched": [[0, float("inf")]]}, "finite"),
        ({"watched": [[0, 1e300]]}, "far too large"),
        ({"watched": [[0, 500]]}, "past the end"),
        ({"watched": [[0, 1]] * 1001}, "at most 1000"),
        ({"watched": [], "position": -3}, '"position" must not be negative'),
        ({"watched": [], "position": "12"}, '"position" must be a number'),
        ({"watched": [], "position": 9999}, "past the end"),
        ([], "JSON object"),
    ],
)
def test_parse_report_refuses_bad_bodies(body, words):
    with pytest.raises(ReportError) as info:
        parse_report(body, 120)
    assert words in str(info.value)


# --- properties of the merge -----------------------------------------------------------------------

durations = st.floats(min_value=1, max_value=7200, allow_nan=False)
interval_lists = st.lists(
    st.tuples(st.floats(0, 8000, allow_nan=False), st.floats(0, 400, allow_nan=False)).map(
        lambda p: (p[0], p[0] + p[1])
    ),
    max_size=20,
)


def clamp(intervals, duration):
    return [(min(s, duration), min(e, duration)) for s, e in intervals]


@settings(max_examples=150, deadline=None)
@given(durations, interval_lists)
def test_merge_equals_the_set_model(duration, intervals):
    intervals = clamp(intervals, duration)
    watched, added, dropped = WatchedSet(duration).merge(intervals)
    marked = seconds_of(intervals, duration)
    assert dropped == 0 and added == len(marked) == watched.seconds
    assert {i for i in range(watched.size) if watched.bits >> i & 1} == marked
    assert 0.0 <= watched.coverage <= 1.0


@settings(max_examples=150, deadline=None)
@given(durations, interval_lists, interval_lists)
def test_tabs_merge_in_any_order_and_replay_is_idempotent(duration, tab_a, tab_b):
    tab_a, tab_b = clamp(tab_a, duration), clamp(tab_b, duration)
    ab = WatchedSet(duration).merge(tab_a)[0].merge(tab_b)[0]
    ba = WatchedSet(duration).merge(tab_b)[0].merge(tab_a)[0]
    assert ab.bits == ba.bits
    again, added, _ = ab.merge(tab_a + tab_b)
    assert added == 0 and again.bits == ab.bits
    assert WatchedSet.from_text(ab.to_text(), duration).bits == ab.bits


@settings(max_examples=150, deadline=None)
@given(durations, interval_lists, st.integers(0, 500))
def test_budget_is_never_exceeded(duration, intervals, allowed):
    intervals = clamp(intervals, duration)
    watched, added, dropped = WatchedSet(duration).merge(intervals, budget=allowed)
    assert added <= allowed and watched.seconds == added
    assert added + dropped == len(seconds_of(intervals, duration))
    assert {i for i in range(watched.size) if watched.bits >> i & 1} <= seconds_of(intervals, duration)
