"""The ground floor: the preview's users, tracking log, static files with ranges, the CLI."""

import json
from types import SimpleNamespace

import pytest

from scripts.cli import main as cli_main
from scripts.preview import tracking
from scripts.preview.users import PreviewUserService, is_staff_name
from tests.conftest import read_tracking_log


def test_staff_names():
    assert is_staff_name("staff_1")
    assert is_staff_name("staff")
    assert not is_staff_name("ana")
    assert not is_staff_name("")
    assert not is_staff_name(None)


def test_preview_user_service_reads_runtime_user():
    service = PreviewUserService()

    service.runtime = SimpleNamespace(user_id="staff_ops")  # the workbench sets its runtime here
    user = service.get_current_user()
    assert user.opt_attrs["edx-platform.user_is_staff"] is True
    assert user.opt_attrs["edx-platform.username"] == "staff_ops"
    service.runtime.user_id = "ana"
    assert service.get_current_user().opt_attrs["edx-platform.user_is_staff"] is False


def test_tracking_record_matches_lms_shape(tmp_path):
    record = tracking.tracking_record(
        "edx.chaptered_video.completed", {"coverage": 1.0}, "ana", "block-v1:x", "course-v1:A+B+C"
    )
    assert record["event_type"] == "edx.chaptered_video.completed"
    assert record["username"] == "ana"
    assert record["context"]["course_id"] == "course-v1:A+B+C"
    assert record["context"]["module"]["usage_key"] == "block-v1:x"
    assert tracking.tracking_record("completion", {"completion": 1.0}, "ana", "k", "c") is None
    grade = tracking.tracking_record("grade", {"value": 2, "max_value": 3}, "ana", "k", "course-v1:A+B+C")
    assert grade["event_type"] == "edx.grades.problem.submitted"
    assert grade["event"]["weighted_earned"] == 2 and grade["event"]["weighted_possible"] == 3
    log = tmp_path / "tracking.log"
    tracking.write_record(log, record)
    tracking.write_record(log, grade)
    assert [r["event_type"] for r in read_tracking_log(log)] == [
        "edx.chaptered_video.completed",
        "edx.grades.problem.submitted",
    ]
    json.loads(log.read_text().splitlines()[0])


def test_workbench_index_lists_our_blocks_only(workbench, client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "chaptered_video" in page or "Chaptered" in page
    assert "thumbs" not in page.lower()


def test_workbench_publish_writes_tracking_log(workbench):
    from workbench.runtime import WorkbenchRuntime

    runtime = WorkbenchRuntime("ana")
    scenario_block = None
    from workbench.scenarios import get_scenarios

    for scenario in get_scenarios().values():
        scenario_block = runtime.get_block(scenario.usage_id)
        break
    assert scenario_block is not None
    runtime.publish(scenario_block, "edx.test.event", {"n": 1})
    runtime.publish(scenario_block, "completion", {"completion": 0.5})
    records = read_tracking_log(workbench.TRACKING_LOG)
    # completion has no line of the preview's own; where edx-completion is installed, its store logs the
    # platform's line (scripts/preview/completion.py)
    platform = ["edx.completion.block_completion.changed"] if workbench.COMPLETION_LOOP else []
    assert [r["event_type"] for r in records] == ["edx.test.event", *platform]
    assert all(r["username"] == "ana" for r in records)
    assert records[0]["context"]["course_id"] == workbench.PREVIEW_COURSE_ID


def test_preview_staff_flag_reaches_blocks(workbench):
    from workbench.runtime import WorkbenchRuntime
    from xblock.core import XBlock
    from xblock.fields import ScopeIds

    from xblocks.common.users import is_staff, username

    @XBlock.wants("user")
    class Probe(XBlock):
        pass

    def probe(user):
        runtime = WorkbenchRuntime(user)
        return runtime.construct_xblock_from_class(Probe, ScopeIds(user, "probe", "d", "u"))

    assert is_staff(probe("staff_1"))
    assert not is_staff(probe("ana"))
    assert username(probe("ana")) == "ana"


@pytest.fixture
def static_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATOR_BUILD", str(tmp_path))
    media = tmp_path / "media" / "stand-ins"
    media.mkdir(parents=True)
    (media / "clip.mp4").write_bytes(bytes(range(256)) * 4)
    return media / "clip.mp4"


def test_static_serves_byte_ranges(workbench, client, static_file):
    whole = client.get("/static/clip.mp4")
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == static_file.read_bytes()
    part = client.get("/static/clip.mp4", HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part["Content-Range"] == "bytes 10-19/1024"
    assert b"".join(part.streaming_content) == static_file.read_bytes()[10:20]
    tail = client.get("/static/clip.mp4", HTTP_RANGE="bytes=-4")
    assert b"".join(tail.streaming_content) == static_file.read_bytes()[-4:]
    assert client.get("/static/clip.mp4", HTTP_RANGE="bytes=5000-").status_code == 416


@pytest.mark.parametrize("path", ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "nope.mp4", "%00"])
def test_static_refuses_escapes_and_missing(workbench, client, static_file, path):
    assert client.get(f"/static/{path}").status_code == 404


def test_cli_without_command_prints_help(capsys):
    assert cli_main([]) == 2
    assert "facilitator-course" in capsys.readouterr().out


def test_cli_preview_rejects_bad_port(capsys):
    assert cli_main(["preview", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_cli_unknown_command_is_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["frobnicate"])
    assert exit_info.value.code == 2


def test_block_page_has_no_debug_panel_leaking_content(workbench, client):
    from workbench.scenarios import get_scenarios

    assert "checkpoint_quiz.0" in get_scenarios()
    page = client.get("/scenario/checkpoint_quiz.0/?student=ana").content.decode()
    assert 'correct="true"' not in page
    assert "&lt;checkpoint_quiz" not in page and "<checkpoint_quiz" not in page
    assert "Viewing as" in page and "ana" in page


def test_block_page_escapes_hostile_student_name(workbench, client):
    page = client.get(
        "/scenario/checkpoint_quiz.0/", {"student": "<script>alert(1)</script>"}
    ).content.decode()
    assert "<script>alert(1)</script>" not in page
