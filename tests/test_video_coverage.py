"""The chaptered video's watched-set rules, no runtime: merge, clamp, trust, chapters, completion."""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xblocks.chaptered_video import coverage
from xblocks.chaptered_video.coverage import ReportError, WatchedSet, budget, parse_report, progress
from xblocks.chaptered_video.state import LearnerState
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


# --- the report's one-pass Timeline agrees with progress/changes; its JSON with json.dumps ----------

TIMELINE_CHAPTERS = [Chapter(0, "One"), Chapter(30.4, "Two"), Chapter(60, "Three"), Chapter(95, "Four")]


@pytest.mark.parametrize("width", [1, 3, 10, 29, 30, 31, 600, 5400])
@pytest.mark.parametrize("threshold", [0.01, 0.5, 0.75, 0.9, 0.95, 0.999, 1.0])
def test_seconds_needed_is_the_progress_rule(width, threshold):
    needed = coverage.seconds_needed(width, threshold)
    assert needed / width >= threshold - 1e-9
    assert needed == 0 or (needed - 1) / width < threshold - 1e-9


@settings(max_examples=150, deadline=None)
@given(
    st.floats(121, 7200, allow_nan=False),
    interval_lists,
    interval_lists,
    st.sampled_from([0.5, 0.9, 1.0]),
)
def test_timeline_assess_equals_progress_and_changes(duration, first, second, threshold):
    first, second = clamp(first, duration), clamp(second, duration)
    timeline = coverage.Timeline(duration, TIMELINE_CHAPTERS, threshold)
    before = WatchedSet(duration).merge(first)[0]
    after = before.merge(second)[0]
    expected_before = progress(before, TIMELINE_CHAPTERS, duration, threshold)
    expected = progress(after, TIMELINE_CHAPTERS, duration, threshold)
    found = timeline.assess(after.bits, before.bits)
    widths = [width for _mask, width in timeline.masks]
    assert [s / w for s, w in zip(found.counts, widths, strict=True)] == [
        c.coverage for c in expected.chapters
    ]
    assert [s >= n for s, (_m, _w, n) in zip(found.counts, timeline.rules, strict=True)] == [
        c.complete for c in expected.chapters
    ]
    assert found.coverage == expected.coverage and found.completion == expected.completion
    assert found.chapters_complete == expected.chapters_complete
    changes = coverage.changes(expected_before, expected)
    if after.bits != before.bits:
        assert found.changes == changes
    else:
        assert found.changes == coverage.NO_CHANGES and changes.reached == changes.completed == ()


@settings(max_examples=150, deadline=None)
@given(
    st.floats(121, 7200, allow_nan=False),
    interval_lists,
    st.floats(0, 7200, allow_nan=False),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
)
def test_answer_json_equals_dumping_the_answer(duration, intervals, position, added, dropped):
    timeline = coverage.Timeline(duration, TIMELINE_CHAPTERS, 0.9)
    watched = WatchedSet(duration).merge(clamp(intervals, duration))[0]
    position = min(position, duration)
    text = timeline.answer_json(timeline.assess(watched.bits), position, added, dropped)
    expected = {
        **coverage.answer(progress(watched, TIMELINE_CHAPTERS, duration, 0.9), position),
        "added": added,
        "dropped": dropped,
    }
    assert text == json.dumps(expected, allow_nan=False, separators=(",", ":"))


def test_answer_json_for_untouched_and_full_chapters():
    timeline = coverage.Timeline(120, CHAPTERS, 0.9)
    full = WatchedSet(120).merge([(0, 30), (90, 120)])[0]
    answer = json.loads(timeline.answer_json(timeline.assess(full.bits), 120.0, 0, 0))
    assert answer["chapters"] == [
        {"index": 0, "coverage": 1.0, "complete": True},
        {"index": 1, "coverage": 0.0, "complete": False},
        {"index": 2, "coverage": 0.0, "complete": False},
        {"index": 3, "coverage": 1.0, "complete": True},
    ]
    assert answer["coverage"] == answer["completion"] == 0.5


def test_chapters_out_of_order_still_assess_every_chapter():
    chapters = [Chapter(60, "Late"), Chapter(0, "Early"), Chapter(90, "Last")]  # never valid; still right
    timeline = coverage.Timeline(120, chapters, 0.9)
    before = WatchedSet(120).merge([(100, 110)])[0]
    after = before.merge([(0, 120)])[0]
    found = timeline.assess(after.bits, before.bits)
    expected = coverage.changes(progress(before, chapters, 120, 0.9), progress(after, chapters, 120, 0.9))
    assert found.changes == expected and found.changes.reached == (1,)


# --- the packed learner state ------------------------------------------------------------------------


def test_learner_state_round_trip():
    watched = WatchedSet(5475).merge([(0, 100), (2000, 2500)])[0]
    state = LearnerState(watched.to_text(), position=2500.25, last_report_at=1_700_000_123.5)
    state.completion_published = 0.125
    again = LearnerState.from_text(state.to_text())
    assert (again.position, again.last_report_at, again.completion_published) == (
        2500.25,
        1_700_000_123.5,
        0.125,
    )
    assert again.watched(5475).bits == watched.bits
    assert len(state.to_text()) < 4096 and state.to_text().isascii()


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        42,
        ["1", "2"],
        "garbage",
        "2;1;2;0.5;AAAA",
        "1;x;y;z;%%%",
        "1;nan;inf;-1;====",
        "1;;;;",
        "é;é;é;é;é",
    ],
)
def test_unreadable_learner_state_is_a_fresh_start(text):
    state = LearnerState.from_text(text)
    assert (state.position, state.last_report_at, state.completion_published) == (0.0, 0.0, 0.0)
    assert state.watched(120).bits == 0
    assert LearnerState.from_text(state.to_text()).to_text() == state.to_text()


def test_learner_state_parts_are_checked_one_by_one():
    state = LearnerState.from_text("1;1700000000.0;-5;7.5;" + WatchedSet(60).merge([(0, 10)])[0].to_text())
    assert state.last_report_at == 1_700_000_000.0 and state.position == 0.0
    assert state.completion_published == 1.0 and state.watched(60).seconds == 10


@pytest.mark.parametrize(
    "seconds, index",
    [(0, 0), (29.9, 0), (30, 1), (59.99, 1), (60, 2), (119, 3), (120, 3)],
)
def test_chapter_at_names_the_chapter_playing(seconds, index):
    assert coverage.Timeline(120, CHAPTERS, 0.9).chapter_at(seconds) == index


def test_chapter_at_before_the_first_chapter_and_without_chapters_is_none():
    late = coverage.Timeline(120, [Chapter(10, "Starts late"), Chapter(60, "Later")], 0.9)
    assert late.chapter_at(5) is None and late.chapter_at(10) == 0
    assert coverage.Timeline(120, [], 0.9).chapter_at(50) is None
