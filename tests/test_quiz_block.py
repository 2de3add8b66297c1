"""Checkpoint quiz block through the in-memory runtime: views, the submit handler, events, staff, OLX."""

import html
import json
import re

import pytest
import webob
from xblock.fields import Scope

from xblocks.checkpoint_quiz import stats
from xblocks.checkpoint_quiz.answer_key import compile_quiz
from xblocks.checkpoint_quiz.record import EMPTY as EMPTY_RECORD
from xblocks.checkpoint_quiz.scenarios import SESSION_1_CHECKPOINT

WRONG = {"industry-driven": ["colleges"], "stages": ["planning"], "wioa": ["false"]}
RIGHT = {"industry-driven": ["industry"], "stages": ["planning", "emerging", "sustaining"], "wioa": ["true"]}
EXPLANATIONS = (
    "Effective sector partnerships are industry-driven and community-supported",
    "The toolkits prepare regions for the three developmental stages",
    "gave state and local officials",
)
FEEDBACK = {
    ("industry-driven", "industry"): "Yes: effective partnerships are industry-driven",
    ("industry-driven", "colleges"): "Education partners play a supportive role",
    ("industry-driven", "state"): "Government and workforce agencies support",
    ("stages", "scaling"): "Scaling is not one of the three toolkit stages",
    ("wioa", "false"): "WIOA dates from 2014",
}
SOURCES = ("the section on the 2022 move",)


def quiz_olx(**attrs):
    """The scenario quiz with some attributes replaced."""
    olx = SESSION_1_CHECKPOINT
    for name, value in attrs.items():
        olx, count = re.subn(rf'{name}="[^"]*"', f'{name}="{value}"', olx, count=1)
        assert count == 1, name
    return olx


@pytest.fixture
def quiz(harness):
    return harness.parse(SESSION_1_CHECKPOINT)


def init_args(page):
    match = re.search(
        r'<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>', page, re.S
    )
    return json.loads(match.group(1))


def data_results(page):
    match = re.search(r'data-results="([^"]*)"', page)
    return json.loads(html.unescape(match.group(1)))


def assert_no_leak(text, chosen=None):
    """Nothing in ``text`` says which choice is correct, beyond feedback of ``chosen`` {qid: [cids]}."""
    chosen = chosen or {}
    text = text + html.unescape(text)  # also what escaped attributes (data-results) carry
    for explanation in EXPLANATIONS:
        assert explanation not in text
    for source in SOURCES:
        assert source not in text
    for (qid, cid), feedback in FEEDBACK.items():
        if cid not in chosen.get(qid, ()):
            assert feedback not in text, (qid, cid)
    for key in ('"answer"', '"answer_text"', '"explanation"', '"source"', "data-correct", 'correct="'):
        assert key not in text


def assert_no_leak_json(body, chosen=None):
    assert_no_leak(json.dumps(body), chosen)

    def walk(value):
        if isinstance(value, dict):
            if "text" in value and "id" in value:
                assert set(value) <= {"id", "text"}
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)


def stored(harness, quiz, user):
    return harness.block(quiz, user)


# --- learner view and the leak rule ---------------------------------------------------------------


def test_learner_page_has_an_accessible_form_and_no_answers(harness, quiz):
    page = harness.render(quiz, user="ana")
    assert page.count("<fieldset") == 3 and page.count("<legend") == 3
    assert page.count('type="radio"') == 5 and page.count('type="checkbox"') == 4
    for input_id in re.findall(r'<input[^>]*id="([^"]+)"', page):
        assert f'<label for="{input_id}">' in page
    assert 'aria-live="polite"' in page and "Try again" in page
    assert_no_leak(page)
    assert "cq-staff" not in page
    args = init_args(page)
    assert args["status"]["attempts_left"] == 3 and args["strings"]["passed"] == "You passed."
    assert data_results(page) == {}


