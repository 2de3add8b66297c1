"""``report`` counts completion from Open edX's own ``edx.completion.block_completion.changed`` lines.

End to end twice: learners use the preview, where the real edx-completion records their completion and
logs the platform's line, then ``report`` reads ``tracking.log``; and a generated log where only some
learners have the platform's lines. Then the bad lines, each skipped with its counted reason, and the
block keys, read as edx-opaque-keys writes them.
"""

import csv
import datetime
import json
import math

import pytest

from scripts.cli import main as cli_main
from scripts.gen_tracking_log import COURSE_ID, completion_record, generate
from tests.test_completion_preview import pass_quiz, post, usage_ids
from xblocks.facilitator_progress.report import COMPLETION_EVENT, SKIP_REASONS, scan
from xblocks.facilitator_progress.report_output import DONE

WHEN = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["username"]: row for row in csv.DictReader(handle)}


def _key(block_type, module_id, course=COURSE_ID):
    from opaque_keys.edx.keys import CourseKey

    return str(CourseKey.from_string(course).make_usage_key(block_type, module_id))


def _line(user="ana", block_type="chaptered_video", module="session-1-video", value=1.0, minutes=0, **event):
    record = completion_record(
        user, 7, COURSE_ID, block_type, module, value, WHEN + datetime.timedelta(minutes=minutes)
    )
    record["event"]["block_id"] = _key(block_type, module)
    record["event"].update(event)
    return record


# --- end to end: the preview's tracking.log, written by the real edx-completion --------------------------


def _platform_records(workbench, username, block_type, module_id, value):
    """What the LMS does when a block publishes ``completion``: edx-completion stores it and logs the line."""
    from completion.models import BlockCompletion
    from django.contrib.auth import get_user_model
    from eventtracking import tracker
    from opaque_keys.edx.keys import CourseKey

    course = CourseKey.from_string(workbench.PREVIEW_COURSE_ID)
    user, _ = get_user_model().objects.get_or_create(username=username)
    context = {"course_id": str(course), "org_id": course.org, "user_id": user.id, "username": username}
    with tracker.get_tracker().context("lms.request", context):
        BlockCompletion.objects.submit_completion(
            user=user, block_key=course.make_usage_key(block_type, module_id), completion=value
        )


def test_report_counts_what_edx_completion_logged_in_the_preview(workbench, client, tmp_path):
    blocks = usage_ids(client)
    pass_quiz(client, blocks, "ana")  # the quiz's events, and edx-completion's line from the real loop
    status, _body = post(
        client, blocks["checkpoint_quiz"], "submit", {"answers": {"lead": ["colleges"]}}, "ben"
    )
    assert status == 200  # ben fails: quiz events, no completion
    _platform_records(
        workbench, "ben", "chaptered_video", "demo-video", 1.0
    )  # his video, done by the platform
    pass_quiz(client, blocks, "dan")
    _platform_records(
        workbench, "dan", "checkpoint_quiz", "demo-quiz", 0.5
    )  # the platform says otherwise later
    log = workbench.TRACKING_LOG
    lines = [json.loads(line) for line in open(log, encoding="utf-8")]
    assert sum(1 for r in lines if r["event_type"] == COMPLETION_EVENT) == 4

    out = tmp_path / "report"
    args = ["report", str(log), "--out", str(out), "--course", workbench.PREVIEW_COURSE_ID, "--quiet"]
    assert cli_main(args) == 0
    rows = _rows(out / "learners.csv")
    assert set(rows) == {"ana", "ben", "dan"}
    ana, ben, dan = rows["ana"], rows["ben"], rows["dan"]
    assert ana["demo-quiz passed"] == "yes" and ana["modules_completed"] == "1"
    # ben's video counts from the platform's line alone; his quiz stays failed (the blocks' events say so).
    assert ben["demo-video completion"] == "1.000" and ben["demo-video chapters completed"] == "0"
    assert ben["demo-quiz passed"] == "no" and ben["modules_completed"] == "1"
    # dan passed, but the platform's latest completion of the quiz is 0.5: the platform wins for completion.
    assert dan["demo-quiz passed"] == "yes" and dan["demo-quiz score"] == "1.000"
    assert dan["modules_completed"] == "0"
    without = tmp_path / "without"  # the same log read without the platform's lines
    stripped = tmp_path / "stripped.log"
    stripped.write_text("".join(json.dumps(r) + "\n" for r in lines if r["event_type"] != COMPLETION_EVENT))
    assert cli_main(["report", str(stripped), "--out", str(without), "--quiet"]) == 0
    before = _rows(without / "learners.csv")
    assert set(before) == {"ana", "ben", "dan"} and before["dan"]["modules_completed"] == "1"
    assert "demo-video completion" not in before["ben"]  # no video events at all without the platform's lines


