"""Open edX's completion loop in the preview: the workbench over HTTP with edx-completion over SQLite.

A learner passes the checkpoint quiz: ``BlockCompletion`` gets the row, the progress page reads it through
the real ``CompletionService``, ``tracking.log`` holds the platform's completion line, and a staff member's
matrix lists learners who never opened the progress page. Then the pieces: the settings guard (the preview
without edx-completion), the tracking-log form, bad completion values.
"""

import json
import math
import os
import re
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import read_tracking_log

SCENARIO = "/scenario/facilitator_progress.0/"
QUIZ_KEY = "block-v1:NGSP+Facilitator+preview+type@checkpoint_quiz+block@demo-quiz"
SWITCH = "completion.enable_completion_tracking"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def usage_ids(client, student="staff_1"):
    """``{block_type: usage id}`` of the demo page's blocks (the same for every learner)."""
    page = client.get(f"{SCENARIO}?student={student}").content.decode()
    found = re.findall(r"data-usage=['\"]([^'\"]+)['\"][^>]*data-block-type=['\"](\w+)['\"]", page)
    return {block_type: usage for usage, block_type in found}


def post(client, usage, handler, payload, student):
    response = client.post(
        f"/handler/{usage}/{handler}/?student={student}",
        data=json.dumps(payload),
        content_type="application/json",
    )
    return response.status_code, json.loads(response.content)


def pass_quiz(client, blocks, student):
    status, body = post(
        client, blocks["checkpoint_quiz"], "submit", {"answers": {"lead": ["industry"]}}, student
    )
    assert status == 200 and body["status"]["passed"] is True, body


def completion_lines(log):
    return [
        r for r in read_tracking_log(log) if r.get("event_type") == "edx.completion.block_completion.changed"
    ]


def test_passing_the_quiz_is_recorded_and_the_progress_page_reads_it(workbench, client):
    from completion.models import BlockCompletion

    assert workbench.COMPLETION_LOOP
    blocks = usage_ids(client)
    pass_quiz(client, blocks, "ana")

    row = BlockCompletion.objects.get(user__username="ana")
    assert str(row.block_key) == QUIZ_KEY and row.completion == 1.0 and row.block_type == "checkpoint_quiz"
    assert str(row.context_key) == workbench.PREVIEW_COURSE_ID

    status, view = post(client, blocks["facilitator_progress"], "snapshot", {}, "ana")
    assert status == 200 and view["source"] == "completion"
    quiz = view["rows"][0]["parts"][1]
    assert quiz["ref"] == "demo-quiz" and quiz["complete"] and quiz["text"] == "Passed (100%)"
    assert (
        view["modules_complete"] == 1 and view["next"]["text"] == "Start Demo session: a partnership meeting"
    )
    assert quiz["usage_id"] == blocks["checkpoint_quiz"]  # the page's details still come along
    page = client.get(f"{SCENARIO}?student=ana").content.decode()
    assert "33% complete: 1 of 3 modules" in page

    # The completion comes from the store: change the record, the page follows (the quiz state does not).
    BlockCompletion.objects.filter(pk=row.pk).update(completion=0.0)
    page = client.get(f"{SCENARIO}?student=ana").content.decode()
    assert "0% complete: 0 of 3 modules" in page
    assert post(client, blocks["facilitator_progress"], "snapshot", {}, "ana")[1]["modules_complete"] == 0

    [line] = completion_lines(workbench.TRACKING_LOG)
    assert line["name"] == line["event_type"] == "edx.completion.block_completion.changed"
    assert line["username"] == "ana" and line["event_source"] == "server" and line["page"] is None
    event = line["event"]
    assert event["block_id"] == QUIZ_KEY and event["block_type"] == "checkpoint_quiz"
    assert event["completion"] == 1.0 and event["course_id"] == workbench.PREVIEW_COURSE_ID
    assert event["user_id"] == row.user_id and event["created"] and event["modified"]
    assert line["context"] == {
        "course_id": workbench.PREVIEW_COURSE_ID,
        "org_id": "NGSP",
        "user_id": row.user_id,
    }
    assert line["time"].endswith("+00:00") and "T" in line["time"]
    # the block's own lines name the same key as the LMS logs it (report and xAPI tie them by it)
    submitted = [
        r
        for r in read_tracking_log(workbench.TRACKING_LOG)
        if r["event_type"] == "edx.checkpoint_quiz.submitted"
    ]
    assert [r["context"]["module"]["usage_key"] for r in submitted] == [QUIZ_KEY]


