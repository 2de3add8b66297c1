"""Checking a learner's answers, scoring them, and the attempt and pass rules. No runtime here.

- ``check_answers(questions, answers)`` turns the submitted ``{"<question id>": ["<choice id>", ...]}``
  into ``{qid: (choice ids...)}`` or raises ``AnswerError`` saying what and where (unknown ids, several
  choices for a single, wrong types, unanswered questions listed in ``unanswered``).
- ``score_question`` / ``score_quiz``: ``single`` and ``true_false`` are right or wrong; ``multiple`` is
  all-or-nothing, or with ``partial_credit`` (right picks - wrong picks) / correct choices, floored at 0;
  each question counts ``weight`` points.
- ``kept_score`` (best or last), ``is_passed``, ``attempts_left``.
"""

from dataclasses import dataclass

from xblocks.checkpoint_quiz.questions import QuestionSet, question_label

EPSILON = 1e-9


class AnswerError(ValueError):
    """Submitted answers that cannot be scored; ``unanswered`` lists question ids left without answer."""

    def __init__(self, message, unanswered=()):
        super().__init__(message)
        self.message = message
        self.unanswered = list(unanswered)


def check_answers(questions, answers):
    """``{qid: tuple of choice ids}`` in question order, or AnswerError (nothing is scored then)."""
    if not isinstance(questions, QuestionSet):
        questions = QuestionSet(questions)
    if not isinstance(answers, dict):
        raise AnswerError('"answers" must be an object: {"<question id>": ["<choice id>", ...]}.')
    if len(answers) > len(questions) or any(k not in questions.by_id for k in answers):
        unknown = [str(k) for k in answers if k not in questions.by_id]
        shown = ", ".join(f'"{k[:100]}"' for k in unknown[:5])
        raise AnswerError(f"Unknown question id(s) in answers: {shown}.")
    checked, unanswered = {}, []
    for index, question in enumerate(questions):
        qid = question.id
        chosen = answers.get(qid)
        if chosen is None:
            unanswered.append(qid)
            continue
        if type(chosen) is not list:
            raise AnswerError(f"{question_label(index, qid)}: the answer must be a list of choice ids.")
        if not chosen:
            unanswered.append(qid)
            continue
        known = question.choices_by_id
        for choice_id in chosen:
            if type(choice_id) is not str:
                raise AnswerError(f"{question_label(index, qid)}: choice ids must be text.")
            if choice_id not in known:
                raise AnswerError(f'{question_label(index, qid)}: unknown choice id "{choice_id[:100]}".')
        if len(chosen) > 1:
            if question.kind != "multiple":
                raise AnswerError(
                    f"{question_label(index, qid)}: pick only one choice ({len(chosen)} were sent)."
                )
            if len(set(chosen)) != len(chosen):
                raise AnswerError(f"{question_label(index, qid)}: a choice is listed twice.")
            checked[qid] = tuple(c for c in question.choice_ids if c in chosen)  # the author's order
        else:
            checked[qid] = (chosen[0],)
    if unanswered:
        labels = ", ".join(question_label(questions.index_of[q], q) for q in unanswered)
        raise AnswerError(f"Answer every question before submitting; unanswered: {labels}.", unanswered)
    return checked


@dataclass(slots=True)
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
        return self.earned / self.possible if self.possible > 0 else 0.0


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
