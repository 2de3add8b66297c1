"""Checkpoint quiz: the compiled answer key, the learner record, the class summary and their stored forms."""

import copy
import json
import pickle

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xblocks.checkpoint_quiz import record, stats
from xblocks.checkpoint_quiz.answer_key import MEMO_LIMIT, AnswerKey, ReadOnlyDict, compile_quiz
from xblocks.checkpoint_quiz.fields import CleanText
from xblocks.checkpoint_quiz.questions import Choice, Question, QuestionSet, true_false_choices
from xblocks.checkpoint_quiz.record import Record
from xblocks.checkpoint_quiz.scenarios import SESSION_1_CHECKPOINT
from xblocks.checkpoint_quiz.scoring import AnswerError, check_answers, score_quiz

LEAD = Question(
    "lead", "single", "Who leads?", (Choice("ind", "Industry", True, "Yes."), Choice("col", "Col"))
)
STAGES = Question(
    "stages",
    "multiple",
    "Stages?",
    tuple(Choice(c, c.upper(), c in "pes", f"fb-{c}") for c in "pesx"),
    weight=2.0,
)
PARTIAL = Question("partial", "multiple", "Stages?", STAGES.choices, weight=3.0, partial_credit=True)
WIOA = Question("wioa", "true_false", "2014?", true_false_choices(True, {"false": "It is 2014."}))
QUIZ = QuestionSet((LEAD, STAGES, PARTIAL, WIOA))
PICKS = {q.id: [c.id for c in q.choices] for q in QUIZ}
LAYOUT = stats.Layout.of(QUIZ)


def answer_strategy():
    """Answers to QUIZ: one pick for single and true/false, any non-empty subset (any order) for multiple."""
    parts = {}
    for question in QUIZ:
        ids = PICKS[question.id]
        if question.kind == "multiple":
            parts[question.id] = st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)
        else:
            parts[question.id] = st.sampled_from(ids).map(lambda cid: [cid])
    return st.fixed_dictionaries(parts)


# --- the compiled key scores exactly as the rules say --------------------------------------------


@settings(max_examples=150, deadline=None)
@given(answers=answer_strategy())
def test_mark_agrees_with_the_rules(answers):
    marked = AnswerKey(QUIZ).mark(answers)
    checked = check_answers(QUIZ, answers)
    reference = score_quiz(QUIZ, checked)
    assert list(marked.outcomes) == [q.id for q in QUIZ]
    for qid, outcome in marked.outcomes.items():
        expected = reference.questions[qid]
        assert outcome.chosen == checked[qid] == expected.chosen
        assert (outcome.correct, outcome.credit, outcome.earned) == (
            expected.correct,
            expected.credit,
            expected.earned,
        )
        assert marked.results[qid] == [expected.correct, round(expected.credit, 6), list(expected.chosen)]
        assert json.loads(json.dumps(outcome.event)) == {
            "correct": expected.correct,
            "chosen": list(checked[qid]),
        }
    assert (marked.earned, marked.possible, marked.score) == (
        reference.earned,
        reference.possible,
        reference.score,
    )


@pytest.mark.parametrize(
    "answers",
    [
        [],
        {"nope": ["ind"]},
        {"lead": "ind"},
        {"lead": [1]},
        {"lead": [["ind"]]},  # unhashable inside: still a clear error
        {"lead": [{"id": "ind"}]},
        {"lead": ["ind", "col"]},
        {"lead": ["ind"], "stages": ["p", "p"], "partial": ["p"], "wioa": ["true"]},
        {"lead": ["ind"], "stages": ["p"], "partial": ["p"], "wioa": ["maybe"]},
        {"lead": ["<script>"], "stages": ["p"], "partial": ["p"], "wioa": ["true"]},
        {"lead": ["ind"], "stages": []},
        {"lead": ["ind"], "stages": None, "partial": ["p"], "wioa": ["true"]},
    ],
)
def test_mark_refuses_what_check_answers_refuses_with_the_same_message(answers):
    with pytest.raises(AnswerError) as expected:
        check_answers(QUIZ, answers)
    key = AnswerKey(QUIZ)
    for _ in range(2):  # the second time too: a refused answer is never remembered as a good one
        with pytest.raises(AnswerError) as got:
            key.mark(answers)
        assert (got.value.message, got.value.unanswered) == (
            expected.value.message,
            expected.value.unanswered,
        )


