"""Checkpoint quiz: answer checks, scoring, attempts, shuffling, the leak rule and the staff summary."""

import json

import pytest

from xblocks.checkpoint_quiz import record, reveal, stats
from xblocks.checkpoint_quiz.questions import Choice, Question, true_false_choices
from xblocks.checkpoint_quiz.record import Record
from xblocks.checkpoint_quiz.scoring import (
    AnswerError,
    attempts_left,
    can_submit,
    check_answers,
    is_passed,
    kept_score,
    question_credit,
    score_quiz,
)
from xblocks.checkpoint_quiz.shuffle import learner_order, shuffled

SINGLE = Question(
    "lead", "single", "Who leads?", (Choice("ind", "Industry", True), Choice("col", "Colleges"))
)
MULTI = Question(
    "stages",
    "multiple",
    "Stages?",
    (
        Choice("p", "Planning", True),
        Choice("e", "Emerging", True),
        Choice("s", "Sustaining", True),
        Choice("x", "X"),
    ),
    weight=2.0,
)
PARTIAL = Question(MULTI.id + "-pc", "multiple", "Stages?", MULTI.choices, weight=3.0, partial_credit=True)
TF = Question("wioa", "true_false", "WIOA is from 2014.", true_false_choices(True), explanation="Yes, 2014.")
QUIZ = (SINGLE, MULTI, TF)


def identity(text):
    return text


# --- answers -------------------------------------------------------------------------------------


def test_good_answers_come_back_in_author_order():
    checked = check_answers(QUIZ, {"lead": ["ind"], "stages": ["s", "p"], "wioa": ["true"]})
    assert checked == {"lead": ("ind",), "stages": ("p", "s"), "wioa": ("true",)}


@pytest.mark.parametrize(
    "answers, fragment",
    [
        ([], '"answers" must be an object'),
        ({"nope": ["a"], "lead": ["ind"]}, 'Unknown question id(s) in answers: "nope"'),
        ({"lead": "ind", "stages": ["p"], "wioa": ["true"]}, 'question 1 "lead": the answer must be a list'),
        ({"lead": [1], "stages": ["p"], "wioa": ["true"]}, "choice ids must be text"),
        ({"lead": ["ind", "col"], "stages": ["p"], "wioa": ["true"]}, "pick only one choice (2 were sent)"),
        ({"lead": ["ind"], "stages": ["p", "p"], "wioa": ["true"]}, "a choice is listed twice"),
        (
            {"lead": ["ind"], "stages": ["p"], "wioa": ["maybe"]},
            'question 3 "wioa": unknown choice id "maybe"',
        ),
        ({"lead": ["ind"], "stages": ["p"], "wioa": ["true", "false"]}, "pick only one"),
        ({"lead": ["<script>"], "stages": ["p"], "wioa": ["true"]}, 'unknown choice id "<script>"'),
    ],
)
def test_bad_answers_say_what_and_where(answers, fragment):
    with pytest.raises(AnswerError) as err:
        check_answers(QUIZ, answers)
    assert fragment in err.value.message
    assert err.value.unanswered == []


def test_unanswered_questions_are_listed():
    with pytest.raises(AnswerError) as err:
        check_answers(QUIZ, {"lead": ["ind"], "stages": []})
    assert err.value.unanswered == ["stages", "wioa"]
    assert 'question 2 "stages"' in err.value.message and 'question 3 "wioa"' in err.value.message


# --- scoring -------------------------------------------------------------------------------------


def test_single_and_true_false():
    assert question_credit(SINGLE, ["ind"]) == 1.0
    assert question_credit(SINGLE, ["col"]) == 0.0
    assert question_credit(TF, ["true"]) == 1.0
    assert question_credit(TF, ["false"]) == 0.0


def test_multiple_is_all_or_nothing_by_default():
    assert question_credit(MULTI, ["p", "e", "s"]) == 1.0
    assert question_credit(MULTI, ["p", "e"]) == 0.0
    assert question_credit(MULTI, ["p", "e", "s", "x"]) == 0.0


@pytest.mark.parametrize(
    "chosen, credit",
    [
        (["p", "e", "s"], 1.0),
        (["p", "e"], 2 / 3),
        (["p"], 1 / 3),
        (["p", "e", "s", "x"], 2 / 3),
        (["p", "x"], 0.0),
        (["x"], 0.0),  # floored at 0, never negative
    ],
)
def test_partial_credit_is_right_minus_wrong(chosen, credit):
    assert question_credit(PARTIAL, chosen) == pytest.approx(credit)


