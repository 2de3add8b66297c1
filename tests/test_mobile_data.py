"""What the Open edX mobile apps and the Course Blocks API read from the four blocks, through the runtime.

The apps show a block only when its ``student_view`` declares ``multi_device`` support; they and the
Course Blocks API read ``student_view_data()``: public data only, never a quiz answer before it is earned.
"""

import json
import re

import pytest

from xblocks.chaptered_video.scenarios import DEMO
from xblocks.checkpoint_quiz.scenarios import SESSION_1_CHECKPOINT
from xblocks.facilitator_progress.scenarios import DEMO_PAGE
from xblocks.stage_toolkit.scenarios import PLANNING_TOOLKIT
from xblocks.stage_toolkit.scenarios import workbench_scenarios as toolkit_scenarios

WRONG = {"industry-driven": ["colleges"], "stages": ["planning"], "wioa": ["false"]}
RIGHT = {"industry-driven": ["industry"], "stages": ["planning", "emerging", "sustaining"], "wioa": ["true"]}
# Keys of answer data (reveal.answer_view, reveal.result_item) and text only the answer key, the
# explanations, the feedback and the source notes hold (see the scenario).
SECRET_KEYS = {"correct", "feedback", "explanation", "answer", "answer_text", "source", "credit", "chosen"}
SECRETS = (
    "industry-driven; industries identify",  # the right choice's feedback
    "Education partners play a supportive role",
    "Scaling is not one of the three toolkit stages",
    "WIOA dates from 2014",
    "gave state and local officials",
    "Sector Partnerships page",  # the source notes
)


def data_of(harness, block, user="ana"):
    """``student_view_data()`` as the API would serialise it (it must be plain JSON)."""
    data = harness.block(block, user).student_view_data()
    return json.loads(json.dumps(data))


def all_keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from all_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_keys(item)


@pytest.fixture
def blocks(harness):
    page = harness.parse(DEMO_PAGE)
    found = {harness.block(c).scope_ids.block_type: harness.block(c) for c in page.children}
    found["checkpoint_quiz"] = harness.parse(SESSION_1_CHECKPOINT)
    found["stage_toolkit"] = harness.parse(PLANNING_TOOLKIT)
    found["chaptered_video"] = harness.parse(DEMO)
    return found


@pytest.mark.parametrize(
    "block_type", ["chaptered_video", "checkpoint_quiz", "stage_toolkit", "facilitator_progress"]
)
def test_every_block_declares_multi_device_support(harness, blocks, block_type):
    block = blocks[block_type]
    # What the LMS and the mobile API ask (lms/djangoapps/course_api/blocks: supported_on_mobile).
    assert block.has_support(block.student_view, "multi_device") is True
    assert block.has_support(block.student_view_data, "multi_device") is False  # only the view is marked
    assert harness.render(block, user="ana")  # and the view still renders through the runtime


def test_quiz_data_of_a_fresh_learner_holds_no_answer(harness, blocks):
    quiz = blocks["checkpoint_quiz"]
    data = data_of(harness, quiz)
    assert data["available"] is True and data["display_name"] == "Session 1 checkpoint"
    assert data["module_id"] == "session-1-quiz"
    assert (data["pass_ratio"], data["max_attempts"], data["weight"]) == (0.8, 3, 1)
    assert sorted(q["id"] for q in data["questions"]) == ["industry-driven", "stages", "wioa"]
    for question in data["questions"]:
        assert set(question) == {"id", "kind", "prompt", "multiple", "choices"}
        for choice in question["choices"]:
            assert set(choice) == {"id", "text"}
    assert data["results"] == {}
    assert data["status"]["attempts_used"] == 0 and data["status"]["answers_visible"] is False
    assert data["submit_url"].endswith("/submit/")
    assert not SECRET_KEYS & set(all_keys(data))
    text = json.dumps(data)
    for secret in SECRETS:
        assert secret not in text, secret
    # The learner's own order, the one their page shows (choices shuffled per learner).
    page = harness.render(quiz, user="ana")
    shown = re.findall(r'name="cq-[0-9a-f]+-q1" value="([^"]+)"', page)
    assert shown == [c["id"] for c in data["questions"][0]["choices"]]


def test_quiz_data_after_a_wrong_attempt_has_only_the_chosen_feedback(harness, blocks):
    quiz = blocks["checkpoint_quiz"]
    status, _body = harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert status == 200
    data = data_of(harness, quiz, "ana")
    assert data["status"]["attempts_used"] == 1 and data["status"]["answers_visible"] is False
    results = data["results"]
    assert set(results) == {"industry-driven", "stages", "wioa"}
    assert results["industry-driven"] == {
        "correct": False,
        "credit": 0.0,
        "chosen": ["colleges"],
        "feedback": ["Education partners play a supportive role; they do not lead."],
    }
    assert not {"answer", "answer_text", "explanation", "source"} & set(all_keys(data))
    assert "industries identify needs" not in json.dumps(data)  # the unchosen right choice's feedback
    # Another learner, who has not answered, sees nothing of ana's results.
    fresh = data_of(harness, quiz, "ben")
    assert fresh["results"] == {} and "correct" not in set(all_keys(fresh))


