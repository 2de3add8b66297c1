"""End to end: learners use the real blocks, their events become a tracking log, ``report`` reads it back."""

import csv
import datetime

import pytest

from scripts.cli import main as cli_main
from scripts.preview.tracking import tracking_record, write_record
from tests.test_progress_block import clock, page, view, watch  # noqa: F401 - fixtures and helpers

COURSE = "course-v1:NGSP+Facilitator+e2e"


def publish_log(harness, path):
    """The harness's published events as the LMS would log them (one second apart)."""
    start = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)
    for i, (user, usage, event_type, data) in enumerate(harness.published):
        block = harness.block(usage, user)
        record = tracking_record(
            event_type,
            data,
            username=str(user),
            usage_key=str(usage),
            course_id=COURSE,
            when=start + datetime.timedelta(seconds=i),
            display_name=getattr(block, "display_name", ""),
        )
        if record is not None:
            write_record(path, record)
    return path


def rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return {
            row.get("username") or f"{row['session']}#{row['chapter']}": row for row in csv.DictReader(handle)
        }


def test_report_matches_what_learners_did_in_the_blocks(harness, page, clock, tmp_path):  # noqa: F811
    _root, children = page
    video, quiz, toolkit = children["chaptered_video"], children["checkpoint_quiz"], children["stage_toolkit"]
    # ana does everything; ben watches 45 s, fails the quiz once then passes; cy ticks one item only.
    watch(harness, video, "ana", clock, 120)
    assert harness.call_handler(quiz, "submit", {"answers": {"lead": ["industry"]}}, user="ana")[0] == 200
    for item in ("team-agreed", "industry"):
        harness.call_handler(toolkit, "toggle_item", {"item": item, "checked": True}, user="ana")
    watch(harness, video, "ben", clock, 45)
    assert harness.call_handler(quiz, "submit", {"answers": {"lead": ["colleges"]}}, user="ben")[0] == 200
    assert harness.call_handler(quiz, "submit", {"answers": {"lead": ["industry"]}}, user="ben")[0] == 200
    harness.call_handler(toolkit, "toggle_item", {"item": "industry", "checked": True}, user="cy")
    harness.call_handler(toolkit, "toggle_item", {"item": "industry", "checked": False}, user="cy")
    harness.call_handler(toolkit, "toggle_item", {"item": "team-agreed", "checked": True}, user="cy")
    for user in ("ana", "ben", "cy"):
        view(harness, children, user)

    log = publish_log(harness, tmp_path / "tracking.log")
    out = tmp_path / "report"
    assert cli_main(["report", str(log), "--out", str(out), "--quiet"]) == 0
    learners = rows(out / "learners.csv")
    assert set(learners) == {"ana", "ben", "cy"}
    ana, ben, cy = learners["ana"], learners["ben"], learners["cy"]
    assert ana["demo-video completion"] == "1.000" and ana["demo-video chapters completed"] == "4"
    assert (
        ana["demo-quiz score"] == "1.000"
        and ana["demo-quiz passed"] == "yes"
        and ana["demo-quiz attempts"] == "1"
    )
    assert ana["demo-toolkit completion"] == "1.000"
    assert ana["course_complete"] == "yes" and ana["modules_completed"] == "3"
    assert float(ben["demo-video completion"]) == pytest.approx(45 / 120, abs=0.01)
    assert ben["demo-video chapters completed"] == "1"
    assert (
        ben["demo-quiz score"] == "1.000"
        and ben["demo-quiz passed"] == "yes"
        and ben["demo-quiz attempts"] == "2"
    )
    assert ben["demo-toolkit completion"] == "" and ben["course_complete"] == "no"
    assert cy["demo-video completion"] == "" and cy["demo-toolkit completion"] == "0.500"
    assert ana["last_activity"] < ben["last_activity"] < cy["last_activity"]  # their page visits, in order

    chapters = rows(out / "chapters.csv")
    reached = [int(chapters[f"demo-video#{n}"]["reached"]) for n in range(1, 5)]
    completed = [int(chapters[f"demo-video#{n}"]["completed"]) for n in range(1, 5)]
    assert reached == [2, 2, 1, 1] and completed == [2, 1, 1, 1]
    assert chapters["demo-video#3"]["chapter_title"] == "Public partners in a support role"

    html = (out / "summary.html").read_text(encoding="utf-8")
    assert COURSE in html and "Demo session: a partnership meeting" in html
    # The progress block's own events are read (activity) but change no figure.
    assert "edx.facilitator_progress" not in html


def test_report_agrees_with_the_block_staff_matrix(harness, page, clock, tmp_path):  # noqa: F811
    _root, children = page
    watch(harness, children["chaptered_video"], "ana", clock, 120)
    watch(harness, children["chaptered_video"], "ben", clock, 75)
    for user in ("ana", "ben"):
        view(harness, children, user)
    status, staff = harness.call_handler(children["facilitator_progress"], "staff_report", {}, user="staff_1")
    assert status == 200
    log = publish_log(harness, tmp_path / "tracking.log")
    out = tmp_path / "report"
    assert cli_main(["report", str(log), "--out", str(out), "--quiet"]) == 0
    learners = rows(out / "learners.csv")
    for row in staff["matrix"]:
        from_block = row["cells"][0]["percent"]
        from_log = round(100 * float(learners[row["username"]]["demo-video completion"]))
        assert from_block == from_log, row["username"]
