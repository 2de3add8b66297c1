"""The questions compiled once per content text, so a submit only looks things up.

``compile_quiz(text)`` parses the questions YAML and keeps, per question, the outcome of every single
pick (and, as they come, of multi-choice picks): the checked choice ids, right or not, the credit, the
record entry and the result item the browser may see. All of it is derived from the content alone,
never from a learner; the cache is keyed by the content text, so an edit in Studio is a new entry.

``AnswerKey.mark(answers)`` checks and scores a submitted ``{"<question id>": [...]}`` in one pass with
the rules of ``scoring`` (``check_choice``, ``question_credit``): a pick seen before is one dict lookup,
a new one goes through the full check and is kept (up to ``MEMO_LIMIT`` per question).
"""

import functools
from dataclasses import dataclass
from typing import NamedTuple

import orjson

from xblocks.checkpoint_quiz import reveal
from xblocks.checkpoint_quiz.questions import questions_from_yaml
from xblocks.checkpoint_quiz.scoring import (
    AnswerError,
    check_answers_shape,
    check_choice,
    question_credit,
    score_of,
    unanswered_error,
)
from xblocks.checkpoint_quiz.stats import Layout

MEMO_LIMIT = 256  # outcomes kept per question (every single pick fits; beyond, new picks are not kept)


class ReadOnlyDict(dict):
    """A dict that refuses changes: safe to hand to other code (tracking events) while it is shared.

    Copies are itself; pickling gives a plain dict. JSON encoders see a dict.
    """

    def _refuse(self, *args, **kwargs):
        raise TypeError("this mapping is shared between requests and cannot be changed; copy it first")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return dict, (dict(self),)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one pick on one question scores. Shared between requests: never change its parts."""

    chosen: tuple  # checked choice ids, author's order
    correct: bool
    credit: float  # 0..1
    earned: float  # credit x weight
    stored: list  # the record entry: [correct, credit, [chosen]] (only ever serialized)
    shown: dict  # reveal.result_item: what the browser may see before answers are visible (serialized)
    shown_json: bytes  # ``"<question id>":<shown as JSON>``: one member of the answer's "results" object
    event: ReadOnlyDict  # the tracking event's entry: {"correct", "chosen" (a tuple: a JSON array)}
    counted: tuple  # positions in the class summary this answer adds 1 to (``stats.Layout.positions``)


class QuestionKey:
    """One question's lookups: outcomes by the picked choice ids as sent."""

    __slots__ = ("question", "id", "index", "weight", "layout", "seen")

    def __init__(self, question, index, layout):
        self.question, self.id, self.index, self.weight = question, question.id, index, question.weight
        self.layout = layout
        self.seen = {}  # tuple of the choice ids as sent -> Outcome
        for choice in question.choices:
            self.seen[(choice.id,)] = self._outcome((choice.id,))

    def _outcome(self, chosen):
        question = self.question
        credit = question_credit(question, chosen)
        correct = set(chosen) == question.correct_ids
        rounded = round(credit, 6)
        shown = reveal.result_item(question, correct, rounded, chosen)
        return Outcome(
            chosen=chosen,
            correct=correct,
            credit=credit,
            earned=credit * self.weight,
            stored=[correct, rounded, list(chosen)],
            shown=shown,
            shown_json=orjson.dumps(self.id) + b":" + orjson.dumps(shown),
            event=ReadOnlyDict(correct=correct, chosen=chosen),
            counted=self.layout.positions(self.id, correct, chosen),
        )

    def outcome(self, sent):
        """The Outcome of ``sent`` (the JSON value of this question's answer), None if unanswered.

        Raises AnswerError for a bad answer (see ``scoring.check_choice``).
        """
        if type(sent) is list:
            try:
                found = self.seen.get(tuple(sent))
            except TypeError:  # unhashable items: the full check says what is wrong
                found = None
            if found is not None:
                return found
        chosen = check_choice(self.question, sent, self.index)
        if chosen is None:
            return None
        outcome = self.seen.get(chosen) or self._outcome(chosen)
        if len(self.seen) < MEMO_LIMIT:
            self.seen[tuple(sent)] = outcome
        return outcome


class Marked(NamedTuple):
    """A checked and scored attempt, in question order: ``outcomes`` qid -> Outcome, ``results`` qid ->
    the record entry (``Outcome.stored``), ``events`` qid -> the tracking entry (``Outcome.event``);
    ``score`` 0..1; ``counted`` the positions the attempt adds 1 to in the class summary.
    ``shown_json()`` is the "results" object the browser may see before answers are visible, as JSON
    text."""

    outcomes: dict
    results: dict
    earned: float
    possible: float
    score: float
    events: dict = {}
    counted: list = []

    def shown_json(self):
        """``{"<question id>": reveal.result_item, ...}`` as JSON bytes (joined from prepared parts)."""
        return b"{" + b",".join([outcome.shown_json for outcome in self.outcomes.values()]) + b"}"


class AnswerKey:
    """The compiled questions of a quiz (``questions`` and authoring ``problems`` as parsed; ``layout``:
    where each question's numbers sit in the stored class summary, ``stats.Layout``)."""

    def __init__(self, questions, problems=()):
        self.questions, self.problems = questions, tuple(problems)
        self.layout = Layout.of(questions)
        self.keys = tuple(QuestionKey(q, i, self.layout) for i, q in enumerate(questions))
        self.ids = frozenset(q.id for q in questions)
        possible = 0.0
        for question in questions:  # summed in question order, as scoring.score_quiz does
            possible += question.weight
        self.possible = possible

    def mark(self, answers):
        """Check and score ``answers``; AnswerError (nothing scored) for anything wrong or missing."""
        check_answers_shape(answers, self.ids, len(self.keys))
        outcomes, results, events, counted, unanswered = {}, {}, {}, [], []
        earned = 0.0
        for key in self.keys:
            sent = answers.get(key.id)
            outcome = None
            if type(sent) is list:  # the common case, a pick seen before, inline: one lookup
                try:
                    outcome = key.seen.get(tuple(sent))
                except TypeError:
                    pass
            if outcome is None:
                outcome = key.outcome(sent)
                if outcome is None:
                    unanswered.append(key.id)
                    continue
            qid = key.id
            outcomes[qid] = outcome
            results[qid] = outcome.stored
            events[qid] = outcome.event
            counted += outcome.counted
            earned += outcome.earned
        if unanswered:
            raise unanswered_error(self.questions, unanswered)
        score = score_of(earned, self.possible)
        return Marked(outcomes, results, earned, self.possible, score, events, counted)


@functools.lru_cache(maxsize=128)
def compile_quiz(text):
    """The AnswerKey of the questions YAML ``text`` (cached by the text: content only)."""
    questions, problems = questions_from_yaml(text)
    return AnswerKey(questions, problems)


__all__ = ["AnswerError", "AnswerKey", "Marked", "Outcome", "compile_quiz"]