def test_weights_scale_points():
    result = score_quiz(
        (SINGLE, PARTIAL, TF), {"lead": ("ind",), "stages-pc": ("p", "e"), "wioa": ("false",)}
    )
    assert result.possible == 1 + 3 + 1
    assert result.earned == pytest.approx(1 + 2)
    assert result.score == pytest.approx(3 / 5)
    assert result.questions["stages-pc"].correct is False
    assert result.questions["stages-pc"].credit == pytest.approx(2 / 3)
    assert result.questions["lead"].correct and not result.questions["wioa"].correct


def test_pass_and_kept_score():
    assert is_passed(0.8, 0.8)
    assert is_passed(0.7999999999, 0.8)
    assert not is_passed(0.79, 0.8)
    assert not is_passed(None, 0.0)
    assert is_passed(0.0, 0.0)
    assert kept_score("best", None, 0.4) == 0.4
    assert kept_score("best", 0.9, 0.4) == 0.9
    assert kept_score("best", 0.4, 0.9) == 0.9
    assert kept_score("last", 0.9, 0.4) == 0.4


def test_attempts():
    assert attempts_left(3, 0) == 3
    assert attempts_left(3, 3) == 0
    assert attempts_left(3, 5) == 0
    assert attempts_left(0, 99) is None
    assert can_submit(3, 2) and not can_submit(3, 3) and can_submit(0, 1000)


# --- shuffling -----------------------------------------------------------------------------------


def test_order_is_stable_for_a_learner():
    first = learner_order(QUIZ, "ana", "block-1", shuffle_questions=True)
    again = learner_order(QUIZ, "ana", "block-1", shuffle_questions=True)
    assert [(q.id, [c.id for c in cs]) for q, cs in first] == [(q.id, [c.id for c in cs]) for q, cs in again]


def test_order_differs_between_learners_and_blocks():
    items = list(range(10))
    orders = {tuple(shuffled(items, f"learner-{i}", "block-1", "s")) for i in range(20)}
    assert len(orders) > 10
    assert shuffled(items, "ana", "block-1", "s") != shuffled(items, "ben", "block-1", "s")
    assert shuffled(items, "ana", "block-1", "s") != shuffled(items, "ana", "block-2", "s")
    assert sorted(shuffled(items, "ana", "block-1", "s")) == items


def test_choice_orders_vary_across_learners_and_true_false_stays_put():
    seen = set()
    for i in range(30):
        ordered = learner_order(QUIZ, f"l{i}", "b")
        assert [q.id for q, _ in ordered] == ["lead", "stages", "wioa"]  # questions not shuffled by default
        assert [c.id for c in ordered[2][1]] == ["true", "false"]
        seen.add(tuple(c.id for c in ordered[1][1]))
    assert len(seen) > 5


def test_no_shuffle_keeps_author_order():
    ordered = learner_order(QUIZ, "ana", "b", shuffle_choices=False)
    assert [c.id for c in ordered[1][1]] == ["p", "e", "s", "x"]


# --- the leak rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "show, passed, used, max_attempts, visible",
    [
        ("always", False, 0, 3, True),
        ("never", True, 3, 3, False),
        ("after_pass_or_last_attempt", False, 0, 3, False),
        ("after_pass_or_last_attempt", False, 2, 3, False),
        ("after_pass_or_last_attempt", False, 3, 3, True),
        ("after_pass_or_last_attempt", True, 1, 3, True),
        ("after_pass_or_last_attempt", False, 50, 0, False),  # unlimited: only a pass reveals
        ("nonsense", True, 3, 3, False),
    ],
)
def test_answers_visible(show, passed, used, max_attempts, visible):
    assert reveal.answers_visible(show, passed, used, max_attempts) is visible


def test_views_carry_no_answers_before_they_are_earned():
    ordered = learner_order(QUIZ, "ana", "b")
    form = json.dumps(reveal.questions_view(ordered, identity))
    assert "correct" not in form and "Yes, 2014." not in form
    last = Record(attempts=1, kept=0.0, last=0.0, results={"lead": [False, 0.0, ["col"]]})
    hidden = reveal.results_view(QUIZ, last, False, identity)
    assert hidden == {"lead": {"correct": False, "credit": 0.0, "chosen": ["col"], "feedback": []}}
    shown = reveal.results_view(QUIZ, last, True, identity)
    assert shown["lead"]["answer"] == ["ind"] and shown["lead"]["answer_text"] == ["Industry"]
    assert shown["wioa"]["answer_text"] == ["True"] and shown["wioa"]["explanation"] == "Yes, 2014."