def test_picks_are_remembered_per_question_and_bounded():
    key = AnswerKey(QUIZ)
    stages = key.keys[1]
    first = stages.outcome(["s", "p"])
    assert stages.outcome(["s", "p"]) is first
    assert stages.outcome(["p", "s"]).chosen == first.chosen == ("p", "s")  # the author's order
    assert stages.outcome([]) is None and stages.outcome(None) is None
    many = AnswerKey(
        QuestionSet([Question("m", "multiple", "?", tuple(Choice(f"c{i}", "x", i == 0) for i in range(12)))])
    )
    for size in range(1, 5):
        for start in range(12):
            many.keys[0].outcome([f"c{(start + j) % 12}" for j in range(size)])
    assert len(many.keys[0].seen) <= MEMO_LIMIT


def test_compiled_key_is_kept_per_content_text():
    from xblocks.checkpoint_quiz.olx import parse_quiz_string
    from xblocks.checkpoint_quiz.questions import questions_to_yaml

    _settings, questions, _problems = parse_quiz_string(SESSION_1_CHECKPOINT)
    text = questions_to_yaml(questions)
    assert compile_quiz(text) is compile_quiz(text)
    assert compile_quiz(text + "\n") is not compile_quiz(text)
    assert compile_quiz("- id: [").problems and compile_quiz("- id: [").questions == ()


def test_shared_event_entries_cannot_be_changed_but_copy_and_pickle():
    entry = AnswerKey(QUIZ).mark({"lead": ["col"], "stages": ["p"], "partial": ["x"], "wioa": ["false"]})
    event = entry.outcomes["lead"].event
    for change in (
        lambda: event.__setitem__("correct", True),
        lambda: event.update(correct=True),
        lambda: event.pop("chosen"),
        lambda: event.clear(),
    ):
        with pytest.raises(TypeError):
            change()
    assert copy.deepcopy(event) is event and copy.copy(event) is event
    assert pickle.loads(pickle.dumps(event)) == {"correct": False, "chosen": ("col",)}
    assert isinstance(event, ReadOnlyDict) and orjson.loads(orjson.dumps(event)) == {
        "correct": False,
        "chosen": ["col"],
    }


def test_submits_leave_the_compiled_outcomes_as_they_were(harness):
    quiz = harness.parse(SESSION_1_CHECKPOINT)
    key = compile_quiz(harness.block(quiz, "ana").questions_source)
    before = {
        k.id: {sent: (o.stored, o.shown, dict(o.event)) for sent, o in k.seen.items()} for k in key.keys
    }
    before = copy.deepcopy(before)
    wrong = {"industry-driven": ["colleges"], "stages": ["planning"], "wioa": ["false"]}
    right = {
        "industry-driven": ["industry"],
        "stages": ["planning", "emerging", "sustaining"],
        "wioa": ["true"],
    }
    for user in ("ana", "ben"):
        for answers in (wrong, right):
            assert harness.call_handler(quiz, "submit", {"answers": answers}, user=user)[0] == 200
    after = {
        k.id: {sent: (o.stored, o.shown, dict(o.event)) for sent, o in k.seen.items() if sent in before[k.id]}
        for k in key.keys
    }
    assert after == before


# --- the learner record --------------------------------------------------------------------------