def test_wrong_then_right_with_feedback_and_late_answers(harness, quiz):
    status, body = harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert status == 200
    assert body["attempt"] == 1 and body["attempt_score"] == 0.0 and body["attempt_passed"] is False
    assert body["status"]["attempts_left"] == 2 and body["status"]["answers_visible"] is False
    results = body["results"]
    assert results["industry-driven"]["correct"] is False
    assert results["industry-driven"]["feedback"] == [
        "Education partners play a supportive role; they do not lead."
    ]
    assert_no_leak_json(body, WRONG)
    page = harness.render(quiz, user="ana")
    assert_no_leak(page, WRONG)
    assert data_results(page)["wioa"]["chosen"] == ["false"]
    assert_no_leak_json(init_args(page), WRONG)

    status, body = harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    assert status == 200 and body["status"]["passed"] is True and body["status"]["score"] == 1.0
    assert body["status"]["answers_visible"] is True
    assert body["results"]["stages"]["answer"] == ["planning", "emerging", "sustaining"]
    assert EXPLANATIONS[2] in body["results"]["wioa"]["explanation"]
    assert SOURCES[0] in body["results"]["wioa"]["source"]
    page = harness.render(quiz, user="ana")
    assert data_results(page)["industry-driven"]["answer_text"] == ["Industry"]


def test_answers_show_after_the_last_attempt_even_when_failed(harness):
    quiz = harness.parse(quiz_olx(max_attempts="2"))
    harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    status, body = harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert status == 200 and body["status"]["can_submit"] is False
    assert body["results"]["industry-driven"]["answer"] == ["industry"]


def test_never_means_never(harness):
    quiz = harness.parse(quiz_olx(show_answers="never", max_attempts="1"))
    status, body = harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    assert status == 200 and body["status"]["passed"]
    chosen = {qid: cids for qid, cids in RIGHT.items()}
    assert_no_leak_json(body, chosen)
    assert_no_leak(harness.render(quiz, user="ana"), chosen)


def test_always_shows_answers_from_the_start(harness):
    quiz = harness.parse(quiz_olx(show_answers="always"))
    results = data_results(harness.render(quiz, user="ana"))
    assert results["industry-driven"]["answer"] == ["industry"]
    assert "chosen" not in results["industry-driven"]


def test_other_learners_see_no_answers_after_someone_passes(harness, quiz):
    harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    page = harness.render(quiz, user="ben")
    assert_no_leak(page)
    status, body = harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ben")
    assert status == 200 and body["status"]["attempts_used"] == 1
    assert_no_leak_json(body, WRONG)


def test_order_is_stable_per_learner_and_differs_between_learners(harness, quiz):
    def order(user):
        page = harness.render(quiz, user=user)
        return re.findall(r'value="([^"]+)"', page)

    assert order("ana") == order("ana")
    orders = {tuple(order(f"learner{i}")) for i in range(12)}
    assert len(orders) > 1


# --- submit: bad input changes nothing --------------------------------------------------------------


