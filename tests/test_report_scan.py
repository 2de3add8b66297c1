"""The report's reading of tracking logs: figures match what the generated learners did; bad lines skip."""

import gzip
import json

import pytest

from scripts.gen_tracking_log import COURSE_ID, OTHER_COURSE_ID, generate
from scripts.preview.tracking import tracking_record
from xblocks.facilitator_progress.report import MAX_LINE_BYTES, LogError, scan
from xblocks.facilitator_progress.report_output import figures


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("log") / "tracking.log"
    truth = generate(path, learners=40, seed=3, progress_every=60.0, corrupt_rate=0.01)
    return path, truth


def test_generator_is_deterministic_by_seed(tmp_path):
    a, b, c = tmp_path / "a.log", tmp_path / "b.log", tmp_path / "c.log"
    generate(a, learners=5, seed=11, progress_every=120.0)
    generate(b, learners=5, seed=11, progress_every=120.0)
    generate(c, learners=5, seed=12, progress_every=120.0)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_generator_events_target_is_exact(tmp_path):
    truth = generate(tmp_path / "n.log", learners=8, seed=2, events=5000)
    assert truth.lines == 5000
    assert sum(1 for _ in (tmp_path / "n.log").open("rb")) == 5000


def test_scan_matches_what_learners_did(generated):
    path, truth = generated
    tally = scan([path])
    assert tally.course_id == COURSE_ID
    assert set(tally.learners) == set(truth.learners)
    for name, me in truth.learners.items():
        learner = tally.learners[name]
        assert learner.last == me.last, name
        for module, coverage in me.coverage.items():
            state = learner.modules[module]
            assert state.coverage == pytest.approx(coverage), (name, module)
            assert state.completed == (module in me.video_completed)
            assert state.completion == (1.0 if module in me.video_completed else pytest.approx(coverage))
            assert {i for i in range(64) if state.completed_chapters >> i & 1} == me.completed_chapters[
                module
            ]
            assert {i for i in range(64) if state.reached >> i & 1} == me.reached[module]
        for module, score in me.quiz_score.items():
            state = learner.modules[module]
            assert state.score == pytest.approx(score), (name, module)
            assert state.passed == (module in me.quiz_passed)
            assert state.attempts == me.quiz_attempts[module]
        for module, completion in me.toolkit_completion.items():
            assert learner.modules[module].completion == pytest.approx(completion), (name, module)


def test_skipped_lines_are_counted_by_reason(generated):
    path, truth = generated
    tally = scan([path])
    assert tally.lines == truth.lines
    assert tally.used + tally.skipped_total == tally.lines
    assert tally.skipped["malformed"] == truth.corrupt
    assert tally.skipped["blank"] == truth.blank
    assert tally.skipped["other_course"] == truth.other_course
    assert tally.skipped["unknown_type"] == truth.unknown
    assert tally.other_courses[OTHER_COURSE_ID] == truth.other_course
    assert "play_video" in tally.unknown_types


def test_figures_count_chapters_and_funnel(generated):
    path, truth = generated
    fig = figures(scan([path]))
    by_id = {m.module_id: m for m in fig.modules}
    video = by_id["session-1-video"]
    for i, (_title, reached, completed) in enumerate(video.chapters):
        assert reached == sum(
            1 for me in truth.learners.values() if i in me.reached.get("session-1-video", ())
        )
        assert completed == sum(
            1 for me in truth.learners.values() if i in me.completed_chapters.get("session-1-video", ())
        )
    quiz = by_id["session-2-quiz"]
    assert quiz.completed == sum(1 for me in truth.learners.values() if "session-2-quiz" in me.quiz_passed)
    assert quiz.started == sum(1 for me in truth.learners.values() if "session-2-quiz" in me.quiz_score)
    assert fig.learners == len(truth.learners)
    # Course order: sessions by number, toolkits by stage, the assessment last.
    order = [m.module_id for m in fig.modules]
    assert order.index("session-1-video") < order.index("session-1-quiz") < order.index("session-2-video")
    assert (
        order.index("toolkit-planning") < order.index("toolkit-emerging") < order.index("toolkit-sustaining")
    )
    assert order[-1] == "readiness-assessment"


def test_gzip_log_reads_the_same(generated, tmp_path):
    path, _truth = generated
    packed = tmp_path / "tracking.log.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    plain, zipped = scan([path]), scan([packed])
    assert zipped.lines == plain.lines and zipped.used == plain.used
    assert {n: learner.last for n, learner in zipped.learners.items()} == {
        n: learner.last for n, learner in plain.learners.items()
    }


def test_gzip_recognised_by_content_not_name(generated, tmp_path):
    path, _truth = generated
    hidden = tmp_path / "rotated.1"
    hidden.write_bytes(gzip.compress(path.read_bytes()))
    assert scan([hidden]).used == scan([path]).used