def test_staff_matrix_lists_a_learner_who_never_opened_the_progress_page(workbench, client):
    blocks = usage_ids(client)
    pass_quiz(client, blocks, "ben")  # ben answers the quiz; the progress block never saw him
    post(client, blocks["facilitator_progress"], "snapshot", {}, "ana")  # ana opens the page, does nothing

    status, report = post(client, blocks["facilitator_progress"], "staff_report", {}, "staff_1")
    assert status == 200 and report["source"] == "completion"
    assert [r["username"] for r in report["matrix"]] == ["ana", "ben"]
    ben = report["matrix"][1]
    assert [c["completion"] for c in ben["cells"]] == [0.0, 1.0, 0.0] and ben["at"] == ""
    assert report["cohort"][1]["completed"] == 1 and report["learners"] == 2

    page = client.get(f"{SCENARIO}?student=staff_1").content.decode()
    assert "2 learners in this course, as Open edX records completion" in page
    assert '<th scope="row">ben</th>' in page
    csv_text = client.get(f"/handler/{blocks['facilitator_progress']}/download_csv/?student=staff_1")
    assert csv_text.content.decode().splitlines()[2] == "ben,,0.00,1.00,0.00"
    assert post(client, blocks["facilitator_progress"], "staff_report", {}, "ben")[0] == 403


def test_switched_off_nothing_is_recorded_and_the_page_reads_the_blocks(workbench, client):
    from completion.models import BlockCompletion
    from waffle.testutils import override_switch

    blocks = usage_ids(client)
    with override_switch(SWITCH, active=False):
        pass_quiz(client, blocks, "cy")
        status, view = post(client, blocks["facilitator_progress"], "snapshot", {}, "cy")
    assert not BlockCompletion.objects.exists() and completion_lines(workbench.TRACKING_LOG) == []
    assert status == 200 and view["source"] == "runtime" and view["modules_complete"] == 1


def test_the_test_database_has_the_switch_on(db):
    from waffle.models import Switch

    assert Switch.objects.get(name=SWITCH).active


# --- pieces ------------------------------------------------------------------------------------------


def test_the_legacy_form_of_an_event_tracking_event():
    import datetime

    from scripts.preview.tracking import LegacyFieldMappingProcessor

    when = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=datetime.UTC)
    event = {
        "name": "edx.completion.block_completion.changed",
        "timestamp": when,
        "data": {"user_id": 7, "completion": 1.0},
        "context": {
            "course_id": "course-v1:A+B+C",
            "org_id": "A",
            "user_id": 7,
            "username": "ana",
            "client_id": "x",
        },
    }
    assert LegacyFieldMappingProcessor()(event) == {
        "name": "edx.completion.block_completion.changed",
        "event_type": "edx.completion.block_completion.changed",
        "event": {"user_id": 7, "completion": 1.0},
        "time": when,
        "username": "ana",
        "session": "",
        "ip": "",
        "agent": "",
        "host": "",
        "referer": "",
        "accept_language": "",
        "event_source": "server",
        "page": None,
        "context": {"course_id": "course-v1:A+B+C", "org_id": "A", "user_id": 7},
    }


BAD_COMPLETIONS = [{"completion": 1.5}, {"completion": -0.1}, {"completion": math.nan}, {"completion": "1"}]
BAD_COMPLETIONS += [{"completion": True}, {"completion": None}, {}, [], "done"]


@pytest.mark.parametrize("data", BAD_COMPLETIONS)
def test_a_bad_published_completion_records_nothing(workbench, data, caplog):
    from completion.models import BlockCompletion
    from workbench.runtime import WorkbenchRuntime

    from scripts.preview import completion

    runtime = WorkbenchRuntime("ana")
    block = runtime.get_block(runtime.parse_xml_string('<stage_toolkit module_id="tk-bad"/>'))
    assert completion.submit_published("ana", block, data) is None
    assert not BlockCompletion.objects.exists() and "is not a number from 0 to 1" in caplog.text


def test_an_overlong_learner_name_records_nothing(workbench, caplog):
    from completion.models import BlockCompletion
    from workbench.runtime import WorkbenchRuntime

    from scripts.preview import completion

    runtime = WorkbenchRuntime("x" * 151)
    block = runtime.get_block(runtime.parse_xml_string('<stage_toolkit module_id="tk-long"/>'))
    assert completion.submit_published("x" * 151, block, {"completion": 1.0}) is None
    assert not BlockCompletion.objects.exists() and "151 characters long" in caplog.text


def test_a_malformed_preview_course_id_falls_back_to_the_page(workbench, client, caplog):
    from completion.models import BlockCompletion

    workbench.PREVIEW_COURSE_ID = "not a course"
    blocks = usage_ids(client)
    pass_quiz(client, blocks, "dee")
    status, view = post(client, blocks["facilitator_progress"], "snapshot", {}, "dee")
    assert status == 200 and view["source"] == "runtime" and view["modules_complete"] == 1
    assert not BlockCompletion.objects.exists()
    assert "not recorded" in caplog.text
    lines = read_tracking_log(workbench.TRACKING_LOG)
    keys = {r["context"]["module"]["usage_key"] for r in lines}
    assert keys == {blocks["checkpoint_quiz"], blocks["facilitator_progress"]}  # the page's own ids


