"""Checkpoint quiz: the question model, its YAML form, the authoring rules and the OLX form."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xblocks.checkpoint_quiz.olx import OlxError, parse_quiz_string, quiz_to_string
from xblocks.checkpoint_quiz.questions import (
    Choice,
    Question,
    check_questions,
    check_settings,
    questions_from_data,
    questions_from_yaml,
    questions_to_yaml,
)
from xblocks.checkpoint_quiz.scenarios import SESSION_1_CHECKPOINT

ISSUE_OLX = """
<checkpoint_quiz display_name="Session 1 checkpoint" pass_ratio="0.8" max_attempts="3" weight="1"
                 shuffle="true" show_answers="after_pass_or_last_attempt"
                 url_name="s1q" xblock-family="xblock.v1">
  <question id="industry-driven" kind="single">
    <prompt>Who takes the lead role in an effective sector partnership?</prompt>
    <choice id="a" correct="true" feedback="Yes: industry identifies needs and leads.">Industry</choice>
    <choice id="b" feedback="Education supports, it does not lead.">Community colleges</choice>
  </question>
  <question id="stages" kind="multiple" weight="2" partial_credit="true">
    <prompt>Stages?</prompt>
    <choice id="p" correct="true">Planning</choice>
    <choice id="e" correct="true">Emerging</choice>
    <choice id="x">Exploding</choice>
    <source>Sector Partnerships page, toolkits paragraph</source>
  </question>
  <question id="wioa" kind="true_false" answer="true"><prompt>WIOA passed in 2014.</prompt>
    <explanation>The Iowa page says so.</explanation></question>