def test_record_round_trip():
    rec = Record(attempts=2, kept=0.75, last=0.5, passed=False, results={"q": [False, 0.5, ["a", "b"]]})
    text = record.dump(rec)
    assert json.loads(text) == {
        "attempts": 2,
        "kept": 0.75,
        "last": 0.5,
        "passed": False,
        "results": {"q": [False, 0.5, ["a", "b"]]},
    }
    assert record.load(text) == rec
    assert rec.result("q") == (False, 0.5, ["a", "b"]) and rec.result("other") is None


def test_record_keeps_where_its_attempt_was_counted():
    rec = Record(1, 0.0, 0.0, False, {"q": [False, 0.0, ["b"]]}, layout="0123abcd", counted=[4])
    text = record.dump(rec)
    assert json.loads(text)["layout"] == "0123abcd" and json.loads(text)["counted"] == [4]
    assert record.load(text) == rec
    for junk in ('"layout": 5, "counted": [4]', '"layout": "0123abcd", "counted": "4"', '"counted": [4]'):
        loaded = record.load('{"attempts": 1, ' + junk + "}")
        assert (loaded.attempts, loaded.layout, loaded.counted) == (1, "", ())  # the general path then


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "{",
        "[]",
        "null",
        "12",
        b"\xff",
        42,
        '{"attempts": "3"}',
        '{"attempts": -1}',
        '{"attempts": true}',
    ],
)
def test_unreadable_records_read_as_no_attempt(text):
    rec = record.load(text)
    assert rec.attempts == 0 and rec.kept is None and not rec.passed and rec.results == {}


def test_wrong_typed_record_parts_fall_back():
    rec = record.load('{"attempts": 2, "kept": "x", "last": true, "passed": "yes", "results": []}')
    assert rec == Record(attempts=2)
    rec = record.load(
        '{"attempts": 1, "results": {"a": [true, 1, ["x"]], "b": "junk", "c": [1, 2], "d": [true, 1, [3]]}}'
    )
    assert rec.result("a") == (True, 1.0, ["x"])
    assert rec.result("b") is None and rec.result("c") is None and rec.result("d") is None
    assert record.clean_results(rec.results) == {"a": [True, 1.0, ["x"]]}


# --- the class summary ---------------------------------------------------------------------------


def _record(attempts, kept, passed, picks):
    """A Record from {qid: [choice ids]} on QUIZ (scored by the rules)."""
    marked = AnswerKey(QUIZ).mark(picks)
    return Record(attempts, kept, kept, passed, marked.results, LAYOUT.fingerprint, marked.counted)


def _from_scratch(latest):
    """The summary that counts only each learner's latest record, built from nothing."""
    summary = stats.empty_summary()
    for rec in latest.values():
        stats.update_summary(summary, None, rec)
    return summary


@settings(max_examples=60, deadline=None)
@given(
    attempts=st.lists(
        st.tuples(st.sampled_from(["ana", "ben", "cy"]), answer_strategy(), st.sampled_from([0.0, 0.5, 1.0])),
        min_size=1,
        max_size=8,
    )
)
def test_summary_counts_each_learner_once_by_the_latest_attempt(attempts):
    text, latest = "", {}
    for learner, answers, kept in attempts:
        previous = latest.get(learner)
        current = _record((previous.attempts if previous else 0) + 1, kept, kept == 1.0, answers)
        text = stats.count_attempt(text, previous, current, LAYOUT)
        latest[learner] = current
    summary = stats.load_summary(text)
    expected = _from_scratch(latest)
    assert summary["learners"] == len(latest) and summary["attempts"] == len(attempts)
    assert summary["passed"] == expected["passed"]
    assert summary["score_sum"] == pytest.approx(expected["score_sum"])
    for qid, (answered, right, picks) in expected["questions"].items():
        got_answered, got_right, got_picks = summary["questions"][qid]
        assert (got_answered, got_right) == (answered, right)
        assert {c: n for c, n in got_picks.items() if n} == {c: n for c, n in picks.items() if n}