def test_truncated_gzip_keeps_what_was_read(generated, tmp_path):
    path, _truth = generated
    data = gzip.compress(path.read_bytes())
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(data[: len(data) // 2])
    tally = scan([cut])
    assert 0 < tally.lines < scan([path]).lines
    assert any("ends early" in note for note in tally.notes)


def test_missing_file_and_folder_are_clear_errors(tmp_path):
    with pytest.raises(LogError, match="no such file"):
        scan([tmp_path / "nope.log"])
    with pytest.raises(LogError, match="is a folder"):
        scan([tmp_path])


def _record(event_type, data, user="ana", module="session-1-video", course=COURSE_ID, when=None):
    import datetime

    when = when or datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)
    block = {"edx.checkpoint_quiz": "checkpoint_quiz", "edx.stage_toolkit": "stage_toolkit"}.get(
        event_type.rsplit(".", 1)[0], "chaptered_video"
    )
    usage = f"block-v1:{course.split(':', 1)[1]}+type@{block}+block@{module}"
    return tracking_record(event_type, {"module_id": module, **data}, user, usage, course, when=when)


def _write(path, records):
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write((record if isinstance(record, str) else json.dumps(record)) + "\n")
    return path


BAD_LINES = [
    ("not json", "malformed"),
    ("{", "malformed"),
    ("[]", "malformed"),
    ('"just a string"', "malformed"),
    ("", "blank"),
    ("   ", "blank"),
    ('{"event_type": "edx.chaptered_video.progress"}', "malformed"),
    ("\x00\x01garbage", "malformed"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_LINES)
def test_bad_lines_are_skipped_never_fatal(tmp_path, line, reason):
    good = _record("edx.chaptered_video.progress", {"coverage": 0.5, "position": 10})
    tally = scan([_write(tmp_path / "t.log", [good, line, good])])
    assert tally.lines == 3
    assert tally.skipped[reason] == 1
    assert tally.learners["ana"].modules["session-1-video"].coverage == 0.5


INVALID_EVENTS = [
    ("edx.chaptered_video.progress", {"coverage": "lots"}),
    ("edx.chaptered_video.progress", {"coverage": 7}),
    ("edx.chaptered_video.progress", {"coverage": -0.1}),
    ("edx.chaptered_video.progress", {"coverage": True}),
    ("edx.chaptered_video.chapter_reached", {"chapter": 10**9, "title": "x", "chapters_total": 3}),
    ("edx.chaptered_video.chapter_reached", {"chapter": -1, "title": "x", "chapters_total": 3}),
    ("edx.chaptered_video.chapter_completed", {"chapter": "2", "title": "x", "chapters_total": 3}),
    ("edx.checkpoint_quiz.submitted", {"score": 1.5, "attempt": 1}),
    ("edx.stage_toolkit.item_checked", {"completion": None}),
]


@pytest.mark.parametrize(("event_type", "data"), INVALID_EVENTS)
def test_invalid_fields_are_skipped(tmp_path, event_type, data):
    module = {"edx.checkpoint_quiz": "q", "edx.stage_toolkit": "t"}.get(event_type.rsplit(".", 1)[0], "v")
    tally = scan([_write(tmp_path / "t.log", [_record(event_type, data, module=module)])])
    assert tally.skipped["invalid"] == 1
    assert tally.used == 0


def test_nan_and_infinity_are_malformed(tmp_path):
    line = json.dumps(_record("edx.chaptered_video.progress", {"coverage": 0.5})).replace("0.5", "NaN")
    line2 = line.replace("NaN", "Infinity")
    tally = scan([_write(tmp_path / "t.log", [line, line2])])
    assert tally.skipped["malformed"] == 2 and not tally.learners


def test_missing_module_id_username_and_course(tmp_path):
    no_module = _record("edx.chaptered_video.progress", {"coverage": 0.5})
    del no_module["event"]["module_id"]
    no_user = _record("edx.chaptered_video.progress", {"coverage": 0.5})
    no_user["username"] = ""
    no_course = _record("edx.chaptered_video.progress", {"coverage": 0.5})
    del no_course["context"]["course_id"]
    good = _record("edx.chaptered_video.progress", {"coverage": 0.5})
    tally = scan([_write(tmp_path / "t.log", [good, no_module, no_user, no_course])])
    assert tally.skipped == {"invalid": 2, "no_username": 1}
    assert list(tally.learners) == ["ana"]


def test_over_long_line_is_skipped_with_bounded_memory(tmp_path):
    path = tmp_path / "t.log"
    good = json.dumps(_record("edx.chaptered_video.progress", {"coverage": 0.25}))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(good + "\n")
        handle.write('{"x": "' + "a" * (3 * MAX_LINE_BYTES) + '"}\n')
        handle.write(good + "\n")
    tally = scan([path])
    assert tally.skipped["too_long"] == 1
    assert tally.lines == 3  # the long line counts once, however many pieces it was read in
    assert tally.used == 2


@pytest.mark.parametrize("size", [MAX_LINE_BYTES + 10, MAX_LINE_BYTES * 3 // 2, MAX_LINE_BYTES * 5])
def test_long_lines_of_any_size_are_skipped_once(tmp_path, size):
    path = tmp_path / "t.log"
    good = json.dumps(_record("edx.chaptered_video.progress", {"coverage": 0.25}))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(good + "\n" + "x" * 1000 + "\n")
        handle.write('{"x": "' + "a" * size + '"}\n')
        handle.write(good)  # the last line has no newline: still read
    tally = scan([path])
    assert tally.skipped == {"too_long": 1, "malformed": 1}
    assert tally.lines == 4 and tally.used == 2


def test_course_option_selects_and_others_are_skipped(tmp_path):
    mine = _record("edx.chaptered_video.progress", {"coverage": 0.5})
    other = _record("edx.chaptered_video.progress", {"coverage": 0.9}, user="ben", course=OTHER_COURSE_ID)
    path = _write(tmp_path / "t.log", [other, mine, mine])
    first = scan([path])
    assert first.course_id == OTHER_COURSE_ID and list(first.learners) == ["ben"]
    chosen = scan([path], course_id=COURSE_ID)
    assert list(chosen.learners) == ["ana"]
    assert chosen.skipped["other_course"] == 1 and chosen.other_courses[OTHER_COURSE_ID] == 1


def test_grade_event_gives_the_kept_score_and_other_problems_are_skipped(tmp_path):
    import datetime

    t1 = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)
    t2 = t1 + datetime.timedelta(minutes=5)
    quiz_usage = f"block-v1:{COURSE_ID.split(':', 1)[1]}+type@checkpoint_quiz+block@session-1-quiz"
    submitted = _record(
        "edx.checkpoint_quiz.submitted",
        {"attempt": 2, "score": 0.6, "passed": False},
        module="session-1-quiz",
    )
    grade_old = tracking_record("grade", {"value": 1, "max_value": 4}, "ana", quiz_usage, COURSE_ID, when=t1)
    grade_new = tracking_record("grade", {"value": 3, "max_value": 4}, "ana", quiz_usage, COURSE_ID, when=t2)
    capa = tracking_record(
        "grade", {"value": 1, "max_value": 1}, "ana", "block-v1:X+type@problem+block@p1", COURSE_ID
    )
    # Rotated logs may come in any order: the latest grade wins by time, not by position.
    tally = scan([_write(tmp_path / "t.log", [grade_new, submitted, grade_old, capa])])
    state = tally.learners["ana"].modules["session-1-quiz"]
    assert state.score == 0.75 and state.best_score == 0.6 and state.attempts == 2
    assert tally.skipped["other_problem"] == 1
    assert tally.used + tally.skipped_total == tally.lines


def test_grade_without_block_events_is_tied_by_usage_key(tmp_path):
    usage = f"block-v1:{COURSE_ID.split(':', 1)[1]}+type@checkpoint_quiz+block@readiness-assessment"
    grade = tracking_record("grade", {"value": 1, "max_value": 2}, "zoe", usage, COURSE_ID)
    tally = scan([_write(tmp_path / "t.log", [grade])])
    assert tally.learners["zoe"].modules["readiness-assessment"].score == 0.5


def test_toolkit_latest_state_wins_and_duplicates_change_nothing(tmp_path):
    import datetime

    t1 = datetime.datetime(2025, 5, 1, 12, 0, tzinfo=datetime.UTC)
    t2 = t1 + datetime.timedelta(minutes=1)
    checked = _record(
        "edx.stage_toolkit.item_checked",
        {
            "stage": "planning",
            "item": "a",
            "checked": True,
            "items_checked": 2,
            "items_total": 4,
            "completion": 0.5,
        },
        module="toolkit-planning",
        when=t1,
    )
    unchecked = _record(
        "edx.stage_toolkit.item_checked",
        {
            "stage": "planning",
            "item": "a",
            "checked": False,
            "items_checked": 1,
            "items_total": 4,
            "completion": 0.25,
        },
        module="toolkit-planning",
        when=t2,
    )
    tally = scan([_write(tmp_path / "t.log", [unchecked, checked, checked])])
    state = tally.learners["ana"].modules["toolkit-planning"]
    assert state.completion == 0.25 and state.items_checked == 1
    assert tally.modules["toolkit-planning"].stage == "planning"


def test_kind_clash_on_one_module_id_is_invalid(tmp_path):
    video = _record("edx.chaptered_video.progress", {"coverage": 0.5}, module="m")
    quiz = _record("edx.checkpoint_quiz.submitted", {"attempt": 1, "score": 1.0, "passed": True}, module="m")
    tally = scan([_write(tmp_path / "t.log", [video, quiz])])
    assert tally.skipped["invalid"] == 1 and tally.modules["m"].kind == "chaptered_video"


def test_progress_bar_only_on_a_terminal(generated):
    import io

    path, _truth = generated

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty, pipe = Tty(), io.StringIO()
    scan([path], stream=tty)
    scan([path], stream=pipe)
    assert "report [" in tty.getvalue() and "lines" in tty.getvalue()
    assert pipe.getvalue() == ""
