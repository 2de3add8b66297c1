"""Checking a learner's answers, scoring them, and the attempt and pass rules. No runtime here.

- ``check_choice(question, chosen, index)`` checks what was sent for one question (a list of choice ids)
  and returns the choice ids in the author's order, None when the question was left unanswered, or raises
  ``AnswerError`` saying what and where (wrong types, unknown ids, several choices for a single).
- ``check_answers(questions, answers)`` does that for a whole ``{"<question id>": [...]}`` body (unknown
  question ids refused, unanswered questions listed in ``AnswerError.unanswered``).
- ``question_credit`` / ``score_quiz``: ``single`` and ``true_false`` are right or wrong; ``multiple`` is
  all-or-nothing, or with ``partial_credit`` (right picks - wrong picks) / correct choices, floored at 0;
  each question counts ``weight`` points.
- ``kept_score`` (best or last), ``is_passed``, ``attempts_left``.

The block scores through ``answer_key``, which applies these same rules once per distinct pick and keeps
the outcomes with the parsed content.
"""

from dataclasses import dataclass

from xblocks.checkpoint_quiz.questions import question_label

EPSILON = 1e-9


class AnswerError(ValueError):
    """Submitted answers that cannot be scored; ``unanswered`` lists question ids left without answer."""

    def __init__(self, message, unanswered=()):
        super().__init__(message)
        self.message = message
        self.unanswered = list(unanswered)


def check_answers_shape(answers, known_ids, count):
    """AnswerError unless ``answers`` is an object whose keys are all known question ids."""
    if not isinstance(answers, dict):
        raise AnswerError('"answers" must be an object: {"<question id>": ["<choice id>", ...]}.')
    if len(answers) > count or not known_ids.issuperset(answers):
        unknown = [str(k) for k in answers if k not in known_ids]
        shown = ", ".join(f'"{k[:100]}"' for k in unknown[:5])
        raise AnswerError(f"Unknown question id(s) in answers: {shown}.")


def check_choice(question, chosen, index):
    """The choice ids picked for ``question`` in the author's order; None if unanswered; else AnswerError."""
    if chosen is None:
        return None
    qid = question.id
    if type(chosen) is not list:
        raise AnswerError(f"{question_label(index, qid)}: the answer must be a list of choice ids.")
    if not chosen:
        return None
    known = question.choices_by_id
    for choice_id in chosen:
        if type(choice_id) is not str:
            raise AnswerError(f"{question_label(index, qid)}: choice ids must be text.")
        if choice_id not in known:
            raise AnswerError(f'{question_label(index, qid)}: unknown choice id "{choice_id[:100]}".')
    if len(chosen) == 1:
        return (chosen[0],)
    if question.kind != "multiple":
        raise AnswerError(f"{question_label(index, qid)}: pick only one choice ({len(chosen)} were sent).")
    if len(set(chosen)) != len(chosen):
        raise AnswerError(f"{question_label(index, qid)}: a choice is listed twice.")
    return tuple(c for c in question.choice_ids if c in chosen)


def unanswered_error(questions, unanswered):
    """The AnswerError listing every unanswered question (ids in question order)."""
    index_of = {q.id: i for i, q in enumerate(questions)}
    labels = ", ".join(question_label(index_of[q], q) for q in unanswered)
    return AnswerError(f"Answer every question before submitting; unanswered: {labels}.", unanswered)


def check_answers(questions, answers):
    """``{qid: tuple of choice ids}`` in question order, or AnswerError (nothing is scored then)."""
    check_answers_shape(answers, frozenset(q.id for q in questions), len(questions))
    checked, unanswered = {}, []
    for index, question in enumerate(questions):
        chosen = check_choice(question, answers.get(question.id), index)
        if chosen is None:
            unanswered.append(question.id)
        else:
            checked[question.id] = chosen
    if unanswered:
        raise unanswered_error(questions, unanswered)
    return checked


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """How one question went: ``credit`` is 0..1, ``earned`` = credit x weight."""

    question_id: str
    chosen: tuple
    correct: bool
    credit: float
    earned: float
    possible: float


@dataclass(frozen=True)
class QuizResult:
    """A scored attempt: ``score`` is earned / possible (0..1)."""

    questions: dict  # qid -> QuestionResult, in question order
    earned: float
    possible: float

    @property
    def score(self):
        return score_of(self.earned, self.possible)


def score_of(earned, possible):
    return earned / possible if possible > 0 else 0.0


def question_credit(question, chosen):
    """Credit 0..1 for ``chosen`` (a collection of choice ids) on ``question``."""
    chosen = set(chosen)
    correct = question.correct_ids
    if question.kind == "multiple" and question.partial_credit and correct:
        right = len(chosen & correct)
        wrong = len(chosen - correct)
        return max(0.0, (right - wrong) / len(correct))
    return 1.0 if chosen == correct and correct else 0.0


def score_question(question, chosen):
    """The QuestionResult of ``chosen`` (checked choice ids) on ``question``."""
    chosen = tuple(chosen)
    credit = question_credit(question, chosen)
    weight = question.weight
    return QuestionResult(
        question.id, chosen, set(chosen) == question.correct_ids, credit, credit * weight, weight
    )


def score_quiz(questions, checked):
    """Score checked answers (from ``check_answers``) against every question."""
    results = {}
    earned = possible = 0.0
    for question in questions:
        result = score_question(question, checked.get(question.id, ()))
        results[question.id] = result
        earned += result.earned
        possible += result.possible
    return QuizResult(questions=results, earned=earned, possible=possible)


def is_passed(score, pass_ratio):
    """A score (0..1) passes when it reaches ``pass_ratio`` (with float noise tolerated)."""
    return score is not None and score + EPSILON >= pass_ratio


def kept_score(scoring, previous, latest):
    """The score that counts after an attempt: the best so far, or the latest (``scoring="last"``)."""
    if scoring == "last" or previous is None:
        return latest
    return max(previous, latest)


def attempts_left(max_attempts, used):
    """Attempts still allowed; None means unlimited (``max_attempts`` 0)."""
    if not max_attempts or max_attempts <= 0:
        return None
    return max(0, max_attempts - used)


def can_submit(max_attempts, used):
    left = attempts_left(max_attempts, used)
    return left is None or left > 0