def test_summary_forgets_questions_removed_since_the_last_attempt():
    before = stats.Layout([("gone", ("a",)), ("kept", ("a", "b"))])
    after = stats.Layout([("kept", ("a", "b"))])  # the content lost a question in between
    first = Record(1, 0.0, 0.0, False, {"gone": [True, 1.0, ["a"]], "kept": [False, 0.0, ["b"]]})
    text = stats.count_attempt("", None, first, before)
    second = Record(2, 1.0, 1.0, True, {"kept": [True, 1.0, ["a"]]})
    text = stats.count_attempt(text, first, second, after)
    stored = json.loads(text)
    assert stored["layout"] == "kept a b" and stored["counts"] == [1, 1, 1, 0] and stored["other"] == {}
    summary = stats.load_summary(text)
    assert "gone" not in summary["questions"]  # nothing left to count there
    assert summary["questions"]["kept"] == [1, 1, {"a": 1, "b": 0}]
    assert (summary["learners"], summary["passed"], summary["attempts"]) == (1, 1, 2)


def _stored_form(layout=None, **parts):
    """A summary text in the stored form (on QUIZ's layout unless told), with ``parts`` replaced."""
    data = {"layout": LAYOUT.text, "counts": [0] * LAYOUT.size, "other": {}, "learners": 1, "passed": 0}
    data.update({"score_sum": 0.5, "attempts": 1}, **parts)
    if layout is not None:
        data["layout"] = layout
    return json.dumps(data)


def test_the_stored_summary_is_a_flat_list_in_content_order():
    assert LAYOUT.text == "lead ind col|stages p e s x|partial p e s x|wioa true false"
    current = _record(
        1, 0.5, False, {"lead": ["col"], "stages": ["p", "s"], "partial": ["e"], "wioa": ["true"]}
    )
    stored = json.loads(stats.count_attempt("", None, current, LAYOUT))
    assert stored["counts"] == [1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0]
    assert (stored["learners"], stored["attempts"], stored["score_sum"], stored["other"]) == (1, 1, 0.5, {})


@settings(max_examples=40, deadline=None)
@given(first=answer_strategy(), second=answer_strategy())
def test_counting_in_place_agrees_with_the_general_path(first, second):
    """The fast path (stored form, same layout) gives what the logical summary gives."""
    ben = _record(1, 1.0, True, second)
    text = stats.count_attempt(
        stats.count_attempt("", None, ben, LAYOUT), None, _record(1, 0.0, False, first), LAYOUT
    )
    previous, current = _record(1, 0.0, False, first), _record(2, 0.5, False, second)
    fast = stats.count_attempt(text, previous, current, LAYOUT)
    general = stats.update_summary(stats.load_summary(text), previous, current)
    assert stats.load_summary(fast) == stats.load_summary(stats.dump_summary(general, LAYOUT))


def _two_learners(first, second):
    """The summary text after ben's attempt (``second``) and ana's first attempt (``first``)."""
    ben, ana = _record(1, 1.0, True, second), _record(1, 0.0, False, first)
    return stats.count_attempt(stats.count_attempt("", None, ben, LAYOUT), None, ana, LAYOUT)


def _two_learners_then_retry(first, second, previous, text=None):
    """The summary text after ``_two_learners`` and ana's retry (``second``) counted from ``previous``
    (her first record, possibly altered); and the reference: the same counted in the logical form."""
    text = text or _two_learners(first, second)
    current = _record(2, 0.5, False, second)
    reference = stats.update_summary(stats.load_summary(text), _record(1, 0.0, False, first), current)
    return stats.count_attempt(text, previous, current, LAYOUT), reference


FIRST = {"lead": ["col"], "stages": ["p", "x"], "partial": ["e"], "wioa": ["false"]}
SECOND = {"lead": ["ind"], "stages": ["p", "e", "s"], "partial": ["p", "e"], "wioa": ["true"]}