@pytest.mark.parametrize(
    "payload, raw, fragment",
    [
        (None, b"{not json", "not valid JSON"),
        (None, b'{"answers": NaN}', "not valid JSON"),
        (None, b"[1, 2]", "must be a JSON object"),
        (None, b"\xff\xfe", "not UTF-8"),
        (None, b'{"answers": {"x": "' + b"a" * 70000 + b'"}}', "too large"),
        ({}, None, '"answers" is missing'),
        ({"answers": RIGHT, "score": 1.0}, None, 'Unexpected field "score"'),
        ({"answers": "all right"}, None, '"answers" must be an object'),
        ({"answers": {**RIGHT, "bonus": ["a"]}}, None, 'Unknown question id(s) in answers: "bonus"'),
        ({"answers": {**RIGHT, "wioa": ["perhaps"]}}, None, 'unknown choice id "perhaps"'),
        ({"answers": {**RIGHT, "industry-driven": ["industry", "state"]}}, None, "pick only one"),
        ({"answers": {**RIGHT, "stages": "planning"}}, None, "must be a list"),
        ({"answers": {**RIGHT, "stages": [1e308]}}, None, "choice ids must be text"),
        ({"answers": {**RIGHT, "stages": [None]}}, None, "choice ids must be text"),
        ({"answers": {**RIGHT, "wioa": [True]}}, None, "choice ids must be text"),
        ({"answers": {**RIGHT, "industry-driven": ["<script>alert(1)</script>"]}}, None, "unknown choice id"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(harness, quiz, payload, raw, fragment):
    status, body = harness.call_handler(quiz, "submit", payload, user="ana", raw=raw)
    assert status == 400
    assert fragment in body["error"]
    block = stored(harness, quiz, "ana")
    assert block.record == "" and block.learner_record() == EMPTY_RECORD  # nothing stored
    assert block.class_summary == ""
    assert harness.events("ana") == []


def test_unanswered_questions_are_listed_and_no_attempt_is_used(harness, quiz):
    status, body = harness.call_handler(
        quiz, "submit", {"answers": {"industry-driven": ["industry"]}}, user="ana"
    )
    assert status == 400
    assert body["unanswered"] == ["stages", "wioa"]
    assert body["error"] == "Answer every question before submitting: questions 2, 3 are unanswered."
    assert stored(harness, quiz, "ana").record == ""
    status, body = harness.call_handler(quiz, "submit", {"answers": {**RIGHT, "wioa": []}}, user="ana")
    assert status == 400 and body["error"].endswith("question 3 is unanswered.")
    assert stored(harness, quiz, "ana").record == "" and harness.events("ana") == []


def test_get_is_refused(harness, quiz):
    status, body = harness.call_handler(quiz, "submit", method="GET", user="ana")
    assert status == 405 and "POST" in body["error"]


def test_bad_input_after_attempts_keeps_the_record(harness, quiz):
    harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    before = stored(harness, quiz, "ana")
    snapshot = (before.record, before.class_summary)
    assert before.learner_record().attempts == 1 and before.learner_record().passed
    status, _ = harness.call_handler(quiz, "submit", {"answers": {"stages": ["nope"]}}, user="ana")
    assert status == 400
    after = stored(harness, quiz, "ana")
    assert (after.record, after.class_summary) == snapshot


# --- attempts, scores, events -------------------------------------------------------------------


def test_submit_after_the_last_attempt_is_refused(harness):
    quiz = harness.parse(quiz_olx(max_attempts="1"))
    assert harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")[0] == 200
    harness.clear_events()
    status, body = harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    assert status == 409
    assert body["error"] == "You have used all 1 attempts; your score is kept."
    block = stored(harness, quiz, "ana")
    rec = block.learner_record()
    assert rec.attempts == 1 and rec.kept == 0.0 and not rec.passed
    assert harness.events("ana") == []
    assert block.progress_summary()["attempts_left"] == 0


def _post(block, answers):
    request = webob.Request.blank("/", method="POST", body=json.dumps({"answers": answers}).encode())
    response = block.runtime.handle(block, "submit", request)
    return response.status_code, json.loads(response.body)


def test_two_tabs_cannot_use_more_attempts_than_allowed(harness):
    quiz = harness.parse(quiz_olx(max_attempts="1"))
    tab_one, tab_two = harness.block(quiz, "ana"), harness.block(quiz, "ana")
    for tab in (tab_one, tab_two):  # both pages loaded: each instance has read its record (no attempt)
        tab.runtime.render(tab, "student_view", {})
        assert tab.learner_record().attempts == 0
    assert _post(tab_one, WRONG)[0] == 200
    status, body = _post(tab_two, RIGHT)
    assert status == 409 and "used all 1 attempts" in body["error"]
    block = stored(harness, quiz, "ana")
    rec = block.learner_record()
    assert rec.attempts == 1 and rec.kept == 0.0
    assert len(harness.events("ana", "edx.checkpoint_quiz.submitted")) == 1
    summary = json.loads(block.class_summary)
    assert summary["attempts"] == 1 and summary["learners"] == 1


def test_two_tabs_with_attempts_left_both_count(harness):
    quiz = harness.parse(quiz_olx(show_answers="never"))  # a pass closes the quiz when it shows answers
    tab_one, tab_two = harness.block(quiz, "ana"), harness.block(quiz, "ana")
    for tab in (tab_one, tab_two):
        tab.runtime.render(tab, "student_view", {})
    assert _post(tab_one, RIGHT)[1]["attempt"] == 1
    status, body = _post(tab_two, WRONG)
    assert status == 200 and body["attempt"] == 2
    assert body["status"]["score"] == 1.0  # best score kept from the other tab's attempt
    block = stored(harness, quiz, "ana")
    summary = json.loads(block.class_summary)
    assert block.learner_record().attempts == 2 and summary["learners"] == 1 and summary["attempts"] == 2


def test_retries_keep_the_class_summary_equal_to_each_learners_latest_attempt(harness):
    quiz = harness.parse(quiz_olx(show_answers="never", max_attempts="0"))
    other = {**RIGHT, "stages": ["planning", "scaling"]}
    tries = {"ana": [WRONG, RIGHT, other, WRONG], "ben": [RIGHT, other], "cy": [other, other, RIGHT]}
    for round_ in range(4):
        for user, answers in tries.items():
            if round_ < len(answers):
                assert harness.call_handler(quiz, "submit", {"answers": answers[round_]}, user=user)[0] == 200
    key = compile_quiz(stored(harness, quiz, "ana").questions_source)
    expected = stats.empty_summary()
    for user in tries:
        rec = stored(harness, quiz, user).learner_record()
        assert rec.layout == key.layout.fingerprint and rec.counted  # counted by positions next time
        stats.update_summary(expected, None, rec)
    expected["attempts"] = 9  # every attempt counts here, not only the latest
    summary = stats.load_summary(stored(harness, quiz, "staff_1").class_summary)
    assert summary == stats.load_summary(stats.dump_summary(expected, key.layout))
    assert summary["learners"] == 3


def test_events_grade_and_completion(harness, quiz):
    harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    events = harness.events("ana")
    assert [e for e, _ in events] == ["grade", "edx.checkpoint_quiz.submitted"]
    assert events[0][1] == {"value": 0.0, "max_value": 1.0}
    submitted = json.loads(json.dumps(events[1][1]))  # as the tracking log carries it
    assert submitted["module_id"] == "session-1-quiz"
    assert submitted["attempt"] == 1 and submitted["earned"] == 0.0 and submitted["possible"] == 3.0
    assert submitted["score"] == 0.0 and submitted["passed"] is False
    assert submitted["questions"]["industry-driven"] == {"correct": False, "chosen": ["colleges"]}
    assert submitted["questions"]["stages"] == {"correct": False, "chosen": ["planning"]}
    with pytest.raises(TypeError):  # entries are shared between requests: other code cannot change them
        events[1][1]["questions"]["stages"]["chosen"] = ["sustaining"]

    harness.clear_events()
    harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert [e for e, _ in harness.events("ana")] == ["edx.checkpoint_quiz.submitted"]  # kept score unchanged

    harness.clear_events()
    harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    events = dict(harness.events("ana"))
    assert events["grade"] == {"value": 1.0, "max_value": 1.0}
    assert events["edx.checkpoint_quiz.passed"] == {"module_id": "session-1-quiz", "score": 1.0, "attempt": 3}
    assert events["completion"] == {"completion": 1.0}
    assert harness.events("ben") == []


def test_completion_when_the_last_attempt_is_used_without_passing(harness):
    quiz = harness.parse(quiz_olx(max_attempts="2"))
    harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert harness.events("ana", "completion") == []
    harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert harness.events("ana", "completion") == [("completion", {"completion": 1.0})]
    assert harness.events("ana", "edx.checkpoint_quiz.passed") == []
    assert stored(harness, quiz, "ana").progress_summary() == {
        "completion": 1.0,
        "score": 0.0,
        "passed": False,
        "attempts_used": 2,
        "attempts_left": 0,
    }


def test_weight_scales_the_grade_and_last_scoring(harness):
    quiz = harness.parse(
        quiz_olx(weight="4", pass_ratio="0.6", show_answers="never").replace(
            'shuffle="true"', 'scoring="last"'
        )
    )
    harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    partly = {**RIGHT, "wioa": ["false"]}
    status, body = harness.call_handler(quiz, "submit", {"answers": partly}, user="ana")
    assert body["status"]["score"] == pytest.approx(2 / 3) and body["status"]["passed"] is True
    grades = harness.events("ana", "grade")
    assert grades[-1][1]["value"] == pytest.approx(4 * 2 / 3) and grades[-1][1]["max_value"] == 4.0


def test_unlimited_attempts(harness):
    quiz = harness.parse(quiz_olx(max_attempts="0"))
    for _ in range(5):
        status, body = harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert status == 200 and body["status"]["attempts_left"] is None and body["status"]["can_submit"]
    assert body["status"]["answers_visible"] is False
    assert stored(harness, quiz, "ana").progress_summary()["attempts_left"] is None


def test_progress_summary_before_any_attempt(harness, quiz):
    assert stored(harness, quiz, "ana").progress_summary() == {
        "completion": 0.0,
        "score": 0.0,
        "passed": False,
        "attempts_used": 0,
        "attempts_left": 3,
    }


# --- staff -----------------------------------------------------------------------------------------


def test_staff_view_shows_class_results_and_most_missed(harness, quiz):
    harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    harness.call_handler(
        quiz, "submit", {"answers": {**RIGHT, "stages": ["planning", "scaling"]}}, user="ben"
    )
    learner_page = harness.render(quiz, user="ben")
    assert "cq-staff" not in learner_page and "Most missed" not in learner_page
    page = harness.render(quiz, user="staff_1")
    assert "Class results (staff only)" in page
    assert "Learners who submitted: 2" in page and "Pass rate: 50%" in page
    assert re.search(r"Most missed:</strong>\s*2\. Which developmental stages", page)
    assert "right: 50% (2)" in page
    assert "Scaling" in page and "1 (50%)" in page


def test_report_data(harness, quiz):
    harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")

    class UserState:
        def __init__(self, username, state):
            self.username, self.state = username, state

    block = stored(harness, quiz, "ana")
    state = {  # the learner's stored state as the LMS hands it to reports
        name: field.to_json(getattr(block, name))
        for name, field in block.fields.items()
        if field.scope == Scope.user_state
    }
    assert set(state) == {"record", "completion_published"}
    rows = list(block.generate_report_data(iter([UserState("ana", state), UserState("ben", {})])))
    assert rows == [
        (
            "ana",
            {
                "Score": 1.0,
                "Passed": True,
                "Attempts": 2,
                "industry-driven: chosen": "industry",
                "industry-driven: correct": True,
                "stages: chosen": "planning, emerging, sustaining",
                "stages: correct": True,
                "wioa: chosen": "true",
                "wioa: correct": True,
            },
        )
    ]


# --- authoring: validation, OLX, hostile text ---------------------------------------------------------


def messages(block):
    return [m.text for m in block.validate().messages]


def test_validate_is_clean_for_the_scenario(quiz):
    assert messages(quiz) == []


def test_validate_messages(harness):
    quiz = harness.parse(
        '<checkpoint_quiz pass_ratio="1.5" max_attempts="-1">'
        '<question id="q" kind="single"><prompt>P</prompt><choice id="a" correct="true">A</choice>'
        '<choice id="b" correct="true">B</choice></question>'
        '<question id="q" kind="multiple"><prompt>P</prompt><choice id="a">A</choice>'
        '<choice id="b">B</choice>'
        "</question></checkpoint_quiz>"
    )
    found = messages(quiz)
    assert any(m.startswith('question 1 "q": a single-choice question has 2 correct') for m in found)
    assert 'question 2 "q": the id is already used by question 1 "q".' in found
    assert 'question 2 "q": no choice is marked correct.' in found
    assert any(m.startswith("pass_ratio must be between 0 and 1") for m in found)
    assert any(m.startswith("max_attempts must be a whole number, 0 or more") for m in found)
    empty = harness.parse("<checkpoint_quiz/>")
    assert messages(empty) == ["The quiz has no questions: add at least one."]


def test_studio_validation_checks_proposed_yaml(quiz):
    from xblock.validation import Validation

    class Proposed:
        questions_source = "- {id: q, kind: single, prompt: P, choices: [{id: a, text: A}]}"
        pass_ratio, max_attempts, weight = 0.5, 2, 1.0
        show_answers, scoring = "always", "best"

    validation = Validation(quiz.scope_ids.usage_id)
    quiz.validate_field_data(validation, Proposed)
    texts = [m.text for m in validation.messages]
    assert any("no choice is marked correct" in t for t in texts)
    assert any("at least two choices" in t for t in texts)


def test_a_broken_quiz_tells_staff_and_refuses_submits(harness):
    quiz = harness.parse(
        '<checkpoint_quiz><question id="q" kind="single"><prompt>P</prompt></question></checkpoint_quiz>'
    )
    learner = harness.render(quiz, user="ana")
    assert "This quiz is not available yet." in learner and "no choice is marked correct" not in learner
    staff = harness.render(quiz, user="staff_1")
    assert "no choice is marked correct" in staff
    status, body = harness.call_handler(quiz, "submit", {"answers": {"q": ["a"]}}, user="ana")
    assert status == 409 and "not ready" in body["error"]


def test_block_olx_round_trip(harness, quiz):
    olx = quiz.olx_string()
    assert 'xblock-family="xblock.v1"' in olx and 'module_id="session-1-quiz"' in olx
    again = harness.parse(olx)
    assert again.questions == quiz.questions
    for name in (
        "display_name",
        "pass_ratio",
        "max_attempts",
        "weight",
        "shuffle",
        "show_answers",
        "module_id",
    ):
        assert getattr(again, name) == getattr(quiz, name)
    assert again.olx_string() == olx


def test_unreadable_yaml_is_kept_verbatim_on_export(harness, quiz):
    quiz.questions_source = "- id: [broken"
    olx = quiz.olx_string()
    assert "<![CDATA[- id: [broken]]>" in olx
    again = harness.parse(olx)
    assert any("not valid YAML" in m for m in messages(again))


def test_hostile_text_is_escaped_everywhere(harness):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    quiz = harness.parse(
        f'<checkpoint_quiz display_name="{html.escape(evil)}" show_answers="always" max_attempts="0">'
        f'<question id="q" kind="single"><prompt>{html.escape(evil)}</prompt>'
        f'<choice id="a" correct="true" feedback="{html.escape(evil)}">{html.escape(evil)}</choice>'
        f'<choice id="b" feedback="{html.escape(evil)}">B</choice>'
        f"<explanation>{html.escape(evil)}</explanation></question></checkpoint_quiz>"
    )
    status, body = harness.call_handler(quiz, "submit", {"answers": {"q": ["a"]}}, user="ana")
    assert status == 200 and body["results"]["q"]["feedback"] == [evil]
    for user in ("ana", "staff_1"):
        page = harness.render(quiz, user=user)
        assert "<script>alert" not in page and "<img" not in page
        assert "&lt;script&gt;" in page
        assert data_results(page)["q"]["explanation"] == evil
        assert "</script><script>" not in init_args(page).__repr__()


def test_studio_editing_refuses_broken_questions_and_keeps_good_ones(workbench, harness, quiz):
    page = harness.render(quiz, "studio_view", user="staff_1")
    assert "Questions (YAML)" in page and "Pass ratio" in page
    broken = {
        "values": {"questions_source": "- {id: q, kind: single, prompt: P, choices: []}"},
        "defaults": [],
    }
    status, body = harness.call_handler(quiz, "submit_studio_edits", broken, user="staff_1")
    assert status == 400
    assert 'question 1 "q": no choice is marked correct.' in [m["text"] for m in body["error"]["messages"]]
    assert harness.block(quiz, "staff_1").questions == quiz.questions
    good = quiz.questions_source.replace("Who takes the lead role", "Who leads")
    status, _ = harness.call_handler(
        quiz, "submit_studio_edits", {"values": {"questions_source": good, "max_attempts": 0}, "defaults": []}
    )
    assert status == 200
    edited = harness.block(quiz, "ana")
    assert edited.questions[0].prompt.startswith("Who leads") and edited.max_attempts == 0


# --- audit additions: closing after the answers are shown, shuffled questions, i18n, report limit ----


def test_a_pass_that_shows_the_answers_closes_the_quiz(harness, quiz):
    status, body = harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert status == 200 and body["status"]["can_submit"] and not body["status"]["closed"]
    status, body = harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    assert status == 200 and body["status"]["passed"] and body["status"]["answers_visible"]
    assert body["status"]["attempts_left"] == 1
    assert body["status"]["can_submit"] is False and body["status"]["closed"] is True
    assert init_args(harness.render(quiz, user="ana"))["status"]["closed"] is True
    before = stored(harness, quiz, "ana")
    snapshot = (before.record, before.class_summary)
    harness.clear_events()
    # Another attempt with the answers in view would be free points: refused, nothing changes.
    status, body = harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    assert status == 409 and body["error"].startswith("You passed and the answers are shown")
    after = stored(harness, quiz, "ana")
    assert (after.record, after.class_summary) == snapshot and harness.events("ana") == []


@pytest.mark.parametrize("show", ["never", "always"])
def test_retries_stay_open_after_a_pass_when_passing_shows_nothing_new(harness, show):
    quiz = harness.parse(quiz_olx(show_answers=show))
    _, body = harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    assert body["status"]["can_submit"] is True and body["status"]["closed"] is False
    status, body = harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    assert status == 200 and body["attempt"] == 2 and body["status"]["score"] == 1.0  # best kept


def test_shuffled_questions_keep_a_stable_order_per_learner_and_number_messages_by_it(harness):
    quiz = harness.parse(
        SESSION_1_CHECKPOINT.replace('shuffle="true"', 'shuffle="false" shuffle_questions="true"')
    )
    assert quiz.shuffle_questions and not quiz.shuffle

    def order(user):
        return re.findall(r'<fieldset[^>]*data-question="([^"]+)"', harness.render(quiz, user=user))

    assert order("ana") == order("ana")
    orders = {tuple(order(f"learner{i}")) for i in range(12)}
    assert len(orders) > 1 and all(sorted(o) == sorted(RIGHT) for o in orders)
    for user in ("learner0", "learner1", "learner2"):
        shown = order(user)
        status, body = harness.call_handler(
            quiz, "submit", {"answers": {qid: RIGHT[qid] for qid in shown[1:]}}, user=user
        )
        assert status == 400 and body["unanswered"] == [shown[0]]
        assert body["error"].endswith("question 1 is unanswered.")  # the number this learner sees
    # Choices keep the author's order when only the questions are shuffled.
    page = harness.render(quiz, user="learner0")
    assert re.findall(r'value="(industry|colleges|state)"', page) == ["industry", "colleges", "state"]


def test_learner_text_goes_through_the_i18n_service(harness, monkeypatch):
    from xblock.runtime import NullI18nService

    # The class answers gettext through NullTranslations (__getattr__): class attributes come first.
    monkeypatch.setattr(NullI18nService, "gettext", staticmethod(lambda text: f"<<{text}>>"), raising=False)
    monkeypatch.setattr(
        NullI18nService,
        "ngettext",
        staticmethod(lambda one, many, n: f"<<{one if n == 1 else many}>>"),
        raising=False,
    )
    quiz = harness.parse(quiz_olx(max_attempts="1"))
    page = html.unescape(harness.render(quiz, user="ana"))
    for text in ("Submit", "Try again", "Select all that apply.", "True", "False"):
        assert f"<<{text}>>" in page, text
    strings = init_args(harness.render(quiz, user="ana"))["strings"]
    assert all(value.startswith("<<") for value in strings.values())
    status, body = harness.call_handler(quiz, "submit", {"answers": {"wioa": ["true"]}}, user="ana")
    assert status == 400 and body["error"].startswith("<<Answer every question")
    harness.call_handler(quiz, "submit", {"answers": WRONG}, user="ana")
    status, body = harness.call_handler(quiz, "submit", {"answers": RIGHT}, user="ana")
    assert status == 409 and body["error"].startswith("<<You have used all")
    closing = harness.parse(quiz_olx())
    harness.call_handler(closing, "submit", {"answers": RIGHT}, user="ana")
    status, body = harness.call_handler(closing, "submit", {"answers": RIGHT}, user="ana")
    assert status == 409 and body["error"].startswith("<<You passed and the answers are shown")


def test_report_data_respects_the_response_limit(harness, quiz):
    class UserState:
        def __init__(self, username, state):
            self.username, self.state = username, state

    states = []
    for user in ("ana", "ben", "cai"):
        harness.call_handler(quiz, "submit", {"answers": WRONG}, user=user)
        states.append(UserState(user, {"record": stored(harness, quiz, user).record}))
    rows = list(quiz.generate_report_data(iter([UserState("dee", {})] + states), limit_responses=2))
    assert [name for name, _ in rows] == ["ana", "ben"]
    assert rows[0][1]["Score"] == 0.0 and rows[0][1]["industry-driven: chosen"] == "colleges"
    assert rows[0][1]["industry-driven: correct"] is False
    assert len(list(quiz.generate_report_data(iter(states)))) == 3