</checkpoint_quiz>
"""


def single(qid="q", correct=("a",), ids=("a", "b"), kind="single"):
    return Question(
        id=qid,
        kind=kind,
        prompt="Prompt?",
        choices=tuple(Choice(id=c, text=c.upper(), correct=c in correct) for c in ids),
    )


# --- OLX -----------------------------------------------------------------------------------------


def test_issue_olx_parses_every_part():
    settings_, questions, problems = parse_quiz_string(ISSUE_OLX)
    assert problems == []
    assert settings_ == {
        "display_name": "Session 1 checkpoint",
        "pass_ratio": 0.8,
        "max_attempts": 3,
        "weight": 1.0,
        "shuffle": True,
        "show_answers": "after_pass_or_last_attempt",
    }
    first, second, third = questions
    assert first.kind == "single" and first.correct_ids == {"a"}
    assert first.choice("b").feedback == "Education supports, it does not lead."
    assert second.weight == 2.0 and second.partial_credit and second.correct_ids == {"p", "e"}
    assert second.source == "Sector Partnerships page, toolkits paragraph"
    assert (
        third.kind == "true_false" and third.correct_ids == {"true"} and third.choice_ids == ("true", "false")
    )
    assert third.explanation == "The Iowa page says so."


def test_olx_round_trip_keeps_everything():
    settings_, questions, _ = parse_quiz_string(ISSUE_OLX)
    text = quiz_to_string(settings_, questions)
    assert "url_name" not in text
    again_settings, again_questions, problems = parse_quiz_string(text)
    assert again_settings == settings_
    assert again_questions == questions
    assert problems == []


def test_scenario_olx_is_valid():
    _settings, questions, problems = parse_quiz_string(SESSION_1_CHECKPOINT)
    assert problems == []
    assert [q.kind for q in questions] == ["single", "multiple", "true_false"]
    assert questions[0].correct_ids == {"industry"}
    assert questions[2].choice("false").feedback


@pytest.mark.parametrize(
    "olx, message",
    [
        ("<checkpoint_quiz pass_ratio='lots'/>", "pass_ratio must be a number"),
        ("<checkpoint_quiz pass_ratio='nan'/>", "finite"),
        ("<checkpoint_quiz max_attempts='2.5'/>", "max_attempts must be a whole number"),
        ("<checkpoint_quiz shuffle='yes'/>", "shuffle must be true or false"),
        ("<checkpoint_quiz show_answers='sometimes'/>", "show_answers must be one of"),
        ("<checkpoint_quiz scoring='worst'/>", "scoring must be one of"),
        ("<checkpoint_quiz pass_ration='0.5'/>", "unknown attribute 'pass_ration'"),
        ("<checkpoint_quiz><problem/></checkpoint_quiz>", "unknown element <problem>"),
        ("<checkpoint_quiz><question id='q'><hint/></question></checkpoint_quiz>", 'question 1 "q"'),
        ("<checkpoint_quiz><question id='q' points='2'/></checkpoint_quiz>", "unknown attribute 'points'"),
        (
            "<checkpoint_quiz><question id='q'><choice id='a' right='1'/></question></checkpoint_quiz>",
            "right",
        ),
        ("<checkpoint_quiz><question>", "not well-formed"),
        ("<quiz/>", "Expected <checkpoint_quiz>"),
    ],
)
def test_unreadable_olx_is_a_clear_error(olx, message):
    with pytest.raises(OlxError) as err:
        parse_quiz_string(olx)
    assert message in str(err.value)


def test_olx_rule_problems_are_reported_not_raised():
    _s, questions, problems = parse_quiz_string(
        "<checkpoint_quiz><question id='q' kind='single'><prompt>P</prompt>"
        "<choice id='a' correct='maybe'>A</choice><choice id='b'>B</choice></question></checkpoint_quiz>"
    )
    assert len(questions) == 1
    assert any('question 1 "q", choice 1 "a": correct must be true or false' in p for p in problems)
    assert any("no choice is marked correct" in p for p in problems)


def test_hostile_text_survives_the_round_trip_as_text():
    hostile = '<script>alert(1)</script> & "quotes"'
    question = Question(
        id="q",
        kind="single",
        prompt=hostile,
        choices=(Choice("a", hostile, True, hostile), Choice("b", "B")),
        explanation=hostile,
    )
    text = quiz_to_string({"display_name": hostile}, (question,))
    assert "<script>" not in text
    settings_, questions, _ = parse_quiz_string(text)
    assert settings_["display_name"] == hostile
    assert questions[0].prompt == hostile and questions[0].choices[0].feedback == hostile


# --- rules ---------------------------------------------------------------------------------------


def test_rules_name_the_question():
    assert check_questions(()) == ["The quiz has no questions: add at least one."]
    problems = check_questions(
        (
            single("one", correct=()),
            single("two", correct=("a", "b")),
            single("one"),
            Question(id="four", kind="essay", prompt="P", choices=()),
        )
    )
    assert 'question 1 "one": no choice is marked correct.' in problems
    assert any(p.startswith('question 2 "two": a single-choice question has 2 correct') for p in problems)
    assert 'question 3 "one": the id is already used by question 1 "one".' in problems
    assert any(p.startswith('question 4 "four": unknown kind') for p in problems)


def test_rules_about_choices():
    duplicate = Question("q", "multiple", "P", (Choice("a", "A", True), Choice("a", "B")))
    lonely = Question("r", "single", "P", (Choice("a", "A", True),))
    empty = Question("s", "single", " ", (Choice("a", "", True), Choice("b", "B")))
    problems = check_questions((duplicate, lonely, empty))
    assert 'question 1 "q", choice 2 "a": the id is used twice in this question.' in problems
    assert 'question 2 "r": a single question needs at least two choices.' in problems
    assert 'question 3 "s": the prompt is empty.' in problems
    assert 'question 3 "s", choice 1 "a": the text is empty.' in problems


def test_bad_weights_and_ids():
    problems = check_questions(
        (
            Question("a b", "single", "P", (Choice("x", "X", True), Choice("y", "Y")), weight=0),
            Question("ok", "single", "P", (Choice("x", "X", True), Choice("y", "Y")), weight=float("nan")),
            Question("pc", "single", "P", (Choice("x", "X", True), Choice("y", "Y")), partial_credit=True),
        )
    )
    assert any("the id may only use" in p for p in problems)
    assert any(p.startswith('question 1 "a b": the weight must be a number above 0') for p in problems)
    assert any(p.startswith('question 2 "ok": the weight') for p in problems)
    assert any("partial_credit only applies" in p for p in problems)


@pytest.mark.parametrize(
    "values, fragment",
    [
        ((1.5, 3, 1), "pass_ratio must be between 0 and 1"),
        ((-0.1, 3, 1), "pass_ratio"),
        ((float("nan"), 3, 1), "pass_ratio"),
        ((0.8, -1, 1), "max_attempts must be a whole number, 0 or more"),
        ((0.8, True, 1), "max_attempts"),
        ((0.8, 3, -2), "weight must be a number, 0 or more"),
        ((0.8, 3, float("inf")), "weight"),
    ],
)
def test_settings_rules(values, fragment):
    problems = check_settings(*values)
    assert len(problems) == 1 and fragment in problems[0]


def test_good_settings_pass():
    assert check_settings(0.8, 0, 1.0) == []
    assert check_settings(0, 3, 0) == []
    assert check_settings(1, 1, 5) == []


# --- YAML ----------------------------------------------------------------------------------------


def test_yaml_round_trip_of_the_issue_quiz():
    _s, questions, _ = parse_quiz_string(ISSUE_OLX)
    text = questions_to_yaml(questions)
    again, problems = questions_from_yaml(text)
    assert problems == ()
    assert again == questions


def test_yaml_problems_have_line_numbers():
    text = "- id: q\n  kind: single\n  prompt: P\n  choices:\n    - {id: a, text: A, correct: sure}\n"
    _q, problems = questions_from_yaml(text)
    assert any(p.startswith("line 5: ") and "correct must be true or false" in p for p in problems)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("- id: [unclosed", "not valid YAML"),
        ("!!python/object:os.system {}", "not allowed"),
        ("questions: 3", "must be a list"),
        ("- just text", "each question must be a mapping"),
        ("- {id: q, kind: single, prompt: P, choices: 3}", "choices must be a list"),
        ("- {id: q, kind: single, prompt: P, choices: [x, y]}", "each choice must be a mapping"),
        ("- {id: q, kind: single, prompt: P, colour: red, choices: []}", "unknown key(s) colour"),
        ("- {id: q, kind: true_false, prompt: P}", "needs answer: true or answer: false"),
        ("- {id: q, kind: single, prompt: P, answer: true, choices: []}", "answer is only for true_false"),
        ("- {id: q, kind: single, prompt: [1], choices: []}", "prompt must be text"),
        ("- {id: q, kind: single, prompt: P, weight: heavy, choices: []}", "weight must be a number"),
        ("", "no questions"),
    ],
)
def test_bad_yaml_is_reported(text, fragment):
    _q, problems = questions_from_yaml(text)
    assert any(fragment in p for p in problems), problems


def test_too_many_questions():
    questions, problems = questions_from_data([{"id": f"q{i}"} for i in range(201)])
    assert questions == () and "at most 200" in problems[0]


def test_true_false_choices_are_fixed():
    questions, problems = questions_from_data(
        [
            {
                "id": "tf",
                "kind": "true_false",
                "prompt": "P",
                "answer": False,
                "choices": [{"id": "true", "feedback": "No."}, {"id": "maybe"}],
            }
        ]
    )
    assert questions[0].choice_ids == ("true", "false")
    assert questions[0].correct_ids == {"false"}
    assert questions[0].choice("true").feedback == "No."
    assert any('only the choices "true" and "false"' in p for p in problems)


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).map(
    lambda s: " ".join(s.split()) or "x"
)


@settings(max_examples=40, deadline=None)
@given(prompt=_text, choice=_text, feedback=_text, weight=st.integers(min_value=1, max_value=9))
def test_any_text_round_trips_through_yaml_and_olx(prompt, choice, feedback, weight):
    question = Question(
        id="q1",
        kind="multiple",
        prompt=prompt,
        choices=(Choice("a", choice, True, feedback), Choice("b", "other")),
        weight=float(weight),
    )
    again, problems = questions_from_yaml(questions_to_yaml((question,)))
    assert again == (question,), problems
    _s, from_olx, _p = parse_quiz_string(quiz_to_string({}, (question,)))
    assert from_olx == (question,)