def test_a_retry_is_counted_by_the_positions_the_record_keeps(monkeypatch):
    first = _record(1, 0.0, False, FIRST)
    assert first.layout == LAYOUT.fingerprint and first.counted == [3, 6, 9, 13, 19]  # picks; none right
    assert _record(1, 1.0, True, SECOND).counted[:2] == [1, 2]  # "lead": right, then the pick "ind"
    text = _two_learners(FIRST, SECOND)
    reference = _two_learners_then_retry(FIRST, SECOND, first, text)[1]

    def general_path(*args):
        raise AssertionError("counted through the logical form")

    monkeypatch.setattr(stats, "update_summary", general_path)  # the records' positions are enough
    fast = stats.count_attempt(text, first, _record(2, 0.5, False, SECOND), LAYOUT)
    assert stats.load_summary(fast) == stats.load_summary(stats.dump_summary(reference, LAYOUT))
    assert stats.load_summary(fast)["questions"]["stages"] == [2, 2, {"p": 2, "e": 2, "s": 2, "x": 0}]


@pytest.mark.parametrize(
    "alter",
    [
        {"layout": "another-layout"},  # counted when the questions were different
        {"layout": "", "counted": ()},  # written before records kept positions
        {"counted": [-1, 0]},  # a negative position would count from the end
        {"counted": [10_000]},
        {"counted": ["x"]},
        {"counted": [2, 2, 2, 2, 2]},  # more than was ever counted there: never below zero
        {"counted": [2, 2]},  # one more than counted, where the retry counts again: caught all the same
        {"results": {"lead": [False, 0.0, ["col"]]}},  # not every question: not counted by positions
    ],
)
def test_a_record_whose_positions_cannot_be_used_is_counted_by_its_answers(alter):
    first = _record(1, 0.0, False, FIRST)._replace(**alter)
    fast, _reference = _two_learners_then_retry(FIRST, SECOND, first)
    summary = stats.load_summary(fast)
    assert (summary["learners"], summary["attempts"]) == (2, 3)
    assert all(n >= 0 for stats_ in summary["questions"].values() for n in (*stats_[:2], *stats_[2].values()))
    assert summary["questions"]["lead"][2]["ind"] == 2  # ana's retry and ben both picked it
    if "results" not in alter:  # the answers were intact: exactly the reference
        reference = _two_learners_then_retry(FIRST, SECOND, _record(1, 0.0, False, FIRST))[1]
        assert summary == stats.load_summary(stats.dump_summary(reference, LAYOUT))


def test_a_content_edit_keeps_the_numbers_by_id():
    """Choices and questions the content lost go to "other" and are taken out when their learner retries."""
    old_layout = stats.Layout([("lead", ("ind", "col", "old")), ("dropped", ("a", "b"))])
    first = Record(1, 0.0, 0.0, False, {"lead": [False, 0.0, ["old"]], "dropped": [True, 1.0, ["a"]]})
    other = Record(1, 1.0, 1.0, True, {"lead": [True, 1.0, ["ind"]], "dropped": [True, 1.0, ["b"]]})
    text = stats.count_attempt(stats.count_attempt("", None, first, old_layout), None, other, old_layout)
    new_layout = stats.Layout([("lead", ("col", "ind")), ("added", ("x",))])  # reordered, one choice gone
    third = Record(1, 1.0, 1.0, True, {"lead": [True, 1.0, ["ind"]], "added": [True, 1.0, ["x"]]})
    text = stats.count_attempt(text, None, third, new_layout)
    stored = json.loads(text)
    assert stored["layout"] == "lead col ind|added x" and stored["counts"] == [3, 2, 0, 2, 1, 1, 1]
    assert stored["other"] == {"lead": [0, 0, {"old": 1}], "dropped": [2, 2, {"a": 1, "b": 1}]}
    retry = Record(2, 0.0, 0.0, False, {"lead": [False, 0.0, ["col"]], "added": [False, 0.0, ["x"]]})
    # the learner of "first" ("old" and "dropped", both gone from the content) tries again
    stored = json.loads(stats.count_attempt(text, first, retry, new_layout))
    assert stored["counts"] == [3, 2, 1, 2, 2, 1, 2]
    assert stored["other"] == {"dropped": [1, 1, {"b": 1}]}
    assert (stored["learners"], stored["attempts"], stored["passed"]) == (3, 4, 2)