# --- end to end: a generated log with the platform's lines for some learners ------------------------


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    path = tmp_path_factory.mktemp("completion") / "tracking.log"
    truth = generate(
        path,
        learners=30,
        seed=21,
        progress_every=90.0,
        corrupt_rate=0.005,
        other_share=0.5,
        completion_share=0.5,
    )
    return path, truth


def _expected_completion(me, module_id):
    if module_id in me.platform_completion:
        return me.platform_completion[module_id]
    if module_id in me.coverage:
        return 1.0 if module_id in me.video_completed else me.coverage[module_id]
    if module_id in me.toolkit_completion:
        return me.toolkit_completion[module_id]
    if module_id in me.quiz_score:
        return 1.0 if module_id in me.quiz_passed else 0.0
    return None


def test_learners_csv_takes_the_platform_completion_where_logged(mixed, tmp_path):
    path, truth = mixed
    with_lines = [me for me in truth.learners.values() if me.platform_completion]
    without = [me for me in truth.learners.values() if not me.platform_completion]
    assert with_lines and without  # only some learners have the platform's lines
    out = tmp_path / "out"
    assert cli_main(["report", str(path), "--out", str(out), "--course", COURSE_ID, "--quiet"]) == 0
    rows = _rows(out / "learners.csv")
    assert set(rows) == set(truth.learners)
    differs = 0
    header = next(iter(rows.values()))
    modules = [c[: -len(" completion")] for c in header if c.endswith(" completion")]
    modules += [c[: -len(" passed")] for c in header if c.endswith(" passed")]
    for name, me in truth.learners.items():
        row = rows[name]
        done = 0
        for module_id in modules:
            expected = _expected_completion(me, module_id)
            if expected is not None and expected >= DONE:
                done += 1
            if f"{module_id} completion" in row and expected is not None:
                assert float(row[f"{module_id} completion"]) == pytest.approx(expected, abs=0.0006), (
                    name,
                    module_id,
                )
            if (
                module_id in me.platform_completion
                and module_id in me.coverage
                and module_id not in me.video_completed
            ):
                differs += me.platform_completion[module_id] != pytest.approx(
                    me.coverage[module_id], abs=0.0006
                )
        assert int(row["modules_completed"]) == done, name
        for module_id, chapters in me.completed_chapters.items():  # the blocks' events still give chapters
            assert int(row[f"{module_id} chapters completed"]) == len(chapters)
    assert differs  # the platform's completion did change some figures (90 % watched counts as done)
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert SKIP_REASONS["untracked_block"] in html and truth.untracked > 0


def test_completion_lines_are_counted_as_used(mixed):
    path, truth = mixed
    tally = scan([path], course_id=COURSE_ID)
    assert tally.skipped["untracked_block"] == truth.untracked
    assert tally.used + tally.skipped_total == tally.lines == truth.lines


# --- bad lines -------------------------------------------------------------------------------------------


def _bad(change):
    record = _line()
    change(record)
    return record


BAD = [
    (lambda r: r["event"].update(completion=1.5), "invalid"),
    (lambda r: r["event"].update(completion=-0.1), "invalid"),
    (lambda r: r["event"].update(completion="1"), "invalid"),
    (lambda r: r["event"].update(completion=True), "invalid"),
    (lambda r: r["event"].update(completion=None), "invalid"),
    (lambda r: r["event"].pop("completion"), "invalid"),
    (lambda r: r["event"].update(block_id="session-1-video"), "invalid"),
    (lambda r: r["event"].update(block_id=["block-v1:x"]), "invalid"),
    (lambda r: r["event"].pop("block_id"), "invalid"),
    (lambda r: r["event"].update(block_id=_key("chaptered_video", "v", "course-v1:Other+X+1")), "invalid"),
    (lambda r: r["event"].update(block_type="html"), "invalid"),
    (lambda r: r["event"].update(user_id="7"), "invalid"),
    (lambda r: r["event"].update(block_id=_key("chaptered_video", "x" * 300)), "invalid"),
    (lambda r: r.update(event="completion=1"), "malformed"),
    (lambda r: r.update(time=12), "malformed"),
    (lambda r: (r.update(username=""), r["context"].pop("username")), "no_username"),
    (lambda r: (r["event"].pop("course_id"), r["context"].pop("course_id")), "invalid"),
    (lambda r: r["event"].update(course_id="course-v1:Other+X+1"), "other_course"),
    (
        lambda r: r["event"].update(block_id=_key("html", "session-1-notes"), block_type="html"),
        "untracked_block",
    ),
]