def test_quiz_data_shows_answers_once_earned(harness, blocks):
    quiz = blocks["checkpoint_quiz"]
    assert harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")[0] == 200
    data = data_of(harness, quiz, "ana")
    assert data["status"]["passed"] is True and data["status"]["answers_visible"] is True
    assert data["results"]["stages"]["answer"] == ["planning", "emerging", "sustaining"]
    assert data["results"]["wioa"]["explanation"].startswith("WIOA, a federal law")


def test_broken_quiz_data_says_unavailable_and_holds_no_question(harness):
    quiz = harness.parse(SESSION_1_CHECKPOINT.replace('pass_ratio="0.8"', 'pass_ratio="1.7"'))
    data = data_of(harness, quiz)
    assert data["available"] is False and data["questions"] == [] and data["results"] == {}
    assert data["submit_url"] == "" and "Who takes the lead" not in json.dumps(data)


def test_video_data_is_the_public_settings(harness, blocks, monkeypatch):
    video = blocks["chaptered_video"]
    harness.call_handler(video, "report_progress", {"watched": [[0, 1]], "position": 1}, user="ana")
    data = data_of(harness, video)
    assert data["available"] is True and data["module_id"] == "demo-video" and data["duration"] == 120
    assert data["sources"] == [{"src": "/static/demo-clip.mp4", "type": "video/mp4"}]
    assert data["tracks"] == [
        {
            "kind": "captions",
            "src": "/static/demo-clip.en.vtt",
            "srclang": "en",
            "label": "English",
            "srt": False,
        }
    ]
    assert [(c["index"], c["start"], c["end"]) for c in data["chapters"]] == [
        (0, 0, 30),
        (1, 30, 60),
        (2, 60, 90),
        (3, 90, 120),
    ]
    assert data["chapters"][0]["title"] == "Welcome and why industry leads"
    assert data["chapters_vtt_url"].endswith("/chapters_vtt/")
    assert not {"learner_state", "position", "coverage", "reach"} & set(all_keys(data))


def test_broken_video_data_says_unavailable(harness):
    video = harness.parse(DEMO)
    author = harness.block(video, "author")
    author.duration = "soon"  # as Studio could store it before validation
    author.save()
    data = data_of(harness, video)
    assert data == {
        "display_name": "Demo: a sector partnership meeting in four chapters",
        "module_id": "demo-video",
        "available": False,
    }


def test_toolkit_data_is_cleaned_content_without_learner_state(harness, blocks):
    toolkit = blocks["stage_toolkit"]
    item = "team-agreed"
    assert harness.call_handler(toolkit, "toggle_item", {"item": item, "checked": True}, user="ana")[0] == 200
    data = data_of(harness, toolkit)
    assert (data["stage"], data["stage_label"], data["stage_position"]) == ("planning", "Planning", 1)
    assert [s["id"] for s in data["steps"]] == ["support-team", "industry-focus", "prepare-launch"]
    assert data["steps"][0]["watch"] == "Watch: Session 2, chapter 2"
    assert {r["id"]: r["href"] for r in data["resources"]} == {
        "sector-report": "/static/sector-partnership-report.pdf",
        "nga": "https://www.nga.org/publications/",
    }
    assert item in [i["id"] for i in data["items"]] and all(set(i) == {"id", "text"} for i in data["items"])
    assert data["reflections"] == [
        {
            "id": "industry-scope",
            "prompt": "Which industry will your partnership focus on, and why?",
            "limit": 2000,
            "required": True,
        }
    ]
    assert "checked" not in set(all_keys(data))


def test_toolkit_data_cleans_hostile_html(harness):
    hostile = toolkit_scenarios()[0][1].replace(
        "<p>Planning is the first", '<p onclick="steal()">Planning<script>alert(1)</script> is the first'
    )
    data = data_of(harness, harness.parse(hostile))
    assert "Planning" in data["overview"]
    assert "<script" not in data["overview"] and "onclick" not in data["overview"]


def test_progress_data_lists_modules_not_learners(harness, blocks):
    progress = blocks["facilitator_progress"]
    assert harness.call_handler(progress, "snapshot", {}, user="ana")[0] == 200  # ana is now on record
    data = data_of(harness, progress, "staff_1")
    assert [m["ref"] for m in data["modules"]] == ["demo-video", "demo-quiz", "demo-toolkit"]
    assert data["modules"][0] == {
        "ref": "demo-video",
        "label": "Demo session: a partnership meeting",
        "kind": "session",
        "session": "demo",
    }
    assert data["transcripts"][0]["session"] == "demo"
    assert data["transcripts"][0]["chapters"][1] == [30, "Finding the shared opportunities"]
    assert data["search_url"].endswith("/search_transcripts/")
    assert "ana" not in json.dumps(data) and "cues" not in set(all_keys(data))