def test_feedback_only_of_chosen_choices():
    question = Question(
        "q",
        "single",
        "P",
        (Choice("a", "A", True, "fb-a"), Choice("b", "B", False, "fb-b"), Choice("c", "C")),
    )
    view = reveal.results_view(
        (question,), Record(attempts=1, results={"q": [False, 0, ["b", "gone"]]}), False, identity
    )
    assert view["q"]["feedback"] == ["fb-b"] and view["q"]["chosen"] == ["b"]
    assert "fb-a" not in json.dumps(view)


# --- staff summary -------------------------------------------------------------------------------


def contribution(kept, passed, attempts=1, **questions):
    """A learner's Record; questions as qid=(correct, [chosen])."""
    results = {qid: [correct, float(correct), chosen] for qid, (correct, chosen) in questions.items()}
    return Record(attempts=attempts, kept=kept, last=kept, passed=passed, results=results)


def test_summary_counts_each_learner_once_by_latest_attempt():
    summary = stats.update_summary(
        stats.load_summary(""), None, contribution(0.0, False, lead=(False, ["col"]))
    )
    summary = stats.update_summary(summary, None, contribution(1.0, True, lead=(True, ["ind"])))
    first = contribution(0.0, False, lead=(False, ["col"]))
    summary = stats.update_summary(summary, first, contribution(1.0, True, 2, lead=(True, ["ind"])))
    assert summary["learners"] == 2 and summary["attempts"] == 3 and summary["passed"] == 2
    assert summary["score_sum"] == 2.0
    assert summary["questions"]["lead"] == [2, 2, {"col": 0, "ind": 2}]  # answered, right, picks


def test_staff_view_flags_the_most_missed_question():
    summary = {
        "learners": 4,
        "passed": 1,
        "score_sum": 2.0,
        "attempts": 6,
        "questions": {
            "lead": [4, 3, {"ind": 3, "col": 1}],
            "stages": [4, 1, {"p": 4, "e": 2, "s": 1, "x": 3}],
            "wioa": [4, 4, {"true": 4}],
        },
    }
    view = stats.staff_view(summary, QUIZ, identity)
    assert view["pass_rate"] == 0.25 and view["average_score"] == 0.5 and view["attempts_per_learner"] == 1.5
    assert view["most_missed"] == "stages"
    rows = {r["id"]: r for r in view["questions"]}
    assert rows["stages"]["most_missed"] and not rows["lead"]["most_missed"]
    assert [c["picks"] for c in rows["stages"]["choices"]] == [4, 2, 1, 3]
    assert rows["wioa"]["choices"][0]["text"] == "True"
    assert stats.staff_view({}, QUIZ, identity)["most_missed"] is None


def test_report_rows():
    class State:
        def __init__(self, username, state):
            self.username, self.state = username, state

    states = [
        State("ana", {"record": record.dump(contribution(0.5, False, 2, lead=(True, ["ind"])))}),
        State("ben", {}),
        State("dee", {"record": "{not json"}),  # unreadable: counted as no attempt, not a crash
        State("cy", {"record": '{"attempts": 1, "kept": 1.0, "passed": true, "results": {}}'}),
    ]
    rows = list(stats.report_rows(iter(states), QUIZ))
    assert [name for name, _ in rows] == ["ana", "cy"]
    ana = rows[0][1]
    assert ana["Score"] == 0.5 and ana["Passed"] is False and ana["Attempts"] == 2
    assert ana["lead: chosen"] == "ind" and ana["lead: correct"] is True and ana["wioa: correct"] == ""
    assert len(list(stats.report_rows(iter(states), QUIZ, limit_responses=1))) == 1


def test_a_pass_closes_the_quiz_only_when_it_shows_the_answers():
    from xblocks.checkpoint_quiz.reveal import closed_after_pass, status_view

    assert closed_after_pass("after_pass_or_last_attempt", True)
    assert not closed_after_pass("after_pass_or_last_attempt", False)
    assert not closed_after_pass("always", True) and not closed_after_pass("never", True)
    common = dict(max_attempts=3, kept_score=1.0, last_score=1.0, visible=True, pass_ratio=0.8)
    closed = status_view(attempts_used=1, passed=True, show_answers="after_pass_or_last_attempt", **common)
    assert closed["closed"] and not closed["can_submit"] and closed["attempts_left"] == 2
    open_ = status_view(attempts_used=1, passed=True, show_answers="never", **common)
    assert open_["can_submit"] and not open_["closed"]