@pytest.mark.parametrize(("change", "reason"), BAD)
def test_a_bad_completion_line_is_skipped_with_its_reason(tmp_path, change, reason):
    good = _line(user="ben", value=0.5)
    path = tmp_path / "t.log"
    path.write_text(json.dumps(_bad(change)) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    tally = scan([path], course_id=COURSE_ID, skip_unnamed=True)
    assert tally.skipped == {reason: 1} and tally.used == 1
    assert (
        list(tally.learners) == ["ben"] and tally.learners["ben"].modules["session-1-video"].completion == 0.5
    )


def test_nan_completion_is_a_malformed_line(tmp_path):
    text = json.dumps(_line()).replace('"completion": 1.0', '"completion": NaN')
    assert "NaN" in text and math.isnan(json.loads(text)["event"]["completion"])
    path = tmp_path / "t.log"
    path.write_text(text + "\n")
    assert scan([path], course_id=COURSE_ID).skipped == {"malformed": 1}


def test_username_in_the_context_only_and_the_latest_line_wins(tmp_path):
    first = _line(value=1.0, minutes=5)
    later_in_file_but_earlier = _line(value=0.2, minutes=1)
    only_context = _line(user="cy", block_type="stage_toolkit", module="toolkit-planning", value=0.75)
    only_context["username"] = ""
    only_context["context"]["username"] = "cy"
    path = tmp_path / "t.log"
    path.write_text("".join(json.dumps(r) + "\n" for r in (first, later_in_file_but_earlier, only_context)))
    tally = scan([path], course_id=COURSE_ID)
    assert tally.learners["ana"].modules["session-1-video"].completion == 1.0  # by time, not by position
    assert tally.learners["cy"].modules["toolkit-planning"].completion == 0.75
    assert tally.modules["toolkit-planning"].kind == "stage_toolkit" and tally.used == 3


def test_completion_lines_do_not_choose_the_course(tmp_path):
    """Without --course the course is the first block event's, never a completion line's (any course's)."""
    other = _line()
    other["event"]["course_id"] = other["context"]["course_id"] = "course-v1:Other+X+1"
    other["event"]["block_id"] = _key("chaptered_video", "v", "course-v1:Other+X+1")
    path = tmp_path / "t.log"
    path.write_text(json.dumps(other) + "\n" + json.dumps(_line(user="ben", value=0.5)) + "\n")
    assert scan([path]).course_id is None
    from scripts.preview.tracking import tracking_record

    block_event = tracking_record(
        "edx.chaptered_video.progress",
        {"module_id": "session-1-video", "coverage": 0.1},
        "ben",
        _key("chaptered_video", "session-1-video"),
        COURSE_ID,
        when=WHEN,
    )
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(block_event) + "\n")
    tally = scan([path])
    assert tally.course_id == COURSE_ID and tally.skipped == {"other_course": 1}
    assert tally.learners["ben"].modules["session-1-video"].completion == 0.5


@pytest.mark.parametrize(
    ("course", "block_type", "module_id"),
    [
        ("course-v1:NGSP+Facilitator+2025", "chaptered_video", "session-1-video"),
        ("course-v1:edX+DemoX+Demo_Course", "checkpoint_quiz", "q-1.final"),
        ("course-v1:Org-1+C~2+2025_T1", "stage_toolkit", "toolkit_planning"),
    ],
)
def test_block_keys_read_as_opaque_keys_writes_them(tmp_path, course, block_type, module_id):
    record = completion_record("ana", 1, course, block_type, module_id, 1.0, WHEN)
    record["event"]["block_id"] = _key(block_type, module_id, course)
    path = tmp_path / "t.log"
    path.write_text(json.dumps(record) + "\n")
    tally = scan([path], course_id=course, skip_unnamed=True)
    assert tally.used == 1 and tally.modules[module_id].kind == block_type
    assert tally.learners["ana"].modules[module_id].completion == 1.0