def test_the_older_stored_form_is_read_and_stored_again_in_the_layout():
    older = json.dumps(
        {
            "learners": 2,
            "passed": 1,
            "score_sum": 1.0,
            "attempts": 3,
            "questions": {"lead": [2, 1, {"ind": 1, "col": 1}], "wioa": [1, 1, {"true": 1}]},
        }
    )
    assert stats.load_summary(older)["questions"]["lead"] == [2, 1, {"ind": 1, "col": 1}]
    previous = Record(1, 0.0, 0.0, False, {"lead": [False, 0.0, ["col"]]})
    current = Record(2, 1.0, 1.0, True, {"lead": [True, 1.0, ["ind"]]})
    stored = json.loads(stats.count_attempt(older, previous, current, LAYOUT))
    assert stored["layout"] == LAYOUT.text and stored["other"] == {}
    assert stored["counts"][:4] == [2, 2, 2, 0] and stored["counts"][-4:] == [1, 1, 1, 0]
    assert (stored["learners"], stored["passed"], stored["attempts"], stored["score_sum"]) == (2, 2, 4, 2.0)


@pytest.mark.parametrize(
    "stored",
    [
        "{not json",
        "[]",
        '{"learners": "many"}',
        '{"learners": 1, "passed": 0, "score_sum": null, "attempts": 1, "questions": {}}',
        '{"learners": 1, "passed": 0, "score_sum": 0, "attempts": 1, "questions": []}',
        '{"learners": 1, "passed": 0, "score_sum": 0, "attempts": 1, "questions": {"lead": {"answered": 1}}}',
        '{"learners": 1, "passed": 0, "score_sum": 0, "attempts": 1, "questions": {"lead": [1, 1]}}',
        '{"learners": 1, "score_sum": 0, "attempts": 1, "questions": {"lead": [1, "x", {"i": "y"}]}}',
        # the stored form (see stats.py) with wrong parts
        _stored_form(counts=[1, 2]),
        _stored_form(counts=[0] * 19 + ["x"]),
        _stored_form(counts=[0] * 19 + [-3]),
        _stored_form(counts="many"),
        _stored_form(counts=[0] * 20, other=[1]),
        _stored_form(counts=[0] * 20, other={"lead": [1, 1, {"ind": "x"}], "gone": "x"}),
        _stored_form(counts=[0] * 20, learners="x"),
        _stored_form(counts=[0] * 20, score_sum=None),
        _stored_form(layout=5, counts=[0] * 20),
        _stored_form(layout="lead ind|x y", counts=[1, 1, 1, 0, 0, 7]),
    ],
)
def test_a_malformed_summary_is_cleaned_not_a_failure(stored):
    current = _record(1, 1.0, True, {"lead": ["ind"], "stages": ["p"], "partial": ["p"], "wioa": ["true"]})
    text = stats.count_attempt(stored, None, current, LAYOUT)
    assert json.loads(text)["layout"] == LAYOUT.text  # stored again, cleaned, in the content's layout
    summary = stats.load_summary(text)
    assert summary["attempts"] >= 1 and summary["questions"]["lead"][2]["ind"] >= 1
    assert all(n >= 0 for stats_ in summary["questions"].values() for n in (*stats_[:2], *stats_[2].values()))
    view = stats.staff_view(stats.load_summary(stored), QUIZ, lambda text: text)
    assert view["learners"] in (0, 1)