def test_settings_guard_finds_every_library():
    from scripts.preview.openedx import COMPLETION_MODULES, completion_installed, completion_settings

    assert completion_installed()
    for missing in COMPLETION_MODULES:
        assert not completion_installed(lambda name, gone=missing: None if name == gone else object())

    def broken(name):
        raise ModuleNotFoundError(name)

    assert not completion_installed(broken)
    added = completion_settings(["django.contrib.auth", "workbench"], ["a.Middleware"])
    assert added["INSTALLED_APPS"] == (
        "django.contrib.auth",
        "workbench",
        "django.contrib.contenttypes",
        "waffle",
        "completion",
        "eventtracking.django",
    )
    assert (
        added["MIDDLEWARE"][0].endswith("RequestCacheMiddleware") and added["MIDDLEWARE"][1] == "a.Middleware"
    )


PREVIEW_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    if sys.argv[1] == "hidden":
        sys.modules["completion"] = None  # edx-completion not installed: the import system finds nothing
    os.environ["DJANGO_SETTINGS_MODULE"] = "scripts.preview.settings"
    from scripts.preview.server import migrate, setup_django
    setup_django()
    migrate()
    from django.conf import settings
    from django.test import Client
    client = Client()
    page = client.get("/scenario/facilitator_progress.0/?student=staff_1").content.decode()
    import re
    blocks = {t: u for u, t in re.findall(r"data-usage='([^']+)'[^>]*data-block-type='(\\w+)'", page)}
    def post(usage, handler, payload, student):
        r = client.post(f"/handler/{usage}/{handler}/?student={student}", data=json.dumps(payload),
                        content_type="application/json")
        return r.status_code, json.loads(r.content)
    quiz = post(blocks["checkpoint_quiz"], "submit", {"answers": {"lead": ["industry"]}}, "ana")
    view = post(blocks["facilitator_progress"], "snapshot", {}, "ana")
    report = post(blocks["facilitator_progress"], "staff_report", {}, "staff_1")
    print(json.dumps({
        "loop": settings.COMPLETION_LOOP,
        "apps": list(settings.INSTALLED_APPS),
        "services": sorted(settings.WORKBENCH["services"]),
        "quiz": quiz[0],
        "view": [view[0], view[1]["source"], view[1]["modules_complete"]],
        "report": [report[0], report[1]["source"], [r["username"] for r in report[1]["matrix"]]],
        "log": open(settings.TRACKING_LOG).read(),
    }))
    """
)


def run_preview(tmp_path, mode):
    """The preview's own start (``server.setup_django`` + ``migrate``, its SQLite file) in a fresh process."""
    env = {**os.environ, "FACILITATOR_VAR": str(tmp_path / "var"), "PYTHONPATH": REPO}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", PREVIEW_SCRIPT, mode],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_preview_command_turns_completion_tracking_on(tmp_path):
    got = run_preview(tmp_path, "installed")
    assert got["loop"] is True and "completion" in got["apps"] and "completion" in got["services"]
    assert got["view"] == [200, "completion", 1]
    assert got["report"] == [200, "completion", ["ana"]]
    assert '"event_type":"edx.completion.block_completion.changed"' in got["log"]


def test_the_preview_without_edx_completion_keeps_its_own_path(tmp_path):
    got = run_preview(tmp_path, "hidden")
    assert got["loop"] is False
    assert (
        "completion" not in got["apps"]
        and "waffle" not in got["apps"]
        and "completion" not in got["services"]
    )
    assert got["quiz"] == 200
    assert got["view"] == [200, "runtime", 1]
    assert got["report"] == [200, "snapshot", ["ana"]]
    assert "edx.checkpoint_quiz.passed" in got["log"] and "block_completion" not in got["log"]


def test_resetting_every_learner_clears_the_course_records(workbench, client):
    from completion.models import BlockCompletion

    blocks = usage_ids(client)
    pass_quiz(client, blocks, "ana")
    assert BlockCompletion.objects.count() == 1
    response = client.post("/reset_state", HTTP_REFERER=f"{SCENARIO}?student=ana")
    assert response.status_code == 302
    assert not BlockCompletion.objects.exists()
    blocks = usage_ids(client)
    status, view = post(client, blocks["facilitator_progress"], "snapshot", {}, "ana")
    assert status == 200 and view["source"] == "completion" and view["modules_complete"] == 0