def test_a_malformed_previous_record_is_cleaned_not_a_failure():
    text = stats.count_attempt(
        "",
        None,
        _record(1, 0.0, False, {"lead": ["col"], "stages": ["p"], "partial": ["p"], "wioa": ["true"]}),
        LAYOUT,
    )
    previous = record.load(
        '{"attempts": 1, "kept": 0, "results": {"lead": ["junk"], "stages": [true, 1, [["x"]]]}}'
    )
    current = _record(
        2, 1.0, True, {"lead": ["ind"], "stages": ["p", "e", "s"], "partial": ["p"], "wioa": ["true"]}
    )
    summary = stats.load_summary(stats.count_attempt(text, previous, current, LAYOUT))
    assert summary["attempts"] == 2 and summary["questions"]["lead"][2]["ind"] == 1


# --- the block with stored data it did not write -------------------------------------------------


def _store(harness, block, name, value):
    """Put ``value`` straight into the store, as a broken import or a hand edit might."""
    block._field_data.set(block, name, value)


@pytest.mark.parametrize(
    "junk", ["{not json", '{"attempts": "x"}', "[1, 2]", '{"attempts": 1, "results": {"stages": 5}}']
)
def test_submit_and_views_survive_junk_in_the_store(harness, junk):
    quiz = harness.parse(SESSION_1_CHECKPOINT)
    block = harness.block(quiz, "ana")
    _store(harness, block, "record", junk)
    _store(harness, block, "class_summary", junk)
    assert "checkpoint-quiz" in harness.render(quiz, user="ana")
    status, body = harness.call_handler(
        quiz,
        "submit",
        {"answers": {"industry-driven": ["industry"], "stages": ["planning"], "wioa": ["true"]}},
        user="ana",
    )
    assert status == 200 and body["attempt"] >= 1
    assert "Class results (staff only)" in harness.render(quiz, user="staff_1")
    assert record.load(harness.block(quiz, "ana").record).attempts == body["attempt"]


# --- fields --------------------------------------------------------------------------------------


def test_clean_text_removes_control_characters_when_set_and_when_loaded(harness):
    quiz = harness.parse(SESSION_1_CHECKPOINT)
    block = harness.block(quiz, "author")
    block.show_answers = "never\x00\x1f"
    assert block.show_answers == "never"
    assert CleanText().from_json("a\x0bb") == "ab"
    assert block.fields["record"].from_json('{"attempts": 1}\x00') == '{"attempts": 1}'  # JsonText


def test_a_summary_that_lost_the_previous_attempt_still_counts_the_new_one():
    previous = _record(1, 0.0, False, {"lead": ["col"], "stages": ["p"], "partial": ["p"], "wioa": ["false"]})
    current = _record(
        2, 1.0, True, {"lead": ["ind"], "stages": ["p", "e", "s"], "partial": ["p"], "wioa": ["true"]}
    )
    summary = stats.load_summary(stats.count_attempt("", previous, current, LAYOUT))  # reset in between
    assert summary["attempts"] == 1 and summary["passed"] == 1
    assert summary["questions"]["lead"][2]["ind"] == 1 and summary["questions"]["wioa"][2]["true"] == 1


def test_a_stored_summary_that_lost_a_count_is_cleaned_not_taken_below_zero():
    ben = _record(1, 1.0, True, {"lead": ["ind"], "stages": ["p"], "partial": ["p"], "wioa": ["true"]})
    text = stats.count_attempt("", None, ben, LAYOUT)  # only ben counted: ana's first attempt was lost
    previous = _record(1, 0.0, False, {"lead": ["col"], "stages": ["x"], "partial": ["x"], "wioa": ["false"]})
    current = _record(2, 0.0, False, {"lead": ["col"], "stages": ["e"], "partial": ["e"], "wioa": ["false"]})
    stored = json.loads(stats.count_attempt(text, previous, current, LAYOUT))
    assert min(stored["counts"]) == 0 and stored["attempts"] == 2
    assert stats.load_summary(json.dumps(stored))["questions"]["stages"][2] == {
        "p": 1,
        "e": 1,
        "s": 0,
        "x": 0,
    }
